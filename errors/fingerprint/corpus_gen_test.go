package fingerprint

// This file generates the labeled corpus under testdata/corpus. The label of
// every line is the id of the generator template that produced it: ground truth
// that does not depend on the function under test. Regenerate with
//
//	go test ./errors/fingerprint -run TestCorpusFilesUpToDate -update-corpus
//
// and review the diff. The templates are written for Talus (not taken from any
// public data set); they imitate the styles of system and application logs:
// many header formats, ids, hosts, users, paths, quoted values, key=value,
// near-miss pairs that differ by one constant word, and stack traces in six
// languages.

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

type gen struct{ r *rand.Rand }

func newGen(seed uint64) *gen { return &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))} }

func (g *gen) n(k int) int              { return g.r.IntN(k) }
func (g *gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }
func (g *gen) chance(p float64) bool    { return g.r.Float64() < p }
func (g *gen) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.r.IntN(16)]
	}
	return string(b)
}

var (
	genUsers = []string{"root", "admin", "oracle", "postgres", "alice", "bob", "test", "guest", "deploy", "jenkins",
		"www-data", "nagios", "ftpuser", "support", "ubuntu", "git", "mysql", "operator", "backup", "carol", "dave", "webmaster"}
	genHostLabels = []string{"api", "db", "cache", "mail", "web", "proxy", "auth", "edge", "ns", "mx", "cdn", "static", "gw", "vpn", "smtp"}
	genDomains    = []string{"example.com", "acme.net", "corp.internal", "cs.uni.edu", "isp.co.uk", "shop.io", "mirror.org", "telco.com.br"}
	genWords      = []string{"alpha", "bravo", "delta", "kilo", "lima", "oscar", "sierra", "tango", "zulu", "echo", "nova", "orion"}
	genCaps       = []string{"NEW", "UNASSIGNED", "ASSIGNED", "RUNNING", "SUCCEEDED", "FAILED", "KILLED", "COMMIT_PENDING", "SUCCESS_CONTAINER_CLEANUP", "FAIL_TASK_CLEANUP"}
	genProcs      = []string{"java", "httpd", "mysqld", "python", "node", "postgres", "nginx", "chrome", "firefox"}
	genTags       = []string{"AlarmManager", "WindowManager", "GnssService", "*job*/com.app/.SyncJob", "NetworkStats"}
	genPkgs       = []string{"com.android.phone", "com.tencent.mm", "com.google.android.gms", "android", "com.example.app"}
	genActivities = []string{"com.tencent.qt.qtl/.activity.info.NewsDetailXmlActivity", "com.example.app/.MainActivity", "com.android.settings/.Settings", "com.google.android.gm/.ConversationListActivityGmail"}
	genMethods    = []string{"GET", "POST", "PUT", "DELETE"}
	genDevs       = []string{"sda1", "sdb2", "nvme0n1p1", "dm-0", "md127"}
)

func (g *gen) ip() string {
	return fmt.Sprintf("%d.%d.%d.%d", 1+g.n(223), g.n(256), g.n(256), 1+g.n(254))
}

func (g *gen) port() string { return strconv.Itoa(1024 + g.n(64000)) }

func (g *gen) host() string {
	if g.chance(0.5) {
		return g.pick(genHostLabels...) + "." + g.pick(genDomains...)
	}
	return g.pick(genHostLabels...) + "-" + strconv.Itoa(1+g.n(99)) + "." + g.pick(genDomains...)
}

func (g *gen) isoTime() string {
	return fmt.Sprintf("2024-%02d-%02dT%02d:%02d:%02d.%03dZ", 1+g.n(12), 1+g.n(28), g.n(24), g.n(60), g.n(60), g.n(1000))
}

func (g *gen) dur() string {
	switch g.n(4) {
	case 0:
		return strconv.Itoa(1+g.n(5000)) + "ms"
	case 1:
		return strconv.FormatFloat(g.r.Float64()*30, 'f', 2, 64) + "s"
	case 2:
		return strconv.Itoa(1+g.n(59)) + "m" + strconv.Itoa(g.n(60)) + "s"
	}
	return strconv.Itoa(1+g.n(900)) + "µs"
}

func (g *gen) size() string {
	return strconv.FormatFloat(g.r.Float64()*900, 'f', 1+g.n(2), 64) + " " + g.pick("KB", "MB", "GB")
}

func (g *gen) path() string {
	dirs := []string{"var", "lib", "data", "srv", "opt", "tmp", "home", "etc", "log", "cache", "app"}
	var b strings.Builder
	for k := 0; k < 2+g.n(3); k++ {
		b.WriteByte('/')
		b.WriteString(g.pick(dirs...))
	}
	switch g.n(3) {
	case 0:
		b.WriteString("/" + g.pick(genWords...) + "-" + strconv.Itoa(g.n(1000)) + ".log")
	case 1:
		b.WriteString("/" + g.pick(genWords...) + ".conf")
	default:
		b.WriteString("/" + g.hex(8))
	}
	return b.String()
}

func (g *gen) phrase() string {
	k := 1 + g.n(3)
	ws := make([]string, k)
	for i := range ws {
		ws[i] = g.pick(genWords...)
	}
	return strings.Join(ws, " ")
}

func (g *gen) uuid() string {
	return g.hex(8) + "-" + g.hex(4) + "-" + g.hex(4) + "-" + g.hex(4) + "-" + g.hex(12)
}

