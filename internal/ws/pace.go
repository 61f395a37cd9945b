package ws

import (
	"sync/atomic"
	"time"
)

// A socket's write system call costs more than the frame it carries: with
// hundreds of listeners in a channel, one write per event per socket is most
// of the server's CPU. When the hub is busy, each socket therefore writes at
// most once per WriteInterval and the events of that span leave together;
// when it is not, events leave at once and latency is that of one write.

// rateWindow is the span over which the hub's frame rate is measured.
const rateWindow = 100 * time.Millisecond

// frameRate tells whether the hub hands its sockets at least busy frames a
// second. The dispatch goroutine counts; drains read the verdict.
type frameRate struct {
	start  time.Time // of the current window; dispatch goroutine only
	frames int       // counted in the current window; dispatch goroutine only
	busy   atomic.Bool
}

// add counts n frames handed to sockets at now. A window ends at the first
// count past rateWindow, so after a quiet spell the rate measured is low:
// the verdict never stays busy through an idle period that has ended.
func (r *frameRate) add(n int, now time.Time, busy int) {
	r.frames += n
	if el := now.Sub(r.start); el >= rateWindow {
		r.busy.Store(float64(r.frames) >= float64(busy)*el.Seconds())
		r.start, r.frames = now, 0
	}
}

// pace is how long a socket that last wrote at last waits before its next
// write: nothing when the hub is not busy or that write is old enough.
func (h *Hub) pace(last time.Time) time.Duration {
	if h.opts.WriteInterval <= 0 || !h.rate.busy.Load() {
		return 0
	}
	return h.opts.WriteInterval - time.Since(last)
}
