package grafana

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/talus-logs/talus/storage/selector"
)

// pluginManifest is the part of grafana-datasource/src/plugin.json the dashboards depend on.
type pluginManifest struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

type dsRef struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type target struct {
	RefID       string `json:"refId"`
	Datasource  *dsRef `json:"datasource"`
	QueryType   string `json:"queryType"`
	Query       string `json:"query"`
	Fingerprint string `json:"fingerprint"`
	GroupBy     string `json:"groupBy"`
	Limit       int    `json:"limit"`
}

type panel struct {
	ID          int             `json:"id"`
	Type        string          `json:"type"`
	Title       string          `json:"title"`
	Datasource  *dsRef          `json:"datasource"`
	Targets     []target        `json:"targets"`
	Options     json.RawMessage `json:"options"`
	FieldConfig json.RawMessage `json:"fieldConfig"`
}

type variable struct {
	Name       string `json:"name"`
	Type       string `json:"type"`
	Query      any    `json:"query"`
	Datasource *dsRef `json:"datasource"`
	AllValue   string `json:"allValue"`
}

type dashboard struct {
	UID        string  `json:"uid"`
	Title      string  `json:"title"`
	Panels     []panel `json:"panels"`
	Templating struct {
		List []variable `json:"list"`
	} `json:"templating"`
}

type provisionedDatasources struct {
	APIVersion  int `yaml:"apiVersion"`
	Datasources []struct {
		Name           string            `yaml:"name"`
		UID            string            `yaml:"uid"`
		Type           string            `yaml:"type"`
		Access         string            `yaml:"access"`
		URL            string            `yaml:"url"`
		JSONData       map[string]any    `yaml:"jsonData"`
		SecureJSONData map[string]string `yaml:"secureJsonData"`
	} `yaml:"datasources"`
}

type provisionedDashboards struct {
	APIVersion int `yaml:"apiVersion"`
	Providers  []struct {
		Name    string `yaml:"name"`
		Type    string `yaml:"type"`
		Options struct {
			Path string `yaml:"path"`
		} `yaml:"options"`
	} `yaml:"providers"`
}

// queryTypes are the query types the plugin backend answers (pkg/plugin/query.go).
var queryTypes = map[string]bool{"logs": true, "topErrors": true, "errorTrend": true, "logsVolume": true}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: invalid JSON: %v", path, err)
	}
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: invalid YAML: %v", path, err)
	}
}

// provisioned returns the plugin id and the provisioned datasource uid, after checking they agree.
func provisioned(t *testing.T) (pluginID, uid string) {
	t.Helper()
	var m pluginManifest
	readJSON(t, "../../grafana-datasource/src/plugin.json", &m)
	if m.Type != "datasource" || m.ID == "" {
		t.Fatalf("plugin.json: type %q id %q", m.Type, m.ID)
	}
	var ds provisionedDatasources
	readYAML(t, "provisioning/datasources/talus.yaml", &ds)
	if ds.APIVersion != 1 || len(ds.Datasources) != 1 {
		t.Fatalf("datasource provisioning: apiVersion %d, %d datasources", ds.APIVersion, len(ds.Datasources))
	}
	d := ds.Datasources[0]
	if d.Type != m.ID || d.UID == "" || d.Access != "proxy" || !strings.HasPrefix(d.URL, "http") {
		t.Errorf("provisioned datasource %+v: want type %s, a uid, access proxy, an http url", d, m.ID)
	}
	if _, ok := d.JSONData["instance"]; !ok {
		t.Error("provisioned datasource has no jsonData.instance")
	}
	if _, ok := d.SecureJSONData["token"]; !ok {
		t.Error("provisioned datasource has no secureJsonData.token")
	}
	return m.ID, d.UID
}

