package fingerprint

import (
	"strings"
	"testing"
)

func TestStackParsers(t *testing.T) {
	f := func(sdk, stack, wantLang, wantTypes, wantFrames string) {
		t.Helper()
		_, ex := Explain(&Record{ExceptionStacktrace: stack, SDKLanguage: sdk})
		if ex.Rule != RuleStack {
			t.Fatalf("rule %v for\n%s", ex.Rule, stack)
		}
		if ex.Language != wantLang {
			t.Errorf("language %q; want %q", ex.Language, wantLang)
		}
		if got := strings.Join(ex.ExceptionTypes, " < "); got != wantTypes {
			t.Errorf("types\n got: %s\nwant: %s", got, wantTypes)
		}
		if got := strings.Join(ex.Frames, " | "); got != wantFrames {
			t.Errorf("frames\n got: %s\nwant: %s", got, wantFrames)
		}
	}

	// Java: Caused by chain, generated classes, lambdas, module prefixes,
	// system frames skipped, recursion collapsed, "... n more".
	java := `Exception in thread "main" java.lang.IllegalStateException: order 42 not found
	at java.base/java.util.Objects.requireNonNull(Objects.java:233)
	at com.shop.OrderService.load(OrderService.java:42)
	at com.shop.OrderService.load(OrderService.java:40)
	at com.shop.OrderService$$EnhancerBySpringCGLIB$$a1b2c3.load(<generated>)
	at com.shop.OrderController.lambda$get$0(OrderController.java:17)
	at com.shop.OrderController$1.run(OrderController.java:30)
	at org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:897)
	at com.shop.Main.main(Main.java:5)
	at com.shop.Main.extra(Main.java:6)
Caused by: java.io.UncheckedIOException: wrapped
	at com.shop.Disk.write(Disk.java:7)
	... 3 more
	Suppressed: java.lang.RuntimeException: ignored
		at com.shop.Disk.close(Disk.java:9)
		Caused by: java.lang.Error: not in the chain
Caused by: java.io.IOException: disk full
	... 5 more`
	f("java", java, "java", "java.lang.IllegalStateException < java.io.UncheckedIOException < java.io.IOException",
		"com.shop.OrderService.load | com.shop.OrderController.lambda$get$ | com.shop.OrderController$.run | com.shop.Main.main | com.shop.Main.extra")
	f("", java, "java", "java.lang.IllegalStateException < java.io.UncheckedIOException < java.io.IOException",
		"com.shop.OrderService.load | com.shop.OrderController.lambda$get$ | com.shop.OrderController$.run | com.shop.Main.main | com.shop.Main.extra")
	// Kotlin, only system frames: the top frames overall are used.
	f("kotlin", "kotlin.KotlinNullPointerException\n\tat kotlin.jvm.internal.Intrinsics.throwNpe(Intrinsics.kt:12)\n\tat java.lang.Thread.run(Unknown Source)",
		"java", "kotlin.KotlinNullPointerException", "kotlin.jvm.internal.Intrinsics.throwNpe | java.lang.Thread.run")

	// Python: chained tracebacks, root cause printed first.
	py := `Traceback (most recent call last):
  File "/app/db.py", line 10, in connect
    sock.connect(addr)
  File "/usr/lib/python3.11/socket.py", line 10, in create_connection
    raise err
ConnectionRefusedError: [Errno 111] Connection refused

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/app/api.py", line 5, in handler
    db.connect()
  File "/venv/lib/python3.11/site-packages/sqlalchemy/engine.py", line 99, in connect
    return self._connect()
  File "/app/db.py", line 12, in <lambda>
    raise DatabaseError("x")
app.errors.DatabaseError: cannot connect to db-7`
	f("python", py, "python", "app.errors.DatabaseError < ConnectionRefusedError", "db.py:<lambda> | api.py:handler")
	f("", py, "python", "app.errors.DatabaseError < ConnectionRefusedError", "db.py:<lambda> | api.py:handler")
	f("", "Traceback (most recent call last):\n  File \"x.py\", line 1, in <module>\n    f()\nKeyboardInterrupt", "python", "KeyboardInterrupt", "x.py:<module>")

	// Go: panic with runtime error; closures; only the first goroutine.
	goPanic := `panic: runtime error: index out of range [5] with length 3 [recovered]
	panic: runtime error: index out of range [5] with length 3

goroutine 7 [running]:
main.(*Server).handle(0xc000010000, {0x4b2f40, 0xc00001c030})
	/home/u/app/server.go:42 +0x12
github.com/acme/app/internal/api.Serve.func1.2()
	/home/u/app/internal/api/serve.go:10 +0x25
net/http.HandlerFunc.ServeHTTP(0x0)
	/usr/local/go/src/net/http/server.go:2136 +0x29
created by main.main in goroutine 1
	/home/u/app/main.go:10 +0x25

goroutine 1 [chan receive]:
main.other()
	/home/u/app/main.go:20 +0x25
exit status 2`
	f("go", goPanic, "go", "panic: runtime error: index out of range [<*>] with length <*>", "main.(*Server).handle | api.Serve.func.")
	f("", goPanic, "go", "panic: runtime error: index out of range [<*>] with length <*>", "main.(*Server).handle | api.Serve.func.")
	// runtime/debug.Stack(): no panic line; exception.type from the SDK.
	debugStack := "goroutine 1 [running]:\nruntime/debug.Stack()\n\t/usr/local/go/src/runtime/debug/stack.go:24 +0x5e\ngithub.com/acme/app/store.(*DB).Get(...)\n\t/app/store/db.go:88 +0x1d\nmain.main()\n\t/app/main.go:9 +0x1d\n"
	_, ex := Explain(&Record{ExceptionType: "*errors.errorString", ExceptionStacktrace: debugStack})
	if got := strings.Join(ex.ExceptionTypes, " < ") + " @ " + strings.Join(ex.Frames, " | "); got != "*errors.errorString @ store.(*DB).Get | main.main" {
		t.Errorf("go debug.Stack: %s", got)
	}
	f("", "fatal error: concurrent map writes\n\ngoroutine 5 [running]:\nmain.worker()\n\t/app/w.go:3 +0x1\n", "go", "fatal error: concurrent map writes", "main.worker")

	// Node.js: cause, async frames, node internals, anonymous functions.
	node := `TypeError: Cannot read properties of undefined (reading 'id')
    at UserService.find (/app/src/user.js:10:15)
    at async Promise.all (index 0)
    at Object.<anonymous> (/app/src/index.js:5:3)
    at new Router (file:///app/src/router.mjs:7:1)
    at /app/node_modules/express/lib/router/layer.js:95:5
    at node:internal/main/run_main_module:23:47 {
  [cause]: Error: connect ECONNREFUSED 127.0.0.1:5432
      at TCPConnectWrap.afterConnect (node:net:1555:16)
}`
	f("nodejs", node, "node", "TypeError < Error", "user.js:UserService.find | index.js | router.mjs:Router")
	f("", node, "node", "TypeError < Error", "user.js:UserService.find | index.js | router.mjs:Router")

	// Firefox/Safari frames.
	f("webjs", "TypeError: x is undefined\nrender@https://cdn.example.com/app.3f2a1b.js:10:5\n@https://cdn.example.com/vendor.js:1:100\n", "node", "TypeError", "app.js:render | vendor.js")

	// .NET: inner exceptions and async state machines.
	dotnet := `System.InvalidOperationException: Save failed ---> System.IO.IOException: Disk full
   at App.Storage.Disk.Write(Byte[] data) in /src/App/Storage/Disk.cs:line 12
   at System.IO.FileStream.Flush()
   --- End of inner exception stack trace ---
   at App.Orders.OrderService.<SaveAsync>d__5.MoveNext() in /src/App/Orders/OrderService.cs:line 40
--- End of stack trace from previous location ---
   at System.Runtime.CompilerServices.TaskAwaiter.ThrowForNonSuccess(Task task)
   at App.Api.OrdersController.<Post>b__3_0(Order o) in C:\src\App\Api\OrdersController.cs:line 21
   at App.Api.Generic.Run[T](T item)`
	f("dotnet", dotnet, "dotnet", "System.InvalidOperationException < System.IO.IOException",
		"App.Orders.OrderService.SaveAsync | App.Api.OrdersController.<Post>b___ | App.Api.Generic.Run")
	f("", dotnet, "dotnet", "System.InvalidOperationException < System.IO.IOException",
		"App.Orders.OrderService.SaveAsync | App.Api.OrdersController.<Post>b___ | App.Api.Generic.Run")
	f("", "Unhandled exception. System.NullReferenceException: Object reference not set to an instance of an object.\n   at Program.Main()", "dotnet",
		"System.NullReferenceException", "Program.Main")

	// Ruby: classic and 3.4 quoting, blocks, gems.
	ruby := "/app/models/user.rb:10:in `validate!': undefined method `x' for nil (NoMethodError)\n" +
		"\tfrom /app/controllers/users_controller.rb:5:in `block (2 levels) in create'\n" +
		"\tfrom /usr/local/bundle/gems/actionpack-7.0.4/lib/abstract_controller/base.rb:215:in `process'\n" +
		"\tfrom /app/lib/runner.rb:3:in '<main>'\n" +
		"/app/lib/db.rb:4:in 'Db#connect': connection refused (Errno::ECONNREFUSED)\n" +
		"\tfrom /app/lib/db.rb:1:in 'Db#open'\n"
	f("ruby", ruby, "ruby", "NoMethodError < Errno::ECONNREFUSED", "user.rb:validate! | users_controller.rb:create | runner.rb:<main>")
	f("", ruby, "ruby", "NoMethodError < Errno::ECONNREFUSED", "user.rb:validate! | users_controller.rb:create | runner.rb:<main>")
	f("", "NoMethodError (undefined method `name' for nil):\n\napp/models/user.rb:3:in `display'\n", "ruby", "NoMethodError", "user.rb:display")

	// A wrong telemetry.sdk.language falls back to sniffing.
	f("java", py, "python", "app.errors.DatabaseError < ConnectionRefusedError", "db.py:<lambda> | api.py:handler")
}

