package fingerprint

// heldout13.tsv: a content-only held-out file written after v5 and before
// the v6 experiment (a vocabulary prior), measured once with v5 before any
// v6 rule was written. New statements of all sixteen public benchmark
// families, written from what such programs print, not taken from any data
// set and written without looking at the misses of the earlier files; a
// value without a digit in about one template in five. The last block holds
// near-miss pairs.
//
// Measured once with v5 as committed (60f07d6), before any v6 rule was
// written: GA 0.7500 (880 messages, 54 true groups, 90 predicted; 0.6316 on
// its 30 new statements as first labelled), precision 0.9950 (v5 masks the
// word after "key:" at the end, so "Starting crond: succeeded" and
// "Starting crond: failed" merge). 24 of its 54 statements turned out to
// have the text of an earlier file's template (the registry gives them that
// label) and 15 more were found in earlier files spelt with other slots
// (heldout13Same, filled in after the measurement; labels only, the file's
// figure is the same): 15 statements are new, and v5 scores 0.4398 on them.
// The v6 experiment (a vocabulary prior, not adopted) scores 0.7727 on it
// (0.5228 on the 15), measured after its rule was chosen on other files.

var heldout13Templates = []string{
	// HDFS.
	"BLOCK* ask {ip}:50010 to delete {blklist}",
	"writeBlock {blk} received exception java.io.IOException: Could not read from stream",
	"BLOCK* NameSystem.delete: {blk} is added to invalidSet of {ip}:50010",
	"PacketResponder {blk} {small} Exception java.io.InterruptedIOException: Interruped while waiting for IO on channel java.nio.channels.SocketChannel[connected local=/{ip}:{port} remote=/{ip}:{port}]. {int} millis timeout left.",

	// Hadoop MapReduce and YARN.
	"Assigned container {container} to {attempt}",
	"Shuffling to disk since {int} is greater than maxSingleShuffleLimit ({int})",
	"MapCompletionEvents request from {attempt}. startIndex {int} maxEvents {int}",
	"Recalculating schedule, headroom=<memory:{int}, vCores:{small}>",
	"Diagnostics report from {attempt}: Container killed by the ApplicationMaster.",

	// Spark.
	"Block {rdd} stored as values in memory (estimated size {size}, free {size})",
	"Finished task {float} in stage {float} (TID {int}). {int} bytes result sent to driver",
	"Successfully started service '{msparksvc}' on port {port}.",
	"Executor is trying to kill task {float} in stage {float} (TID {int})",

	// ZooKeeper.
	"Closed socket connection for client /{ip}:{port} which had sessionid {hexid}",
	"Have smaller server identifier, so dropping the connection: ({small}, {small})",
	"Expiring session {hexid}, timeout of {int}ms exceeded",
	"Connection broken for id {small}, my id = {small}, error = ",

	// Blue Gene RAS.
	"instruction cache parity error corrected",
	"total of {int} ddr error(s) detected and corrected",
	"NFS Mount failed on {mionode}, slept {int} seconds, retrying ({small})",
	"machine check interrupt (bit={hex}): L2 dcache unit {mbglunit} parity error",

	// HPC cluster events.
	"{hostd} has detected an available network connection on network {ip} via interface {iface}",
	"boot (command {int}) Error: Unable to contact {mhpcctl}",

	// Thunderbird-like syslog and Linux.
	"synchronized to {ip}, stratum {small}",
	"ACPI: LAPIC (acpi_id[{hex}] lapic_id[{hex}] enabled)",
	"DHCPREQUEST on {iface} to {ip} port {small}",
	"ALERT exited abnormally with [{small}]",
	"Starting {mlinuxsvc}: succeeded",
	"Memory: {int}k/{int}k available ({int}k kernel code, {int}k reserved, {int}k data, {int}k init, {int}k highmem)",

	// OpenSSH.
	"input_userauth_request: invalid user {muser} [preauth]",
	"Disconnecting: Too many authentication failures for {muser} [preauth]",
	"reverse mapping checking getaddrinfo for {mrhost} [{ip}] failed - POSSIBLE BREAK-IN ATTEMPT!",
	"message repeated {small} times: [ Failed password for {muser} from {ip} port {port} ssh2]",

	// Apache and proxy.
	"workerEnv.init() ok {path}",
	"caught SIGTERM, shutting down",
	"{mproxproc} - {domain}:{port} close, {int} bytes ({size}) sent, {int} bytes received, lifetime {lifetime}",
	"{mproxproc} - {domain}:{port} error : A connection request was canceled before the completion.",

	// Android and the health app.
	"Bringing down service while still waiting for start foreground: ServiceRecord{{{hex} u0 {pkg}/.{mandsvc}}}",
	"getTaskSnapshot: taskId={int} restricted",
	"cancelNotification,index:{int}",
	"getTodayTotalDetailSteps = {int}##{int}##{int}##{int}##{int}##{int}",
	"flush sensor data",

	// Windows servicing and macOS.
	"Session: {int}_{int} finalized. Reboot required: {bool}",
	"SQM: Queued {small} file(s) for upload with pattern: {winpath}, flags: {hex}",
	"en0: BSSID changed to {mac}",
	"AirPort: Link Down on awdl0. Reason {small} ({mairreason}).",
	"{mmacproc}: connection to service named {mxpcsvc} interrupted",

	// OpenStack.
	"[instance: {uuid}] Took {float} seconds to build instance.",
	"Compute_service record updated for {hostn}:{hostn}",
	"[instance: {uuid}] Attempting claim: memory {int} MB, disk {small} GB, vcpus {small} CPU",

	// Near-miss pairs: one constant word apart.
	"Starting {mlinuxsvc}: failed",
	"Session: {int}_{int} initialized. Reboot required: {bool}",
	"instruction cache parity error uncorrected",
	"[instance: {uuid}] Took {float} seconds to spawn the instance on the hypervisor.",
}

