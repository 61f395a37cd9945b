package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// debLess reports whether dpkg orders version a before b.
func debLess(a, b string) bool {
	return exec.Command("dpkg", "--compare-versions", a, "lt", b).Run() == nil
}

// Versions come from tags and commit times, never from a commit count, so a
// build from a shallow clone still ranks above every earlier build.
func TestVersionAlwaysIncreases(t *testing.T) {
	if _, err := exec.LookPath("dpkg"); err != nil {
		t.Skip("dpkg not installed")
	}
	script, _ := filepath.Abs("../scripts/version.sh")
	repo := t.TempDir()
	git := func(dir, date string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(cmd.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
			"GIT_COMMITTER_EMAIL=t@example.com", "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	version := func(dir string) string {
		t.Helper()
		cmd := exec.Command(script)
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("version.sh in %s: %v", dir, err)
		}
		return strings.TrimSpace(string(out))
	}
	commit := func(date string) string {
		git(repo, date, "commit", "-q", "--allow-empty", "-m", date)
		return version(repo)
	}
	git(repo, "", "init", "-q", "-b", "main")
	os.WriteFile(filepath.Join(repo, "VERSION"), []byte("0.1.0\n"), 0o644)
	git(repo, "", "add", "VERSION")
	first := commit("2026-12-01T10:00:00Z")
	if !regexp.MustCompile(`^0\.1\.0\+git20261201100000\.[0-9a-f]{12}$`).MatchString(first) {
		t.Fatalf("untagged version %q", first)
	}
	for range 3 {
		commit("2026-12-02T10:00:00Z")
	}
	full := version(repo)
	// A release: VERSION set, committed, tagged.
	os.WriteFile(filepath.Join(repo, "VERSION"), []byte("0.2.0\n"), 0o644)
	git(repo, "", "add", "VERSION")
	commit("2026-12-03T10:00:00Z")
	git(repo, "", "tag", "v0.2.0")
	tagged := version(repo)
	after := commit("2026-12-04T10:00:00Z")
	if tagged != "0.2.0" || !strings.HasPrefix(after, "0.2.0+git20261204100000.") {
		t.Fatalf("tagged %q, after the tag %q", tagged, after)
	}
	// A shallow clone (no history, no tags) builds the same version.
	shallow := filepath.Join(t.TempDir(), "shallow")
	git(repo, "", "clone", "-q", "--depth", "1", "--no-tags", "file://"+repo, shallow)
	if got := version(shallow); got != after {
		t.Fatalf("shallow clone builds %q, the full one %q", got, after)
	}
	order := []string{first, full, tagged, after}
	for i := 1; i < len(order); i++ {
		if !debLess(order[i-1], order[i]) {
			t.Errorf("%q does not rank above %q", order[i], order[i-1])
		}
	}
}
