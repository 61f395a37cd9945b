package ws

import (
	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
)

// internal carries out an internal event. It runs on the dispatch goroutine, so
// every event published after a revocation finds the revoked sockets gone.
func (h *Hub) internal(ev *model.Event) {
	switch ev.Event {
	case model.EventSessionRevoked:
		h.revoke(app.RevocationOf(ev))
	case model.EventConnectionResumed:
		h.taken(ev)
	}
}

// revoke closes the sockets of revoked sessions and forgets their connections,
// so that they cannot be resumed either: a client must log in again.
func (h *Hub) revoke(r app.Revocation) {
	var kill []*socket
	users := map[string]bool{}
	h.mu.Lock()
	for _, c := range h.conns {
		c.mu.Lock()
		revoked := r.Revokes(c.sess)
		s := c.sock
		if revoked && s != nil {
			c.detachLocked(s)
		}
		c.mu.Unlock()
		if !revoked {
			continue
		}
		if s != nil {
			kill = append(kill, s)
		}
		users[c.userID] = true
		h.dropLocked(c)
	}
	h.mu.Unlock()
	for _, s := range kill {
		s.kill()
	}
	for id := range users {
		h.log.Info("websocket connections of revoked sessions closed", "user_id", id)
		// Without a socket left the user is offline at once, not after the
		// grace period meant for reconnecting clients.
		h.spawn(func() { h.goOffline(id) })
	}
}
