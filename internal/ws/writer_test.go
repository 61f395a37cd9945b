package ws

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/parley-chat/parley/internal/model"
)

// A socket whose client does not read fills its kernel buffer; the writer
// it shares with another socket goes on serving that one, and once the
// client reads it gets every frame whole and in order, then later events
// through the writer again.
func TestSlowSocketDoesNotHoldUpItsWriter(t *testing.T) {
	const big = 100 // frames of 60 KB: 6 MB, far more than a socket that is not read buffers
	opts := DefaultOptions()
	opts.PingInterval, opts.SendQueue = time.Hour, 2*big
	h := newHub(slog.New(slog.DiscardHandler), opts)
	conns := make(chan *conn, 2)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := acceptTestSocket(t, h, w, r, r.URL.Query().Get("id"), func(s *socket) {
			// A small send buffer: the kernel takes little before writes would wait.
			if err := s.out.Conn.(*net.TCPConn).SetWriteBuffer(4096); err != nil {
				t.Error(err)
			}
			s.w = h.writers[0]
		})
		if c == nil {
			return
		}
		conns <- c
	}))
	srv.Start()
	t.Cleanup(srv.Close)
	ctx := t.Context()
	dial := func(id string) (*websocket.Conn, *conn) {
		client, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/?id="+id, nil)
		if err != nil {
			t.Fatal(err)
		}
		client.SetReadLimit(-1)
		t.Cleanup(func() { _ = client.CloseNow() })
		return client, <-conns
	}
	slowClient, slow := dial("slow")
	fastClient, fast := dial("fast")
	defer func() { slow.sock.kill(); fast.sock.kill(); h.cancel(); h.wg.Wait() }()

	event := func(text string) *encoded {
		ev, err := encodeEvent(model.NewEvent(model.EventPosted, model.Broadcast{ChannelID: "ch"}, map[string]any{"t": text}))
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	large := strings.Repeat("x", 60000)
	for range big {
		slow.enqueue(event(large), false, model.Now())
	}
	fast.enqueue(event("hi"), false, model.Now())
	readCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, b, err := fastClient.Read(readCtx); err != nil || !strings.HasSuffix(string(b), `"seq":0}`) {
		t.Fatalf("fast socket: %s, %v; want its event while the other socket is backed up", b, err)
	}

	read := func(client *websocket.Conn, seq int, text string) {
		t.Helper()
		_, b, err := client.Read(ctx)
		if err != nil {
			t.Fatalf("frame %d: %v", seq, err)
		}
		if want := `{"t":"` + text + `"}`; !strings.Contains(string(b), want) {
			t.Fatalf("frame %d: %d bytes without its data", seq, len(b))
		}
		if want := `"seq":` + strconv.Itoa(seq) + `}`; !strings.HasSuffix(string(b), want) {
			t.Fatalf("frame %d ends %q", seq, b[max(0, len(b)-20):])
		}
	}
	for i := range big {
		read(slowClient, i, large)
	}
	slow.enqueue(event("after"), false, model.Now())
	read(slowClient, big, "after")
}
