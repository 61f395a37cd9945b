// Package ws serves GET /api/v4/websocket: it authenticates sockets, numbers
// and delivers the app's events to those allowed to see them (model.AudienceOf),
// answers client actions, resumes dropped connections and tracks presence.
package ws

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/bus"
	"github.com/parley-chat/parley/internal/model"
)

// Options are the hub's limits and timers (reference/websocket.md §7, §8).
type Options struct {
	MaxMessageSize int64         // largest client frame; larger closes the socket
	SendQueue      int           // events waiting per socket before it is dropped
	ReplayBuffer   int           // events kept per connection for a resume
	ResumeGrace    time.Duration // how long a dropped connection can be resumed
	AuthTimeout    time.Duration // time to authenticate after the upgrade
	PingInterval   time.Duration // WebSocket ping period
	WriteTimeout   time.Duration // at least, per write to a socket, and for the pong to a ping
	OfflineGrace   time.Duration // after the last socket closes, before offline
	AwayTimeout    time.Duration // inactivity before an online user is away
	CacheTTL       time.Duration // membership caches, beside event invalidation
	// While the hub hands its sockets at least BusyWrites frames a second,
	// each socket writes at most once per interval (WriteInterval 0: never
	// waits), so that several events share a write system call: the time a
	// socket takes to get FramesPerWrite events at the current rate, at
	// least WriteInterval and at most MaxWriteInterval. A socket's queue
	// must hold what arrives in one interval (SendQueue).
	WriteInterval    time.Duration
	MaxWriteInterval time.Duration
	FramesPerWrite   int
	BusyWrites       int
	Metrics          Metrics // nil: not reported
}

// Metrics is what the hub reports; *metrics.Metrics implements it.
type Metrics interface {
	WebSocketOpened()
	WebSocketClosed()
	EventDropped(reason string)
	EventBroadcast(event string)
}

// DefaultOptions are Mattermost's figures, but for ReplayBuffer.
func DefaultOptions() Options {
	return Options{
		MaxMessageSize: 8 * 1024,
		SendQueue:      256,
		// Mattermost keeps 128, fewer than a socket dropped for a full
		// queue (256) misses, so such a socket could never resume. A dropped
		// socket misses its queue, what the kernel's buffers held and what
		// arrives while its client waits to reconnect (3 to 5 s for the
		// webapp); 1,024 is 20 s of events at 50 a second. The ring holds
		// pointers to events shared by all receivers: 8 KiB once full.
		ReplayBuffer: 1024,
		ResumeGrace:  5 * time.Minute,
		AuthTimeout:  5 * time.Second,
		PingInterval: 60 * time.Second,
		WriteTimeout: 30 * time.Second,
		OfflineGrace: 10 * time.Second,
		AwayTimeout:  5 * time.Minute,
		CacheTTL:     time.Minute,
		// 10 ms keeps a delivery well inside a 50 ms budget. Below 20,000
		// frames/s (40 posts/s to 500 listeners) one write per frame costs
		// under a tenth of a core (about 3 µs each), so events leave at once.
		// How much pacing saves is measured in docs/performance.md.
		WriteInterval: 10 * time.Millisecond,
		// Four events a write bring the write system call's share of a
		// frame under a microsecond (docs/performance.md); 40 ms keeps a
		// delivery inside a 50 ms budget.
		MaxWriteInterval: 40 * time.Millisecond,
		FramesPerWrite:   4,
		BusyWrites:       20000,
	}
}

// Hub is one node's set of WebSocket connections.
type Hub struct {
	app  *app.App
	log  *slog.Logger
	opts Options
	// hostname names this node in hello.
	hostname string
	// replay is the cluster-wide record of deliveries (nil on one node): a
	// connection can then be resumed on any node (see cluster.go).
	replay bus.Replay
	node   string
	// presence asks the other nodes of a cluster about a user's sockets (nil alone).
	presence bus.Presence
	// lastSeq is the stream sequence of the last event the dispatcher took up.
	lastSeq atomic.Uint64

	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	unsub   func()
	events  eventQueue
	batches sync.Pool // batchConn write buffers, so that an idle socket keeps none of its own
	pending sync.Pool // drains' lists of events taken from a queue, likewise
	rate    frameRate
	// writers write the sockets' queues (writer.go); writerTurn picks the
	// next socket's.
	writers    []*writer
	writerTurn atomic.Uint64

	// life guards closed apart from mu, because sockets start drains while
	// holding their connection's lock, which mu may be waiting for.
	life   sync.Mutex
	closed bool // no goroutine may start once Close waits for them

	mu    sync.Mutex
	conns map[string]*conn      // by connection id, attached or waiting for a resume
	users map[string]*userState // by user id, while the user has a connection

	// Used only by the dispatch goroutine.
	cache    memberCache
	receiver []*conn
}

// userState is what the hub knows of one connected user.
type userState struct {
	conns        []*conn // attached and detached (still collecting events)
	lastActivity time.Time
	away         bool        // set away by the hub, not yet active again
	offline      *time.Timer // pending offline after the last socket closed
}

// maxPooledPending keeps one burst's long list of events from staying in the pool.
const maxPooledPending = 256

