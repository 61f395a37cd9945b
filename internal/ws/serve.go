package ws

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/parley-chat/parley/internal/bus"
	"github.com/parley-chat/parley/internal/model"
)

// ServeHTTP upgrades GET /api/v4/websocket and serves the socket until it ends.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	resumeID, resumeSeq := q.Get("connection_id"), q.Get("sequence_number")
	if !originAllowed(r, h.app.Config().SiteURL) {
		h.log.Warn("websocket upgrade from a foreign origin refused", "origin", r.Header.Get("Origin"))
		http.Error(w, "origin not allowed", http.StatusForbidden)
		return
	}
	// Origin was checked above against the site URL, which Accept's own
	// same-host rule does not know about (a proxy may rewrite Host).
	bw := &batchWriter{ResponseWriter: w, pool: &h.batches, timeout: h.opts.WriteTimeout}
	wc, err := websocket.Accept(bw, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return
	}
	wc.SetReadLimit(h.opts.MaxMessageSize)
	s := newSocket(h, wc, bw.conn)
	if resumeID != "" && !model.IsValidID(resumeID) {
		s.close(websocket.StatusPolicyViolation, "invalid connection_id")
		s.kill()
		return
	}
	var c *conn
	if tok := tokenFrom(r); tok != "" {
		// A bad token at the upgrade leaves the socket unauthenticated; the
		// client may still answer the challenge.
		if sess, err := h.app.SocketSession(h.ctx, tok); err == nil {
			if c, err = h.attach(s, sess, resumeID, resumeSeq); err != nil {
				s.close(websocket.StatusPolicyViolation, err.Error())
				s.kill()
				return
			}
		}
	}
	// A new goroutine reads, so that the request's goroutine, whose stack
	// grew while serving HTTP, ends: an idle socket then costs a small stack.
	if !h.spawn(func() { h.readLoop(s, c, resumeID, resumeSeq) }) {
		s.kill()
	}
}

// tokenFrom finds the credential in the reference's order (§2).
func tokenFrom(r *http.Request) string {
	if ck, err := r.Cookie("MMAUTHTOKEN"); err == nil && ck.Value != "" {
		return ck.Value
	}
	if auth := r.Header.Get("Authorization"); len(auth) > 6 {
		if strings.EqualFold(auth[:7], "bearer ") {
			return strings.TrimSpace(auth[7:])
		}
		if strings.EqualFold(auth[:6], "token ") {
			return strings.TrimSpace(auth[6:])
		}
	}
	return r.URL.Query().Get("access_token")
}

var errBadSequence = errors.New("invalid sequence_number")

// attach binds socket s to a connection for sess: the one named by resumeID
// when it can be resumed from resumeSeq, else a fresh one that starts with
// hello. The client's status becomes online.
func (h *Hub) attach(s *socket, sess *model.Session, resumeID, resumeSeq string) (*conn, error) {
	h.mu.Lock()
	var c *conn
	var err error
	if h.replay != nil && resumeID != "" && h.conns[resumeID] == nil {
		// Perhaps a connection another node served, which died or which the
		// client left: that takes the cluster's records, read unlocked.
		h.mu.Unlock()
		if c, err = h.resumeRemote(s, sess, resumeID, resumeSeq); err != nil {
			return nil, err
		}
		h.mu.Lock()
	} else if c, err = h.resumeLocked(s, sess, resumeID, resumeSeq); err != nil {
		h.mu.Unlock()
		return nil, err
	}
	if c == nil {
		if c, err = h.freshLocked(s, sess); err != nil {
			h.mu.Unlock()
			return nil, err
		}
	}
	u := h.users[sess.UserID]
	if u.offline != nil {
		u.offline.Stop()
		u.offline = nil
	}
	u.lastActivity, u.away = time.Now(), false
	h.mu.Unlock()
	// Online before hello goes out, so a client that asks at once sees it.
	if err := h.app.SetAutoStatus(h.ctx, sess.UserID, model.StatusOnline); err != nil {
		h.log.Warn("set status online", "user_id", sess.UserID, "err", err)
	}
	s.start(c)
	return c, nil
}

