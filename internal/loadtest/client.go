// Package loadtest drives any Mattermost-compatible server through its public
// API v4 and WebSocket, the way operators size a chat server. Every scenario
// is bounded in count and time and reports a Summary.
package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// Client speaks API v4 as one user.
type Client struct {
	Base   string // server URL without /api/v4
	Token  string
	UserID string
	HTTP   *http.Client
}

// APIError is a non-2xx answer.
type APIError struct {
	Status int
	ID     string
	Body   string
}

// newAPIError is a non-2xx answer with the error id of its body, if any.
func newAPIError(status int, body []byte) *APIError {
	e := &APIError{Status: status, Body: string(body)}
	var ae struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(body, &ae) == nil {
		e.ID = ae.ID
	}
	return e
}

func (e *APIError) Error() string { return fmt.Sprintf("status %d %s: %s", e.Status, e.ID, e.Body) }

// Do sends a JSON request and decodes a JSON answer into out (when not nil).
func (c *Client) Do(ctx context.Context, method, path string, body, out any) (http.Header, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+"/api/v4"+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Requested-With", "XMLHttpRequest")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 300 {
		return resp.Header, newAPIError(resp.StatusCode, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.Header, fmt.Errorf("decode %s %s: %w", method, path, err)
		}
	}
	return resp.Header, nil
}

// Login opens a session; the token is kept on the client.
func (c *Client) Login(ctx context.Context, username, password string) error {
	var u struct {
		ID string `json:"id"`
	}
	h, err := c.Do(ctx, "POST", "/users/login", map[string]string{"login_id": username, "password": password}, &u)
	if err != nil {
		return fmt.Errorf("login %s: %w", username, err)
	}
	c.Token, c.UserID = h.Get("Token"), u.ID
	return nil
}

// isAPIError reports whether err is an API answer with the given status.
func isAPIError(err error, status int) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == status
}

// Event is one server-to-client WebSocket message.
type Event struct {
	Event    string          `json:"event"`
	Data     json.RawMessage `json:"data"`
	Seq      int64           `json:"seq"`
	SeqReply int64           `json:"seq_reply"`
	Status   string          `json:"status"`
}

// Socket is an authenticated WebSocket connection. When the server drops it
// (a listener that fell behind), ReadRaw reconnects as Mattermost's clients
// do: after ReconnectDelay (plus up to two thirds more of jitter: the webapp
// waits 3 s plus up to 2 s), with the connection_id
// of the last hello and sequence_number set to the seq it expects next, so
// that the server replays what the socket missed.
type Socket struct {
	client *Client
	seq    atomic.Int64  // of the client's actions; the server wants them increasing
	closed atomic.Bool   // closed by the driver: no reconnect
	stop   chan struct{} // closed with closed set

	mu   sync.Mutex
	conn *websocket.Conn // replaced by a reconnect

	// Read side only (one reading goroutine).
	connID string // from the last hello
	next   int64  // the seq expected next
	// resuming: reconnected, and no event read since; the first one tells
	// whether the connection was resumed.
	resuming       bool
	ReconnectDelay time.Duration
	Resumes        int // reconnects that went on from the seq expected
	Resets         int // reconnects answered with a fresh hello: events were lost
	Reconnects     int // the socket was dropped (or numbered out of order) and dialled again
}

// The webapp's reconnect delay: 3 s, plus up to 2 s of jitter.
const (
	reconnectDelay    = 3 * time.Second
	maxReconnectDelay = reconnectDelay + reconnectDelay*2/3
)

// Dial opens /api/v4/websocket authenticated with the client's token.
func (c *Client) Dial(ctx context.Context) (*Socket, error) {
	s := &Socket{client: c, ReconnectDelay: reconnectDelay, stop: make(chan struct{})}
	conn, err := s.dial(ctx, "")
	if err != nil {
		return nil, err
	}
	s.conn = conn
	// The server greets with hello first.
	ev, err := s.Read(ctx)
	if err != nil {
		conn.CloseNow()
		return nil, err
	}
	if ev.Event != "hello" {
		conn.CloseNow()
		return nil, fmt.Errorf("websocket: first event %q, want hello", ev.Event)
	}
	s.hello(ev)
	return s, nil
}

func (s *Socket) dial(ctx context.Context, query string) (*websocket.Conn, error) {
	c := s.client
	u := "ws" + strings.TrimPrefix(c.Base, "http") + "/api/v4/websocket" + query
	conn, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPClient: c.HTTP,
		HTTPHeader: http.Header{"Authorization": {"Bearer " + c.Token}}})
	if err != nil {
		return nil, fmt.Errorf("websocket: %w", err)
	}
	conn.SetReadLimit(1 << 20)
	return conn, nil
}

