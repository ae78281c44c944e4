package fingerprint

// heldout2.tsv: a second held-out file, written before the v2 rules and
// measured with the v1 rules first (docs/fingerprint.md has both figures). Its
// templates imitate the families of public system-log benchmarks (distributed
// storage and batch daemons, supercomputer RAS and cluster events, syslog
// daemons, Windows servicing, Android framework, a mobile health app, web
// server error logs, proxy connection logs, OpenStack, macOS), written from
// what such programs print, not taken from any data set. Unlike heldout.tsv it
// stresses variables without digits: user, host, file, program, service,
// queue and metric names, states, operations, key: value pairs, parenthesized
// values, variable-length lists, and a few multi-word values that no
// per-message rule can be expected to see. Each template has the header style
// of its family (or none).

import (
	"fmt"
	"strconv"
	"strings"
)

// famTemplate is a template with the header style and component of its family.
type famTemplate struct {
	style int
	comp  string
	text  string
}

var heldout2Templates = []famTemplate{
	// Distributed storage and batch (HDFS, Hadoop, Spark, ZooKeeper).
	{1, "dfs.FSNamesystem", "BLOCK* NameSystem.delete: {blk} is added to invalidSet of {ipport}"},
	{1, "dfs.DataNode", "DatanodeRegistration({ipport}, storageID=DS-{int}-{ip}-{port}-{big}, infoPort={port}, ipcPort={port}):Transmitted block {blk} to {sip}"},
	{0, "org.apache.hadoop.conf.Configuration.deprecation", "{deprec}"},
	{0, "org.apache.hadoop.yarn.server.resourcemanager.RMAppManager", "Accepted application {yarnapp} from user: {user}, in queue: {queue}"},
	{0, "org.apache.hadoop.http.HttpServer2", "Added filter {filtername} (class=org.apache.hadoop.http.lib.StaticUserWebFilter$StaticUserFilter) to context {ctx}"},
	{0, "org.apache.hadoop.yarn.util.RackResolver", "Resolved {hostn} to /default-rack"},
	{0, "org.apache.hadoop.yarn.server.nodemanager.containermanager.container.ContainerImpl", "Container {container} transitioned from {ystate} to {ystate}"},
	{11, "spark.SecurityManager", "SecurityManager: authentication disabled; ui acls disabled; users with view permissions: Set({userset}); groups with view permissions: Set()"},
	{11, "scheduler.DAGScheduler", "Submitting {small} missing tasks from ResultStage {small} (PythonRDD[{small}] at {sparkop} at {pyfile}:{int})"},
	{11, "scheduler.DAGScheduler", "Job {small} finished: {sparkop} at {pyfile}:{int}, took {float} s"},
	{11, "executor.Executor", "Fetching spark://{hostn}:{port}/files/{fname} with timestamp {big}"},
	{9, "PrepRequestProcessor", "Got user-level KeeperException when processing sessionid:{hexid} type:{zkop} cxid:{hex} zxid:{hex} txntype:{neg} reqpath:n/a Error Path:{zpath} Error:KeeperErrorCode = {zkcode} for {zpath}"},
	{9, "FastLeaderElection", "New election. My id =  {small}, proposed zxid={hex}"},
	{9, "NIOServerCnxn", "Connection request from old client {sip}; will be dropped if server is in r-o mode"},

	// Supercomputers (BGL-like RAS, HPC cluster events, Thunderbird syslog).
	{8, "KERNEL", "{int} torus receiver {torusdir} input pipe error(s) (dcr {hex}) detected and corrected"},
	{8, "KERNEL", "idoproxydb hit ASSERT condition: ASSERT expression={small} Source file={cfile} Source line={int} Function={cfunc}"},
	{8, "APP", "ciod: Error reading message prefix after {ciodop} on CioStream socket to {ipport}: Link has been severed"},
	{14, "unix.hw", "Fan speeds ( {fanlist} )"},
	{14, "node", "PSU status ( {onoff} {onoff} )"},
	{14, "node", "Temperature ({int}C) exceeds warning threshold"},
	{13, "xinetd", "START: {xsvc} pid={pid} from={ip}"},
	{13, "gmond", "Error {small} sending the modular data for {metric}"},
	{13, "dhcpd", "DHCPREQUEST for {ip} ({ip}) from {mac} via {iface}"},
	{13, "sendmail", "{qid}: to={user}, ctladdr={user} ({int}/{int}), delay=00:00:{small}{small}, xdelay=00:00:0{small}, mailer=local, pri={int}, dsn=2.0.0, stat=Sent"},
	{13, "kernel", "{iface}: Link is up at {linkspeed} Mbps, {duplex} duplex"},

	// Windows servicing (CBS/CSI).
	{12, "CBS", "Plan: Package: {wpkg}, current: {wstate}, pending: Default, start: {wstate}, applicable: {wstate}, targeted: {wstate}, limit: {wstate}"},
	{12, "CBS", "Appl: detect Parent, Package: {wpkg}, Parent: {wpkg}, Disposition = Detect, VersionComp: {vcomp}, ServiceComp: {vcomp}, BuildComp: {vcomp}, DistributionComp: {vcomp}, RevisionComp: {vcomp}, Exist: {exist}"},
	{12, "CBS", "Session: {int}_{int} finalized. Reboot required: {bool}"},
	{12, "CBS", "SQM: Initializing online with Windows opt-in: {bool}"},
	{12, "CBS", "Exec: Processing started.  Client: {wclient}, Session: {int}_{int}, Package: {wpkg}"},

	// Linux syslog daemons, OpenSSH.
	{2, "systemd", "{unit}: Succeeded."},
	{2, "systemd", "Started Session {int} of user {user}."},
	{2, "systemd", "Starting {unitdesc}..."},
	{2, "CRON", "({user}) CMD ({croncmd})"},
	{2, "su", "(to {user}) {user} on {tty}"},
	{2, "kernel", "audit: type=1400 audit({float}:{int}): apparmor=\"DENIED\" operation=\"{aaop}\" profile=\"{aaprof}\" name=\"{path}\" pid={pid} comm=\"{proc}\" requested_mask=\"{aamask}\" denied_mask=\"{aamask}\" fsuid={int} ouid={int}"},
	{2, "named", "client {ip}#{port}: query (cache) '{host}/A/IN' denied"},
	{2, "sshd", "Connection closed by authenticating user {user} {ip} port {port} [preauth]"},
	{2, "sshd", "User {user} from {ip} not allowed because not listed in AllowUsers"},
	{2, "sshd", "pam_unix(sshd:session): session opened for user {user}(uid={int}) by (uid=0)"},
	{2, "sshd", "Disconnected from user {user} {ip} port {port}"},
	{2, "sudo", "{user} : TTY={tty} ; PWD={path} ; USER=root ; COMMAND={cmdpath}"},
	{2, "kernel", "{proc}[{pid}]: segfault at {hex} ip {hex} sp {hex} error {small} in {solib}[{hex}+{hex}]"},

	// macOS.
	{2, "kernel", "Sandbox: {proc}({pid}) deny({small}) {sbop} {path}"},
	{2, "mdworker", "Cannot find executable for CFBundle {hex} <{path}> (not loaded)"},

	// Android framework, mobile health app.
	{5, "ActivityManager", "Start proc {pid}:{pkg}/{uidname} for {akind} {cmpname}"},
	{5, "PowerManagerService", "Going to sleep due to {sleepreason} (uid {int})..."},
	{5, "ActivityManager", "Displayed {activity}: +{int}ms"},
	{5, "BroadcastQueue", "Background execution not allowed: receiving Intent {{ act={intent} flg={hex} }} to {pkg}/{rcv}"},
	{6, "Step_LSC", "onReceive action: {intent}"},
	{6, "Step_SPUtils", "setTodayTotalDetailSteps={big}##{int}##{int}##{int}##{int}##{big}"},

	// Web server error logs, proxy connection logs.
	{3, "", "[client {ip}] user {user}: authentication failure for \"{urlpath}\": Password Mismatch"},
	{3, "", "child pid {pid} exit signal {signame} ({small})"},
	{3, "", "[client {ip}] client denied by server configuration: {path}"},
	{7, "", "{domain}:{port} error : A connection request was canceled before the completion."},
	{7, "", "{domain}:{port} error : Could not connect to proxy {domain}:{port} - connection attempt failed with error {int}"},

	// OpenStack.
	{10, "nova.compute.manager", "[instance: {uuid}] During sync_power_state the instance has a pending task ({novatask}). Skip."},
	{10, "nova.compute.resource_tracker", "Compute_service record updated for {hostn}:{hostn}"},
	{10, "nova.virt.libvirt.imagecache", "image {uuid} at ({path}): in use: on this node {small} local, {small} on other nodes sharing this instance storage"},
	{10, "nova.scheduler.host_manager", "Host filter ignoring hosts: {hostlist}"},
	{10, "keystone.common.wsgi", "Authorization failed. The request you have made requires authentication. from {ip}"},
}

