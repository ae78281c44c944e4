package fingerprint

// heldout15_<family>.tsv: sixteen content-only held-out files, one per public
// log-template benchmark family (HDFS, Hadoop, Spark, ZooKeeper, BGL, HPC,
// Thunderbird, Windows, Linux, Mac, Android, HealthApp, Apache, OpenSSH,
// OpenStack, Proxifier). Written after v5, to measure a template-merging step
// honestly; committed before anything was measured on it (no accuracy run,
// no fingerprint run on these lines before the commit).
//
// How it was written:
//   - from memory of what these programs print, not taken from any data set:
//     no benchmark file was downloaded or read, and the grouping code and its
//     documentation were not read while writing it;
//   - message content only (no timestamp, host, pid or level header), as the
//     benchmarks give their content column;
//   - one label per log statement of the program's source, the way a
//     benchmark annotator labels: two lines share a label iff the same
//     statement printed them with other variable values (hld15<family>NN);
//   - per family 9 to 16 statements and 120 to 200 lines, with skewed counts
//     (a few statements dominate, several appear 1 to 5 times);
//   - variables of realistic kinds: numbers, IPs, ports, block ids, hex,
//     paths, durations, and in about one statement in four values without
//     any digit (user, daemon, process, host, interface, state, reason,
//     class, package, component names), some slots with many values and some
//     with two or three;
//   - near-miss statements, distinct statements one or a few constant words
//     apart (opened/closed, startup/shutdown, Link Up/Link Down, Sleep/Wake,
//     SIGTERM/SIGKILL, ...), with different labels.
//
// The labels are fixed here, not through the label registry: a statement
// that an earlier file also has keeps its hld15 label in these files. The
// dominant statements of a family are the ones every such log has, so some
// 25 of the 230 statements have the text of a statement in system.tsv,
// nearmiss.tsv or heldout14.tsv (e.g. Receiving block, Progress of
// TaskAttempt, Running task, Failed password, open through proxy); they were
// kept because a benchmark of that family has them too. "VM {state}
// (Lifecycle Event)" is one statement here (the state is a variable), while
// system.tsv has "VM Started" as a constant.

import (
	"fmt"
	"strconv"
	"strings"
)

