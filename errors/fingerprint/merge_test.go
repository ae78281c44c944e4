package fingerprint

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// messages fingerprints lines as talus errors fingerprint reads them.
func messages(lines ...string) []Statement {
	var f Fingerprinter
	out := make([]Statement, len(lines))
	for i, l := range lines {
		fp := f.Message(l)
		out[i] = Statement{Fingerprint: fp, Rule: RuleMessage, Template: string(f.Template())}
	}
	return out
}

// groupsOf numbers the groups of m in order of first appearance.
func groupsOf(m []Merged) []int {
	ids := map[Fingerprint]int{}
	out := make([]int, len(m))
	for i, g := range m {
		id, ok := ids[g.Fingerprint]
		if !ok {
			id = len(ids)
			ids[g.Fingerprint] = id
		}
		out[i] = id
	}
	return out
}

func TestMergeVariableWord(t *testing.T) {
	in := messages(
		"Invalid user admin from 10.0.0.1",
		"Invalid user oracle from 10.0.0.2",
		"Invalid user test from 10.0.0.3",
		"Invalid user admin from 10.0.0.4",
		"session opened for user root",
		"session closed for user root",
	)
	got := groupsOf(Merge(in))
	want := []int{0, 0, 0, 0, 1, 2}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("groups %v, want %v", got, want)
	}
	m := Merge(in)
	if m[0].Template != "Invalid user <*> from <*>" {
		t.Errorf("merged template %q", m[0].Template)
	}
	// Two values are not enough: opened/closed stay apart, and keep their
	// own keys.
	if m[4].Fingerprint != in[4].Fingerprint || m[5].Fingerprint != in[5].Fingerprint {
		t.Errorf("unmerged statements changed keys: %v %v", m[4], m[5])
	}
}

func TestMergeTwoValuesStayApart(t *testing.T) {
	in := messages("Link is up on eth0", "Link is down on eth0", "Link is up on eth1")
	got := groupsOf(Merge(in))
	if got[0] == got[1] || got[0] != got[2] {
		t.Fatalf("groups %v: up and down must stay apart, eth0/eth1 is masked per message", got)
	}
}

func TestMergeWordIntoMask(t *testing.T) {
	in := messages(
		"Disconnecting: Too many authentication failures for root [preauth]",
		"Disconnecting: Too many authentication failures for root [4242]",
		"NFS mount failed on fs07, retrying",
		"NFS mount failed on scratch, retrying",
	)
	m := Merge(in)
	got := groupsOf(m)
	if got[0] != got[1] || got[2] != got[3] || got[0] == got[2] {
		t.Fatalf("groups %v %v", got, m)
	}
}

func TestMergeNeedsAConstantWord(t *testing.T) {
	in := messages("LOOKING", "FOLLOWING", "LEADING", "flush", "done")
	got := groupsOf(Merge(in))
	if fmt.Sprint(got) != "[0 1 2 3 4]" {
		t.Fatalf("one-word statements merged: %v", got)
	}
}

func TestMergeKeepsClassesApart(t *testing.T) {
	in := []Statement{
		{Fingerprint: Fingerprint{Version: Version, Hash: 1}, Rule: RuleException, ExceptionType: "IOError", Template: "cannot open alpha"},
		{Fingerprint: Fingerprint{Version: Version, Hash: 2}, Rule: RuleException, ExceptionType: "KeyError", Template: "cannot open beta"},
		{Fingerprint: Fingerprint{Version: Version, Hash: 3}, Rule: RuleException, ExceptionType: "ValueError", Template: "cannot open gamma"},
		{Fingerprint: Fingerprint{Version: Version, Hash: 4}, Rule: RuleMessage, CodeFunction: "a", Template: "cannot open delta"},
		{Rule: RuleStack, Fingerprint: Fingerprint{Version: Version, Hash: 7}, Template: "x"},
		{Rule: RuleStack, Fingerprint: Fingerprint{Version: Version, Hash: 8}, Template: "y"},
		{Rule: RuleStack, Fingerprint: Fingerprint{Version: Version, Hash: 9}, Template: "z"},
	}
	got := groupsOf(Merge(in))
	if fmt.Sprint(got) != "[0 1 2 3 4 5 6]" {
		t.Fatalf("different types, functions or stack keys merged: %v", got)
	}
}

