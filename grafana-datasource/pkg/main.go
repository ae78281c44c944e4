// Command gpx_talus is the backend of the Talus Grafana datasource plugin.
// Grafana starts it as a go-plugin subprocess; it serves QueryData,
// CheckHealth, CallResource and streams over gRPC and talks to Talus only
// through the query API client in package api.
package main

import (
	"os"

	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/talus-logs/talus/grafana-datasource/pkg/plugin"
)

func main() {
	if err := datasource.Manage(plugin.PluginID, plugin.NewDatasource, datasource.ManageOpts{}); err != nil {
		log.DefaultLogger.Error("talus datasource stopped", "error", err.Error())
		os.Exit(1)
	}
}
