package api

import (
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/config"
)

// limiter is a token bucket per user (or per address when anonymous).
type limiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter() *limiter { return &limiter{buckets: map[string]*bucket{}, swept: time.Now()} }

// allow takes a token from key's bucket. It returns whether the request may go
// on, the tokens left, and when the bucket is full again.
func (l *limiter) allow(key string, perSec, burst int, now time.Time) (ok bool, remaining int, reset time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// Forget idle buckets now and then so the map does not grow without bound.
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > 10*time.Minute {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b := l.buckets[key]
	if b == nil || b.lim.Limit() != rate.Limit(perSec) || b.lim.Burst() != burst {
		b = &bucket{lim: rate.NewLimiter(rate.Limit(perSec), burst)}
		l.buckets[key] = b
	}
	b.seen = now
	ok = b.lim.AllowN(now, 1)
	tokens := b.lim.TokensAt(now)
	remaining = max(int(tokens), 0)
	reset = time.Duration((float64(burst) - tokens) / float64(perSec) * float64(time.Second))
	return ok, remaining, reset
}

// rateLimit applies the configured limit to c, writing the X-Ratelimit-* headers;
// it answers 429 and returns false when the caller is over the limit.
func (c *Context) rateLimit() bool {
	cfg := c.app.Config()
	if !cfg.RateLimitEnabled {
		return true
	}
	key := "ip:" + app.ClientIP(c.ctx)
	if c.Session != nil {
		key = "user:" + c.Session.UserID
	}
	ok, remaining, reset := c.h.limiter.allow(key, cfg.RateLimitPerSec, cfg.RateLimitBurst, time.Now())
	h := c.w.Header()
	h.Set("X-Ratelimit-Limit", strconv.Itoa(cfg.RateLimitPerSec))
	h.Set("X-Ratelimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-Ratelimit-Reset", strconv.Itoa(int(reset.Seconds()+0.999)))
	if ok {
		return true
	}
	if c.h.metrics != nil {
		c.h.metrics.RateLimited()
	}
	// Mattermost answers a plain-text body here, not an AppError.
	// At least one request a second is allowed, so a token is back within a second.
	h.Set("Retry-After", "1")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	c.status = http.StatusTooManyRequests
	c.w.WriteHeader(http.StatusTooManyRequests)
	_, _ = c.w.Write([]byte("limit exceeded\n"))
	return false
}

// clientIP is the address of the client: the peer, or, when the peer is one of
// trusted_proxies, what the first of trusted_proxy_ip_header it sent names.
// A list header (X-Forwarded-For) is read from the right, skipping trusted
// proxies: the entries left of the last untrusted one are whatever the client
// sent, so they are not believed (Mattermost takes the leftmost entry).
func clientIP(r *http.Request, cfg *config.Config) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	headers := cfg.ProxyIPHeaders()
	if len(headers) == 0 {
		return host
	}
	trusted, _ := cfg.TrustedProxyPrefixes() // validated when loaded
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a.Unmap()) {
				return true
			}
		}
		return false
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !isTrusted(peer) {
		return host
	}
	for _, name := range headers {
		entries := strings.Split(strings.Join(r.Header.Values(name), ","), ",")
		found := ""
		for i := len(entries) - 1; i >= 0; i-- {
			a, err := netip.ParseAddr(strings.TrimSpace(entries[i]))
			if err != nil {
				break
			}
			found = a.Unmap().String()
			if !isTrusted(a) {
				break
			}
		}
		if found != "" {
			return found
		}
	}
	return host
}
