package fingerprint

// heldout5.tsv: the last held-out file, written after every v3 rule was
// final and measured once, with no rule changed afterwards: its figure is the
// honest estimate for v3 as committed (docs/fingerprint.md). Its templates
// come from families the earlier files do not cover (Java and Python
// application servers, Node.js process managers, key-value and service
// discovery stores, distributed file systems, time sync, audit and SELinux,
// desktop sessions, Bluetooth, printing, VPNs, CI runners, batch queues on
// supercomputers, iOS daemons, Windows Update) and new statements of the
// benchmark families, written from what such programs print, not taken from
// any data set. The last block holds near-miss pairs.

var heldout5Templates = []famTemplate{
	// Java and Python application servers, Node.js.
	{4, "org.apache.catalina.core.StandardContext", "Context [{zctx}] startup failed due to previous errors"},
	{4, "org.apache.coyote.http11.Http11NioProtocol", "Starting ProtocolHandler [\"http-nio-{port}\"]"},
	{4, "o.s.b.w.embedded.tomcat.TomcatWebServer", "Tomcat started on port(s): {port} (http) with context path '{zctxpath}'"},
	{4, "com.zaxxer.hikari.pool.HikariPool", "{zpool} - Connection is not available, request timed out after {int}ms."},
	{18, "gunicorn.error", "Worker exiting (pid: {pid})"},
	{18, "gunicorn.error", "Booting worker with pid: {pid}"},
	{18, "uvicorn.access", "{ipport} - \"{method} {urlpath} HTTP/1.1\" {status}"},
	{4, "pm2", "App [{zapp}:{small}] exited with code [{small}] via signal [{zsig}]"},

	// Key-value and service discovery stores.
	{4, "etcdserver", "{hex} became leader at term {int}"},
	{4, "etcdserver", "failed to send out heartbeat on time (exceeded the {int}ms timeout for {float}ms, to {hex})"},
	{4, "consul", "agent: Synced service \"{zsvc}\""},
	{4, "consul", "memberlist: Suspect {zmember} has failed, no acks received"},
	{4, "redis", "Replica {ipport} asks for synchronization"},

	// Distributed file systems.
	{4, "ceph-osd", "osd.{small} {small} heartbeat_check: no reply from {ipport} osd.{small} since back {isots} front {isots} (oldest deadline {isots})"},
	{4, "ceph-mon", "pgmap v{int}: {int} pgs: {int} active+clean; {size} data, {size} used, {size} / {size} avail"},
	{2, "kernel", "Lustre: {zlustre}-OST{hex5}-osc-{hex}: Connection to {zlustre}-OST{hex5} (at {ip}@o2ib) was lost; in progress operations using this service will wait for recovery to complete"},
	{2, "glusterd", "Received status volume req for volume {zvol}"},

	// Time sync, audit, SELinux.
	{2, "chronyd", "Selected source {ip} ({zntp})"},
	{2, "chronyd", "System clock wrong by {float} seconds, adjustment started"},
	{2, "auditd", "Audit daemon rotating log files"},
	{2, "kernel", "audit: type=1400 audit({float}:{int}): avc:  denied  {{ {zperm} }} for  pid={pid} comm=\"{proc}\" name=\"{zfname}\" dev=\"{dev}\" ino={int} scontext={zsctx} tcontext={zsctx} tclass={zclass} permissive=0"},
	{2, "setroubleshoot", "SELinux is preventing {path} from {zperm} access on the {zclass} {zfname}."},

	// Desktop session, Bluetooth, printing.
	{2, "gnome-shell", "JS ERROR: TypeError: {zjsprop} is null"},
	{2, "gdm-password", "gkr-pam: unlocked login keyring"},
	{2, "bluetoothd", "Unable to get io data for {zbtprof}: getpeername: Transport endpoint is not connected (107)"},
	{2, "cupsd", "[Job {int}] Job completed."},
	{2, "cupsd", "REQUEST localhost - - \"POST /printers/{zprinter} HTTP/1.1\" 200 {int} Print-Job successful-ok"},

	// VPNs.
	{2, "openvpn", "{user}/{ipport} MULTI: Learn: {ip} -> {user}/{ipport}"},
	{2, "openvpn", "{ipport} TLS Error: TLS handshake failed"},
	{2, "charon", "{small}[IKE] IKE_SA {zconn}[{small}] established between {ip}[{ip}]...{ip}[{zpeerid}]"},

	// CI runners and code hosting.
	{4, "gitlab-runner", "Job succeeded duration_s={float} job={int} project={int} runner={hex5}"},
	{4, "gitlab-runner", "Checking for jobs... received job={int} repo_url={url} runner={hex5}"},
	{4, "sidekiq", "{zworker} JID-{hex32}: done: {float} sec"},

	// Batch queues on supercomputers.
	{14, "pbs_mom", "Job {int}.{zpbs} exceeded walltime limit {int} seconds"},
	{14, "pbs_server", "Job Modified at request of {user}@{zpbs}"},
	{8, "KERNEL", "{int} L3 EDRAM error(s) (dcr {hex}) detected and corrected over {int} seconds"},
	{8, "APP", "ciod: Received signal {small}, code={small}, errno={small}, address={hex}"},
	{13, "kernel", "Lustre: {int}:0:(client.c:{int}:ptlrpc_expire_one_request()) @@@ Request sent has timed out for slow reply"},

	// iOS daemons, Windows Update.
	{2, "SpringBoard", "Application '{zbundle}' exited abnormally via signal {small}"},
	{2, "backboardd", "Unable to bring up display: {zdisperr}"},
	{12, "WindowsUpdateAgent", "Found {small} updates and {small} categories in search; evaluated appl. rules of {int} out of {int} deployed entities"},
	{12, "CBS", "Mark store corruption flag because of package: {wpkg}. Status code: {hex}"},

	// More statements in benchmark families.
	{1, "dfs.DataNode", "Reopen Block {blk}"},
	{0, "org.apache.hadoop.hdfs.DFSClient", "DataStreamer Exception"},
	{0, "org.apache.hadoop.mapreduce.v2.app.launcher.ContainerLauncherImpl", "Opening proxy : {zhostport}"},
	{11, "spark.MapOutputTrackerWorker", "Don't have map outputs for shuffle {small}, fetching them"},
	{11, "storage.MemoryStore", "MemoryStore cleared"},
	{9, "ZooKeeperServer", "Expiring session {hexid}, timeout of {int}ms exceeded"},
	{9, "QuorumPeer", "{zkstate}"},
	{10, "nova.compute.manager", "[instance: {uuid}] Instance spawned successfully."},
	{10, "nova.api.openstack.compute.server_external_events", "Creating event network-vif-plugged:{uuid} for instance {uuid}"},
	{2, "sshd", "error: PAM: Authentication failure for {user} from {zrhost}"},
	{2, "sshd", "Unable to negotiate with {ip} port {port}: no matching key exchange method found. Their offer: {zkex}"},
	{5, "WindowManagerService", "Relayout Window{{{hex} u0 {activity}}}: oldVis={small} newVis={small}"},
	{6, "Step_StandReportReceiver", "REPORT : {int} {int} {int} {int}"},
	{7, "", "{xproxydomain}:{port} close, {int} bytes ({size}) sent, {int} bytes received, lifetime {lifetime}"},
	{3, "", "[client {ip}] mod_security: Access denied with code {status} (phase {small}). {zmodsec}"},

	// Near-miss pairs: one constant word apart.
	{2, "kernel", "Bluetooth: hci{small}: {zbtcmd} command timeout"},
	{2, "kernel", "Bluetooth: hci{small}: {zbtcmd} command failed"},
	{4, "consul", "agent: Deregistered service \"{zsvc}\""},
	{4, "redis", "Replica {ipport} lost connection"},
	{18, "app.jobs", "scheduled job {uuid} for tenant {int} skipped"},
	{18, "app.jobs", "scheduled job {uuid} for tenant {int} retried"},
	{2, "openvpn", "{ipport} TLS Error: TLS key negotiation failed to occur within 60 seconds (check your network connectivity)"},
	{2, "charon", "{small}[IKE] IKE_SA {zconn}[{small}] deleted between {ip}[{ip}]...{ip}[{zpeerid}]"},
}