// NewHub starts a hub on the app's bus. Close stops it.
func NewHub(a *app.App, log *slog.Logger, opts Options) *Hub {
	h := newHub(log, opts)
	h.app = a
	if r, ok := a.Bus().(bus.Replay); ok {
		h.replay = r
		h.node = a.Config().Node()
	}
	if p, ok := a.Bus().(bus.Presence); ok {
		if err := p.ServePresence(h.holds, h.idle); err != nil {
			log.Warn("websocket presence across the cluster unavailable", "err", err)
		} else {
			h.presence = p
		}
	}
	h.unsub = a.Bus().Subscribe(h.events.push)
	h.wg.Add(2)
	go h.dispatch()
	go h.sweep()
	return h
}

// newHub is a hub that serves no app yet and runs only its writers.
func newHub(log *slog.Logger, opts Options) *Hub {
	ctx, cancel := context.WithCancel(context.Background())
	h := &Hub{log: log, opts: opts, hostname: hostnameOrEmpty(), ctx: ctx, cancel: cancel,
		conns: map[string]*conn{}, users: map[string]*userState{}}
	h.batches.New = func() any { b := make([]byte, 0, 4096); return &b }
	h.pending.New = func() any { l := make([]sent, 0, 16); return &l }
	h.cache.init(opts.CacheTTL)
	h.events.init()
	h.startWriters()
	return h
}

// Close disconnects every socket and stops the hub's goroutines.
func (h *Hub) Close() {
	h.unsub()
	h.events.close()
	h.life.Lock()
	h.closed = true
	h.life.Unlock()
	h.mu.Lock()
	var socks []*socket
	for _, c := range h.conns {
		if s := c.socketNow(); s != nil {
			socks = append(socks, s)
		}
	}
	for _, u := range h.users {
		if u.offline != nil {
			u.offline.Stop()
		}
	}
	h.mu.Unlock()
	// Tell clients the server is going away (1001) so they reconnect, waiting a
	// moment for the closing handshakes; whatever is left is cut. The hub's
	// context is cancelled only after, since that tears sockets down silently.
	var wg sync.WaitGroup
	for _, s := range socks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.close(websocket.StatusGoingAway, "server shutting down")
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Second):
	}
	h.cancel()
	for _, s := range socks {
		s.kill()
	}
	h.wg.Wait()
}

// spawn runs fn in a goroutine Close waits for; false once the hub is closing.
func (h *Hub) spawn(fn func()) bool {
	if !h.enter() {
		return false
	}
	go func() {
		defer h.wg.Done()
		fn()
	}()
	return true
}

// enter counts a goroutine Close must wait for (the caller calls h.wg.Done
// when it ends); false once the hub is closing.
func (h *Hub) enter() bool {
	h.life.Lock()
	defer h.life.Unlock()
	if h.closed {
		return false
	}
	h.wg.Add(1)
	return true
}

// dispatch delivers events one at a time, in publication order.
func (h *Hub) dispatch() {
	defer h.wg.Done()
	for {
		it, ok := h.events.pop()
		if !ok {
			return
		}
		if it.run != nil {
			it.run()
			continue
		}
		h.deliver(it.ev)
	}
}

// deliver sends one event to every connection whose user may see it now.
func (h *Hub) deliver(ev *model.Event) {
	if ev.StreamSeq != 0 {
		// Before any connection is looked at: one made from now on counts
		// this event as seen (see freshLocked).
		h.lastSeq.Store(ev.StreamSeq)
	}
	if ev.Event == model.EventStatusChange {
		h.statusChanged(ev)
	}
	aud, ok := model.AudienceOf(ev.Event)
	if !ok {
		h.log.Error("websocket event without a declared audience; not delivered", "event", ev.Event)
		return
	}
	b := &ev.Broadcast
	scope := b.Scope()
	if aud.Scopes&scope == 0 {
		h.log.Error("websocket event addressed outside its declared audience; not delivered",
			"event", ev.Event, "scope", scope)
		return
	}
	if aud.Internal {
		h.internal(ev)
		return
	}
	// Events are published after their transaction commits (store.AfterCommit),
	// so a membership read from here on sees the change the event reports.
	h.cache.invalidate(ev)

	allow, scoped, err := h.allowFunc(ev, aud, scope)
	if err != nil {
		h.log.Warn("websocket audience lookup failed; event not delivered", "event", ev.Event, "err", err)
		return
	}
	enc, err := encodeEvent(ev)
	if err != nil {
		h.log.Error("encode websocket event", "event", ev.Event, "err", err)
		return
	}
	redacted, admins, err := h.redaction(ev, aud)
	if err != nil {
		h.log.Error("encode websocket event", "event", ev.Event, "err", err)
		return
	}
	if h.opts.Metrics != nil {
		h.opts.Metrics.EventBroadcast(ev.Event)
	}
	extra := ""
	if aud.AlsoDataUser {
		extra, _ = ev.Data["user_id"].(string)
	}
	now := model.Now()
	h.receiver = h.receiver[:0]
	h.mu.Lock()
	add := func(u *userState) {
		for _, c := range u.conns {
			if c.id != b.OmitConnectionID && (b.ConnectionID == "" || c.id == b.ConnectionID) {
				h.receiver = append(h.receiver, c)
			}
		}
	}
	switch {
	case scope == model.ScopeUser:
		if u := h.users[b.UserID]; u != nil && !b.OmitUsers[b.UserID] && allow(b.UserID) {
			add(u)
		}
	case scoped != nil && len(scoped.members) < len(h.users):
		for id := range scoped.members {
			if u := h.users[id]; u != nil && id != extra && !b.OmitUsers[id] && allow(id) {
				add(u)
			}
		}
	default:
		for id, u := range h.users {
			if id != extra && !b.OmitUsers[id] && allow(id) {
				add(u)
			}
		}
	}
	if extra != "" && scope != model.ScopeUser && !b.OmitUsers[extra] {
		if u := h.users[extra]; u != nil {
			add(u)
		}
	}
	h.mu.Unlock()
	fresh := 0
	for _, c := range h.receiver {
		if !h.rate.counted(&c.rateWindow) {
			fresh++
		}
	}
	h.rate.add(len(h.receiver), fresh, time.Now(), &h.opts)
	for _, c := range h.receiver {
		if redacted != nil && !admins.has(c.userID) {
			c.enqueue(redacted, aud.Droppable, now)
			continue
		}
		c.enqueue(enc, aud.Droppable, now)
	}
	clear(h.receiver)
}

