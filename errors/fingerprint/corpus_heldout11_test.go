package fingerprint

// heldout11.tsv: a content-only held-out file written after the last v4
// rule and measured once with v4 before any v5 rule was written: its v4
// figure is the honest estimate for v4 (docs/fingerprint.md). It leans on
// the families heldout6–10 cover least (macOS, Windows servicing, Android, a
// mobile health app, proxy logs, OpenStack, ZooKeeper, Thunderbird-like
// syslog), with new statements written from what such programs print, not
// taken from any data set. About one template in five has a value without a
// digit (a class, nib, program, sensor, cluster or state name, a reason of
// several words). The last block holds near-miss pairs.
//
// Measured once with v4 as committed (c71ae8e), before any rule saw it:
// GA 0.7636 (918 messages, 61 true groups, 139 predicted; 0.7584 on its
// 59 new statements as first labelled, 0.7456 on 58 once one was found in
// heldout2), precision 1.0. The figure is lower than heldout8–10's
// mostly because of two large groups: Objective-C class names in
// parentheses (hld11000, 45 lines, split 38 ways) and ZooKeeper's
// `Server environment:user.name=` (45 lines, 20 users; in a real log the
// server's user is one name per run, so this slot is more varied than real
// data would be).

var heldout11Templates = []string{
	// macOS.
	"Failed to connect ({joutlet}) outlet from ({jobjc}) to ({jobjc}): missing setter or instance variable",
	"ARPT: {float}: wl0: setup_keepalive: Local IP: {ip}",
	"ARPT: {float}: wl0: MDNS: IPV4 Addr: {ip}",
	"Unable to bootstrap_look_up port with name {bundle}: unknown service name",
	"CGSConnectionByID: {int} is not a valid connection ID.",
	"hibernate_setup({small}) took {int} ms",
	"Unable to load nib file: {jnib}, exiting",
	"tcp_connection_destination_prepare_complete {int} connectx to {ipport}@0 failed: [{small}] {jerrstr}",
	"PM notification timeout (pid {pid}, {jmacproc})",

	// Windows servicing.
	"Idle processing thread terminated normally",
	"WinVerifyTrust failed [HRESULT = {hex} - {xhresult}]",
	"Appl: detect Parent, Package: {wpkg}, Parent: {wpkg}, Disposition = {jdispo}, VersionComp: {jcomp}, ServiceComp: {jcomp}, BuildComp: {jcomp}, DistributionComp: {jcomp}, RevisionComp: {jcomp}, Exist: {jexist}",
	"Mark store corruption flag because of package: {wpkg}. [HRESULT = {hex} - {xhresult}]",
	"SQM: Queued {small} file(s) for upload with pattern: {path}, flags: {hex}",
	"NonStart: Checking to ensure startup processing was not required.",
	"Trusted Installer is shutting down because: {jshutreason}",
	"Repr: CBS Store check completes",
	"Package {wpkg} is already in the correct state, current: {wwinstate}, target: {wwinstate}",

	// Android.
	"Waited long enough for: ServiceRecord{{{hex} u0 {xsvcname}}}",
	"No longer want {pkg} (pid {pid}): empty #{small}",
	"interceptKeyBeforeQueueing: key {int} , result : {small}",
	"Access denied finding property \"{jprop}\"",
	"Unable to find app for caller android.app.IApplicationThread$Stub$Proxy@{hex} (pid={pid}) when publishing content providers",
	"Activity destroy timeout for ActivityRecord{{{hex} u0 {activity} t{int} f}}",
	"Ignoring onBind: cur seq={int}, given seq={int}",
	"Skipping AppWindowToken{{{hex} token=Token{{{hex} ActivityRecord{{{hex} u0 {activity} t{int}}}}}}} -- going to hide",
	"Battery level {int}, plugged {jplug}, temperature {int}",

	// A mobile health app.
	"upLoadOneMinuteDataToEngine time={big},step={int},type={small}",
	"screen status unknown,think screen on",
	"onStepReported totalSteps={int} deltaSteps={small}",
	"getSportType mSportType={jsport}",
	"saveStepDataToDB day={date} steps={int} with source {jhsrc}",
	"registerSensor {jhsensor} failed, sensor not available",

	// Proxy.
	"{jproxproc} - {domain}:{port} error : A connection request was canceled before the completion.",
	"{jproxproc} - {domain}:{port} open directly",
	"{jproxproc} - {domain}:{port} close, {int} bytes sent, {int} bytes received, lifetime {lifetime}",
	"{domain}:{port} error : Could not connect through proxy {hostport} - Proxy server cannot resolve the target hostname",
	"{jproxproc} - Could not resolve {domain} : {jdnserr}",

	// OpenStack.
	"[instance: {uuid}] Instance destroyed successfully.",
	"[instance: {uuid}] Deleting instance files {path}_del",
	"HTTP exception thrown: Instance {uuid} could not be found.",
	"The instance sync for host '{hostn}' did not match. Re-created its InstanceList.",
	"[instance: {uuid}] Attaching volume {uuid} to {jdevpath}",
	"[instance: {uuid}] Instance shutdown by itself. Calling the stop API. Current vm_state: {jvmstate}, current task_state: {jtaskstate}, original DB power_state: {small}, current VM power_state: {small}",

	// ZooKeeper.
	"Resolved hostname: {hostn} to address: {hostn}/{ip}",
	"Interrupting SendWorker",
	"shutdown of request processor complete",
	"Reading configuration from: {path}",
	"Server environment:user.name={user}",
	"tickTime set to {int}",

	// Thunderbird-like syslog.
	"Server listening on {ip} port {port}.",
	"Received signal {small}; terminating.",
	"kernel time sync enabled {small}",
	"PAM unable to dlopen({jpammod})",
	"PAM adding faulty module: {jpammod}",
	"gmetad: data_thread() for [{jcluster}] failed to contact node {ip}",
	"pbs_mom: Bad file descriptor ({small}) in tm_request, job {jpbsjob} not running",

	// Near-miss pairs: one constant word apart.
	"FOLLOWING - LEADER ELECTION TOOK - {int}",
	"LEADING - LEADER ELECTION TOOK - {int}",
	"Starting TrustedInstaller initialization.",
	"[instance: {uuid}] Instance stopped successfully.",
}

