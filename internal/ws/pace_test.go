package ws

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/parley-chat/parley/internal/model"
)

func TestFrameRate(t *testing.T) {
	type count struct {
		n  int
		at time.Duration // after the window started
	}
	for _, tc := range []struct {
		name   string
		counts []count
		want   bool
	}{
		{"below the threshold", []count{{900, 50 * time.Millisecond}, {0, 100 * time.Millisecond}}, false},
		{"at the threshold", []count{{1000, 50 * time.Millisecond}, {1000, 100 * time.Millisecond}}, true},
		{"window not over yet", []count{{5000, 50 * time.Millisecond}}, false},
		{"burst then a quiet spell", []count{{5000, 50 * time.Millisecond}, {1, 5 * time.Second}}, false},
		{"busy again after a quiet spell", []count{{1, 5 * time.Second}, {2500, 5*time.Second + 100*time.Millisecond}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t0 := time.Now()
			r := frameRate{start: t0}
			for _, c := range tc.counts {
				r.add(c.n, 0, t0.Add(c.at), &Options{BusyWrites: 20000})
			}
			if got := r.busy.Load(); got != tc.want {
				t.Fatalf("busy %v, want %v", got, tc.want)
			}
		})
	}
}

// A busy socket waits for FramesPerWrite events at the rate sockets get
// them, within WriteInterval and MaxWriteInterval.
func TestWriteIntervalFollowsTheRate(t *testing.T) {
	o := &Options{BusyWrites: 20000, WriteInterval: 10 * time.Millisecond, MaxWriteInterval: 40 * time.Millisecond,
		FramesPerWrite: 4}
	for _, tc := range []struct {
		name      string
		perSocket int // events each of 500 sockets gets in the window
		want      time.Duration
	}{
		{"200 events/s a socket", 20, 20 * time.Millisecond},
		{"50 events/s a socket: capped", 5, 40 * time.Millisecond},
		{"1,000 events/s a socket: floor", 100, 10 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t0 := time.Now()
			r := frameRate{start: t0}
			conns := make([]uint64, 500)
			for range tc.perSocket {
				fresh := 0
				for i := range conns {
					if !r.counted(&conns[i]) {
						fresh++
					}
				}
				r.add(len(conns), fresh, t0.Add(time.Millisecond), o)
			}
			r.add(0, 0, t0.Add(rateWindow), o)
			if !r.busy.Load() {
				t.Fatal("not busy")
			}
			if got := time.Duration(r.wait.Load()); got != tc.want {
				t.Fatalf("interval %v, want %v", got, tc.want)
			}
		})
	}
}

// dialTestServer starts srv on its listener wrapped by wrap and dials a
// WebSocket to it; both end with the test.
func dialTestServer(t *testing.T, srv *httptest.Server, wrap func(net.Listener) net.Listener) (*websocket.Conn, context.Context) {
	t.Helper()
	srv.Listener = wrap(srv.Listener)
	srv.Start()
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	client, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.CloseNow() })
	return client, ctx
}

// acceptTestSocket upgrades r to a socket of h carrying a new connection
// id of user u; prepare sees the socket before events may flow to it.
func acceptTestSocket(t *testing.T, h *Hub, w http.ResponseWriter, r *http.Request, id string, prepare func(*socket)) *conn {
	t.Helper()
	bw := &batchWriter{ResponseWriter: w, pool: &h.batches, timeout: h.opts.WriteTimeout}
	wc, err := websocket.Accept(bw, r, nil)
	if err != nil {
		t.Error(err)
		return nil
	}
	c := &conn{hub: h, id: id, userID: "u"}
	c.sock = newSocket(h, wc, bw.conn)
	prepare(c.sock)
	c.sock.start(c)
	return c
}

// countingListener counts the write system calls made on its connections.
type countingListener struct {
	net.Listener
	writes *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	return countingConn{c, l.writes}, err
}

type countingConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// A busy hub spaces a socket's writes by WriteInterval, and what is queued
// meanwhile leaves in one write, in order; an idle hub writes at once.
func TestWritePacing(t *testing.T) {
	const interval = time.Second
	for _, tc := range []struct {
		name string
		busy bool
	}{{"busy", true}, {"not busy", false}} {
		t.Run(tc.name, func(t *testing.T) {
			opts := DefaultOptions()
			opts.WriteInterval, opts.PingInterval = interval, time.Hour
			h := newHub(slog.New(slog.DiscardHandler), opts)
			h.rate.busy.Store(tc.busy)
			var writes atomic.Int64
			conns := make(chan *conn, 1)
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if c := acceptTestSocket(t, h, w, r, "c", func(*socket) {}); c != nil {
					conns <- c
				}
			}))
			client, ctx := dialTestServer(t, srv, func(l net.Listener) net.Listener { return countingListener{l, &writes} })
			c := <-conns
			defer func() { c.sock.kill(); h.cancel(); h.wg.Wait() }()

			enqueue := func(i int) {
				ev, err := encodeEvent(model.NewEvent(model.EventPosted, model.Broadcast{ChannelID: "ch"}, map[string]any{"i": i}))
				if err != nil {
					t.Fatal(err)
				}
				c.enqueue(ev, false, model.Now())
			}
			read := func(seq int) time.Time {
				_, b, err := client.Read(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if want := `"seq":` + strconv.Itoa(seq) + `}`; !strings.HasSuffix(string(b), want) {
					t.Fatalf("frame %s, want one ending %s", b, want)
				}
				return time.Now()
			}
			enqueue(0)
			first := read(0)
			before := writes.Load()
			for i := 1; i <= 3; i++ {
				enqueue(i)
			}
			second := read(1)
			read(2)
			read(3)
			gap := second.Sub(first)
			if tc.busy {
				if gap < interval/2 {
					t.Errorf("second event %v after the first, want about %v", gap, interval)
				}
				if n := writes.Load() - before; n != 1 {
					t.Errorf("%d writes for 3 events queued together, want 1", n)
				}
			} else if gap >= interval/2 {
				t.Errorf("second event %v after the first, want it at once", gap)
			}
		})
	}
}
