package raftstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// The raft service. Messages are opaque bytes (wrapperspb.BytesValue) in
// this package's own encodings, so no generated code is needed.
const (
	raftServiceName    = "talus.raftstore.v1.Raft"
	methodMessages     = "/" + raftServiceName + "/Messages"
	methodSnapshot     = "/" + raftServiceName + "/Snapshot"
	methodJoin         = "/" + raftServiceName + "/Join"
	methodForward      = "/" + raftServiceName + "/Forward"
	maxGRPCMessageSize = 64 << 20
	// maxFrameBytes is the message bytes a frame carries before the next
	// frame starts (a single larger message travels alone).
	maxFrameBytes = 16 << 20
	// maxCommandBytes bounds one group's part of a batch: a raft entry
	// must fit a gRPC message with room to spare.
	maxCommandBytes = 32 << 20
	// peerQueueLimit bounds the envelopes queued for one peer; beyond it
	// messages are dropped (raft retransmits) rather than growing memory.
	peerQueueLimit = 16384
)

// raftService is what the gRPC handlers call.
type raftService interface {
	handleFrame(frame []byte) error
	handleSnapshot(stream grpc.ServerStream) error
	handleJoin(req []byte) ([]byte, error)
	handleForward(req []byte) ([]byte, error)
}

// unaryBytes adapts a bytes-in, bytes-out handler to a gRPC unary method.
func unaryBytes(name string, h func(srv raftService, req []byte) ([]byte, error)) grpc.MethodDesc {
	return grpc.MethodDesc{
		MethodName: name,
		Handler: func(srv interface{}, ctx context.Context, dec func(interface{}) error, _ grpc.UnaryServerInterceptor) (interface{}, error) {
			in := &wrapperspb.BytesValue{}
			if err := dec(in); err != nil {
				return nil, err
			}
			out, err := h(srv.(raftService), in.Value)
			if err != nil {
				return nil, err
			}
			return &wrapperspb.BytesValue{Value: out}, nil
		},
	}
}

var raftServiceDesc = grpc.ServiceDesc{
	ServiceName: raftServiceName,
	HandlerType: (*raftService)(nil),
	Methods: []grpc.MethodDesc{
		unaryBytes("Join", raftService.handleJoin),
		unaryBytes("Forward", raftService.handleForward),
	},
	Streams: []grpc.StreamDesc{
		{
			StreamName:    "Messages",
			ClientStreams: true,
			Handler: func(srv interface{}, stream grpc.ServerStream) error {
				for {
					// The frame stays in a pooled gRPC buffer while it
					// is decoded (raftCodec): decodeFrame copies what it
					// keeps.
					in := &pooledBytes{}
					if err := stream.RecvMsg(in); err != nil {
						return err
					}
					err := srv.(raftService).handleFrame(in.val)
					in.free()
					if err != nil {
						return err
					}
				}
			},
		},
		{
			StreamName:    "Snapshot",
			ClientStreams: true,
			Handler: func(srv interface{}, stream grpc.ServerStream) error {
				return srv.(raftService).handleSnapshot(stream)
			},
		},
	},
}

// grpcTransport is the network transport: one client stream per peer node
// carrying frames that batch the messages of all groups.
type grpcTransport struct {
	n    *node
	addr string
	lis  net.Listener
	srv  *grpc.Server

	mu sync.Mutex
	// addrs are the known raft addresses of other nodes. Guarded by mu.
	addrs map[uint64]string
	// peers are the outgoing streams. Guarded by mu.
	peers map[uint64]*peer
	// conns are connections for unary calls (forwarding). Guarded by mu.
	conns  map[uint64]*grpc.ClientConn
	closed bool
	wg     sync.WaitGroup
	stopc  chan struct{}
}

// peer is the outgoing side towards one node.
type peer struct {
	t    *grpcTransport
	id   uint64
	wake chan struct{}

	mu sync.Mutex
	// queue holds envelopes waiting to be sent. Guarded by mu.
	queue []envelope
	// snaps holds snapshot messages waiting for their data stream. Guarded by mu.
	snaps []envelope
}

