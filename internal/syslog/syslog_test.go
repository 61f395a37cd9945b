package syslog_test

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/syslog"
	"github.com/parley-chat/parley/internal/syslogtest"
)

type counter struct{ sent, dropped atomic.Int64 }

func (c *counter) Sent()    { c.sent.Add(1) }
func (c *counter) Dropped() { c.dropped.Add(1) }

// syncBuffer is a log destination the sending goroutine and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func start(t *testing.T, o syslog.Options) (*syslog.Forwarder, *counter, *syncBuffer) {
	t.Helper()
	var logs syncBuffer
	c := &counter{}
	f, err := syslog.New(o, slog.New(slog.NewTextHandler(&logs, nil)), c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		f.Close(ctx)
	})
	return f, c, &logs
}

func addr(s *syslogtest.Server, port int) string { return net.JoinHostPort(s.Host, strconv.Itoa(port)) }

// Each transport delivers RFC 5424 messages that rsyslog parses field by
// field; on TCP and TLS the octet counting keeps a message with a newline
// in one piece.
func TestTransports(t *testing.T) {
	srv := syslogtest.Start(t)
	for _, tc := range []struct {
		network string
		port    int
	}{{syslog.UDP, srv.UDPPort}, {syslog.TCP, srv.TCPPort}, {syslog.TLS, srv.TLSPort}} {
		t.Run(tc.network, func(t *testing.T) {
			f, c, _ := start(t, syslog.Options{Network: tc.network, Addr: addr(srv, tc.port), CA: srv.CAFile,
				QueueSize: 10, AppName: "parley", Hostname: "chat1"})
			text := `{"id":"` + tc.network + `","details":"two\nlines"}`
			if !f.Send(syslog.Message{Time: time.UnixMilli(1767225600123), Facility: syslog.FacilityAuthPriv,
				Severity: syslog.SeverityWarning, MsgID: "user.login_failed", Text: text}) {
				t.Fatal("dropped")
			}
			ms := srv.Wait(t, 10*time.Second, func(m syslogtest.Message) bool { return strings.Contains(m.Msg, `"id":"`+tc.network+`"`) })
			m := ms[len(ms)-1]
			for _, m2 := range ms {
				if strings.Contains(m2.Msg, `"id":"`+tc.network+`"`) {
					m = m2
				}
			}
			want := syslogtest.Message{Input: tc.network, PRI: "84", Facility: "10", Severity: "4", Version: "1",
				Timestamp: "2026-01-01T00:00:00.123Z", Hostname: "chat1", AppName: "parley", MsgID: "user.login_failed",
				StructuredData: "-", Msg: text}
			want.ProcID = m.ProcID
			if tc.network == syslog.UDP {
				// rsyslog's UDP input keeps the message as it came, its
				// newline escaped.
				want.Msg = strings.ReplaceAll(text, "\n", "#012")
			}
			if m != want {
				t.Errorf("got  %+v\nwant %+v", m, want)
			}
			if _, err := strconv.Atoi(m.ProcID); err != nil {
				t.Errorf("procid %q", m.ProcID)
			}
			if c.sent.Load() != 1 || c.dropped.Load() != 0 {
				t.Errorf("sent %d dropped %d", c.sent.Load(), c.dropped.Load())
			}
		})
	}
}

