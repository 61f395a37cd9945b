package ws_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/server"
)

// benchServer runs a node on SQLite for a benchmark (apitest wants a *testing.T).
type benchServer struct {
	b   *testing.B
	srv *server.Server
	url string
}

func startBench(b *testing.B) *benchServer {
	b.Helper()
	cfg := config.Default()
	cfg.Listen, cfg.DataDir = "127.0.0.1:0", b.TempDir()
	srv, err := server.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Start(cfg.Listen); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return &benchServer{b: b, srv: srv, url: "http://" + srv.Addr()}
}

func (s *benchServer) call(token, method, path string, body, out any) http.Header {
	s.b.Helper()
	js, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, s.url+"/api/v4"+path, bytes.NewReader(js))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.b.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		s.b.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			s.b.Fatal(err)
		}
	}
	return resp.Header
}

// users signs up n users who all belong to one team and one channel; it
// returns their tokens and the channel.
func (s *benchServer) users(n int) ([]string, *model.Channel) {
	var tokens, ids []string
	for i := range n {
		name := fmt.Sprintf("user%d", i)
		var u model.User
		s.call("", "POST", "/users", map[string]string{"username": name, "email": name + "@example.com",
			"password": "password-" + name}, &u)
		h := s.call("", "POST", "/users/login", map[string]string{"login_id": name, "password": "password-" + name}, nil)
		tokens, ids = append(tokens, h.Get("Token")), append(ids, u.ID)
	}
	var team model.Team
	s.call(tokens[0], "POST", "/teams", map[string]any{"name": "bench", "display_name": "Bench", "type": "O"}, &team)
	var ch model.Channel
	s.call(tokens[0], "POST", "/channels", map[string]any{"team_id": team.ID, "name": "bench", "display_name": "Bench",
		"type": "O"}, &ch)
	for _, id := range ids[1:] {
		s.call(tokens[0], "POST", "/teams/"+team.ID+"/members", map[string]string{"team_id": team.ID, "user_id": id}, nil)
		s.call(tokens[0], "POST", "/channels/"+ch.ID+"/members", map[string]string{"user_id": id}, nil)
	}
	return tokens, &ch
}

// BenchmarkFanOut measures one channel event reaching every connection of the
// channel's members: publish on the bus, encode once, enqueue and write to each
// socket, until every client has read it. The clients run in a child process
// (TestClientFarm), because 10,000 sockets at both ends would pass the
// per-process file limit; they share the same two cores. 20 users share the
// connections.
func BenchmarkFanOut(b *testing.B) {
	for _, n := range []int{1, 100, 10000} {
		b.Run(fmt.Sprintf("conns=%d", n), func(b *testing.B) {
			s := startBench(b)
			tokens, ch := s.users(min(n, 20))
			farm := exec.Command(os.Args[0], "-test.run=^TestClientFarm$")
			farm.Env = append(os.Environ(), "PARLEY_WS_FARM="+s.url, "PARLEY_WS_FARM_N="+strconv.Itoa(n),
				"PARLEY_WS_FARM_TOKENS="+strings.Join(tokens, ","))
			farm.Stderr = os.Stderr
			out, err := farm.StdoutPipe()
			if err != nil {
				b.Fatal(err)
			}
			if err := farm.Start(); err != nil {
				b.Fatal(err)
			}
			defer func() { _ = farm.Process.Kill(); _ = farm.Wait() }()
			lines := bufio.NewScanner(out)
			if !lines.Scan() || lines.Text() != "ready" {
				b.Fatalf("client farm: %q", lines.Text())
			}
			post := model.JSONString(&model.Post{ID: model.NewID(), ChannelID: ch.ID, Message: "benchmark message"})
			bus := s.srv.App.Bus()
			ctx := context.Background()
			b.ResetTimer()
			cpu0 := processCPU(b)
			for range b.N {
				ev := model.NewEvent(model.EventPosted, model.Broadcast{ChannelID: ch.ID}, map[string]any{
					"post": post, "channel_type": "O", "channel_name": "bench", "channel_display_name": "Bench",
					"sender_name": "@user0", "team_id": ch.TeamID, "set_online": true})
				if err := bus.Publish(ctx, ev); err != nil {
					b.Fatal(err)
				}
				if !lines.Scan() {
					b.Fatal("client farm ended")
				}
			}
			b.StopTimer()
			cpu := processCPU(b) - cpu0
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/delivery")
			// The server's CPU (this process; the clients are a child), which
			// the machine's other load barely moves, unlike the wall time.
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/float64(n), "cpu-ns/delivery")
		})
	}
}