// redaction returns the copy of ev for receivers who are not system admins
// and the admins, or nil when ev carries nothing its audience keeps for
// admins. When the admins cannot be read, everyone gets the copy.
func (h *Hub) redaction(ev *model.Event, aud model.Audience) (*encoded, *memberSet, error) {
	r := aud.Redacted(ev)
	if r == nil {
		return nil, nil, nil
	}
	enc, err := encodeEvent(r)
	if err != nil {
		return nil, nil, err
	}
	enc.redacted = true
	admins, err := h.cache.systemAdmins(h.ctx, h.app)
	if err != nil {
		h.log.Warn("websocket: system admins lookup failed; sending everyone the redacted event", "event", ev.Event,
			"err", err)
		admins = &memberSet{}
	}
	return enc, admins, nil
}

// allowFunc returns the membership test for one event's receivers, looked up
// now (cached, and invalidated by the events that change membership), and the
// members of the channel or team the event is scoped to.
func (h *Hub) allowFunc(ev *model.Event, aud model.Audience, scope model.Scope) (func(string) bool, *memberSet, error) {
	var tests []func(string) bool
	var scoped *memberSet
	var err error
	switch scope {
	case model.ScopeChannel:
		if scoped, err = h.cache.channel(h.ctx, h.app, ev.Broadcast.ChannelID); err != nil {
			return nil, nil, err
		}
		tests = append(tests, scoped.has)
	case model.ScopeTeam:
		if scoped, err = h.cache.team(h.ctx, h.app, ev.Broadcast.TeamID, h.app.Config().MaxUsersPerTeam); err != nil {
			return nil, nil, err
		}
		tests = append(tests, scoped.has)
	}
	if id, _ := ev.Data["channel_id"].(string); aud.PrivateChannelInData && id != "" {
		ch, err := h.cache.channel(h.ctx, h.app, id)
		// A permanently deleted channel is gone; its per-user events need no check.
		if err != nil && scope != model.ScopeUser {
			return nil, nil, err
		}
		if err == nil && ch.typ == model.ChannelPrivate {
			tests = append(tests, ch.has)
		}
	}
	return func(userID string) bool {
		for _, t := range tests {
			if !t(userID) {
				return false
			}
		}
		return true
	}, scoped, nil
}

// eventQueue hands events from publishers to the dispatcher without ever
// blocking a publisher: publishers are requests (and, for events deferred to
// a commit, the transaction's caller), which a slow dispatcher must not stall.
type eventQueue struct {
	mu     sync.Mutex
	items  []queued
	wake   chan struct{}
	closed bool
}

// queued is an event to deliver, or work that must run between two events
// (a resume that counts what a connection missed up to the last one).
type queued struct {
	ev  *model.Event
	run func()
}

func (q *eventQueue) init() { q.wake = make(chan struct{}, 1) }

func (q *eventQueue) push(ev *model.Event) { q.add(queued{ev: ev}) }

// do runs fn on the dispatch goroutine; false once the queue is closed.
func (q *eventQueue) do(fn func()) bool { return q.add(queued{run: fn}) }

func (q *eventQueue) add(it queued) bool {
	q.mu.Lock()
	ok := !q.closed
	if ok {
		q.items = append(q.items, it)
	}
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return ok
}

func (q *eventQueue) pop() (queued, bool) {
	for {
		q.mu.Lock()
		if q.closed {
			q.mu.Unlock()
			return queued{}, false
		}
		if len(q.items) > 0 {
			ev := q.items[0]
			q.items[0] = queued{}
			q.items = q.items[1:]
			q.mu.Unlock()
			return ev, true
		}
		q.mu.Unlock()
		<-q.wake
	}
}

func (q *eventQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.items = nil
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}
