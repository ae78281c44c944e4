package fingerprint

import "testing"

func TestAppendTemplate(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		got := string(AppendTemplate(nil, in))
		if got != want {
			t.Errorf("AppendTemplate(%q)\n got: %q\nwant: %q", in, got, want)
		}
		// Appending must not disturb what is already in dst.
		got2 := string(AppendTemplate([]byte("x"), in))
		if got2 != "x"+want {
			t.Errorf("AppendTemplate(dst=x, %q) = %q; want %q", in, got2, "x"+want)
		}
	}
	// Plain text and whitespace.
	f("", "")
	f("   \n\t\n", "")
	f("connection reset by peer", "connection reset by peer")
	f("  two   spaces\there  ", "two spaces here")
	f("first line\nsecond line 42", "first line")
	f("\n\nafter blank lines", "after blank lines")
	f("done.", "done")
	f("done!!", "done")
	f("retry shortly ...", "retry shortly")
	f("onReceive action: android.intent.action.SCREEN_ON", "onReceive action: <*>")
	f("processHandleBroadcastAction action:android.intent.action.SCREEN_OFF", "processHandleBroadcastAction action:<*>")

	// Numbers and digit-bearing tokens.
	f("retry 3 of 5", "retry <*> of <*>")
	f("took 12ms, limit 1.5s", "took <*>, limit <*>")
	f("size 67108864 bytes", "size <*>")
	f("block blk_-1608999687919862906 deleted", "block <*> deleted")
	f("job job_1445144423722_0020 done", "job <*> done")
	f("temperature -3.5 C", "temperature <*> C")
	f("interface eth0 up", "interface <*> up")
	f("v1.2.3 released", "<*> released")
	f("id 0x7fffd3a0 freed", "id <*> freed")
	f("trace 4bf92f3577b34da6a3ce929d0e0e4736", "trace <*>")
	f("request 123e4567-e89b-12d3-a456-426614174000 failed", "request <*> failed")

	// Adjacent placeholders collapse; punctuation keeps them apart.
	f("at Sun Jul 10 03:55:15 2005", "at <*>")
	f("on 2024-01-02 03:04:05.678 UTC", "on <*> UTC")
	f("CE sym 2, at 0x0b85eee0, mask 0x05", "CE sym <*>, at <*>, mask <*>")
	f("sent (1.10 KB) ok", "sent (<*>) ok")
	f("cpus [1, 2, 3] online", "cpus [<*>] online")
	f("cpus [4] online", "cpus [<*>] online")
	f("inconsistent nodesets node-31 0x1fffffffe <ok> node-0 0xfffffffe <ok> node-1 0xfffffffe <ok>", "inconsistent nodesets <*> <ok>")
	f("inconsistent nodesets node-31 0x1fffffffe <ok>", "inconsistent nodesets <*> <ok>")
	f("a 1 x y 2 x y 3 x y", "a <*> x y")
	f("very very good 1", "very very good <*>")
	f("onExtend:1514038530000 14 0 4", "onExtend:<*>")
	f("CurrentState:112, x:y", "CurrentState:<*>, x:y")
	f("sessionid:0x14f0 type:create reqpath:n/a", "sessionid:<*> type:<*> reqpath:n/a")
	f("pam_unix(sshd:auth): x std::string", "pam_unix(sshd:auth): x std::string")
	f("Processing the event EventType: CONTAINER_REMOTE_LAUNCH for container", "Processing the event EventType: <*> for container")
	f("Notification: 1 (n.leader), LOOKING (n.state), 1 (n.sid), FOLLOWING (my state)", "Notification: <*> (n.leader), <*> (n.state), <*> (n.sid), <*> (my state)")
	f("state: RUNNING", "state: <*>")
	f("the NEW API", "the NEW API")
	f("please switch to bootstrap_check_in(): com.apple.quicklook", "please switch to bootstrap_check_in(): <*>")
	f("Registering class org.apache.hadoop.mapreduce.jobhistory.EventType for class org.apache.Foo", "Registering class <*> for class <*>")
	f("caught org.apache.zookeeper.KeeperException", "caught org.apache.zookeeper.KeeperException")
	f("importance of com.tencent.mm:push is 100", "importance of <*> is <*>")
	f("cpus 1, 2, 3; mem 4", "cpus <*>; mem <*>")
	f("since Jun 9, 2005 10:00", "since <*>")
	f("pid=12 34 left", "pid=<*> left")

	// Network.
	f("connect to 10.0.0.1:5432 refused", "connect to <*> refused")
	f("from /10.250.19.102:54106 dest", "from <*> dest")
	f("peer [fe80::1%eth0]:443 gone", "peer [<*> gone")
	f("peer dead::beef gone", "peer <*> gone")
	f("GET https://example.com/a?b=c failed", "GET <*> failed")
	f("resolve db.internal failed", "resolve <*> failed")
	f("lookup proxy.cse.cuhk.edu.hk ok", "lookup <*> ok")
	f("lookup www.google.com ok", "lookup <*> ok")
	f("mail to bob@example.com bounced", "mail to <*> bounced")
	f("login root@host ok", "login <*> ok")

	// Paths.
	f("open /var/log/app.log: permission denied", "open <*>: permission denied")
	f("missing C:\\Windows\\System32\\drivers", "missing <*>")
	f("load ./conf/app.yaml", "load <*>")
	f("load conf/app.yaml", "load <*>")
	f("read a/b/c", "read <*>")
	f("TCP/IP and I/O stay", "TCP/IP and I/O stay")

	// Quoted values.
	f(`column "name" is null`, `column "<*>" is null`)
	f(`key 'a b c' missing`, `key '<*>' missing`)
	f("method `foo' undefined", "method `<*>' undefined")
	f(`can't parse "GET /x HTTP/1.1" here`, `can't parse "GET <*> HTTP/1.1" here`)
	f(`don't panic`, `don't panic`)
	f(`empty "" and () and []`, `empty "<*>" and (<*>) and [<*>]`)
	f(`table "a b c" dropped`, `table "<*>" dropped`)
	f(`level 'ServerLevel[alpha]'/minecraft:overworld saved`, `level '<*>'/minecraft:overworld saved`)
	f(`level 'Server Level[alpha]'/minecraft saved`, `level '<*>'/minecraft saved`)
	f(`it's 'can't stop' now`, `it's '<*>' now`)
	f(`lock \"a b\" held`, `lock "<*>" held`)
	f(`lifetime <1 sec`, `lifetime <*>`)
	f(`lifetime 00:03`, `lifetime <*>`)
	f(`heap 12.5 MB -> 3 GB (young)`, `heap <*> -> <*> (young)`)
	f(`Kill process 4242 (java) score 7`, `Kill process <*> (<*>) score <*>`)
	f(`failures for admin [preauth]`, `failures for <*> [preauth]`)

	// key=value.
	f("uid=0 euid=0 tty=NODEVssh ruser= rhost=1.2.3.4", "uid=<*> euid=<*> tty=<*> ruser=<*> rhost=<*>")
	f("logname= uid=0", "logname=<*> uid=<*>")
	f("allDrawn= false, startingMoved =  false", "allDrawn=<*>, startingMoved = <*>")
	f("state=RUNNING mode=auto", "state=<*> mode=<*>")
	f(`file="a.txt" ok`, `file="<*>" ok`)
	f(`msg="failed to connect to db" err="dial tcp 1.2.3.4:5432: refused"`, `failed to connect to db: dial tcp <*>: refused`)
	f(`msg="started" pid=12`, `started`)
	f(`level=info msg=started`, `started`)
	f(`a="x y" b=2 c=z`, `a="<*>" b=<*> c=<*>`)
	f(`req="GET /a HTTP/1.1" ok`, `req="GET <*> HTTP/1.1" ok`)
	f(`name='a b' ok`, `name='<*>' ok`)
	f("if a == b", "if a == b")
	f("user='bob smith' logged", "user='<*>' logged")

	// Names without digits, by context.
	f("Failed password for invalid user webmaster from 1.2.3.4 port 22 ssh2", "Failed password for invalid user <*> from <*> port <*>")
	f("Failed password for root from 1.2.3.4 port 22 ssh2", "Failed password for <*> from <*> port <*>")
	f("session opened for user root by (uid=0)", "session opened for user <*> by (uid=<*>)")
	f("Invalid user admin from 1.2.3.4", "Invalid user <*> from <*>")
	f("input_userauth_request: invalid user test [preauth]", "input_userauth_request: invalid user <*> [preauth]")
	f("check pass; user unknown", "check pass; user unknown")
	f("user created", "user created")
	f("user deleted", "user deleted")
	f("user bob logged in", "user <*> logged in")
	f("user bob is locked", "user <*> is locked")
	f("user is locked", "user is locked")
	f("user created successfully", "user created successfully")
	f("restarting container api in pod web-1", "restarting container <*> in pod <*>")
	f("triggered on branch develop", "triggered on branch <*>")
	f("index out of range", "index out of range")
	f("Transitioned from NEW to UNASSIGNED", "Transitioned from <*> to <*>")
	f("moved from Paris to Berlin", "moved from Paris to Berlin")
	f("May the force", "May the force")
	f("due on Mon", "due on Mon")

	// v3 rules.
	f("IPv4 address 10.0.0.2 added to eth0", "IPv4 address <*> added to <*>")
	f("IPv6 address fe80::1 added to eth0", "IPv6 address <*> added to <*>")
	f("open through proxy gate.example.com:1080 SOCKS5", "open through proxy <*> SOCKS5")
	f("EXT4-fs (sda1): re-mounted", "EXT4-fs (<*>): re-mounted")
	f("Application app_1 from user: carol activated in queue: etl", "Application <*> from user: <*> activated in queue: <*>")
	f("session opened for user root by alice(uid=0)", "session opened for user <*> by <*>(uid=<*>)")
	f("release lock=1, ws=WorkSource{1000 com.android.phone}, uid=2", "release lock=<*>, ws=<*>, uid=<*>")
	f("release lock=1, ws=WorkSource{10113}, uid=2", "release lock=<*>, ws=<*>, uid=<*>")
	f("Compute node bastion has no inventory for resource class VCPU", "Compute node <*> has no inventory for resource class <*>")
	f("Removed TaskSet 1.0, whose tasks have all completed, from pool adhoc", "Removed TaskSet <*>, whose tasks have all completed, from pool <*>")
	f("Successfully assigned default/web-1 to minikube", "Successfully assigned <*> to <*>")
	f("Waiting 5s for completion", "Waiting <*> for completion")
	f("moved to standby", "moved to standby")
	f("Apache/2.2.3 (Red Hat) configured -- resuming normal operations", "<*> (<*>) configured -- resuming normal operations")
	f("Job 3 finished: collect at etl_job.py:12, took 1.2 s", "Job <*> finished: <*> at <*>, took <*>")
	f("NullPointerException at Foo.java:12", "NullPointerException at <*>")
	f("alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls", "<*> : TTY=<*> ; PWD=<*> ; USER=<*> ; COMMAND=<*>")
	f("request 7 took 5 ms (slow)", "request <*> took <*> (slow)")
	f("42: *Mar  1 00:00:05.123: %LINK-3-UPDOWN: Interface Vlan1, changed state to up", "Interface <*>, changed state to <*>")
	f("Interface Vlan1, changed state to down", "Interface <*>, changed state to <*>")
	f("cache warmup started for region catalog", "cache warmup started for region <*>")
	f("Slow query: shop.orders command find", "Slow query: <*> command find")
	f("TCP_MISS/200 GET http://a.example.com/x - HIER_DIRECT/10.0.0.1 text/html", "<*> GET <*> - <*>")
	f("Server api/app-b is DOWN", "Server <*> is DOWN")
	f("flush step counter from cache", "flush step counter from cache")

	// v4 rules, and what they leave alone.
	f("Service exited due to SIGKILL", "Service exited due to <*>")
	f("rows SIGNED off", "rows SIGNED off")
	f("3 torus receiver z- input pipe error(s)", "<*> torus receiver <*> input pipe error(s)")
	f("using containerId: [c1 on NM: [combo:45454]", "using containerId: [<*> on NM: [<*>]")
	f("Address change detected. Old: a/10.0.0.1:80 New: LabSZ:8020", "Address change detected. Old: <*> New: <*>")
	f("Opening proxy : gateway:45454", "Opening proxy : <*>")
	f("retries:12 left", "retries:<*> left")
	f("connection from 10.0.0.5 (localhost) at Sun Jul 17 23:21:54 2005", "connection from <*> (<*>) at <*>")
	f("ANONYMOUS FTP LOGIN FROM 10.0.0.5, (anonymous)", "ANONYMOUS FTP LOGIN FROM <*>, (<*>)")
	f("Out of Memory: Killed process 3234 (chrome).", "Out of Memory: Killed process <*> (<*>)")
	f("PM response took 1234 ms (54, AppleCamIn)", "PM response took <*> (<*>)")
	f("Registering RDD 3 (filter at WordCount.scala:42)", "Registering RDD <*> (<*> at <*>)")
	f("Registering RDD 3 (map at <console>:21)", "Registering RDD <*> (<*> at <*>)")
	f("(root) CMD (run-parts /etc/cron.hourly)", "(<*>) CMD (<*>)")
	f("(alice) CMD (/usr/lib/sa/sa1 1 1)", "(<*>) CMD (<*>)")
	f("alice : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt-get update", "<*> : user NOT in sudoers ; TTY=<*> ; PWD=<*> ; USER=<*> ; COMMAND=<*>")
	f("password changed for bob", "password changed for <*>")
	f("Replica 10.0.0.1:6379 asks for synchronization", "Replica <*> asks for synchronization")
	f("Waiting for leader", "Waiting for leader")
	f("marked as failed on host: mailhub. Exit status: 1", "marked as failed on host: <*>. Exit status: <*>")
	f("state: done. next step", "state: done. next step")
	f("Starting task 1.0 in stage 2.0 (TID 7, gateway, partition 3,NODE_LOCAL, 2 bytes)", "Starting task <*> in stage <*> (TID <*>, partition <*>)")
	f("login FAILED FOR USER root from 10.0.0.1", "login FAILED FOR USER <*> from <*>")
	f("close of session 0x1f due to java.io.IOException: Connection reset by peer", "close of session <*> due to java.io.IOException: <*>")
	f("uncaught TypeError: this.actor is null", "uncaught TypeError: <*>")
	f("handshake got Error: TLS handshake failed", "handshake got Error: TLS handshake failed")

	// v5 rules, and what they leave alone.
	f("outlet from (NSColorPickerWheel) to (NSPopover): missing setter", "outlet from (<*>) to (<*>): missing setter")
	f("data_thread() for [admin] failed", "data_thread() for [<*>] failed")
	f("took 5 ms (slow)", "took <*> (slow)")
	f("Failed password for root from 10.0.0.1 port 22 ssh2 [preauth]", "Failed password for <*> from <*> port <*> [preauth]")
	f("Resolved hostname: gateway to address: gateway/10.0.0.5", "Resolved hostname: <*> to address: <*>")
	f("Database: connection lost", "Database: connection lost")
	f("Server environment:user.name=zookeeper", "Server environment:user.name=<*>")
	f("registerSensor accelerometer failed, sensor not available", "registerSensor <*> failed, sensor not available")
	f("onReceive action: android.intent.action.SCREEN_ON", "onReceive action: <*>")
	f("boot command 12 completed with status failure", "boot command <*> completed with status <*>")
	f("Node node-3 has been configured out by bob", "Node <*> has been configured out by <*>")
	f("session closed by peer", "session closed by peer")
	f("lost connection after AUTH from mail[10.0.0.1]", "lost connection after <*> from <*>]")
	f("Package android codePath changed from /a to /b", "Package <*> codePath changed from <*> to <*>")
	f("Battery level 80, plugged usb, temperature 300", "Battery level <*>, plugged <*>, temperature <*>")
	f("PM notification timeout (pid 42, Google Chrome He)", "PM notification timeout (pid <*>)")

	// Long hex without digits.
	f("token deadbeefcafe ok", "token <*> ok")
	f("feedback added", "feedback added")
}

