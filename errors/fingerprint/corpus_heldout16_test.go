package fingerprint

// heldout16_<family>.tsv: sixteen content-only held-out files, one per public
// log-template benchmark family (HDFS, Hadoop, Spark, ZooKeeper, BGL, HPC,
// Thunderbird, Windows, Linux, Mac, Android, HealthApp, Apache, OpenSSH,
// OpenStack, Proxifier). Written after heldout15 and after the v5
// second-level merge, to measure a change to that merge honestly; committed
// before anything was measured on it (no accuracy run, no fingerprint run on
// these lines before the commit).
//
// How it was written:
//   - from memory of what these programs print, not taken from any data set:
//     no benchmark file was downloaded or read, and the grouping code and its
//     documentation were not read while writing it;
//   - mostly statements that heldout15 does not have; a family's one or two
//     dominant statements (Receiving block, PacketResponder terminating,
//     release:lock, the proxy close line, ...) repeat where a log of that
//     family would not be without them;
//   - message content only (no timestamp, host, pid or level header), as the
//     benchmarks give their content column;
//   - one label per log statement of the program's source, the way a
//     benchmark annotator labels: two lines share a label iff the same
//     statement printed them with other variable values (hld16<family>NN);
//   - per family 11 to 16 statements and 120 to 180 lines, with skewed counts
//     (a few statements dominate, several appear 1 to 5 times);
//   - variables of realistic kinds: numbers, IPs, ports, block ids, hex,
//     paths, durations, and in about one statement in four values without
//     any digit (user, daemon, process, host, interface, state, reason,
//     class, component names, multi-word reasons and process names);
//   - near-miss statements, distinct statements a constant word or phrase
//     apart (Interrupted/terminating, Suspending/Resuming AWDL, Acquiring/
//     Releasing suspend blocker, spawned/destroyed, Link is Up/Down, ...),
//     with different labels.

import (
	"fmt"
	"strconv"
	"strings"
)

