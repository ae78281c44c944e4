package receiver_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"google.golang.org/grpc"

	"github.com/talus-logs/talus/receiver"
)

// TestConcurrentExports sends from many goroutines at once over both
// transports with every compressor (the gRPC zstd codec is pooled): every
// record is stored exactly once.
func TestConcurrentExports(t *testing.T) {
	e := newEnv(t, envOptions{})
	client := plogotlp.NewGRPCClient(grpcClient(t, e))
	const workers, perWorker, records = 8, 15, 7
	errs := make(chan error, workers*perWorker)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				ld := genLogs(fmt.Sprintf("w%d-%d", w, i), records)
				errs <- exportOnce(e, client, w, ld)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	counts := bodyCounts(e.all("default"))
	if len(counts) != workers*perWorker*records {
		t.Errorf("%d distinct records stored, want %d", len(counts), workers*perWorker*records)
	}
	for body, n := range counts {
		if n != 1 {
			t.Errorf("%q stored %d times", body, n)
		}
	}
}

// exportOnce sends ld over gRPC (even workers, zstd or gzip) or HTTP (odd
// workers, zstd or gzip) and reports anything but a full success.
func exportOnce(e *testEnv, client plogotlp.GRPCClient, worker int, ld plog.Logs) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	compressor := []string{"zstd", "gzip"}[worker/2%2]
	if worker%2 == 0 {
		resp, err := client.Export(ctx, plogotlp.NewExportRequestFromLogs(ld), grpc.UseCompressor(compressor))
		if err == nil && resp.PartialSuccess().RejectedLogRecords() != 0 {
			err = fmt.Errorf("rejected %d", resp.PartialSuccess().RejectedLogRecords())
		}
		return err
	}
	body, err := plogotlp.NewExportRequestFromLogs(ld).MarshalProto()
	if err != nil {
		return err
	}
	zbody, err := compressBody(compressor, body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.httpURL+receiver.LogsPath, bytes.NewReader(zbody))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", ctProto)
	req.Header.Set("Content-Encoding", compressor)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return nil
}
