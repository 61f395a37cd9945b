package api

import (
	"net/http"
	"testing"

	"github.com/parley-chat/parley/internal/config"
)

func TestClientIP(t *testing.T) {
	for _, tc := range []struct {
		name, headers, trusted, peer string
		hdr                          map[string][]string
		want                         string
	}{
		{"no header trusted: direct exposure", "", "127.0.0.0/8", "127.0.0.1:5000",
			map[string][]string{"X-Forwarded-For": {"203.0.113.9"}}, "127.0.0.1"},
		{"untrusted peer", "X-Forwarded-For", "127.0.0.1", "198.51.100.7:5000",
			map[string][]string{"X-Forwarded-For": {"203.0.113.9"}}, "198.51.100.7"},
		{"trusted proxy", "X-Forwarded-For", "127.0.0.1", "127.0.0.1:5000",
			map[string][]string{"X-Forwarded-For": {"203.0.113.9"}}, "203.0.113.9"},
		{"forged entry left of the proxy's", "X-Forwarded-For", "127.0.0.1", "127.0.0.1:5000",
			map[string][]string{"X-Forwarded-For": {"10.1.1.1, 203.0.113.9"}}, "203.0.113.9"},
		{"chain of trusted proxies", "X-Forwarded-For", "127.0.0.1 10.0.0.0/8", "127.0.0.1:5000",
			map[string][]string{"X-Forwarded-For": {"198.51.100.1, 203.0.113.9", "10.2.3.4"}}, "203.0.113.9"},
		{"all entries trusted", "X-Forwarded-For", "127.0.0.0/8", "127.0.0.1:5000",
			map[string][]string{"X-Forwarded-For": {"127.0.0.5, 127.0.0.6"}}, "127.0.0.5"},
		{"garbage stops the walk", "X-Forwarded-For", "127.0.0.1", "127.0.0.1:5000",
			map[string][]string{"X-Forwarded-For": {"unknown"}}, "127.0.0.1"},
		{"second header when the first is absent", "X-Forwarded-For X-Real-IP", "127.0.0.1", "127.0.0.1:5000",
			map[string][]string{"X-Real-Ip": {"203.0.113.9"}}, "203.0.113.9"},
		{"IPv6 peer and client", "X-Forwarded-For", "::1", "[::1]:5000",
			map[string][]string{"X-Forwarded-For": {"2001:db8::1"}}, "2001:db8::1"},
		{"no trusted proxies", "X-Forwarded-For", "", "127.0.0.1:5000",
			map[string][]string{"X-Forwarded-For": {"203.0.113.9"}}, "127.0.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.TrustedProxyIPHeader, cfg.TrustedProxies = tc.headers, tc.trusted
			if err := cfg.Validate(); err != nil {
				t.Fatal(err)
			}
			r := &http.Request{RemoteAddr: tc.peer, Header: http.Header{}}
			for k, vs := range tc.hdr {
				for _, v := range vs {
					r.Header.Add(k, v)
				}
			}
			if got := clientIP(r, &cfg); got != tc.want {
				t.Errorf("clientIP = %q, want %q", got, tc.want)
			}
		})
	}
}