// TestMergeOrderIndependent checks that the groups depend on the set of
// statements only: every range computing them from the same counters
// agrees.
func TestMergeOrderIndependent(t *testing.T) {
	var lines []string
	users := []string{"root", "admin", "guest", "oracle", "nagios"}
	for i := range 200 {
		u := users[i%len(users)]
		lines = append(lines,
			fmt.Sprintf("Failed password for %s from 10.0.%d.%d port %d ssh2", u, i%7, i, 40000+i),
			fmt.Sprintf("pam_unix(sshd:session): session opened for user %s by (uid=0)", u),
			fmt.Sprintf("pam_unix(sshd:session): session closed for user %s", u),
			fmt.Sprintf("%s startup succeeded", []string{"syslogd", "klogd", "crond", "atd"}[i%4]),
		)
	}
	in := messages(lines...)
	want := Merge(in)
	r := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		perm := r.Perm(len(in))
		shuffled := make([]Statement, len(in))
		for i, j := range perm {
			shuffled[i] = in[j]
		}
		got := Merge(shuffled)
		for i, j := range perm {
			if got[i] != want[j] {
				t.Fatalf("line %d: %v in one order, %v in another", j, want[j], got[i])
			}
		}
	}
	if n := len(map[Fingerprint]bool{want[0].Fingerprint: true, want[1].Fingerprint: true, want[2].Fingerprint: true, want[3].Fingerprint: true}); n != 4 {
		t.Errorf("%d groups for four statements", n)
	}
	for i := 4; i < len(want); i++ {
		if want[i].Fingerprint != want[i%4].Fingerprint {
			t.Fatalf("line %d %q not with its statement: %v vs %v", i, lines[i], want[i], want[i%4])
		}
	}
}

func BenchmarkMerge(b *testing.B) {
	// 20,000 distinct templates: 2,000 statements with ten digit-free values each.
	var lines []string
	for s := range 2000 {
		for v := range 10 {
			lines = append(lines, fmt.Sprintf("statement%c%c does thing with %c%c and more words here",
				'a'+s%26, 'a'+s/26%26, 'a'+v, 'a'+s/676))
		}
	}
	in := messages(lines...)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		Merge(in)
	}
	b.ReportMetric(float64(len(in))*float64(b.N)/b.Elapsed().Seconds(), "statements/s")
}

func TestStatementKeyIsIngestKey(t *testing.T) {
	var f Fingerprinter
	r := Record{Body: "connection to db-main refused after 3 tries", SeverityNumber: 17, CodeFunction: "pool.Get"}
	fp, ex := f.Explain(&r)
	st := StatementOf(fp, &ex)
	if k := st.Key(); k != fp {
		t.Errorf("message: Key %v, ingest %v", k, fp)
	}
	r = Record{ExceptionType: "java.io.IOException", ExceptionMessage: "disk 7 full"}
	fp, ex = f.Explain(&r)
	st = StatementOf(fp, &ex)
	if k := st.Key(); k != fp {
		t.Errorf("exception: Key %v, ingest %v", k, fp)
	}
}

func TestMergeSpan(t *testing.T) {
	in := messages(
		"child pid 4242 exit signal Aborted (6)",
		"child pid 4243 exit signal Bus error (7)",
		"child pid 4244 exit signal Segmentation fault (11)",
		"Connection closed",
		"Connection reset by peer",
		"Connection timed out",
	)
	m := Merge(in)
	got := groupsOf(m)
	if got[0] != got[1] || got[0] != got[2] {
		t.Errorf("signal names of several words not merged: %v %v", got, m)
	}
	// One word of context is not enough to call the rest a value.
	if got[3] == got[4] || got[4] == got[5] || got[3] == got[5] {
		t.Errorf("distinct statements with one shared word merged: %v", got)
	}
}