// slot returns a random value for a template slot.
func (g *gen) slot(name string) string {
	switch name {
	case "int":
		return strconv.Itoa(g.n(100000))
	case "big":
		return strconv.FormatInt(g.r.Int64N(1<<50), 10)
	case "small":
		return strconv.Itoa(g.n(10))
	case "neg":
		return strconv.Itoa(g.n(2000) - 1000)
	case "float":
		return strconv.FormatFloat(g.r.Float64()*100, 'f', 1+g.n(4), 64)
	case "pct":
		return strconv.Itoa(g.n(101)) + "%"
	case "hex":
		return "0x" + g.hex(1+g.n(12))
	case "hexid":
		return "0x" + g.hex(15)
	case "hex32":
		return g.hex(32)
	case "sha":
		return g.hex(40)
	case "uuid":
		return g.uuid()
	case "ip":
		return g.ip()
	case "port":
		return g.port()
	case "ipport":
		return g.ip() + ":" + g.port()
	case "sip":
		return "/" + g.ip() + ":" + g.port()
	case "ipv6":
		return g.pick("fe80::", "2001:db8::", "2a02:6b8:") + g.hex(4) + ":" + g.hex(1+g.n(4))
	case "host":
		return g.host()
	case "hostport":
		if g.chance(0.5) {
			return g.host() + ":" + g.pick("80", "443", "5222", "8080")
		}
		return g.ip() + ":" + g.pick("80", "443", "5222", "8080")
	case "hostd":
		return g.pick("node", "worker", "web", "db") + "-" + strconv.Itoa(g.n(300))
	case "node":
		return fmt.Sprintf("R%02d-M%d-N%d-C:J%02d-U%02d", g.n(80), g.n(2), g.n(16), g.n(18), g.n(12))
	case "url":
		return g.pick("http", "https") + "://" + g.host() + "/" + g.pick("api", "v1", "status") + "/" + g.pick(genWords...) + g.pick("", "?id="+strconv.Itoa(g.n(999)))
	case "urlpath":
		return "/" + g.pick("api", "v2", "orders", "users") + "/" + strconv.Itoa(g.n(99999)) + g.pick("", "/items", "/detail")
	case "email":
		return g.pick(genUsers...) + "@" + g.pick(genDomains...)
	case "path":
		return g.path()
	case "winpath":
		return `C:\Windows\` + g.pick("winsxs", "System32", "Temp") + `\` + g.pick(genWords...) + "_" + g.hex(16) + ".dll"
	case "dur":
		return g.dur()
	case "size":
		return g.size()
	case "date":
		return fmt.Sprintf("2024-%02d-%02d", 1+g.n(12), 1+g.n(28))
	case "isots":
		return g.isoTime()
	case "cdate":
		return fmt.Sprintf("%s %s %d %02d:%02d:%02d %d", g.pick("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
			g.pick("Jan", "Feb", "Mar", "Jun", "Jul", "Oct", "Dec"), 1+g.n(28), g.n(24), g.n(60), g.n(60), 2003+g.n(20))
	case "blk":
		return "blk_" + g.pick("", "-") + strconv.FormatInt(g.r.Int64N(1<<62), 10)
	case "appattempt":
		return fmt.Sprintf("appattempt_%d_%04d_%06d", 1445000000000+g.n(999999), g.n(100), 1+g.n(3))
	case "attempt":
		return fmt.Sprintf("attempt_%d_%04d_%s_%06d_%d", 1445000000000+g.n(999999), g.n(100), g.pick("m", "r"), g.n(20), g.n(3))
	case "container":
		return fmt.Sprintf("container_%d_%04d_01_%06d", 1445000000000+g.n(999999), g.n(100), g.n(30))
	case "rdd":
		return fmt.Sprintf("rdd_%d_%d", g.n(50), g.n(50))
	case "user":
		return g.pick(genUsers...)
	case "quoted":
		return `"` + g.phrase() + `"`
	case "squoted":
		return "'" + g.phrase() + "'"
	case "qword":
		return "'" + g.pick(genWords...) + "'"
	case "pid":
		return strconv.Itoa(100 + g.n(40000))
	case "ver":
		return fmt.Sprintf("v%d.%d.%d", g.n(10), g.n(30), g.n(100))
	case "caps":
		return g.pick(genCaps...)
	case "mac":
		return fmt.Sprintf("%s:%s:%s:%s:%s:%s", g.hex(2), g.hex(2), g.hex(2), g.hex(2), g.hex(2), g.hex(2))
	case "bool":
		return g.pick("true", "false")
	case "mode":
		return g.pick("auto", "manual", "readonly", "fast", "safe")
	case "proc":
		return g.pick(genProcs...)
	case "tag":
		return g.pick(genTags...)
	case "pkg":
		return g.pick(genPkgs...)
	case "activity":
		return g.pick(genActivities...)
	case "method":
		return g.pick(genMethods...)
	case "status":
		return g.pick("200", "201", "204", "301", "400", "401", "403", "404", "500", "502", "503")
	case "dev":
		return g.pick(genDevs...)
	case "iface":
		return g.pick("eth", "wlan", "en", "bond") + strconv.Itoa(g.n(4))
	case "lifetime":
		return g.pick("<1 sec", fmt.Sprintf("%02d:%02d", g.n(60), g.n(60)), fmt.Sprintf("%02d:%02d:%02d", g.n(3), g.n(60), g.n(60)))
	case "intlist":
		k := 1 + g.n(4)
		xs := make([]string, k)
		for i := range xs {
			xs[i] = strconv.Itoa(g.n(64))
		}
		return strings.Join(xs, ", ")
	case "octq":
		return `\042` + g.pick("alt", "ac", "ps", "node") + strconv.Itoa(g.n(10)) + `\042`
	case "zkstate":
		return g.pick("LOOKING", "FOLLOWING", "LEADING", "OBSERVING")
	case "enum":
		return g.pick("CONTAINER_REMOTE_LAUNCH", "CONTAINER_REMOTE_CLEANUP", "TA_CONTAINER_LAUNCHED", "T_ATTEMPT_SUCCEEDED", "JOB_SETUP_COMPLETED")
	case "bundle":
		return g.pick("com.apple.quicklook", "com.apple.Safari.SafeBrowsing", "com.apple.photolibraryd", "com.apple.WebKit.Networking", "com.google.Keystone.Agent")
	case "fqcn":
		return g.pick("org.apache.hadoop.mapreduce.jobhistory.EventType", "org.apache.hadoop.mapreduce.v2.app.job.event.TaskEventType",
			"org.apache.hadoop.mapreduce.jobhistory.JobHistoryEventHandler", "org.apache.hadoop.mapreduce.v2.app.rm.RMContainerAllocator")
	case "objcclass":
		return g.pick("AVFAudioConverter", "NSTextFieldCell", "WebBookmarkProxy", "SPDocumentProxy")
	case "wake":
		return g.pick("ARPT (Network)", "EC.LidOpen (User)", "RTC (Alarm)", "XHC1 (User)")
	case "maybeuser":
		if g.chance(0.1) {
			return ""
		}
		return g.pick(genUsers...)
	case "ipportlist":
		k := 1 + g.n(3)
		xs := make([]string, k)
		for i := range xs {
			xs[i] = g.ip() + ":50010"
		}
		return strings.Join(xs, ", ")
	case "blklist":
		k := 1 + g.n(6)
		xs := make([]string, k)
		for i := range xs {
			xs[i] = g.slot("blk")
		}
		return strings.Join(xs, " ")
	case "csiid":
		return fmt.Sprintf("%08x@2016/%d/%d:%02d:%02d:%02d.%03d", g.n(1<<20), 1+g.n(12), 1+g.n(28), g.n(24), g.n(60), g.n(60), g.n(1000))
	case "stacklist":
		k := 3 + g.n(5)
		xs := make([]string, k)
		for i := range xs {
			xs[i] = "@0x" + g.hex(8+g.n(4))
		}
		return strings.Join(xs, " ")
	case "image":
		return g.pick("nginx", "redis", "ghcr.io/acme/api", "docker.io/library/postgres") + ":" + g.pick("latest", "1.25", "v"+strconv.Itoa(g.n(9))+"."+strconv.Itoa(g.n(20)), "sha-"+g.hex(7))
	case "word":
		return g.pick(genWords...)
	case "pod":
		return g.pick(genWords...) + "-" + g.hex(9) + "-" + g.hex(5)
	case "ns":
		return g.pick("default", "kube-system", "payments", "monitoring")
	case "hex5":
		return g.hex(5)
	case "hex9":
		return g.hex(9)
	case "hexq":
		return strings.ToUpper(g.hex(10))
	case "branch":
		return g.pick("main", "develop", "feature/login", "release/2.3", "fix/issue-"+strconv.Itoa(g.n(999)))
	case "cmd":
		return g.pick("apt-get update", "npm ci", "go build ./...", "pip install -r requirements.txt", "make test")
	case "cistatus":
		return g.pick("SUCCESS", "FAILURE", "ABORTED", "UNSTABLE")
	case "ua":
		return g.pick("Windows NT 10.0; Win64; x64", "X11; Linux x86_64", "Macintosh; Intel Mac OS X 10_15_7")
	case "verb":
		return g.pick("get", "list", "watch", "create", "delete")
	case "resource":
		return g.pick("pods", "secrets", "configmaps", "deployments.apps")
	case "hostorempty":
		if g.chance(0.4) {
			return ""
		}
		return g.host()
	}
	// The slots that only some corpus files use, tried in order.
	for _, slot := range []func(*gen, string) (string, bool){
		(*gen).famSlot, (*gen).h3Slot, (*gen).h4Slot, (*gen).h5Slot, (*gen).h6Slot, (*gen).h7Slot, (*gen).h8Slot, (*gen).h9Slot, (*gen).h10Slot, (*gen).h11Slot, (*gen).h12Slot, (*gen).h13Slot, (*gen).h14Slot,
	} {
		if v, ok := slot(g, name); ok {
			return v
		}
	}
	panic("unknown slot " + name)
}

// expand fills the {slot}s of a template. "{{" is a literal "{".
func (g *gen) expand(tmpl string) string { return expandWith(tmpl, g.slot) }

// expandWith fills the {slot}s of a template with value. "{{" is a
// literal "{" and "}}" a literal "}".
func expandWith(tmpl string, value func(name string) string) string {
	var b strings.Builder
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		if (c == '{' || c == '}') && i+1 < len(tmpl) && tmpl[i+1] == c {
			b.WriteByte(c)
			i++
			continue
		}
		if c != '{' {
			b.WriteByte(c)
			continue
		}
		j := strings.IndexByte(tmpl[i:], '}')
		b.WriteString(value(tmpl[i+1 : i+j]))
		i += j
	}
	return b.String()
}

// familyStmt is one log statement of a per-family held-out file and how
// many lines of it the file has.
type familyStmt struct {
	n    int
	text string
}

// family is the statements of one benchmark family's held-out file.
type family struct {
	name  string
	stmts []familyStmt
}

// genFamilyFiles returns set_<family>.tsv for each family, labels
// hld<N><family><NN> (N: the set's number), each file from seed(i), its
// slots filled by value, its lines shuffled.
func genFamilyFiles(set string, families []family, seed func(i int) uint64, value func(g *gen, name string) string) map[string]string {
	files := make(map[string]string, len(families))
	label := "hld" + strings.TrimPrefix(set, "heldout")
	for i, f := range families {
		g := newGen(seed(i))
		var out []tmpl
		for j, s := range f.stmts {
			id := fmt.Sprintf("%s%s%02d", label, f.name, j+1)
			for k := 0; k < s.n; k++ {
				out = append(out, tmpl{id: id, text: expandWith(s.text, func(name string) string { return value(g, name) })})
			}
		}
		g.shuffle(out)
		files[set+"_"+f.name+".tsv"] = renderTSV(out)
	}
	return files
}

// source is where a template is logged from: a header style, a level and a
// component. Hosts, threads, pids and timestamps vary per line.
type source struct {
	style     int
	level     string
	component string
}

const numHeaderStyles = 11

func (g *gen) header(s source) string {
	t := g.isoTime()
	switch s.style {
	case 0: // log4j with thread
		return fmt.Sprintf("2024-03-%02d %02d:%02d:%02d,%03d %s [%s] %s: ", 1+g.n(28), g.n(24), g.n(60), g.n(60), g.n(1000), s.level,
			g.pick("main", "IPC Server handler "+strconv.Itoa(g.n(50))+" on 8020", "AsyncDispatcher event handler", "pool-"+strconv.Itoa(g.n(9))+"-thread-"+strconv.Itoa(g.n(99))), s.component)
	case 1: // compact date, pid
		return fmt.Sprintf("%02d%02d%02d %02d%02d%02d %d %s %s: ", 8+g.n(2), 1+g.n(12), 1+g.n(28), g.n(24), g.n(60), g.n(60), g.n(5000), s.level, s.component)
	case 2: // syslog with host (with or without digits) and program[pid]
		host := g.pick("combo", "LabSZ", "authorMacBook-Pro", "calvisitor-10-105-160-"+strconv.Itoa(g.n(255)), "dn"+strconv.Itoa(g.n(999)), "gateway")
		return fmt.Sprintf("%s %2d %02d:%02d:%02d %s %s[%d]: ", g.pick("Jan", "Jun", "Jul", "Dec"), 1+g.n(28), g.n(24), g.n(60), g.n(60), host, s.component, g.n(40000))
	case 3: // Apache error log
		return fmt.Sprintf("[%s] [%s] ", g.slot("cdate"), strings.ToLower(s.level))
	case 4: // ISO + level + logger with " - "
		return fmt.Sprintf("%s %-5s [%s] %s - ", t, s.level, g.pick("http-nio-8080-exec-"+strconv.Itoa(g.n(20)), "main", "scheduling-1", "worker"), s.component)
	case 5: // Android logcat
		return fmt.Sprintf("%02d-%02d %02d:%02d:%02d.%03d  %d  %d %s %s: ", 1+g.n(12), 1+g.n(28), g.n(24), g.n(60), g.n(60), g.n(1000), g.n(9999), g.n(9999), s.level[:1], s.component)
	case 6: // pipe-separated
		return fmt.Sprintf("2017%02d%02d-%02d:%02d:%02d:%03d|%s|%d|", 1+g.n(12), 1+g.n(28), g.n(24), g.n(60), g.n(60), g.n(1000), s.component, 30000000+g.n(9999))
	case 7: // program - (Proxifier-like)
		return fmt.Sprintf("[%02d.%02d %02d:%02d:%02d] %s - ", 1+g.n(12), 1+g.n(28), g.n(24), g.n(60), g.n(60), g.pick("chrome.exe", "Dropbox.exe", "outlook.exe", "git-remote-https.exe"))
	case 8: // BGL-like RAS record
		label := "-"
		if s.level == "FATAL" {
			label = g.pick("-", "KERNDTLB", "APPREAD")
		}
		node := g.slot("node")
		return fmt.Sprintf("%s %d 2005.06.%02d %s 2005-06-%02d-%02d.%02d.%02d.%06d %s RAS %s %s ", label, 1117838570+g.n(9999999), 1+g.n(28), node,
			1+g.n(28), g.n(24), g.n(60), g.n(60), g.n(999999), node, s.component, s.level)
	case 9: // ZooKeeper-like
		return fmt.Sprintf("2015-07-%02d %02d:%02d:%02d,%03d - %-5s [%s:%s@%d] - ", 1+g.n(28), g.n(24), g.n(60), g.n(60), g.n(1000), s.level,
			g.pick("QuorumPeer[myid="+strconv.Itoa(1+g.n(3))+"]/0:0:0:0:0:0:0:0:2181", "NIOServerCxn.Factory:0.0.0.0/0.0.0.0:2181", "WorkerSender[myid="+strconv.Itoa(1+g.n(3))+"]", "SyncThread:"+strconv.Itoa(g.n(3))),
			s.component, 100+g.n(900))
	case 10: // OpenStack-like: file, time, pid, level, logger, request context
		return fmt.Sprintf("nova-%s.log.1.2017-05-16_13:53:08 2017-05-16 %02d:%02d:%02d.%03d %d %s %s [req-%s %s %s - - -] ", g.pick("api", "compute"),
			g.n(24), g.n(60), g.n(60), g.n(1000), 2000+g.n(30000), s.level, s.component, g.uuid(), g.hex(32), g.hex(32))
	}
	if h, ok := g.famHeader(s); ok {
		return h
	}
	if h, ok := g.h3Header(s); ok {
		return h
	}
	if h, ok := g.h4Header(s); ok {
		return h
	}
	return ""
}

// tmpl is one labeled template.
type tmpl struct {
	id   string
	text string
}

// systemTemplates imitate infrastructure logs (storage, batch, coordination,
// supercomputer RAS, auth, web servers, proxies, mobile, cloud).
var systemTemplates = []string{
	"Receiving block {blk} src: {sip} dest: {sip}",
	"Received block {blk} of size {big} from {sip}",
	"PacketResponder {small} for block {blk} terminating",
	"Deleting block {blk} file {path}",
	"BLOCK* ask {ipport} to replicate {blk} to datanode(s) {ipport}",
	"BLOCK* NameSystem.addStoredBlock: blockMap updated: {ipport} is added to {blk} size {big}",
	"Verification succeeded for {blk}",
	"Served block {blk} to {sip}",
	"{ipport}:Got exception while serving {blk} to {sip}:",
	"Created MRAppMaster for application {appattempt}",
	"Executing with tokens:",
	"Using callQueue class java.util.concurrent.LinkedBlockingQueue",
	"Starting Socket Reader #{small} for port {port}",
	"{attempt} TaskAttempt Transitioned from {caps} to {caps}",
	"Progress of TaskAttempt {attempt} is : {float}",
	"Assigned container {container} to {attempt}",
	"Registered signal handlers for [TERM, HUP, INT]",
	"Running task {float} in stage {float} (TID {int})",
	"Finished task {float} in stage {float} (TID {int}). {int} bytes result sent to driver",
	"Block {rdd} stored as values in memory (estimated size {size}, free {size})",
	"Found block {rdd} locally",
	"Successfully registered with driver",
	"Notification time out: {int}",
	"Received connection request {sip}",
	"Accepted socket connection from {sip}",
	"Closed socket connection for client {sip} which had sessionid {hexid}",
	"Established session {hexid} with negotiated timeout {int} for client {sip}",
	"Expiring session {hexid}, timeout of {int}ms exceeded",
	"Cannot open channel to {small} at election address {sip}",
	"Interrupted while waiting for message on queue",
	"caught end of stream exception",
	"instruction cache parity error corrected",
	"{int} double-hummer alignment exceptions",
	"CE sym {small}, at {hex}, mask {hex}",
	"generating core.{int}",
	"data TLB error interrupt",
	"ciod: failed to read message prefix on control stream (CioStream socket to {ipport}",
	"ciod: LOGIN chdir({path}) failed: No such file or directory",
	"total of {int} ddr error(s) detected and corrected",
	"rts: kernel terminated for reason {int}",
	"machine check interrupt (bit={hex}): L2 dcache unit data parity error",
	"Component State Change: Component {octq} is in the unavailable state (HWID={int})",
	"ClusterFileSystem: There is no server for ServerFileSystem domain {hostd}",
	"session opened for user {user} by (uid={small})",
	"session closed for user {user}",
	"Accepted publickey for {user} from {ip} port {port} ssh2",
	"Failed password for {user} from {ip} port {port} ssh2",
	"Failed password for invalid user {user} from {ip} port {port} ssh2",
	"Invalid user {user} from {ip}",
	"input_userauth_request: invalid user {user} [preauth]",
	"Received disconnect from {ip}: 11: Bye Bye [preauth]",
	"Connection closed by {ip} [preauth]",
	"reverse mapping checking getaddrinfo for {host} [{ip}] failed - POSSIBLE BREAK-IN ATTEMPT!",
	"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}  user={user}",
	"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={host}",
	"pam_unix(sshd:auth): check pass; user unknown",
	"PAM {small} more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}",
	"Disconnecting: Too many authentication failures for {user} [preauth]",
	"Connection reset by {ip} port {port} [preauth]",
	"error: maximum authentication attempts exceeded for invalid user {user} from {ip} port {port} ssh2 [preauth]",
	"Did not receive identification string from {ip}",
	"connection from {ip} ({hostorempty}) at {cdate}",
	"ALERT exited abnormally with [1]",
	"Killing process {pid}",
	"workerEnv.init() ok {path}",
	"mod_jk child workerEnv in error state {small}",
	"[client {ip}] Directory index forbidden by rule: {path}",
	"jk2_init() Found child {pid} in scoreboard slot {small}",
	"jk2_init() Can't find child {pid} in scoreboard",
	"[client {ip}] File does not exist: {path}",
	"{hostport} open through proxy {hostport} HTTPS",
	"{hostport} close, {int} bytes sent, {int} bytes received, lifetime {lifetime}",
	"{hostport} close, {int} bytes ({size}) sent, {int} bytes ({size}) received, lifetime {lifetime}",
	"{hostport} error : Could not connect through proxy {hostport} - Proxy server cannot establish a connection with the target, status code {int}",
	"Loaded Servicing Stack {ver} with Core: {winpath}",
	"Session: {int}_{int} initialized by client WindowsUpdateAgent.",
	"Read out cached package applicability for package: Package_for_KB{int}~31bf3856ad364e35~amd64~~6.1.1.{small}, ApplicableState: {int}, CurrentState:{int}",
	"Warning: Unrecognized packageExtended attribute.",
	"Failed to internally open package. [HRESULT = {hex} - CBS_E_INVALID_PACKAGE]",
	"Skipping AppWindowToken{{{hex} token=Token{{{hex} ActivityRecord{{{hex} u0 {activity} t{int}}}}}}}",
	"acquire lock={int}, flags={hex}, tag=\"{tag}\", name={pkg}, ws=null, uid={int}, pid={pid}",
	"printFreezingDisplayLogsopening app wtoken = AppWindowToken{{{hex} token=Token{{{hex} ActivityRecord{{{hex} u0 {activity} t{int}}}}}}}, allDrawn= {bool}, startingDisplayed =  {bool}, startingMoved =  {bool}, isRelaunching =  {bool}",
	"onStandStepChanged {int}",
	"onExtend:{big} {int} {small} {small}",
	"getTodayTotalDetailSteps = {big}##{int}##{int}##{int}",
	"flush sensor data",
	"REPORT : {int} {int} {int} {int}",
	"calculateCaloriesWithCache totalCalories={int}",
	"{ip} \"GET /v2/{hex32}/servers/detail HTTP/1.1\" status: {status} len: {int} time: {float}",
	"{ip} \"POST /v2/{hex32}/os-server-external-events HTTP/1.1\" status: {status} len: {int} time: {float}",
	"[instance: {uuid}] VM Started (Lifecycle Event)",
	"[instance: {uuid}] Took {float} seconds to spawn the instance on the hypervisor.",
	"Unknown base file: {path}",
	"Running instance usage audit for host {hostd} from {isots} to {isots}. {small} instances.",
	"IOThunderboltSwitch<0>(0x0)::listenerCallback - Thunderbolt HPD packet for route = {hex} port = {small} unplug = {small}",
	"Thermal pressure state: {small} Memory pressure state: {small}",
	"Service exited with abnormal code: {small}",
	"ARPT: {float}: wl0: MDNS: IPV4 Addr: {ip}",
	"en0: BSSID changed to {mac}",
	"PM response took {int} ms ({int}, powerd)",
	"checkpoint complete: wrote {int} buffers ({float}%); {small} WAL file(s) added, {small} removed, {small} recycled; write={float} s, sync={float} s, total={float} s",
	"connection received: host={ip} port={port}",
	"connection authorized: user={user} database={mode}",
	"duration: {float} ms  statement: SELECT * FROM users WHERE id = {int}",
	"Retrying request to {url} in {dur} (attempt {small}/{small})",
	"Scheduled job {uuid} to run at {isots}",
	"Memory usage {pct} exceeds threshold {pct}",
	"Disk {path} is {pct} full",
	"Certificate for {host} expires on {date}",
	"Lease {hexid} granted to {email}",
	"Rate limit exceeded for client {uuid}: {int} requests in {dur}",
	"DNS lookup of {host} took {dur}",
	"http: TLS handshake error from {ipport}: EOF",
	"http: TLS handshake error from {ipport}: remote error: tls: bad certificate",
	"Unable to resolve host {host}: Name or service not known",
	"Mounted filesystem /dev/{dev} on {path}",
	"{iface}: link up, {int}Mbps, full-duplex",
	"usb {small}-{small}: new high-speed USB device number {small} using ehci_hcd",
	"CPU{small}: Core temperature above threshold, cpu clock throttled (total events = {int})",
	"EXT4-fs ({dev}): mounted filesystem with ordered data mode. Opts: (null)",
	"nfs: server {host} not responding, still trying",
	"nfs: server {host} OK",
	"cpus [{intlist}] brought online",
	"peer {ipv6} unreachable, next hop {ipv6}",
	"config reloaded: mode={mode}, debug={bool}, workers={small}",
	"ignoring unknown option {squoted} in {path}",
	"cache entry {quoted} evicted after {dur}",
	"upload of {path} to {url} finished: {size} in {dur}",
	"GC pause {dur} (young), heap {size} -> {size}",
	"Out of memory: Kill process {pid} ({proc}) score {int} or sacrifice child",
	"Changing view acls to: {user}",
	"Notification: {small} (n.leader), {hexid} (n.zxid), {hex} (n.round), {zkstate} (n.state), {small} (n.sid), {hex} (n.peerEpoch), {zkstate} (my state)",
	"Processing the event EventType: {enum} for container {container} taskAttempt {attempt}",
	"Endpoint has been activated through legacy launch(3) APIs. Please switch to XPC or bootstrap_check_in(): {bundle}",
	"Registering class {fqcn} for class {fqcn}",
	"{hostport} open through proxy {hostport} SOCKS5",
	"Before Scheduling: PendingReds:{small} ScheduledMaps:{small} ScheduledReds:{small} AssignedMaps:{small} AssignedReds:{small} CompletedMaps:{small} CompletedReds:{small} ContAlloc:{small} ContRel:{small} HostLocal:{small} RackLocal:{small}",
	"Address change detected. Old: {hostd}/{ip}:{port} New: {hostd}:{port}",
	"Retrying connect to server: {hostd}:{port}. Already tried {small} time(s); retry policy is RetryUpToMaximumCountWithFixedSleep(maxRetries={small}, sleepTime={int} MILLISECONDS)",
	"Final resource view: name={host} phys_ram={int}MB used_ram={int}MB phys_disk={int}GB used_disk={int}GB total_vcpus={small} used_vcpus={small} pci_stats=[]",
	"[instance: {uuid}] Attempting claim: memory {int} MB, disk {int} GB, vcpus {small} CPU",
	"Class {objcclass} is implemented in both {path} and {path}. One of the two will be used.",
	"message repeated {small} times: [ Failed password for {user} from {ip} port {port} ssh2]",
	"Bad protocol version identification {squoted} from {ip} port {port}",
	"Starting thread to transfer block {blk} to {ipportlist}",
	"BLOCK* ask {ipport} to delete {blklist}",
	"syslogd {ver}: restart.",
	"Memory: {int}k/{int}k available ({int}k kernel code, {int}k reserved, {int}k data, {int}k init, {int}k highmem)",
	"ANONYMOUS FTP LOGIN FROM {ip}, (anonymous)",
	"Authentication failed from {ip} ({ip}): Permission denied in replay cache code",
	"{csiid} WcpInitialize (wcp.dll version {ver}) called (stack {stacklist})",
	"release:lock={int}, flg={hex}, tag=\"{tag}\", name={pkg}, ws=null, uid={int}, pid={pid}",
	"ciod: Error loading {path}: invalid or missing program image, Exec format error",
	"Lustre mount FAILED : {hostd} : block_id : location",
	"Told master about block broadcast_{small}_piece{small}",
	"[client {ip}] script not found or unable to stat: {path}",
	"{bundle}: connection invalidated",
	"Wake reason: {wake}",
	"Failed none for invalid user {maybeuser} from {ip} port {port} ssh2",
}

// heldoutTemplates were written after the rules, in other domains, and
// measured before any rule was changed for them: they estimate how the rules
// generalize. New rules must not be tuned on them one by one.
var heldoutTemplates = []string{
	"Pulling image \"{image}\"",
	"Successfully pulled image \"{image}\" in {dur}",
	"Back-off restarting failed container {word} in pod {pod}_{ns}({uuid})",
	"Liveness probe failed: Get \"http://{ip}:{port}/healthz\": context deadline exceeded",
	"Readiness probe failed: HTTP probe failed with statuscode: {status}",
	"MountVolume.SetUp failed for volume \"{word}-token-{hex5}\" : secret \"{word}-token-{hex5}\" not found",
	"Scaled up replica set {word}-{hex9} to {small}",
	"Node {hostd} status is now: NodeNotReady",
	"Job #{int} triggered by {user} on branch {branch}",
	"Step {small}/{small} : RUN {cmd}",
	"Build {uuid} finished with status {cistatus} in {dur}",
	"Cache restored from key: {word}-{hex32}",
	"postfix/smtpd[{pid}]: connect from {host}[{ip}]",
	"postfix/smtpd[{pid}]: lost connection after AUTH from unknown[{ip}]",
	"postfix/qmgr[{pid}]: {hexq}: from=<{email}>, size={int}, nrcpt={small} (queue active)",
	"postfix/smtp[{pid}]: {hexq}: to=<{email}>, relay={host}[{ip}]:25, delay={float}, dsn=2.0.0, status=sent (250 OK)",
	"dovecot: imap-login: Login: user=<{email}>, method=PLAIN, rip={ip}, lip={ip}, mpid={pid}, TLS",
	"IN=eth0 OUT= MAC={mac}:{mac} SRC={ip} DST={ip} LEN={int} TOS=0x00 PREC=0x00 TTL={small} ID={int} PROTO=TCP SPT={port} DPT={port} WINDOW={int} RES=0x00 SYN URGP=0",
	"Blocked outbound connection to {ip}:{port} by rule {quoted}",
	"LOG:  duration: {float} ms  execute <unnamed>: SELECT * FROM orders WHERE customer_id = $1",
	"LOG:  checkpoint starting: time",
	"ERROR:  canceling statement due to statement timeout",
	"FATAL:  password authentication failed for user \"{user}\"",
	"Aborted connection {int} to db: '{word}' user: '{user}' host: '{ip}' (Got timeout reading communication packets)",
	"InnoDB: page_cleaner: 1000ms intended loop took {int}ms. The settings might not be optimal.",
	"slow query: {float}s {quoted}",
	"device {mac} reported temperature {float}C humidity {pct}",
	"sensor {word}-{small} battery low ({pct})",
	"firmware update for {hostd} failed: checksum mismatch (expected {hex32}, got {hex32})",
	"player {user} joined the game",
	"player {user} left the game",
	"{user} was slain by Zombie",
	"Saving chunks for level 'ServerLevel[{word}]'/minecraft:overworld",
	"Can't keep up! Is the server overloaded? Running {int}ms or {int} ticks behind",
	"[{ip}] \"{method} {urlpath} HTTP/1.1\" {status} {int} \"-\" \"Mozilla/5.0 ({ua})\"",
	"upstream timed out (110: Connection timed out) while reading response header from upstream, client: {ip}, server: {host}, request: \"GET {urlpath} HTTP/1.1\", upstream: \"http://{ipport}{urlpath}\"",
	"worker process {pid} exited on signal {small}",
	"Accepted connection from {ipport} (fd {small})",
	"Client id={int} addr={ipport} fd={small} name= age={int} idle={int} flags=N db=0 sub=0 psub=0 multi=-1 qbuf=0 cmd=client",
	"Background saving terminated with success",
	"{int} changes in {int} seconds. Saving...",
	"kube-apiserver: audit: user \"system:serviceaccount:{ns}:{word}\" denied {verb} on {resource}",
}

// appTemplates imitate application error logs (the main use of the fingerprint).
var appTemplates = []string{
	"failed to connect to database at {ipport}: connection refused",
	"failed to connect to database at {ipport}: timeout after {dur}",
	"order {int} not found",
	"payment {uuid} declined: insufficient funds",
	"invalid JSON in request body: unexpected end of input at position {int}",
	"user {email} is not allowed to access project {int}",
	"request {uuid} timed out after {dur}",
	"could not parse config file {path}: yaml: line {int}: did not find expected key",
	"upstream {url} returned {status}",
	"cannot allocate {size} for buffer",
	"unexpected status code {status} from {url}",
	"failed to send email to {email}: 550 mailbox unavailable",
	"queue orders is full ({int}/{int}), dropping message {hexid}",
	"lock {quoted} held by {hostd} for {dur}, giving up",
	"deadlock detected while updating row {int} in table {qword}",
	"column {quoted} of relation {quoted} does not exist",
	"duplicate key value violates unique constraint {quoted}",
	"context deadline exceeded while calling inventory.Reserve",
	"panic recovered in handler {urlpath}: runtime error: invalid memory address or nil pointer dereference",
	"token for {email} expired at {isots}",
	"file {path} too large: {size} > {size}",
	"Invalid value {qword} for field 'status'",
	"GET {urlpath} failed with {status} after {dur}",
	"worker {hostd} lost heartbeat, last seen {isots}",
	"S3 upload failed: bucket=media key=uploads/{uuid}.jpg err=SlowDown",
	"kafka: offset {int} out of range for partition {small} of topic events",
	"circuit breaker opened for {host} after {small} failures",
	"certificate verify failed for {host}: x509: certificate has expired",
	"job {uuid} exceeded memory limit {size}",
	"could not acquire advisory lock {int}: timeout",
	"retry {small}/{small} for webhook {url}",
	"session {hex32} not found in redis",
	"failed to decode message {hexid}: proto: cannot parse invalid wire-format data",
	"disk write error on {path}: no space left on device",
	"password reset requested for {email} from {ip}",
	"unknown tenant {uuid} in header X-Tenant-ID",
}

// nearMissPairs differ by one constant word: the two sides must not merge.
var nearMissPairs = [][2]string{
	{"Connection opened to {ipport}", "Connection closed to {ipport}"},
	{"Disk {path} mounted", "Disk {path} unmounted"},
	{"user {user} logged in from {ip}", "user {user} logged out from {ip}"},
	{"Cache hit for key {quoted}", "Cache miss for key {quoted}"},
	{"Job {uuid} started", "Job {uuid} finished"},
	{"Failed to read block {blk}", "Failed to write block {blk}"},
	{"Lock acquired on {path}", "Lock released on {path}"},
	{"Replica {small} is now leader for range {int}", "Replica {small} is now follower for range {int}"},
	{"Retrying upload of {path} in {dur}", "Retrying download of {path} in {dur}"},
	{"Health check passed for {ipport}", "Health check failed for {ipport}"},
	{"enabling interface {iface}", "disabling interface {iface}"},
	{"Table {quoted} created", "Table {quoted} dropped"},
	{"{int} messages acknowledged", "{int} messages rejected"},
	{"GET {urlpath} returned {status}", "POST {urlpath} returned {status}"},
	{"Transitioned from {caps} to {caps}", "Reverted from {caps} to {caps}"},
	{"session opened for user {user}", "session closed for user {user}"},
	{"Accepted password for {user} from {ip} port {port} ssh2", "Failed password for {user} from {ip} port {port} ssh2"},
	{"connection to {host} succeeded", "connection to {host} failed"},
	{"PacketResponder {small} for block {blk} terminating", "PacketResponder {small} for block {blk} interrupted"},
	{"temperature {float}C above threshold on CPU{small}", "temperature {float}C below threshold on CPU{small}"},
	{"Memory pressure state: {small}", "Thermal pressure state: {small}"},
	{"Receiving block {blk} src: {sip} dest: {sip}", "Received block {blk} src: {sip} dest: {sip}"},
	{"request {uuid} took {dur} (slow)", "request {uuid} took {dur} (fast)"},
	{"Invalid user {user} from {ip}", "Unknown user {user} from {ip}"},
	{"order {int} not found", "order {int} not paid"},
	{"could not open {path}: permission denied", "could not open {path}: no such file or directory"},
	{"TLS handshake with {ipport} failed", "TCP handshake with {ipport} failed"},
	{"queue {qword} is full", "queue {qword} is empty"},
	{"Stopping container {hex32}", "Starting container {hex32}"},
	{"Backup of {path} succeeded in {dur}", "Restore of {path} succeeded in {dur}"},
	{"Memory usage {pct} exceeds threshold {pct}", "CPU usage {pct} exceeds threshold {pct}"},
	{"Failed to send email to {email}", "Failed to send sms to {email}"},
	{"Pushed {int} rows to replica {hostd}", "Pulled {int} rows from replica {hostd}"},
	{"Node {hostd} joined the cluster", "Node {hostd} left the cluster"},
	{"Writing checkpoint {int} to {path}", "Reading checkpoint {int} from {path}"},
	{"index {qword} is read-only", "index {qword} is write-only"},
	{"{hostport} open through proxy {hostport} HTTPS", "{hostport} open directly {hostport} HTTPS"},
	{"Node {hostd} state changed to {caps} by admin", "Node {hostd} state restored to {caps} by admin"},
	{"Error reading config {path}", "Warning reading config {path}"},
	{"EventType: {enum} dispatched", "EventType: {enum} dropped"},
}

// labelRegistry gives one label to one template text across corpus files, so
// that the same statement in two files is one true group.
type labelRegistry map[string]string

func (r labelRegistry) of(id, text string) string {
	if l, ok := r[text]; ok {
		return l
	}
	r[text] = id
	return id
}

var labels = labelRegistry{}

// templateSources picks a fixed source (header style, level, component) per template.
func (g *gen) templateSource(i int, styles []int) source {
	levels := []string{"INFO", "WARN", "ERROR", "INFO", "FATAL", "DEBUG"}
	components := []string{"dfs.DataNode$PacketResponder", "org.apache.hadoop.mapreduce.v2.app.MRAppMaster", "storage.BlockManager",
		"sshd", "kernel", "QuorumCnxManager", "com.acme.orders.OrderService", "nova.compute.manager", "PowerManagerService", "Step_LSC", "KERNEL", "APP"}
	return source{style: styles[i%len(styles)], level: levels[g.n(len(levels))], component: components[g.n(len(components))]}
}

// counts are the group sizes drawn per template: a few large groups and many small ones.
func (g *gen) count() int {
	return []int{1, 2, 3, 5, 8, 12, 20, 30, 45}[g.n(9)]
}

// genTSV renders labeled lines for templates: each template gets a source, and
// a fraction of the templates is logged without any header (content only), as
// a data set is either all headers or none.
func (g *gen) genTSV(prefix string, templates []string, styles []int, noHeader float64) []tmpl {
	var out []tmpl
	for i, t := range templates {
		src := g.templateSource(i, styles)
		bare := g.chance(noHeader)
		id := labels.of(fmt.Sprintf("%s%03d", prefix, i), t)
		out = g.lines(out, id, t, src, bare, g.count())
	}
	g.shuffle(out)
	return out
}

// lines appends n labeled instances of template t, with src's header unless bare.
func (g *gen) lines(out []tmpl, id, t string, src source, bare bool, n int) []tmpl {
	for k := 0; k < n; k++ {
		msg := g.expand(t)
		if !bare {
			msg = g.header(src) + msg
		}
		out = append(out, tmpl{id: id, text: msg})
	}
	return out
}

func (g *gen) shuffle(out []tmpl) {
	g.r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
}

func genSystemCorpus() []tmpl {
	g := newGen(1)
	styles := make([]int, numHeaderStyles)
	for i := range styles {
		styles[i] = i
	}
	// Twice over, with other sources: the same statement seen in two products.
	a := g.genTSV("sys", systemTemplates, styles, 0.25)
	return a
}

func genAppCorpus() []tmpl {
	g := newGen(2)
	out := g.genTSV("app", appTemplates, []int{0, 4, 2, 10}, 0.2)
	// logfmt and JSON bodies.
	for i, t := range appTemplates {
		id := labels.of(fmt.Sprintf("app%03d", i), t)
		for k, n := 0, 1+g.n(4); k < n; k++ {
			msg := g.expand(t)
			esc := strings.ReplaceAll(msg, `\`, `\\`)
			esc = strings.ReplaceAll(esc, `"`, `\"`)
			if g.chance(0.5) {
				msg = fmt.Sprintf(`time=%q level=error caller=%s:%d msg="%s" trace_id=%s`, g.isoTime(), g.pick("server.go", "worker.go"), g.n(400), esc, g.hex(32))
			} else {
				msg = fmt.Sprintf(`{"level":"error","ts":%d.%d,"logger":"%s","msg":"%s","pid":%d}`, 1700000000+g.n(9999999), g.n(999), g.pick("api", "worker"), esc, g.n(9999))
			}
			out = append(out, tmpl{id: id, text: msg})
		}
	}
	g.shuffle(out)
	return out
}