// substitute replaces dashboard variables with what Grafana sends: with
// all=true each query variable's custom "All" value (.*) and empty
// textboxes; else values as the frontend's formatSelectorValue escapes them
// (src/datasource.ts; its vitest pins these exact strings).
var variableRE = regexp.MustCompile(`\$\{?(\w+)\}?`)

const (
	// formatted ["checkout", "pay.ments"]: regex-escaped, then string-escaped.
	multiValueSent = `(checkout|pay\\.ments)`
	// formatted `say "hi" \ bye`.
	textValueSent = `say \"hi\" \\ bye`
)

func substitute(q string, vars map[string]variable, all bool) (string, []string) {
	var missing []string
	out := variableRE.ReplaceAllStringFunc(q, func(m string) string {
		name := variableRE.FindStringSubmatch(m)[1]
		v, ok := vars[name]
		switch {
		case !ok:
			missing = append(missing, name)
			return m
		case all && v.AllValue != "":
			return v.AllValue
		case all:
			return ""
		case v.Type == "query":
			return multiValueSent
		default:
			return textValueSent
		}
	})
	return out, missing
}

func loadDashboard(t *testing.T, name string) (dashboard, map[string]variable) {
	t.Helper()
	var d dashboard
	readJSON(t, filepath.Join("dashboards", name), &d)
	vars := map[string]variable{}
	for _, v := range d.Templating.List {
		vars[v.Name] = v
	}
	return d, vars
}

// checkTargets checks every panel's datasource and queries.
func checkTargets(t *testing.T, d dashboard, vars map[string]variable, pluginID, uid string) {
	t.Helper()
	for _, p := range d.Panels {
		if p.Datasource == nil || p.Datasource.Type != pluginID || p.Datasource.UID != uid {
			t.Errorf("%s/%s: panel datasource %+v, want {%s %s}", d.UID, p.Title, p.Datasource, pluginID, uid)
		}
		if len(p.Targets) == 0 {
			t.Errorf("%s/%s: no targets", d.UID, p.Title)
		}
		for _, tg := range p.Targets {
			if tg.Datasource == nil || tg.Datasource.Type != pluginID || tg.Datasource.UID != uid {
				t.Errorf("%s/%s: target datasource %+v", d.UID, p.Title, tg.Datasource)
			}
			if !queryTypes[tg.QueryType] {
				t.Errorf("%s/%s: queryType %q", d.UID, p.Title, tg.QueryType)
			}
			_, missingFP := substitute(tg.Fingerprint, vars, true)
			for _, all := range []bool{true, false} {
				q, missing := substitute(tg.Query, vars, all)
				if len(missing)+len(missingFP) > 0 {
					t.Errorf("%s/%s: undefined variables %v", d.UID, p.Title, append(missing, missingFP...))
				}
				if _, err := selector.Parse(q); err != nil {
					t.Errorf("%s/%s: query %q (as sent: %q) does not parse: %v", d.UID, p.Title, tg.Query, q, err)
				}
			}
		}
	}
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		if v.Datasource == nil || v.Datasource.UID != uid {
			t.Errorf("%s: variable %s datasource %+v", d.UID, v.Name, v.Datasource)
		}
		if q, _ := v.Query.(string); !regexp.MustCompile(`^label_values\([\w.]+\)$`).MatchString(q) {
			t.Errorf("%s: variable %s query %v, want label_values(name)", d.UID, v.Name, v.Query)
		}
	}
}

// panelsByType maps panel type to the query types of its targets.
func panelsByType(d dashboard) map[string][]string {
	out := map[string][]string{}
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			out[p.Type] = append(out[p.Type], tg.QueryType)
		}
	}
	return out
}

