package loadtest

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// This file reimplements what mattermost-load-test-ng measures and how its
// coordinator turns that into "supported users" (coordinator/coordinator.go,
// coordinator/performance/monitor.go, config/coordinator.sample.json at
// commit 784dbc1): the agent's client-side HTTP metrics stand in for
// Prometheus, and the queries are evaluated on them directly.

// promBuckets are prometheus.DefBuckets, the buckets of the tool's
// loadtest_http_request_time histogram (performance/metrics.go).
var promBuckets = [...]float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// httpSecond is one second of client-side HTTP metrics.
type httpSecond struct {
	count, errors5xx, timeouts int64
	sum                        float64
	buckets                    [len(promBuckets) + 1]int64 // the last is +Inf
}

// httpMetrics keeps per-second samples of every request the simulated users
// make, like the tool's ueTransport (loadtest/user/userentity/user.go), so
// that rate(…[1m]) queries can be evaluated over any trailing window.
type httpMetrics struct {
	mu   sync.Mutex
	t0   time.Time
	secs []httpSecond
	errs Errors // every unexpected non-2xx answer or transport error, by route
	// routes counts requests by method and route (ids replaced by :id).
	routes map[string]int64
}

func newHTTPMetrics() *httpMetrics { return &httpMetrics{t0: time.Now()} }

func (m *httpMetrics) observe(route string, d time.Duration, status int, timeout bool) {
	s := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.routes == nil {
		m.routes = map[string]int64{}
	}
	m.routes[route]++
	i := int(time.Since(m.t0) / time.Second)
	for len(m.secs) <= i {
		m.secs = append(m.secs, httpSecond{})
	}
	b := &m.secs[i]
	b.count++
	b.sum += s
	if status >= 500 {
		b.errors5xx++
	}
	if timeout {
		b.timeouts++
	}
	k := len(promBuckets)
	for j, le := range promBuckets {
		if s <= le {
			k = j
			break
		}
	}
	b.buckets[k]++
}

// window sums the last d of samples.
func (m *httpMetrics) window(d time.Duration) httpSecond {
	m.mu.Lock()
	defer m.mu.Unlock()
	var w httpSecond
	end := int(time.Since(m.t0) / time.Second)
	for i := max(0, end-int(d/time.Second)); i <= end && i < len(m.secs); i++ {
		b := &m.secs[i]
		w.count += b.count
		w.sum += b.sum
		w.errors5xx += b.errors5xx
		w.timeouts += b.timeouts
		for j := range b.buckets {
			w.buckets[j] += b.buckets[j]
		}
	}
	return w
}

// quantile is Prometheus's histogram_quantile on cumulative buckets: linear
// interpolation inside the bucket, the lowest bucket starting at 0, and the
// highest finite bound when the rank falls in +Inf.
func (w httpSecond) quantile(q float64) float64 {
	if w.count == 0 {
		return math.NaN()
	}
	rank := q * float64(w.count)
	var cum int64
	for j, n := range w.buckets {
		prev := cum
		cum += n
		if float64(cum) < rank {
			continue
		}
		if j == len(promBuckets) {
			return promBuckets[len(promBuckets)-1]
		}
		lo := 0.0
		if j > 0 {
			lo = promBuckets[j-1]
		}
		if n == 0 {
			return promBuckets[j]
		}
		return lo + (promBuckets[j]-lo)*(rank-float64(prev))/float64(n)
	}
	return promBuckets[len(promBuckets)-1]
}

// meteredTransport times every request as the tool's ueTransport does: from
// sending until the response headers arrive.
type meteredTransport struct {
	next http.RoundTripper
	m    *httpMetrics
}

func (t *meteredTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	t.m.observe(req.Method+" "+stripIDs(req.URL.Path), time.Since(start), status, os.IsTimeout(err) || errors.Is(err, http.ErrHandlerTimeout))
	return resp, err
}

var idRE = regexp.MustCompile(`\b[a-z0-9]{26}\b`)

// stripIDs turns a path into its route, as the tool's metrics labels do.
func stripIDs(path string) string { return idRE.ReplaceAllString(path, ":id") }

// LTNGQuery is one MonitorConfig query: Value is evaluated on the metrics and
// the coordinator backs off while any value is at or above its Threshold.
type LTNGQuery struct {
	Description string
	Threshold   float64
}

// ltngQueries are config/coordinator.sample.json's queries, in its order.
// The 5xx share of the server (mattermost_api_time_count) is the client's
// 5xx share here: no proxy sits between them. "app nodes" CPU is the
// server process's share of the machine's cores (the driver shares the
// machine, so the node's idle time would measure the driver); memory and
// TCP retransmissions are the machine's, as node_exporter reports them.
var ltngQueries = []LTNGQuery{
	{"Percentage of HTTP 5xx server errors", 0.025},
	{"Average client request duration (s)", 0.1},
	{"99th percentile of client request duration (s)", 2.0},
	{"Percentage of HTTP 5xx client errors", 0.025},
	{"Percentage of client timeouts", 0.025},
	{"CPU utilization of the server process (% of all cores)", 85},
	{"Memory utilization of the machine (%)", 85},
	{"Percentage of TCP retransmissions", 0.5},
}

