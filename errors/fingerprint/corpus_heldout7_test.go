package fingerprint

// heldout7.tsv: a second content-only held-out file, written with heldout6
// before the v4 rules and measured with v3 first. Other statements of the
// same public benchmark families (see corpus_heldout6_test.go), written from
// what such programs print, not taken from any data set. The last block holds
// near-miss pairs, among them BGL-style register dumps whose only constant is
// the register name.

import "strconv"

var heldout7Templates = []string{
	// Distributed storage and batch.
	"PacketResponder {blk} {small} Exception java.io.InterruptedIOException: Interruped while waiting for IO on channel java.nio.channels.SocketChannel[connected local={sip} remote={sip}]. {int} millis timeout left.",
	"writeBlock {blk} received exception java.io.IOException: Could not read from stream",
	"BLOCK* NameSystem.addStoredBlock: Redundant addStoredBlock request received for {blk} on {ipport} size {big}",
	"Reduce slow start threshold not met. completedMapsForReduceSlowstart {small}",
	"Recalculating schedule, headroom=<memory:{int}, vCores:{small}>",
	"Event Writer setup for JobId: {yjobid}, File: hdfs://{hostn}:{port}/tmp/hadoop-yarn/staging/{user}/.staging/{yjobid}/{yjobid}_1.jhist",
	"JVM with ID: jvm_{big}_{small}_m_{int} given task: {attempt}",

	// Spark.
	"Stage {small} was cancelled",
	"Putting block {yblockname} failed",
	"Executor is trying to kill task {float} in stage {float} (TID {int})",
	"Added {yblockname} in memory on {ipport} (size: {size}, free: {size})",

	// ZooKeeper.
	"Reading snapshot {path}",
	"Revalidating client: {hexid}",
	"Unable to read additional data from client sessionid {hexid}, likely client has closed socket",

	// Supercomputer RAS and cluster events.
	"{int} ddr error(s) detected and corrected on rank {small}, symbol {int}, bit {small}",
	"MidplaneSwitchController performing bit sparing on {node} bit {small}",
	"ciod: Error reading message prefix after LOGIN_MESSAGE on CioStream socket to {ipport}: Link has been severed",
	"ClusterFileSystem: There is no server for ServerFileSystem domain {yfsdomain}",
	"Error receiving packet on tree network, expecting type {small} instead of type {small} (softheader={hex} {hex} {hex} {hex}) PSR0={hex} PSR1={hex} PRXF={hex} PIXF={hex}",

	// Thunderbird-like syslog, Linux and OpenSSH.
	"e1000: {iface}: e1000_watchdog: NIC Link is Up {yspeed} Mbps Full Duplex",
	"DHCPREQUEST for {ip} from {mac} via {iface}",
	"Postponed publickey for {user} from {ip} port {port} ssh2 [preauth]",
	"{qid}: to={email}, delay={yhms}, xdelay={yhms}, mailer={ymailer}, pri={int}, relay={hostn}. [{ip}], dsn=2.0.0, stat=Sent",
	"authentication failure; logname= uid={small} euid={small} tty=NODEVssh ruser= rhost={yrhost}  user={user}",
	"{user} : user NOT in sudoers ; TTY={tty} ; PWD={path} ; USER=root ; COMMAND={ysudocmd}",
	"Received disconnect from {ip}: {small}: {ybye} [preauth]",
	"{ydaemon} startup succeeded",
	"Out of Memory: Killed process {pid} ({proc}).",
	"reverse mapping checking getaddrinfo for {yrhost} [{ip}] failed - POSSIBLE BREAK-IN ATTEMPT!",
	"Accepted keyboard-interactive/pam for {user} from {ip} port {port} ssh2",

	// Proxy, Apache.
	"{domain}:{port} close, {int} bytes ({size}) sent, {int} bytes ({size}) received, lifetime {lifetime}",
	"{domain}:{port} close, {int} bytes sent, {int} bytes received, lifetime {lifetime}",
	"workerEnv.init() ok {yworkers}",
	"[client {ip}] File does not exist: {ywebpath}",

	// Android, a mobile health app.
	"getTasks: caller {int} does not hold REAL_GET_TASKS; limiting output",
	"Skipping {small} frames!  The application may be doing too much work on its main thread.",
	"getTodayTotalDetailSteps = {big}##{int}##{int}##{int}##{int}##{big}",
	"insertHiHealthData() bulkSaveDetailHiHealthData fail errorCode = {small},errorMessage = {yherr}",

	// Windows servicing, macOS.
	"Loaded Servicing Stack v6.1.7601.{int} with Core: {winpath}",
	"SQM: Initializing online with Windows opt-in: {ybool}",
	"Service exited due to {ysig} | sent by {ymacproc}[{pid}]",
	"USBMSC Identifier (non-unique): {hexq} {hex} {hex} {hex}",

	// OpenStack.
	"image {uuid} at ({path}): checking",
	"Active base files: {path}",
	"[instance: {uuid}] Deletion of {path} complete",

	// Near-miss pairs: one constant word apart.
	"machine check enable..............{small}",
	"debug wait enable.................{small}",
	"Removable base files: {path}",
	"Failed publickey for {user} from {ip} port {port} ssh2",
	"{domain}:{port} error : Could not connect to proxy {hostport} - connection attempt failed with error {int}",
	"[instance: {uuid}] Instance rebooted successfully.",
}

