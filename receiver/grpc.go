package receiver

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync"

	"github.com/klauspost/compress/zstd"
	"github.com/talus-logs/talus/internal/gunzip"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"
	_ "google.golang.org/grpc/encoding/gzip"  // registers the gzip decompressor exporters use by default
	_ "google.golang.org/grpc/encoding/proto" // the codec rawCodec leaves other messages to
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/talus-logs/talus/internal/metrics"
	"github.com/talus-logs/talus/storage"
)

// GRPCServerOptions returns the options a gRPC server needs to receive OTLP
// as the receiver expects: the message size limit, and a codec that hands
// export requests to the handler as bytes (rawCodec).
func (r *Receiver) GRPCServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.MaxRecvMsgSize(int(r.opts.MaxRequestBytes)),
		grpc.ForceServerCodecV2(rawCodec{}),
	}
}

// RegisterGRPC registers the OTLP LogsService on s. The server must have
// been made with GRPCServerOptions.
func (r *Receiver) RegisterGRPC(s *grpc.Server) {
	s.RegisterService(&logsServiceDesc, r)
}

const exportMethod = "/opentelemetry.proto.collector.logs.v1.LogsService/Export"

// logsServiceDesc is opentelemetry.proto.collector.logs.v1.LogsService with
// a handler that takes the request undecoded, so that the store reads it
// straight from its bytes (storage.Store.WriteOTLP) as for OTLP/HTTP.
var logsServiceDesc = grpc.ServiceDesc{
	ServiceName: "opentelemetry.proto.collector.logs.v1.LogsService",
	HandlerType: (*any)(nil),
	Methods:     []grpc.MethodDesc{{MethodName: "Export", Handler: exportHandler}},
	Metadata:    "opentelemetry/proto/collector/logs/v1/logs_service.proto",
}

func exportHandler(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
	req := new(rawMessage)
	if err := dec(req); err != nil {
		return nil, err
	}
	defer req.free()
	r := srv.(*Receiver)
	if interceptor == nil {
		return r.exportGRPC(ctx, req)
	}
	info := &grpc.UnaryServerInfo{Server: srv, FullMethod: exportMethod}
	return interceptor(ctx, req, info, func(ctx context.Context, req any) (any, error) {
		return r.exportGRPC(ctx, req.(*rawMessage))
	})
}

// rawMessage is a message as bytes: a request as received (buf holds its
// memory until free), or a response already encoded.
type rawMessage struct {
	b   []byte
	buf mem.Buffer
}

func (m *rawMessage) free() {
	if m.buf != nil {
		m.buf.Free()
		m.buf, m.b = nil, nil
	}
}

// rawCodec passes rawMessages through as bytes and leaves every other
// message to the registered protobuf codec.
type rawCodec struct{}

func (rawCodec) Name() string { return "proto" }

func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	if m, ok := v.(*rawMessage); ok {
		return mem.BufferSlice{mem.SliceBuffer(m.b)}, nil
	}
	return encoding.GetCodecV2("proto").Marshal(v)
}

func (rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	if m, ok := v.(*rawMessage); ok {
		// The buffer gRPC read the message into, referenced rather than
		// copied when the message arrived in one piece.
		m.buf = data.MaterializeToBuffer(mem.DefaultBufferPool())
		m.b = m.buf.ReadOnlyData()
		return nil
	}
	return encoding.GetCodecV2("proto").Unmarshal(data, v)
}

func (r *Receiver) exportGRPC(ctx context.Context, req *rawMessage) (*rawMessage, error) {
	instance := r.opts.DefaultInstance
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		if v := md.Get("x-talus-instance"); len(v) > 0 && v[0] != "" {
			instance = v[0]
		}
	}
	if err := r.acquire(ctx); err != nil {
		metrics.IngestErrors.WithLabelValues("overloaded").Inc()
		metrics.IngestRequests.WithLabelValues("grpc", codes.Unavailable.String()).Inc()
		return nil, r.unavailable("server overloaded, retry later")
	}
	defer r.release()
	res, err := r.export(func() (storage.WriteResult, error) { return r.w.WriteOTLP(instance, req.b) })
	if err != nil {
		switch {
		case errors.Is(err, storage.ErrMalformed):
			metrics.IngestErrors.WithLabelValues("malformed").Inc()
			metrics.IngestRequests.WithLabelValues("grpc", codes.InvalidArgument.String()).Inc()
			return nil, status.Error(codes.InvalidArgument, "cannot decode OTLP request: "+err.Error())
		case errors.Is(err, storage.ErrInvalidInstance):
			metrics.IngestRequests.WithLabelValues("grpc", codes.InvalidArgument.String()).Inc()
			return nil, status.Error(codes.InvalidArgument, err.Error())
		}
		metrics.IngestErrors.WithLabelValues("write").Inc()
		metrics.IngestRequests.WithLabelValues("grpc", codes.Unavailable.String()).Inc()
		return nil, r.unavailable("write failed, retry later: " + err.Error())
	}
	resp := plogotlp.NewExportResponse()
	if res.rejected > 0 {
		resp.PartialSuccess().SetRejectedLogRecords(res.rejected)
		resp.PartialSuccess().SetErrorMessage(res.message)
	}
	out, err := resp.MarshalProto()
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	metrics.IngestRequests.WithLabelValues("grpc", codes.OK.String()).Inc()
	return &rawMessage{b: out}, nil
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
	if gunzip.Available() {
		encoding.RegisterCompressor(&gzipCompressor{Compressor: encoding.GetCompressor("gzip")})
	}
}

// gzipCompressor takes the place of grpc's own "gzip" compressor when
// libdeflate is there (internal/gunzip): it inflates a whole request in
// one call and leaves what that cannot take to grpc's streaming reader,
// which judges it as before. It compresses with grpc's.
type gzipCompressor struct {
	encoding.Compressor
	bufs sync.Pool // of *gunzipped
}

// gzipMaxBytes bounds what one call inflates: the receiver's default
// limit. A larger request (a server given a higher limit) is inflated by
// the streaming reader, and grpc checks every size against the limit.
const gzipMaxBytes = 64 << 20

func (c *gzipCompressor) Decompress(r io.Reader) (io.Reader, error) {
	g, _ := c.bufs.Get().(*gunzipped)
	if g == nil {
		g = &gunzipped{pool: &c.bufs}
	}
	g.packed.Reset()
	if _, err := g.packed.ReadFrom(io.LimitReader(r, gzipMaxBytes+1)); err != nil {
		g.Close()
		return nil, err
	}
	var ok bool
	if g.whole, ok = gunzip.Decompress(g.whole[:0], g.packed.Bytes(), gzipMaxBytes); ok {
		g.r.Reset(g.whole)
		return g, nil
	}
	// g is not pooled again: its bytes are the start of what the streaming
	// reader reads.
	return c.Compressor.Decompress(io.MultiReader(bytes.NewReader(g.packed.Bytes()), r))
}

// gunzipped reads a request inflated by gzipCompressor; grpc closes it
// once it has read it, which returns its buffers.
type gunzipped struct {
	packed bytes.Buffer
	whole  []byte
	r      bytes.Reader
	pool   *sync.Pool
}

func (g *gunzipped) Read(p []byte) (int, error) { return g.r.Read(p) }

func (g *gunzipped) Close() error {
	if g.packed.Cap() <= 16<<20 && cap(g.whole) <= 16<<20 {
		g.r.Reset(nil)
		g.pool.Put(g)
	}
	return nil
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