var heldout15Families = []family{
	{"hdfs", []familyStmt{
		{40, "Receiving block {blk} src: /{dnip15}:{port} dest: /{dnip15}:50010"},
		{34, "PacketResponder {pr15} for block {blk} terminating"},
		{30, "Received block {blk} of size {blksize15} from /{dnip15}"},
		{26, "BLOCK* NameSystem.addStoredBlock: blockMap updated: {dnip15}:50010 is added to {blk} size {blksize15}"},
		{12, "BLOCK* NameSystem.allocateBlock: {hdfspath15}. {blk}"},
		{10, "Deleting block {blk} file {dfsfile15}"},
		{9, "BLOCK* NameSystem.delete: {blk} is added to invalidSet of {dnip15}:50010"},
		{5, "Received block {blk} src: /{dnip15}:{port} dest: /{dnip15}:50010 of size {blksize15}"},
		{3, "{dnip15}:50010:Transmitted block {blk} to /{dnip15}:50010"},
		{5, "{dnip15}:50010:DataXceiver: java.io.IOException: {ioerr15}"},
		{3, "Exception in receiveBlock for block {blk} java.io.IOException: {ioerr15}"},
		{2, "PendingReplicationMonitor timed out block {blk}"},
		{2, "BLOCK* NameSystem.addStoredBlock: Redundant addStoredBlock request received for {blk} on {dnip15}:50010 size {blksize15}"},
		{3, "BLOCK* ask {dnip15}:50010 to delete {blklist}"},
	}},
	{"hadoop", []familyStmt{
		{40, "Progress of TaskAttempt {attempt} is : {prog15}"},
		{18, "Communication exception: java.net.ConnectException: Call From {nmhost15}/{hip15} to {rmhost15}:8030 failed on connection exception: java.net.ConnectException: Connection refused; For more details see:  http://wiki.apache.org/hadoop/ConnectionRefused"},
		{10, "Retrying connect to server: {rmhost15}/{hip15}:8030. Already tried {small} time(s); retry policy is RetryUpToMaximumCountWithFixedSleep(maxRetries=10, sleepTime=1000 MILLISECONDS)"},
		{24, "{attempt} TaskAttempt Transitioned from {atstate15} to {atstate15}"},
		{12, "{task15} Task Transitioned from {tstate15} to {tstate15}"},
		{3, "{job15} Job Transitioned from {jstate15} to {jstate15}"},
		{14, "Before Scheduling: PendingReds:{sc15} ScheduledMaps:{sc15} ScheduledReds:{sc15} AssignedMaps:{sc15} AssignedReds:{sc15} CompletedMaps:{sc15} CompletedReds:{sc15} ContAlloc:{sc15} ContRel:{sc15} HostLocal:{sc15} RackLocal:{sc15}"},
		{12, "After Scheduling: PendingReds:{sc15} ScheduledMaps:{sc15} ScheduledReds:{sc15} AssignedMaps:{sc15} AssignedReds:{sc15} CompletedMaps:{sc15} CompletedReds:{sc15} ContAlloc:{sc15} ContRel:{sc15} HostLocal:{sc15} RackLocal:{sc15}"},
		{4, "Received completed container {container}"},
		{3, "ERROR IN CONTACTING RM."},
		{5, "Diagnostics report from {attempt}: Container killed by the ApplicationMaster."},
		{6, "Num completed Tasks: {sc15}"},
		{2, "Adding #{small} tokens and #{small} secret keys for NM use for launching container"},
		{6, "Opening proxy : {nmhost15}:{port}"},
		{1, "Default file system [hdfs://{rmhost15}:9000]"},
		{10, "Recalculating schedule, headroom=<memory:{headmem15}, vCores:{small}>"},
	}},
	{"spark", []familyStmt{
		{35, "Running task {stage15} in stage {stage15} (TID {tid15})"},
		{33, "Finished task {stage15} in stage {stage15} (TID {tid15}). {rbytes15} bytes result sent to driver"},
		{25, "Found block {rdd} locally"},
		{15, "Block {bcast15} stored as bytes in memory (estimated size {sz15}, free {szfree15})"},
		{15, "Reading broadcast variable {bvar15} took {ms15} ms"},
		{14, "Input split: {split15}"},
		{12, "Got assigned task {tid15}"},
		{8, "Getting {small} non-empty blocks out of {nblocks15} blocks"},
		{8, "Started {small} remote fetches in {ms15} ms"},
		{3, "Changing view acls to: {acluser15}"},
		{3, "Changing modify acls to: {acluser15}"},
		{3, "SecurityManager: authentication disabled; ui acls disabled; users with view permissions: Set({acluser15}); users with modify permissions: Set({acluser15})"},
		{2, "Connecting to driver: akka.tcp://sparkDriver@{sip15}:{port}/user/CoarseGrainedScheduler"},
		{4, "Successfully started service '{sparksvc15}' on port {port}."},
		{2, "Executor is trying to kill task {stage15} in stage {stage15} (TID {tid15})"},
		{3, "MemoryStore started with capacity {sz15}"},
	}},
	{"zookeeper", []familyStmt{
		{25, "Received connection request /{zkip15}:{port}"},
		{25, "Notification: {zkid15} (n.leader), {zxid15} (n.zxid), {small} (n.round), {zkstate} (n.state), {zkid15} (n.sid), {zxid15} (n.peerEPoch), {zkstate} (my state)"},
		{15, "Connection broken for id {zkid15}, my id = {zkid15}, error = "},
		{12, "Interrupting SendWorker"},
		{12, "Send worker leaving thread"},
		{8, "Connection request from old client /{zkip15}:{port}; will be dropped if server is in r-o mode"},
		{12, "Client attempting to establish new session at /{zkip15}:{port}"},
		{5, "Client attempting to renew session {hexid} at /{zkip15}:{port}"},
		{14, "Processed session termination for sessionid: {hexid}"},
		{10, "Exception causing close of session {hexid} due to java.io.IOException: {zkioerr15}"},
		{6, "Have smaller server identifier, so dropping the connection: ({zkid15}, {zkid15})"},
		{3, "FOLLOWING - LEADER ELECTION TOOK - {elect15}"},
		{2, "LEADING - LEADER ELECTION TOOK - {elect15}"},
		{2, "Getting a snapshot from leader"},
		{2, "Reading snapshot {snap15}"},
		{3, "Unexpected exception causing shutdown while sock still open"},
	}},
	{"bgl", []familyStmt{
		{30, "{int} torus receiver {dir15} input pipe error(s) (dcr {dcr15}) detected and corrected"},
		{18, "{small} tree receiver {small} in re-synch state event(s) (dcr {dcr15}) detected"},
		{6, "ciod: Message code {small} is not {msgcode15} or 4294967295"},
		{22, "ciod: Error loading {binpath15}: invalid or missing program image, {errstr15}"},
		{5, "ciod: Error creating node map from file {mapfile15}: {errstr15}"},
		{3, "idoproxydb hit ASSERT condition: ASSERT expression=0 Source file=idotransportmgr.cpp Source line=1043 Function=int IdoTransportMgr::SendPacket(IdoUdpMgr*, BglCtlPavTrace*)"},
		{4, "Lustre mount FAILED : {lustre15} : block_id : location"},
		{4, "external input interrupt (unit=0x02 bit=0x00): uncorrectable torus error"},
		{8, "critical input interrupt (unit=0x0b bit={bit15}): warning for {wire15} wire"},
		{20, "{fpr15}={hex8w15} {hex8w15} {hex8w15} {hex8w15}"},
		{8, "ddr: activating redundant bit steering: rank={small} symbol={sym15}"},
		{3, "ddr: excessive soft failures, consider replacing the card"},
		{25, "{int} floating point alignment exceptions"},
		{10, "data TLB error interrupt"},
		{3, "instruction TLB error interrupt"},
	}},
	{"hpc", []familyStmt{
		{30, "Fan speeds ( {fan15} {fan15} {fan15} {fan15} {fan15} {fan15} )"},
		{20, "Temperature ({temp15}C) exceeds warning threshold"},
		{4, "Temperature ({temp15}C) exceeds critical threshold"},
		{15, "PSU status ( {onoff15} {onoff15} )"},
		{12, "Link error on broadcast tree Interconnect-{icid15}"},
		{8, "{hpccmd15} (command {cmd15}) Error: {booterr15}"},
		{10, "Targeting domains:{hpcdom15} and nodes:{hpcnodes15} child of command {cmd15}"},
		{10, "Command has completed successfully"},
		{6, "inconsistent nodesets {hpcnode15} {hpcmask15} <ok> {hpcnode15} {hpcmask15} <ok>"},
		{18, "Component State Change: Component {octq} is in the {compst15} state (HWID={hwid15})"},
		{12, "{hpcnode15} has detected an available network connection on network {hpcnet15} via interface {hpcif15}"},
		{2, "Power/Control problem"},
	}},
	{"thunderbird", []familyStmt{
		{25, "DHCPREQUEST for {tbip15} from {mac} via eth1"},
		{25, "DHCPACK on {tbip15} to {mac} via eth1"},
		{10, "DHCPDISCOVER from {mac} via eth1: network {netname15}: no free leases"},
		{20, "pam_unix(sshd:session): session opened for user {tbuser15} by (uid=0)"},
		{18, "pam_unix(sshd:session): session closed for user {tbuser15}"},
		{10, "Accepted password for {tbuser15} from {tbip15} port {port} ssh2"},
		{8, "synchronized to {ntppeer15}, stratum {stratum15}"},
		{4, "kernel time sync status change {tsync15}"},
		{12, "[ib_sm_sweep.c:1831]: No topology change"},
		{12, "[ib_sm_sweep.c:564]: ********************** NEW SWEEP ********************"},
		{6, "nfs: server {nfshost15} not responding, still trying"},
		{4, "nfs: server {nfshost15} OK"},
		{10, "({cronuser15}) CMD ({croncmd15})"},
		{3, "error: PAM: Authentication failure for {tbuser15} from {tbhost15}"},
		{3, "warning: unable to look up public/pickup: No such file or directory"},
	}},
	{"windows", []familyStmt{
		{5, "Starting TrustedInstaller initialization."},
		{5, "Ending TrustedInstaller initialization."},
		{5, "Starting the TrustedInstaller main loop."},
		{5, "TrustedInstaller service starts successfully."},
		{4, "SQM: Initializing online with Windows opt-in: False"},
		{4, "SQM: Cleaning up report files older than 10 days."},
		{30, "Session: {sess15} initialized by client {wclient15}."},
		{12, "Session: {sess15} finalized. Reboot required: false [HRESULT = 0x00000000 - S_OK]"},
		{50, "Appl: detect Parent, Package: {kbpkg15}, Parent: {winparent15}, Disposition = Detect, VersionComp: {vc15}, ServiceComp: {vc15}, BuildComp: {vc15}, DistributionComp: {vc15}, RevisionComp: {vc15}, Exist: {exist15}"},
		{8, "Appl: Evaluating applicability block(detectUpdate part), disposition is: Detect, applicability: {appl15}, result applicability state: {appl15}"},
		{10, "Appl: Evaluating applicability block(non detectUpdate part), disposition is: Detect, applicability: {appl15}, result applicability state: {appl15}"},
		{6, "CSI Transaction @{csihex15} initialized for deployment engine {{d16d444c-56d8-11d5-882d-0080c847b195}} with flags 00000002 and client id [{csicl15}]\"TI{csiti15}/\""},
		{3, "Failed to get session package state [HRESULT = 0x800f0805 - CBS_E_INVALID_PACKAGE]"},
		{4, "Unloading offline registry hive: {hive15}"},
		{2, "Scavenge: Begin CSI Store"},
	}},
	{"linux", []familyStmt{
		{40, "authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost={rhost15}"},
		{18, "authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost={rhost15}  user={lxuser15}"},
		{15, "session opened for user {lxuser15} by (uid=0)"},
		{14, "session closed for user {lxuser15}"},
		{6, "getpeername (ftpd): Transport endpoint is not connected"},
		{5, "ANONYMOUS FTP LOGIN FROM {ip}, (anonymous)"},
		{14, "{lxsvc15} startup succeeded"},
		{10, "{lxsvc15} shutdown succeeded"},
		{6, "Authentication failed from {ip} ({ip}): Permission denied in replay cache code"},
		{2, "Memory: {lxmem15}k/{lxmem15}k available ({kmem15}k kernel code, {kmem15}k reserved, {kmem15}k data, {kmem15}k init, {lxmem15}k highmem)"},
		{2, "audit({auditts15}): initialized"},
		{4, "{lxif15}: link up, 100Mbps, full-duplex, lpa {lpa15}"},
		{3, "{lxif15}: link down"},
		{5, "FAILED LOGIN {small} FROM (null) FOR {lxuser15}, Authentication failure"},
	}},
	{"mac", []familyStmt{
		{20, "ARPT: {macf15}: wl0: setup_keepalive: interval {ka15}, retry_interval {small2_15}, retry_count {small2_15}"},
		{8, "ARPT: {macf15}: AirPort_Brcm43xx::powerChange: System Sleep"},
		{8, "ARPT: {macf15}: AirPort_Brcm43xx::powerChange: System Wake"},
		{28, "Sandbox: {sbproc15}({pid}) deny(1) {sbop15} {sbpath15}"},
		{12, "en0: channel changed to {chan15}"},
		{8, "AirPort: Link Down on {awdl15}. Reason {small} ({linkreason15})."},
		{6, "AirPort: Link Up on {awdl15}"},
		{6, "hibernate_page_list_setall found pageCount {int}"},
		{3, "hibernate_flush_memory: buffer_cache_gc freed up {int} wired pages"},
		{4, "Previous sleep cause: {small}"},
		{2, "Previous shutdown cause: {shutcause15}"},
		{8, "AppleCamIn::systemWakeCall - messageType = {camhex15}"},
		{6, "AppleThunderboltNHIType2::prePCIWake - power up complete - took {int} us"},
		{14, "tcp_connection_tls_session_error_callback_imp {int} __tcp_connection_tls_session_callback_write_block_invoke.434 error 22"},
		{5, "Cannot find function pointer {cffunc15} for factory {cfuuid15} in CFBundle/CFPlugIn {cfptr15} <{cfbundle15}> (bundle, not loaded)"},
		{4, "USBMSC Identifier (non-unique): {usbid15} {usbhex15} {usbhex15} {usbhex15}"},
	}},
	{"android", []familyStmt{
		{40, "release:lock={int}, flg=0x0, tag=\"{wltag15}\", name={andpkg15}, ws=null, uid={uid15}, pid={pid}"},
		{25, "setSystemUiVisibility vis={andhex15} mask={andhex15} oldVal={andhex15} newVal={andhex15} diff={andhex15} fullscreenStackVis={small} dockedStackVis={small}, fullscreenStackBounds=Rect(0, 0 - 0, 0), dockedStackBounds=Rect(0, 0 - 0, 0)"},
		{6, "setLightsOn(true)"},
		{10, "getRunningAppProcesses: caller {uid15} does not hold REAL_GET_TASKS; limiting output"},
		{14, "Start proc {pid}:{andpkg15}/{u0a15} for {proctype15} {andcomp15}"},
		{8, "Killing {pid}:{andpkg15}/{u0a15} (adj {adj15}): {killreason15}"},
		{8, "Displayed {activity}: +{dispms15}"},
		{5, "Waking up from sleep (uid {uid15} reason={wakereason15})..."},
		{5, "Going to sleep due to {sleepreason15} (uid {uid15})..."},
		{6, "cleanUpApplicationRecord -- {pid}"},
		{8, "interceptKeyBeforeQueueing: key {keycode15} , result : {small}"},
		{4, "Failed to find provider info for {authority15}"},
		{4, "Blocking screen on until initial contents have been drawn."},
		{4, "Unblocked screen on after {int} ms"},
	}},
	{"healthapp", []familyStmt{
		{40, "onReceive action: android.intent.action.{haction15}"},
		{20, "calculateAltitudeWithCache totalAltitude={int}"},
		{22, "setTodayTotalDetailSteps={hts15}##{int}##{int}##{int}##{int}##{hts15}"},
		{5, "insertHiHealthData() bulkSaveDetailHiHealthData fail errorCode = {small},errorMessage = ERROR_REMOTE_EXCEPTION"},
		{16, "upLoadOneMinuteDataToEngine time={hts15},step={small2_15},type={small}"},
		{8, "totalAltitude={small2_15},totalCalories={int},totalDistance={int},totalSteps={int}"},
		{4, "screen status unknown,think screen on"},
		{2, "screen status unknown,think screen off"},
		{3, "checkCurrentDay a new day comes , time={hts15}"},
		{4, "registerSensorListener {hsensor15} result={bool}"},
		{3, "getCurrentStepInfo: stepInfo is null"},
		{5, "startTimer start autoSync"},
	}},
	{"apache", []familyStmt{
		{35, "[client {apip15}] script not found or unable to stat: {cgipath15}"},
		{8, "[client {apip15}] Invalid method in request {badreq15}"},
		{6, "[client {apip15}] request failed: error reading the headers"},
		{22, "[client {apip15}] client denied by server configuration: {denypath15}"},
		{3, "{apver15} configured -- resuming normal operations"},
		{3, "caught SIGTERM, shutting down"},
		{3, "SIGHUP received.  Attempting to restart"},
		{10, "child pid {pid} exit signal {apsig15}"},
		{10, "[client {apip15}] user {apuser15} not found: {apurl15}"},
		{8, "[client {apip15}] user {apuser15}: authentication failure for \"{apurl15}\": Password Mismatch"},
		{2, "server reached MaxClients setting, consider raising the MaxClients setting"},
		{6, "{aperrno15}: core_output_filter: writing data to the network"},
		{6, "[client {apip15}] mod_security: Access denied with code 403. Pattern match \"{modpat15}\" at REQUEST_URI [hostname \"{aphost15}\"] [uri \"{apurl15}\"]"},
		{5, "child process {pid} still did not exit, sending a SIGTERM"},
		{2, "child process {pid} still did not exit, sending a SIGKILL"},
	}},
	{"openssh", []familyStmt{
		{30, "Invalid user {invuser15} from {sship15} port {port}"},
		{30, "Failed password for invalid user {invuser15} from {sship15} port {port} ssh2"},
		{25, "Failed password for {validuser15} from {sship15} port {port} ssh2"},
		{15, "Disconnected from invalid user {invuser15} {sship15} port {port} [preauth]"},
		{10, "Disconnected from authenticating user {validuser15} {sship15} port {port} [preauth]"},
		{20, "Received disconnect from {sship15} port {port}:11: Bye Bye [preauth]"},
		{8, "Connection closed by invalid user {invuser15} {sship15} port {port} [preauth]"},
		{6, "Unable to negotiate with {sship15} port {port}: no matching key exchange method found. Their offer: {kex15} [preauth]"},
		{5, "Accepted password for {validuser15} from {sship15} port {port} ssh2"},
		{4, "pam_unix(sshd:session): session opened for user {validuser15}(uid={uidn15}) by (uid=0)"},
		{4, "Connection reset by authenticating user {validuser15} {sship15} port {port} [preauth]"},
		{3, "fatal: Read from socket failed: Connection reset by peer [preauth]"},
		{2, "Postponed publickey for {validuser15} from {sship15} port {port} ssh2 [preauth]"},
		{6, "PAM service(sshd) ignoring max retries; {pamn15} > 3"},
		{5, "error: Received disconnect from {sship15} port {port}:3: com.jcraft.jsch.JSchException: Auth fail [preauth]"},
	}},
	{"openstack", []familyStmt{
		{40, "{osip15} \"GET /v2/{tenant15}/servers/detail HTTP/1.1\" status: {osstatus15} len: {oslen15} time: {ost15}"},
		{20, "[instance: {uuid}] VM {lifecycle15} (Lifecycle Event)"},
		{8, "[instance: {uuid}] During sync_power_state the instance has a pending task ({ostask15}). Skip."},
		{10, "[instance: {uuid}] Attempting claim: memory {osmem15} MB, disk {osdisk15} GB, vcpus {small} CPU"},
		{10, "[instance: {uuid}] Claim successful"},
		{10, "[instance: {uuid}] Total memory: {ostotmem15} MB, used: {osused15} MB"},
		{10, "[instance: {uuid}] memory limit: {osfloat15} MB, free: {osfloat15} MB"},
		{10, "[instance: {uuid}] Total disk: {ostotdisk15} GB, used: {osdiskused15} GB"},
		{10, "[instance: {uuid}] disk limit not specified, defaulting to unlimited"},
		{10, "[instance: {uuid}] Took {ossec15} seconds to build instance."},
		{10, "[instance: {uuid}] Took {ossec15} seconds to spawn the instance on the hypervisor."},
		{8, "[instance: {uuid}] Took {ossec15} seconds to destroy the instance on the hypervisor."},
		{5, "[instance: {uuid}] Took {ossec15} seconds to deallocate network for instance."},
		{5, "[instance: {uuid}] Deleting instance files /var/lib/nova/instances/{uuid}_del"},
		{5, "[instance: {uuid}] Deletion of /var/lib/nova/instances/{uuid}_del complete"},
		{3, "Successfully synced instances from host '{oshost15}'."},
	}},
	{"proxifier", []familyStmt{
		{40, "{phost15}:{pport15} open through proxy {proxy15} HTTPS"},
		{35, "{phost15}:{pport15} close, {pbig15} bytes ({psz15}) sent, {pbig15} bytes ({psz15}) received, lifetime {lifetime}"},
		{30, "{phost15}:{pport15} close, {psmall15} bytes sent, {psmall15} bytes received, lifetime {lifetime}"},
		{8, "{phost15}:{pport15} error : A connection request was canceled before the completion."},
		{12, "{phost15}:{pport15} open directly"},
		{6, "{phost15}:{pport15} error : Could not connect through proxy {proxy15} - Proxy closed the connection unexpectedly."},
		{4, "{phost15}:{pport15} error : Could not connect to proxy {proxy15} - Host not found"},
		{6, "{phost15}:{pport15} matching {prule15} rule : using proxy {proxy15}"},
		{5, "{phost15}:{pport15} matching {prule15} rule : direct connection"},
	}},
}