func TestAppendTemplateHeaders(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := string(AppendTemplate(nil, in)); got != want {
			t.Errorf("AppendTemplate(%q)\n got: %q\nwant: %q", in, got, want)
		}
	}
	f("081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating",
		"PacketResponder <*> for block <*> terminating")
	f("2015-10-18 18:01:50,353 INFO [IPC Server handler 5 on 62270] org.apache.hadoop.ipc.Server: Starting Socket Reader #1 for port 62270",
		"Starting Socket Reader <*> for port <*>")
	f("17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered signal handlers for [TERM, HUP, INT]",
		"Registered signal handlers for [TERM, HUP, INT]")
	f("2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - Notification time out: 3200",
		"Notification time out: <*>")
	f("2024-01-02T03:04:05.123Z ERROR [http-nio-8080-exec-1] c.e.OrderService - order 42 failed",
		"order <*> failed")
	f("- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected",
		"instruction cache parity error corrected")
	f("KERNDTLB 1118536327 2005.06.11 R30-M0-N9-C:J16-U01 2005-06-11-17.32.07.581048 R30-M0-N9-C:J16-U01 RAS KERNEL FATAL data TLB error interrupt",
		"data TLB error interrupt")
	f("- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed for user root",
		"session closed for user <*>")
	f("Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown",
		"check pass; user unknown")
	f("Dec 10 06:55:46 LabSZ sshd[24200]: pam_unix(sshd:auth): check pass; user unknown",
		"pam_unix(sshd:auth): check pass; user unknown")
	f("Jul  1 09:01:05 authorMacBook-Pro com.apple.CDScheduler[43]: Thermal pressure state: 1 Memory pressure state: 0",
		"Thermal pressure state: <*> Memory pressure state: <*>")
	f("Jul  1 09:02:26 calvisitor-10-105-160-95 com.apple.xpc.launchd[1] (com.apple.xpc.launchd.domain.pid.WebContent.2032): Service exited with abnormal code: 1",
		"Service exited with abnormal code: <*>")
	f("Jul  1 09:02:26 authorMacBook-Pro com.apple.xpc.launchd[1] (com.apple.xpc.launchd.domain.pid.WebContent.2032): Service exited with abnormal code: 1",
		"Service exited with abnormal code: <*>")
	f("03-17 16:13:38.811  1702  2395 D WindowManager: Skipping AppWindowToken{df0798e token=Token{78af589 ActivityRecord{3b04890 u0 com.tencent.qt.qtl/com.tencent.video.player.activity.PlayerActivity t761}}}",
		"Skipping <*> token=<*>}")
	f("20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579", "onStandStepChanged <*>")
	f("[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties",
		"workerEnv.init() ok <*>")
	f("[10.30 16:49:06] chrome.exe - proxy.cse.cuhk.edu.hk:5070 open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS",
		"<*> open through proxy <*> HTTPS")
	f("2016-09-28 04:30:30, Info                  CBS    Loaded Servicing Stack v6.1.7601.23505 with Core: C:\\Windows\\cbscore.dll",
		"CBS Loaded Servicing Stack <*> with Core: <*>")
	f(`nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b-2096-447d-96ea-a692162415ae 113d3a99c3da401fbd62cc2caa5b96d2 54fadb412c4e40cdbaed9335e4c35a9e - - -] 10.11.10.1 "GET /v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail HTTP/1.1" status: 200 len: 1893 time: 0.2477829`,
		`<*> "GET <*> HTTP/1.1" status: <*> len: <*> time: <*>`)
	f(`time="2024-01-02T10:00:00Z" level=error msg="failed to connect" attempt=3`,
		`failed to connect`)
	f(`{"level":"error","msg":"dial failed","error":"connect to 10.0.0.1:80: refused"}`, "dial failed: connect to <*>: refused")
	f(`{"a":1}`, `{"<*>}`)
	f(`{"level":"error","ts":1700000000.1,"msg":"request 42 failed","status":500}`, "request <*> failed")
	f("ERROR: relation \"users\" does not exist", "relation \"<*>\" does not exist")
	f("ERROR Database: connection lost", "Database: connection lost")
	f("ERROR app.Db: connection lost", "connection lost")
	f("2024-01-02 10:00:00 ERROR Database: connection lost", "connection lost")
	// No header: content words that look like levels or components stay.
	f("Error reading config", "Error reading config")
	f("Notification time out: 3200", "Notification time out: <*>")
	f("ciod: failed to read message prefix", "ciod: failed to read message prefix")
	f("134681 node-246 unix.hw state_change.unavailable 1077804742 1 Component State Change: Component \\042alt0\\042 is in the unavailable state (HWID=1854)",
		"Component State Change: Component <*> is in the unavailable state (HWID=<*>)")
	f("VAPI 1131566461 2005.11.09 tbird-admin1 Nov 9 12:01:01 local@tbird-admin1 kernel[3]: [KERNEL_IB][ib_mad] x", "[KERNEL_IB][ib_mad] x")
	f("2 errors: disk full", "<*> errors: disk full")
}