var heldout16Families = []family{
	{"hdfs", []familyStmt{
		{40, "Receiving block {blk} src: /{dnip16}:{port} dest: /{dnip16}:50010"},
		{28, "Verification succeeded for {blk}"},
		{22, "Served block {blk} to /{dnip16}"},
		{16, "PacketResponder {pr16} for block {blk} terminating"},
		{6, "PacketResponder {pr16} for block {blk} Interrupted."},
		{12, "{dnip16}:50010:Got exception while serving {blk} to /{dnip16}:"},
		{8, "{dnip16}:50010 Starting thread to transfer block {blk} to {dnip16}:50010"},
		{6, "BLOCK* ask {dnip16}:50010 to replicate {blk} to datanode(s) {dnip16}:50010"},
		{5, "writeBlock {blk} received exception java.io.IOException: {ioerr16}"},
		{4, "Unexpected error trying to delete block {blk}. BlockInfo not found in volumeMap."},
		{3, "BLOCK* NameSystem.addStoredBlock: addStoredBlock request received for {blk} on {dnip16}:50010 size {blksize16} But it does not belong to any file."},
		{3, "Changing block file offset of block {blk} from {int} to {int} meta file offset to {small}"},
		{2, "Reopen Block {blk}"},
		{4, "BLOCK* NameSystem.removeStoredBlock: {blk} from {dnip16}:50010"},
		{3, "{dnip16}:50010:DataXceiver: java.net.SocketTimeoutException: {tomillis16} millis timeout while waiting for channel to be ready for {rw16}. ch : java.nio.channels.SocketChannel[connected local=/{dnip16}:50010 remote=/{dnip16}:{port}]"},
	}},
	{"hadoop", []familyStmt{
		{35, "Assigned container {container} to {attempt}"},
		{22, "Processing the event EventType: {ctrev16} for container {container} taskAttempt {attempt}"},
		{16, "TaskAttempt: [{attempt}] using containerId: [{container} on NM: [{nmhost16}:{port}]"},
		{12, "JVM with ID : {jvm16} asked for a task"},
		{12, "JVM with ID: {jvm16} given task: {attempt}"},
		{10, "Shuffle port returned by ContainerManager for {attempt} : 13562"},
		{8, "Task succeeded with attempt {attempt}"},
		{8, "Registering class {evclass16} for class {handler16}"},
		{6, "Done acknowledgement from {attempt}"},
		{5, "Resolved {nmhostonly16} to /default-rack"},
		{4, "Container complete event for unknown container id {container}"},
		{3, "Reduce slow start threshold not met. completedMapsForReduceSlowstart {small}"},
		{2, "Killing taskAttempt:{attempt} because it is running on unusable node:{nmhost16}:{port}"},
		{4, "Address change detected. Old: {rmhost16}/{hip16}:8030 New: {rmhost16}:8030"},
		{3, "Added filter {filt16} (class={filtclass16}) to context {ctx16}"},
	}},
	{"spark", []familyStmt{
		{28, "Block {rdd} stored as values in memory (estimated size {sz16}, free {szfree16})"},
		{25, "Partition {rdd} not found, computing it"},
		{18, "Started reading broadcast variable {bvar16}"},
		{16, "Reading broadcast variable {bvar16} took {ms16} ms"},
		{14, "Saved output of task '{sattempt16}' to {outdir16}"},
		{14, "{sattempt16}: Committed"},
		{8, "Registering {sparkcomp16}"},
		{5, "Executor killed task {stage16} in stage {stage16} (TID {tid16})"},
		{3, "Executor is trying to kill task {stage16} in stage {stage16} (TID {tid16})"},
		{4, "Driver commanded a shutdown"},
		{4, "RECEIVED SIGNAL 15: SIGTERM"},
		{5, "Deleting directory {sdir16}"},
		{3, "Shutdown hook called"},
		{4, "Exception in task {stage16} in stage {stage16} (TID {tid16})"},
		{3, "Successfully registered with driver"},
		{4, "Remoting started; listening on addresses :[akka.tcp://{akkasys16}@{sip16}:{port}]"},
	}},
	{"zookeeper", []familyStmt{
		{30, "Accepted socket connection from /{zkip16}:{port}"},
		{24, "Closed socket connection for client /{zkip16}:{port} which had sessionid {zksess16}"},
		{8, "Closed socket connection for client /{zkip16}:{port} (no session established for client)"},
		{16, "Established session {zksess16} with negotiated timeout {zkto16} for client /{zkip16}:{port}"},
		{12, "Expiring session {zksess16}, timeout of {zkto16}ms exceeded"},
		{10, "caught end of stream exception"},
		{8, "Unable to read additional data from client sessionid {zksess16}, likely client has closed socket"},
		{6, "Cannot open channel to {zkid16} at election address /{zkip16}:3888"},
		{5, "Notification time out: {zknto16}"},
		{3, "New election. My id =  {zkid16}, proposed zxid={zxid16}"},
		{3, "Snapshotting: {zxid16} to {zksnap16}"},
		{6, "Got user-level KeeperException when processing sessionid:{zksess16} type:{zkop16} cxid:{zkcx16} zxid:{zxid16} txntype:{zktxn16} reqpath:n/a Error Path:{zkpath16} Error:KeeperErrorCode = {kerr16}"},
		{8, "Server environment:{zkenv16}"},
		{2, "shutdown of request processor complete"},
		{3, "Revalidating client: {zksess16}"},
	}},
	{"bgl", []familyStmt{
		{30, "instruction cache parity error corrected"},
		{24, "generating core.{coreno16}"},
		{15, "CE sym {sym16}, at {hex8w16}, mask {mask16}"},
		{12, "{int} double-hummer alignment exceptions"},
		{10, "ciod: failed to read message prefix on control stream (CioStream socket to {bglio16}"},
		{8, "ciod: LOGIN chdir({bgldir16}) failed: {errstr16}"},
		{6, "ciod: Error reading message prefix after {ciodmsg16} on CioStream socket to {bglio16}: {ciodsock16}"},
		{5, "rts: kernel terminated for reason {rtsreason16}"},
		{4, "rts panic! - stopping execution"},
		{6, "data storage interrupt"},
		{6, "data address: {hex8w16}"},
		{4, "instruction address: {hex8w16}"},
		{4, "MidplaneSwitchController performing bit sparing on {bglnode16} bit {small}"},
		{3, "Node card is not fully functional"},
		{2, "ciodb has been restarted."},
		{4, "machine check interrupt (bit={bit16}): L2 dcache unit data parity error"},
	}},
	{"hpc", []familyStmt{
		{28, "ClusterFileSystem: ServerFileSystem domain {fsdom16} is full"},
		{20, "{hpcnode16} has detected an available network connection on network {hpcnet16} via interface {hpcif16}"},
		{10, "{hpcnode16} has detected a failed network connection on network {hpcnet16} via interface {hpcif16}"},
		{14, "PSU failure ( ambient={amb16} )"},
		{6, "Fan failure ( ambient={amb16} )"},
		{12, "clusterAddMember (command {cmd16})"},
		{3, "clusterDelMember (command {cmd16})"},
		{10, "{hpccmd16} (command {cmd16}) Error: {booterr16}"},
		{8, "{hpcnode16} node status: {nodestat16}"},
		{4, "Linux version 2.6.5-7.244-smp (geeko@buildhost) (gcc version 3.3.3 (SuSE Linux)) #1 SMP"},
		{5, "Link in reset"},
		{4, "shutdown (command {cmd16}) was requested by {hpcuser16}"},
		{4, "{hpcnode16} is now configured out"},
	}},
	{"thunderbird", []familyStmt{
		{28, "START: {xsvc16} pid={pid} from={tbip16}"},
		{24, "EXIT: {xsvc16} status={small} pid={pid} duration={small}(sec)"},
		{18, "Accepted publickey for {tbuser16} from {tbip16} port {port} ssh2"},
		{14, "Out of Memory: Killed process {pid} ({oomproc16})."},
		{10, "e1000: {tbif16}: e1000_watchdog: NIC Link is Up 1000 Mbps Full Duplex"},
		{6, "e1000: {tbif16}: e1000_watchdog: NIC Link is Down"},
		{10, "Losing some ticks... checking if CPU frequency changed."},
		{8, "nss_getpwnam: name '{idname16}' does not map into domain '{idmapdom16}'"},
		{6, "EXT3-fs error (device {dev16}): ext3_lookup: unlinked inode {int} in dir #{int}"},
		{5, "Bad file descriptor (9) in tm_request, job {pbsjob16} not running"},
		{4, "error: Bind to port 22 on 0.0.0.0 failed: Address already in use."},
		{3, "Server listening on 0.0.0.0 port 22."},
		{3, "Received signal 15; terminating."},
		{4, "mptscsi: ioc0: attempting task abort! (sc={hex8w16})"},
	}},
	{"windows", []familyStmt{
		{40, "Read out cached package applicability for package: {kbpkg16}, ApplicableState: {appst16}, CurrentState:{appst16}"},
		{22, "Warning: Unrecognized packageExtended attribute."},
		{18, "Expecting attribute name [HRESULT = 0x800f080d - CBS_E_MANIFEST_INVALID_ITEM]"},
		{14, "Failed to get next element [HRESULT = 0x800f080d - CBS_E_MANIFEST_INVALID_ITEM]"},
		{10, "Exec: Processing started.  Client: {wclient16}, Session(Id): {sess16}, Package: {kbpkg16}"},
		{8, "Loaded Servicing Stack v6.1.7601.{ssv16} with Core: C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_6.1.7601.{ssv16}_none_{hex16w}\\cbscore.dll"},
		{6, "NonStart: Checking to ensure startup processing was not required."},
		{6, "NonStart: Success, startup processing not required as expected."},
		{5, "Startup processing thread terminated normally"},
		{5, "Trusted Installer is shutting down because: {shutreason16}"},
		{4, "Reboot mark set"},
		{3, "Reboot mark cleared"},
		{4, "Doqe: Recording result: {hres16}, for Inf: {infname16}"},
		{3, "Enumerating Foundation package: {kbpkg16}, this could be slow"},
		{2, "Mark store corruption flag because of package: {kbpkg16}. [HRESULT = 0x80070490 - ERROR_NOT_FOUND]"},
		{4, "Plan: Package: {kbpkg16}, current: {pkgst16}, pending: Default, start: {pkgst16}, applicable: {pkgst16}, targeted: {pkgst16}, limit: {pkgst16}, selected: Default"},
	}},
	{"linux", []familyStmt{
		{32, "connection from {ip} ({lxrhost16}) at {cdate16}"},
		{24, "check pass; user unknown"},
		{12, "ALERT exited abnormally with [1]"},
		{10, "{sudouser16} : TTY=pts/{small} ; PWD={pwd16} ; USER=root ; COMMAND={sudocmd16}"},
		{8, "klogd 1.4.1, log source = /proc/kmsg started."},
		{6, "Kernel logging (proc) started."},
		{6, "Kernel logging (proc) stopped."},
		{6, "syslogd 1.4.1: restart."},
		{8, "Received SNMP packet(s) from {ip}"},
		{5, "ROOT LOGIN ON {tty16}"},
		{5, "LOGIN ON {tty16} BY {lxuser16}"},
		{4, "FAILED LOGIN SESSION FROM {lxrhostname16} FOR {lxuser16}, {pamerr16}"},
		{3, "ip_tables: (C) 2000-2002 Netfilter core team"},
		{4, "{lxif16}: no IPv6 routers present"},
		{3, "Bluetooth: HCI device and connection manager initialized"},
	}},
	{"mac", []familyStmt{
		{26, "({launchsvc16}[{pid}]): Service exited with abnormal code: {small}"},
		{18, "process {macproc16}[{pid}] caught causing excessive wakeups. Observed wakeups rate (per sec): {int}; Maximum permitted wakeups rate (per sec): 150; Observation period: 300 seconds; Task lifetime count: {int}"},
		{6, "process {macproc16}[{pid}] thread {int} caught burning CPU! It used more than 50% CPU (Actual recent usage: {cpu16}%) over 180 seconds. thread lifetime cpu usage {secs16} seconds, ({secs16} user + {secs16} system)"},
		{16, "Wake reason: {wake16}"},
		{12, "IO80211AWDLPeerManager::setAwdlSuspendedMode() Suspending AWDL, enterQuietMode(true)"},
		{10, "IO80211AWDLPeerManager::setAwdlSuspendedMode() Resuming AWDL"},
		{12, "kCGErrorIllegalArgument: CGSCopyDisplayUUID: Invalid display {disp16}"},
		{10, "network changed: v4(en0:{ip}) {netflags16}"},
		{8, "memorystatus_thread: idle exiting pid {pid} [{macproc16}]"},
		{6, "send_datagram_available_ping: pid {pid} failed to act on a ping it dequeued before timing out."},
		{5, "en0: BSSID changed to {mac}"},
		{4, "Thermal pressure state: {small} Memory pressure state: {small}"},
		{4, "IOThunderboltSwitch<{tbsw16}>(0x0)::listenerCallback - Thunderbolt HPD packet for route = 0x0 port = {small} unplug = {small}"},
		{3, "SecTaskLoadEntitlements failed error=22"},
		{3, "ARPT: {macf16}: wl0: MDNS: IPV4 Addr: {ip}"},
	}},
	{"android", []familyStmt{
		{34, "acquire lock={int}, flags=0x1, tag=\"{wltag16}\", name={andpkg16}, ws=WorkSource{{{uid16}}}, uid={uid16}, pid={pid}"},
		{20, "release:lock={int}, flg=0x0, tag=\"{wltag16}\", name={andpkg16}, ws=WorkSource{{{uid16}}}, uid={uid16}, pid={pid}"},
		{18, "Skipped {skip16} frames!  The application may be doing too much work on its main thread."},
		{12, "Acquiring suspend blocker \"{sblock16}\"."},
		{10, "Releasing suspend blocker \"{sblock16}\"."},
		{10, "Background concurrent copying GC freed {int}({gcsize16}) AllocSpace objects, {small}({gcsize16}) LOS objects, {pctn16}% free, {gcsize16}/{gcsize16}, paused {gcdur16} total {gcdur16}"},
		{8, "START u0 {{act=android.intent.action.MAIN cat=[android.intent.category.HOME] flg=0x10200000 cmp={activity16}}} from uid {uid16}"},
		{6, "Process {andpkg16} (pid {pid}) has died"},
		{5, "Unable to start service Intent {{ act={intentact16} pkg={andpkg16} }} U=0: not found"},
		{4, "Scheduling restart of crashed service {andsvc16} in {int}ms"},
		{4, "Access denied finding property \"{prop16}\""},
		{3, "Force stopping {andpkg16} appid={uid16} user=0: {fsreason16}"},
		{3, "Window already focused, ignoring focus gain of: com.android.internal.view.IInputMethodClient$Stub$Proxy@{hexp16}"},
	}},
	{"healthapp", []familyStmt{
		{32, "onStandStepChanged {int}"},
		{24, "onExtend:{hts16} {n100_16} {small} {small}"},
		{16, "calculateCaloriesWithCache totalCalories={int}"},
		{14, "flush sensor data"},
		{12, "REPORT : {int} {int} {int} {n100_16}"},
		{10, "processHandleBroadcastAction action:android.intent.action.{haction16}"},
		{8, "getBinderPackageName packageName = {hpkg16}"},
		{6, "isScreenOn={bool}"},
		{6, "bulkSaveDetailHiHealthData() size = {small},totalTime = {int}"},
		{4, "setGoalNotifiShow(): isShow={bool}"},
		{4, "uploadStaticsToDB() onResult type = {small}, obj={bool}"},
		{3, "deleteExpiredData success count={small}"},
		{3, "initEnviroument"},
		{2, "getTodayTotalDetailSteps = {hts16}##{int}##{int}##{int}##{int}##{hts16}"},
	}},
	{"apache", []familyStmt{
		{34, "jk2_init() Found child {pid} in scoreboard slot {small}"},
		{26, "workerEnv.init() ok /etc/httpd/conf/workers2.properties"},
		{20, "mod_jk child workerEnv in error state {small}"},
		{4, "jk2_init() Can't find child {pid} in scoreboard"},
		{10, "[client {apip16}] Directory index forbidden by rule: {dirpath16}"},
		{10, "[client {apip16}] File does not exist: {nofile16}"},
		{4, "Digest: generating secret for digest authentication ..."},
		{4, "Digest: done"},
		{3, "suEXEC mechanism enabled (wrapper: /usr/sbin/suexec)"},
		{4, "[client {apip16}] Premature end of script headers: {script16}"},
		{3, "Graceful restart requested, doing restart"},
		{2, "caught SIGTERM, shutting down"},
		{2, "caught SIGWINCH, shutting down gracefully"},
		{2, "config.update(): Can't create channel.jni:jni"},
		{3, "env.createBean2(): Factory error creating channel.jni:jni ( channel.jni, jni)"},
		{3, "[client {apip16}] (13)Permission denied: access to {nofile16} denied"},
	}},
	{"openssh", []familyStmt{
		{34, "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={sshrhost16}  user={validuser16}"},
		{22, "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={sshrhost16}"},
		{18, "Connection closed by {sship16} [preauth]"},
		{14, "reverse mapping checking getaddrinfo for {rdns16} [{sship16}] failed - POSSIBLE BREAK-IN ATTEMPT!"},
		{14, "input_userauth_request: invalid user {invuser16} [preauth]"},
		{10, "message repeated {rep16} times: [ Failed password for {validuser16} from {sship16} port {port} ssh2]"},
		{8, "Did not receive identification string from {sship16}"},
		{6, "PAM {small} more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost={sshrhost16}  user={validuser16}"},
		{5, "Disconnecting: Too many authentication failures for {validuser16} [preauth]"},
		{4, "pam_unix(sshd:auth): check pass; user unknown"},
		{6, "Received disconnect from {sship16}: 11: Bye Bye [preauth]"},
		{3, "error: maximum authentication attempts exceeded for invalid user {invuser16} from {sship16} port {port} ssh2 [preauth]"},
		{2, "Server listening on {listenaddr16} port 22."},
		{2, "Bad protocol version identification '{badver16}' from {sship16} port {port}"},
	}},
	{"openstack", []familyStmt{
		{36, "{osip16} \"{osreq16} HTTP/1.1\" status: {osstatus16} len: {oslen16} time: {ost16}"},
		{16, "[instance: {uuid}] Instance spawned successfully."},
		{10, "[instance: {uuid}] Instance destroyed successfully."},
		{14, "[instance: {uuid}] Creating image"},
		{12, "image {uuid} at ({imgpath16}): checking"},
		{10, "image {uuid} at ({imgpath16}): in use: on this node {small} local, {small} on other nodes sharing this instance storage"},
		{8, "Active base files: {imgpath16}"},
		{5, "Removable base files: {imgpath16}"},
		{4, "Base or swap file too young to remove: {imgpath16}"},
		{8, "[instance: {uuid}] Terminating instance"},
		{6, "Auditing locally available compute resources for node {oshost16}"},
		{6, "Compute_service record updated for {oshostpair16}"},
		{5, "Final resource view: name={oshost16} phys_ram={osram16}MB used_ram={osuram16}MB phys_disk={n100_16}GB used_disk={n100_16}GB total_vcpus={n100_16} used_vcpus={small} pci_stats=[]"},
		{4, "Running instance usage audit for host {oshost16} from {osts16} to {osts16}. {small} instances."},
		{3, "Unknown base file: {imgpath16}"},
		{3, "[instance: {uuid}] Error from libvirt during undefine. Code={n100_16} Error={virterr16}"},
	}},
	{"proxifier", []familyStmt{
		{40, "{pexe16} - {phost16}:{pport16} open through proxy {proxy16} {pproto16}"},
		{34, "{pexe16} - {phost16}:{pport16} close, {pbig16} bytes ({psz16}) sent, {pbig16} bytes ({psz16}) received, lifetime {lifetime}"},
		{26, "{pexe16} - {phost16}:{pport16} close, {psmall16} bytes sent, {psmall16} bytes received, lifetime {lifetime}"},
		{10, "{pexe16} - {phost16}:{pport16} error : Could not connect through proxy {proxy16} - Proxy server cannot establish a connection with the target, status code {pcode16}"},
		{8, "{pexe16} - {phost16}:{pport16} error : {sockerr16}"},
		{6, "{pexe16} - {phost16}:{pport16} error : Could not connect to proxy {proxy16} - Connection attempt failed with error {wsaerr16}"},
		{5, "{pexe16} - {phost16}:{pport16} open directly"},
		{4, "{pexe16} - {phost16}:{pport16} error : Could not connect through proxy {proxy16} - Proxy closed the connection unexpectedly."},
		{4, "{pexe16} - {phost16}:{pport16} matching {prule16} rule : using proxy {proxy16}"},
		{3, "{pexe16} - {phost16}:{pport16} matching {prule16} rule : direct connection"},
		{2, "Welcome to Proxifier v{pver16}"},
	}},
}