// A TLS server whose certificate the given authority did not sign is not
// sent to, unless Insecure says so.
func TestTLSVerifiesTheServer(t *testing.T) {
	srv := syslogtest.Start(t)
	other := syslogtest.Start(t)
	f, c, logs := start(t, syslog.Options{Network: syslog.TLS, Addr: addr(srv, srv.TLSPort), CA: other.CAFile, QueueSize: 10,
		AppName: "parley", Hostname: "chat1", MaxBackoff: 50 * time.Millisecond})
	f.Send(syslog.Message{Time: time.Now(), Severity: syslog.SeverityInfo, Text: "unverified"})
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "unreachable") {
		if time.Now().After(deadline) {
			t.Fatalf("no outage logged: %s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "certificate") || c.sent.Load() != 0 {
		t.Fatalf("sent %d; log %s", c.sent.Load(), logs.String())
	}
	g, _, _ := start(t, syslog.Options{Network: syslog.TLS, Addr: addr(srv, srv.TLSPort), Insecure: true, QueueSize: 10,
		AppName: "parley", Hostname: "chat1"})
	g.Send(syslog.Message{Time: time.Now(), Severity: syslog.SeverityInfo, Text: "insecure"})
	srv.Wait(t, 10*time.Second, func(m syslogtest.Message) bool { return m.Msg == "insecure" })
	for _, m := range srv.Messages() {
		if m.Msg == "unverified" {
			t.Fatal("a message went to a server whose certificate was not verified")
		}
	}
}

// With the server gone, Send still returns at once; the queue fills, the
// rest is dropped and counted, the outage is logged once, and once the
// server is back the held and queued messages and new ones arrive.
func TestOutage(t *testing.T) {
	srv := syslogtest.Start(t)
	for _, network := range []string{syslog.TCP, syslog.TLS} {
		t.Run(network, func(t *testing.T) {
			port := srv.TCPPort
			if network == syslog.TLS {
				port = srv.TLSPort
			}
			f, c, logs := start(t, syslog.Options{Network: network, Addr: addr(srv, port), CA: srv.CAFile, QueueSize: 2,
				AppName: "parley", Hostname: "chat1", MaxBackoff: 200 * time.Millisecond})
			send := func(text string) bool {
				return f.Send(syslog.Message{Time: time.Now(), Severity: syslog.SeverityInfo, MsgID: network, Text: text})
			}
			send("before")
			srv.Wait(t, 10*time.Second, func(m syslogtest.Message) bool { return m.MsgID == network && m.Msg == "before" })
			srv.Stop()
			// The forwarder hears of the closed connection before it sends again.
			time.Sleep(200 * time.Millisecond)
			began := time.Now()
			for i := range 10 {
				send("during " + strconv.Itoa(i))
			}
			if took := time.Since(began); took > 100*time.Millisecond {
				t.Errorf("10 sends took %s with the server down", took)
			}
			// One held by the sender, two in the queue.
			if got := c.dropped.Load(); got < 7 {
				t.Errorf("dropped %d, want at least 7", got)
			}
			time.Sleep(time.Second) // several failed attempts
			if n := strings.Count(logs.String(), "unreachable"); n != 1 {
				t.Errorf("outage logged %d times:\n%s", n, logs.String())
			}
			srv.Start()
			// What was held and queued goes first.
			deadline := time.Now().Add(10 * time.Second)
			for c.sent.Load()+c.dropped.Load() < 11 {
				if time.Now().After(deadline) {
					t.Fatalf("sent %d, dropped %d after the server came back", c.sent.Load(), c.dropped.Load())
				}
				time.Sleep(20 * time.Millisecond)
			}
			send("after")
			srv.Wait(t, 10*time.Second, func(m syslogtest.Message) bool { return m.MsgID == network && m.Msg == "after" })
			got := map[string]bool{}
			for _, m := range srv.Messages() {
				if m.MsgID == network {
					got[m.Msg] = true
				}
			}
			delivered := 0
			for i := range 10 {
				if got["during "+strconv.Itoa(i)] {
					delivered++
				}
			}
			if delivered+int(c.dropped.Load()) != 10 {
				t.Errorf("of 10 sent during the outage %d delivered and %d dropped", delivered, c.dropped.Load())
			}
			if !strings.Contains(logs.String(), "reachable again") {
				t.Errorf("recovery not logged:\n%s", logs.String())
			}
		})
	}
}

// Close delivers what is queued; after Close, Send drops.
func TestCloseDrains(t *testing.T) {
	srv := syslogtest.Start(t)
	c := &counter{}
	f, err := syslog.New(syslog.Options{Network: syslog.TCP, Addr: addr(srv, srv.TCPPort), QueueSize: 100, AppName: "parley"},
		slog.New(slog.DiscardHandler), c)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		f.Send(syslog.Message{Time: time.Now(), MsgID: "drain", Text: strconv.Itoa(i)})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	f.Close(ctx)
	if c.sent.Load() != 50 {
		t.Fatalf("sent %d of 50 before Close returned", c.sent.Load())
	}
	if f.Send(syslog.Message{Text: "late"}) || c.dropped.Load() != 1 {
		t.Fatalf("send after close: dropped %d", c.dropped.Load())
	}
	srv.Wait(t, 10*time.Second, func(m syslogtest.Message) bool { return m.MsgID == "drain" && m.Msg == "49" })
}

func TestFormat(t *testing.T) {
	got := string(syslog.Format(syslog.Message{Time: time.Date(2026, 1, 2, 3, 4, 5, 6e6, time.FixedZone("", 3600)),
		Facility: syslog.FacilityAuthPriv, Severity: syslog.SeverityInfo, MsgID: "a very long message id that is cut off", Text: "é"},
		"host name", "", "42"))
	if want := "<86>1 2026-01-02T02:04:05.006Z host_name - 42 a_very_long_message_id_that_is_c - é"; got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestBadOptions(t *testing.T) {
	for _, o := range []syslog.Options{
		{Network: "http", Addr: "localhost:514", QueueSize: 1},
		{Network: syslog.TCP, Addr: "localhost", QueueSize: 1},
		{Network: syslog.TCP, Addr: "localhost:514"},
		{Network: syslog.TLS, Addr: "localhost:6514", QueueSize: 1, CA: "/nonexistent/ca.pem"},
	} {
		if _, err := syslog.New(o, slog.New(slog.DiscardHandler), nil); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}