// famPicks are the slots that pick one of a few values.
var famPicks = map[string][]string{
	"fname":       {"report.pdf", "config.xml", "libssl.so", "index.html", "setup.py", "notes.txt", "data.csv", "backup.tar.gz", "wordcount.jar", "deps.zip"},
	"queue":       {"default", "root.etl", "production", "root.users.alice", "adhoc", "batch"},
	"filtername":  {"static_user_filter", "safety", "authentication", "NoCacheFilter"},
	"ctx":         {"static", "logs", "mapreduce", "jobhistory", "cluster"},
	"ystate":      {"NEW", "LOCALIZING", "LOCALIZED", "RUNNING", "EXITED_WITH_SUCCESS", "DONE", "KILLING"},
	"sparkop":     {"collect", "count", "saveAsTextFile", "reduce", "foreach", "take", "runJob"},
	"pyfile":      {"etl_job.py", "wordcount.py", "NativeMethodAccessorImpl.java", "<stdin>", "features.py"},
	"zkop":        {"create", "delete", "setData", "multi", "getData"},
	"zkcode":      {"NodeExists", "NoNode", "NotEmpty", "BadVersion"},
	"torusdir":    {"x+", "x-", "y+", "y-", "z+", "z-"},
	"cfile":       {"idoproxycommfpga.cpp", "idoproxy.cpp", "idoprotocol.cpp"},
	"cfunc":       {"int IdoProxyCommFpga::readReply()", "void IdoProxy::dispatch()", "bool IdoPacket::check()"},
	"ciodop":      {"LOGIN_MESSAGE", "LOAD_MESSAGE", "KILL_JOB_MESSAGE", "START_MESSAGE"},
	"onoff":       {"on", "off"},
	"xsvc":        {"tftp", "rsync", "auth", "telnet", "vnc", "swat", "chargen"},
	"metric":      {"cpu_user", "load_one", "mem_free", "bytes_in", "disk_total", "proc_run", "pkts_out"},
	"linkspeed":   {"10", "100", "1000", "10000"},
	"duplex":      {"full", "half"},
	"wstate":      {"Installed", "Staged", "Absent", "Resolved", "Superseded", "Default"},
	"vcomp":       {"EQ", "GT", "LT", "GE"},
	"exist":       {"present", "absent"},
	"wclient":     {"WindowsUpdateAgent", "TrustedInstaller", "SoftwareLicensingService", "DISM"},
	"unitdesc":    {"Daily apt upgrade and clean activities", "Cleanup of Temporary Directories", "Rotate log files", "Message of the Day", "Discard unused blocks", "Daily man-db regeneration"},
	"croncmd":     {"cd / && run-parts --report /etc/cron.hourly", "command -v debian-sa1 > /dev/null && debian-sa1 1 1", "[ -x /usr/lib/php/sessionclean ] && /usr/lib/php/sessionclean", "/usr/local/bin/backup.sh"},
	"aaop":        {"open", "file_mmap", "exec", "capable", "mknod"},
	"aaprof":      {"/usr/sbin/cupsd", "/usr/sbin/tcpdump", "snap.firefox.firefox", "/usr/bin/evince", "lsb_release"},
	"aamask":      {"r", "w", "rw", "wc", "m", "x"},
	"cmdpath":     {"/usr/bin/apt update", "/bin/systemctl restart nginx", "/usr/bin/tail -f /var/log/syslog", "/bin/bash"},
	"solib":       {"libc-2.31.so", "libglib-2.0.so.0.6400.6", "libpthread.so", "libQt5Core.so.5", "ld-linux.so"},
	"sbop":        {"file-read-data", "mach-lookup", "network-outbound", "file-write-create", "process-exec"},
	"akind":       {"activity", "service", "broadcast", "content provider"},
	"cmpname":     {"com.android.phone/.TelephonyDebugService", "com.tencent.mm/.booter.NotifyReceiver", "com.google.android.gms/.gcm.GcmService", "com.example.app/.MainActivity"},
	"sleepreason": {"power_button", "screen_timeout", "lid_switch", "application", "device_admin"},
	"intent":      {"android.intent.action.SCREEN_ON", "android.intent.action.SCREEN_OFF", "android.intent.action.TIME_TICK", "android.intent.action.BATTERY_CHANGED", "android.intent.action.USER_PRESENT", "android.intent.action.DATE_CHANGED"},
	"rcv":         {".BootReceiver", "com.tencent.mm.plugin.base.stub.WXEntryActivity", ".sync.AlarmReceiver", ".push.PushReceiver"},
	"signame":     {"Segmentation fault", "Bus error", "Aborted", "Illegal instruction"},
	"novatask":    {"spawning", "deleting", "rebooting", "powering-off", "image_snapshot", "migrating"},
}

