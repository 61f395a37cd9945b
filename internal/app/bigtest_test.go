package app_test

import (
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// bigCount is the size a gated big test runs at: env unset skips it, "1"
// is full (the target size), anything else a count.
func bigCount(t *testing.T, env string, full int, what string) int {
	t.Helper()
	switch v := os.Getenv(env); v {
	case "":
		t.Skipf("set %s=1 (%d %s) or a count", env, full, what)
	case "1":
		return full
	default:
		var n int
		if _, err := fmt.Sscan(v, &n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	return 0
}

// measureHeap runs f, sampling the heap every 10 ms: the peak and the heap
// before f, in MiB, and how long f took.
func measureHeap(f func()) (peakMiB, baseMiB float64, took time.Duration) {
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tk := time.NewTicker(10 * time.Millisecond)
		defer tk.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tk.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapAlloc > peak.Load() {
					peak.Store(m.HeapAlloc)
				}
			}
		}
	}()
	start := time.Now()
	f()
	took = time.Since(start)
	close(stop)
	<-done
	return float64(peak.Load()) / (1 << 20), float64(base.HeapAlloc) / (1 << 20), took
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }
