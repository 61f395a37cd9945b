// Package proctest runs the real servers tests talk to (mailpit, slapd, an
// OpenID provider, Parley nodes) as child processes on 127.0.0.1.
package proctest

import (
	"net"
	"os/exec"
	"strings"
	"testing"
)

// FreePort returns a port of 127.0.0.1 that was free a moment ago, for a
// server that must be told its port before it starts.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Run starts cmd, collecting its output, and kills it when the test ends;
// what names it in the failure message.
func Run(t testing.TB, what string, cmd *exec.Cmd) *strings.Builder {
	t.Helper()
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", what, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return &out
}
