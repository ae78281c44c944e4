package handshake

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
)

// pluginID must match src/plugin.json and plugin.PluginID.
const pluginID = "talus-logs-datasource"

// pluginBin is the binary under test, set by TestMain.
var pluginBin string

func TestMain(m *testing.M) {
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	pluginBin = os.Getenv("GPX_TALUS_BIN")
	if pluginBin == "" {
		dir, err := os.MkdirTemp("", "gpx-talus-")
		if err != nil {
			return 0, err
		}
		defer os.RemoveAll(dir)
		pluginBin = filepath.Join(dir, "gpx_talus")
		cmd := exec.Command("go", "build", "-o", pluginBin, "..")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return 0, fmt.Errorf("build the plugin: %v\n%s", err, out)
		}
	}
	return m.Run(), nil
}

// plugin is one running plugin process and the clients Grafana would use.
type plugin struct {
	client      *goplugin.Client
	data        grpcplugin.DataClient
	diagnostics grpcplugin.DiagnosticsClient
	resource    grpcplugin.ResourceClient
	stream      grpcplugin.StreamClient
	pctx        backend.PluginContext
}

// launch starts the binary with Grafana's handshake and dispenses its
// clients; the process is killed at cleanup.
func launch(t *testing.T, apiURL string) *plugin {
	t.Helper()
	cmd := exec.Command(pluginBin)
	// Grafana passes its version and the plugin's settings as environment.
	cmd.Env = append(os.Environ(), "GF_VERSION=11.6.0", "GF_EDITION=oss", "GF_PLUGIN_APP_URL=http://127.0.0.1:3000/")
	c := goplugin.NewClient(&goplugin.ClientConfig{
		Cmd: cmd,
		HandshakeConfig: goplugin.HandshakeConfig{
			ProtocolVersion:  grpcplugin.ProtocolVersion,
			MagicCookieKey:   grpcplugin.MagicCookieKey,
			MagicCookieValue: grpcplugin.MagicCookieValue,
		},
		VersionedPlugins: map[int]goplugin.PluginSet{
			grpcplugin.ProtocolVersion: {
				"diagnostics": &grpcplugin.DiagnosticsGRPCPlugin{},
				"resource":    &grpcplugin.ResourceGRPCPlugin{},
				"data":        &grpcplugin.DataGRPCPlugin{},
				"stream":      &grpcplugin.StreamGRPCPlugin{},
			},
		},
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		Logger:           hclog.New(&hclog.LoggerOptions{Name: "gpx_talus", Output: io.Discard, Level: hclog.Error}),
		StartTimeout:     30 * time.Second,
	})
	t.Cleanup(c.Kill)
	rpc, err := c.Client()
	if err != nil {
		t.Fatalf("handshake with %s: %v", pluginBin, err)
	}
	p := &plugin{client: c}
	dispense := func(name string) any {
		raw, err := rpc.Dispense(name)
		if err != nil {
			t.Fatalf("dispense %s: %v", name, err)
		}
		return raw
	}
	p.data = dispense("data").(grpcplugin.DataClient)
	p.diagnostics = dispense("diagnostics").(grpcplugin.DiagnosticsClient)
	p.resource = dispense("resource").(grpcplugin.ResourceClient)
	p.stream = dispense("stream").(grpcplugin.StreamClient)
	p.pctx = backend.PluginContext{
		OrgID:    1,
		PluginID: pluginID,
		DataSourceInstanceSettings: &backend.DataSourceInstanceSettings{
			ID: 1, UID: "talus", Name: "Talus", Type: pluginID, URL: apiURL,
			JSONData:                []byte(`{"instance":"default"}`),
			DecryptedSecureJSONData: map[string]string{"token": "t0ken"},
			Updated:                 time.Unix(1700000000, 0),
		},
	}
	return p
}

func (p *plugin) query(t *testing.T, from, to time.Time, interval time.Duration, model string) backend.DataResponse {
	t.Helper()
	req := &backend.QueryDataRequest{
		PluginContext: p.pctx,
		Queries: []backend.DataQuery{{
			RefID: "A", JSON: json.RawMessage(model), Interval: interval, MaxDataPoints: 1000,
			TimeRange: backend.TimeRange{From: from, To: to},
		}},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pr, err := p.data.QueryData(ctx, backend.ToProto().QueryDataRequest(req))
	if err != nil {
		t.Fatalf("QueryData over gRPC: %v", err)
	}
	res, err := backend.FromProto().QueryDataResponse(pr)
	if err != nil {
		t.Fatalf("decode the Arrow frames: %v", err)
	}
	dr, ok := res.Responses["A"]
	if !ok {
		t.Fatal("no response for refId A")
	}
	if dr.Error != nil {
		t.Fatalf("query %s: %v", model, dr.Error)
	}
	return dr
}

func (p *plugin) health(t *testing.T) *backend.CheckHealthResult {
	t.Helper()
	pr, err := p.diagnostics.CheckHealth(context.Background(), &pluginv2.CheckHealthRequest{
		PluginContext: backend.ToProto().PluginContext(p.pctx),
	})
	if err != nil {
		t.Fatalf("CheckHealth over gRPC: %v", err)
	}
	return backend.FromProto().CheckHealthResponse(pr)
}

// callResource does a GET and returns status and body.
func (p *plugin) callResource(t *testing.T, path, url string) (int, []byte) {
	t.Helper()
	sc, err := p.resource.CallResource(context.Background(), backend.ToProto().CallResourceRequest(&backend.CallResourceRequest{
		PluginContext: p.pctx, Path: path, Method: "GET", URL: url,
	}))
	if err != nil {
		t.Fatalf("CallResource over gRPC: %v", err)
	}
	var status int
	var body []byte
	for range 100 {
		r, err := sc.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("CallResource recv: %v", err)
		}
		if r.Code != 0 {
			status = int(r.Code)
		}
		body = append(body, r.Body...)
	}
	return status, body
}

// tail subscribes to tail/<id> with the model and starts RunStream; frames
// arrive on the returned channel until ctx ends.
func (p *plugin) tail(t *testing.T, ctx context.Context, id, model string) <-chan *data.Frame {
	t.Helper()
	path := "tail/" + id
	sub, err := p.stream.SubscribeStream(ctx, backend.ToProto().SubscribeStreamRequest(&backend.SubscribeStreamRequest{
		PluginContext: p.pctx, Path: path, Data: json.RawMessage(model),
	}))
	if err != nil {
		t.Fatalf("SubscribeStream: %v", err)
	}
	if st := backend.FromProto().SubscribeStreamResponse(sub).Status; st != backend.SubscribeStreamStatusOK {
		t.Fatalf("SubscribeStream status %v", st)
	}
	rs, err := p.stream.RunStream(ctx, backend.ToProto().RunStreamRequest(&backend.RunStreamRequest{
		PluginContext: p.pctx, Path: path, Data: json.RawMessage(model),
	}))
	if err != nil {
		t.Fatalf("RunStream: %v", err)
	}
	out := make(chan *data.Frame, 64)
	go func() {
		defer close(out)
		for {
			pkt, err := rs.Recv()
			if err != nil {
				return
			}
			var f data.Frame
			if err := json.Unmarshal(pkt.Data, &f); err != nil {
				t.Errorf("stream packet: %v", err)
				return
			}
			out <- &f
		}
	}()
	return out
}
