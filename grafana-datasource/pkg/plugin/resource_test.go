package plugin

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

func callResource(t *testing.T, d *Datasource, path, url string) (int, []byte) {
	t.Helper()
	var got *backend.CallResourceResponse
	err := d.CallResource(context.Background(), &backend.CallResourceRequest{Path: path, Method: "GET", URL: url},
		backend.CallResourceResponseSenderFunc(func(r *backend.CallResourceResponse) error {
			got = r
			return nil
		}))
	if err != nil || got == nil {
		t.Fatalf("CallResource(%s): %v", url, err)
	}
	return got.Status, got.Body
}

func TestResources(t *testing.T) {
	f := newFakeTalus(t)
	d := newTestDatasource(t, f)
	check := func(path, url string, wantStatus int, want string) {
		t.Helper()
		st, body := callResource(t, d, path, url)
		if st != wantStatus {
			t.Fatalf("%s: status %d body %s", url, st, body)
		}
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatalf("%s: %v in %s", url, err, body)
		}
		b, _ := json.Marshal(v)
		if string(b) != want {
			t.Errorf("%s = %s, want %s", url, b, want)
		}
	}
	check("labels", "labels?start=1795518000000&end=1795521600000", 200, `["host.name","k8s.job.name","service.name"]`)
	q := f.lastRequest("/api/v1/labels").URL.Query()
	if q.Get("start") != "1795518000000000000" || q.Get("end") != "1795521600000000000" {
		t.Errorf("labels range = %v, want ms turned into ns", q)
	}
	check("label/service.name/values", "label/service.name/values", 200, `["checkout","payments"]`)
	if p := f.lastRequest("/api/v1/label/").URL.Path; p != "/api/v1/label/service.name/values" {
		t.Errorf("values path %s", p)
	}
	check("label/none/values", "label/none/values", 200, `[]`)
	check("labels", "labels?start=yesterday", 400, `{"error":"start \"yesterday\" is not Unix milliseconds","status":400}`)
	f.fail(401, "no token")
	check("labels", "labels", 401, `{"error":"talus api: 401 no token","status":401}`)
}
