// Package netguard builds HTTP clients for requests the server makes on behalf
// of users (link previews, outgoing webhooks, slash commands). Those URLs are
// chosen by users, so without a guard anyone could make the server read its
// own admin ports, the cloud metadata service or the office network.
//
// The check runs on the address actually dialled, after DNS resolution (a
// net.Dialer Control hook), so a name that resolves to 127.0.0.1, a DNS
// rebinding answer or a redirect to a private address are all caught; an
// IPv4 address mapped into IPv6 is judged as the IPv4 address it carries.
package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// ErrForbiddenAddress is returned (wrapped) when a request would reach a
// loopback, private, link-local or otherwise internal address.
var ErrForbiddenAddress = errors.New("address not allowed")

// blockedPrefixes are ranges outside the netip predicates that must not be
// reached: carrier-grade NAT (Alibaba's metadata service lives there), IETF
// protocol assignments, benchmarking, reserved and broadcast, the "this network"
// block, and NAT64 prefixes that would carry a private IPv4 address.
var blockedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2001:db8::/32"),
}

// IsForbidden reports whether an address is internal: loopback, private
// (RFC 1918, fc00::/7), link-local (169.254/16 with the metadata services,
// fe80::/10), unspecified, multicast or one of the reserved blocks.
func IsForbidden(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return true
	}
	for _, p := range blockedPrefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// Allow is an admin's list of internal hosts integrations may reach anyway:
// host names (matched exactly, case-insensitively), IP addresses and CIDRs.
type Allow struct {
	hosts    map[string]bool
	prefixes []netip.Prefix
}

// NewAllow parses entries such as "ci.internal", "10.0.0.5" or "10.1.0.0/16".
func NewAllow(entries []string) *Allow {
	a := &Allow{hosts: map[string]bool{}}
	for _, e := range entries {
		e = strings.ToLower(strings.TrimSpace(e))
		if p, err := netip.ParsePrefix(e); err == nil {
			a.prefixes = append(a.prefixes, p.Masked())
		} else if ip, err := netip.ParseAddr(e); err == nil {
			a.prefixes = append(a.prefixes, netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()))
		} else if e != "" {
			a.hosts[e] = true
		}
	}
	return a
}

func (a *Allow) host(h string) bool {
	return a != nil && a.hosts[strings.ToLower(strings.TrimSuffix(h, "."))]
}

func (a *Allow) addr(ip netip.Addr) bool {
	if a == nil {
		return false
	}
	ip = ip.Unmap()
	for _, p := range a.prefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// Options shape a guarded client.
type Options struct {
	Allow        *Allow
	Timeout      time.Duration // whole request, redirects included
	MaxRedirects int
}

// NewClient returns an HTTP client that refuses internal addresses unless
// allow-listed. It never uses a proxy from the environment, because the check
// would then judge the proxy's address instead of the target's.
func NewClient(o Options) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	guarded := &net.Dialer{Timeout: d.Timeout, KeepAlive: d.KeepAlive, Control: func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: %s", ErrForbiddenAddress, address)
		}
		if IsForbidden(ap.Addr()) && !o.Allow.addr(ap.Addr()) {
			return fmt.Errorf("%w: %s", ErrForbiddenAddress, ap.Addr())
		}
		return nil
	}}
	tr := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			// An allow-listed host name may resolve anywhere: the admin vouched
			// for it. Every other dial is judged on the resolved address.
			if host, _, err := net.SplitHostPort(addr); err == nil && o.Allow.host(host) {
				return d.DialContext(ctx, network, addr)
			}
			return guarded.DialContext(ctx, network, addr)
		},
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          20,
		IdleConnTimeout:       60 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: o.Timeout,
	}
	maxRedirects := o.MaxRedirects
	return &http.Client{
		Transport: tr,
		Timeout:   o.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects {
				return fmt.Errorf("stopped after %d redirects", maxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("%w: redirect to scheme %q", ErrForbiddenAddress, req.URL.Scheme)
			}
			// The new target is judged again when it is dialled.
			return nil
		},
	}
}
