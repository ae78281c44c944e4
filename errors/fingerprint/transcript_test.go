package fingerprint

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
)

// TestTranscripts runs the transcripts in testdata/transcripts: readable specs
// of normalization and of the rules. Commands:
//
//	template            one message per input line → its template
//	explain [args]      the input is one field of a record; prints rule,
//	                    language, types, frames, template and fingerprint
//	                    args: field=body|stack|message (default body),
//	                    type=, fn=, lang=, override=
//
// After an intended change (which for a released version means a new
// version), regenerate with
//
//	go test ./errors/fingerprint -run TestTranscripts -rewrite
//
// and review the diff: only commit it if you understand every change.
func TestTranscripts(t *testing.T) {
	datadriven.Walk(t, "testdata/transcripts", func(t *testing.T, path string) {
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			switch d.Cmd {
			case "template":
				var b strings.Builder
				for _, line := range strings.Split(d.Input, "\n") {
					b.Write(AppendTemplate(nil, line))
					b.WriteByte('\n')
				}
				return b.String()
			case "explain":
				var r Record
				field := "body"
				for _, a := range d.CmdArgs {
					v := strings.Join(a.Vals, ",")
					switch a.Key {
					case "field":
						field = v
					case "type":
						r.ExceptionType = v
					case "fn":
						r.CodeFunction = v
					case "lang":
						r.SDKLanguage = v
					case "override":
						r.Fingerprint = v
					default:
						d.Fatalf(t, "unknown argument %s", a.Key)
					}
				}
				switch field {
				case "body":
					r.Body = d.Input
				case "stack":
					r.ExceptionStacktrace = d.Input
				case "message":
					r.ExceptionMessage = d.Input
				default:
					d.Fatalf(t, "unknown field %s", field)
				}
				fp, ex := Explain(&r)
				var b strings.Builder
				fmt.Fprintf(&b, "rule: %s\n", ex.Rule)
				if ex.Language != "" {
					fmt.Fprintf(&b, "language: %s\n", ex.Language)
				}
				for _, typ := range ex.ExceptionTypes {
					fmt.Fprintf(&b, "type: %s\n", typ)
				}
				for _, f := range ex.Frames {
					fmt.Fprintf(&b, "frame: %s\n", f)
				}
				if ex.CodeFunction != "" {
					fmt.Fprintf(&b, "code.function: %s\n", ex.CodeFunction)
				}
				if ex.Rule != RuleStack {
					fmt.Fprintf(&b, "template: %s\n", ex.Template)
				}
				fmt.Fprintf(&b, "fingerprint: %s\n", fp)
				return b.String()
			}
			d.Fatalf(t, "unknown command %s", d.Cmd)
			return ""
		})
	})
}
