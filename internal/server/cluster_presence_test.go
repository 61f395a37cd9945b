package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/parley-chat/parley/internal/model"
)

// act sends the activity a client reports (user_update_active_status).
func (s *socket) act(t *testing.T) {
	t.Helper()
	msg, _ := json.Marshal(map[string]any{"action": "user_update_active_status", "seq": 1,
		"data": map[string]any{"user_is_active": true}})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.c.Write(ctx, websocket.MessageText, msg); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// statusChanges are the statuses of the status_change events that arrive
// within wait.
func (s *socket) statusChanges(t *testing.T, wait time.Duration) []string {
	t.Helper()
	var out []string
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		f, err := s.nextFrame(time.Until(deadline))
		if err != nil {
			t.Fatal(err)
		}
		if f != nil && f["event"] == model.EventStatusChange {
			st, _ := f["data"].(map[string]any)["status"].(string)
			out = append(out, st)
		}
	}
	return out
}

// waitStatus reads until a status_change to status arrives.
func (s *socket) waitStatus(t *testing.T, status string) {
	t.Helper()
	deadline := time.Now().Add(8 * time.Second)
	for time.Now().Before(deadline) {
		f, err := s.nextFrame(time.Until(deadline))
		if err != nil {
			t.Fatal(err)
		}
		if f != nil && f["event"] == model.EventStatusChange && f["data"].(map[string]any)["status"] == status {
			return
		}
	}
	t.Fatalf("no status_change to %s", status)
}

// Presence is decided from every node's sockets: a user idle on one node's
// socket and active on another's stays online; idle on both, they are away,
// and activity on either node brings them back; every change reaches the
// user's sockets on both nodes.
func TestClusterPresence(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two server processes")
	}
	c := newTestCluster(t)
	c.env = append(c.env, "PARLEY_USER_STATUS_AWAY_TIMEOUT=2")
	n1, n2 := c.start("node1"), c.start("node2")
	ivy := n1.srv.SignUp("ivy")
	status := func(n *testNode) string {
		var st model.Status
		ivy.On(n.srv).Get("/users/" + ivy.UserID + "/status").Expect(http.StatusOK).JSON(&st)
		return st.Status
	}
	s1 := connect(t, n1, ivy.Token)
	s2 := connect(t, n2, ivy.Token)
	s1.waitStatus(t, model.StatusOnline)

	// Active on node2 only, for twice the away timeout.
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); {
		s2.act(t)
		if got := s1.statusChanges(t, 400*time.Millisecond); len(got) > 0 {
			t.Fatalf("node1's socket, idle while node2's is active, got status changes %v", got)
		}
	}
	if st := status(n1); st != model.StatusOnline {
		t.Fatalf("status %q while active on node2, want online", st)
	}

	// Idle everywhere: away, told on both nodes; activity on either node
	// makes the user online again on both.
	for _, active := range []*socket{s1, s2, s1} {
		s1.waitStatus(t, model.StatusAway)
		s2.waitStatus(t, model.StatusAway)
		if st := status(n2); st != model.StatusAway {
			t.Fatalf("status %q after both sockets idled, want away", st)
		}
		active.act(t)
		actedAt := time.Now()
		s1.waitStatus(t, model.StatusOnline)
		s2.waitStatus(t, model.StatusOnline)
		// On a loaded machine the away timeout (2 s) may already have
		// passed again by the time the status is read; away is then right.
		if st := status(n1); st != model.StatusOnline && time.Since(actedAt) < 2*time.Second {
			t.Fatalf("status %q after activity, want online", st)
		}
	}
}
