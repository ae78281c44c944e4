// Package selector parses Talus queries: a LogQL-style stream selector on
// resource attributes followed by line and severity filters,
//
//	{service.name="checkout", k8s.job.name=~"etl-.*"} |= "timeout" != "debug" | severity >= warn
//
// Matchers: = (equal), != (not equal), =~ (regexp, fully anchored), !~ (not
// regexp). Attribute names may contain dots, dashes and slashes, or be quoted.
// A missing attribute has the value "", as in Prometheus and Loki.
// Line filters: |= (contains), != (does not contain), |~ (regexp, unanchored),
// !~ (does not match). Severity filter: | severity OP LEVEL with OP one of
// = != > >= < <= and LEVEL a number 1–24 or one of trace, debug, info, warn,
// error, fatal (also accepted: | level ...). A word stands for its level's
// four numbers (= warn is 13–16, > warn starts at 17); a number is compared
// as it is (> 9 accepts 10).
//
// Parse errors are *Error values that name the byte position.
package selector
