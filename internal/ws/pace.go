package ws

import (
	"sync/atomic"
	"time"
)

// A socket's write system call costs more than the frame it carries: with
// hundreds of listeners in a channel, one write per event per socket is most
// of the server's CPU. When the hub is busy, each socket therefore writes at
// most once per interval and the events of that span leave together; when it
// is not, events leave at once and latency is that of one write. The
// interval is what a socket takes to gather FramesPerWrite events at the
// rate sockets get them now, between WriteInterval and MaxWriteInterval.

// rateWindow is the span over which the hub's frame rate is measured.
const rateWindow = 100 * time.Millisecond

// frameRate tells whether the hub hands its sockets at least busy frames a
// second, and how long a socket waits between writes. The dispatch
// goroutine counts; writers and drains read the verdict.
type frameRate struct {
	start   time.Time // of the current window; dispatch goroutine only
	frames  int       // counted in the current window; dispatch goroutine only
	sockets int       // connections handed a frame in the current window; likewise
	window  uint64    // number of the current window; likewise
	busy    atomic.Bool
	wait    atomic.Int64 // the interval between a busy socket's writes, in ns
}

// add counts n frames handed to sockets at now, fresh of them to connections
// that had none yet in this window (see counted). A window ends at the first
// count past rateWindow, so after a quiet spell the rate measured is low:
// the verdict never stays busy through an idle period that has ended.
func (r *frameRate) add(n, fresh int, now time.Time, o *Options) {
	r.frames += n
	r.sockets += fresh
	el := now.Sub(r.start)
	if el < rateWindow {
		return
	}
	r.busy.Store(float64(r.frames) >= float64(o.BusyWrites)*el.Seconds())
	wait := o.WriteInterval
	if r.frames > 0 && o.FramesPerWrite > 1 {
		// A socket gets frames/sockets events in el.
		wait = max(wait, min(o.MaxWriteInterval, el*time.Duration(o.FramesPerWrite*r.sockets)/time.Duration(r.frames)))
	}
	r.wait.Store(int64(wait))
	r.start, r.frames, r.sockets = now, 0, 0
	r.window++
}

// counted tells whether a connection last counted in window w is counted in
// the current one already, and marks it counted.
func (r *frameRate) counted(w *uint64) bool {
	if *w == r.window+1 {
		return true
	}
	*w = r.window + 1 // +1: a new connection's zero is never the current window
	return false
}

// pace is how long a writer that last swept at last (or a drain that last
// wrote then) waits before its next write: nothing when the hub is not busy
// or that write is old enough.
func (h *Hub) pace(last time.Time) time.Duration {
	if h.opts.WriteInterval <= 0 || !h.rate.busy.Load() {
		return 0
	}
	return max(h.opts.WriteInterval, time.Duration(h.rate.wait.Load())) - time.Since(last)
}
