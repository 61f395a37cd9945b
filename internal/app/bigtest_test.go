package app_test

import (
	"runtime"
	"sync/atomic"
	"time"
)

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
