package fingerprint

// heldout3.tsv: a third held-out file, written for v3 before any v3 rule and
// measured with the v2 rules first (docs/fingerprint.md has both figures).
// Its templates are new statements in the families of public system-log
// benchmarks and a few more (JVM batch and streaming services, a block store,
// a coordination service, REST services with request ids, syslog daemons,
// kernel, supercomputer RAS and cluster events, Windows servicing, Android
// and macOS daemons, Apache and nginx error logs, a mobile health app, a
// proxy, Kubernetes, Python services), written from what such programs
// print, not taken from any data set. Variables are drawn as such programs
// fill them: many carry digits, many are plain words (user, host, unit,
// target, pool, state and verb names), some span several words (a signal
// name, a unit description, a disconnect reason). Some constants carry
// digits (IPv4/IPv6, HTTP/1.1, EXT4, SOCKS5, e2fsck). The last block holds
// near-miss pairs that differ by one constant word and must not merge. Four
// header styles are new (15 to 18).

import (
	"fmt"
	"strconv"
)

var heldout3Templates = []famTemplate{
	// Block store (HDFS-like).
	{1, "dfs.DataNode", "Receiving empty packet for block {blk}"},
	{1, "dfs.DataNode", "{ipport}:Failed to transfer {blk} to {ipport} got java.io.IOException: Connection reset by peer"},
	{1, "dfs.FSNamesystem", "BLOCK* NameSystem.allocateBlock: {xhdfsfile}. {blk}"},
	{1, "dfs.DataNode", "Changing block file offset of block {blk} from {int} to {int} meta file offset to {int}"},
	{1, "dfs.PendingReplicationBlocks$PendingReplicationMonitor", "PendingReplicationMonitor timed out block {blk}"},
	{1, "dfs.DataNode$DataXceiver", "writeBlock {blk} received exception java.io.EOFException"},

	// JVM batch services (Hadoop/YARN-like).
	{0, "org.apache.hadoop.mapreduce.v2.app.rm.RMContainerAllocator", "Reduce slow start threshold not met. completedMapsForReduceSlowstart {int}"},
	{0, "org.apache.hadoop.mapreduce.v2.app.job.impl.TaskAttemptImpl", "Diagnostics report from {attempt}: Container killed by the ApplicationMaster."},
	{0, "org.apache.hadoop.mapreduce.v2.app.job.impl.JobImpl", "Num completed Tasks: {small}"},
	{0, "org.apache.hadoop.mapreduce.v2.app.job.impl.JobImpl", "Job jar is not present. Not adding any jar to the list of resources."},
	{0, "org.apache.hadoop.mapreduce.v2.app.MRAppMaster", "Default file system [{xhdfsuri}]"},
	{0, "org.apache.hadoop.yarn.server.nodemanager.containermanager.ContainerManagerImpl", "Start request for {container} by user {user}"},
	{0, "org.apache.hadoop.yarn.server.resourcemanager.scheduler.capacity.LeafQueue", "Application {xyarnapp} from user: {user} activated in queue: {xqueue}"},
	{0, "org.apache.hadoop.mapred.MapTask", "Spilling map output: bufstart = {int}; bufend = {int}; bufvoid = {int}"},

	// Streaming service (Spark-like).
	{11, "spark.SecurityManager", "Changing modify acls to: {xuserlist}"},
	{11, "util.Utils", "Successfully started service '{xsparksvc}' on port {port}."},
	{11, "broadcast.TorrentBroadcast", "Reading broadcast variable {small} took {int} ms"},
	{11, "rdd.HadoopRDD", "Input split: {xhdfsuri}/data/part-{int}:{int}+{int}"},
	{11, "executor.CoarseGrainedExecutorBackend", "Got assigned task {int}"},
	{11, "scheduler.TaskSchedulerImpl", "Removed TaskSet {float}, whose tasks have all completed, from pool {xpool}"},
	{11, "storage.BlockManager", "Dropping block {xbroadcast} from memory"},

	// Coordination service (ZooKeeper-like).
	{9, "QuorumCnxManager", "Connection broken for id {small}, my id = {small}, error = "},
	{9, "QuorumCnxManager$SendWorker", "Send worker leaving thread"},
	{9, "ZooKeeperServer", "Client attempting to establish new session at {sip}"},
	{9, "QuorumCnxManager", "Have smaller server identifier, so dropping the connection: ({small}, {small})"},
	{9, "FinalRequestProcessor", "Processed session termination for sessionid: {hexid}"},
	{9, "Learner", "Getting a snapshot from leader {hexid}"},

	// REST services with request ids (OpenStack-like).
	{10, "nova.osapi_compute.wsgi.server", "{ip} \"DELETE /v2/{hex32}/servers/{uuid} HTTP/1.1\" status: {status} len: {int} time: {float}"},
	{10, "nova.compute.manager", "[instance: {uuid}] Terminating instance"},
	{10, "nova.compute.claims", "[instance: {uuid}] Total disk: {small} GB, used: {float} GB"},
	{10, "nova.compute.claims", "[instance: {uuid}] Claim successful"},
	{10, "nova.compute.manager", "[instance: {uuid}] VM {xvmevent} (Lifecycle Event)"},
	{10, "nova.compute.manager", "Successfully synced instances from host '{xhostname}'."},
	{10, "nova.scheduler.client.report", "Compute node {xhostname} has no inventory for resource class {xrescls}"},

	// sshd, PAM, cron, systemd, kernel (syslog).
	{15, "sshd(pam_unix)", "authentication failure; logname= uid={small} euid={small} tty={xttyname} ruser= rhost={xrhost}"},
	{15, "ftpd", "ANONYMOUS FTP LOGIN FROM {ip}, {xftpident}"},
	{15, "su(pam_unix)", "session opened for user {user} by {user}(uid={int})"},
	{2, "sshd", "Received disconnect from {ip} port {port}:{small}: {xbyemsg} [preauth]"},
	{2, "sshd", "Postponed publickey for {user} from {ip} port {port} ssh2 [preauth]"},
	{2, "CRON", "pam_unix(cron:session): session closed for user {user}"},
	{2, "systemd", "Stopped target {xtarget}."},
	{2, "systemd", "Reached target {xtarget}."},
	{2, "systemd-logind", "New session {int} of user {user}."},
	{2, "systemd", "{xunitname}: Main process exited, code=exited, status={small}/{xexitname}"},
	{2, "kernel", "IPv6: ADDRCONF(NETDEV_CHANGE): {xiface}: link becomes ready"},
	{2, "kernel", "EXT4-fs ({dev}): re-mounted. Opts: errors=remount-ro"},
	{2, "kernel", "{xiface}: renamed from {xiface}"},
	{2, "systemd-fsck", "/dev/{dev}: clean, {int}/{int} files, {int}/{int} blocks"},
	{2, "dbus-daemon", "[system] Activating via systemd: service name='{xdbusname}' unit='{xunitname}' requested by ':{small}.{int}' (uid={int} pid={pid} comm=\"{xcomm}\")"},

	// Supercomputer RAS and cluster events.
	{8, "KERNEL", "{int} floating point alignment exceptions"},
	{8, "KERNEL", "total of {int} ddr error(s) detected and corrected over {int} seconds"},
	{8, "MMCS", "idoproxy communication failure: socket closed"},
	{8, "KERNEL", "rts panic! - stopping execution"},
	{8, "DISCOVERY", "Node card VPD check: {xbglloc} node in processor card slot {small} do not match. VPD ecid {hex}, found {hex}"},
	{14, "node", "inconsistent nodesets {xnodeset}"},
	{14, "switch_module", "Link error on broadcast tree Interconnect-{small}T{small}:{small}:{small}:{small}"},
	{13, "ntpd", "synchronized to {ip}, stratum {small}"},
	{13, "postfix/postdrop", "warning: unable to look up public/pickup: No such file or directory"},

	// Windows servicing.
	{12, "CBS", "Ending TrustedInstaller initialization."},
	{12, "CBS", "Failed to get next element [HRESULT = {hex} - {xcbserr}]"},
	{12, "CBS", "Doqe: Recording result: {hex}, for Inf: {xinf}"},
	{12, "CSI", "Performing {int} operations; {int} are not lock/unlock and follow:"},
	{12, "CBS", "Startup processing thread terminated normally"},

	// Android and macOS daemons.
	{5, "PowerManagerService", "release lock={int}, flg={hex}, tag=\"{xwltag}\", name={pkg}, ws={xws}, uid={int}, pid={pid}"},
	{5, "StatusBar", "setSystemUiVisibility vis={hex} mask={hex} oldVal={hex} newVal={hex} diff={hex} fullscreenStackVis={hex} dockedStackVis={hex} fullscreenStackBounds=Rect(0, 0 - 0, 0) dockedStackBounds=Rect(0, 0 - 0, 0)"},
	{5, "ActivityManager", "Killing {pid}:{pkg}/{xuid} (adj {int}): {xkillreason}"},
	{5, "WindowManager", "Changing focus from Window{{{hex} u0 {activity}}} to Window{{{hex} u0 {activity}}}"},
	{2, "kernel", "AirPort: Link Down on {xmacif}. Reason {small} ({xairreason})."},
	{2, "kernel", "ARPT: {float}: wl0: setup_keepalive: Remote IP: {ip}"},
	{2, "symptomsd", "__73-[NetworkAnalyticsEngine observeValueForKeyPath:ofObject:change:context:]_block_invoke unexpected switch value {small}"},
	{2, "com.apple.xpc.launchd", "Service only ran for {small} seconds. Pushing respawn out by {int} seconds."},

	// Apache and nginx error logs.
	{3, "", "caught SIGTERM, shutting down"},
	{3, "", "Apache/{xapver} ({xosname}) configured -- resuming normal operations"},
	{3, "", "[client {ip}] Invalid URI in request {xbadreq}"},
	{16, "", "open() \"{path}\" failed (2: No such file or directory), client: {ip}, server: {xsrvname}, request: \"GET {urlpath} HTTP/1.1\", host: \"{host}\""},
	{16, "", "connect() failed (111: Connection refused) while connecting to upstream, client: {ip}, server: {xsrvname}, request: \"{method} {urlpath} HTTP/1.1\", upstream: \"http://{ipport}{urlpath}\", host: \"{host}\""},
	{16, "", "{int} worker_connections are not enough"},

	// Mobile health app.
	{6, "Step_StandReportReceiver", "onReceive action: {intent}"},
	{6, "Step_LSC", "processHandleBroadcastAction action:{xstepaction}"},
	{6, "Step_ExtSDM", "calculateAltitudeWithCache totalAltitude={int}"},
	{6, "Step_SPUtils", "setGoalNotifiState notifyType={small}"},
	{6, "HiH_HiHealthDataInsertStore", "saveHealthDetailData() type={int} start={big} end={big}"},

	// Proxy.
	{7, "", "{xproxydomain}:{port} open through proxy {xproxyhost}:{port} HTTPS"},
	{7, "", "{xproxydomain}:{port} close, {int} bytes sent, {int} bytes received, lifetime {lifetime}"},
	{7, "", "{domain}:{port} error : A connection request was canceled before the completion."},

	// Kubernetes (klog) and Python services.
	{17, "", "Successfully assigned {ns}/{pod} to {xnodename}"},
	{17, "", "Error syncing pod {uuid} (\"{pod}_{ns}({uuid})\"), skipping: failed to \"StartContainer\" for \"{xcname}\" with CrashLoopBackOff: \"back-off {dur} restarting failed container={xcname} pod={pod}_{ns}({uuid})\""},
	{17, "", "Failed to watch *v1.{xkind}: failed to list *v1.{xkind}: Get \"https://{ipport}/api/v1/{xres}?limit=500\": dial tcp {ipport}: connect: connection refused"},
	{18, "urllib3.connectionpool", "Starting new HTTPS connection ({small}): {host}:{port}"},
	{18, "celery.app.trace", "Task {xcelerytask}[{uuid}] succeeded in {float}s: None"},
	{18, "django.request", "Not Found: {urlpath}"},

	// Near-miss pairs: one constant word apart.
	{2, "NetworkManager", "IPv4 address {ip} added to {xiface}"},
	{2, "NetworkManager", "IPv6 address {ipv6} added to {xiface}"},
	{2, "systemd", "Starting {xunitname} on behalf of user {user}"},
	{2, "systemd", "Stopping {xunitname} on behalf of user {user}"},
	{0, "com.acme.quota.QuotaService", "Disk quota exceeded for user {user} on volume {int}"},
	{0, "com.acme.quota.QuotaService", "Disk quota warning for user {user} on volume {int}"},
	{9, "Leader", "Follower sid: {small} : info : {sip} is out of sync"},
	{9, "Leader", "Follower sid: {small} : info : {sip} is in sync"},
	{3, "", "[client {ip}] request failed: error reading the headers"},
	{3, "", "[client {ip}] request failed: error writing the headers"},
}

// heldout3Same maps heldout3 templates to the template of the same statement
// in an earlier file (written with other slots or another prefix), so that
// both carry one label and the overall figures count them as one group.
var heldout3Same = map[string]string{
	"authentication failure; logname= uid={small} euid={small} tty={xttyname} ruser= rhost={xrhost}": "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={host}",
	"ANONYMOUS FTP LOGIN FROM {ip}, {xftpident}":                                                     "ANONYMOUS FTP LOGIN FROM {ip}, (anonymous)",
	"{xproxydomain}:{port} open through proxy {xproxyhost}:{port} HTTPS":                             "{hostport} open through proxy {hostport} HTTPS",
	"{xproxydomain}:{port} close, {int} bytes sent, {int} bytes received, lifetime {lifetime}":       "{hostport} close, {int} bytes sent, {int} bytes received, lifetime {lifetime}",
}

// h3Picks are the slots that pick one of a few values.
var h3Picks = map[string][]string{
	"xqueue":       {"default", "root.etl", "adhoc", "production", "root.users.bob"},
	"xsparksvc":    {"sparkDriver", "sparkExecutor", "SparkUI", "NettyBlockTransferService", "org.apache.spark.network.netty.NettyBlockTransferService"},
	"xpool":        {"default", "production", "etl", "adhoc"},
	"xvmevent":     {"Started", "Stopped", "Paused", "Resumed"},
	"xrescls":      {"VCPU", "MEMORY_MB", "DISK_GB", "PCI_DEVICE"},
	"xttyname":     {"NODEVssh", "ssh", "pts/0"},
	"xftpident":    {"(anonymous)", "(guest)", "(mozilla@example.com)", "()"},
	"xbyemsg":      {"Bye Bye", "disconnected by user", "Normal Shutdown, Thank you for playing", "Client disconnecting normally", "Closed due to user request."},
	"xtarget":      {"Timers", "Paths", "Sockets", "Basic System", "Local File Systems", "Network is Online", "Graphical Interface", "Sound Card", "Default"},
	"xexitname":    {"FAILURE", "INVALIDARGUMENT", "NOTINSTALLED", "NOPERMISSION", "NOTCONFIGURED"},
	"xdbusname":    {"org.freedesktop.hostname1", "org.freedesktop.timedate1", "org.freedesktop.PackageKit", "org.freedesktop.nm_dispatcher", "fi.w1.wpa_supplicant1"},
	"xcomm":        {"gnome-shell", "NetworkManager", "systemd", "packagekitd", "gsd-datetime"},
	"xcbserr":      {"CBS_E_INVALID_PACKAGE", "CBS_E_MANIFEST_INVALID_ITEM", "CBS_E_NOT_APPLICABLE", "ERROR_FILE_NOT_FOUND"},
	"xinf":         {"netrtl64.inf", "mdmcpq.inf", "usbport.inf", "machine.inf", "hdaudio.inf", "oem42.inf", "prnms001.inf"},
	"xwltag":       {"RILJ_ACK_WL", "NlpWakeLock", "*alarm*", "WifiSuspend", "AudioMix", "GCM_CONN_ALARM"},
	"xws":          {"null", "WorkSource{10113}", "WorkSource{1000 com.android.phone}"},
	"xkillreason":  {"remove task", "empty for 1800s", "cached #17", "depends on provider com.android.providers.media/.MediaProvider in dying proc android.process.media", "excessive cpu"},
	"xmacif":       {"awdl0", "en0", "en1", "p2p0"},
	"xairreason":   {"Unspecified", "Disassociated because station leaving", "Deauthenticated because sending station is leaving", "Previous authentication no longer valid", "Disassociated due to inactivity"},
	"xosname":      {"Unix", "Ubuntu", "Debian", "CentOS", "Red Hat", "Win64", "FreeBSD"},
	"xsrvname":     {"localhost", "_", "www.example.com", "example.com", "api.internal", "intranet"},
	"xstepaction":  {"android.intent.action.SCREEN_ON", "android.intent.action.SCREEN_OFF", "android.intent.action.TIME_TICK", "android.intent.action.USER_PRESENT"},
	"xcname":       {"api", "worker", "nginx", "sidecar-proxy", "db-migrate", "redis"},
	"xkind":        {"Pod", "Service", "Node", "Endpoints", "ConfigMap", "Namespace"},
	"xres":         {"pods", "services", "nodes", "endpoints", "configmaps", "namespaces"},
	"xcelerytask":  {"app.tasks.send_email", "billing.tasks.charge", "reports.tasks.build_daily", "core.tasks.cleanup", "tasks.ping"},
	"xbroadcast":   {"broadcast_0", "broadcast_3_piece0", "rdd_4_1", "broadcast_12"},
	"xuid":         {"u0a12", "u0a108", "1000", "u10"},
	"xbadreq":      {"GET /w00tw00t.at.ISC.SANS.DFind:)", "\\x16\\x03\\x01", "NICK", "CONNECT"},
	"xapver":       {"2.0.52", "2.2.3", "2.4.41", "2.4.6"},
	"xproxyhost":   {"proxy.cse.cuhk.edu.hk", "127.0.0.1", "socks.corp.internal", "gate.example.com"},
	"xrhost":       {"220-135-151-1.hinet-ip.hinet.net", "61.53.154.93", "server3.sugolan.hu", "lpc-mail.example.org", "h64-187-1-131.gtconnect.net", "localhost"},
	"xhostname":    {"cp-1.cloud.lab", "compute-07", "gateway", "nova-node", "bastion", "lab-controller"},
	"xproxydomain": {"www.google.com", "ssl.gstatic.com", "clients4.google.com", "outlook.office365.com", "api.github.com", "s3.amazonaws.com", "push.apple.com", "login.microsoftonline.com"},
}

// h3Slot returns a value for the slots only heldout3 uses.
func (g *gen) h3Slot(name string) (string, bool) {
	if xs, ok := h3Picks[name]; ok {
		return g.pick(xs...), true
	}
	switch name {
	case "xhdfsfile":
		return fmt.Sprintf("/user/%s/%s/_temporary/_task_%d_%04d_m_%06d_0/part-%05d", g.pick(genUsers...), g.pick("rand", "sort", "out", "wc"),
			200811090000+g.n(9999), g.n(20), g.n(999), g.n(999)), true
	case "xhdfsuri":
		return "hdfs://" + g.pick("msra-sa-41", "namenode", "nn1.corp.internal", "hadoop-master") + ":" + g.pick("9000", "8020"), true
	case "xyarnapp":
		return fmt.Sprintf("application_%d_%04d", 1445000000000+g.n(999999), 1+g.n(9999)), true
	case "xuserlist":
		return g.joinN(1+g.n(3), ",", func() string { return g.pick(genUsers...) }), true
	case "xunitname":
		return g.pick("user@"+strconv.Itoa(1000+g.n(3))+".service", "apt-daily.service", "snapd.service", "gdm.service", "cups.service",
			"systemd-hostnamed.service", "packagekit.service", "session-"+strconv.Itoa(g.n(500))+".scope"), true
	case "xiface":
		return g.pick("eth"+strconv.Itoa(g.n(3)), "enp"+strconv.Itoa(g.n(5))+"s0", "wlp2s0", "wlan0", "docker0", "veth"+g.hex(7), "br-"+g.hex(12)), true
	case "xbglloc":
		return fmt.Sprintf("R%02d-M%d-N%X-J%02d", g.n(80), g.n(2), g.n(16), g.n(18)), true
	case "xnodeset":
		return g.joinN(2+g.n(4), " ", func() string { return fmt.Sprintf("node-%d 0x1fffffffe <ok>", g.n(300)) }), true
	case "xnodename":
		return g.pick("minikube", "kind-control-plane", "worker-"+strconv.Itoa(1+g.n(9)), "ip-10-0-"+strconv.Itoa(g.n(255))+"-"+strconv.Itoa(g.n(255))+".ec2.internal", "gke-main-pool-"+g.hex(8)+"-"+g.hex(4), "node"), true
	}
	return "", false
}

// h3Header renders the header styles only heldout3 uses.
func (g *gen) h3Header(s source) (string, bool) {
	switch s.style {
	case 15: // syslog with a PAM-style program name: prog(module)[pid]:
		return fmt.Sprintf("%s %2d %02d:%02d:%02d %s %s[%d]: ", g.pick("Jun", "Jul"), 1+g.n(28), g.n(24), g.n(60), g.n(60), g.pick("combo", "gateway", "ws-"+strconv.Itoa(g.n(40))), s.component, 1000+g.n(30000)), true
	case 16: // nginx error log: date, [level], pid#tid: *conn
		return fmt.Sprintf("2024/%02d/%02d %02d:%02d:%02d [%s] %d#%d: *%d ", 1+g.n(12), 1+g.n(28), g.n(24), g.n(60), g.n(60), g.pick("error", "warn", "crit"), 1000+g.n(9000), g.n(8), g.n(999999)), true
	case 17: // Kubernetes klog: Lmmdd hh:mm:ss.uuuuuu pid file:line]
		return fmt.Sprintf("%s%02d%02d %02d:%02d:%02d.%06d %7d %s:%d] ", g.pick("I", "W", "E"), 1+g.n(12), 1+g.n(28), g.n(24), g.n(60), g.n(60), g.n(999999), 1+g.n(99999),
			g.pick("event.go", "reflector.go", "pod_workers.go", "kuberuntime_manager.go"), 10+g.n(900)), true
	case 18: // Python logging: time - logger - LEVEL - message
		return fmt.Sprintf("2024-%02d-%02d %02d:%02d:%02d,%03d - %s - %s - ", 1+g.n(12), 1+g.n(28), g.n(24), g.n(60), g.n(60), g.n(1000), s.component, s.level), true
	}
	return "", false
}

func genHeldout3Corpus() []tmpl { return genFamCorpus(7, "hld3", heldout3Templates, heldout3Same) }
