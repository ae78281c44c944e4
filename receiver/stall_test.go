package receiver_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/plog/plogotlp"

	"github.com/talus-logs/talus/receiver"
)

// TestStalledUploadsFreeTheirSlots: an OTLP/HTTP client that sends its
// headers and part of its body, then stalls, holds a write slot only for
// BodyTimeout; it is answered 408 and the others' exports go through.
// Before, stalled uploads held every slot for as long as they stalled, and
// every export, over gRPC too, was answered UNAVAILABLE.
func TestStalledUploadsFreeTheirSlots(t *testing.T) {
	const slots = 2
	e := newEnv(t, envOptions{recv: receiver.Options{
		MaxConcurrentWrites: slots, QueueWait: 3 * time.Second, BodyTimeout: 500 * time.Millisecond,
	}})
	addr := strings.TrimPrefix(e.httpURL, "http://")
	var stalled []net.Conn
	for i := 0; i < slots; i++ {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: 1000\r\n\r\n{", receiver.LogsPath, addr, ctJSON)
		stalled = append(stalled, c)
	}
	time.Sleep(100 * time.Millisecond) // the stalled requests take the slots

	client := plogotlp.NewGRPCClient(grpcClient(t, e))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	if _, err := client.Export(ctx, plogotlp.NewExportRequestFromLogs(genLogs("grpc", 3))); err != nil {
		t.Fatalf("gRPC export behind stalled uploads: %v", err)
	}
	if code, _, body := e.post(ctProto, "", protoLogs(t, genLogs("http", 3))); code != http.StatusOK {
		t.Fatalf("HTTP export behind stalled uploads: %d %s", code, body)
	}
	if d := time.Since(start); d > 2500*time.Millisecond {
		t.Errorf("exports took %s behind stalled uploads, want about BodyTimeout", d)
	}
	for _, c := range stalled {
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("stalled upload: no answer: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestTimeout {
			t.Errorf("stalled upload answered %d, want 408", resp.StatusCode)
		}
	}
	if n := len(bodyCounts(e.all("default"))); n != 6 {
		t.Errorf("%d records stored, want 6", n)
	}
}