// h13Picks are the slots that pick one of a few values.
var h13Picks = map[string][]string{
	"msparksvc":  {"sparkDriver", "SparkUI", "org.apache.spark.network.netty.NettyBlockTransferService", "sparkExecutorActorSystem"},
	"mionode":    {"bglio11", "bglio42", "ionode7", "fs-gpfs"},
	"mbglunit":   {"data", "directory", "tag"},
	"mhpcctl":    {"node-D3", "ctlr-b", "hpc-master", "lock-node"},
	"mlinuxsvc":  {"crond", "atd", "smartd", "anacron", "messagebus", "haldaemon", "pcmcia", "irqbalance"},
	"muser":      {"root", "admin", "test", "oracle", "ftpuser", "postgres", "support", "guest", "user", "ubnt", "pi", "nagios", "hadoop"},
	"mrhost":     {"ip-{int}.isp.net", "host-{int}.static.example.com", "unknown.example.net", "mail.kingston.ac.uk", "customer.bigpond.net.au"},
	"mproxproc":  {"chrome.exe", "Skype.exe", "OneDrive.exe", "YodaoDict.exe", "thunderbird.exe", "git.exe"},
	"mandsvc":    {"PushService", "sync.SyncAdapterService", "location.GeofenceService", "MediaScannerService"},
	"mairreason": {"Disassoc", "Deauth", "Roam", "BeaconLost"},
	"mmacproc":   {"Safari", "QQ", "Mail", "WeChat", "mdworker", "sharingd", "Spotlight"},
	"mxpcsvc":    {"com.apple.nsurlstorage-cache", "com.apple.CoreDisplay.master", "com.apple.metadata.mds", "com.apple.lsd.mapdb"},
}

// h13Slot returns a value for the slots only heldout13 uses.
func (g *gen) h13Slot(name string) (string, bool) {
	v, ok := g.pickFrom(h13Picks, name)
	if ok && name == "mrhost" {
		v = g.expand(v)
	}
	return v, ok
}

// heldout13Same labels the statements of heldout13 that an earlier file
// already has with that file's label (see heldout6Same). It was filled in
// after the one measurement.
var heldout13Same = map[string]string{
	"BLOCK* ask {ip}:50010 to delete {blklist}":                            "sys145",
	"BLOCK* NameSystem.delete: {blk} is added to invalidSet of {ip}:50010": "hld2000",
	"PacketResponder {blk} {small} Exception java.io.InterruptedIOException: Interruped while waiting for IO on channel java.nio.channels.SocketChannel[connected local=/{ip}:{port} remote=/{ip}:{port}]. {int} millis timeout left.": "hld7000",
	"Successfully started service '{msparksvc}' on port {port}.":                                                 "hld3015",
	"Closed socket connection for client /{ip}:{port} which had sessionid {hexid}":                               "sys025",
	"machine check interrupt (bit={hex}): L2 dcache unit {mbglunit} parity error":                                "sys040",
	"input_userauth_request: invalid user {muser} [preauth]":                                                     "sys049",
	"Disconnecting: Too many authentication failures for {muser} [preauth]":                                      "sys057",
	"reverse mapping checking getaddrinfo for {mrhost} [{ip}] failed - POSSIBLE BREAK-IN ATTEMPT!":               "sys052",
	"message repeated {small} times: [ Failed password for {muser} from {ip} port {port} ssh2]":                  "sys142",
	"{mproxproc} - {domain}:{port} error : A connection request was canceled before the completion.":             "hld11033",
	"Bringing down service while still waiting for start foreground: ServiceRecord{{{hex} u0 {pkg}/.{mandsvc}}}": "hld6038",
	"getTodayTotalDetailSteps = {int}##{int}##{int}##{int}##{int}##{int}":                                        "sys084",
	"SQM: Queued {small} file(s) for upload with pattern: {winpath}, flags: {hex}":                               "hld11013",
	"AirPort: Link Down on awdl0. Reason {small} ({mairreason}).":                                                "hld3067",
}

func genHeldout13Corpus() []tmpl {
	return genContentCorpus(17, "hld13", heldout13Templates, heldout13Same)
}
