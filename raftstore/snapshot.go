package raftstore

import (
	"archive/tar"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
)

// Snapshots. The raft MsgSnap carries only metadata (index, term, ConfState,
// and in Data the group's descriptor). The state itself is a Pebble
// checkpoint of the group taken at exactly the applied index (the worker
// holds the group while it checkpoints, so nothing applies in between; the
// applied index is inside the checkpoint). It travels out of band as a tar
// stream after a header:
//
//	header: | version (1B) | fromNode uvarint | len(fromAddr) uvarint | fromAddr |
//	        | groupID uvarint | toNode uvarint | len(msg) uvarint | msg (raftpb.Message) |
//	        | fileCount uvarint | fileCount × (len(name) uvarint | name | size uvarint | crc32c (4B BE)) |
//	body:   a tar archive holding exactly those files
//
// The receiver writes the files into snap/<gid>_<index>.<n>.tmp, checks sizes
// and checksums, fsyncs them and the directory, renames it to
// groups/<gid>_<index>, and only then hands the MsgSnap to raft. When raft
// returns the snapshot in a Ready, the group's registry entry is switched to
// the new directory in the same synced raft-log batch that resets its log:
// that batch is the commit point. The old Pebble is closed and removed once
// its last reader is done.
const (
	snapHeaderVersion = 1
	snapOutDirname    = "snap-out" // checkpoints being sent
	snapChunkBytes    = 256 << 10
	maxSnapFiles      = 1 << 16
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// outSnap is a checkpoint kept for sending. It holds hard links to the
// group's files, so it must not outlive its use: it goes once a newer one
// exists or its last send ended, or after outSnapMaxAge unused.
type outSnap struct {
	dir     string // full path
	refs    int    // sends in progress; guarded by node.snapMu
	created time.Time
	// obsolete is set once a newer checkpoint of the group exists or a
	// send of it ended.
	obsolete bool
}

// outSnapMaxAge bounds how long an unsent checkpoint is kept (raft may not
// get to send it, for example if the follower is unreachable).
const outSnapMaxAge = time.Minute

// gcOutSnaps removes checkpoints nobody sends that are older than maxAge.
func (n *node) gcOutSnaps(maxAge time.Duration) {
	n.snapMu.Lock()
	defer n.snapMu.Unlock()
	for k, o := range n.outSnaps {
		if o.refs == 0 && time.Since(o.created) > maxAge {
			o.obsolete = true
			n.maybeRemoveOutSnapLocked(k, o)
		}
	}
}

type snapKey struct{ gid, index uint64 }

// snapshot implements logStorage.snapshot: a checkpoint of the group at its
// applied index. Called by raft on the worker holding r.mu.
func (r *replica) snapshot() (*pb.Snapshot, error) {
	n := r.n
	d := r.desc.Load()
	if d == nil {
		return nil, raft.ErrSnapshotTemporarilyUnavailable
	}
	snap := &pb.Snapshot{
		Data: encodeDescriptor(d),
		Metadata: &pb.SnapshotMetadata{
			Index:     proto.Uint64(r.applied),
			Term:      proto.Uint64(r.appliedTerm),
			ConfState: proto.CloneOf(r.confState),
		},
	}
	key := snapKey{r.groupID, r.applied}
	n.snapMu.Lock()
	_, ok := n.outSnaps[key]
	n.snapMu.Unlock()
	if ok {
		return snap, nil
	}
	fs := n.cfg.FS
	dir := fs.PathJoin(n.cfg.DataDir, snapOutDirname, fmt.Sprintf("%d_%d_%d", r.groupID, r.applied, n.nextID()))
	if err := fs.MkdirAll(fs.PathDir(dir), 0o755); err != nil {
		n.logf("cannot create %s: %v", fs.PathDir(dir), err)
		return nil, raft.ErrSnapshotTemporarilyUnavailable
	}
	span := []pebble.CheckpointSpan{{Start: []byte{localKeyPrefix}, End: userKeysEnd}}
	// Group Pebbles have no WAL: flush so the checkpoint holds every apply.
	if err := r.g.db.Flush(); err != nil {
		n.logf("cannot flush group %d for a snapshot: %v", r.groupID, err)
		return nil, raft.ErrSnapshotTemporarilyUnavailable
	}
	r.markFlushed()
	if err := r.g.db.Checkpoint(dir, pebble.WithRestrictToSpans(span)); err != nil {
		n.logf("cannot checkpoint group %d: %v", r.groupID, err)
		return nil, raft.ErrSnapshotTemporarilyUnavailable
	}
	n.snapMu.Lock()
	for k, o := range n.outSnaps {
		if k.gid == r.groupID {
			o.obsolete = true
			n.maybeRemoveOutSnapLocked(k, o)
		}
	}
	n.outSnaps[key] = &outSnap{dir: dir, created: time.Now()}
	n.snapMu.Unlock()
	return snap, nil
}

func (n *node) maybeRemoveOutSnapLocked(k snapKey, o *outSnap) {
	if o.obsolete && o.refs == 0 {
		delete(n.outSnaps, k)
		if err := n.cfg.FS.RemoveAll(o.dir); err != nil {
			n.logf("cannot remove checkpoint %s: %v", o.dir, err)
		}
	}
}

func isSnapshotMsg(e envelope) bool { return e.Msg.GetType() == pb.MsgSnap }

// snapFile is one file of a snapshot.
type snapFile struct {
	name string
	size uint64
	crc  uint32
}

// writeSnapshot produces the header and the tar body of the snapshot that
// env (a MsgSnap) announces, rate limited to Config.SnapshotRate.
func (n *node) writeSnapshot(env envelope, fromAddr string, sendHeader func([]byte) error, body io.Writer) error {
	md := env.Msg.GetSnapshot().GetMetadata()
	key := snapKey{env.GroupID, md.GetIndex()}
	n.snapMu.Lock()
	o := n.outSnaps[key]
	if o != nil {
		o.refs++
	}
	n.snapMu.Unlock()
	if o == nil {
		return fmt.Errorf("no checkpoint of group %d at %d to send", key.gid, key.index)
	}
	defer func() {
		n.snapMu.Lock()
		o.refs--
		o.obsolete = true // raft asks again (a new checkpoint) if it must resend
		n.maybeRemoveOutSnapLocked(key, o)
		n.snapMu.Unlock()
	}()
	fs := n.cfg.FS
	names, err := fs.List(o.dir)
	if err != nil {
		return err
	}
	sort.Strings(names)
	var files []snapFile
	for _, name := range names {
		st, err := fs.Stat(fs.PathJoin(o.dir, name))
		if err != nil {
			return err
		}
		if st.IsDir() {
			continue
		}
		crc, err := n.fileCRC(fs.PathJoin(o.dir, name))
		if err != nil {
			return err
		}
		files = append(files, snapFile{name: name, size: uint64(st.Size()), crc: crc})
	}
	hdr, err := appendSnapHeader(nil, n.id, fromAddr, env, files)
	if err != nil {
		return err
	}
	if err := sendHeader(hdr); err != nil {
		return err
	}
	lw := &rateLimitedWriter{w: body, rate: n.cfg.SnapshotRate, start: time.Now()}
	tw := tar.NewWriter(lw)
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Size: int64(f.size), Mode: 0o644, Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
			return err
		}
		src, err := fs.Open(fs.PathJoin(o.dir, f.name))
		if err != nil {
			return err
		}
		_, err = io.CopyN(tw, src, int64(f.size))
		src.Close()
		if err != nil {
			return fmt.Errorf("cannot send %s: %w", f.name, err)
		}
	}
	return tw.Close()
}

