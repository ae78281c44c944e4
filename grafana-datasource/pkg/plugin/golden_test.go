package plugin

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// update rewrites the golden frames: go test ./grafana-datasource/pkg/plugin -update.
// Review the diff before committing; the frontend tests read the same files.
var update = flag.Bool("update", false, "rewrite testdata/frames/*.json")

// checkGolden compares the frames of dr, each as frame.MarshalJSON (what
// Grafana forwards to the browser), with testdata/frames/<name>.json.
func checkGolden(t *testing.T, name string, dr backend.DataResponse) {
	t.Helper()
	if dr.Error != nil {
		t.Fatalf("%s: query failed: %v", name, dr.Error)
	}
	frames := make([]json.RawMessage, 0, len(dr.Frames))
	for i, f := range dr.Frames {
		b, err := f.MarshalJSON()
		if err != nil {
			t.Fatalf("%s: frame %d: %v", name, i, err)
		}
		frames = append(frames, b)
	}
	got, err := json.MarshalIndent(frames, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "frames", name+".json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the golden file; run with -update and review the diff.\n--- got\n%s", path, got)
	}
}
