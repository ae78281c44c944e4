package fingerprint

// heldout8.tsv: a content-only held-out file written after the v4 rules were
// final and measured once, with no rule changed afterwards: its figure is the
// honest estimate for v4 (docs/fingerprint.md). New statements of the public
// benchmark families (see corpus_heldout6_test.go), written from what such
// programs print, not taken from any data set. The last block holds
// near-miss pairs.

var heldout8Templates = []string{
	// Distributed storage and batch.
	"PacketResponder {small} for block {blk} Interrupted.",
	"{ipport}:DataXceiver: java.io.EOFException: while trying to read {int} bytes",
	"BLOCK* NameSystem.processReport: block {blk} on {ipport} size {big} does not belong to any file.",
	"Exit code from container {container} is : {small}",
	"Before Scheduling: PendingReds:{small} ScheduledMaps:{small} ScheduledReds:{small} AssignedMaps:{small} AssignedReds:{small} CompletedMaps:{small} CompletedReds:{small} ContAlloc:{small} ContRel:{small} HostLocal:{small} RackLocal:{small}",
	"Default file system [hdfs://{hostn}:{port}]",

	// Spark.
	"Started SparkUI at {url}",
	"Lost executor {small} on {hostn}: Container marked as failed: {container} on host: {hostn}. Exit status: {small}. Diagnostics: Container killed on request. Exit code is {int}",
	"Asked to send map output locations for shuffle {small} to {ipport}",
	"Shuffle files lost for executor: {small} (epoch {small})",

	// ZooKeeper.
	"Closed socket connection for client {sip} (no session established for client)",
	"Snapshotting: {hex} to {path}",
	"My election bind port: {sip}",

	// Supercomputer RAS and cluster events.
	"{int} microseconds spent in the rbs signal handler during {int} calls. {int} microseconds was the maximum time for a single instance of a correctable condition.",
	"BglIdoChip table has {small} IDOs with the same IP address ({ip})",
	"fpr{small}={hex} {hex} {hex} {hex}",
	"Node {hostd} has detected an available network connection on network {ip} via interface {iface}",

	// Thunderbird-like syslog, Linux and OpenSSH.
	"ACPI: PCI Interrupt 0000:0{small}:{small}{small}.{small}[A] -> GSI {small} (level, low) -> IRQ {small}",
	"connect from {whost}[{ip}]",
	"lost connection after {wsmtpcmd} from {whost}[{ip}]",
	"klogd 1.4.{small}, log source = /proc/kmsg started.",
	"password changed for {user}",
	"new user: name={user}, UID={int}, GID={int}, home=/home/{user}, shell=/bin/bash",
	"pam_unix(su:session): session opened for user {user} by {user}(uid={int})",
	"Received disconnect from {ip} port {port}:11: disconnected by user",
	"pam_unix(sshd:session): session opened for user {user} by (uid=0)",
	"Failed none for invalid user {user} from {ip} port {port} ssh2",
	"Unable to negotiate with {ip} port {port}: no matching host key type found. Their offer: {whostkey}",

	// Apache.
	"[client {ip}] (13)Permission denied: access to {urlpath} denied",
	"[client {ip}] request failed: error reading the headers",

	// Android, a mobile health app.
	"Unable to start service Intent {{ act={wintentact} pkg={pkg} }} U=0: not found",
	"Focus moving from Window{{{hex} u0 {activity}}} to Window{{{hex} u0 {activity}}}",
	"calculateAltitudeWithCache totalAltitude={int}",

	// Windows servicing, macOS.
	"Ending TrustedInstaller finalization.",
	"Exec: Processing started.  Client: {xwinclient}, Session: {int}_{int}, Package: {wpkg}",
	"Plan: Package: {wpkg}, current: {wwinstate}, pending: Default, start: {wwinstate}, applicable: {wwinstate}, targeted: {wwinstate}, limit: {wwinstate}",
	"Cannot find function pointer {wfuncname} for factory {uuid} in CFBundle/CFPlugIn {hex} <{path}> (bundle, not loaded)",
	"IOThunderboltSwitch<{hex}>({hex})::listenerCallback - Thunderbolt HPD packet for route = {hex} port = {small} unplug = {small}",
	"en0: Supported channels {intlist}",

	// OpenStack.
	"Unknown base file: {path}",
	"[instance: {uuid}] Creating image",
	"{ip} \"POST /v2/{hex32}/os-server-external-events HTTP/1.1\" status: {status} len: {int} time: {float}",

	// Near-miss pairs: one constant word apart.
	"Failed publickey for invalid user {user} from {ip} port {port} ssh2",
	"disconnect from {whost}[{ip}]",
	"[instance: {uuid}] Rebuilding image",
	"password changed for group {user}",
}

// h8Picks are the slots that pick one of a few values.
var h8Picks = map[string][]string{
	"whost":      {"unknown", "mail.example.com", "relay", "mx.corp.example.org", "localhost", "smtp-out.isp.net"},
	"wsmtpcmd":   {"CONNECT", "EHLO", "DATA", "RCPT", "AUTH", "UNKNOWN"},
	"whostkey":   {"ssh-rsa,ssh-dss", "ssh-dss", "ssh-rsa"},
	"wintentact": {"com.google.android.c2dm.intent.REGISTER", "android.intent.action.MAIN", "com.tencent.mm.action.SYNC"},
	"wwinstate":  {"Installed", "Staged", "Absent", "Resolved", "Superseded"},
	"wfuncname":  {"NPP_ShutdownProvider", "MDImporterCreate", "QuickLookGeneratorPluginFactory"},
}

// h8Slot returns a value for the slots only heldout8 uses.
func (g *gen) h8Slot(name string) (string, bool) { return g.pickFrom(h8Picks, name) }

// heldout8Same labels the statements of heldout8 that an earlier file
// already has with that file's label (see heldout6Same). It was filled in
// after the one measurement; it changes labels only, not the file's figure.
var heldout8Same = map[string]string{
	"Default file system [hdfs://{hostn}:{port}]":                                                                                                           "hld3010",
	"Failed none for invalid user {user} from {ip} port {port} ssh2":                                                                                        "sys158",
	"IOThunderboltSwitch<{hex}>({hex})::listenerCallback - Thunderbolt HPD packet for route = {hex} port = {small} unplug = {small}":                        "sys094",
	"Exec: Processing started.  Client: {xwinclient}, Session: {int}_{int}, Package: {wpkg}":                                                                "hld2029",
	"Plan: Package: {wpkg}, current: {wwinstate}, pending: Default, start: {wwinstate}, applicable: {wwinstate}, targeted: {wwinstate}, limit: {wwinstate}": "hld2025",
}

func genHeldout8Corpus() []tmpl { return genContentCorpus(12, "hld8", heldout8Templates, heldout8Same) }
