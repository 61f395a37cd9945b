// Package pushtest is the receiving end of the push-proxy protocol for tests:
// an HTTP server that accepts POST /api/v1/send_push and /api/v1/ack as
// Mattermost's push proxy (mattermost-push-proxy) does, checks each message
// as the proxy does before it would hand it to Apple or Google, and records
// it. The proxy itself is a Go module of Mattermost's that the module proxy
// does not serve, and it cannot deliver without Apple and Firebase
// credentials, so this stand-in plays its API; it is the client side of the
// protocol, Parley's, that the tests check.
package pushtest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/model"
)

// platforms are the device types a push proxy is configured with in its
// ApplePushSettings and AndroidPushSettings (their "Type"), the prefix of
// a device id the apps register.
var platforms = map[string]bool{"apple": true, "android": true, "apple_rn": true, "android_rn": true,
	"apple_rn-v2": true, "android_rn-v2": true,
	"apple_voip_rn": true}

// Server records what reached the proxy.
type Server struct {
	URL string

	mu      sync.Mutex
	pushes  []model.PushNotification
	acks    []model.PushNotificationAck
	removed map[string]bool // device tokens answered REMOVE
	fail    int             // next requests answered 503
	changed chan struct{}
}

// Start runs a receiver until the test ends.
func Start(t *testing.T) *Server {
	t.Helper()
	s := &Server{removed: map[string]bool{}, changed: make(chan struct{}, 1)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/send_push", s.sendPush)
	mux.HandleFunc("POST /api/v1/ack", s.ack)
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	s.URL = hs.URL
	return s
}

// answer is the proxy's reply shape (model.PushResponse).
func answer(w http.ResponseWriter, status, errMsg string) {
	w.Header().Set("Content-Type", "application/json")
	m := map[string]string{"status": status}
	if errMsg != "" {
		m["error"] = errMsg
	}
	_ = json.NewEncoder(w).Encode(m)
}

func (s *Server) sendPush(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail > 0 {
		s.fail--
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	var msg model.PushNotification
	if err := json.NewDecoder(r.Body).Decode(&msg); err != nil {
		answer(w, "FAIL", "Failed to read message body")
		return
	}
	// The checks of the proxy's handleSendNotification, in its order.
	switch {
	case msg.ServerID == "":
		answer(w, "FAIL", "Failed because of missing server Id")
		return
	case msg.DeviceID == "":
		answer(w, "FAIL", "Failed because of missing device Id")
		return
	case !platforms[msg.Platform]:
		answer(w, "FAIL", "Did not send message because of missing platform property")
		return
	}
	if len(msg.Message) > 2047 {
		msg.Message = msg.Message[:2047]
	}
	s.pushes = append(s.pushes, msg)
	s.signal()
	if s.removed[msg.DeviceID] {
		answer(w, "REMOVE", "")
		return
	}
	answer(w, "OK", "")
}

func (s *Server) ack(w http.ResponseWriter, r *http.Request) {
	var ack model.PushNotificationAck
	if err := json.NewDecoder(r.Body).Decode(&ack); err != nil {
		answer(w, "FAIL", "Failed to read ack body")
		return
	}
	s.mu.Lock()
	s.acks = append(s.acks, ack)
	s.mu.Unlock()
	s.signal()
	answer(w, "OK", "")
}

func (s *Server) signal() {
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// Remove makes the proxy answer REMOVE for a device token: the app was
// uninstalled.
func (s *Server) Remove(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.removed[token] = true
}

// FailNext makes the next n send_push requests fail with 503.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = n
}

// Pushes returns what send_push received (including pushes answered REMOVE).
func (s *Server) Pushes() []model.PushNotification {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]model.PushNotification(nil), s.pushes...)
}

// Acks returns what ack received.
func (s *Server) Acks() []model.PushNotificationAck {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]model.PushNotificationAck(nil), s.acks...)
}

// WaitFor waits until n pushes to the device token arrived and returns them.
func (s *Server) WaitFor(t *testing.T, token string, n int) []model.PushNotification {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		var got []model.PushNotification
		for _, p := range s.Pushes() {
			if p.DeviceID == token {
				got = append(got, p)
			}
		}
		if len(got) >= n {
			return got
		}
		select {
		case <-s.changed:
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			t.Fatalf("%d pushes to %s, want %d: %+v", len(got), token, n, s.Pushes())
		}
	}
}
