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
	"net/http"
	"strings"
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

// Socket is an authenticated WebSocket connection.
type Socket struct {
	conn *websocket.Conn
	seq  atomic.Int64 // of the client's actions; the server wants them increasing
}

// Dial opens /api/v4/websocket authenticated with the client's token.
func (c *Client) Dial(ctx context.Context) (*Socket, error) {
	u := "ws" + strings.TrimPrefix(c.Base, "http") + "/api/v4/websocket"
	conn, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPClient: c.HTTP,
		HTTPHeader: http.Header{"Authorization": {"Bearer " + c.Token}}})
	if err != nil {
		return nil, fmt.Errorf("websocket: %w", err)
	}
	conn.SetReadLimit(1 << 20)
	s := &Socket{conn: conn}
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
	return s, nil
}

// Read waits for the next message.
func (s *Socket) Read(ctx context.Context) (*Event, error) {
	_, data, err := s.conn.Read(ctx)
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
// would cost a registration per frame; closing the socket ends it.
func (s *Socket) ReadRaw(buf []byte) ([]byte, error) {
	_, r, err := s.conn.Reader(context.Background())
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
	return s.conn.Write(ctx, websocket.MessageText, b)
}

// Close ends the connection politely.
func (s *Socket) Close() { s.conn.Close(websocket.StatusNormalClosure, "") }

// CloseNow drops the connection at once, ending a read in progress.
func (s *Socket) CloseNow() { s.conn.CloseNow() }

func newHTTPClient(conns int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = conns * 2
	t.MaxIdleConnsPerHost = conns * 2
	return &http.Client{Transport: t, Timeout: 30 * time.Second}
}
