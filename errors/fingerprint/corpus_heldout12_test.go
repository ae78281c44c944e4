package fingerprint

// heldout12.tsv: a content-only held-out file written after the last v5
// rule and measured once with v5, with no rule changed afterwards: its
// figure is the honest estimate for v5 as committed (docs/fingerprint.md).
// New statements of all sixteen public benchmark families, written from
// what such programs print, not taken from any data set; a value without a
// digit in about one template in six. The last block holds near-miss pairs.
//
// Measured once with v5 as committed (64ec572), before any rule saw it: GA
// 0.8210 (458 messages, 48 true groups, 70 predicted; 0.7919 on its 39
// new statements as first labelled, 0.7903 on 37 after relabelling),
// precision 1.0. v4 (0210a39) scores exactly the same on
// it: the v5 rules, written on the misses of heldout8–11, gained nothing on
// a fresh file.

var heldout12Templates = []string{
	// Distributed storage and batch.
	"Deleting block {blk} file {path}",
	"PendingReplicationMonitor timed out block {blk}",
	"Task cleanup failed for attempt {attempt}",
	"Reduce slow start threshold not met. completedMapsForReduceSlowstart {small}",
	"Adding job token for {yjobid} to jobTokenSecretManager",

	// Spark.
	"Running task {float} in stage {float} (TID {int})",
	"Input split: hdfs://{hostn}:{port}/{path}:{int}+{int}",
	"Starting remote block fetch from {kexec} executor {small}",

	// ZooKeeper.
	"Leader epoch {hex} is less than our accepted epoch {hex}",
	"Opening socket connection to server {hostn}/{ip}:{port}. Will not attempt to authenticate using SASL (unknown error)",
	"Sending DIFF",
	"Snapshot of size {int} taken in {int} ms",

	// Supercomputer RAS and cluster events.
	"data TLB error interrupt",
	"Lustre mount FAILED : {kluster} : block_id : location",
	"Temperature ({int}C) exceeds warning threshold",
	"Link error on broadcast tree Interconnect-0T00:00:{small}:{small}",
	"ServerFileSystem domain {yfsdomain} is now served by {hostd}",

	// Thunderbird-like syslog and Linux.
	"gethostbyname error for {hostn}",
	"Kernel command line: ro root=LABEL=/ rhgb quiet",
	"{kdaemon} shutdown succeeded",
	"audit({float}:{int}): initialized",
	"warning: unable to look up public/pickup: No such file or directory",
	"Local disk {dev} has been unmounted",

	// OpenSSH.
	"fatal: Write failed: Connection reset by peer [preauth]",
	"Received disconnect from {ip} port {port}:11: disconnected by user",
	"Postponed publickey for {user} from {ip} port {port} ssh2 [preauth]",

	// Apache and proxy.
	"[client {ip}] user {user} not found: {urlpath}",
	"[client {ip}] Invalid method in request {kbadreq}",
	"{jproxproc} - {domain}:{port} open through proxy {hostport} SOCKS5",
	"{jproxproc} - {domain}:{port} error : Could not connect through proxy {hostport} - Proxy server cannot establish a connection with the target, status code {status}",

	// Android and the health app.
	"ActivityRecord not found for: Token{{{hex} ActivityRecord{{{hex} u0 {activity} t{int}}}}}",
	"Failed to get type for: {path} (No such file or directory)",
	"Notification channel {kchan} for {pkg} is blocked",
	"new date ={date}, type={small},{int},{int},{int}",
	"getRealTimeDetailSteps() from {khsrc}",
	"ExtSDM onStepChanged totalSteps={int}",

	// Windows servicing and macOS.
	"Warning: Overlap: Duplicate ownership for directory {winpath} in component {kwincomp}",
	"Loading offline registry hive: {kwinhive}, into registry key '{path}' from path '{winpath}'.",
	"Kext {bundle} not found",
	"Sleep/Wakes since boot at {cdate}: {small}",
	"{kmacapp} is taking too long to quit",

	// OpenStack.
	"Running periodic task ComputeManager._{kperiodic}",
	"[instance: {uuid}] Attempting to clean up failed instance on host {hostn}",
	"Unable to validate token: {kauthreason}",

	// Near-miss pairs: one constant word apart.
	"{kdaemon} startup failed",
	"Unloading offline registry hive: {kwinhive}",
	"Sending SNAP",
	"[instance: {uuid}] Attempting to clean up failed instance on node {hostn}",
}

// h12Picks are the slots that pick one of a few values.
var h12Picks = map[string][]string{
	"kexec":       {"local", "remote"},
	"kluster":     {"scratch", "home", "projects"},
	"kdaemon":     {"cupsd", "xinetd", "sshd", "syslogd", "ntpd", "portmap"},
	"kbadreq":     {"CONNECT", "PROPFIND", "TRACK", "SEARCH"},
	"kchan":       {"miscellaneous", "Default", "sync_status", "Messages"},
	"khsrc":       {"sensor", "cache", "database"},
	"kwincomp":    {"Microsoft-Windows-Shell-Sounds", "Microsoft-Windows-IE-Feeds", "Microsoft-Windows-Fonts"},
	"kwinhive":    {"SOFTWARE", "SYSTEM", "COMPONENTS", "DEFAULT"},
	"kmacapp":     {"Safari", "Microsoft Word", "Finder", "Terminal", "Mail"},
	"kperiodic":   {"_poll_rebooting_instances", "_heal_instance_info_cache", "_sync_power_states", "_cleanup_running_deleted_instances"},
	"kauthreason": {"Token expired", "Token not found", "Invalid signature"},
}

// h12Slot returns a value for the slots only heldout12 uses.
func (g *gen) h12Slot(name string) (string, bool) { return g.pickFrom(h12Picks, name) }

// heldout12Same labels the statements of heldout12 that an earlier file
// already has with that file's label (see heldout6Same). It was filled in
// after the one measurement; it changes labels only, not the file's figure.
// Nine more statements have the same text as an earlier file's and take its
// label by the registry.
var heldout12Same = map[string]string{
	"Input split: hdfs://{hostn}:{port}/{path}:{int}+{int}":                        "hld3017",
	"Link error on broadcast tree Interconnect-0T00:00:{small}:{small}":            "hld3055",
	"Reduce slow start threshold not met. completedMapsForReduceSlowstart {small}": "hld3006",
}

func genHeldout12Corpus() []tmpl {
	return genContentCorpus(16, "hld12", heldout12Templates, heldout12Same)
}
