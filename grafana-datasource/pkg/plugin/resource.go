package plugin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/talus-logs/talus/api"
)

// defaultLabelsRange is the range of a resource call without start and end.
const defaultLabelsRange = time.Hour

// resourceMux serves the query editor's autocompletion:
//
//	GET labels?start=MS&end=MS              → ["service.name", ...]
//	GET label/NAME/values?start=MS&end=MS   → ["checkout", ...]
//
// start and end are Unix milliseconds (Grafana's range); unset means the last hour.
func (d *Datasource) resourceMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /labels", func(w http.ResponseWriter, r *http.Request) {
		start, end, err := d.resourceRange(r)
		if err != nil {
			writeJSONError(w, http.StatusBadRequest, err)
			return
		}
		names, err := d.client.Labels(r.Context(), start, end)
		writeStrings(w, names, err)
	})
	mux.HandleFunc("GET /label/{name}/values", func(w http.ResponseWriter, r *http.Request) {
		start, end, err := d.resourceRange(r)
		if err != nil {
			writeJSONError(w, http.StatusBadRequest, err)
			return
		}
		values, err := d.client.LabelValues(r.Context(), r.PathValue("name"), start, end)
		writeStrings(w, values, err)
	})
	return mux
}

func (d *Datasource) resourceRange(r *http.Request) (start, end time.Time, err error) {
	end = d.now()
	if s := r.URL.Query().Get("end"); s != "" {
		ms, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return start, end, fmt.Errorf("end %q is not Unix milliseconds", s)
		}
		end = time.UnixMilli(ms)
	}
	start = end.Add(-defaultLabelsRange)
	if s := r.URL.Query().Get("start"); s != "" {
		ms, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return start, end, fmt.Errorf("start %q is not Unix milliseconds", s)
		}
		start = time.UnixMilli(ms)
	}
	return start, end, nil
}

func writeStrings(w http.ResponseWriter, vs []string, err error) {
	if err != nil {
		status := http.StatusBadGateway
		var se *api.StatusError
		if errors.As(err, &se) && se.StatusCode < 500 {
			status = se.StatusCode
		}
		writeJSONError(w, status, err)
		return
	}
	if vs == nil {
		vs = []string{}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(vs)
}

func writeJSONError(w http.ResponseWriter, status int, err error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(api.ErrorResponse{Error: err.Error(), Status: status})
}