func genNearMissCorpus() []tmpl {
	g := newGen(3)
	var flat []string
	for _, p := range nearMissPairs {
		flat = append(flat, p[0], p[1])
	}
	var out []tmpl
	for i, t := range flat {
		id := labels.of(fmt.Sprintf("near%03d", i), t)
		src := source{style: []int{0, 2, 4, 9}[(i/2)%4], level: "WARN", component: "com.acme.Cluster"}
		out = g.lines(out, id, t, src, (i/2)%3 == 0, 4+g.n(10))
	}
	g.shuffle(out)
	return out
}

func renderTSV(lines []tmpl) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.id)
		b.WriteByte('\t')
		b.WriteString(l.text)
		b.WriteByte('\n')
	}
	return b.String()
}

// stackRecord is one line of stacks.jsonl: a label and an OTLP-like record
// with attributes under their OpenTelemetry names.
type stackRecord struct {
	Label          string            `json:"label"`
	Body           string            `json:"body,omitempty"`
	SeverityNumber int32             `json:"severity_number,omitempty"`
	Attributes     map[string]string `json:"attributes,omitempty"`
	Resource       map[string]string `json:"resource,omitempty"`
}

func newStackRecord(label string, r Record) stackRecord {
	sr := stackRecord{Label: label, Body: r.Body, SeverityNumber: r.SeverityNumber, Attributes: map[string]string{}}
	for k, v := range map[string]string{
		"error.fingerprint": r.Fingerprint, "exception.type": r.ExceptionType, "exception.message": r.ExceptionMessage,
		"exception.stacktrace": r.ExceptionStacktrace, "code.function.name": r.CodeFunction,
	} {
		if v != "" {
			sr.Attributes[k] = v
		}
	}
	if r.SDKLanguage != "" {
		sr.Resource = map[string]string{"telemetry.sdk.language": r.SDKLanguage}
	}
	return sr
}

