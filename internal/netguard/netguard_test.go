package netguard

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestIsForbidden(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1": true, "127.1.2.3": true, "::1": true, "10.0.0.1": true, "172.16.5.4": true, "192.168.1.1": true,
		"169.254.169.254": true, "fe80::1": true, "fd00:ec2::254": true, "0.0.0.0": true, "::": true,
		"224.0.0.1": true, "ff02::1": true, "100.100.100.200": true, "::ffff:127.0.0.1": true, "::ffff:10.0.0.1": true,
		"::ffff:169.254.169.254": true, "64:ff9b::a9fe:a9fe": true, "255.255.255.255": true,
		"93.184.216.34": false, "2606:2800:220:1:248:1893:25c8:1946": false, "8.8.8.8": false, "::ffff:8.8.8.8": false,
	} {
		if got := IsForbidden(netip.MustParseAddr(addr)); got != want {
			t.Errorf("IsForbidden(%s) = %v, want %v", addr, got, want)
		}
	}
}

func target(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte("secret"))
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func get(c *http.Client, url string) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

func TestClientRefusesInternalAddresses(t *testing.T) {
	srv, hits := target(t)
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	c := NewClient(Options{Timeout: 2 * time.Second, MaxRedirects: 3})
	redirect := httptest.NewServer(http.RedirectHandler(srv.URL, http.StatusFound))
	t.Cleanup(redirect.Close)
	for _, u := range []string{
		srv.URL,                                   // 127.0.0.1
		"http://localhost" + port,                 // a name that resolves to loopback
		"http://[::ffff:127.0.0.1]" + port,        // IPv4-mapped IPv6
		"http://169.254.169.254/latest/meta-data", // cloud metadata
		"http://0.0.0.0" + port,
	} {
		if err := get(c, u); !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("GET %s: err %v, want ErrForbiddenAddress", u, err)
		}
	}
	// A redirect is judged again: an allow-listed name may not bounce the
	// client to a loopback address that is not allow-listed.
	byName := NewClient(Options{Allow: NewAllow([]string{"localhost"}), Timeout: 2 * time.Second, MaxRedirects: 3})
	rport := redirect.URL[strings.LastIndex(redirect.URL, ":"):]
	if err := get(byName, "http://localhost"+rport); !errors.Is(err, ErrForbiddenAddress) {
		t.Errorf("redirect to 127.0.0.1: err %v, want ErrForbiddenAddress", err)
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the internal server was reached %d times", n)
	}
	// Only the allow-list lets the local server through.
	allowed := NewClient(Options{Allow: NewAllow([]string{"127.0.0.1"}), Timeout: 2 * time.Second, MaxRedirects: 3})
	if err := get(allowed, srv.URL); err != nil {
		t.Fatalf("allow-listed 127.0.0.1: %v", err)
	}
	if err := get(NewClient(Options{Allow: NewAllow([]string{"127.0.0.0/8"}), Timeout: 2 * time.Second}), srv.URL); err != nil {
		t.Fatalf("allow-listed 127.0.0.0/8: %v", err)
	}
	if err := get(byName, "http://localhost"+port); err != nil {
		t.Fatalf("allow-listed localhost: %v", err)
	}
	if n := hits.Load(); n != 3 {
		t.Fatalf("allowed requests reached the server %d times, want 3", n)
	}
}