func TestStripHashSegments(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := stripHashSegments(in); got != want {
			t.Errorf("stripHashSegments(%q) = %q; want %q", in, got, want)
		}
	}
	f("app.js", "app.js")
	f("app.3f2a1b.js", "app.js")
	f("chunk-5HX2BMJK.js", "chunk.js")
	f("main.a1b2c3d4.chunk.js", "main.chunk.js")
	f("vendor-2024.js", "vendor-2024.js")
	f("abc123def.js", "abc123def.js")
	f("", "")
}

func TestStackTypeAttribute(t *testing.T) {
	stack := "ValueError: x\n" // no frames
	_, ex := Explain(&Record{ExceptionType: "builtins.ValueError", ExceptionStacktrace: "Traceback (most recent call last):\n  File \"a.py\", line 1, in f\n    g()\nValueError: bad"})
	if strings.Join(ex.ExceptionTypes, ",") != "builtins.ValueError" {
		t.Errorf("qualified attribute and unqualified text should be one type: %q", ex.ExceptionTypes)
	}
	_, ex = Explain(&Record{ExceptionType: "MyError", ExceptionStacktrace: "Traceback (most recent call last):\n  File \"a.py\", line 1, in f\n    g()\nValueError: bad"})
	if strings.Join(ex.ExceptionTypes, ",") != "MyError,ValueError" {
		t.Errorf("a differing attribute is kept in front: %q", ex.ExceptionTypes)
	}
	_, ex = Explain(&Record{ExceptionType: "ValueError", ExceptionMessage: "x", ExceptionStacktrace: stack})
	if ex.Rule != RuleException {
		t.Errorf("a stack without frames falls back to the exception rule, got %v", ex.Rule)
	}
}

func TestStackLineNumbersDoNotCount(t *testing.T) {
	a := Compute(&Record{ExceptionStacktrace: "java.lang.X: a 1\n\tat com.a.B.c(B.java:10)\n\tat com.a.B.d(B.java:20)"})
	b := Compute(&Record{ExceptionStacktrace: "java.lang.X: b 2\n\tat com.a.B.c(B.java:11)\n\tat com.a.B.d(B.java:99)"})
	c := Compute(&Record{ExceptionStacktrace: "java.lang.Y: a 1\n\tat com.a.B.c(B.java:10)\n\tat com.a.B.d(B.java:20)"})
	d := Compute(&Record{ExceptionStacktrace: "java.lang.X: a 1\n\tat com.a.B.e(B.java:10)\n\tat com.a.B.d(B.java:20)"})
	if a != b {
		t.Error("line numbers or messages changed a stack fingerprint")
	}
	if a == c || a == d {
		t.Error("different type or frame, same fingerprint")
	}
}