func newGRPCTransport(n *node, addr string) (*grpcTransport, error) {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen for raft on %s: %w", addr, err)
	}
	t := &grpcTransport{
		n: n, addr: lis.Addr().String(), lis: lis,
		addrs: map[uint64]string{}, peers: map[uint64]*peer{}, conns: map[uint64]*grpc.ClientConn{},
		stopc: make(chan struct{}),
	}
	// WaitForHandlers: Stop returns only once every handler has, so that no
	// handler touches the storage engines after the node closes them.
	t.srv = grpc.NewServer(grpc.MaxRecvMsgSize(maxGRPCMessageSize), grpc.MaxSendMsgSize(maxGRPCMessageSize),
		grpc.WaitForHandlers(true), grpc.ForceServerCodecV2(newRaftCodec()),
		grpc.WriteBufferSize(grpcBufferSize), grpc.ReadBufferSize(grpcBufferSize),
		grpc.InitialWindowSize(grpcStreamWindow), grpc.InitialConnWindowSize(grpcConnWindow))
	t.srv.RegisterService(&raftServiceDesc, n)
	go func() { _ = t.srv.Serve(lis) }()
	return t, nil
}

// setAddr records a node's address (learned from a frame, a join or the
// raft-log engine).
func (t *grpcTransport) setAddr(id uint64, addr string) bool {
	if id == 0 || addr == "" || id == t.n.id {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.addrs[id] == addr {
		return false
	}
	t.addrs[id] = addr
	if p := t.peers[id]; p != nil {
		// The node moved: the sender reconnects on its next error.
		_ = p
	}
	return true
}

func (t *grpcTransport) knownAddrs() map[uint64]string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[uint64]string{t.n.id: t.addr}
	for id, a := range t.addrs {
		out[id] = a
	}
	return out
}

func (t *grpcTransport) nodes() []uint64 {
	var out []uint64
	for id := range t.knownAddrs() {
		out = append(out, id)
	}
	return out
}

func (t *grpcTransport) peer(id uint64) *peer {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil
	}
	if p := t.peers[id]; p != nil {
		return p
	}
	if t.addrs[id] == "" {
		return nil
	}
	p := &peer{t: t, id: id, wake: make(chan struct{}, 1)}
	t.peers[id] = p
	t.wg.Add(1)
	go p.run()
	return p
}

func (t *grpcTransport) send(envs []envelope) {
	var local []envelope
	byPeer := map[uint64][]envelope{}
	for _, e := range envs {
		if e.ToNode == t.n.id {
			local = append(local, e)
			continue
		}
		byPeer[e.ToNode] = append(byPeer[e.ToNode], e)
	}
	if len(local) > 0 {
		t.n.receive(local)
	}
	for id, es := range byPeer {
		p := t.peer(id)
		if p == nil {
			t.n.reportUnreachable(es)
			continue
		}
		p.mu.Lock()
		for _, e := range es {
			if isSnapshotMsg(e) {
				p.snaps = append(p.snaps, e)
			} else if len(p.queue) < peerQueueLimit {
				p.queue = append(p.queue, e)
			}
		}
		p.mu.Unlock()
		select {
		case p.wake <- struct{}{}:
		default:
		}
	}
}

func (t *grpcTransport) close() error {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil
	}
	t.closed = true
	close(t.stopc)
	for _, c := range t.conns {
		c.Close()
	}
	t.mu.Unlock()
	t.srv.Stop()
	t.wg.Wait()
	return nil
}

// call implements transport: one unary Forward call on a cached connection.
func (t *grpcTransport) call(ctx context.Context, to uint64, req []byte) ([]byte, error) {
	t.mu.Lock()
	conn := t.conns[to]
	t.mu.Unlock()
	if conn == nil {
		c, err := t.dial(to)
		if err != nil {
			return nil, err
		}
		t.mu.Lock()
		if t.closed {
			t.mu.Unlock()
			c.Close()
			return nil, ErrStopped
		}
		if conn = t.conns[to]; conn == nil {
			t.conns[to], conn = c, c
		} else {
			c.Close()
		}
		t.mu.Unlock()
	}
	out := &wrapperspb.BytesValue{}
	if err := conn.Invoke(ctx, methodForward, &wrapperspb.BytesValue{Value: req}, out); err != nil {
		return nil, err
	}
	return out.Value, nil
}

