package plugin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// Settings is a datasource instance's configuration: the standard url, the
// jsonData object and the decrypted secureJsonData.
type Settings struct {
	// URL is the Talus query API, e.g. "http://127.0.0.1:7070".
	URL string
	// Instance is the tenant sent as X-Talus-Instance; empty means the
	// server's default instance.
	Instance string `json:"instance"`
	// TimeoutSeconds bounds one API call. The default is 30 s.
	TimeoutSeconds int `json:"timeoutSeconds"`
	// Token, from secureJsonData.token, is sent as a bearer token.
	Token string `json:"-"`
}

// defaultTimeout is used when jsonData.timeoutSeconds is unset.
const defaultTimeout = 30 * time.Second

// Timeout is the per-call timeout.
func (s Settings) Timeout() time.Duration {
	if s.TimeoutSeconds <= 0 {
		return defaultTimeout
	}
	return time.Duration(s.TimeoutSeconds) * time.Second
}

// ParseSettings reads the instance settings Grafana passes to the plugin.
func ParseSettings(s backend.DataSourceInstanceSettings) (Settings, error) {
	var out Settings
	if len(s.JSONData) > 0 {
		if err := json.Unmarshal(s.JSONData, &out); err != nil {
			return Settings{}, fmt.Errorf("cannot parse jsonData: %w", err)
		}
	}
	out.URL = strings.TrimRight(strings.TrimSpace(s.URL), "/")
	out.Token = s.DecryptedSecureJSONData["token"]
	return out, out.Validate()
}

// Validate reports every problem with the settings at once.
func (s Settings) Validate() error {
	var errs []error
	if s.URL == "" {
		errs = append(errs, errors.New("url: the Talus query API address is required, e.g. http://127.0.0.1:7070"))
	} else if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("url: %q is not an http(s) address, e.g. http://127.0.0.1:7070", s.URL))
	}
	if s.TimeoutSeconds < 0 {
		errs = append(errs, fmt.Errorf("jsonData.timeoutSeconds (%d) must be >= 0", s.TimeoutSeconds))
	}
	return errors.Join(errs...)
}