func (n *node) fileCRC(path string) (uint32, error) {
	f, err := n.cfg.FS.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	h := crc32.New(crcTable)
	if _, err := io.Copy(h, f); err != nil {
		return 0, err
	}
	return h.Sum32(), nil
}

func appendSnapHeader(dst []byte, fromNode uint64, fromAddr string, env envelope, files []snapFile) ([]byte, error) {
	dst = append(dst, snapHeaderVersion)
	dst = binary.AppendUvarint(dst, fromNode)
	dst = binary.AppendUvarint(dst, uint64(len(fromAddr)))
	dst = append(dst, fromAddr...)
	dst = binary.AppendUvarint(dst, env.GroupID)
	dst = binary.AppendUvarint(dst, env.ToNode)
	mb, err := proto.Marshal(env.Msg)
	if err != nil {
		return nil, err
	}
	dst = binary.AppendUvarint(dst, uint64(len(mb)))
	dst = append(dst, mb...)
	dst = binary.AppendUvarint(dst, uint64(len(files)))
	for _, f := range files {
		dst = binary.AppendUvarint(dst, uint64(len(f.name)))
		dst = append(dst, f.name...)
		dst = binary.AppendUvarint(dst, f.size)
		dst = binary.BigEndian.AppendUint32(dst, f.crc)
	}
	return dst, nil
}

