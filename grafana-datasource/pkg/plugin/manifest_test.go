package plugin

import (
	"encoding/json"
	"os"
	"testing"
)

// TestPluginManifest checks src/plugin.json against what the backend and
// Grafana need: the id the binary registers, the executable name the
// Makefile builds, the capabilities and the Grafana version.
func TestPluginManifest(t *testing.T) {
	b, err := os.ReadFile("../../src/plugin.json")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Type, ID, Executable                        string
		Backend, Logs, Metrics, Streaming, Alerting bool
		Dependencies                                struct {
			GrafanaDependency string `json:"grafanaDependency"`
		}
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("plugin.json: %v", err)
	}
	if m.Type != "datasource" || m.ID != PluginID || m.Executable != "gpx_talus" {
		t.Errorf("type %q id %q executable %q; want datasource %s gpx_talus", m.Type, m.ID, m.Executable, PluginID)
	}
	if !m.Backend || !m.Logs || !m.Metrics || !m.Streaming || !m.Alerting {
		t.Errorf("capabilities backend=%v logs=%v metrics=%v streaming=%v alerting=%v; want all true",
			m.Backend, m.Logs, m.Metrics, m.Streaming, m.Alerting)
	}
	if m.Dependencies.GrafanaDependency != ">=11.0.0" {
		t.Errorf("grafanaDependency %q", m.Dependencies.GrafanaDependency)
	}
}