// h15Picks are the slots that pick one of a list; a value listed twice is
// twice as likely, as real logs repeat a few values.
var h15Picks = map[string][]string{
	"pr15":          {"0", "1", "2", "2", "1", "2"},
	"ioerr15":       {"Connection reset by peer", "Connection reset by peer", "Connection reset by peer", "Broken pipe", "Broken pipe", "Interrupted receiveBlock", "Could not read from stream"},
	"rmhost15":      {"msra-sa-41", "msra-sa-41", "msra-sa-41", "MININT-FNANLI5.fareast.corp.microsoft.com"},
	"nmhost15":      {"MININT-FNANLI5.fareast.corp.microsoft.com", "MININT-75DGDAM1.fareast.corp.microsoft.com", "04DN8IQ.fareast.corp.microsoft.com", "MSRA-SA-39.fareast.corp.microsoft.com", "MSRA-SA-41.fareast.corp.microsoft.com"},
	"atstate15":     {"NEW", "UNASSIGNED", "ASSIGNED", "RUNNING", "RUNNING", "SUCCESS_CONTAINER_CLEANUP", "SUCCEEDED", "KILL_CONTAINER_CLEANUP", "FAIL_CONTAINER_CLEANUP", "FAIL_TASK_CLEANUP", "FAILED", "KILLED"},
	"tstate15":      {"NEW", "SCHEDULED", "RUNNING", "RUNNING", "SUCCEEDED", "KILL_WAIT", "KILLED"},
	"jstate15":      {"NEW", "INITED", "SETUP", "RUNNING", "COMMITTING", "SUCCEEDED"},
	"acluser15":     {"yarn", "yarn", "yarn", "curi", "root", "hadoop", "spark"},
	"sparksvc15":    {"sparkExecutorActorSystem", "sparkExecutorActorSystem", "org.apache.spark.network.netty.NettyBlockTransferService", "sparkExecutor"},
	"zkioerr15":     {"ZooKeeperServer not running", "ZooKeeperServer not running", "Connection reset by peer", "Connection reset by peer", "Connection reset by peer", "Broken pipe", "Len error 1195725856"},
	"dir15":         {"x+", "x-", "y+", "y-", "z+", "z-", "z-", "x+"},
	"errstr15":      {"No such file or directory", "No such file or directory", "No such file or directory", "Permission denied", "Permission denied", "Exec format error", "Input/output error"},
	"wire15":        {"torus z+", "torus z-", "torus x+", "tree", "tree", "torus y-"},
	"onoff15":       {"on", "on", "on", "off"},
	"hpccmd15":      {"boot", "boot", "boot", "halt", "wait"},
	"booterr15":     {"Target state not reached", "Target state not reached", "Boot timeout", "Node is not responding"},
	"compst15":      {"unavailable", "unavailable", "unavailable", "running"},
	"hpcif15":       {"alt0", "alt0", "alt0", "alt1"},
	"netname15":     {"A_net", "A_net", "mgmt_net", "compute_net"},
	"tbuser15":      {"root", "root", "root", "root", "root", "tbird", "admin", "nagios", "sysadm"},
	"tsync15":       {"0001", "2001", "4001", "0401"},
	"nfshost15":     {"tbird-admin1", "tbird-admin1", "scratch", "home", "adminfs"},
	"cronuser15":    {"root", "root", "root", "root", "nagios", "ganglia"},
	"croncmd15":     {"run-parts /etc/cron.hourly", "run-parts /etc/cron.hourly", "run-parts /etc/cron.daily", "/usr/lib/sa/sa1 1 1", "/usr/sbin/tmpwatch -f 240 /tmp", "/usr/local/sbin/check_ib"},
	"tbhost15":      {"tbird-admin1", "tbird-sm1", "ln", "admin"},
	"wclient15":     {"WindowsUpdateAgent", "WindowsUpdateAgent", "WindowsUpdateAgent", "WindowsUpdateAgent", "TrustedInstaller", "DISM Package Manager Provider", "Windows Defender"},
	"vc15":          {"EQ", "EQ", "EQ", "GE", "LE", "GT", "LT"},
	"exist15":       {"present", "present", "absent"},
	"appl15":        {"0", "2", "7", "7", "9"},
	"hive15":        {"COMPONENTS", "COMPONENTS", "SOFTWARE", "SYSTEM", "SECURITY", "DEFAULT"},
	"lxuser15":      {"root", "root", "root", "root", "root", "guest", "test", "oracle", "admin", "nobody", "webmaster", "cyrus"},
	"lxsvc15":       {"syslog", "syslogd", "klogd", "irqbalance", "portmap", "rpc.statd", "rpcidmapd", "cups", "cupsd", "xinetd", "sendmail", "sm-client", "httpd", "crond", "atd", "xfs", "anacron", "gpm", "smartd", "netfs", "iptables", "apmd", "mdmonitor", "messagebus", "hidd", "bluetooth"},
	"lxif15":        {"eth0", "eth0", "eth1"},
	"sbproc15":      {"QQ", "QQ", "Microsoft Word", "mdworker", "com.apple.WebKi", "SpotlightNetHelp", "storeaccountd", "Google Chrome He", "Python"},
	"sbop15":        {"file-read-data", "file-read-data", "network-outbound", "mach-lookup", "file-write-create", "file-read-metadata"},
	"sbpath15":      {"/private/var/run/mDNSResponder", "/Users/xpc/Library/Preferences/com.apple.LaunchServices/com.apple.launchservices.secure.plist", "com.apple.coreservices.launchservicesd", "com.apple.cfprefsd.agent", "/Library/Preferences/com.apple.security.plist", "/Users/xpc/Documents/notes"},
	"awdl15":        {"en0", "en0", "en0", "awdl0"},
	"linkreason15":  {"Disassociated because station leaving", "Disassociated because station leaving", "Deauthenticated because sending station is leaving", "Previous authentication no longer valid", "Disassociated due to inactivity"},
	"shutcause15":   {"5", "3", "-128", "-60"},
	"cffunc15":      {"QuickLookGeneratorPluginFactory", "QuickLookGeneratorPluginFactory", "MDImporterPluginFactory"},
	"cfbundle15":    {"/Library/QuickLook/iWork.qlgenerator", "/Library/QuickLook/GBQLGenerator.qlgenerator", "/Library/Spotlight/Microsoft Office.mdimporter", "/Applications/Evernote.app/Contents/Library/QuickLook/EvernoteQLGenerator.qlgenerator"},
	"wltag15":       {"*alarm*", "*alarm*", "*alarm*", "RILJ", "WifiStateMachine", "NetworkStats", "SyncLoopWakeLock", "View Lock", "AudioMix", "*job*/com.tencent.mm/.plugin.notification.NotifyJobService"},
	"andpkg15":      {"android", "android", "android", "com.tencent.mm", "com.tencent.mm", "com.android.phone", "com.google.android.gms", "com.android.systemui", "com.huawei.hwid", "com.android.providers.downloads"},
	"uid15":         {"1000", "1000", "1000", "1001", "10054", "10085", "10112"},
	"proctype15":    {"activity", "service", "service", "broadcast", "content provider"},
	"andcomp15":     {"com.tencent.mm/.booter.NotifyReceiver", "com.google.android.gms/.chimera.PersistentIntentOperationService", "com.android.providers.downloads/.DownloadProvider", "com.huawei.hwid/.core.service.SyncService", "com.android.settings/.Settings"},
	"adj15":         {"900", "906", "904", "500", "800"},
	"killreason15":  {"remove task", "remove task", "stop com.tencent.mm", "empty #17", "depends on provider com.android.providers.downloads/.DownloadProvider in dying proc android.process.media"},
	"wakereason15":  {"android.policy:POWER", "android.policy:POWER", "android.server.wm:turnScreenOn", "com.android.systemui:NOTIFICATION"},
	"sleepreason15": {"screen timeout", "screen timeout", "power button"},
	"authority15":   {"com.android.badge", "com.huawei.android.launcher.settings", "com.sec.badge"},
	"keycode15":     {"26", "26", "24", "25", "3", "4"},
	"haction15":     {"SCREEN_ON", "SCREEN_ON", "SCREEN_OFF", "SCREEN_OFF", "TIME_TICK", "TIME_TICK", "TIME_TICK", "USER_PRESENT", "DATE_CHANGED"},
	"hsensor15":     {"step_counter", "step_counter", "step_detector", "significant_motion"},
	"cgipath15":     {"/var/www/cgi-bin/awstats.pl", "/var/www/cgi-bin/awstats.pl", "/var/www/cgi-bin/awstats.pl", "/var/www/cgi-bin/formmail", "/var/www/cgi-bin/test-cgi", "/var/www/cgi-bin/php", "/var/www/cgi-bin/bash", "/var/www/cgi-bin/count.cgi", "/var/www/cgi-bin/php5"},
	"badreq15":      {"\\x16\\x03\\x01", "quit", "GET /", "\\x80w\\x01\\x03\\x01"},
	"denypath15":    {"/var/www/html/phpmyadmin", "/var/www/html/.htaccess", "/var/www/html/server-status", "/var/www/html/admin/config.php", "/var/www/html/mysql", "/var/www/html/.git/config"},
	"apver15":       {"Apache/2.0.49 (Fedora)", "Apache/2.0.49 (Fedora)", "Apache/2.2.3 (CentOS)"},
	"apsig15":       {"Segmentation fault (11)", "Segmentation fault (11)", "Segmentation fault (11)", "Aborted (6)", "Bus error (7)"},
	"apuser15":      {"admin", "admin", "test", "webmaster", "guest", "root"},
	"apurl15":       {"/admin/", "/admin/index.php", "/private/", "/stats/awstats.pl", "/manager/html"},
	"aperrno15":     {"(104)Connection reset by peer", "(104)Connection reset by peer", "(32)Broken pipe"},
	"modpat15":      {"/etc/passwd", "cmd.exe", "select.+from", "\\.\\./"},
	"aphost15":      {"www.example.org", "mail.example.org", "webmail"},
	"validuser15":   {"root", "root", "root", "root", "root", "root", "ubuntu", "admin", "git"},
	"invuser15":     {"admin", "admin", "admin", "test", "test", "oracle", "guest", "user", "ubnt", "pi", "postgres", "ftpuser", "support", "git", "user1", "test123", "nagios", "hadoop", "deploy", "www"},
	"kex15":         {"diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1,diffie-hellman-group1-sha1", "diffie-hellman-group1-sha1"},
	"pamn15":        {"5", "5", "5", "4", "6"},
	"uidn15":        {"0", "0", "0", "1000"},
	"tenant15":      {"54fadb412c4e40cdbaed9335e4c35a9e", "54fadb412c4e40cdbaed9335e4c35a9e", "e9746973ac574c6b8a9e8857f56a7608"},
	"osstatus15":    {"200", "200", "200", "200", "200", "200", "404"},
	"lifecycle15":   {"Started", "Started", "Stopped", "Stopped", "Paused", "Resumed"},
	"ostask15":      {"spawning", "spawning", "deleting", "powering-off"},
	"osmem15":       {"2048", "2048", "512", "4096"},
	"osdisk15":      {"20", "20", "1", "40"},
	"ostotmem15":    {"64172", "64172", "64172", "32768"},
	"oshost15":      {"cp-1.slowvm1.tcloud-pg0.utah.cloudlab.us", "compute", "controller"},
	"pport15":       {"443", "443", "443", "443", "80", "80", "5222"},
	"proxy15":       {"proxy.cse.cuhk.edu.hk:5070", "proxy.cse.cuhk.edu.hk:5070", "proxy.cse.cuhk.edu.hk:5070", "proxy.intra:8080"},
	"prule15":       {"Default", "Default", "Default", "Localhost", "Intranet"},
	"apip15pool":    {"64.34.195.190", "66.249.65.12", "218.62.18.218", "82.199.196.151"},
}