// famSlot returns a value for the slots only heldout2 uses.
func (g *gen) famSlot(name string) (string, bool) {
	if xs, ok := famPicks[name]; ok {
		return g.pick(xs...), true
	}
	switch name {
	case "hostn": // host names, many without digits
		return g.pick("gateway", "bastion", "combo", "LabSZ", "mailhub", "fileserver", "kdc", "jumpbox", "backup-srv", "web-prod",
			"worker.hadoop.local", "nn.corp.internal", "compute-"+strconv.Itoa(g.n(40)), "cp-"+strconv.Itoa(g.n(9))+".cloud.lab", "mesos"), true
	case "hostlist":
		return g.joinN(1+g.n(4), ", ", func() string { return g.slot("hostn") }), true
	case "domain":
		return g.pick("www.google.com", "ssl.gstatic.com", "mtalk.google.com", "api.dropboxapi.com", "pan.baidu.com", "imap.qq.com",
			"weibo.cn", "cdn.jsdelivr.net", "update.microsoft.com", "proxy.cse.cuhk.edu.hk", "s"+strconv.Itoa(g.n(20))+".qhres.com", "login.live.com"), true
	case "deprec":
		pairs := [][2]string{{"mapred.task.id", "mapreduce.task.attempt.id"}, {"mapred.tip.id", "mapreduce.task.id"}, {"mapred.job.id", "mapreduce.job.id"},
			{"mapred.task.is.map", "mapreduce.task.ismap"}, {"mapred.task.partition", "mapreduce.task.partition"}, {"user.name", "mapreduce.job.user.name"},
			{"mapred.output.dir", "mapreduce.output.fileoutputformat.outputdir"}}
		p := pairs[g.n(len(pairs))]
		return p[0] + " is deprecated. Instead, use " + p[1], true
	case "yarnapp":
		return fmt.Sprintf("application_%d_%04d", 1445000000000+g.n(999999), 1+g.n(9999)), true
	case "userset":
		return g.joinN(1+g.n(3), ", ", func() string { return g.pick(genUsers...) }), true
	case "zpath":
		return g.pick("/hbase/rs", "/brokers/ids", "/consumers/group/offsets", "/yarn-leader-election/cluster", "/locks/job-"+strconv.Itoa(g.n(99))), true
	case "fanlist":
		return g.joinN(3+g.n(4), " ", func() string { return strconv.Itoa(3000 + g.n(1500)) }), true
	case "qid":
		return "jA" + strings.ToUpper(g.hex(2)) + "K" + g.hex(3) + strconv.Itoa(100000+g.n(900000)), true
	case "wpkg":
		return g.pick(fmt.Sprintf("Package_for_KB%d~31bf3856ad364e35~amd64~~6.1.1.%d", 2500000+g.n(900000), g.n(4)),
			"Microsoft-Windows-Foundation-Package~31bf3856ad364e35~amd64~~6.1.7601.17514",
			fmt.Sprintf("Package_%d_for_KB%d~31bf3856ad364e35~amd64~~6.1.1.%d", g.n(40), 2500000+g.n(900000), g.n(4))), true
	case "unit":
		return g.pick("apt-daily.service", "logrotate.service", "nginx.service", "docker.socket", "fstrim.timer", "man-db.service",
			"systemd-tmpfiles-clean.service", "user@1000.service", "session-"+strconv.Itoa(g.n(99))+".scope"), true
	case "tty":
		return g.pick("pts/"+strconv.Itoa(g.n(9)), "tty"+strconv.Itoa(1+g.n(6))), true
	case "uidname":
		return g.pick("u0a"+strconv.Itoa(10+g.n(200)), "1000", "1001"), true
	}
	return "", false
}

