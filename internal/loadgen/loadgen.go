// Package loadgen generates realistic OTLP log workloads for the benchmark
// and load tests: many resources (services, jobs, pods), varied message
// templates with variable parts, and about 5% errors carrying exception
// attributes. Generation is deterministic for a seed, so that two runs (or
// the server and the raw-Pebble ceiling) see the same records.
package loadgen

import (
	"fmt"
	"math/rand"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// Config shapes a workload.
type Config struct {
	// Seed makes the workload reproducible.
	Seed int64
	// Resources is the number of distinct resources (pods).
	Resources int
	// Jobs is the number of distinct k8s.job.name values; default Resources/4 (at least 1).
	Jobs int
	// ResourcesPerBatch is how many resources one request carries; default 20.
	ResourcesPerBatch int
	// Start and Span place the timestamps: records are spread evenly over
	// [Start, Start+Span) in generation order, with jitter.
	Start time.Time
	Span  time.Duration
	// Total is the number of records the whole workload will have (to
	// spread timestamps).
	Total int
	// ErrorRate is the fraction of error records; default 0.05.
	ErrorRate float64
}

// Generator makes batches. It is not safe for concurrent use.
type Generator struct {
	cfg  Config
	rng  *rand.Rand
	seq  int
	res  []resource
	next int // round-robin position for low-cardinality picks
}

// JobsWithRecords returns n such that jobs 0..n-1 (JobName) all have
// records in the batches made so far. Up to 100,000 resources, resources
// are taken in turn, so the jobs with records are always such a prefix;
// above that they are picked at random and n is every job, some of which
// may have none yet.
func (g *Generator) JobsWithRecords() int {
	if g.cfg.Resources > 100000 {
		return g.cfg.Jobs
	}
	return min(g.cfg.Jobs, g.next)
}

type resource struct {
	service, job, pod, ns, lang, region string
}

var services = []string{"checkout", "cart", "payments", "inventory", "search", "auth", "shipping", "email",
	"recommendation", "frontend", "gateway", "billing", "notifications", "catalog", "reviews", "etl"}

var languages = []string{"java", "go", "python", "nodejs", "dotnet", "ruby"}

var regions = []string{"europe-west1", "us-central1", "asia-east1"}

// New returns a generator for cfg.
func New(cfg Config) *Generator {
	if cfg.Jobs == 0 {
		cfg.Jobs = max(1, cfg.Resources/4)
	}
	if cfg.ResourcesPerBatch == 0 {
		cfg.ResourcesPerBatch = 20
	}
	if cfg.ErrorRate == 0 {
		cfg.ErrorRate = 0.05
	}
	if cfg.Span == 0 {
		cfg.Span = time.Hour
	}
	if cfg.Total == 0 {
		cfg.Total = 1
	}
	g := &Generator{cfg: cfg, rng: rand.New(rand.NewSource(cfg.Seed))}
	if cfg.Resources <= 100000 {
		g.res = make([]resource, cfg.Resources)
		for i := range g.res {
			g.res[i] = g.makeResource(i)
		}
	}
	return g
}

// JobName returns the k8s.job.name of job i.
func JobName(i int) string { return fmt.Sprintf("job-%04d", i) }

func (g *Generator) makeResource(i int) resource {
	job := i % g.cfg.Jobs
	svc := services[job%len(services)]
	return resource{
		service: svc,
		job:     JobName(job),
		pod:     fmt.Sprintf("%s-%d-%08x", svc, job, uint32(i)*2654435761),
		ns:      fmt.Sprintf("team-%d", job%7),
		lang:    languages[job%len(languages)],
		region:  regions[job%len(regions)],
	}
}

func (g *Generator) resourceAt(i int) resource {
	if g.res != nil {
		return g.res[i]
	}
	return g.makeResource(i)
}

// Batch returns the next request of n records.
func (g *Generator) Batch(n int) plog.Logs {
	ld := plog.NewLogs()
	per := max(1, n/g.cfg.ResourcesPerBatch)
	for made := 0; made < n; {
		var ri int
		if g.cfg.Resources > 100000 {
			ri = g.rng.Intn(g.cfg.Resources) // high cardinality: anyone may log
		} else {
			ri = g.next % g.cfg.Resources
			g.next++
		}
		r := g.resourceAt(ri)
		rl := ld.ResourceLogs().AppendEmpty()
		a := rl.Resource().Attributes()
		a.PutStr("service.name", r.service)
		a.PutStr("k8s.job.name", r.job)
		a.PutStr("k8s.pod.name", r.pod)
		a.PutStr("k8s.namespace.name", r.ns)
		a.PutStr("cloud.region", r.region)
		a.PutStr("telemetry.sdk.language", r.lang)
		sl := rl.ScopeLogs().AppendEmpty()
		sl.Scope().SetName("github.com/acme/" + r.service)
		sl.Scope().SetVersion("1.4.2")
		k := min(per, n-made)
		if g.cfg.Resources > 100000 {
			k = min(1+g.rng.Intn(2), n-made)
		}
		recs := sl.LogRecords()
		for j := 0; j < k; j++ {
			g.record(recs.AppendEmpty(), r)
		}
		made += k
	}
	return ld
}

func (g *Generator) timestamp() pcommon.Timestamp {
	step := int64(g.cfg.Span) / int64(g.cfg.Total)
	ts := g.cfg.Start.UnixNano() + int64(g.seq)*step + g.rng.Int63n(max(1, step*50))
	g.seq++
	return pcommon.Timestamp(ts)
}

func (g *Generator) record(lr plog.LogRecord, r resource) {
	ts := g.timestamp()
	lr.SetTimestamp(ts)
	lr.SetObservedTimestamp(ts + pcommon.Timestamp(g.rng.Int63n(int64(50*time.Millisecond))))
	if g.rng.Float64() < 0.5 {
		var tid pcommon.TraceID
		var sid pcommon.SpanID
		g.rng.Read(tid[:])
		g.rng.Read(sid[:])
		lr.SetTraceID(tid)
		lr.SetSpanID(sid)
	}
	if g.rng.Float64() < g.cfg.ErrorRate {
		g.errorRecord(lr, r)
		return
	}
	t := templates[g.rng.Intn(len(templates))]
	lr.SetSeverityNumber(t.sev)
	lr.SetSeverityText(sevText(t.sev))
	lr.Body().SetStr(t.render(g.rng))
	attrs := lr.Attributes()
	attrs.PutStr("code.function", t.fn)
	if t.http {
		attrs.PutStr("http.request.method", []string{"GET", "POST", "PUT"}[g.rng.Intn(3)])
		attrs.PutInt("http.response.status_code", []int64{200, 200, 200, 201, 204, 304, 404}[g.rng.Intn(7)])
		attrs.PutDouble("duration_ms", float64(g.rng.Intn(5000))/10)
	}
	if g.rng.Intn(3) == 0 {
		attrs.PutStr("user.id", fmt.Sprintf("u-%06d", g.rng.Intn(200000)))
	}
}

func sevText(s plog.SeverityNumber) string {
	switch {
	case s >= 17:
		return "ERROR"
	case s >= 13:
		return "WARN"
	case s >= 9:
		return "INFO"
	default:
		return "DEBUG"
	}
}

// ErrorKinds is the number of distinct error fingerprints the generator
// produces (exception types × templates), the ground truth for error counts.
var errorKinds = []struct {
	typ, msg, frame string
}{
	{"java.net.SocketTimeoutException", "Read timed out after %dms", "com.acme.db.Pool.acquire"},
	{"java.lang.NullPointerException", "Cannot invoke \"Order.getId()\" because \"order\" is null (order %d)", "com.acme.orders.OrderService.place"},
	{"ValueError", "invalid literal for int() with base 10: '%d'", "handlers.parse_qty"},
	{"KeyError", "'customer_%d'", "models.lookup"},
	{"context.DeadlineExceeded", "rpc error: code = DeadlineExceeded desc = context deadline exceeded after %dms", "main.(*Server).Charge"},
	{"TypeError", "Cannot read properties of undefined (reading 'sku%d')", "CartController.add"},
	{"System.InvalidOperationException", "Sequence contains no elements (batch %d)", "Acme.Billing.Invoice.Total"},
	{"ActiveRecord::RecordNotFound", "Couldn't find User with 'id'=%d", "UsersController#show"},
}

// ErrorKinds returns the number of distinct error kinds generated.
func ErrorKinds() int { return len(errorKinds) }

func (g *Generator) errorRecord(lr plog.LogRecord, r resource) {
	k := errorKinds[g.rng.Intn(len(errorKinds))]
	msg := fmt.Sprintf(k.msg, g.rng.Intn(100000))
	lr.SetSeverityNumber(plog.SeverityNumberError)
	lr.SetSeverityText("ERROR")
	lr.Body().SetStr("request failed: " + msg)
	a := lr.Attributes()
	a.PutStr("exception.type", k.typ)
	a.PutStr("exception.message", msg)
	a.PutStr("exception.stacktrace", stacktrace(r.lang, k.typ, msg, k.frame, r.service, g.rng))
	a.PutStr("code.function", k.frame)
}

// stacktrace renders a stack trace in the style of the resource's language,
// as that runtime's SDK would send it.
func stacktrace(lang, typ, msg, frame, service string, r *rand.Rand) string {
	line := 10 + r.Intn(400)
	switch lang {
	case "python":
		return fmt.Sprintf("Traceback (most recent call last):\n  File \"/app/%s/handlers.py\", line %d, in handle\n    return %s(req)\n  File \"/app/%s/models.py\", line %d, in %s\n    raise %s(msg)\n%s: %s",
			service, line, frame, service, line+40, frame, typ, typ, msg)
	case "go":
		return fmt.Sprintf("panic: %s: %s\n\ngoroutine %d [running]:\nmain.%s(0xc000%05x)\n\t/src/%s/server.go:%d +0x1d\nnet/http.HandlerFunc.ServeHTTP(0xc000123456)\n\t/usr/local/go/src/net/http/server.go:2166 +0x29",
			typ, msg, 1+r.Intn(5000), frame, r.Intn(1<<20), service, line)
	case "nodejs":
		return fmt.Sprintf("%s: %s\n    at %s (/app/%s/src/controller.js:%d:%d)\n    at processTicksAndRejections (node:internal/process/task_queues:95:5)",
			typ, msg, frame, service, line, 5+r.Intn(40))
	case "dotnet":
		return fmt.Sprintf("%s: %s\n   at %s() in /src/%s/Service.cs:line %d\n   at Microsoft.AspNetCore.Routing.EndpointMiddleware.Invoke(HttpContext httpContext)",
			typ, msg, frame, service, line)
	case "ruby":
		return fmt.Sprintf("/app/%s/app/controllers/users_controller.rb:%d:in `show': %s (%s)\n\tfrom /app/%s/vendor/bundle/actionpack/metal.rb:227:in `dispatch'",
			service, line, msg, typ, service)
	default:
		return fmt.Sprintf("%s: %s\n\tat %s(%s.java:%d)\n\tat com.acme.http.Handler.serve(Handler.java:%d)\n\tat java.base/java.lang.Thread.run(Thread.java:833)",
			typ, msg, frame, service, line, 20+r.Intn(100))
	}
}

type template struct {
	sev  plog.SeverityNumber
	fn   string
	http bool
	f    func(r *rand.Rand) string
}

func (t template) render(r *rand.Rand) string { return t.f(r) }

func ip(r *rand.Rand) string {
	return fmt.Sprintf("10.%d.%d.%d", r.Intn(256), r.Intn(256), r.Intn(256))
}

var templates = []template{
	{9, "http.serve", true, func(r *rand.Rand) string {
		return fmt.Sprintf("GET /api/v1/orders/%d 200 %dms", r.Intn(1000000), r.Intn(900))
	}},
	{9, "http.serve", true, func(r *rand.Rand) string {
		return fmt.Sprintf("POST /api/v1/cart/%d/items 201 %dms", r.Intn(100000), r.Intn(300))
	}},
	{9, "auth.login", false, func(r *rand.Rand) string {
		return fmt.Sprintf("user u-%06d logged in from %s", r.Intn(200000), ip(r))
	}},
	{5, "cache.get", false, func(r *rand.Rand) string {
		return fmt.Sprintf("cache miss for key product:%d:price", r.Intn(50000))
	}},
	{9, "db.connect", false, func(r *rand.Rand) string {
		return fmt.Sprintf("connection to postgres-%d.db.svc:5432 established in %dms", r.Intn(4), r.Intn(50))
	}},
	{13, "db.query", false, func(r *rand.Rand) string {
		return fmt.Sprintf("slow query took %dms: SELECT * FROM orders WHERE customer_id = $1 LIMIT %d", 500+r.Intn(3000), 10+r.Intn(90))
	}},
	{9, "worker.run", false, func(r *rand.Rand) string {
		return fmt.Sprintf("processed batch %d with %d items in %.2fs", r.Intn(1000000), r.Intn(5000), r.Float64()*10)
	}},
	{9, "kafka.consume", false, func(r *rand.Rand) string {
		return fmt.Sprintf("consumed offset %d from partition %d of topic orders-events", r.Int63n(1<<40), r.Intn(32))
	}},
	{13, "retry.do", false, func(r *rand.Rand) string {
		return fmt.Sprintf("retrying request to payments after %dms (attempt %d of 5)", 100*(1+r.Intn(20)), 1+r.Intn(4))
	}},
	{5, "scheduler.tick", false, func(r *rand.Rand) string {
		return fmt.Sprintf("scheduler tick: %d jobs queued, %d running", r.Intn(500), r.Intn(50))
	}},
	{9, "email.send", false, func(r *rand.Rand) string {
		return fmt.Sprintf("sent order confirmation to customer-%d@example.com (message id %08x)", r.Intn(1000000), r.Uint32())
	}},
	{9, "gc.stats", false, func(r *rand.Rand) string {
		return fmt.Sprintf("gc pause %dµs heap %dMB -> %dMB", r.Intn(2000), 100+r.Intn(400), 50+r.Intn(100))
	}},
}
