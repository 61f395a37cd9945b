package loadtest

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// Latencies collects durations from many goroutines.
type Latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *Latencies) Add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

// Dist is a latency distribution in milliseconds.
type Dist struct {
	Count int     `json:"count"`
	P50   float64 `json:"p50_ms"`
	P95   float64 `json:"p95_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
}

// Dist summarises what was collected.
func (l *Latencies) Dist() Dist {
	l.mu.Lock()
	d := slices.Clone(l.d)
	l.mu.Unlock()
	if len(d) == 0 {
		return Dist{}
	}
	slices.Sort(d)
	q := func(p float64) float64 {
		i := int(p * float64(len(d)-1))
		return float64(d[i].Microseconds()) / 1000
	}
	return Dist{Count: len(d), P50: q(0.50), P95: q(0.95), P99: q(0.99), Max: q(1)}
}

// Summary is what a scenario reports.
type Summary struct {
	Scenario string             `json:"scenario"`
	Duration float64            `json:"duration_s"`
	Rates    map[string]float64 `json:"rates,omitempty"`
	Values   map[string]float64 `json:"values,omitempty"`
	Latency  map[string]Dist    `json:"latency,omitempty"`
	Counts   map[string]int64   `json:"counts,omitempty"`
	Server   *ProcStats         `json:"server,omitempty"`
	Errors   int64              `json:"errors"`
	// ErrorKinds counts errors by HTTP status (or "network").
	ErrorKinds map[string]int64 `json:"error_kinds,omitempty"`
	Notes      []string         `json:"notes,omitempty"`
}

// WriteTable prints the summary for people.
func (s *Summary) WriteTable(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "scenario\t%s\nduration\t%.1fs\nerrors\t%d\n", s.Scenario, s.Duration, s.Errors)
	for _, k := range sortedKeys(s.Rates) {
		fmt.Fprintf(tw, "%s\t%.1f/s\n", k, s.Rates[k])
	}
	for _, k := range sortedKeys(s.Values) {
		fmt.Fprintf(tw, "%s\t%.2f\n", k, s.Values[k])
	}
	for _, k := range sortedKeys(s.ErrorKinds) {
		fmt.Fprintf(tw, "errors %s\t%d\n", k, s.ErrorKinds[k])
	}
	for _, k := range sortedKeys(s.Counts) {
		fmt.Fprintf(tw, "%s\t%d\n", k, s.Counts[k])
	}
	for _, k := range sortedKeys(s.Latency) {
		d := s.Latency[k]
		fmt.Fprintf(tw, "%s latency\tp50 %.2fms  p95 %.2fms  p99 %.2fms  max %.2fms  (n=%d)\n", k, d.P50, d.P95, d.P99, d.Max, d.Count)
	}
	if s.Server != nil {
		fmt.Fprintf(tw, "server CPU\t%.2fs\nserver RSS\t%.1f MB\n", s.Server.CPUSeconds, float64(s.Server.RSSBytes)/(1<<20))
	}
	for _, n := range s.Notes {
		fmt.Fprintf(tw, "note\t%s\n", n)
	}
	tw.Flush()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ProcStats is a process's CPU time and resident memory, read from /proc.
type ProcStats struct {
	CPUSeconds float64 `json:"cpu_seconds"`
	RSSBytes   int64   `json:"rss_bytes"`
}

// ReadProc reads /proc/PID; clock ticks are 100 a second on Linux.
func ReadProc(pid int) (*ProcStats, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, err
	}
	// Fields after the command name (which may hold spaces) start after ')'.
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	if len(fields) < 13 {
		return nil, fmt.Errorf("short /proc/%d/stat", pid)
	}
	utime, _ := strconv.ParseFloat(fields[11], 64)
	stime, _ := strconv.ParseFloat(fields[12], 64)
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nil, err
	}
	var rss int64
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			rss = kb * 1024
		}
	}
	return &ProcStats{CPUSeconds: (utime + stime) / 100, RSSBytes: rss}, nil
}

// Diff is the CPU used between two readings, with the later RSS.
func (p *ProcStats) Diff(before *ProcStats) *ProcStats {
	if p == nil || before == nil {
		return p
	}
	return &ProcStats{CPUSeconds: p.CPUSeconds - before.CPUSeconds, RSSBytes: p.RSSBytes}
}

// Errors counts failures by kind from many goroutines.
type Errors struct {
	mu    sync.Mutex
	kinds map[string]int64
	n     int64
}

// Add records err: an API status, or "network" for anything else.
func (e *Errors) Add(err error) {
	kind := "network"
	var ae *APIError
	if errors.As(err, &ae) {
		kind = strconv.Itoa(ae.Status)
		if ae.Status == 429 {
			kind += " (rate limited: run the server with rate limiting off)"
		}
	}
	e.addKind(kind)
}

// addKind records one error of the given kind.
func (e *Errors) addKind(kind string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.kinds == nil {
		e.kinds = map[string]int64{}
	}
	e.kinds[kind]++
	e.n++
}

// Count is the number of errors so far.
func (e *Errors) Count() int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.n
}

// Fill copies the counts into a summary.
func (e *Errors) Fill(s *Summary) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s.Errors = e.n
	if len(e.kinds) > 0 {
		s.ErrorKinds = maps.Clone(e.kinds)
	}
}