func (sr *stackRecord) record() Record {
	a := sr.Attributes
	return Record{
		Body: sr.Body, SeverityNumber: sr.SeverityNumber, Fingerprint: a["error.fingerprint"],
		ExceptionType: a["exception.type"], ExceptionMessage: a["exception.message"],
		ExceptionStacktrace: a["exception.stacktrace"], CodeFunction: a["code.function.name"],
		SDKLanguage: sr.Resource["telemetry.sdk.language"],
	}
}

// bug is one error in one runtime: its type chain and in-app call path.
type bug struct {
	lang   string
	types  []string // outermost first
	frames []string // in-app frames, innermost first: "pkg.Class.method" or "dir/file:func"
	msg    string   // message template
}

var stackBugs = []bug{
	{"java", []string{"java.lang.IllegalStateException"}, []string{"com.shop.orders.OrderService.load", "com.shop.orders.OrderController.get"}, "order {int} not found"},
	{"java", []string{"java.lang.IllegalArgumentException"}, []string{"com.shop.orders.OrderService.load", "com.shop.orders.OrderController.get"}, "order {int} not found"},
	{"java", []string{"java.lang.IllegalStateException"}, []string{"com.shop.orders.OrderService.save", "com.shop.orders.OrderController.post"}, "cannot save order {int}"},
	{"java", []string{"org.springframework.dao.DataAccessResourceFailureException", "java.sql.SQLTransientConnectionException", "java.net.ConnectException"}, []string{"com.shop.db.Repo.find", "com.shop.orders.OrderService.load"}, "could not connect to {ipport}"},
	{"java", []string{"org.springframework.dao.DataAccessResourceFailureException", "java.sql.SQLTransientConnectionException"}, []string{"com.shop.db.Repo.find", "com.shop.orders.OrderService.load"}, "could not connect to {ipport}"},
	{"java", []string{"java.lang.NullPointerException"}, []string{"com.shop.cart.Cart$Item.price", "com.shop.cart.Cart.total", "com.shop.cart.CartController.lambda$view$0"}, "Cannot invoke \"Item.price()\" because \"item\" is null"},
	{"kotlin", []string{"kotlin.UninitializedPropertyAccessException"}, []string{"com.shop.app.MainViewModel.refresh", "com.shop.app.MainFragment.onResume"}, "lateinit property repo has not been initialized"},
	{"python", []string{"KeyError"}, []string{"app/handlers/users.py:get_user", "app/views.py:dispatch"}, "'user_{int}'"},
	{"python", []string{"app.errors.DatabaseError", "ConnectionRefusedError"}, []string{"app/db.py:connect", "app/handlers/users.py:get_user"}, "cannot connect to db-{small}"},
	{"python", []string{"ValueError"}, []string{"app/parse.py:parse_amount", "app/handlers/pay.py:charge"}, "invalid literal for int() with base 10: '{float}'"},
	{"python", []string{"TypeError"}, []string{"app/parse.py:parse_amount", "app/handlers/pay.py:charge"}, "unsupported operand type(s) for +: 'int' and 'str'"},
	{"python", []string{"ZeroDivisionError"}, []string{"app/stats.py:<lambda>", "app/stats.py:mean", "app/report.py:build"}, "division by zero"},
	{"go", []string{"panic: runtime error: index out of range [{small}] with length {small}"}, []string{"github.com/acme/api/internal/router.(*Router).match", "github.com/acme/api/internal/router.(*Router).ServeHTTP"}, ""},
	{"go", []string{"panic: runtime error: invalid memory address or nil pointer dereference"}, []string{"github.com/acme/api/internal/store.(*DB).Get", "github.com/acme/api/internal/handlers.GetUser.func1"}, ""},
	{"go", []string{"panic: order {int} has no items"}, []string{"github.com/acme/api/internal/orders.Total", "main.main"}, ""},
	{"go", []string{"fatal error: concurrent map writes"}, []string{"github.com/acme/api/internal/cache.(*Cache).Set", "github.com/acme/api/internal/cache.(*Cache).Refresh.gowrap1"}, ""},
	{"node", []string{"TypeError"}, []string{"src/services/user.js:UserService.find", "src/routes/users.js:"}, "Cannot read properties of undefined (reading '{qword}')"},
	{"node", []string{"RangeError"}, []string{"src/services/user.js:UserService.find", "src/routes/users.js:"}, "Invalid array length"},
	{"node", []string{"Error", "Error"}, []string{"src/db/pool.js:Pool.connect", "src/services/order.js:OrderService.create"}, "connect ECONNREFUSED {ipport}"},
	{"node", []string{"SyntaxError"}, []string{"src/util/json.js:parseBody", "src/middleware/body.js:bodyParser"}, "Unexpected token } in JSON at position {int}"},
	{"dotnet", []string{"System.InvalidOperationException"}, []string{"Shop.Orders.OrderService.Load", "Shop.Api.OrdersController.Get"}, "Sequence contains no elements"},
	{"dotnet", []string{"System.InvalidOperationException", "System.IO.IOException"}, []string{"Shop.Storage.Disk.Write", "Shop.Orders.OrderService.SaveAsync"}, "Save of order {int} failed"},
	{"dotnet", []string{"System.NullReferenceException"}, []string{"Shop.Orders.OrderService.Load", "Shop.Api.OrdersController.Get"}, "Object reference not set to an instance of an object."},
	{"dotnet", []string{"System.Collections.Generic.KeyNotFoundException"}, []string{"Shop.Catalog.PriceList.Lookup", "Shop.Api.CatalogController.Price"}, "The given key '{int}' was not present in the dictionary."},
	{"ruby", []string{"NoMethodError"}, []string{"app/models/user.rb:full_name", "app/controllers/users_controller.rb:show"}, "undefined method `name' for nil"},
	{"ruby", []string{"ActiveRecord::RecordNotFound"}, []string{"app/models/user.rb:full_name", "app/controllers/users_controller.rb:show"}, "Couldn't find User with 'id'={int}"},
	{"ruby", []string{"ArgumentError"}, []string{"app/services/billing.rb:charge", "app/jobs/billing_job.rb:perform"}, "invalid amount {float}"},
	{"ruby", []string{"Net::ReadTimeout", "Errno::ECONNRESET"}, []string{"app/clients/payments.rb:post", "app/services/billing.rb:charge"}, "Net::ReadTimeout with #<TCPSocket:(closed)>"},
}

