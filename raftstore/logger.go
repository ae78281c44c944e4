package raftstore

import (
	"fmt"
	"os"
)

// quietLogger drops Pebble's informational messages and prints errors.
type quietLogger struct{}

func (quietLogger) Infof(string, ...interface{}) {}
func (quietLogger) Errorf(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "pebble: "+format+"\n", args...)
}
func (quietLogger) Fatalf(format string, args ...interface{}) {
	panic(fmt.Sprintf("pebble: "+format, args...))
}

// raftLogger drops etcd raft's debug, info and warning messages (a warning
// is routine here: a partitioned leader stepping down) and prints errors.
// Panics stay panics: raft calls them on broken invariants.
type raftLogger struct{}

func (raftLogger) Debug(...interface{})            {}
func (raftLogger) Debugf(string, ...interface{})   {}
func (raftLogger) Info(...interface{})             {}
func (raftLogger) Infof(string, ...interface{})    {}
func (raftLogger) Warning(...interface{})          {}
func (raftLogger) Warningf(string, ...interface{}) {}
func (raftLogger) Error(v ...interface{}) {
	fmt.Fprintln(os.Stderr, append([]interface{}{"raft:"}, v...)...)
}
func (raftLogger) Errorf(f string, v ...interface{}) {
	fmt.Fprintf(os.Stderr, "raft: "+f+"\n", v...)
}
func (raftLogger) Fatal(v ...interface{}) { panic(fmt.Sprint(v...)) }
func (raftLogger) Fatalf(f string, v ...interface{}) {
	panic(fmt.Sprintf(f, v...))
}
func (raftLogger) Panic(v ...interface{}) { panic(fmt.Sprint(v...)) }
func (raftLogger) Panicf(f string, v ...interface{}) {
	panic(fmt.Sprintf(f, v...))
}

// logf reports a problem the node works around (it never stops serving
// because of it).
func (n *node) logf(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "raftstore: node %d: "+format+"\n", append([]interface{}{n.id}, args...)...)
}
