package ws

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/parley-chat/parley/internal/bus"
	"github.com/parley-chat/parley/internal/model"
)

// In a cluster every node reads the same event stream, in the same order,
// and notes for each delivery which event (by stream sequence) a connection
// got as which seq (bus.Replay). A node asked to resume a connection it does
// not hold rebuilds it from those records: first the events recorded but not
// yet received by the client, then the events of the stream the connection
// would have got since its last record, while no node held it, numbered on.

// maxCatchUp bounds the events of the stream a resume reads through: past
// it, the client gets a fresh hello and refetches, as it would after a
// longer absence.
const maxCatchUp = 20000

// resumeTimeout bounds the cluster reads of one resume.
const resumeTimeout = 5 * time.Second

// resumeRemote resumes a connection served elsewhere; nil (and no error)
// when it cannot be, and the client then gets a fresh hello.
func (h *Hub) resumeRemote(s *socket, sess *model.Session, id, seqParam string) (*conn, error) {
	ctx, cancel := context.WithTimeout(h.ctx, resumeTimeout)
	defer cancel()
	recs, err := h.replay.Records(ctx, id)
	if err != nil {
		h.log.Warn("websocket resume: replay records unreadable; fresh connection", "connection_id", id, "err", err)
		return nil, nil
	}
	if len(recs) == 0 || recs[0].User != sess.UserID {
		return nil, nil
	}
	seq, err := strconv.ParseInt(seqParam, 10, 64)
	if err != nil || seq < 0 {
		return nil, errBadSequence
	}
	bySeq := map[int64]bus.ReplayRecord{}
	var last int64
	var after uint64
	for _, r := range recs {
		last, after = max(last, r.Seq), max(after, r.StreamSeq)
		if !r.Checkpoint {
			bySeq[r.Seq] = r
		}
	}
	// The client may have had events whose records were still on their way
	// when their node died: the stream's events after the last record are
	// then counted on from it, as that node counted them, and those the
	// client had are skipped.
	first := min(seq, last+1)
	var missed []*encoded
	for q := first; q <= last; q++ {
		r, ok := bySeq[q]
		if !ok {
			return nil, nil
		}
		enc, err := h.replayed(ctx, r)
		if err != nil {
			h.log.Info("websocket resume: a missed event is gone; fresh connection", "connection_id", id, "err", err)
			return nil, nil
		}
		missed = append(missed, enc)
	}
	type result struct {
		c   *conn
		err error
	}
	done := make(chan result, 1)
	// The catch-up runs between two events of the dispatcher, so that the
	// connection gets every event after its records exactly once: those up
	// to the last one dispatched from the stream here, then the live ones.
	if !h.events.do(func() {
		c, err := h.catchUp(ctx, s, sess, id, first, seq, after, missed)
		done <- result{c, err}
	}) {
		return nil, nil
	}
	select {
	case r := <-done:
		if r.err != nil {
			h.log.Info("websocket resume: missed events unreadable; fresh connection", "connection_id", id, "err", r.err)
			return nil, nil
		}
		// A node that still holds the connection (its socket not yet seen
		// dead, or kept for a resume) must stop counting events for it.
		if err := h.app.Bus().Publish(ctx, model.NewEvent(model.EventConnectionResumed, model.Broadcast{},
			map[string]any{"connection_id": id, "node": h.node})); err != nil {
			h.log.Warn("websocket resume: other nodes not told", "connection_id", id, "err", err)
		}
		return r.c, nil
	case <-h.ctx.Done():
		return nil, nil
	}
}

// replayed is the frame a record stands for.
func (h *Hub) replayed(ctx context.Context, r bus.ReplayRecord) (*encoded, error) {
	ev, err := h.replay.Event(ctx, r.StreamSeq)
	if err != nil {
		return nil, err
	}
	if r.Redacted {
		if aud, ok := model.AudienceOf(ev.Event); ok {
			if red := aud.Redacted(ev); red != nil {
				red.StreamSeq = ev.StreamSeq
				enc, err := encodeEvent(red)
				if err != nil {
					return nil, err
				}
				enc.redacted = true
				return enc, nil
			}
		}
	}
	return encodeEvent(ev)
}

