package plugin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"
	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"

	"github.com/talus-logs/talus/api"
)

// PluginID is the id in src/plugin.json; Grafana refuses a backend whose id differs.
const PluginID = "talus-logs-datasource"

// Datasource serves one Grafana datasource instance. It is safe for
// concurrent use; Grafana calls its handlers from many goroutines.
type Datasource struct {
	settings Settings
	// uid and name identify the datasource in data links.
	uid, name string
	client    *api.Client
	resources backend.CallResourceHandler
	// now is time.Now except in tests.
	now func() time.Time

	// streamsMu guards streams.
	streamsMu sync.Mutex
	// streams counts running live-tail goroutines, for tests and Dispose.
	streams int
}

// Compile-time checks of the handlers the SDK dispatches to.
var (
	_ backend.QueryDataHandler      = (*Datasource)(nil)
	_ backend.CheckHealthHandler    = (*Datasource)(nil)
	_ backend.CallResourceHandler   = (*Datasource)(nil)
	_ backend.StreamHandler         = (*Datasource)(nil)
	_ instancemgmt.InstanceDisposer = (*Datasource)(nil)
)

// NewDatasource is the instance factory given to datasource.Manage.
func NewDatasource(_ context.Context, s backend.DataSourceInstanceSettings) (instancemgmt.Instance, error) {
	st, err := ParseSettings(s)
	if err != nil {
		return nil, err
	}
	return newDatasource(st, s.UID, s.Name), nil
}

func newDatasource(st Settings, uid, name string) *Datasource {
	c := api.NewClient(st.URL)
	c.Instance = st.Instance
	c.Token = st.Token
	c.HTTP = &http.Client{Timeout: st.Timeout()}
	d := &Datasource{settings: st, uid: uid, name: name, client: c, now: time.Now}
	d.resources = httpadapter.New(d.resourceMux())
	return d
}

// Dispose is called when the settings change; running streams end with their contexts.
func (d *Datasource) Dispose() {
	d.client.HTTP.CloseIdleConnections()
}

// CheckHealth calls /readyz, then /api/v1/labels to check the token and the instance.
func (d *Datasource) CheckHealth(ctx context.Context, _ *backend.CheckHealthRequest) (*backend.CheckHealthResult, error) {
	if err := d.client.Health(ctx); err != nil {
		msg := fmt.Sprintf("Talus at %s is not ready: %v", d.settings.URL, err)
		var se *api.StatusError
		if errors.As(err, &se) && (se.StatusCode == http.StatusUnauthorized || se.StatusCode == http.StatusForbidden) {
			msg = fmt.Sprintf("Talus at %s refused the token (%d): %s", d.settings.URL, se.StatusCode, se.Message)
		}
		return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: msg}, nil
	}
	// /readyz takes no token and no instance; one cheap query checks both.
	now := d.now()
	if _, err := d.client.Labels(ctx, now.Add(-time.Minute), now); err != nil {
		return &backend.CheckHealthResult{Status: backend.HealthStatusError,
			Message: fmt.Sprintf("Talus at %s is ready but refused a query (check the token and the instance): %v", d.settings.URL, err)}, nil
	}
	msg := "Talus is ready"
	if d.settings.Instance != "" {
		msg += " (instance " + d.settings.Instance + ")"
	}
	return &backend.CheckHealthResult{Status: backend.HealthStatusOk, Message: msg}, nil
}

// CallResource serves the editor's autocompletion calls (see resource.go).
func (d *Datasource) CallResource(ctx context.Context, req *backend.CallResourceRequest, sender backend.CallResourceResponseSender) error {
	return d.resources.CallResource(ctx, req, sender)
}