// h5Picks are the slots that pick one of a few values.
var h5Picks = map[string][]string{
	"zctx":      {"/shop", "/api", "", "/admin", "/manager"},
	"zctxpath":  {"", "/api", "/app"},
	"zpool":     {"HikariPool-1", "main-pool", "reporting"},
	"zapp":      {"api", "worker", "scheduler", "web-frontend"},
	"zsig":      {"SIGINT", "SIGTERM", "SIGKILL", "null"},
	"zsvc":      {"web", "redis", "payments-api", "consul", "vault"},
	"zmember":   {"node-a", "consul-server-2", "worker", "ip-10-0-1-5"},
	"zlustre":   {"scratch", "home", "lustre01"},
	"zvol":      {"gv0", "data", "backups", "vol_shared"},
	"zntp":      {"time.cloudflare.com", "ntp.ubuntu.com", "0.pool.ntp.org", "gateway"},
	"zperm":     {"read", "write", "open", "getattr", "name_connect", "execute"},
	"zfname":    {"resolv.conf", "passwd", "hosts", "index.html", "pid"},
	"zsctx":     {"system_u:system_r:httpd_t:s0", "system_u:object_r:etc_t:s0", "unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023"},
	"zclass":    {"file", "dir", "tcp_socket", "lnk_file", "sock_file"},
	"zjsprop":   {"this.actor", "global.display.focus_window", "this._source", "actor"},
	"zbtprof":   {"Headset Voice gateway", "Audio Source", "Handsfree"},
	"zprinter":  {"HP_LaserJet", "Office-Printer", "PDF", "Canon_MG3600"},
	"zconn":     {"home", "office-vpn", "site2site", "roadwarrior"},
	"zpeerid":   {"vpn.example.com", "CN=client1", "gw.corp.internal", "10.1.1.1"},
	"zworker":   {"MailerWorker", "PipelineProcessWorker", "ReactiveCachingWorker"},
	"zpbs":      {"headnode", "pbs01", "cluster.hpc.edu", "mgmt"},
	"zbundle":   {"com.apple.mobilesafari", "com.apple.Preferences", "com.example.app", "com.spotify.client"},
	"zdisperr":  {"error 0xe00002bc", "timed out", "not permitted"},
	"zhostport": {"msra-sa-41:9000", "worker-3:45454", "namenode:8020", "gateway:45454"},
	"zrhost":    {"10.0.0.5", "scanner.example.net", "gateway", "localhost"},
	"zkex":      {"diffie-hellman-group1-sha1", "diffie-hellman-group-exchange-sha1,diffie-hellman-group1-sha1", "curve25519-sha256"},
	"zmodsec":   {"Pattern match \"union.*select\" at ARGS:id.", "Match of \"rx ^[a-z]+$\" against \"ARGS:name\" required.", "Operator GE matched 5 at TX:anomaly_score."},
	"zbtcmd":    {"0x0c03", "0x1001", "0x0c14", "0xfc18"},
}

// h5Slot returns a value for the slots only heldout5 uses.
func (g *gen) h5Slot(name string) (string, bool) {
	if xs, ok := h5Picks[name]; ok {
		return g.pick(xs...), true
	}
	return "", false
}

func genHeldout5Corpus() []tmpl { return genFamCorpus(9, "hld5", heldout5Templates, nil) }
