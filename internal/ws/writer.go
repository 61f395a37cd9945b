package ws

import (
	"runtime"
	"sync"
	"time"
)

// A writer writes the queued events of the sockets handed to it, one socket
// after the other, without waiting on any (batchConn.tryWriteFrames). With
// hundreds of listeners a post makes hundreds of sockets ready at once: a
// few long-lived writers per hub cost no goroutine start and no timer per
// socket and burst, and the pause between two sweeps while the hub is busy
// is one timer per writer. Each socket has one writer, so a socket's writes
// never race one another.
type writer struct {
	mu    sync.Mutex
	ready []readySocket
	wake  chan struct{} // a socket was added
}

type readySocket struct {
	s *socket
	c *conn
}

// writerCount is how many writers a hub runs: one per core, since a writer
// spends its time in write system calls.
func writerCount() int { return max(1, runtime.GOMAXPROCS(0)) }

// startWriters starts the hub's writers; they end when its context does.
func (h *Hub) startWriters() {
	h.writers = make([]*writer, writerCount())
	for i := range h.writers {
		w := &writer{wake: make(chan struct{}, 1)}
		h.writers[i] = w
		h.wg.Add(1)
		go h.write(w)
	}
}

// nextWriter spreads new sockets over the writers.
func (h *Hub) nextWriter() *writer {
	return h.writers[h.writerTurn.Add(1)%uint64(len(h.writers))]
}

// add hands w a socket that has events queued; s.owned is set.
func (w *writer) add(s *socket, c *conn) {
	w.mu.Lock()
	w.ready = append(w.ready, readySocket{s, c})
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// write is w's goroutine: it sweeps the sockets handed to it since the
// last sweep. While the hub is busy a sweep starts at most once per write
// interval (see Hub.pace), so the events of that span leave in one write
// per socket.
func (h *Hub) write(w *writer) {
	defer h.wg.Done()
	var batch []sent
	var list []readySocket
	var last time.Time
	pause := time.NewTimer(time.Hour)
	pause.Stop()
	defer pause.Stop()
	for {
		select {
		case <-w.wake:
		case <-h.ctx.Done():
			return
		}
		if wait := h.pace(last); wait > 0 {
			pause.Reset(wait)
			select {
			case <-pause.C:
			case <-h.ctx.Done():
				return
			}
		}
		last = time.Now()
		w.mu.Lock()
		list, w.ready = w.ready, list[:0]
		w.mu.Unlock()
		for _, r := range list {
			batch = r.s.flush(r.c, batch[:0])
			clear(batch)
		}
		clear(list)
		if cap(batch) > maxPooledPending {
			batch = nil // a burst's long list is not kept
		}
	}
}