// catchUp runs on the dispatch goroutine: it adds to missed what the stream
// holds for the connection after its records, up to the last event
// dispatched here, and attaches s to the connection rebuilt from them.
func (h *Hub) catchUp(ctx context.Context, s *socket, sess *model.Session, id string, first, seq int64, after uint64,
	missed []*encoded) (*conn, error) {
	upTo := h.lastSeq.Load()
	if upTo > after && upTo-after > maxCatchUp {
		return nil, fmt.Errorf("%d events since the connection's last record", upTo-after)
	}
	evs, err := h.replay.Events(ctx, after, upTo)
	if err != nil {
		return nil, err
	}
	for _, ev := range evs {
		if enc := h.wants(ev, sess.UserID, id); enc != nil {
			missed = append(missed, enc)
		}
	}
	if first+int64(len(missed)) < seq {
		return nil, fmt.Errorf("the client had events up to %d, the cluster knows of %d", seq-1,
			first+int64(len(missed))-1)
	}
	c := &conn{hub: h, id: id, userID: sess.UserID, sess: sess, expiresAt: sess.ExpiresAt, sock: s,
		nextSeq: first, after: max(after, upTo)}
	for _, enc := range missed {
		q := c.nextSeq
		c.record(enc)
		if q >= seq {
			c.queue = append(c.queue, sent{enc, q})
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if old := h.conns[id]; old != nil {
		// The client opened two sockets for one connection at once; the
		// first to attach keeps it.
		return nil, fmt.Errorf("connection %s resumed twice", id)
	}
	h.conns[id] = c
	u := h.users[sess.UserID]
	if u == nil {
		u = &userState{}
		h.users[sess.UserID] = u
	}
	u.conns = append(u.conns, c)
	return c, nil
}

// wants is the frame of ev that the user's connection id would have been
// sent while detached, or nil: deliver's rules for one receiver, without
// the events only a live socket gets.
func (h *Hub) wants(ev *model.Event, userID, connID string) *encoded {
	aud, ok := model.AudienceOf(ev.Event)
	if !ok || aud.Internal || aud.Droppable {
		return nil
	}
	b := &ev.Broadcast
	scope := b.Scope()
	if aud.Scopes&scope == 0 || b.OmitConnectionID == connID || (b.ConnectionID != "" && b.ConnectionID != connID) ||
		b.OmitUsers[userID] {
		return nil
	}
	allow, _, err := h.allowFunc(ev, aud, scope)
	if err != nil {
		return nil
	}
	extra := ""
	if aud.AlsoDataUser {
		extra, _ = ev.Data["user_id"].(string)
	}
	in := (scope != model.ScopeUser || b.UserID == userID) && allow(userID)
	if !in && !(extra == userID && scope != model.ScopeUser) {
		return nil
	}
	if red := aud.Redacted(ev); red != nil {
		admins, err := h.cache.systemAdmins(h.ctx, h.app)
		if err != nil || !admins.has(userID) {
			red.StreamSeq = ev.StreamSeq
			enc, err := encodeEvent(red)
			if err != nil {
				return nil
			}
			enc.redacted = true
			return enc
		}
	}
	enc, err := encodeEvent(ev)
	if err != nil {
		return nil
	}
	return enc
}

// checkpoint notes, on the dispatch goroutine, that the attached connections
// idle for half the resume grace got nothing up to the last event: their
// records would otherwise age out of the cluster while they are open.
func (h *Hub) checkpoint() {
	if h.replay == nil {
		return
	}
	h.events.do(func() {
		upTo := h.lastSeq.Load()
		h.mu.Lock()
		defer h.mu.Unlock()
		now := time.Now()
		for _, c := range h.conns {
			c.mu.Lock()
			if c.sock != nil && now.Sub(c.noted) > h.opts.ResumeGrace/2 {
				c.noted = now
				h.replay.Record(bus.ReplayRecord{Conn: c.id, User: c.userID, Node: h.node, Seq: c.nextSeq - 1,
					StreamSeq: max(upTo, c.after), Checkpoint: true})
			}
			c.mu.Unlock()
		}
	})
}

// taken forgets a connection another node resumed.
func (h *Hub) taken(ev *model.Event) {
	id, _ := ev.Data["connection_id"].(string)
	if node, _ := ev.Data["node"].(string); node == h.node || id == "" {
		return
	}
	h.mu.Lock()
	c := h.conns[id]
	var s *socket
	if c != nil {
		c.mu.Lock()
		s = c.sock
		if s != nil {
			c.detachLocked(s)
		}
		c.mu.Unlock()
		h.dropLocked(c)
	}
	h.mu.Unlock()
	if s != nil {
		s.kill()
	}
}

// Connections counts the sockets attached to this node.
func (h *Hub) Connections() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, c := range h.conns {
		if c.socketNow() != nil {
			n++
		}
	}
	return n
}

// holds reports whether a socket of the user is attached here, for the
// other nodes of a cluster.
func (h *Hub) holds(userID string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	u := h.users[userID]
	return u != nil && u.hasSocket()
}

// idle tells the other nodes of a cluster how long each of the users with a
// socket attached here has been inactive on this node.
func (h *Hub) idle(ids []string) map[string]time.Duration {
	now := time.Now()
	out := map[string]time.Duration{}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, id := range ids {
		if u := h.users[id]; u != nil && u.hasSocket() {
			out[id] = now.Sub(u.lastActivity)
		}
	}
	return out
}