func (t *grpcTransport) dial(id uint64) (*grpc.ClientConn, error) {
	t.mu.Lock()
	addr := t.addrs[id]
	t.mu.Unlock()
	if addr == "" {
		return nil, fmt.Errorf("no address for node %d", id)
	}
	return grpc.NewClient(addr,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxGRPCMessageSize), grpc.MaxCallSendMsgSize(maxGRPCMessageSize)),
		grpc.WithWriteBufferSize(grpcBufferSize), grpc.WithReadBufferSize(grpcBufferSize),
		grpc.WithInitialWindowSize(grpcStreamWindow), grpc.WithInitialConnWindowSize(grpcConnWindow))
}

// Raft traffic is a few streams of large frames (a batch of entries is
// ~100 KiB): with gRPC's 32 KiB buffers a frame took several write
// syscalls, ~11% of a leader's CPU under ingest. Fixed windows also keep a
// follower that is catching up from stalling on flow control.
const (
	grpcBufferSize   = 1 << 20
	grpcStreamWindow = 16 << 20
	grpcConnWindow   = 32 << 20
)

// run sends the peer's queue over one stream, reconnecting after errors
// with a bounded backoff. Messages queued while the peer is unreachable are
// dropped and reported unreachable to their groups.
func (p *peer) run() {
	t := p.t
	defer t.wg.Done()
	backoff := 50 * time.Millisecond
	for {
		err := p.stream()
		select {
		case <-t.stopc:
			return
		default:
		}
		if err != nil {
			p.mu.Lock()
			dropped := append(p.queue, p.snaps...)
			p.queue, p.snaps = nil, nil
			p.mu.Unlock()
			t.n.reportUnreachable(dropped)
			select {
			case <-t.stopc:
				return
			case <-time.After(backoff):
			}
			if backoff < time.Second {
				backoff *= 2
			}
		} else {
			backoff = 50 * time.Millisecond
		}
	}
}

// stream opens one connection and stream and sends until an error.
func (p *peer) stream() error {
	t := p.t
	conn, err := t.dial(p.id)
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := conn.NewStream(ctx, &raftServiceDesc.Streams[0], methodMessages)
	if err != nil {
		return err
	}
	var buf []byte
	for {
		select {
		case <-t.stopc:
			return nil
		case <-p.wake:
		}
		for {
			p.mu.Lock()
			q, snaps := p.queue, p.snaps
			p.queue, p.snaps = nil, nil
			p.mu.Unlock()
			if len(q) == 0 && len(snaps) == 0 {
				break
			}
			for _, s := range snaps {
				t.wg.Add(1)
				go func(s envelope) {
					defer t.wg.Done()
					t.sendSnapshot(conn, s)
				}(s)
			}
			if len(q) == 0 {
				continue
			}
			for len(q) > 0 {
				// Frames stay well under the gRPC message limit.
				n, size := 0, 0
				for n < len(q) && (n == 0 || size+proto.Size(q[n].Msg) <= maxFrameBytes) {
					size += proto.Size(q[n].Msg)
					n++
				}
				if buf, err = appendFrame(buf[:0], t.n.id, t.addr, q[:n]); err != nil {
					return err
				}
				if err := st.SendMsg(&wrapperspb.BytesValue{Value: buf}); err != nil {
					t.n.reportUnreachable(q)
					return err
				}
				q = q[n:]
			}
		}
	}
}

// handleFrame implements raftService.
func (n *node) handleFrame(frame []byte) error {
	from, addr, envs, err := decodeFrame(frame)
	if err != nil {
		return err
	}
	if gt, ok := n.trans.(*grpcTransport); ok && gt.setAddr(from, addr) {
		n.persistAddr(from, addr)
	}
	n.receive(envs)
	return nil
}