// h16Picks are the slots that pick one of a list; a value listed twice is
// twice as likely, as real logs repeat a few values.
var h16Picks = map[string][]string{
	"pr16":         {"0", "1", "2", "2", "1", "2", "2"},
	"ioerr16":      {"Connection reset by peer", "Connection reset by peer", "Broken pipe", "Broken pipe", "Broken pipe", "Interrupted receiveBlock", "No space left on device"},
	"rw16":         {"read", "read", "write", "write", "write"},
	"ctrev16":      {"CONTAINER_REMOTE_LAUNCH", "CONTAINER_REMOTE_LAUNCH", "CONTAINER_REMOTE_CLEANUP"},
	"nmhostonly16": {"MININT-FNANLI5.fareast.corp.microsoft.com", "MSRA-SA-39.fareast.corp.microsoft.com", "MSRA-SA-41.fareast.corp.microsoft.com", "04DN8IQ.fareast.corp.microsoft.com", "worker.hadoop.local", "datanode.cluster.internal"},
	"rmhost16":     {"msra-sa-41", "msra-sa-41", "msra-sa-41", "resourcemanager"},
	"evclass16": {"org.apache.hadoop.mapreduce.jobhistory.EventType", "org.apache.hadoop.mapreduce.v2.app.job.event.JobEventType",
		"org.apache.hadoop.mapreduce.v2.app.job.event.TaskEventType", "org.apache.hadoop.mapreduce.v2.app.job.event.TaskAttemptEventType",
		"org.apache.hadoop.mapreduce.v2.app.commit.CommitterEventType", "org.apache.hadoop.mapreduce.v2.app.speculate.Speculator$EventType",
		"org.apache.hadoop.mapreduce.v2.app.launcher.ContainerLauncher$EventType", "org.apache.hadoop.mapreduce.v2.app.rm.ContainerAllocator$EventType"},
	"handler16": {"org.apache.hadoop.mapreduce.jobhistory.JobHistoryEventHandler", "org.apache.hadoop.mapreduce.v2.app.MRAppMaster$JobEventDispatcher",
		"org.apache.hadoop.mapreduce.v2.app.MRAppMaster$TaskEventDispatcher", "org.apache.hadoop.mapreduce.v2.app.MRAppMaster$TaskAttemptEventDispatcher",
		"org.apache.hadoop.mapreduce.v2.app.commit.CommitterEventHandler", "org.apache.hadoop.mapreduce.v2.app.MRAppMaster$SpeculatorEventDispatcher",
		"org.apache.hadoop.mapreduce.v2.app.MRAppMaster$ContainerLauncherRouter", "org.apache.hadoop.mapreduce.v2.app.MRAppMaster$ContainerAllocatorRouter"},
	"filt16":      {"AM_PROXY_FILTER", "AM_PROXY_FILTER", "safety", "static_user_filter"},
	"filtclass16": {"org.apache.hadoop.yarn.server.webproxy.amfilter.AmIpFilter", "org.apache.hadoop.http.HttpServer2$QuotingInputFilter", "org.apache.hadoop.http.lib.StaticUserWebFilter$StaticUserFilter"},
	"ctx16":       {"mapreduce", "mapreduce", "static", "logs"},
	"sparkcomp16": {"MapOutputTracker", "BlockManagerMaster", "OutputCommitCoordinator", "MapOutputTracker", "BlockManagerMaster"},
	"akkasys16":   {"sparkExecutorActorSystem", "sparkExecutorActorSystem", "sparkExecutor", "sparkDriverActorSystem"},
	"zkop16":      {"create", "create", "create", "delete", "setData", "multi"},
	"kerr16":      {"NodeExists", "NodeExists", "NodeExists", "NoNode", "NoNode", "NotEmpty", "BadVersion"},
	"zkpath16":    {"/hbase", "/brokers/ids", "/consumers", "/hbase/splitWAL", "/controller", "/admin/reassign_partitions", "/yarn-leader-election/yarnRM/ActiveBreadCrumb"},
	"zkenv16": {"java.vendor=Oracle Corporation", "user.name=zookeeper", "os.name=Linux", "os.arch=amd64", "java.version=1.7.0_79",
		"user.home=/var/lib/zookeeper", "user.dir=/", "host.name=zookeeper", "java.io.tmpdir=/tmp", "java.compiler=<NA>", "os.version=3.13.0-86-generic"},
	"zktxn16":       {"1", "2", "-1", "14"},
	"zkto16":        {"5000", "10000", "20000", "30000", "30000", "40000", "40000", "40000"},
	"errstr16":      {"No such file or directory", "No such file or directory", "Permission denied", "Permission denied", "Stale NFS file handle"},
	"ciodmsg16":     {"LOAD_MESSAGE", "LOAD_MESSAGE", "RUN_MESSAGE", "KILL_MESSAGE"},
	"ciodsock16":    {"Link has been severed", "Link has been severed", "Connection reset by peer", "Connection timed out"},
	"rtsreason16":   {"1004", "1004", "1001", "1002"},
	"bgldir16":      {"/home/bglsched", "/p/gb1/stella/RAPTOR/run", "/home/draeger/sppm", "/p/gb2/awsmith/miranda", "/home/morrone", "/g/g0/pulpit"},
	"fsdom16":       {"storage1", "storage1", "storage1", "storage0", "panfs", "scratch", "home"},
	"hpcif16":       {"alt0", "alt0", "alt0", "alt1"},
	"hpccmd16":      {"risBoot", "risBoot", "bootGenvmunix", "boot", "halt"},
	"booterr16":     {"Target state not reached", "Target state not reached", "Node is not responding", "Timeout waiting for node", "Node is in an invalid state"},
	"nodestat16":    {"ok", "ok", "unavailable", "halted", "not responding"},
	"hpcuser16":     {"root", "root", "admin", "operator"},
	"xsvc16":        {"rsh", "rsh", "rsh", "shell", "rlogin", "login", "rexec"},
	"tbuser16":      {"root", "root", "root", "root", "tbird", "nagios", "sysadm", "ganglia"},
	"oomproc16":     {"pbs_mom", "sshd", "gmond", "xinetd", "mpirun", "python", "java", "a.out", "lmp_tbird"},
	"tbif16":        {"eth0", "eth0", "eth0", "eth1"},
	"idname16":      {"nobody", "nobody", "root", "nfsnobody", "ganglia"},
	"idmapdom16":    {"localdomain", "localdomain", "tbird.sandia.gov"},
	"dev16":         {"sda5", "sda5", "sda3", "sdb1", "md0"},
	"appst16":       {"112", "112", "112", "80", "0", "64"},
	"wclient16":     {"WindowsUpdateAgent", "WindowsUpdateAgent", "DISM Package Manager Provider", "Windows Update Agent", "UpdateAgentLCU", "TrustedInstaller Finalization"},
	"shutreason16":  {"SHUTDOWN_REASON_AUTOSTOP", "SHUTDOWN_REASON_AUTOSTOP", "SHUTDOWN_REASON_SYSTEMSHUTDOWN"},
	"hres16":        {"0x00000000", "0x00000000", "0x800f0247", "0xe0000100"},
	"infname16":     {"netrtl64.inf", "usbport.inf", "machine.inf", "prnms001.inf", "netvwifimp.inf", "wpdmtp.inf", "hdaudio.inf"},
	"pkgst16":       {"Installed", "Installed", "Installed", "Staged", "Absent", "Resolved"},
	"lxrhostname16": {"ns.example.org", "gateway.isp.net", "unknown", "mail.bigcorp.com", "localhost", "webhost.school.edu"},
	"sudouser16":    {"root", "admin", "alice", "webmaster", "operator"},
	"pwd16":         {"/root", "/home/admin", "/home/alice", "/var/www/html", "/etc", "/tmp"},
	"sudocmd16":     {"/bin/su", "/bin/su", "/sbin/service httpd restart", "/usr/bin/tail -f /var/log/messages", "/bin/rpm -Uvh kernel-2.6.11-1.27_FC3.i686.rpm", "/usr/sbin/useradd"},
	"tty16":         {"tty1", "tty1", "tty2", "tty3", "tty6", ":0"},
	"lxuser16":      {"root", "root", "root", "guest", "test", "oracle", "admin", "nobody", "cyrus", "webmaster", "ftp", "bin"},
	"pamerr16":      {"Authentication failure", "Authentication failure", "User not known to the underlying authentication module"},
	"lxif16":        {"eth0", "eth0", "eth1", "wlan0"},
	"launchsvc16": {"com.apple.mdworker.bundles", "com.apple.mdworker.bundles", "com.apple.xpc.launchd.domain.pid.mdmclient", "com.apple.CommCenter", "com.apple.suggestd",
		"com.apple.iCloudHelper", "com.apple.cloudd", "com.apple.photoanalysisd", "com.apple.WebKit.WebContent", "com.apple.ReportCrash"},
	"macproc16": {"Google Chrome Helper", "Google Chrome Helper", "Google Chrome", "Microsoft Word", "Microsoft Outlook", "Safari", "mds_stores", "mdworker",
		"com.apple.WebKit.WebContent", "QQ", "WeChat", "Dropbox", "Spotify Helper", "kernel_task", "photoanalysisd", "Mail"},
	"wake16":     {"ARPT (Network)", "ARPT (Network)", "ARPT (Network)", "EC.LidOpen (User)", "RTC (Alarm)", "XHC1 (User)", "EC.SleepTimer (SleepTimer)", "EC.PowerButton (User)"},
	"netflags16": {"DNS! Proxy! SMB", "DNS! Proxy! SMB", "DNS* Proxy SMB", "DNS Proxy SMB"},
	"disp16":     {"0x00000000", "0x00000000", "0x042c1b7f", "0x4280add"},
	"wltag16": {"*alarm*", "*alarm*", "*alarm*", "RILJ", "RILJ", "WifiStateMachine", "NetworkStats", "SyncLoopWakeLock", "View Lock", "AudioMix",
		"GCM_CONN_ALARM", "NlpWakeLock", "*job*/com.google.android.gms/.gcm.nts.TaskExecutionService", "LocationManagerService"},
	"andpkg16": {"android", "android", "android", "com.tencent.mm", "com.tencent.mm", "com.android.phone", "com.google.android.gms", "com.google.android.gms.persistent",
		"com.android.systemui", "com.huawei.hwid", "com.whatsapp", "com.android.vending", "com.sina.weibo"},
	"uid16":       {"1000", "1000", "1000", "1001", "10058", "10087", "10113", "1041"},
	"sblock16":    {"PowerManagerService.Display", "PowerManagerService.Display", "PowerManagerService.WakeLocks", "PowerManagerService.WakeLocks", "PowerManagerService.Broadcasts"},
	"activity16":  {"com.huawei.android.launcher/.unihome.UniHomeLauncher", "com.huawei.android.launcher/.unihome.UniHomeLauncher", "com.android.launcher3/.Launcher", "com.google.android.apps.nexuslauncher/.NexusLauncherActivity"},
	"intentact16": {"com.google.android.c2dm.intent.REGISTER", "com.huawei.hwid.ACTION_SYNC", "android.intent.action.BOOT_COMPLETED", "com.tencent.mm.action.PUSH"},
	"andsvc16":    {"com.tencent.mm/.plugin.backup.backuppcmodel.BackupPcService", "com.google.android.gms/.chimera.GmsIntentOperationService", "com.whatsapp/.messaging.MessageService", "com.android.vending/com.google.android.finsky.services.DailyHygiene"},
	"prop16":      {"ro.vendor.hw.sensor", "persist.sys.dalvik.vm.lib", "ro.config.hw_optb", "ro.build.hw_emui_api_level", "persist.vendor.radio.adb_log_on"},
	"fsreason16":  {"from pid 1456", "deletePackageX", "clear data", "installPackageLI", "set debug app"},
	"gcdur16":     {"5.123ms", "8.911ms", "2.104ms", "34.021ms", "112.447ms", "1.005s"},
	"haction16":   {"SCREEN_ON", "SCREEN_ON", "SCREEN_OFF", "SCREEN_OFF", "USER_PRESENT", "TIME_SET", "ACTION_SHUTDOWN", "BATTERY_CHANGED"},
	"hpkg16":      {"com.huawei.health", "com.huawei.health", "com.huawei.health", "com.huawei.bone", "com.huawei.hwid"},
	"dirpath16":   {"/var/www/html/", "/var/www/html/", "/var/www/html/", "/var/www/icons/", "/var/www/html/images/", "/var/www/html/manual/"},
	"nofile16": {"/var/www/html/favicon.ico", "/var/www/html/favicon.ico", "/var/www/html/robots.txt", "/var/www/html/scripts", "/var/www/html/msadc", "/var/www/html/sumthin",
		"/var/www/html/_vti_bin", "/var/www/html/MSOffice", "/var/www/html/phpmyadmin", "/var/www/html/awstats/awstats.pl", "/var/www/html/images/logo2.gif"},
	"script16":    {"/var/www/cgi-bin/awstats.pl", "/var/www/cgi-bin/printenv", "/var/www/cgi-bin/mailform.cgi"},
	"validuser16": {"root", "root", "root", "root", "root", "root", "admin", "ubuntu", "git", "oracle", "ftp"},
	"invuser16": {"admin", "admin", "admin", "test", "test", "oracle", "guest", "user", "ubnt", "pi", "postgres", "support", "git", "user1",
		"test2", "nagios", "hadoop", "deploy", "www", "mysql", "tomcat", "ftpuser", "webadmin", "administrator"},
	"rdns16": {"dsl.static.example.net", "unassigned.isp.net", "mail.smallbiz.com", "host.colo.ru", "customer.provider.com.br",
		"ns1.hosting.cn", "212-83-153-22.rev.poneytelecom.eu", "ip-199-19-215-164.ip.secureserver.net", "static.vnpt.vn"},
	"listenaddr16": {"0.0.0.0", "::"},
	"badver16":     {"GET / HTTP/1.1", "\\026\\003\\001", "SSH-2.0-Go", "quit"},
	"osstatus16":   {"200", "200", "200", "200", "200", "200", "202", "204", "404"},
	"oshost16":     {"cp-1.slowvm1.tcloud-pg0.utah.cloudlab.us", "cp-1.slowvm1.tcloud-pg0.utah.cloudlab.us", "compute", "controller", "nova-compute"},
	"virterr16":    {"Domain not found: no domain with matching uuid", "Requested operation is not valid: domain is not running", "Cannot access storage file"},
	"pexe16": {"chrome.exe", "chrome.exe", "chrome.exe", "chrome.exe *64", "Dropbox.exe", "QQ.exe", "git-remote-https.exe", "OUTLOOK.EXE", "svchost.exe *64",
		"WeChat.exe", "firefox.exe", "Skype.exe", "YodaoDict.exe"},
	"pport16":  {"443", "443", "443", "443", "80", "80", "5222", "8080"},
	"proxy16":  {"proxy.cse.cuhk.edu.hk:5070", "proxy.cse.cuhk.edu.hk:5070", "proxy.cse.cuhk.edu.hk:5070", "proxy.intra:8080"},
	"pproto16": {"HTTPS", "HTTPS", "HTTPS", "SOCKS5"},
	"pcode16":  {"403", "403", "407", "502"},
	"sockerr16": {"A connection request was canceled before the completion.", "A connection request was canceled before the completion.",
		"An existing connection was forcibly closed by the remote host.", "The remote computer refused the network connection.",
		"A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond."},
	"wsaerr16": {"10061", "10060", "10065"},
	"prule16":  {"Default", "Default", "Default", "Localhost", "Intranet", "Dropbox"},
	"pver16":   {"3.21", "3.31"},
}

