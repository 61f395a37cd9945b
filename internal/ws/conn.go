package ws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"github.com/parley-chat/parley/internal/bus"
	"github.com/parley-chat/parley/internal/model"
)

// encoded is an event serialised once for all receivers: the JSON object
// without its closing brace, ending in `"seq":`. Each connection appends its
// own number and the brace when it writes the frame, after a frame header
// that only the number's length changes.
// In a cluster it also knows its place in the event stream, for the replay
// records.
type encoded struct {
	prefix   []byte
	sseq     uint64
	redacted bool // the copy without the admins' data
}

func encodeEvent(ev *model.Event) (*encoded, error) {
	b, err := json.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("marshal %s: %w", ev.Event, err)
	}
	return &encoded{prefix: append(b[:len(b)-1], `,"seq":`...), sseq: ev.StreamSeq}, nil
}

// appendFrame appends the WebSocket text frame of the event with its seq.
func (e *encoded) appendFrame(buf []byte, seq int64) []byte {
	buf = appendTextHeader(buf, len(e.prefix)+decimalDigits(seq)+1)
	buf = append(buf, e.prefix...)
	buf = strconv.AppendInt(buf, seq, 10)
	return append(buf, '}')
}

// decimalDigits is the length of strconv.FormatInt(n, 10) for n ≥ 0.
func decimalDigits(n int64) int {
	d := 1
	for ; n >= 10; n /= 10 {
		d++
	}
	return d
}

type sent struct {
	ev  *encoded
	seq int64
}

// conn is a logical connection: its id, event numbering and replay buffer
// outlive the socket that carries it, so a client can resume after a drop.
type conn struct {
	hub *Hub
	id  string
	// rateWindow is the hub's frame-rate window this connection was last
	// counted in (dispatch goroutine only; see frameRate.counted).
	rateWindow uint64
	userID     string
	sess       *model.Session // acts for the client's actions
	expiresAt  int64          // session expiry (ms), 0 = never

	mu      sync.Mutex
	sock    *socket // nil while detached
	nextSeq int64
	// ring holds the last ReplayBuffer events, oldest at ringHead once full;
	// their seqs run up to nextSeq-1 without a gap, so only the events are kept.
	ring     []*encoded
	ringHead int
	queue    []sent // waiting for the writer
	detached time.Time
	// after: events up to this stream sequence were counted when the
	// connection was resumed from another node's records; later copies from
	// this node's dispatcher are not sent again.
	after uint64
	noted time.Time // last replay record (cluster)

	typingMu sync.Mutex
	typing   *rate.Limiter // user_typing broadcasts; nil until the first
}

// typingAllowed takes a token for one user_typing broadcast. A connection
// gets the budget the API's rate limit gives a user (rate_limit_per_sec,
// rate_limit_burst), so typing over a socket is no way around the limit on
// POST /users/{id}/typing; each broadcast reaches every member of the
// channel, so an unlimited socket floods them all.
func (c *conn) typingAllowed(enabled bool, perSec, burst int, now time.Time) bool {
	if !enabled {
		return true
	}
	c.typingMu.Lock()
	defer c.typingMu.Unlock()
	if c.typing == nil || c.typing.Limit() != rate.Limit(perSec) || c.typing.Burst() != burst {
		c.typing = rate.NewLimiter(rate.Limit(perSec), burst)
	}
	return c.typing.AllowN(now, 1)
}

// socketNow is the socket currently attached, if any.
func (c *conn) socketNow() *socket {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sock
}

// enqueue numbers ev for this connection, remembers it for a resume and hands
// it to the writer. A droppable event is skipped (without using a number) when
// the socket is detached or backed up; a socket whose queue is full is dropped
// and the client must resume.
func (c *conn) enqueue(ev *encoded, droppable bool, now int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.expiresAt > 0 && now > c.expiresAt {
		if c.sock != nil {
			c.sock.kill()
		}
		return
	}
	if ev.sseq != 0 && ev.sseq <= c.after {
		return
	}
	if droppable && (c.sock == nil || len(c.queue) > c.hub.opts.SendQueue/2) {
		if c.sock != nil && c.hub.opts.Metrics != nil {
			c.hub.opts.Metrics.EventDropped("backed_up")
		}
		return
	}
	c.record(ev)
	if c.sock == nil {
		return
	}
	if len(c.queue) >= c.hub.opts.SendQueue {
		c.hub.log.Info("websocket send queue full; dropping socket", "user_id", c.userID, "connection_id", c.id)
		if c.hub.opts.Metrics != nil {
			c.hub.opts.Metrics.EventDropped("queue_full")
		}
		c.sock.kill()
		c.detachLocked(c.sock)
		return
	}
	c.queue = append(c.queue, sent{ev, c.nextSeq - 1})
	c.sock.signal(c)
}