var errNoNetwork = errors.New("raftstore: node has no raft transport")

// sendSnapshot streams one snapshot over its own gRPC stream on conn.
func (t *grpcTransport) sendSnapshot(conn *grpc.ClientConn, env envelope) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-t.stopc:
			cancel()
		case <-ctx.Done():
		}
	}()
	t.n.sendSnapshotOver(func() (io.WriteCloser, func([]byte) error, func() error, error) {
		st, err := conn.NewStream(ctx, &raftServiceDesc.Streams[1], methodSnapshot)
		if err != nil {
			return nil, nil, nil, err
		}
		w := &streamWriter{st: st}
		sendHeader := func(h []byte) error { return st.SendMsg(&wrapperspb.BytesValue{Value: h}) }
		finish := func() error {
			if err := st.CloseSend(); err != nil {
				return err
			}
			return st.RecvMsg(&wrapperspb.BytesValue{})
		}
		return w, sendHeader, finish, nil
	}, env, t.addr)
}

// streamWriter sends written bytes as stream messages of at most
// snapChunkBytes.
type streamWriter struct {
	st  grpc.ClientStream
	buf []byte
}

func (w *streamWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	for len(w.buf) >= snapChunkBytes {
		if err := w.st.SendMsg(&wrapperspb.BytesValue{Value: w.buf[:snapChunkBytes]}); err != nil {
			return 0, err
		}
		w.buf = append(w.buf[:0], w.buf[snapChunkBytes:]...)
	}
	return len(p), nil
}

func (w *streamWriter) Close() error {
	if len(w.buf) == 0 {
		return nil
	}
	err := w.st.SendMsg(&wrapperspb.BytesValue{Value: w.buf})
	w.buf = nil
	return err
}

// streamReader reads the bytes of successive stream messages.
type streamReader struct {
	st  grpc.ServerStream
	buf []byte
	err error
}

func (r *streamReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		in := &wrapperspb.BytesValue{}
		if err := r.st.RecvMsg(in); err != nil {
			r.err = err
			continue
		}
		r.buf = in.Value
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// handleSnapshot implements raftService.
func (n *node) handleSnapshot(stream grpc.ServerStream) error {
	hdr := &wrapperspb.BytesValue{}
	if err := stream.RecvMsg(hdr); err != nil {
		return err
	}
	if err := n.receiveSnapshot(hdr.Value, &streamReader{st: stream}); err != nil {
		return err
	}
	return stream.SendMsg(&wrapperspb.BytesValue{})
}

// handleJoin implements raftService: the joining node announces its id and
// address and gets the addresses this node knows. Leaders then add it to
// their groups (membership.go).
func (n *node) handleJoin(req []byte) ([]byte, error) {
	if len(req) < 8 {
		return nil, fmt.Errorf("bad join request")
	}
	id, addr := binary.BigEndian.Uint64(req), string(req[8:])
	t, ok := n.trans.(*grpcTransport)
	if !ok {
		return nil, errNoNetwork
	}
	if id == n.id {
		return nil, fmt.Errorf("node id %d is already used by the node at %s", id, t.addr)
	}
	t.mu.Lock()
	prev := t.addrs[id]
	t.mu.Unlock()
	if prev != "" && prev != addr && n.isLive(id) {
		return nil, fmt.Errorf("node id %d is already used by the live node at %s; node ids are never reused", id, prev)
	}
	if t.setAddr(id, addr) {
		n.persistAddr(id, addr)
	}
	return encodeAddrs(t.knownAddrs()), nil
}

// encodeAddrs encodes | count uvarint | count × (nodeID uvarint | len(addr) uvarint | addr) |.
func encodeAddrs(m map[uint64]string) []byte {
	out := binary.AppendUvarint(nil, uint64(len(m)))
	for id, a := range m {
		out = binary.AppendUvarint(out, id)
		out = binary.AppendUvarint(out, uint64(len(a)))
		out = append(out, a...)
	}
	return out
}

func decodeAddrs(src []byte) (map[uint64]string, error) {
	count, k := binary.Uvarint(src)
	if k <= 0 || count > 1<<16 {
		return nil, fmt.Errorf("bad address list")
	}
	src = src[k:]
	out := map[uint64]string{}
	for i := uint64(0); i < count; i++ {
		id, k := binary.Uvarint(src)
		if k <= 0 {
			return nil, fmt.Errorf("bad address list")
		}
		src = src[k:]
		a, rest, err := decodeBytes(src)
		if err != nil {
			return nil, fmt.Errorf("bad address list: %w", err)
		}
		src = rest
		out[id] = string(a)
	}
	return out, nil
}

// join announces this node to the nodes at addrs (and to every node they
// know), so that their leaders add it to their groups.
func (t *grpcTransport) join(ctx context.Context, addrs []string) error {
	req := append(binary.BigEndian.AppendUint64(nil, t.n.id), t.addr...)
	call := func(addr string) (map[uint64]string, error) {
		conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			return nil, err
		}
		defer conn.Close()
		out := &wrapperspb.BytesValue{}
		if err := conn.Invoke(ctx, methodJoin, &wrapperspb.BytesValue{Value: req}, out); err != nil {
			return nil, err
		}
		return decodeAddrs(out.Value)
	}
	var errs []error
	for _, a := range addrs {
		known, err := call(a)
		if err != nil {
			errs = append(errs, fmt.Errorf("join via %s: %w", a, err))
			continue
		}
		for id, addr := range known {
			if t.setAddr(id, addr) {
				t.n.persistAddr(id, addr)
			}
		}
		// Announce to every other node too: any of them may lead a group.
		for id, addr := range known {
			if id != t.n.id && addr != a {
				if _, err := call(addr); err != nil {
					t.n.logf("cannot announce to node %d at %s: %v", id, addr, err)
				}
			}
		}
		return nil
	}
	return errors.Join(errs...)
}

