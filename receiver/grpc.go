package receiver

import (
	"context"
	"errors"
	"io"
	"sync"

	"github.com/klauspost/compress/zstd"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"
	_ "google.golang.org/grpc/encoding/gzip" // registers the gzip decompressor exporters use by default
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/talus-logs/talus/internal/metrics"
	"github.com/talus-logs/talus/storage"
)

// GRPCServerOptions returns the options a gRPC server needs to receive OTLP
// as the receiver expects (message size limit).
func (r *Receiver) GRPCServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.MaxRecvMsgSize(int(r.opts.MaxRequestBytes)),
	}
}

// RegisterGRPC registers the OTLP LogsService on s.
func (r *Receiver) RegisterGRPC(s *grpc.Server) {
	plogotlp.RegisterGRPCServer(s, &grpcServer{r: r})
}

type grpcServer struct {
	plogotlp.UnimplementedGRPCServer
	r *Receiver
}

func (g *grpcServer) Export(ctx context.Context, req plogotlp.ExportRequest) (plogotlp.ExportResponse, error) {
	r := g.r
	instance := r.opts.DefaultInstance
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		if v := md.Get("x-talus-instance"); len(v) > 0 && v[0] != "" {
			instance = v[0]
		}
	}
	if err := r.acquire(ctx); err != nil {
		metrics.IngestErrors.WithLabelValues("overloaded").Inc()
		metrics.IngestRequests.WithLabelValues("grpc", codes.Unavailable.String()).Inc()
		return plogotlp.NewExportResponse(), r.unavailable("server overloaded, retry later")
	}
	defer r.release()
	res, err := r.export(instance, req.Logs())
	if err != nil {
		if errors.Is(err, storage.ErrInvalidInstance) {
			metrics.IngestRequests.WithLabelValues("grpc", codes.InvalidArgument.String()).Inc()
			return plogotlp.NewExportResponse(), status.Error(codes.InvalidArgument, err.Error())
		}
		metrics.IngestErrors.WithLabelValues("write").Inc()
		metrics.IngestRequests.WithLabelValues("grpc", codes.Unavailable.String()).Inc()
		return plogotlp.NewExportResponse(), r.unavailable("write failed, retry later: " + err.Error())
	}
	resp := plogotlp.NewExportResponse()
	if res.rejected > 0 {
		resp.PartialSuccess().SetRejectedLogRecords(res.rejected)
		resp.PartialSuccess().SetErrorMessage(res.message)
	}
	metrics.IngestRequests.WithLabelValues("grpc", codes.OK.String()).Inc()
	return resp, nil
}

// unavailable is the throttling answer: UNAVAILABLE with a RetryInfo, which
// the collector's exporter turns into a delay before its retry.
func (r *Receiver) unavailable(msg string) error {
	st, err := status.New(codes.Unavailable, msg).WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(r.opts.RetryAfter)})
	if err != nil {
		return status.Error(codes.Unavailable, msg)
	}
	return st.Err()
}

// zstdCompressor lets gRPC clients send zstd-compressed requests (the
// collector's exporters offer it); without it they get Unimplemented.
type zstdCompressor struct {
	encoders sync.Pool
	decoders sync.Pool
}

func init() {
	encoding.RegisterCompressor(&zstdCompressor{})
}

func (c *zstdCompressor) Name() string { return "zstd" }

func (c *zstdCompressor) Compress(w io.Writer) (io.WriteCloser, error) {
	if e, ok := c.encoders.Get().(*zstd.Encoder); ok {
		e.Reset(w)
		return &pooledEncoder{Encoder: e, pool: &c.encoders}, nil
	}
	e, err := zstd.NewWriter(w, zstd.WithEncoderConcurrency(1))
	if err != nil {
		return nil, err
	}
	return &pooledEncoder{Encoder: e, pool: &c.encoders}, nil
}

func (c *zstdCompressor) Decompress(r io.Reader) (io.Reader, error) {
	d, ok := c.decoders.Get().(*zstd.Decoder)
	if !ok {
		var err error
		d, err = zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(64<<20+1))
		if err != nil {
			return nil, err
		}
	} else if err := d.Reset(r); err != nil {
		return nil, err
	}
	return &pooledDecoder{d: d, pool: &c.decoders}, nil
}

type pooledEncoder struct {
	*zstd.Encoder
	pool *sync.Pool
}

func (p *pooledEncoder) Close() error {
	err := p.Encoder.Close()
	p.pool.Put(p.Encoder)
	return err
}

type pooledDecoder struct {
	d    *zstd.Decoder
	pool *sync.Pool
}

func (p *pooledDecoder) Read(b []byte) (int, error) {
	if p.d == nil {
		return 0, io.EOF
	}
	n, err := p.d.Read(b)
	if err == io.EOF {
		p.pool.Put(p.d)
		p.d = nil
	}
	return n, err
}