func TestLatestLogsDashboard(t *testing.T) {
	pluginID, uid := provisioned(t)
	d, vars := loadDashboard(t, "latest-logs.json")
	if d.UID != "talus-latest-logs" || d.Title != "Latest logs" {
		t.Errorf("uid %q title %q", d.UID, d.Title)
	}
	for _, name := range []string{"service", "job", "fingerprint"} {
		if _, ok := vars[name]; !ok {
			t.Errorf("no variable %s", name)
		}
	}
	if q, _ := vars["service"].Query.(string); q != "label_values(service.name)" {
		t.Errorf("service variable query %q", q)
	}
	if q, _ := vars["job"].Query.(string); q != "label_values(k8s.job.name)" {
		t.Errorf("job variable query %q", q)
	}
	checkTargets(t, d, vars, pluginID, uid)
	got := panelsByType(d)
	if len(got["logs"]) != 1 || got["logs"][0] != "logs" {
		t.Errorf("want one logs panel with a logs query, got %v", got)
	}
	if len(got["timeseries"]) != 1 || got["timeseries"][0] != "logsVolume" {
		t.Errorf("want a volume time series, got %v", got)
	}
	for _, p := range d.Panels {
		if p.Type == "logs" {
			for _, v := range []string{"$service", "$job"} {
				if !strings.Contains(p.Targets[0].Query, v) {
					t.Errorf("logs query %q does not use %s", p.Targets[0].Query, v)
				}
			}
		}
	}
}

func TestTopErrorsDashboard(t *testing.T) {
	pluginID, uid := provisioned(t)
	d, vars := loadDashboard(t, "top-errors.json")
	if d.UID != "talus-top-errors" || d.Title != "Top errors" {
		t.Errorf("uid %q title %q", d.UID, d.Title)
	}
	checkTargets(t, d, vars, pluginID, uid)
	got := panelsByType(d)
	if len(got["table"]) != 1 || got["table"][0] != "topErrors" {
		t.Errorf("want one table of topErrors, got %v", got)
	}
	if len(got["timeseries"]) == 0 || got["timeseries"][0] != "errorTrend" {
		t.Errorf("want errorTrend time series, got %v", got)
	}
	latest, latestVars := loadDashboard(t, "latest-logs.json")
	for _, p := range d.Panels {
		if p.Type != "table" {
			continue
		}
		var opts struct {
			SortBy []struct {
				DisplayName string `json:"displayName"`
				Desc        bool   `json:"desc"`
			} `json:"sortBy"`
		}
		if err := json.Unmarshal(p.Options, &opts); err != nil || len(opts.SortBy) != 1 || opts.SortBy[0].DisplayName != "count" || !opts.SortBy[0].Desc {
			t.Errorf("table sortBy %s: want count descending", p.Options)
		}
		// The fingerprint column links to the Latest logs dashboard's fingerprint variable.
		link := regexp.MustCompile(`/d/([\w-]+)/[\w-]+\?var-(\w+)=\$\{__value\.raw\}`).FindStringSubmatch(string(p.FieldConfig))
		if link == nil {
			t.Fatalf("table has no fingerprint link to the logs: %s", p.FieldConfig)
		}
		if link[1] != latest.UID {
			t.Errorf("link to dashboard %s, want %s", link[1], latest.UID)
		}
		if _, ok := latestVars[link[2]]; !ok {
			t.Errorf("link sets var-%s, which %s does not define", link[2], latest.UID)
		}
	}
}

func TestDashboardProvisioning(t *testing.T) {
	var p provisionedDashboards
	readYAML(t, "provisioning/dashboards/talus.yaml", &p)
	if p.APIVersion != 1 || len(p.Providers) != 1 || p.Providers[0].Type != "file" || p.Providers[0].Options.Path == "" {
		t.Errorf("dashboard provisioning %+v", p)
	}
	files, err := filepath.Glob("dashboards/*.json")
	if err != nil || len(files) != 2 {
		t.Fatalf("dashboards %v %v", files, err)
	}
	uids := map[string]bool{}
	for _, f := range files {
		var d dashboard
		readJSON(t, f, &d)
		if uids[d.UID] {
			t.Errorf("duplicate uid %s", d.UID)
		}
		uids[d.UID] = true
	}
}