// raftCodec is the server codec of the raft service: the registered proto
// codec, except that a pooledBytes receives a BytesValue (the same bytes on
// the wire) without a copy of its value: the message is copied once, into
// a pooled buffer, instead of into a pooled buffer and then into a new
// slice (~the whole replicated stream on every follower).
type raftCodec struct{ proto encoding.CodecV2 }

func newRaftCodec() raftCodec { return raftCodec{proto: encoding.GetCodecV2("proto")} }

func (c raftCodec) Name() string { return c.proto.Name() }

func (c raftCodec) Marshal(v any) (mem.BufferSlice, error) { return c.proto.Marshal(v) }

func (c raftCodec) Unmarshal(data mem.BufferSlice, v any) error {
	p, ok := v.(*pooledBytes)
	if !ok {
		return c.proto.Unmarshal(data, v)
	}
	buf := data.MaterializeToBuffer(mem.DefaultBufferPool())
	if val, ok := bytesValueOf(buf.ReadOnlyData()); ok {
		p.buf, p.val = buf, val
		return nil
	}
	// Not the plain encoding (unknown fields, say): decode it properly.
	defer buf.Free()
	bv := &wrapperspb.BytesValue{}
	if err := proto.Unmarshal(buf.ReadOnlyData(), bv); err != nil {
		return err
	}
	p.val = bv.GetValue()
	return nil
}

// pooledBytes is a received BytesValue whose value may sit in a pooled
// buffer: val is valid until free.
type pooledBytes struct {
	buf mem.Buffer
	val []byte
}

func (p *pooledBytes) free() {
	if p.buf != nil {
		p.buf.Free()
	}
	p.buf, p.val = nil, nil
}

// bytesValueOf returns the value of an encoded BytesValue made of at most
// its one field (| 0x0a | len uvarint | value |), aliasing b.
func bytesValueOf(b []byte) ([]byte, bool) {
	if len(b) == 0 {
		return nil, true
	}
	if b[0] != 0x0a {
		return nil, false
	}
	n, k := binary.Uvarint(b[1:])
	if k <= 0 || uint64(len(b)-1-k) != n {
		return nil, false
	}
	return b[1+k:], true
}