// joinN joins k values made by f with sep.
func (g *gen) joinN(k int, sep string, f func() string) string {
	xs := make([]string, k)
	for i := range xs {
		xs[i] = f()
	}
	return strings.Join(xs, sep)
}

// famHeader renders the header styles only heldout2 uses; 0 to 10 are gen.header's.
func (g *gen) famHeader(s source) (string, bool) {
	switch s.style {
	case 11: // Spark: yy/MM/dd HH:mm:ss LEVEL logger:
		return fmt.Sprintf("17/06/%02d %02d:%02d:%02d %s %s: ", 1+g.n(28), g.n(24), g.n(60), g.n(60), s.level, s.component), true
	case 12: // Windows servicing: date, time, "Info," and a component column
		level := strings.ToUpper(s.level[:1]) + strings.ToLower(s.level[1:])
		return fmt.Sprintf("2016-09-%02d %02d:%02d:%02d, %-22s%-7s", 1+g.n(28), g.n(24), g.n(60), g.n(60), level, s.component), true
	case 13: // Thunderbird: label, epoch, date, node, syslog time, node/node, program[pid]:
		node := g.pick("dn"+strconv.Itoa(g.n(999)), "bn"+strconv.Itoa(g.n(999)), "tbird-admin1", "en"+strconv.Itoa(g.n(300)))
		return fmt.Sprintf("- %d 2005.11.%02d %s Nov %2d %02d:%02d:%02d %s/%s %s[%d]: ", 1131500000+g.n(999999), 1+g.n(28), node, 1+g.n(28),
			g.n(24), g.n(60), g.n(60), node, node, s.component, 100+g.n(30000)), true
	case 14: // HPC cluster event: id, node, component, event, epoch, flag
		return fmt.Sprintf("%d node-%d %s %s %d 1 ", 100000+g.n(400000), g.n(300), s.component,
			g.pick("state_change.unavailable", "boot.fail", "temp.warning", "psu.status"), 1077800000+g.n(9999999)), true
	}
	return "", false
}

func genHeldout2Corpus() []tmpl { return genFamCorpus(6, "hld2", heldout2Templates, nil) }

// genFamCorpus renders templates that carry their own header style and
// component; 40 % of them are logged without a header. same maps a template
// to the text of the same statement in an earlier file, whose label it takes.
func genFamCorpus(seed uint64, prefix string, templates []famTemplate, same map[string]string) []tmpl {
	g := newGen(seed)
	levels := []string{"INFO", "WARN", "ERROR", "INFO", "FATAL", "DEBUG"}
	var out []tmpl
	for i, t := range templates {
		src := source{style: t.style, level: levels[g.n(len(levels))], component: t.comp}
		if src.component == "" {
			src.component = "app"
		}
		bare := g.chance(0.4)
		id := labels.of(fmt.Sprintf("%s%03d", prefix, i), t.text)
		if l, ok := labels[same[t.text]]; ok {
			id = l
		}
		out = g.lines(out, id, t.text, src, bare, g.count())
	}
	g.shuffle(out)
	return out
}