// phost16 are proxy destinations, many without digits.
var phost16 = []string{"www.google.com", "www.google.com", "clients4.google.com", "play.google.com", "mtalk.google.com", "client.dropbox.com",
	"notify.dropbox.com", "qq.com", "pingtas.qq.com", "outlook.office365.com", "github.com", "api.github.com", "ssl.gstatic.com",
	"www.youtube.com", "dict.youdao.com", "203.205.158.34", "183.62.156.108"}

// h16Value returns a value for the slot name.
func (g *gen) h16Value(name string) string {
	if xs, ok := h16Picks[name]; ok {
		return g.pick(xs...)
	}
	itoa := strconv.Itoa
	switch name {
	case "dnip16":
		return fmt.Sprintf("10.25%d.%d.%d", g.n(2), g.n(256), 1+g.n(254))
	case "blksize16":
		if g.chance(0.5) {
			return "67108864"
		}
		return itoa(1 + g.n(67108864))
	case "tomillis16":
		return g.pick("480000", "480000", "60000", "66000")
	case "nmhost16":
		return g.h16Value("nmhostonly16")
	case "hip16":
		return fmt.Sprintf("10.190.173.%d", 150+g.n(30))
	case "jvm16":
		return fmt.Sprintf("jvm_14451444237%02d_%04d_%s_%06d", g.n(100), 1+g.n(30), g.pick("m", "m", "r"), 1+g.n(30))
	case "sz16":
		switch g.n(3) {
		case 0:
			return fmt.Sprintf("%d.0 B", 16+g.n(900))
		case 1:
			return fmt.Sprintf("%.1f KB", g.r.Float64()*900)
		}
		return fmt.Sprintf("%.1f MB", 1+g.r.Float64()*300)
	case "szfree16":
		return fmt.Sprintf("%.1f MB", 100+g.r.Float64()*430)
	case "bvar16":
		return itoa(g.n(60))
	case "ms16":
		return itoa(1 + g.n(600))
	case "sattempt16":
		return fmt.Sprintf("attempt_2017%02d%02d%02d%02d_%04d_m_%06d_%d", 1+g.n(12), 1+g.n(28), g.n(24), g.n(60), g.n(20), g.n(400), g.n(3000))
	case "outdir16":
		return fmt.Sprintf("hdfs://10.10.34.11:9000/pjhe/%s/%d/_temporary/0/task_2017%02d%02d%02d%02d_%04d_m_%06d", g.pick("out", "result", "wordcount"), g.n(5), 1+g.n(12), 1+g.n(28), g.n(24), g.n(60), g.n(20), g.n(400))
	case "stage16":
		return fmt.Sprintf("%d.%d", g.n(200), g.n(2))
	case "tid16":
		return itoa(g.n(20000))
	case "sdir16":
		return fmt.Sprintf("/opt/hdfs/nodemanager/usercache/curi/appcache/application_14852402070%02d_%04d/blockmgr-%s", g.n(100), g.n(300), g.uuid())
	case "sip16", "zkip16":
		return fmt.Sprintf("10.10.34.%d", 11+g.n(30))
	case "zksess16":
		return "0x" + g.pick("14", "24", "34") + g.hex(13)
	case "zkid16":
		return itoa(1 + g.n(3))
	case "zxid16":
		return "0x" + strconv.FormatInt(int64(1+g.n(12))<<32|int64(g.n(90000)), 16)
	case "zknto16":
		return itoa(800 * (1 << g.n(7)))
	case "zksnap16":
		return "/var/lib/zookeeper/version-2/snapshot." + strconv.FormatInt(int64(1+g.n(12))<<32|int64(g.n(90000)), 16)
	case "zkcx16":
		return "0x" + strconv.FormatInt(int64(g.n(500)), 16)
	case "coreno16":
		return itoa(g.n(4000))
	case "sym16":
		return itoa(g.n(40))
	case "hex8w16":
		return "0x" + g.hex(8)
	case "mask16":
		return "0x" + g.hex(2)
	case "bglio16":
		return fmt.Sprintf("172.16.96.%d:%d", 1+g.n(254), 32768+g.n(30000))
	case "bglnode16":
		return fmt.Sprintf("R%02d-M%d-N%X", g.n(80), g.n(2), g.n(16))
	case "bit16":
		return fmt.Sprintf("0x%02x", g.n(32))
	case "hpcnode16":
		return "node-" + itoa(g.n(256))
	case "hpcnet16":
		return fmt.Sprintf("5.5.%d.0", 224+g.n(4))
	case "amb16":
		return itoa(20 + g.n(25))
	case "cmd16":
		return itoa(1500 + g.n(2500))
	case "tbip16":
		return fmt.Sprintf("10.100.%d.%d", g.n(20), 1+g.n(254))
	case "pbsjob16":
		return fmt.Sprintf("%d.tbird-admin1", 40000+g.n(20000))
	case "kbpkg16":
		return fmt.Sprintf("Package_%d_for_KB%d~31bf3856ad364e35~amd64~~6.1.%s.%d", 1+g.n(60), 2500000+g.n(800000), g.pick("1", "1", "3"), g.n(30))
	case "sess16":
		return fmt.Sprintf("%d_%d", 30500000+g.n(999999), 1000000000+g.n(1<<30))
	case "ssv16":
		return g.pick("17514", "23505", "18837")
	case "hex16w":
		return g.hex(16)
	case "rep16":
		return g.pick("2", "2", "2", "3", "4", "5")
	case "hexp16":
		return strings.TrimLeft(g.hex(7), "0")
	case "cdate16":
		return fmt.Sprintf("%s %s %2d %02d:%02d:%02d %d", g.pick("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), g.pick("Jun", "Jul", "Aug"), 1+g.n(30), g.n(24), g.n(60), g.n(60), 2005)
	case "lxrhost16":
		switch g.n(10) {
		case 0, 1, 2:
			return ""
		case 3, 4, 5:
			return fmt.Sprintf("%d-%d-%d-%d.%s", 1+g.n(223), g.n(256), g.n(256), g.n(256), g.pick("dsl.telesp.net.br", "adsl.proxad.net", "static.isp.cn"))
		}
		return g.h16Value("lxrhostname16")
	case "cpu16":
		return itoa(50 + g.n(50))
	case "secs16":
		return fmt.Sprintf("%.2f", g.r.Float64()*120)
	case "tbsw16":
		return "0x" + strings.ToUpper(g.hex(4))
	case "macf16":
		return fmt.Sprintf("%d.%06d", 100000+g.n(900000), g.n(1000000))
	case "skip16":
		return itoa(30 + g.n(300))
	case "gcsize16":
		switch g.n(3) {
		case 0:
			return itoa(1+g.n(999)) + "KB"
		case 1:
			return itoa(1+g.n(99)) + "MB"
		}
		return itoa(1+g.n(999)) + "B"
	case "pctn16":
		return itoa(10 + g.n(80))
	case "hts16":
		return fmt.Sprintf("15140%08d", g.n(100000000))
	case "n100_16":
		return itoa(g.n(100))
	case "apip16":
		if g.chance(0.4) {
			return g.pick("211.72.151.162", "64.6.73.199", "82.199.196.151", "61.138.228.126")
		}
		return g.ip()
	case "sship16":
		if g.chance(0.5) {
			return g.pick("183.62.140.253", "112.95.230.3", "187.141.143.180", "103.99.0.122", "5.188.10.180", "218.65.30.43")
		}
		return g.ip()
	case "sshrhost16":
		if g.chance(0.2) {
			return g.h16Value("rdns16")
		}
		return g.h16Value("sship16")
	case "osip16":
		if g.chance(0.6) {
			return "10.11.10.1"
		}
		return fmt.Sprintf("10.11.21.%d", 120+g.n(20))
	case "osreq16":
		switch g.n(6) {
		case 0, 1, 2:
			return "GET /v2/" + g.pick("54fadb412c4e40cdbaed9335e4c35a9e", "e9746973ac574c6b8a9e8857f56a7608") + "/servers/detail"
		case 3:
			return "POST /v2/" + g.pick("54fadb412c4e40cdbaed9335e4c35a9e", "e9746973ac574c6b8a9e8857f56a7608") + "/os-server-external-events"
		case 4:
			return "GET /v2/" + g.pick("54fadb412c4e40cdbaed9335e4c35a9e", "e9746973ac574c6b8a9e8857f56a7608") + "/servers/" + g.uuid()
		}
		return "DELETE /v2/" + g.pick("54fadb412c4e40cdbaed9335e4c35a9e", "e9746973ac574c6b8a9e8857f56a7608") + "/servers/" + g.uuid()
	case "oslen16":
		return itoa(200 + g.n(1800))
	case "ost16":
		return fmt.Sprintf("%.7f", 0.05+g.r.Float64()*0.5)
	case "imgpath16":
		return "/var/lib/nova/instances/_base/" + g.hex(40)
	case "oshostpair16":
		h := g.h16Value("oshost16")
		return h + ":" + h
	case "osram16":
		return g.pick("64172", "64172", "32768")
	case "osuram16":
		return itoa(512 * (1 + g.n(40)))
	case "osts16":
		return fmt.Sprintf("2017-05-%02d %02d:00:00", 14+g.n(3), g.n(24))
	case "phost16":
		return g.pick(phost16...)
	case "pbig16":
		return itoa(1024 + g.n(5000000))
	case "psz16":
		if g.chance(0.7) {
			return fmt.Sprintf("%.1f KB", 1+g.r.Float64()*900)
		}
		return fmt.Sprintf("%.2f MB", 1+g.r.Float64()*9)
	case "psmall16":
		return itoa(g.n(1024))
	}
	return g.slot(name)
}

// genHeldout16Corpus returns heldout16_<family>.tsv for each family, each
// from its own fixed seed.
func genHeldout16Corpus() map[string]string {
	return genFamilyFiles("heldout16", heldout16Families, func(i int) uint64 { return 1600 + 7*uint64(i) }, (*gen).h16Value)
}