// record gives ev the next seq and keeps it in the replay ring, and in a
// cluster notes the delivery for the other nodes.
func (c *conn) record(ev *encoded) {
	seq := c.nextSeq
	c.nextSeq++
	if r := c.hub.replay; r != nil && ev.sseq != 0 {
		c.noted = time.Now()
		r.Record(bus.ReplayRecord{Conn: c.id, User: c.userID, Node: c.hub.node, Seq: seq, StreamSeq: ev.sseq,
			Redacted: ev.redacted})
	}
	if len(c.ring) < c.hub.opts.ReplayBuffer {
		c.ring = append(c.ring, ev)
		return
	}
	c.ring[c.ringHead] = ev
	c.ringHead = (c.ringHead + 1) % len(c.ring)
}

// replayFrom queues the ring's events from seq on; false if they are gone.
func (c *conn) replayFrom(seq int64) bool {
	if seq == c.nextSeq {
		return true
	}
	oldest := c.nextSeq - int64(len(c.ring))
	if seq < oldest || seq > c.nextSeq {
		return false
	}
	for i := seq - oldest; i < int64(len(c.ring)); i++ {
		c.queue = append(c.queue, sent{c.ring[(c.ringHead+int(i))%len(c.ring)], oldest + i})
	}
	return true
}

// take hands the writer of s what is queued, or nil if s is no longer attached.
func (c *conn) take(s *socket, into []sent) ([]sent, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sock != s {
		return into, false
	}
	into = append(into, c.queue...)
	clear(c.queue)
	c.queue = c.queue[:0]
	if cap(c.queue) > 2*c.hub.opts.SendQueue/4 {
		c.queue = nil // an idle socket should not keep a burst's backlog array
	}
	return into, true
}

// hasQueued tells whether events wait for s.
func (c *conn) hasQueued(s *socket) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sock == s && len(c.queue) > 0
}

// detachLocked unhooks s; the connection keeps collecting events for a resume.
func (c *conn) detachLocked(s *socket) bool {
	if c.sock != s {
		return false
	}
	c.sock, c.queue, c.detached = nil, nil, time.Now()
	return true
}

// socket is one WebSocket carrying a conn. It has no writer goroutine of
// its own: enqueuing hands it to its hub writer (writer.go), which writes
// the queues of all its ready sockets in turn; only a socket whose kernel
// buffer is full gets a goroutine (drain), until its queue is empty.
type socket struct {
	hub  *Hub
	ws   *websocket.Conn
	out  *batchConn
	w    *writer // the hub writer serving this socket
	done chan struct{}
	once sync.Once

	ready atomic.Bool // attached and announced online: events may go out
	// owned: the socket waits in its writer's list or a drain runs for it;
	// one owner at a time takes its queue, so events stay in order.
	owned atomic.Bool

	mu     sync.Mutex
	pinger *time.Timer
}

func newSocket(h *Hub, c *websocket.Conn, out *batchConn) *socket {
	if h.opts.Metrics != nil {
		h.opts.Metrics.WebSocketOpened()
	}
	return &socket{hub: h, ws: c, out: out, w: h.nextWriter(), done: make(chan struct{})}
}

// start lets c's events flow to s and starts its pings.
func (s *socket) start(c *conn) {
	s.mu.Lock()
	s.pinger = time.AfterFunc(s.hub.opts.PingInterval, func() { s.ping() })
	s.mu.Unlock()
	s.ready.Store(true)
	s.signal(c)
}

// signal hands s to its writer unless it has an owner already.
func (s *socket) signal(c *conn) {
	if s.ready.Load() && s.owned.CompareAndSwap(false, true) {
		s.w.add(s, c)
	}
}

