package fingerprint

// heldout6.tsv: a held-out file written before the v4 rules and measured
// with v3 first (docs/fingerprint.md has both figures). Unlike the earlier
// files it holds the message content only, no header, as the public
// log-template benchmarks present it, and all its statements are in the
// styles of those benchmarks' families (distributed storage and batch,
// Spark, ZooKeeper, supercomputer RAS and cluster events, Thunderbird-like
// syslog, Linux and OpenSSH daemons, proxy logs, Apache, Android, a mobile
// health app, Windows servicing, macOS, OpenStack), written from what such
// programs print, not taken from any data set. Variables are drawn as such
// programs fill them: ids and addresses, but also user, host, program,
// state, operation and file names, and a few multi-word values. The last
// block holds near-miss pairs.

import "fmt"

var heldout6Templates = []string{
	// Distributed storage and batch.
	"Receiving empty packet for block {blk}",
	"DataXceiver: java.io.IOException: Block {blk} is valid, and cannot be written to.",
	"{ipport} Starting thread to transfer block {blk} to {ipport}",
	"Unexpected error trying to delete block {blk}. BlockInfo not found in volumeMap.",
	"fetcher#{small} about to shuffle output of map {attempt} decomp: {int} len: {int} to {xmemdisk}",
	"Address change detected. Old: {hostn}/{ip}:{port} New: {hostn}:{port}",
	"Retrying connect to server: {hostn}/{ip}:{port}. Already tried {small} time(s); retry policy is RetryUpToMaximumCountWithFixedSleep(maxRetries={small}, sleepTime={int} MILLISECONDS)",
	"Shuffle port returned by ContainerManager for {attempt} : {port}",
	"TaskAttempt: [{attempt}] using containerId: [{container} on NM: [{hostn}:{port}]",
	"Auth successful for {yjobid} (auth:SIMPLE)",

	// Spark.
	"Registering RDD {small} ({xsparkop} at {xscalafile}:{int})",
	"Changing view acls to: {userset}",
	"Removed broadcast_{small}_piece0 on {ipport} in memory (size: {size}, free: {size})",
	"Starting executor ID {small} on host {hostn}",

	// ZooKeeper.
	"Notification: {small} (n.leader), {hexid} (n.zxid), {small} (n.round), {zkstate} (n.state), {small} (n.sid), {hex} (n.peerEPoch), {zkstate} (my state)",
	"Connection request from old client {sip}; will be dropped if server is in r-o mode",
	"Client attempting to establish new session at {sip}",
	"Got user-level KeeperException when processing sessionid:{hexid} type:{xzkop} cxid:{hex} zxid:{hex} txntype:{small} reqpath:n/a Error Path:{zpath} Error:KeeperErrorCode = NodeExists for {zpath}",

	// Supercomputer RAS and cluster events.
	"ciod: LOGIN chdir({xhomedir}) failed: {xerrno}",
	"{int} torus receiver {xtorusdir} input pipe error(s) (dcr {hex}) detected and corrected",
	"core configuration register: {hex}",
	"ciod: Message code {small} is not {small} or {small}",
	"Targeting domains:node-D{small} and nodes:node-[{int}-{int}] child of command {int}",

	// Thunderbird-like syslog, Linux and OpenSSH.
	"({user}) CMD ({xcroncmd})",
	"ALERT exited abnormally with [{small}]",
	"pam_unix(crond:session): session closed for user {user}",
	"Bad protocol version identification '{xbadproto}' from {ip} port {port}",
	"error: maximum authentication attempts exceeded for invalid user {user} from {ip} port {port} ssh2 [preauth]",
	"Connection reset by {ip} port {port} [preauth]",
	"[client {ip}] script not found or unable to stat: {xcgi}",
	"connection from {ip} ({xrhost}) at {cdate}",
	"Displayed {activity}: +{int}ms",

	// Proxy, Apache.
	"{domain}:{port} error : Could not connect through proxy {hostport} - Proxy server cannot establish a connection with the target, status code {status}",
	"{domain}:{port} open through proxy {hostport} HTTPS",
	"Failed to find provider info for {xprov}",
	"[client {ip}] Directory index forbidden by rule: {xwebdir}",
	"jk2_init() Can't find child {int} in scoreboard",

	// Android, a mobile health app.
	"acquire lock={int}, flags={hex}, tag=\"{xwltag}\", name={pkg}, ws={xws}, uid={int}, pid={pid}",
	"Bringing down service while still waiting for start foreground: ServiceRecord{{{hex} u0 {xsvcname}}}",
	"onExtend:{big} {small} {small} {small}",
	"processHandleBroadcastAction action:{intent}",

	// Windows servicing, macOS.
	"Session: {int}_{int} initialized by client {xwinclient}.",
	"Failed to get next element [HRESULT = {hex} - {xhresult}]",
	"calculateCaloriesWithCache totalCalories={int}",
	"Sandbox: {xsbproc}({pid}) deny(1) {xsbop} {xsbpath}",
	"Expecting attribute name [HRESULT = {hex} - CBS_E_MANIFEST_INVALID_ITEM]",
	"PM response took {int} ms ({small}, {xmacproc})",

	// OpenStack.
	"[instance: {uuid}] Attempting claim: memory {int} MB, disk {small} GB, vcpus {small} CPU",
	"Running instance usage audit for host {hostn} from {date} 00:00:00 to {date} 00:00:00. {small} instances.",
	"[instance: {uuid}] Took {float} seconds to build instance.",

	// Near-miss pairs: one constant word apart.
	"pam_unix(crond:session): session opened for user {user} by (uid={small})",
	"[instance: {uuid}] Took {float} seconds to destroy the instance on the hypervisor.",
	"{domain}:{port} open through proxy {hostport} SOCKS5",
	"error: maximum authentication attempts exceeded for {user} from {ip} port {port} ssh2 [preauth]",
	"Connection closed by {ip} port {port} [preauth]",
}