func decodeSnapHeader(src []byte) (fromAddr string, env envelope, files []snapFile, err error) {
	bad := func(what string) (string, envelope, []snapFile, error) {
		return "", envelope{}, nil, fmt.Errorf("bad snapshot header: %s: %w", what, ErrCorruption)
	}
	if len(src) == 0 || src[0] != snapHeaderVersion {
		return bad("version")
	}
	src = src[1:]
	var k int
	if env.FromNode, k = binary.Uvarint(src); k <= 0 {
		return bad("sender")
	}
	src = src[k:]
	var b []byte
	if b, src, err = decodeBytes(src); err != nil {
		return bad("address")
	}
	fromAddr = string(b)
	if env.GroupID, k = binary.Uvarint(src); k <= 0 {
		return bad("group")
	}
	src = src[k:]
	if env.ToNode, k = binary.Uvarint(src); k <= 0 {
		return bad("destination")
	}
	src = src[k:]
	if b, src, err = decodeBytes(src); err != nil {
		return bad("message")
	}
	env.Msg = &pb.Message{}
	if err := proto.Unmarshal(b, env.Msg); err != nil || env.Msg.GetType() != pb.MsgSnap {
		return bad("message")
	}
	count, k := binary.Uvarint(src)
	if k <= 0 || count > maxSnapFiles {
		return bad("file count")
	}
	src = src[k:]
	for i := uint64(0); i < count; i++ {
		var f snapFile
		if b, src, err = decodeBytes(src); err != nil {
			return bad("file name")
		}
		f.name = string(b)
		if f.size, k = binary.Uvarint(src); k <= 0 {
			return bad("file size")
		}
		src = src[k:]
		if len(src) < 4 {
			return bad("file checksum")
		}
		f.crc = binary.BigEndian.Uint32(src)
		src = src[4:]
		if f.name == "" || f.name == "." || f.name == ".." || containsSep(f.name) {
			return bad("file name " + f.name)
		}
		files = append(files, f)
	}
	if len(src) != 0 {
		return bad("trailing bytes")
	}
	return fromAddr, env, files, nil
}

func containsSep(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' || s[i] == '\\' {
			return true
		}
	}
	return false
}

