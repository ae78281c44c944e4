package fingerprint

// heldout10.tsv: a content-only held-out file written after the last v4
// rule (three rules came after heldout9.tsv, written with its misses in view)
// and measured once, with no rule changed afterwards: its figure is the
// honest estimate for v4 as committed (docs/fingerprint.md). New statements
// of the public benchmark families (see corpus_heldout6_test.go), written
// from what such programs print, not taken from any data set. The last block
// holds near-miss pairs.

var heldout10Templates = []string{
	// Distributed storage and batch.
	"Changing block file offset of block {blk} from {int} to {int} meta file offset to {small}",
	"Receiving one packet for block {blk} of length {int} seqno {int} offsetInBlock {big} lastPacketInBlock {bool}",
	"JobHistoryEventHandler notified that forceJobCompletion is {bool}",
	"Releasing unassigned container Container: [ContainerId: {container}, NodeId: {hostn}:{port}, NodeHttpAddress: {hostn}:{port}, Resource: <memory:{int}, vCores:{small}>, Priority: {small}, Token: Token {{ kind: ContainerToken, service: {ipport} }}, ]",
	"Calling handler for JobFinishedEvent",
	"Copied to done location: hdfs://{hostn}:{port}/tmp/hadoop-yarn/staging/history/done_intermediate/{user}/{yjobid}.summary_tmp",

	// Spark.
	"Getting {small} non-empty blocks out of {small} blocks",
	"Started {small} remote fetches in {int} ms",
	"Saved output of task '{attempt}' to hdfs://{hostn}:{port}/{user}/output/_temporary/0/task_{big}_{small}_m_{int}",
	"Connecting to driver: akka.tcp://sparkDriver@{ipport}/user/CoarseGrainedScheduler",
	"Executor killed task {float} in stage {float} (TID {int})",

	// ZooKeeper.
	"Unexpected exception causing shutdown while sock still open",
	"Received packet at server of unknown type {small}",
	"Refusing session request for client {sip} as it has seen zxid {hexid} our last zxid is {hexid} client must try another server",
	"Unable to read additional data from server sessionid {hexid}, likely server has closed socket, closing socket connection and attempting reconnect",

	// Supercomputer RAS and cluster events.
	"ddr: activating redundant bit steering: rank={small} symbol={int}",
	"total of {int} ddr error(s) detected and corrected over {int} seconds",
	"ciod: cpu {small} at treeaddr {int} sent unrecognized message {hex}",
	"boot command {int} completed with status {uword}",
	"Node {hostd} has been configured out by {user}",

	// Thunderbird-like syslog, Linux and OpenSSH.
	"mptscsih: ioc0: attempting task abort! (sc={hex})",
	"DHCPOFFER on {ip} to {mac} via {iface}",
	"frequency initialized {float} PPM from /var/lib/ntp/drift",
	"Device: /dev/{dev}, SMART Usage Attribute: {small} {usmart} changed from {int} to {int}",
	"Authentication failed from {ip} ({ip}): Software caused connection abort",
	"new group: name={ugroup}, GID={int}",
	"Did not receive identification string from {ip} port {port}",
	"error: Received disconnect from {ip} port {port}:3: com.jcraft.jsch.JSchException: Auth fail [preauth]",
	"Bad packet length {int}. [preauth]",
	"Corrupted MAC on input. [preauth]",

	// Apache.
	"[client {ip}] Premature end of script headers: {ucgi}",
	"[client {ip}] attempt to invoke directory as script: {path}",

	// Android, a mobile health app.
	"moveTaskToBack: TaskRecord{{{hex} #{int} A={pkg} U=0 StackId={small} sz={small}}}",
	"Package {pkg} codePath changed from {path} to {path}; Retaining data and using new",
	"Permission Denial: {uandop} from pid={pid}, uid={int} requires {uperm}",
	"writeDataToDB end, size={int}",

	// Windows servicing, macOS.
	"Session: {int}_{int} finalized. Reboot required: {ybool} [HRESULT = {hex} - {xhresult}]",
	"Scavenge: Starts",
	"Unable to obtain a task name port right for pid {pid}: (os/kern) failure ({hex})",

	// OpenStack.
	"[instance: {uuid}] Total vcpu: {small} VCPU, used: {float} VCPU",
	"[instance: {uuid}] vcpu limit not specified, defaulting to unlimited",
	"Auditing locally available compute resources for node {hostn}",
	"image {uuid} at ({path}): in use: on this node {small} local, {small} on other nodes sharing this instance storage",

	// Near-miss pairs: one constant word apart.
	"[instance: {uuid}] disk limit not specified, defaulting to unlimited",
	"Executor lost task {float} in stage {float} (TID {int})",
	"new user group: name={ugroup}, GID={int}",
	"Scavenge: Completes",
}

// h10Picks are the slots that pick one of a few values.
var h10Picks = map[string][]string{
	"uword":  {"success", "failure", "timeout"},
	"usmart": {"194 Temperature_Celsius", "7 Seek_Error_Rate", "195 Hardware_ECC_Recovered"},
	"ugroup": {"wheel", "docker", "users", "ftp", "nagios"},
	"ucgi":   {"awstats.pl", "index.php", "test.cgi", "printenv"},
	"uandop": {"broadcasting Intent { act=android.intent.action.CLOSE_SYSTEM_DIALOGS }", "opening provider com.android.providers.contacts.ContactsProvider2", "getCurrentUser()"},
	"uperm":  {"android.permission.INTERACT_ACROSS_USERS", "android.permission.READ_CONTACTS", "android.permission.BROADCAST_STICKY"},
}

// h10Slot returns a value for the slots only heldout10 uses.
func (g *gen) h10Slot(name string) (string, bool) { return g.pickFrom(h10Picks, name) }

// heldout10Same labels the statements of heldout10 that an earlier file
// already has with that file's label (see heldout6Same). It was filled in
// after the one measurement; it changes labels only, not the file's figure.
var heldout10Same = map[string]string{
	"Changing block file offset of block {blk} from {int} to {int} meta file offset to {small}": "hld3003",
	"Auditing locally available compute resources for node {hostn}":                             "hld4054",
}

func genHeldout10Corpus() []tmpl {
	return genContentCorpus(14, "hld10", heldout10Templates, heldout10Same)
}