// renderStack writes a stack trace for b in its runtime's text form, with
// varying line numbers, messages and system frames.
func (g *gen) renderStack(b bug) (typ, msg, stack string) {
	line := func() int { return 1 + g.n(900) }
	msgs := make([]string, len(b.types))
	for i := range msgs {
		msgs[i] = g.expand(b.msg)
		if i > 0 {
			msgs[i] = g.expand(g.pick("connection refused", "timeout after {dur}", "reset by peer {ip}"))
		}
	}
	types := make([]string, len(b.types))
	for i, t := range b.types {
		types[i] = g.expand(t)
	}
	var s strings.Builder
	switch b.lang {
	case "java", "kotlin":
		ext := ".java"
		if b.lang == "kotlin" {
			ext = ".kt"
		}
		jframe := func(f string) {
			dot := strings.LastIndexByte(f, '.')
			cls := f[:dot]
			file := cls[strings.LastIndexByte(cls, '.')+1:]
			if i := strings.IndexByte(file, '$'); i >= 0 {
				file = file[:i]
			}
			fmt.Fprintf(&s, "\tat %s(%s%s:%d)\n", f, file, ext, line())
		}
		for i, t := range types {
			if i == 0 {
				fmt.Fprintf(&s, "%s: %s\n", t, msgs[i])
				if g.chance(0.3) {
					fmt.Fprintf(&s, "\tat java.base/java.util.Objects.requireNonNull(Objects.java:%d)\n", line())
				}
				for k, f := range b.frames {
					jframe(f)
					if k == 0 && g.chance(0.3) { // a Spring proxy between the frames
						dot := strings.LastIndexByte(f, '.')
						fmt.Fprintf(&s, "\tat %s$$SpringCGLIB$$%d.%s(<generated>)\n", f[:dot], g.n(3), f[dot+1:])
					}
				}
				for k := 0; k < g.n(5); k++ {
					fmt.Fprintf(&s, "\tat %s(%s.java:%d)\n", g.pick("org.springframework.web.servlet.FrameworkServlet.service", "jdk.internal.reflect.GeneratedMethodAccessor"+strconv.Itoa(g.n(300))+".invoke", "org.apache.catalina.core.ApplicationFilterChain.doFilter", "java.base/java.lang.Thread.run"), "X", line())
				}
				continue
			}
			fmt.Fprintf(&s, "Caused by: %s: %s\n", t, msgs[i])
			fmt.Fprintf(&s, "\tat %s(Native Method)\n\t... %d more\n", g.pick("sun.nio.ch.Net.connect0", "java.net.PlainSocketImpl.socketConnect"), 3+g.n(30))
		}
	case "python":
		for i := len(types) - 1; i >= 0; i-- {
			s.WriteString("Traceback (most recent call last):\n")
			if i == 0 {
				for k := len(b.frames) - 1; k >= 0; k-- {
					f := b.frames[k]
					c := strings.IndexByte(f, ':')
					fmt.Fprintf(&s, "  File \"%s/%s\", line %d, in %s\n    x = y(%d)\n", g.pick("/srv", "/app", "/home/deploy/current"), f[:c], line(), f[c+1:], g.n(9))
				}
			} else {
				fmt.Fprintf(&s, "  File \"%s/site-packages/psycopg2/__init__.py\", line %d, in connect\n    conn = _connect(dsn)\n", g.pick("/usr/lib/python3.11", "/venv/lib/python3.12"), line())
			}
			if i > 0 && g.chance(0.3) {
				fmt.Fprintf(&s, "  File \"/usr/lib/python3.11/socket.py\", line %d, in create_connection\n    raise err\n", line())
			}
			fmt.Fprintf(&s, "%s: %s\n", types[i], msgs[i])
			if i > 0 {
				s.WriteString("\n" + g.pick("The above exception was the direct cause of the following exception:", "During handling of the above exception, another exception occurred:") + "\n\n")
			}
		}
	case "go":
		fmt.Fprintf(&s, "%s\n\ngoroutine %d [running]:\n", types[0], 1+g.n(500))
		if g.chance(0.5) {
			fmt.Fprintf(&s, "panic({0x%s, 0x%s})\n\t/usr/local/go/src/runtime/panic.go:%d +0x%s\n", g.hex(6), g.hex(6), line(), g.hex(3))
		}
		for _, f := range b.frames {
			fmt.Fprintf(&s, "%s(0x%s, {0x%s, 0x%s})\n\t/build/%s.go:%d +0x%s\n", f, g.hex(10), g.hex(6), g.hex(10), g.pick("a", "b/c"), line(), g.hex(3))
		}
		fmt.Fprintf(&s, "net/http.HandlerFunc.ServeHTTP(...)\n\t/usr/local/go/src/net/http/server.go:%d\ncreated by net/http.(*Server).Serve in goroutine %d\n\t/usr/local/go/src/net/http/server.go:%d +0x%s\n", line(), g.n(9), line(), g.hex(3))
		if g.chance(0.5) {
			fmt.Fprintf(&s, "\ngoroutine %d [IO wait]:\ninternal/poll.runtime_pollWait(0x%s, 0x72)\n\t/usr/local/go/src/runtime/netpoll.go:%d +0x85\n", g.n(50), g.hex(10), line())
		}
		types[0] = ""
	case "node":
		fmt.Fprintf(&s, "%s: %s\n", types[0], msgs[0])
		for _, f := range b.frames {
			c := strings.IndexByte(f, ':')
			if f[c+1:] == "" {
				fmt.Fprintf(&s, "    at %s/%s:%d:%d\n", g.pick("/app", "/srv/api"), f[:c], line(), line())
			} else {
				fmt.Fprintf(&s, "    at %s (%s/%s:%d:%d)\n", f[c+1:], g.pick("/app", "/srv/api"), f[:c], line(), line())
			}
		}
		for k := 0; k < g.n(4); k++ {
			fmt.Fprintf(&s, "    at %s\n", g.pick("Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)", "process.processTicksAndRejections (node:internal/process/task_queues:95:5)", "async Promise.all (index "+strconv.Itoa(g.n(5))+")"))
		}
		if len(types) > 1 {
			fmt.Fprintf(&s, "  [cause]: %s: %s\n      at TCPConnectWrap.afterConnect [as oncomplete] (node:net:%d:16)\n", types[1], msgs[1], line())
		}
	case "dotnet":
		fmt.Fprintf(&s, "%s: %s", types[0], msgs[0])
		for i := 1; i < len(types); i++ {
			fmt.Fprintf(&s, " ---> %s: %s", types[i], msgs[i])
		}
		s.WriteString("\n")
		dframe := func(f string) {
			dot := strings.LastIndexByte(f, '.')
			cls, m := f[:dot], f[dot+1:]
			if strings.HasSuffix(m, "Async") {
				fmt.Fprintf(&s, "   at %s.<%s>d__%d.MoveNext() in /src/%s.cs:line %d\n", cls, m, g.n(20), strings.ReplaceAll(cls, ".", "/"), line())
				s.WriteString("--- End of stack trace from previous location ---\n   at System.Runtime.CompilerServices.TaskAwaiter.ThrowForNonSuccess(Task task)\n")
				return
			}
			fmt.Fprintf(&s, "   at %s(%s) in %s/%s.cs:line %d\n", f, g.pick("", "Int32 id", "String key, Boolean force"), g.pick("/src", `C:\build`), strings.ReplaceAll(cls, ".", "/"), line())
		}
		if len(types) > 1 {
			fmt.Fprintf(&s, "   at %s(Byte[] data) in /src/Inner.cs:line %d\n   --- End of inner exception stack trace ---\n", b.frames[0], line())
			for _, f := range b.frames[1:] {
				dframe(f)
			}
		} else {
			for _, f := range b.frames {
				dframe(f)
			}
		}
		for k := 0; k < g.n(3); k++ {
			fmt.Fprintf(&s, "   at %s\n", g.pick("Microsoft.AspNetCore.Mvc.Infrastructure.ActionMethodExecutor.Execute(Object controller)", "System.Threading.ExecutionContext.RunInternal(ExecutionContext ctx)"))
		}
	case "ruby":
		q := func(fn string) string {
			if g.chance(0.5) {
				return "`" + fn + "'"
			}
			return "'" + fn + "'"
		}
		for i, f := range b.frames {
			c := strings.IndexByte(f, ':')
			fn := f[c+1:]
			if g.chance(0.3) {
				fn = "block in " + fn
			}
			loc := fmt.Sprintf("%s/%s:%d:in %s", g.pick("/app", "/srv/www/current"), f[:c], line(), q(fn))
			if i == 0 {
				fmt.Fprintf(&s, "%s: %s (%s)\n", loc, msgs[0], types[0])
			} else {
				fmt.Fprintf(&s, "\tfrom %s\n", loc)
			}
		}
		for k := 0; k < g.n(3); k++ {
			fmt.Fprintf(&s, "\tfrom /usr/local/bundle/gems/actionpack-7.%d.%d/lib/abstract_controller/base.rb:%d:in %s\n", g.n(3), g.n(9), line(), q("process"))
		}
		for i := 1; i < len(types); i++ {
			fmt.Fprintf(&s, "/usr/lib/ruby/3.2.0/net/protocol.rb:%d:in %s: %s (%s)\n", line(), q("rbuf_fill"), msgs[i], types[i])
		}
	}
	return types[0], msgs[0], s.String()
}