// h6Picks are the slots that pick one of a few values.
var h6Picks = map[string][]string{
	"xbadproto":  {"GET / HTTP/1.1", "SSH-2.0-libssh-0.6.0", "\\026\\003\\001", "OPTIONS / RTSP/1.0"},
	"xcgi":       {"/var/www/cgi-bin/awstats.pl", "/var/www/cgi-bin/php", "/usr/lib/cgi-bin/test-cgi"},
	"xprov":      {"com.google.android.gms.chimera", "com.facebook.katana.provider.AttributionIdProvider", "downloads", "com.android.contacts"},
	"xmacproc":   {"AppleCamIn", "IOBluetoothHCIController", "AirPort_Brcm43xx", "IOUSBHostDevice"},
	"xmemdisk":   {"MEMORY", "DISK"},
	"xsparkop":   {"textFile", "map", "reduceByKey", "flatMap", "filter", "distinct"},
	"xscalafile": {"WordCount.scala", "<console>", "SparkPi.scala", "PageRank.scala"},
	"xzkop":      {"create", "delete", "setData", "multi"},
	"xerrno":     {"No such file or directory", "Permission denied", "Input/output error"},
	"xtorusdir":  {"x+", "x-", "y+", "y-", "z+", "z-"},
	"xcroncmd":   {"run-parts /etc/cron.hourly", "/usr/lib/sa/sa1 1 1", "/usr/local/bin/check_disk.sh", "run-parts /etc/cron.daily", "/usr/lib64/sa/sa2 -A"},
	"xwebdir":    {"/var/www/html/", "/var/www/html/images/", "/srv/www/htdocs/"},
	"xwltag":     {"RILJ_ACK_WL", "*alarm*", "NlpWakeLock", "View Lock", "WindowManager", "AudioMix"},
	"xws":        {"null", "WorkSource{10113}", "WorkSource{1000 com.android.phone}"},
	"xsvcname":   {"com.tencent.mm/.plugin.backup.BackupService", "com.example.app/.sync.SyncService", "com.google.android.gms/.chimera.GmsIntentOperationService"},
	"xwinclient": {"WindowsUpdateAgent", "DRUpdate", "UpdateAgentLCU", "Windows Defender", "SPP"},
	"xhresult":   {"ERROR_SXS_ASSEMBLY_MISSING", "CBS_E_INVALID_PACKAGE", "E_FAIL", "ERROR_FILE_NOT_FOUND"},
	"xsbproc":    {"com.apple.Addres", "mdworker", "QuickLookSatellite", "com.apple.WebKit", "nsurlsessiond"},
	"xsbop":      {"file-read-data", "network-outbound", "mach-lookup", "file-write-create"},
	"xsbpath":    {"/private/var/run/mDNSResponder", "com.apple.coreservices.launchservicesd", "/Users/xpc/Library/Preferences/.GlobalPreferences.plist", "/dev/dtracehelper"},
	"xrhost":     {"lns-vlq-45-tou-82-252-162-81.adsl.proxad.net", "unknown", "host.example.com", "dialup.isp.net"},
	"xhdfsfile":  {"/user/root/rand/_temporary/_task_200811092030_0001_m_000590_0/part-00590", "/user/root/sortrand/_temporary/_task_200811092030_0002_r_000296_0/part-00296", "/mnt/hadoop/mapred/system/job_200811092030_0001/job.jar"},
	"xhomedir":   {"/home/ivan", "/p/gb1/stella/RAPTOR/2183/equi", "/home/streitz/src/ddcMD", "/home/draeger"},
}