// processCPU is the user and system CPU time this process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestClientFarm is BenchmarkFanOut's client process: it holds the sockets and
// prints a line each time every one of them has read another posted event.
func TestClientFarm(t *testing.T) {
	url := os.Getenv("PARLEY_WS_FARM")
	if url == "" {
		t.Skip("run by BenchmarkFanOut")
	}
	n, _ := strconv.Atoi(os.Getenv("PARLEY_WS_FARM_N"))
	tokens := strings.Split(os.Getenv("PARLEY_WS_FARM_TOKENS"), ",")
	var got atomic.Int64
	done := make(chan struct{}, 1)
	for i := range n {
		c := farmDial(t, url, tokens[i%len(tokens)])
		go func() {
			for {
				_, data, err := c.Read(context.Background())
				if err != nil {
					return
				}
				if bytes.Contains(data, []byte(`"event":"posted"`)) && got.Add(1)%int64(n) == 0 {
					done <- struct{}{}
				}
			}
		}()
	}
	fmt.Println("ready")
	for range done {
		fmt.Println("ok")
	}
}

func farmDial(t *testing.T, url, token string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http")+"/api/v4/websocket",
		&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Read(ctx); err != nil { // hello
		t.Fatal(err)
	}
	return c
}

// BenchmarkIdleConnection measures the memory an idle authenticated
// connection costs the server: Go heap and goroutine stacks before and after
// opening 2,000 of them. The clients are bare TCP sockets that did the
// handshake by hand and read the hello, so they add only a net.Conn each
// (a few hundred bytes, counted in the figure).
func BenchmarkIdleConnection(b *testing.B) {
	const n = 2000
	s := startBench(b)
	tokens, _ := s.users(1)
	addr := strings.TrimPrefix(s.url, "http://")
	inUse := func() (heap, stack uint64) {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse, m.StackInuse
	}
	for range b.N {
		heap0, stack0 := inUse()
		conns := make([]net.Conn, 0, n)
		for range n {
			conns = append(conns, rawDial(b, addr, tokens[0]))
		}
		time.Sleep(200 * time.Millisecond) // let the server finish hello and status writes
		heap1, stack1 := inUse()
		b.ReportMetric(float64(heap1+stack1-heap0-stack0)/n, "B/conn")
		b.ReportMetric(float64(stack1-stack0)/n, "stack-B/conn")
		for _, c := range conns {
			_ = c.Close()
		}
	}
}

// rawDial upgrades by hand and reads the hello frame.
func rawDial(b *testing.B, addr, token string) net.Conn {
	b.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	fmt.Fprintf(c, "GET /api/v4/websocket HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer %s\r\n\r\n",
		addr, token)
	r := bufio.NewReaderSize(c, 512)
	resp, err := http.ReadResponse(r, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		b.Fatalf("upgrade: %v %v", err, resp)
	}
	// hello: a short text frame (7-bit or 16-bit length), unmasked.
	hdr := make([]byte, 2)
	if _, err := io.ReadFull(r, hdr); err != nil {
		b.Fatal(err)
	}
	size := int(hdr[1] & 0x7f)
	if size == 126 {
		ext := make([]byte, 2)
		if _, err := io.ReadFull(r, ext); err != nil {
			b.Fatal(err)
		}
		size = int(ext[0])<<8 | int(ext[1])
	}
	if _, err := io.CopyN(io.Discard, r, int64(size)); err != nil {
		b.Fatal(err)
	}
	return c
}
