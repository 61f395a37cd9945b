package ws_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
)

// frame is anything the server sends: an event or a reply.
type frame struct {
	Event     string          `json:"event"`
	Data      map[string]any  `json:"data"`
	Broadcast model.Broadcast `json:"broadcast"`
	Seq       *int64          `json:"seq"`
	Status    string          `json:"status"`
	SeqReply  int64           `json:"seq_reply"`
	Error     *model.AppError `json:"error"`
	raw       string
}

// wsClient is a WebSocket client that checks, like the webapp, that events
// are numbered 0, 1, 2… without gaps.
type wsClient struct {
	t       *testing.T
	c       *websocket.Conn
	frames  chan *frame
	closed  chan error
	nextSeq int64
	reqSeq  int64
	connID  string
	seen    []string // every raw frame, for leak checks
	pending []*frame // events read while waiting for a reply
}

const waitFor = 5 * time.Second

// dial connects with a bearer token (empty: unauthenticated) and extra query.
func dial(t *testing.T, s *apitest.Server, token, query string) *wsClient {
	t.Helper()
	c := tryDial(t, s, token, query)
	if c == nil {
		t.Fatal("dial failed")
	}
	return c
}

func tryDial(t *testing.T, s *apitest.Server, token, query string) *wsClient {
	t.Helper()
	h := http.Header{}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	u := "ws" + strings.TrimPrefix(s.URL, "http") + "/api/v4/websocket"
	if query != "" {
		u += "?" + query
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	c, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		t.Logf("dial: %v", err)
		return nil
	}
	c.SetReadLimit(1 << 20)
	w := &wsClient{t: t, c: c, frames: make(chan *frame, 1024), closed: make(chan error, 1)}
	go w.read()
	t.Cleanup(func() { _ = c.CloseNow() })
	return w
}

func (w *wsClient) read() {
	for {
		_, b, err := w.c.Read(context.Background())
		if err != nil {
			w.closed <- err
			close(w.frames)
			return
		}
		f := &frame{raw: string(b)}
		if err := json.Unmarshal(b, f); err != nil {
			w.closed <- err
			close(w.frames)
			return
		}
		w.frames <- f
	}
}

// next returns the next frame, checking event numbering; nil on timeout.
func (w *wsClient) next(timeout time.Duration) *frame {
	w.t.Helper()
	if len(w.pending) > 0 {
		f := w.pending[0]
		w.pending = w.pending[1:]
		return f
	}
	select {
	case f, ok := <-w.frames:
		if !ok {
			return nil
		}
		w.seen = append(w.seen, f.raw)
		if f.Event != "" {
			if f.Seq == nil {
				w.t.Fatalf("event without seq: %s", f.raw)
			}
			if f.Event == model.EventHello {
				if *f.Seq != 0 {
					w.t.Fatalf("hello with seq %d", *f.Seq)
				}
				w.connID, _ = f.Data["connection_id"].(string)
				w.nextSeq = 0
			}
			if *f.Seq != w.nextSeq {
				w.t.Fatalf("event seq %d, want %d: %s", *f.Seq, w.nextSeq, f.raw)
			}
			w.nextSeq++
		}
		return f
	case <-time.After(timeout):
		return nil
	}
}

// expect skips frames until the named event arrives.
func (w *wsClient) expect(event string) *frame {
	w.t.Helper()
	deadline := time.Now().Add(waitFor)
	for time.Now().Before(deadline) {
		if f := w.next(time.Until(deadline)); f == nil {
			break
		} else if f.Event == event {
			return f
		}
	}
	w.t.Fatalf("no %s event; got %v", event, w.seen)
	return nil
}

// expectWhere skips frames until an event matches.
func (w *wsClient) expectWhere(event string, ok func(*frame) bool) *frame {
	w.t.Helper()
	deadline := time.Now().Add(waitFor)
	for time.Now().Before(deadline) {
		f := w.next(time.Until(deadline))
		if f == nil {
			break
		}
		if f.Event == event && ok(f) {
			return f
		}
	}
	w.t.Fatalf("no matching %s event; got %v", event, w.seen)
	return nil
}

// send sends an action and returns its reply, skipping events on the way.
func (w *wsClient) send(action string, data any) *frame {
	w.t.Helper()
	w.reqSeq++
	w.sendRaw(map[string]any{"seq": w.reqSeq, "action": action, "data": data})
	deadline := time.Now().Add(waitFor)
	var events []*frame
	defer func() { w.pending = append(w.pending, events...) }()
	for time.Now().Before(deadline) {
		f := w.next(time.Until(deadline))
		if f == nil {
			break
		}
		if f.Event == "" && f.SeqReply == w.reqSeq {
			return f
		}
		if f.Event != "" {
			events = append(events, f)
		}
	}
	w.t.Fatalf("no reply to %s", action)
	return nil
}

func (w *wsClient) sendRaw(v any) {
	w.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		w.t.Fatal(err)
	}
	w.sendBytes(websocket.MessageText, b)
}

func (w *wsClient) sendBytes(typ websocket.MessageType, b []byte) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := w.c.Write(ctx, typ, b); err != nil {
		w.t.Fatalf("write: %v", err)
	}
}

// expectClosed waits until the server ends the socket.
func (w *wsClient) expectClosed() {
	w.t.Helper()
	w.expectClosedWithin(waitFor)
}

func (w *wsClient) expectClosedWithin(d time.Duration) {
	w.t.Helper()
	deadline := time.After(d)
	for {
		select {
		case _, ok := <-w.frames:
			if !ok {
				return
			}
		case <-deadline:
			w.t.Fatal("socket still open")
		}
	}
}

// hello authenticates by challenge or waits for the upgrade's hello.
func (w *wsClient) hello() *frame {
	w.t.Helper()
	return w.expect(model.EventHello)
}

func (w *wsClient) resumeQuery() string {
	return "connection_id=" + w.connID + "&sequence_number=" + strconv.FormatInt(w.nextSeq, 10)
}

// decodeString parses a JSON-string field of an event into v.
func decodeString(t *testing.T, f *frame, key string, v any) {
	t.Helper()
	s, ok := f.Data[key].(string)
	if !ok {
		t.Fatalf("%s: data.%s is %T, want a JSON string: %s", f.Event, key, f.Data[key], f.raw)
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("%s: data.%s: %v", f.Event, key, err)
	}
}
