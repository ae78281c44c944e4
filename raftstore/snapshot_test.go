package raftstore

import (
	"bytes"

	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
	"testing"
	"time"
)

// TestSnapshotCorruptionRefused: a snapshot whose bytes changed in transit
// is refused, leaves nothing behind, and creates no replica.
func TestSnapshotCorruptionRefused(t *testing.T) {
	h := newHarnessBootstrap(t, 21, 3, 1, nil) // nodes 2 and 3 start empty
	defer h.close()
	const gid = 2
	h.stepUntil(100, "node 1 leads", func() bool { return h.leaderOf(gid) == 1 })
	if err := h.write(1, gid, setOp("a", "1"), 100); err != nil {
		t.Fatal(err)
	}
	src := h.nodes[1]
	r := src.replica(gid)
	r.mu.Lock()
	snap, err := r.snapshot()
	r.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	env := envelope{GroupID: gid, FromNode: 1, ToNode: 2, Msg: &pb.Message{
		Type: pb.MsgSnap.Enum(), From: proto.Uint64(1), To: proto.Uint64(9), Term: proto.Uint64(snap.GetMetadata().GetTerm()), Snapshot: snap,
	}}
	// Read the checkpoint's files first: it is removed once sent.
	src.snapMu.Lock()
	dir := src.outSnaps[snapKey{gid, snap.GetMetadata().GetIndex()}].dir
	src.snapMu.Unlock()
	names, _ := src.cfg.FS.List(dir)
	var contents [][]byte
	for _, name := range names {
		f, err := src.cfg.FS.Open(src.cfg.FS.PathJoin(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var content bytes.Buffer
		_, _ = content.ReadFrom(f)
		f.Close()
		contents = append(contents, content.Bytes())
	}
	var hdr []byte
	var body bytes.Buffer
	if err := src.writeSnapshot(env, "", func(b []byte) error { hdr = b; return nil }, &body); err != nil {
		t.Fatal(err)
	}
	dst := h.nodes[2]
	// Flip bytes inside the data of each file (tar padding and unused
	// header fields carry no data and are not checked).
	var flips []int
	for _, content := range contents {
		if len(content) < 16 {
			continue
		}
		at := bytes.Index(body.Bytes(), content)
		if at < 0 {
			t.Fatal("a file of the checkpoint is not in the stream")
		}
		flips = append(flips, at+len(content)/2)
	}
	if len(flips) < 2 {
		t.Fatalf("only %d files to corrupt", len(flips))
	}
	for _, flip := range flips {
		bad := append([]byte(nil), body.Bytes()...)
		bad[flip] ^= 0x20
		err := dst.receiveSnapshot(hdr, bytes.NewReader(bad))
		if err == nil {
			t.Fatalf("a snapshot with byte %d flipped was accepted", flip)
		}
		if dst.replica(gid) != nil {
			t.Fatal("a refused snapshot created a replica")
		}
		names, _ := dst.cfg.FS.List(dst.cfg.FS.PathJoin(dst.cfg.DataDir, snapTmpDirname))
		if len(names) != 0 {
			t.Fatalf("leftovers after a refused snapshot: %v", names)
		}
	}
	// Truncated stream.
	if err := dst.receiveSnapshot(hdr, bytes.NewReader(body.Bytes()[:body.Len()/2])); err == nil {
		t.Fatal("a truncated snapshot was accepted")
	}
	// The intact one is accepted.
	if err := dst.receiveSnapshot(hdr, bytes.NewReader(body.Bytes())); err != nil {
		t.Fatal(err)
	}
}

func TestRateLimitedWriter(t *testing.T) {
	var buf bytes.Buffer
	w := &rateLimitedWriter{w: &buf, rate: 1 << 20, start: time.Now()}
	start := time.Now()
	for i := 0; i < 8; i++ {
		if _, err := w.Write(make([]byte, 16<<10)); err != nil {
			t.Fatal(err)
		}
	}
	// 128 KiB at 1 MiB/s takes at least 125 ms.
	if el := time.Since(start); el < 120*time.Millisecond || buf.Len() != 128<<10 {
		t.Fatalf("wrote %d bytes in %v", buf.Len(), el)
	}
}

// TestOutgoingCheckpointsAreRemoved: a checkpoint kept for sending (hard
// links pinning the group's old files) goes after its send, and an unsent
// one after outSnapMaxAge.
func TestOutgoingCheckpointsAreRemoved(t *testing.T) {
	h := newHarnessBootstrap(t, 23, 3, 1, nil)
	defer h.close()
	h.stepUntil(2000, "three voters (snapshots sent)", func() bool {
		ld := h.leaderOf(2)
		return ld != 0 && len(h.voters(ld, 2)) == 3 && h.net.snapshots > 0
	})
	h.stepUntil(200, "sent checkpoints removed", func() bool {
		n := h.nodes[1]
		n.snapMu.Lock()
		defer n.snapMu.Unlock()
		return len(n.outSnaps) == 0
	})
	names, _ := h.fs[1].List(h.fs[1].PathJoin("d", snapOutDirname))
	if len(names) != 0 {
		t.Fatalf("checkpoint directories left: %v", names)
	}
	// An unsent checkpoint goes after outSnapMaxAge (0 here).
	r := h.nodes[1].replica(2)
	r.mu.Lock()
	_, err := r.snapshot()
	r.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	h.nodes[1].gcOutSnaps(0)
	if names, _ := h.fs[1].List(h.fs[1].PathJoin("d", snapOutDirname)); len(names) != 0 {
		t.Fatalf("unsent checkpoint kept: %v", names)
	}
}
