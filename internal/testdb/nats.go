package testdb

import (
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// NATS returns the URL of the test NATS server (with JetStream):
// PARLEY_TEST_NATS, or nats://127.0.0.1:4222. When it cannot be reached the
// test is skipped, unless PARLEY_TEST_REQUIRE_POSTGRES=1 or CI is set, in
// which case it fails.
func NATS(t testing.TB) string {
	t.Helper()
	u := os.Getenv("PARLEY_TEST_NATS")
	if u == "" {
		u = "nats://127.0.0.1:4222"
	}
	c, err := net.DialTimeout("tcp", strings.TrimPrefix(u, "nats://"), time.Second)
	if err != nil {
		if os.Getenv("PARLEY_TEST_REQUIRE_POSTGRES") == "1" || os.Getenv("CI") != "" {
			t.Fatalf("NATS required but unreachable at %s: %v", u, err)
		}
		t.Skipf("NATS unreachable at %s (%v); set PARLEY_TEST_NATS", u, err)
	}
	c.Close()
	return u
}