// release gives up the ownership of s, and takes it again for the writer
// when events were queued meanwhile: their signal saw s owned.
func (s *socket) release(c *conn) {
	s.owned.Store(false)
	if c.hasQueued(s) {
		s.signal(c)
	}
}

// flush is the writer's turn at s: it writes c's queue without waiting.
// When the socket cannot take it all, a drain takes over s (and its
// ownership) and writes the rest, waiting.
func (s *socket) flush(c *conn, batch []sent) []sent {
	batch, ok := c.take(s, batch)
	if !ok {
		return batch
	}
	if len(batch) > 0 {
		switch err := s.writeEvents(batch, true); {
		case errors.Is(err, errWouldBlock):
			if !s.hub.spawn(func() { s.drain(c, nil) }) {
				s.kill()
			}
			return batch
		case errors.Is(err, errBusy):
			// The writer reuses batch; the drain writes these first.
			first := slices.Clone(batch)
			if !s.hub.spawn(func() { s.drain(c, first) }) {
				s.kill()
			}
			return batch
		case err != nil:
			s.kill()
			return batch
		}
	}
	s.release(c)
	return batch
}

// kill closes the socket at once; its reader and any drain then end.
func (s *socket) kill() {
	s.once.Do(func() {
		close(s.done)
		s.mu.Lock()
		if s.pinger != nil {
			s.pinger.Stop()
		}
		s.mu.Unlock()
		_ = s.ws.CloseNow()
		if s.hub.opts.Metrics != nil {
			s.hub.opts.Metrics.WebSocketClosed()
		}
	})
}

// close sends a close frame with code and waits for the client's, at most
// a few seconds. A drain's batch goes out whole before it or not at all.
func (s *socket) close(code websocket.StatusCode, reason string) {
	_ = s.ws.Close(code, reason)
}

// ping runs on its timer's goroutine: a ping waits for the pong, which the
// reader receives, and must not hold up events.
func (s *socket) ping() {
	if !s.hub.enter() {
		return
	}
	defer s.hub.wg.Done()
	ctx, cancel := context.WithTimeout(s.hub.ctx, s.hub.opts.WriteTimeout)
	err := s.ws.Ping(ctx)
	cancel()
	if err != nil {
		s.kill()
		return
	}
	s.mu.Lock()
	select {
	case <-s.done:
	default:
		s.pinger.Reset(s.hub.opts.PingInterval)
	}
	s.mu.Unlock()
}

// drain owns s while its client is slow or another write holds it: it
// finishes what a write without waiting left, writes first (events the
// writer took but could not write), then c's queued events, waiting for the
// socket, until
// the queue is empty, and hands s back to its writer. While the hub is busy
// it writes at most once per interval (see Hub.pace), so that a slow
// socket's events also leave together.
func (s *socket) drain(c *conn, first []sent) {
	if err := s.out.finish(); err != nil {
		s.kill()
		return
	}
	if len(first) > 0 {
		if err := s.writeEvents(first, false); err != nil {
			s.kill()
			return
		}
	}
	bp := s.hub.pending.Get().(*[]sent)
	batch := *bp
	defer func() {
		clear(batch)
		if cap(batch) <= maxPooledPending {
			*bp = batch[:0]
			s.hub.pending.Put(bp)
		}
	}()
	last := time.Now()
	for {
		var ok bool
		if batch, ok = c.take(s, batch[:0]); !ok {
			return
		}
		if len(batch) == 0 {
			s.release(c)
			return
		}
		if wait := s.hub.pace(last); wait > 0 {
			time.Sleep(wait)
			// What arrived meanwhile follows in the same write, in order.
			if batch, ok = c.take(s, batch); !ok {
				return
			}
		}
		if err := s.writeEvents(batch, false); err != nil {
			s.kill()
			return
		}
		last = time.Now()
		clear(batch)
	}
}

// writeEvents writes a batch of frames with one system call; noWait as
// batchConn.tryWriteFrames.
func (s *socket) writeEvents(batch []sent, noWait bool) error {
	appendFrames := func(buf []byte) []byte {
		for _, e := range batch {
			buf = e.ev.appendFrame(buf, e.seq)
		}
		return buf
	}
	if noWait {
		return s.out.tryWriteFrames(appendFrames)
	}
	return s.out.writeFrames(appendFrames)
}