func genStackCorpus() []stackRecord {
	g := newGen(4)
	var out []stackRecord
	for i, b := range stackBugs {
		label := fmt.Sprintf("bug%02d-%s", i, b.lang)
		for k, n := 0, 10+g.n(40); k < n; k++ {
			typ, msg, st := g.renderStack(b)
			r := Record{SeverityNumber: 17, Body: "request failed", ExceptionStacktrace: st}
			if g.chance(0.7) {
				r.SDKLanguage = map[string]string{"kotlin": "java", "node": "nodejs"}[b.lang]
				if r.SDKLanguage == "" {
					r.SDKLanguage = b.lang
				}
			}
			if g.chance(0.6) {
				r.ExceptionType, r.ExceptionMessage = typ, msg
			}
			out = append(out, newStackRecord(label, r))
		}
	}
	// Exceptions without a stack: type + message.
	noStack := []struct{ typ, msg string }{
		{"ValueError", "invalid literal for int() with base 10: {qword}"},
		{"TypeError", "invalid literal for int() with base 10: {qword}"},
		{"java.util.concurrent.TimeoutException", "Timeout waiting for task {uuid} after {dur}"},
		{"java.util.concurrent.CancellationException", "Timeout waiting for task {uuid} after {dur}"},
		{"*url.Error", "Get \"{url}\": dial tcp {ipport}: connect: connection refused"},
		{"*net.OpError", "dial tcp {ipport}: i/o timeout"},
		{"Errno::ENOENT", "No such file or directory @ rb_sysopen - {path}"},
	}
	for i, e := range noStack {
		label := fmt.Sprintf("exc%02d", i)
		for k, n := 0, 5+g.n(20); k < n; k++ {
			out = append(out, newStackRecord(label, Record{SeverityNumber: 17, Body: "x", ExceptionType: e.typ, ExceptionMessage: g.expand(e.msg)}))
		}
	}
	// Plain error logs with code.function: the same text from two functions is two groups.
	plain := []struct{ fn, msg string }{
		{"com.shop.orders.OrderService.load", "order {int} not found"},
		{"com.shop.orders.OrderService.cancel", "order {int} not found"},
		{"app.handlers.users.get_user", "user {email} not found"},
		{"", "user {email} not found"},
	}
	for i, p := range plain {
		label := fmt.Sprintf("log%02d", i)
		for k, n := 0, 5+g.n(20); k < n; k++ {
			out = append(out, newStackRecord(label, Record{SeverityNumber: 17, Body: g.expand(p.msg), CodeFunction: p.fn}))
		}
	}
	g.r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func renderJSONL(recs []stackRecord) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for _, r := range recs {
		if err := enc.Encode(r); err != nil {
			panic(err)
		}
	}
	return b.String()
}