// resumeLocked re-attaches a known connection (nil if there is none to resume).
func (h *Hub) resumeLocked(s *socket, sess *model.Session, id, seqParam string) (*conn, error) {
	old := h.conns[id]
	if id == "" || old == nil || old.userID != sess.UserID {
		return nil, nil
	}
	seq, err := strconv.ParseInt(seqParam, 10, 64)
	if err != nil || seq < 0 {
		return nil, errBadSequence
	}
	old.mu.Lock()
	defer old.mu.Unlock()
	if old.sock != nil {
		// The client came back before its old socket was seen to die.
		old.sock.kill()
		old.detachLocked(old.sock)
	}
	if !old.replayFrom(seq) {
		h.dropLocked(old)
		return nil, nil
	}
	old.sock, old.sess, old.expiresAt = s, sess, sess.ExpiresAt
	return old, nil
}

// freshLocked makes a new connection whose first event is hello.
func (h *Hub) freshLocked(s *socket, sess *model.Session) (*conn, error) {
	c := &conn{hub: h, id: model.NewID(), userID: sess.UserID, sess: sess, expiresAt: sess.ExpiresAt, sock: s}
	hello, err := encodeEvent(model.NewEvent(model.EventHello, model.Broadcast{UserID: sess.UserID}, map[string]any{
		"server_version": h.app.VersionID(), "connection_id": c.id, "server_hostname": h.hostname}))
	if err != nil {
		return nil, err
	}
	c.record(hello)
	c.queue = append(c.queue, sent{c.ring[0], 0})
	if h.replay != nil {
		c.noted = time.Now()
		// Known to the cluster from hello on, so that it can be resumed on
		// another node even before its first event.
		h.replay.Record(bus.ReplayRecord{Conn: c.id, User: c.userID, Node: h.node, StreamSeq: h.lastSeq.Load(),
			Checkpoint: true})
	}
	h.conns[c.id] = c
	u := h.users[sess.UserID]
	if u == nil {
		u = &userState{}
		h.users[sess.UserID] = u
	}
	u.conns = append(u.conns, c)
	return c, nil
}

// dropLocked forgets a connection for good.
func (h *Hub) dropLocked(c *conn) {
	delete(h.conns, c.id)
	u := h.users[c.userID]
	if u == nil {
		return
	}
	for i, x := range u.conns {
		if x == c {
			u.conns = append(u.conns[:i], u.conns[i+1:]...)
			break
		}
	}
	if len(u.conns) == 0 && u.offline == nil {
		delete(h.users, c.userID)
	}
}

// detach is called when s ends: its connection waits for a resume, and the
// user goes offline after a grace period unless another socket remains.
func (h *Hub) detach(c *conn, s *socket) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c.mu.Lock()
	c.detachLocked(s)
	c.mu.Unlock()
	u := h.users[c.userID]
	if u == nil || u.hasSocket() || u.offline != nil || h.ctx.Err() != nil {
		return
	}
	userID := c.userID
	u.offline = time.AfterFunc(h.opts.OfflineGrace, func() { h.goOffline(userID) })
}

func (u *userState) hasSocket() bool {
	for _, c := range u.conns {
		if c.socketNow() != nil {
			return true
		}
	}
	return false
}

func (h *Hub) goOffline(userID string) {
	h.mu.Lock()
	u := h.users[userID]
	if u != nil {
		u.offline = nil
		if u.hasSocket() {
			h.mu.Unlock()
			return
		}
		if len(u.conns) == 0 {
			delete(h.users, userID)
		}
	}
	h.mu.Unlock()
	if h.ctx.Err() != nil {
		return
	}
	if h.presence != nil && h.presence.ConnectedElsewhere(h.ctx, userID) {
		return // the node holding the user's socket shows them offline when it closes
	}
	if err := h.app.SetAutoStatus(h.ctx, userID, model.StatusOffline); err != nil {
		h.log.Warn("set status offline", "user_id", userID, "err", err)
	}
}

// activity marks the user active; one shown away by the hub is online again.
func (h *Hub) activity(userID string) {
	h.mu.Lock()
	u := h.users[userID]
	wasAway := u != nil && u.away
	if u != nil {
		u.lastActivity, u.away = time.Now(), false
	}
	h.mu.Unlock()
	if wasAway {
		if err := h.app.SetAutoStatus(h.ctx, userID, model.StatusOnline); err != nil {
			h.log.Warn("set status online", "user_id", userID, "err", err)
		}
	}
}

// sweep forgets connections past their resume grace and shows inactive users away.
func (h *Hub) sweep() {
	defer h.wg.Done()
	every := max(min(h.opts.ResumeGrace, h.opts.AwayTimeout)/4, 10*time.Millisecond)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-h.ctx.Done():
			return
		case now := <-t.C:
			h.checkpoint()
			var away []string
			h.mu.Lock()
			for _, c := range h.conns {
				c.mu.Lock()
				expired := c.sock == nil && now.Sub(c.detached) > h.opts.ResumeGrace
				c.mu.Unlock()
				if expired {
					h.dropLocked(c)
				}
			}
			for id, u := range h.users {
				if !u.away && now.Sub(u.lastActivity) > h.opts.AwayTimeout && u.hasSocket() {
					away = append(away, id)
				}
			}
			h.mu.Unlock()
			for _, id := range h.awayEverywhere(away, now) {
				if err := h.app.SetAutoStatus(h.ctx, id, model.StatusAway); err != nil {
					h.log.Warn("set status away", "user_id", id, "err", err)
				}
			}
		}
	}
}

// awayEverywhere keeps, of the users inactive here, those inactive on every
// node's sockets, and marks them away here. A user active on another node
// takes that node's last activity as theirs here, which postpones the next
// question.
func (h *Hub) awayEverywhere(ids []string, now time.Time) []string {
	if len(ids) == 0 {
		return nil
	}
	var elsewhere map[string]time.Duration
	if h.presence != nil {
		elsewhere = h.presence.IdleElsewhere(h.ctx, ids)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	away := ids[:0]
	for _, id := range ids {
		u := h.users[id]
		if u == nil || u.away {
			continue
		}
		if d, ok := elsewhere[id]; ok {
			if last := now.Add(-d); last.After(u.lastActivity) {
				u.lastActivity = last
			}
		}
		if now.Sub(u.lastActivity) > h.opts.AwayTimeout {
			u.away = true
			away = append(away, id)
		}
	}
	return away
}

// statusChanged follows a user's presence as any node decided it, so that
// presence is one across the cluster: shown away, the user is online again
// at their next activity on any node, not only on the node that found them
// inactive; shown offline by another node while a socket of theirs is open
// here (that node asked while this socket was being opened), they are shown
// online again. A status set by hand stays (SetAutoStatus).
func (h *Hub) statusChanged(ev *model.Event) {
	userID, _ := ev.Data["user_id"].(string)
	status, _ := ev.Data["status"].(string)
	h.mu.Lock()
	u := h.users[userID]
	connected := u != nil && u.hasSocket()
	if u != nil {
		switch status {
		case model.StatusAway:
			u.away = true
		case model.StatusOnline:
			u.away = false
		}
	}
	h.mu.Unlock()
	if status == model.StatusOffline && connected {
		h.spawn(func() {
			if err := h.app.SetAutoStatus(h.ctx, userID, model.StatusOnline); err != nil {
				h.log.Warn("set status online", "user_id", userID, "err", err)
			}
		})
	}
}

// hostnameOrEmpty names this node in hello; it is optional there.
func hostnameOrEmpty() string {
	n, err := os.Hostname()
	if err != nil {
		return ""
	}
	return n
}

// readLoop reads client actions until the socket fails, then detaches it.
func (h *Hub) readLoop(s *socket, c *conn, resumeID, resumeSeq string) {
	authBy := time.Now().Add(h.opts.AuthTimeout)
	defer func() {
		if c != nil {
			h.detach(c, s)
		}
		s.kill()
	}()
	for {
		ctx, cancel := h.ctx, context.CancelFunc(func() {})
		if c == nil {
			ctx, cancel = context.WithDeadline(h.ctx, authBy)
		}
		typ, data, err := s.ws.Read(ctx)
		cancel()
		if err != nil {
			return
		}
		if typ != websocket.MessageText {
			s.close(websocket.StatusUnsupportedData, "text frames only")
			return
		}
		var req request
		if err := json.Unmarshal(data, &req); err != nil {
			s.close(websocket.StatusInvalidFramePayloadData, "malformed message")
			return
		}
		if req.Action == "authentication_challenge" {
			if c != nil {
				continue // already authenticated: ignored, as the reference says
			}
			if c, err = h.challenge(s, &req, resumeID, resumeSeq); err != nil {
				s.close(websocket.StatusPolicyViolation, "authentication failed")
				return
			}
			continue
		}
		if err := h.act(s, c, &req); err != nil {
			return
		}
	}
}
