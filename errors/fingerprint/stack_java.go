package fingerprint

import "strings"

// javaSystemPrefixes are class-name prefixes of frames that are not in-app on
// the JVM (runtime, language libraries, common frameworks). Part of v1.
var javaSystemPrefixes = []string{
	"java.", "javax.", "jdk.", "sun.", "com.sun.", "kotlin.", "kotlinx.", "scala.",
	"jakarta.", "org.springframework.", "org.apache.catalina.", "org.apache.coyote.",
	"org.apache.tomcat.", "org.eclipse.jetty.", "io.netty.", "io.grpc.", "reactor.",
	"io.reactivex.", "rx.", "okhttp3.", "okio.", "org.hibernate.", "com.fasterxml.",
	"com.google.common.", "com.google.protobuf.", "com.zaxxer.", "org.postgresql.",
	"com.mysql.", "ch.qos.logback.", "org.slf4j.", "org.apache.logging.", "org.junit.",
	"org.gradle.", "worker.org.gradle.", "io.micrometer.", "io.opentelemetry.",
	"akka.", "io.undertow.", "org.glassfish.", "groovy.", "org.codehaus.groovy.",
	"net.bytebuddy.", "org.aspectj.", "feign.", "io.vertx.", "io.quarkus.",
}

// parseJava parses a JVM stack trace (Java, Kotlin, Scala, Groovy):
//
//	java.lang.IllegalStateException: boom
//		at com.example.Foo.bar(Foo.java:42)
//		at java.base/java.lang.Thread.run(Thread.java:833)
//	Caused by: java.io.IOException: disk full
//		at com.example.Disk.write(Disk.java:7)
//		... 3 more
//
// Types come from the first line and the unindented "Caused by:" lines; frames
// are those of the outermost exception.
func parseJava(st *stack, text string) {
	outer := true
	header := true
	for raw, line := range stackLines(text) {
		switch {
		case line == "":
		case strings.HasPrefix(line, "at "):
			header = false
			if outer {
				parseJavaFrame(st, line[3:])
			}
		case strings.HasPrefix(line, "Caused by: "):
			header = false
			outer = false
			if raw[0] != ' ' && raw[0] != '\t' { // indented: a suppressed exception's cause
				t, _ := splitTypeMessage(line[len("Caused by: "):])
				st.addType(t)
			}
		case strings.HasPrefix(line, "Suppressed: "):
			header = false
			outer = false
		case strings.HasPrefix(line, "... ") && strings.HasSuffix(line, " more"):
		case header && len(st.types) == 0:
			if strings.HasPrefix(line, "Exception in thread \"") {
				if i := strings.Index(line[len("Exception in thread \""):], "\" "); i >= 0 {
					line = line[len("Exception in thread \"")+i+2:]
				}
			}
			t, _ := splitTypeMessage(line)
			st.addType(t)
		}
	}
}

// parseJavaFrame parses "[module/]pkg.Class.method(File.java:42)[ ~[jar:ver]]".
func parseJavaFrame(st *stack, s string) {
	class, method, ok := splitMethod(s, "(")
	if !ok {
		return
	}
	if i := strings.Index(class, "$$"); i > 0 { // CGLIB, ByteBuddy, Hibernate proxies, $$Lambda
		class = class[:i]
	}
	st.frames = append(st.frames, frame{
		module:   class,
		function: method,
		sep:      '.',
		inApp:    !hasAnyPrefix(class, javaSystemPrefixes),
	})
}

// splitMethod cuts s before the first byte in cut (the argument list), drops a
// "module/" prefix (java.base/) and splits "pkg.Class.method" at its last dot.
func splitMethod(s, cut string) (class, method string, ok bool) {
	if i := strings.IndexAny(s, cut); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		s = s[i+1:]
	}
	dot := strings.LastIndexByte(s, '.')
	if dot <= 0 || dot == len(s)-1 {
		return "", "", false
	}
	return s[:dot], s[dot+1:], true
}