func genHeldoutCorpus() []tmpl {
	g := newGen(5)
	return g.genTSV("held", heldoutTemplates, []int{2, 0, 4, 1, 3}, 0.4)
}

// corpusFiles returns the generated content of each corpus file. The order of
// generation fixes which file's id names a template shared by several files.
func corpusFiles() map[string]string {
	clear(labels)
	system := renderTSV(genSystemCorpus())
	app := renderTSV(genAppCorpus())
	near := renderTSV(genNearMissCorpus())
	held := renderTSV(genHeldoutCorpus())
	held2 := renderTSV(genHeldout2Corpus())
	held3 := renderTSV(genHeldout3Corpus())
	held4 := renderTSV(genHeldout4Corpus())
	held5 := renderTSV(genHeldout5Corpus())
	held6 := renderTSV(genHeldout6Corpus())
	held7 := renderTSV(genHeldout7Corpus())
	held8 := renderTSV(genHeldout8Corpus())
	held9 := renderTSV(genHeldout9Corpus())
	held10 := renderTSV(genHeldout10Corpus())
	held11 := renderTSV(genHeldout11Corpus())
	held12 := renderTSV(genHeldout12Corpus())
	held13 := renderTSV(genHeldout13Corpus())
	held14 := renderTSV(genHeldout14Corpus())
	files := map[string]string{
		"heldout14.tsv": held14,
		"heldout13.tsv": held13,
		"heldout12.tsv": held12,
		"heldout11.tsv": held11,
		"heldout10.tsv": held10,
		"heldout9.tsv":  held9,
		"heldout8.tsv":  held8,
		"heldout7.tsv":  held7,
		"heldout6.tsv":  held6,
		"heldout5.tsv":  held5,
		"heldout4.tsv":  held4,
		"heldout3.tsv":  held3,
		"heldout2.tsv":  held2,
		"system.tsv":    system,
		"app.tsv":       app,
		"nearmiss.tsv":  near,
		"heldout.tsv":   held,
		"stacks.jsonl":  renderJSONL(genStackCorpus()),
	}
	for name, content := range genHeldout15Corpus() {
		files[name] = content
	}
	for name, content := range genHeldout16Corpus() {
		files[name] = content
	}
	return files
}
