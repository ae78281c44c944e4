package gunzip

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/rand"
	"testing"

	kgzip "github.com/klauspost/compress/gzip"
)

func gz(t testing.TB, data []byte, level int) []byte {
	var b bytes.Buffer
	w, err := gzip.NewWriterLevel(&b, level)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	w.Close()
	return b.Bytes()
}

// sample is data like a log request: repetitive text with random parts.
func sample(rng *rand.Rand, n int) []byte {
	words := []string{"checkout", "GET /api/v1/items", "status=200", "k8s.pod.name", "error", "timeout"}
	var b []byte
	for len(b) < n {
		if rng.Intn(4) == 0 {
			b = append(b, byte(rng.Intn(256)))
			continue
		}
		b = append(b, words[rng.Intn(len(words))]...)
	}
	return b[:n]
}

// streaming is what the caller does when Decompress does not handle src.
func streaming(src []byte) ([]byte, error) {
	zr, err := kgzip.NewReader(bytes.NewReader(src))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

func TestDecompressGivesTheStreamingResult(t *testing.T) {
	needLibdeflate(t)
	rng := rand.New(rand.NewSource(1))
	for _, n := range []int{1, 100, 65535, 65536, 1 << 20, 3<<20 + 17} {
		for _, level := range []int{gzip.NoCompression, gzip.BestSpeed, gzip.DefaultCompression, gzip.BestCompression} {
			data := sample(rng, n)
			src := gz(t, data, level)
			prefix := []byte("kept")
			out, ok := Decompress(prefix, src, 64<<20)
			if !ok {
				t.Fatalf("n=%d level=%d: not handled", n, level)
			}
			if !bytes.Equal(out[:4], prefix) || !bytes.Equal(out[4:], data) {
				t.Fatalf("n=%d level=%d: decompressed %d bytes, not the %d written", n, level, len(out)-4, n)
			}
		}
	}
}

func TestDecompressLeavesTheRestToTheStreamingReader(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	data := sample(rng, 200000)
	src := gz(t, data, gzip.DefaultCompression)
	lie := func(isize uint32) []byte {
		b := bytes.Clone(src)
		b[len(b)-4], b[len(b)-3], b[len(b)-2], b[len(b)-1] = byte(isize), byte(isize>>8), byte(isize>>16), byte(isize>>24)
		return b
	}
	corrupt := bytes.Clone(src)
	corrupt[len(corrupt)/2] ^= 0x55
	badCRC := bytes.Clone(src)
	badCRC[len(badCRC)-8] ^= 1
	cases := map[string]struct {
		src   []byte
		limit int
	}{
		"two members":          {append(bytes.Clone(src), gz(t, []byte("more"), 6)...), 64 << 20},
		"trailing garbage":     {append(bytes.Clone(src), 0, 0, 0, 0), 64 << 20},
		"trailer says less":    {lie(uint32(len(data) - 1)), 64 << 20},
		"trailer says more":    {lie(uint32(len(data) + 1)), 64 << 20},
		"over the limit":       {src, len(data) - 1},
		"corrupt deflate data": {corrupt, 64 << 20},
		"wrong checksum":       {badCRC, 64 << 20},
		"truncated":            {src[:len(src)-9], 64 << 20},
		"empty content":        {gz(t, nil, 6), 64 << 20},
		"not gzip":             {bytes.Repeat([]byte("x"), 100), 64 << 20},
		"nothing":              {nil, 64 << 20},
	}
	for name, c := range cases {
		out, ok := Decompress([]byte("kept"), c.src, c.limit)
		if ok || string(out) != "kept" {
			t.Errorf("%s: handled (%d bytes); the streaming reader should decide", name, len(out))
		}
	}
	if out, ok := Decompress(nil, src, len(data)); Available() && (!ok || !bytes.Equal(out, data)) {
		t.Errorf("a body of exactly the limit was not handled")
	}
}

// needLibdeflate skips a test of the fast path where there is none; CI
// installs libdeflate0 (.ci/run), so there it runs.
func needLibdeflate(t *testing.T) {
	if !Available() {
		t.Skipf("no fast path here: %s", Inflater())
	}
}

// FuzzDecompress: whatever Decompress handles, the streaming reader
// decodes to the same bytes.
func FuzzDecompress(f *testing.F) {
	rng := rand.New(rand.NewSource(3))
	for _, n := range []int{0, 1, 300, 5000} {
		src := gz(f, sample(rng, n), gzip.DefaultCompression)
		f.Add(src)
		f.Add(append(bytes.Clone(src), src...))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		out, ok := Decompress(nil, src, 1<<20)
		if !ok {
			return
		}
		want, err := streaming(src)
		if err != nil {
			t.Fatalf("handled a stream the streaming reader refuses: %v", err)
		}
		if !bytes.Equal(out, want) {
			t.Fatalf("decompressed %d bytes, the streaming reader %d", len(out), len(want))
		}
	})
}