// h11Picks are the slots that pick one of a few values.
var h11Picks = map[string][]string{
	"joutlet":     {"_colorMatchFromString", "delegate", "_searchField", "_previewView", "menuItem"},
	"jobjc":       {"NSApplication", "NSColorPickerWheel", "NSPopover", "SearchFieldController", "NSWindowTemplate"},
	"jnib":        {"MainMenu", "Preferences", "StatusMenu", "SetupAssistant"},
	"jerrstr":     {"Network is unreachable", "Connection refused", "Operation timed out", "No route to host"},
	"jmacproc":    {"Google Chrome He", "Microsoft Word", "Dropbox", "mdworker", "Slack", "Mail"},
	"jdispo":      {"Detect", "Staged", "Installed"},
	"jcomp":       {"EQ", "GE", "LE", "GT"},
	"jexist":      {"present", "absent"},
	"jshutreason": {"SHUTDOWN_REASON_AUTOSTOP", "SHUTDOWN_REASON_USER", "SHUTDOWN_REASON_IDLE"},
	"jprop":       {"persist.sys.dalvik.vm.lib.2", "ro.hw.country", "net.dns1", "persist.radio.multisim.config"},
	"jplug":       {"ac", "usb", "none", "wireless"},
	"jsport":      {"WALK", "RUN", "CYCLE", "CLIMB", "IDLE"},
	"jhsrc":       {"phone", "band", "watch", "cloud"},
	"jhsensor":    {"step_counter", "step_detector", "accelerometer", "pressure", "significant_motion"},
	"jproxproc":   {"chrome.exe", "firefox.exe", "Dropbox.exe", "WeChat.exe", "svchost.exe *64", "QQ.exe"},
	"jdnserr":     {"No such host is known.", "This is usually a temporary error during hostname resolution.", "The requested name is valid, but no data of the requested type was found."},
	"jdevpath":    {"/dev/vdb", "/dev/vdc", "/dev/sdb"},
	"jvmstate":    {"active", "stopped", "paused"},
	"jtaskstate":  {"None", "None", "powering-off"},
	"jpammod":     {"/lib/security/pam_ldap.so", "/lib64/security/pam_krb5.so", "/lib/security/$ISA/pam_smb_auth.so"},
	"jcluster":    {"Thunderbird", "admin", "login", "storage"},
	"jpbsjob":     {"12345.tbird-admin1", "884.tbird-admin1", "20031.tbird-admin1"},
}

// h11Slot returns a value for the slots only heldout11 uses.
func (g *gen) h11Slot(name string) (string, bool) { return g.pickFrom(h11Picks, name) }

// heldout11Same labels the statements of heldout11 that an earlier file
// already has (spelt with other slots) with that file's label (see
// heldout6Same). It was filled in after the one measurement; it changes
// labels only, not the file's figure. Two more statements have the same
// text as an earlier file's (MDNS, Instance destroyed) and take its label
// by the registry.
var heldout11Same = map[string]string{
	"Appl: detect Parent, Package: {wpkg}, Parent: {wpkg}, Disposition = {jdispo}, VersionComp: {jcomp}, ServiceComp: {jcomp}, BuildComp: {jcomp}, DistributionComp: {jcomp}, RevisionComp: {jcomp}, Exist: {jexist}": "hld2026",
}

func genHeldout11Corpus() []tmpl {
	return genContentCorpus(15, "hld11", heldout11Templates, heldout11Same)
}
