package app_test

import (
	"context"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/mailtest"
	"github.com/parley-chat/parley/internal/testdb"
)

// Mail queued while the SMTP server is down is kept and sent, once, when it
// is back and the retry is due; two nodes on one database never both send it.
func TestMailQueueSurvivesOutage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		a := newApp(t, b)
		other := newApp(t, b) // a second node on the same database
		cfg := *a.Config()
		cfg.SMTPServer, cfg.SMTPPort, cfg.FeedbackEmail = "127.0.0.1", closedPort(t), "parley@example.com"
		a.SetConfig(cfg)
		for _, to := range []string{"ann@example.com", "bob@example.com"} {
			if err := a.EnqueueMail(ctx, to, "Hello", "text", "<p>html</p>"); err != nil {
				t.Fatal(err)
			}
		}
		now := time.Now()
		if n, err := a.SendDueMail(ctx, now); err != nil || n != 0 {
			t.Fatalf("send while down: %d, %v", n, err)
		}
		srv := mailtest.Start(t)
		cfg.SMTPPort = srv.SMTPPort
		a.SetConfig(cfg)
		other.SetConfig(cfg)
		if n, err := a.SendDueMail(ctx, now.Add(time.Second)); err != nil || n != 0 {
			t.Fatalf("send before the retry is due: %d, %v", n, err)
		}
		later := now.Add(31 * time.Second)
		done := make(chan int)
		go func() {
			n, err := other.SendDueMail(ctx, later)
			if err != nil {
				t.Error(err)
			}
			done <- n
		}()
		n, err := a.SendDueMail(ctx, later)
		if err != nil {
			t.Fatal(err)
		}
		if n += <-done; n != 2 {
			t.Fatalf("sent %d after the outage, want 2", n)
		}
		if n, err := a.SendDueMail(ctx, later.Add(time.Hour)); err != nil || n != 0 {
			t.Fatalf("send again: %d, %v", n, err)
		}
		srv.WaitFor(t, "ann@example.com", 1)
		srv.WaitFor(t, "bob@example.com", 1)
		if got := len(srv.Messages(t)); got != 2 {
			t.Fatalf("%d messages delivered, want 2", got)
		}
	})
}

// closedPort is a local port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return strconv.Itoa(port)
}