// hello takes the connection id and numbering of a hello.
func (s *Socket) hello(ev *Event) {
	var d struct {
		ConnectionID string `json:"connection_id"`
	}
	_ = json.Unmarshal(ev.Data, &d)
	s.connID, s.next = d.ConnectionID, ev.Seq+1
}

func (s *Socket) current() *websocket.Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conn
}

// Read waits for the next message.
func (s *Socket) Read(ctx context.Context) (*Event, error) {
	_, data, err := s.current().Read(ctx)
	if err != nil {
		return nil, err
	}
	var ev Event
	if err := json.Unmarshal(data, &ev); err != nil {
		return nil, fmt.Errorf("websocket: bad frame: %w", err)
	}
	return &ev, nil
}

// ReadRaw waits for the next message and returns it undecoded in buf (grown
// as needed), for listeners that only count events: decoding every frame of
// thousands of connections, or allocating for each, would make the load
// driver, not the server, the bottleneck. It waits without a context, which
// would cost a registration per frame; closing the socket ends it. A dropped
// socket is reconnected and resumed (see Socket); an event numbered out of
// order makes it reconnect too, as the webapp does.
func (s *Socket) ReadRaw(buf []byte) ([]byte, error) {
	for {
		var err error
		buf, err = readMessage(s.current(), buf)
		if err == nil {
			seq, ok := eventSeq(buf)
			if !ok {
				return buf, nil // a reply
			}
			if seq == s.next {
				if s.resuming {
					s.resuming = false
					s.Resumes++
				}
				s.next++
				return buf, nil
			}
			if seq == 0 && bytes.Contains(buf, []byte(`"event":"hello"`)) {
				// The connection could not be resumed: a fresh one.
				var ev Event
				if json.Unmarshal(buf, &ev) == nil {
					s.hello(&ev)
					s.resuming = false
					s.Resets++
				}
				continue
			}
			err = fmt.Errorf("websocket: event seq %d, want %d", seq, s.next)
		}
		if s.closed.Load() {
			return buf, err
		}
		if rerr := s.reconnect(); rerr != nil {
			return buf, rerr
		}
	}
}

// reconnect dials again until the socket is back or closed by the driver.
func (s *Socket) reconnect() error {
	s.Reconnects++
	s.current().CloseNow()
	query := "?connection_id=" + s.connID + "&sequence_number=" + strconv.FormatInt(s.next, 10)
	for {
		select {
		case <-time.After(s.ReconnectDelay + rand.N(s.ReconnectDelay*2/3+1)):
		case <-s.stop:
			return net.ErrClosed
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		conn, err := s.dial(ctx, query)
		cancel()
		if err != nil {
			continue
		}
		s.mu.Lock()
		s.conn = conn
		s.mu.Unlock()
		if s.closed.Load() { // closed while dialling: the close missed this one
			conn.CloseNow()
			return net.ErrClosed
		}
		s.resuming = true
		return nil
	}
}

// eventSeq reads the seq that ends every event, `…,"seq":N}`; false for a
// reply, which has none.
func eventSeq(msg []byte) (int64, bool) {
	i := len(msg) - 1
	if i < 1 || msg[i] != '}' {
		return 0, false
	}
	j := i
	for j > 0 && msg[j-1] >= '0' && msg[j-1] <= '9' {
		j--
	}
	if j == i || !bytes.HasSuffix(msg[:j], []byte(`"seq":`)) {
		return 0, false
	}
	n, err := strconv.ParseInt(string(msg[j:i]), 10, 64)
	return n, err == nil
}

// readMessage reads one message into buf, grown as needed.
func readMessage(c *websocket.Conn, buf []byte) ([]byte, error) {
	_, r, err := c.Reader(context.Background())
	if err != nil {
		return buf, err
	}
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// Send sends a client action such as user_typing.
func (s *Socket) Send(ctx context.Context, action string, data any) error {
	b, err := json.Marshal(map[string]any{"seq": s.seq.Add(1), "action": action, "data": data})
	if err != nil {
		return err
	}
	return s.current().Write(ctx, websocket.MessageText, b)
}

// Close ends the connection politely.
func (s *Socket) Close() {
	s.markClosed()
	s.current().Close(websocket.StatusNormalClosure, "")
}

// CloseNow drops the connection at once, ending a read in progress.
func (s *Socket) CloseNow() {
	s.markClosed()
	s.current().CloseNow()
}

func (s *Socket) markClosed() {
	if s.closed.CompareAndSwap(false, true) {
		close(s.stop)
	}
}

func newHTTPClient(conns int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = conns * 2
	t.MaxIdleConnsPerHost = conns * 2
	return &http.Client{Transport: t, Timeout: 30 * time.Second}
}