// heldout7Same labels the statements of heldout7 that an earlier file
// already has with that file's label (see heldout6Same).
var heldout7Same = map[string]string{
	"{domain}:{port} close, {int} bytes sent, {int} bytes received, lifetime {lifetime}":                            "sys071",
	"Received disconnect from {ip}: {small}: {ybye} [preauth]":                                                      "sys050",
	"getTodayTotalDetailSteps = {big}##{int}##{int}##{int}##{int}##{big}":                                           "sys084",
	"Loaded Servicing Stack v6.1.7601.{int} with Core: {winpath}":                                                   "sys074",
	"{domain}:{port} close, {int} bytes ({size}) sent, {int} bytes ({size}) received, lifetime {lifetime}":          "sys072",
	"reverse mapping checking getaddrinfo for {yrhost} [{ip}] failed - POSSIBLE BREAK-IN ATTEMPT!":                  "sys052",
	"workerEnv.init() ok {yworkers}":                                                                                "sys064",
	"ciod: Error reading message prefix after LOGIN_MESSAGE on CioStream socket to {ipport}: Link has been severed": "hld2016",
	"ClusterFileSystem: There is no server for ServerFileSystem domain {yfsdomain}":                                 "sys042",
	"[client {ip}] File does not exist: {ywebpath}":                                                                 "sys069",
	"Reduce slow start threshold not met. completedMapsForReduceSlowstart {small}":                                  "hld3006",
}

// h7Picks are the slots that pick one of a few values.
var h7Picks = map[string][]string{
	"ysudocmd":   {"/bin/bash", "/usr/bin/apt-get update", "/bin/cat /etc/shadow", "/usr/sbin/reboot"},
	"yherr":      {"ERR_DATA_INSERT", "ERR_NETWORK", "ERR_PARAMETER_INVALID"},
	"yblockname": {"rdd_12_3", "broadcast_5_piece0", "rdd_2_17", "broadcast_0_piece0"},
	"yfsdomain":  {"storage0", "home", "scratch", "projects"},
	"yspeed":     {"100", "1000"},
	"ymailer":    {"esmtp", "local", "relay"},
	"yrhost":     {"ppp-dialup.isp.example.net", "unknown.host.invalid", "scanner.example.org", "mail.corp.example.com", "h1-2-3.example.net"},
	"ybye":       {"Bye Bye", "disconnected by user", "Normal Shutdown, Thank you for playing", "Closed due to user request."},
	"ydaemon":    {"syslogd", "klogd", "irqbalance", "portmap", "nfslock", "rpcidmapd", "sshd", "xinetd", "crond", "cups"},
	"yworkers":   {"/etc/httpd/conf/workers2.properties", "/etc/apache2/workers.properties"},
	"ywebpath":   {"/var/www/html/favicon.ico", "/var/www/html/robots.txt", "/var/www/html/scripts/", "/srv/www/htdocs/phpmyadmin"},
	"ybool":      {"False", "True"},
	"ysig":       {"SIGKILL", "SIGTERM", "SIGABRT"},
	"ymacproc":   {"mds", "launchd", "WindowServer", "kernel_task", "UserEventAgent"},
}

// h7Slot returns a value for the slots only heldout7 uses.
func (g *gen) h7Slot(name string) (string, bool) {
	if v, ok := g.pickFrom(h7Picks, name); ok {
		return v, true
	}
	switch name {
	case "yjobid":
		return "job_" + strconv.Itoa(1445000000000+g.n(999999)) + "_" + strconv.Itoa(1000+g.n(8999)), true
	case "yhms":
		return "00:" + strconv.Itoa(10+g.n(49)) + ":" + strconv.Itoa(10+g.n(49)), true
	}
	return "", false
}

func genHeldout7Corpus() []tmpl { return genContentCorpus(11, "hld7", heldout7Templates, heldout7Same) }
