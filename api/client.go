package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client calls the Talus query API. It is safe for concurrent use.
type Client struct {
	// BaseURL is the server's address, e.g. "http://127.0.0.1:7070".
	BaseURL string
	// Instance is sent as X-Talus-Instance; empty means the server's default.
	Instance string
	// Token, when set, is sent as "Authorization: Bearer <token>".
	Token string
	// HTTP is the client used; nil means a client with a 30 s timeout.
	HTTP *http.Client
}

// NewClient returns a client for the server at baseURL.
func NewClient(baseURL string) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/")}
}

// StatusError is returned for a non-2xx answer.
type StatusError struct {
	StatusCode int
	Message    string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("talus api: %d %s", e.StatusCode, e.Message)
}

// LogsQuery asks for the latest logs matching Query within [Start, End].
// Zero times mean the server's defaults (End = now, Start = End − 1h).
type LogsQuery struct {
	Query       string
	Start, End  time.Time
	Limit       int
	Cursor      string
	Fingerprint string
}

// Logs calls GET /api/v1/logs.
func (c *Client) Logs(ctx context.Context, q LogsQuery) (*LogsResponse, error) {
	v := url.Values{}
	v.Set("query", q.Query)
	setRange(v, q.Start, q.End)
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	if q.Cursor != "" {
		v.Set("cursor", q.Cursor)
	}
	if q.Fingerprint != "" {
		v.Set("fingerprint", q.Fingerprint)
	}
	var out LogsResponse
	if err := c.get(ctx, "/api/v1/logs", v, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Volume calls GET /api/v1/logs/volume: entry counts per level and time
// bucket. A zero step lets the server choose (about 100 buckets).
func (c *Client) Volume(ctx context.Context, q LogsQuery, step time.Duration) (*VolumeResponse, error) {
	v := url.Values{}
	v.Set("query", q.Query)
	setRange(v, q.Start, q.End)
	if step > 0 {
		v.Set("step", step.String())
	}
	if q.Fingerprint != "" {
		v.Set("fingerprint", q.Fingerprint)
	}
	var out VolumeResponse
	if err := c.get(ctx, "/api/v1/logs/volume", v, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Labels calls GET /api/v1/labels: resource attribute names seen in [start, end].
func (c *Client) Labels(ctx context.Context, start, end time.Time) ([]string, error) {
	v := url.Values{}
	setRange(v, start, end)
	var out LabelsResponse
	if err := c.get(ctx, "/api/v1/labels", v, &out); err != nil {
		return nil, err
	}
	return out.Data, nil
}

// LabelValues calls GET /api/v1/label/NAME/values.
func (c *Client) LabelValues(ctx context.Context, name string, start, end time.Time) ([]string, error) {
	return c.LabelValuesFor(ctx, name, "", start, end)
}

// LabelValuesFor calls GET /api/v1/label/NAME/values narrowed to the
// resources a stream selector matches (empty means all).
func (c *Client) LabelValuesFor(ctx context.Context, name, query string, start, end time.Time) ([]string, error) {
	v := url.Values{}
	if query != "" {
		v.Set("query", query)
	}
	setRange(v, start, end)
	var out LabelsResponse
	if err := c.get(ctx, "/api/v1/label/"+url.PathEscape(name)+"/values", v, &out); err != nil {
		return nil, err
	}
	return out.Data, nil
}

// ErrorsQuery asks for error groups within [Start, End], narrowed by Query
// (a stream selector) when it is not empty.
type ErrorsQuery struct {
	Query      string
	Start, End time.Time
	Limit      int
	// Step is the trend bucket width; zero means the server's choice.
	Step time.Duration
}

// ErrorsTop calls GET /api/v1/errors/top.
func (c *Client) ErrorsTop(ctx context.Context, q ErrorsQuery) (*ErrorsTopResponse, error) {
	v := url.Values{}
	if q.Query != "" {
		v.Set("query", q.Query)
	}
	setRange(v, q.Start, q.End)
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	if q.Step > 0 {
		v.Set("step", q.Step.String())
	}
	var out ErrorsTopResponse
	if err := c.get(ctx, "/api/v1/errors/top", v, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Error calls GET /api/v1/errors/FINGERPRINT: one group with its trend.
func (c *Client) Error(ctx context.Context, fingerprint string, q ErrorsQuery) (*ErrorGroup, error) {
	v := url.Values{}
	if q.Query != "" {
		v.Set("query", q.Query)
	}
	setRange(v, q.Start, q.End)
	if q.Step > 0 {
		v.Set("step", q.Step.String())
	}
	var out ErrorGroup
	if err := c.get(ctx, "/api/v1/errors/"+url.PathEscape(fingerprint), v, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Health calls GET /readyz and returns nil when the server is ready.
func (c *Client) Health(ctx context.Context) error {
	return c.get(ctx, "/readyz", nil, nil)
}

func setRange(v url.Values, start, end time.Time) {
	if !start.IsZero() {
		v.Set("start", strconv.FormatInt(start.UnixNano(), 10))
	}
	if !end.IsZero() {
		v.Set("end", strconv.FormatInt(end.UnixNano(), 10))
	}
}

func (c *Client) get(ctx context.Context, path string, v url.Values, out any) error {
	u := strings.TrimRight(c.BaseURL, "/") + path
	if len(v) > 0 {
		u += "?" + v.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("talus api: build request: %w", err)
	}
	if c.Instance != "" {
		req.Header.Set(InstanceHeader, c.Instance)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = defaultHTTPClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("talus api: GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		var er ErrorResponse
		msg := strings.TrimSpace(string(body))
		if json.Unmarshal(body, &er) == nil && er.Error != "" {
			msg = er.Error
		}
		return &StatusError{StatusCode: resp.StatusCode, Message: msg}
	}
	if out == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("talus api: decode %s: %w", path, err)
	}
	return nil
}

var defaultHTTPClient = &http.Client{Timeout: 30 * time.Second}