// ltngMonitor evaluates the queries once a second (performance.Monitor).
type ltngMonitor struct {
	m          *httpMetrics
	pid        int
	window     time.Duration // the queries' [1m]
	cpuWindow  time.Duration // irate over the last scrapes
	minElapsed time.Duration // MinIntervalSec
	start      time.Time
	cpu        []cpuSample
	tcp        []tcpSample
}

type cpuSample struct {
	at  time.Time
	sec float64
}

type tcpSample struct {
	at        time.Time
	retr, out float64
}

// evaluate returns every query's value (NaN when there is nothing to
// measure yet) and whether any is over its threshold.
func (mon *ltngMonitor) evaluate(now time.Time) ([]float64, bool) {
	w := mon.m.window(mon.window)
	vals := make([]float64, len(ltngQueries))
	pct := func(n int64) float64 {
		if w.count == 0 {
			return math.NaN()
		}
		return 100 * float64(n) / float64(w.count)
	}
	vals[0], vals[3], vals[4] = pct(w.errors5xx), pct(w.errors5xx), pct(w.timeouts)
	vals[1] = math.NaN()
	if w.count > 0 {
		vals[1] = w.sum / float64(w.count)
	}
	vals[2] = w.quantile(0.99)
	vals[5] = mon.cpuPercent(now)
	vals[6] = memPercent()
	vals[7] = mon.retransPercent(now)
	if now.Sub(mon.start) < mon.minElapsed {
		return vals, false
	}
	alert := false
	for i, q := range ltngQueries {
		if !math.IsNaN(vals[i]) && vals[i] >= q.Threshold {
			alert = true
		}
	}
	return vals, alert
}

func (mon *ltngMonitor) cpuPercent(now time.Time) float64 {
	if mon.pid == 0 {
		return math.NaN()
	}
	p, err := ReadProc(mon.pid)
	if err != nil {
		return math.NaN()
	}
	mon.cpu = append(mon.cpu, cpuSample{now, p.CPUSeconds})
	for len(mon.cpu) > 2 && now.Sub(mon.cpu[1].at) >= mon.cpuWindow {
		mon.cpu = mon.cpu[1:]
	}
	first := mon.cpu[0]
	dt := now.Sub(first.at).Seconds()
	if dt <= 0 {
		return math.NaN()
	}
	return 100 * (p.CPUSeconds - first.sec) / dt / float64(runtime.NumCPU())
}

func memPercent() float64 {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return math.NaN()
	}
	var total, avail float64
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "MemTotal:":
			total = v
		case "MemAvailable:":
			avail = v
		}
	}
	if total == 0 {
		return math.NaN()
	}
	return 100 - 100*avail/total
}

func (mon *ltngMonitor) retransPercent(now time.Time) float64 {
	data, err := os.ReadFile("/proc/net/snmp")
	if err != nil {
		return math.NaN()
	}
	var names, values []string
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(line, "Tcp:") {
			continue
		}
		if names == nil {
			names = strings.Fields(line)
		} else {
			values = strings.Fields(line)
		}
	}
	var s tcpSample
	s.at = now
	for i := range min(len(names), len(values)) {
		v, _ := strconv.ParseFloat(values[i], 64)
		switch names[i] {
		case "RetransSegs":
			s.retr = v
		case "OutSegs":
			s.out = v
		}
	}
	mon.tcp = append(mon.tcp, s)
	for len(mon.tcp) > 2 && now.Sub(mon.tcp[1].at) >= mon.window {
		mon.tcp = mon.tcp[1:]
	}
	first := mon.tcp[0]
	if s.out-first.out <= 0 {
		return math.NaN()
	}
	return 100 * (s.retr - first.retr) / (s.out - first.out)
}

// point and the functions below are coordinator/math.go and utils.go.
type point struct {
	x time.Time
	y int
}

func slope(points []point) float64 {
	n := float64(len(points))
	var sumXY, sumX, sumY, sumXX float64
	for _, p := range points {
		x := float64(p.x.Unix() - points[0].x.Unix())
		y := float64(p.y)
		sumXY += x * y
		sumX += x
		sumY += y
		sumXX += x * x
	}
	return ((n * sumXY) - (sumX * sumY)) / ((n * sumXX) - (sumX * sumX))
}

func avgPoints(points []point) float64 {
	var total int
	for _, p := range points {
		total += p.y
	}
	return float64(total) / float64(len(points))
}

func latestSamples(samples []point, d time.Duration) []point {
	if len(samples) == 0 {
		return samples
	}
	var k int
	last := samples[len(samples)-1]
	for i := len(samples) - 1; i >= 0; i-- {
		if last.x.Sub(samples[i].x) >= d {
			k = i
			break
		}
	}
	return samples[k:]
}

func formatQueries(vals []float64) string {
	var b strings.Builder
	for i, q := range ltngQueries {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %.4g", q.Description, vals[i])
	}
	return b.String()
}