// phost15 are the destinations of the proxy: many names without digits.
var phost15 = []string{"www.google.com", "www.google.com", "clients1.google.com", "play.google.com", "mail.qq.com", "sync.dropbox.com",
	"proxy.cse.cuhk.edu.hk", "outlook.office365.com", "api.github.com", "github.com", "183.62.156.108", "ssl.gstatic.com", "www.bing.com", "apis.google.com"}

// rhost15Names are remote hosts without digits.
var rhost15Names = []string{"mail.bigcorp.com", "ns.example.org", "web.school.edu", "gateway.isp.net", "unknown", "host.reserved.ru"}

// h15Value returns a value for the slot name.
func (g *gen) h15Value(name string) string {
	if xs, ok := h15Picks[name]; ok {
		return g.pick(xs...)
	}
	itoa := strconv.Itoa
	switch name {
	case "dnip15":
		return fmt.Sprintf("10.25%d.%d.%d", g.n(2), g.n(256), 1+g.n(254))
	case "blksize15":
		if g.chance(0.6) {
			return "67108864"
		}
		return itoa(1 + g.n(67108864))
	case "hdfspath15":
		return fmt.Sprintf("/user/root/%s/_temporary/_task_200811%02d%02d%02d_%04d_%s_%06d_0/part-%05d",
			g.pick("rand", "randtxt", "sortrand", "rand7"), 1+g.n(28), g.n(24), g.n(60), 1+g.n(20), g.pick("m", "r"), g.n(2000), g.n(2000))
	case "dfsfile15":
		return fmt.Sprintf("/mnt/hadoop/dfs/data/current/subdir%d/blk_%s%d", g.n(64), g.pick("", "-"), g.r.Int64N(1<<62))
	case "hip15":
		return fmt.Sprintf("10.190.173.%d", 150+g.n(30))
	case "prog15":
		if g.chance(0.1) {
			return "1.0"
		}
		return "0." + itoa(g.n(1000000000))
	case "task15":
		return fmt.Sprintf("task_14451444237%02d_%04d_%s_%06d", g.n(100), 1+g.n(30), g.pick("m", "m", "r"), g.n(20))
	case "job15":
		return fmt.Sprintf("job_14451444237%02d_%04d", g.n(100), 1+g.n(30))
	case "sc15":
		if g.chance(0.4) {
			return "0"
		}
		return itoa(g.n(20))
	case "headmem15":
		return itoa(1024 * g.n(20))
	case "stage15":
		return fmt.Sprintf("%d.0", g.n(40))
	case "tid15":
		return itoa(g.n(3000))
	case "rbytes15":
		return itoa(900 + g.n(2500))
	case "bcast15":
		if g.chance(0.5) {
			return fmt.Sprintf("broadcast_%d_piece0", g.n(30))
		}
		return fmt.Sprintf("broadcast_%d", g.n(30))
	case "sz15":
		switch g.n(3) {
		case 0:
			return fmt.Sprintf("%d.0 B", 100+g.n(900))
		case 1:
			return fmt.Sprintf("%.1f KB", g.r.Float64()*900)
		}
		return fmt.Sprintf("%.1f MB", 100+g.r.Float64()*800)
	case "bvar15":
		return itoa(g.n(30))
	case "ms15":
		return itoa(1 + g.n(400))
	case "split15":
		k := g.n(20)
		return fmt.Sprintf("hdfs://10.10.34.11:9000/pjhe/test/%d/part-%05d:%d+%d", 1+g.n(5), g.n(100), k*7292, 7292)
	case "nblocks15":
		return itoa(1 + g.n(40))
	case "sip15":
		return fmt.Sprintf("10.10.34.%d", 11+g.n(30))
	case "zkip15":
		return fmt.Sprintf("10.10.34.%d", 11+g.n(30))
	case "zkid15":
		return itoa(1 + g.n(3))
	case "zxid15":
		return "0x" + strconv.FormatInt(int64(1+g.n(9))<<32|int64(g.n(5000)), 16)
	case "elect15":
		return itoa(20 + g.n(900))
	case "snap15":
		return "/var/lib/zookeeper/version-2/snapshot." + strconv.FormatInt(int64(1+g.n(9))<<32|int64(g.n(5000)), 16)
	case "dcr15":
		return "0x0" + g.hex(3)
	case "msgcode15":
		return g.pick("51", "51", "2", "4")
	case "binpath15":
		return "/bgl/apps/" + g.pick("scaletest/performance/MINIBEN/mb_243_0810/allreduce.rts", "SPaSM_STATIC/SPaSM_mcmodel", "linpack/xhpl", "home/awsmith/sppm/sppm.rts", "umt2k/umt2k-bgl", "miranda/a.out")
	case "mapfile15":
		return "/p/gb1/" + g.pick("stella", "draeger", "awsmith") + "/RAPTOR/" + itoa(g.n(3000)) + "/ionodes.map"
	case "lustre15":
		return "bglio" + itoa(g.n(1024))
	case "bit15":
		return fmt.Sprintf("0x%02x", g.n(32))
	case "fpr15":
		return g.pick("fpr", "gpr", "r") + itoa(g.n(32))
	case "hex8w15":
		return "0x" + g.hex(8)
	case "sym15":
		return itoa(g.n(36))
	case "fan15":
		return itoa(3300 + g.n(1200))
	case "temp15":
		return itoa(55 + g.n(40))
	case "icid15":
		return fmt.Sprintf("%dT%02d:%02d:%d:%d", g.n(2), g.n(16), g.n(16), g.n(2), g.n(4))
	case "cmd15":
		return itoa(1500 + g.n(2000))
	case "hpcdom15":
		return "node-D" + itoa(g.n(8))
	case "hpcnodes15":
		a := 32 * g.n(8)
		return fmt.Sprintf("node-[%d-%d]", a, a+31)
	case "hpcnode15":
		return "node-" + itoa(g.n(256))
	case "hpcmask15":
		return "0x" + g.pick("1ffffffe", "fffffffe", "ffffffff", "0ffffffe")
	case "hpcnet15":
		return fmt.Sprintf("5.5.%d.0", 224+g.n(4))
	case "hwid15":
		return itoa(2000 + g.n(2000))
	case "tbip15":
		return fmt.Sprintf("10.100.%d.%d", g.n(20), 1+g.n(254))
	case "ntppeer15":
		if g.chance(0.3) {
			return "LOCAL(0)"
		}
		return fmt.Sprintf("10.100.%d.%d", g.n(4), 1+g.n(8))
	case "stratum15":
		return g.pick("2", "3", "3", "10")
	case "sess15":
		return fmt.Sprintf("%d_%d", 30000000+g.n(999999), 1000000000+g.n(1<<30))
	case "kbpkg15":
		return fmt.Sprintf("Package_%d_for_KB%d~31bf3856ad364e35~amd64~~6.1.1.%d", 1+g.n(40), 2000000+g.n(1200000), g.n(20))
	case "winparent15":
		return "Microsoft-Windows-" + g.pick("Foundation-Package", "Foundation-Package", "Client-Features-Package", "Media-Player-Package", "InternetExplorer-Optional-Package", "RemoteAssistance-Package-Client") +
			"~31bf3856ad364e35~amd64~~6.1.7601." + g.pick("17514", "23505", "18837")
	case "csihex15":
		return "0x" + g.hex(10)
	case "csicl15":
		return itoa(10 + g.n(40))
	case "csiti15":
		return fmt.Sprintf("%d.%d:%d", 5+g.n(2), 10+g.n(70), g.n(3))
	case "rhost15":
		switch g.n(10) {
		case 0, 1, 2, 3:
			return g.ip()
		case 4, 5, 6:
			return fmt.Sprintf("%d-%d-%d-%d.%s", 1+g.n(223), g.n(256), g.n(256), g.n(256), g.pick("dsl.telesp.net.br", "static.isp.cn", "adsl.eunet.yu"))
		}
		return g.pick(rhost15Names...)
	case "szfree15":
		return fmt.Sprintf("%.1f MB", 200+g.r.Float64()*330)
	case "kmem15":
		return itoa(100 + g.n(3000))
	case "ostotdisk15":
		return g.pick("15", "15", "15", "40")
	case "osdiskused15":
		return fmt.Sprintf("%.2f", g.r.Float64()*15)
	case "small2_15":
		return itoa(g.n(100))
	case "lxmem15":
		return itoa(100000 + g.n(1000000))
	case "auditts15":
		return fmt.Sprintf("%d.%d:0", 1117800000+g.n(9999999), g.n(1<<31))
	case "lpa15":
		return "0x" + strings.ToUpper(g.hex(4))
	case "macf15":
		return fmt.Sprintf("%d.%06d", 600000+g.n(400000), g.n(1000000))
	case "ka15":
		return g.pick("900", "900", "180", "60")
	case "chan15":
		return g.pick("1", "6", "11", "36", "44", "149", "157")
	case "camhex15":
		return "0x" + g.pick("e0000280", "e0000340", "e0000300")
	case "cfuuid15":
		return strings.ToUpper(g.uuid())
	case "cfptr15":
		return "0x7f" + g.hex(10)
	case "usbid15":
		return g.pick("\"SanDisk\"", "\"Kingston\"", "\"Generic\"")
	case "usbhex15":
		return "0x" + g.hex(1+g.n(4))
	case "andhex15":
		return "0x" + g.hex(1+g.n(8))
	case "u0a15":
		return "u0a" + itoa(10+g.n(200))
	case "dispms15":
		if g.chance(0.3) {
			return fmt.Sprintf("%ds%dms", 1+g.n(3), g.n(1000))
		}
		return itoa(100+g.n(900)) + "ms"
	case "hts15":
		return fmt.Sprintf("15%011d", 2345678901+g.n(999999999))
	case "apip15":
		if g.chance(0.5) {
			return g.h15Value("apip15pool")
		}
		return g.ip()
	case "sship15":
		if g.chance(0.6) {
			return g.pick("183.62.140.253", "112.95.230.3", "187.141.143.180", "103.99.0.122", "5.188.10.180")
		}
		return g.ip()
	case "osip15":
		if g.chance(0.7) {
			return "10.11.10.1"
		}
		return fmt.Sprintf("10.11.21.%d", 120+g.n(20))
	case "oslen15":
		return itoa(1500 + g.n(500))
	case "ost15":
		return fmt.Sprintf("%.7f", 0.1+g.r.Float64()*0.4)
	case "osused15", "osfloat15":
		return fmt.Sprintf("%.2f", g.r.Float64()*90000)
	case "ossec15":
		return fmt.Sprintf("%.2f", 0.2+g.r.Float64()*25)
	case "phost15":
		return g.pick(phost15...)
	case "pbig15":
		return itoa(1024 + g.n(3000000))
	case "psz15":
		return fmt.Sprintf("%.1f KB", 1+g.r.Float64()*900)
	case "psmall15":
		return itoa(g.n(1024))
	}
	return g.slot(name)
}

// genHeldout15Corpus returns heldout15_<family>.tsv for each family, each
// from its own fixed seed.
func genHeldout15Corpus() map[string]string {
	return genFamilyFiles("heldout15", heldout15Families, func(i int) uint64 { return 1500 + uint64(i) }, (*gen).h15Value)
}