// receiveSnapshot writes a snapshot's files to disk (temp dir, checked,
// fsynced, renamed into groups/) and then delivers its MsgSnap.
func (n *node) receiveSnapshot(header []byte, body io.Reader) error {
	addr, env, files, err := decodeSnapHeader(header)
	if err != nil {
		return err
	}
	if env.ToNode != n.id {
		return fmt.Errorf("snapshot for node %d reached node %d", env.ToNode, n.id)
	}
	if gt, ok := n.trans.(*grpcTransport); ok && gt.setAddr(env.FromNode, addr) {
		n.persistAddr(env.FromNode, addr)
	}
	index := env.Msg.GetSnapshot().GetMetadata().GetIndex()
	name := fmt.Sprintf("%d_%d", env.GroupID, index)
	if r := n.replica(env.GroupID); r != nil {
		if g := r.acquireDB(); g != nil {
			cur := g.dir
			g.release()
			if cur == name {
				// Already installed (a retransmission): let raft decide.
				_, _ = io.Copy(io.Discard, body)
				n.receive([]envelope{env})
				return nil
			}
		}
	}
	fs := n.cfg.FS
	tmp := fs.PathJoin(n.cfg.DataDir, snapTmpDirname, fmt.Sprintf("%s.%d.tmp", name, n.nextID()))
	if err := fs.MkdirAll(tmp, 0o755); err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			_ = fs.RemoveAll(tmp)
		}
	}()
	want := map[string]snapFile{}
	for _, f := range files {
		want[f.name] = f
	}
	tr := tar.NewReader(body)
	for {
		th, err := tr.Next()
		if err == io.EOF {
			break
		} else if err != nil {
			return fmt.Errorf("cannot read snapshot of group %d: %w", env.GroupID, err)
		}
		f, listed := want[th.Name]
		if !listed || th.Typeflag != tar.TypeReg || uint64(th.Size) != f.size {
			return fmt.Errorf("snapshot of group %d: unexpected file %q: %w", env.GroupID, th.Name, ErrCorruption)
		}
		delete(want, th.Name)
		if err := n.writeSnapFile(fs.PathJoin(tmp, th.Name), tr, f); err != nil {
			return err
		}
	}
	if len(want) > 0 {
		return fmt.Errorf("snapshot of group %d misses %d files: %w", env.GroupID, len(want), ErrCorruption)
	}
	if err := syncDir(fs, tmp); err != nil {
		return err
	}
	final := fs.PathJoin(n.cfg.DataDir, groupsDirname, name)
	if _, err := fs.Stat(final); err == nil {
		if err := fs.RemoveAll(final); err != nil {
			return err
		}
	}
	if err := fs.Rename(tmp, final); err != nil {
		return err
	}
	ok = true
	if err := syncDir(fs, fs.PathJoin(n.cfg.DataDir, groupsDirname)); err != nil {
		return err
	}
	if err := syncDir(fs, fs.PathJoin(n.cfg.DataDir, snapTmpDirname)); err != nil {
		return err
	}
	n.metrics.snapsReceived.Add(1)
	for _, f := range files {
		n.metrics.snapBytesRecvd.Add(f.size)
	}
	n.receive([]envelope{env})
	return nil
}