// h6Slot returns a value for the slots only heldout6 uses.
func (g *gen) h6Slot(name string) (string, bool) { return g.pickFrom(h6Picks, name) }

// pickFrom returns one of the values picks has for the slot name.
func (g *gen) pickFrom(picks map[string][]string, name string) (string, bool) {
	if xs, ok := picks[name]; ok {
		return g.pick(xs...), true
	}
	return "", false
}

// heldout6Same labels the statements of heldout6 that an earlier file
// already has (spelt with other slots) with that file's label: the same
// statement is one true group. The test also scores the file without them.
var heldout6Same = map[string]string{
	"({user}) CMD ({xcroncmd})":                                                                                 "hld2033",
	"PM response took {int} ms ({small}, {xmacproc})":                                                           "sys099",
	"Bad protocol version identification '{xbadproto}' from {ip} port {port}":                                   "sys143",
	"Running instance usage audit for host {hostn} from {date} 00:00:00 to {date} 00:00:00. {small} instances.": "sys093",
	"[client {ip}] script not found or unable to stat: {xcgi}":                                                  "sys155",
	"Address change detected. Old: {hostn}/{ip}:{port} New: {hostn}:{port}":                                     "sys137",
	"[client {ip}] Directory index forbidden by rule: {xwebdir}":                                                "sys066",
	"Sandbox: {xsbproc}({pid}) deny(1) {xsbop} {xsbpath}":                                                       "hld2043",
	"ciod: LOGIN chdir({xhomedir}) failed: {xerrno}":                                                            "sys037",
	"{domain}:{port} open through proxy {hostport} SOCKS5":                                                      "sys135",
	"{domain}:{port} open through proxy {hostport} HTTPS":                                                       "sys070",
	"{int} torus receiver {xtorusdir} input pipe error(s) (dcr {hex}) detected and corrected":                   "hld2014",
	"jk2_init() Can't find child {int} in scoreboard":                                                           "sys068",
	"fetcher#{small} about to shuffle output of map {attempt} decomp: {int} len: {int} to {xmemdisk}":           "hld4051",
	"processHandleBroadcastAction action:{intent}":                                                              "hld3078",
	"Session: {int}_{int} initialized by client {xwinclient}.":                                                  "sys075",
	"connection from {ip} ({xrhost}) at {cdate}":                                                                "sys061",
	"acquire lock={int}, flags={hex}, tag=\"{xwltag}\", name={pkg}, ws={xws}, uid={int}, pid={pid}":             "sys080",
	"Changing view acls to: {userset}":                                                                          "sys130",
	"Failed to get next element [HRESULT = {hex} - {xhresult}]":                                                 "hld3059",
	"onExtend:{big} {small} {small} {small}":                                                                    "sys083",
	"Got user-level KeeperException when processing sessionid:{hexid} type:{xzkop} cxid:{hex} zxid:{hex} txntype:{small} reqpath:n/a Error Path:{zpath} Error:KeeperErrorCode = NodeExists for {zpath}": "hld2011",
	"Retrying connect to server: {hostn}/{ip}:{port}. Already tried {small} time(s); retry policy is RetryUpToMaximumCountWithFixedSleep(maxRetries={small}, sleepTime={int} MILLISECONDS)":             "sys138",
}

// genContentCorpus renders templates without any header: the message content
// only, as public log-template benchmarks give it. same maps a template to
// the label of the same statement in an earlier file.
func genContentCorpus(seed uint64, prefix string, templates []string, same map[string]string) []tmpl {
	g := newGen(seed)
	var out []tmpl
	for i, t := range templates {
		id := labels.of(fmt.Sprintf("%s%03d", prefix, i), t)
		if l, ok := same[t]; ok {
			id = l
		}
		out = g.lines(out, id, t, source{}, true, g.count())
	}
	g.shuffle(out)
	return out
}

func genHeldout6Corpus() []tmpl { return genContentCorpus(10, "hld6", heldout6Templates, heldout6Same) }
