// Package grafana holds no code: the directory carries the Talus Grafana
// dashboards (dashboards/*.json) and provisioning files (provisioning/),
// and the tests here check them against the datasource plugin
// (grafana-datasource/src/plugin.json) and Talus's selector parser.
package grafana