func (n *node) writeSnapFile(path string, r io.Reader, f snapFile) error {
	out, err := n.cfg.FS.Create(path, "")
	if err != nil {
		return err
	}
	h := crc32.New(crcTable)
	// The checksum goes first: a vfs.File may scribble over the buffer it
	// was given (Pebble's MemFS does under invariants, to catch callers
	// that reuse it).
	written, err := io.Copy(io.MultiWriter(h, out), r)
	if err == nil && (uint64(written) != f.size || h.Sum32() != f.crc) {
		err = fmt.Errorf("snapshot file %s: %d bytes with crc %08x, want %d bytes with crc %08x: %w", f.name, written, h.Sum32(), f.size, f.crc, ErrCorruption)
	}
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// rateLimitedWriter writes at most rate bytes per second on average.
type rateLimitedWriter struct {
	w       io.Writer
	rate    int64
	start   time.Time
	written int64
}

func (l *rateLimitedWriter) Write(p []byte) (int, error) {
	n, err := l.w.Write(p)
	l.written += int64(n)
	if l.rate > 0 {
		due := time.Duration(float64(l.written) / float64(l.rate) * float64(time.Second))
		if ahead := due - time.Since(l.start); ahead > 0 {
			time.Sleep(ahead)
		}
	}
	return n, err
}

// stageSnapshot prepares an incoming snapshot while its Ready is persisted:
// it opens the received Pebble, checks its applied index, and stages the
// raft-log changes (reset log, registry entry) in b. installSnapshot
// switches to it after b commits.
func (r *replica) stageSnapshotApply(b *pebble.Batch, snap *pb.Snapshot) error {
	n := r.n
	idx := snap.GetMetadata().GetIndex()
	name := fmt.Sprintf("%d_%d", r.groupID, idx)
	path := n.cfg.FS.PathJoin(n.cfg.DataDir, groupsDirname, name)
	if _, err := n.cfg.FS.Stat(path); err != nil {
		return fmt.Errorf("group %d: data of snapshot at %d is missing: %w", r.groupID, idx, err)
	}
	fl := r.newFlushState()
	db, err := n.openGroupPebble(name, fl)
	if err != nil {
		return err
	}
	v, closer, err := db.Get(localAppliedKey)
	if err != nil || len(v) != 16 || binary.BigEndian.Uint64(v) != idx {
		if err == nil {
			closer.Close()
		}
		db.Close()
		return fmt.Errorf("group %d: snapshot at %d holds another applied state: %w", r.groupID, idx, ErrCorruption)
	}
	closer.Close()
	if err := r.ls.stageSnapshot(b, snap); err != nil {
		db.Close()
		return err
	}
	if err := b.Set(registryKey(r.groupID), append(binary.BigEndian.AppendUint64(nil, r.replicaID), name...), nil); err != nil {
		db.Close()
		return err
	}
	r.pendingSnap = newGroupDB(n, db, name, fl)
	return nil
}

// installSnapshot switches the group to the staged snapshot's Pebble, once
// the raft-log batch naming it is durable.
func (r *replica) installSnapshot() error {
	g := r.pendingSnap
	r.pendingSnap = nil
	r.swapDB(g, true)
	if err := r.loadLocalState(); err != nil {
		return err
	}
	r.markFlushed()
	r.appliedA.Store(r.applied)
	if d := r.desc.Load(); d != nil {
		r.n.updateDirectory(d)
	}
	if r.groupID == metaGroupID {
		if err := r.n.loadMetaDirectory(r.g.db); err != nil {
			return err
		}
	}
	// Proposals waiting here may or may not be in the snapshot.
	for id, p := range r.proposals {
		p.fut.complete(0, fmt.Errorf("group %d: replaced by a snapshot: %w", r.groupID, ErrAmbiguousResult))
		delete(r.proposals, id)
	}
	clear(r.propByIndex)
	return nil
}

// sendSnapshot streams a snapshot to its node over conn and reports the
// outcome to the sending group.
func (n *node) sendSnapshotOver(open func() (io.WriteCloser, func([]byte) error, func() error, error), env envelope, fromAddr string) {
	err := func() error {
		w, sendHeader, finish, err := open()
		if err != nil {
			return err
		}
		if err := n.writeSnapshot(env, fromAddr, sendHeader, w); err != nil {
			w.Close()
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		return finish()
	}()
	if err != nil {
		n.metrics.snapsFailed.Add(1)
		n.logf("snapshot of group %d to node %d failed: %v", env.GroupID, env.ToNode, err)
	} else {
		n.metrics.snapsSent.Add(1)
	}
	n.reportSnapshot(env.GroupID, env.Msg.GetTo(), err == nil)
}

// reportSnapshot tells group gid's raft how sending a snapshot to replica to
// ended.
func (n *node) reportSnapshot(gid, to uint64, ok bool) {
	if r := n.replica(gid); r != nil {
		r.enqueue(func(in *inbox) { in.snapStatus = append(in.snapStatus, snapStatus{to: to, ok: ok}) })
	}
}

// reportUnreachable tells the groups of envs that their destinations could
// not be reached (and snapshots among them failed).
func (n *node) reportUnreachable(envs []envelope) {
	for _, e := range envs {
		r := n.replica(e.GroupID)
		if r == nil {
			continue
		}
		to, snap := e.Msg.GetTo(), isSnapshotMsg(e)
		r.enqueue(func(in *inbox) {
			in.unreachable = append(in.unreachable, to)
			if snap {
				in.snapStatus = append(in.snapStatus, snapStatus{to: to})
			}
		})
	}
}

type snapStatus struct {
	to uint64
	ok bool
}

// cleanSnapshotDirs removes leftovers of interrupted snapshots at startup.
func (n *node) cleanSnapshotDirs() error {
	fs := n.cfg.FS
	for _, d := range []string{snapTmpDirname, snapOutDirname} {
		if err := fs.RemoveAll(fs.PathJoin(n.cfg.DataDir, d)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

var _ sync.Locker = (*sync.Mutex)(nil)
