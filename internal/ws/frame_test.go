package ws

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/parley-chat/parley/internal/model"
)

// recordingListener keeps what the server writes on its connections.
type recordingListener struct {
	net.Listener
	mu  *sync.Mutex
	out *bytes.Buffer
}

func (l recordingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	return recordingConn{c, l.mu, l.out}, err
}

type recordingConn struct {
	net.Conn
	mu  *sync.Mutex
	out *bytes.Buffer
}

func (c recordingConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.out.Write(p)
	c.mu.Unlock()
	return c.Conn.Write(p)
}

// A frame the hub builds from an event encoded once is byte for byte the
// frame coder/websocket writes for the event's JSON with that connection's
// seq, for every header size; a client reading with the library gets exactly
// that JSON, in Mattermost's shape.
func TestSharedFrameMatchesLibrary(t *testing.T) {
	var mu sync.Mutex
	var wire bytes.Buffer
	type server struct {
		ws  *websocket.Conn
		out *batchConn
	}
	accepted := make(chan server, 1)
	pool := &sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bw := &batchWriter{ResponseWriter: w, pool: pool, timeout: time.Minute}
		wc, err := websocket.Accept(bw, r, nil)
		if err != nil {
			t.Error(err)
			return
		}
		accepted <- server{wc, bw.conn}
		// The library reads in the background only while a read is open.
		_, _, _ = wc.Read(context.Background())
	}))
	client, ctx := dialTestServer(t, srv, func(l net.Listener) net.Listener { return recordingListener{l, &mu, &wire} })
	client.SetReadLimit(1 << 20)
	s := <-accepted
	defer s.ws.CloseNow()
	taken := func() []byte {
		mu.Lock()
		defer mu.Unlock()
		b := bytes.Clone(wire.Bytes())
		wire.Reset()
		return b
	}
	taken() // the handshake

	for _, size := range []int{1, 60, 200, 70000} { // 7-bit, 16-bit and 64-bit lengths, and the edges between
		for _, seq := range []int64{0, 7, 10, 99, 100, 123456789} {
			ev := model.NewEvent(model.EventPosted, model.Broadcast{ChannelID: "ch"},
				map[string]any{"message": strings.Repeat("é", size/2) + strings.Repeat("x", size%2)})
			want, err := json.Marshal(struct {
				*model.Event
				Seq int64 `json:"seq"`
			}{ev, seq})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.ws.Write(ctx, websocket.MessageText, want); err != nil {
				t.Fatal(err)
			}
			lib := taken()
			enc, err := encodeEvent(ev)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.out.writeFrames(func(buf []byte) []byte { return enc.appendFrame(buf, seq) }); err != nil {
				t.Fatal(err)
			}
			if ours := taken(); !bytes.Equal(ours, lib) {
				t.Fatalf("size %d seq %d: frame\n%q\nwant the library's\n%q", size, seq, head(ours), head(lib))
			}
			for range 2 {
				typ, got, err := client.Read(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if typ != websocket.MessageText || !bytes.Equal(got, want) {
					t.Fatalf("size %d seq %d: client read %v %q, want %q", size, seq, typ, head(got), head(want))
				}
			}
		}
	}

	// The library's control frames still work beside shared frames, and no
	// data frame follows a close frame.
	go func() {
		for {
			if _, _, err := client.Read(ctx); err != nil {
				return
			}
		}
	}()
	if err := s.ws.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if ping := taken(); len(ping) < 2 || ping[0] != 0x89 || len(ping) != 2+int(ping[1]) {
		t.Fatalf("ping frame %q", ping)
	}
	_ = s.ws.Close(websocket.StatusGoingAway, "bye")
	if err := s.out.writeFrames(func(buf []byte) []byte { return append(appendTextHeader(buf, 1), 'x') }); err == nil {
		t.Fatal("a data frame was written after the close frame")
	}
}

func head(b []byte) []byte {
	if len(b) > 80 {
		return b[:80]
	}
	return b
}
