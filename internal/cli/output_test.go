package cli_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/internal/cli"
	"github.com/parley-chat/parley/internal/testdb"
)

// leaves lists the runnable commands of the tree, by path without "parley ".
func leaves() map[string]*cobra.Command {
	root := &cobra.Command{Use: "parley"}
	root.AddCommand(cli.Commands(&cli.Env{})...)
	out := map[string]*cobra.Command{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Runnable() && c != root {
			out[strings.TrimPrefix(c.CommandPath(), "parley ")] = c
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
	return out
}

// pathOf is the command an argument list runs.
func pathOf(tree map[string]*cobra.Command, args []string) string {
	for n := len(args); n > 0; n-- {
		if _, ok := tree[strings.Join(args[:n], " ")]; ok {
			return strings.Join(args[:n], " ")
		}
	}
	return ""
}

// Every command of the tree, run successfully, says what it did on stdout and
// nothing on stderr; with --json its output is JSON. A command missing from
// the table fails the test. SQLite only: backup and restore need it, and the
// output does not depend on the store (the commands' behaviour is tested on
// both elsewhere).
func TestEveryCommandReports(t *testing.T) {
	tree := leaves()
	h := newHarness(t, testdb.Backend{Name: "sqlite", DataDir: t.TempDir()})
	h.cfgPath = filepath.Join(t.TempDir(), "config.json")
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 16, 16))); err != nil {
		t.Fatal(err)
	}
	img := filepath.Join(dir, "logo.png")
	jsonl := filepath.Join(dir, "import.jsonl")
	slack := filepath.Join(dir, "slack.zip")
	backupFile := filepath.Join(dir, "backup.tgz")
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(img, buf.String())
	write(jsonl, `{"type":"version","version":1}`+"\n"+
		`{"type":"team","team":{"name":"imported","display_name":"Imported","type":"O"}}`+"\n")
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	for name, body := range map[string]string{
		"users.json":              `[{"id":"U1","name":"sam","profile":{"email":"sam@example.com"}}]`,
		"channels.json":           `[{"id":"C1","name":"general","created":1700000000,"members":["U1"]}]`,
		"general/2023-11-14.json": `[{"type":"message","user":"U1","text":"hi","ts":"1700000002.000200"}]`,
	} {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	zw.Close()
	write(slack, zb.String())

	pw := "Passw0rd!"
	steps := [][]string{
		{"config", "set", "max_users_per_team", "200"},
		{"config", "get", "max_users_per_team"},
		{"config", "show"},
		{"config", "show", "--json"},
		{"config", "validate"},
		{"team", "create", "--name", "staff", "--display_name", "Staff"},
		{"team", "create", "--name", "spare", "--display_name", "Spare"},
		{"team", "list"},
		{"team", "list", "--json"},
		{"team", "search", "sta"},
		{"team", "search", "sta", "--json"},
		{"team", "rename", "spare", "spare2", "--display_name", "Spare 2"},
		{"team", "archive", "spare2"},
		{"team", "restore", "spare2"},
		{"user", "create", "--username", "ann", "--email", "ann@example.com", "--password", pw},
		{"user", "create", "--username", "bob", "--email", "bob@example.com", "--password", pw},
		{"user", "create", "--username", "cid", "--email", "cid@example.com", "--password", pw},
		{"user", "create", "--username", "dee", "--email", "dee@example.com", "--password", pw},
		{"user", "list"},
		{"user", "list", "--json"},
		{"user", "search", "ann"},
		{"user", "search", "ann", "--json"},
		{"user", "deactivate", "cid"},
		{"user", "activate", "cid"},
		{"user", "password", "cid", "N3w-Passw0rd!"},
		{"user", "email", "cid", "cid2@example.com"},
		{"user", "username", "cid", "cid2"},
		{"user", "mfa-reset", "cid2"},
		{"roles", "system_admin", "cid2"},
		{"roles", "member", "cid2"},
		{"team", "add", "staff", "ann", "bob", "dee"},
		{"team", "remove", "staff", "dee"},
		{"channel", "create", "--team", "staff", "--name", "keep", "--display_name", "Keep"},
		{"channel", "create", "--team", "staff", "--name", "gone", "--display_name", "Gone"},
		{"channel", "list", "staff"},
		{"channel", "list", "staff", "--json"},
		{"channel", "search", "keep"},
		{"channel", "search", "keep", "--json"},
		{"channel", "add", "staff:keep", "ann", "bob"},
		{"channel", "remove", "staff:keep", "bob"},
		{"channel", "rename", "staff:gone", "gone2", "--display_name", "Gone 2"},
		{"channel", "archive", "staff:gone2"},
		{"channel", "restore", "staff:gone2"},
		{"channel", "modify", "staff:gone2", "--private"},
		{"channel", "make-private", "staff:keep"},
		{"channel", "move", "spare2", "staff:gone2", "--force"},
		{"channel", "delete", "spare2:gone2", "--confirm"},
		{"emoji", "add", "acme", img},
		{"emoji", "list"},
		{"emoji", "list", "--json"},
		{"emoji", "delete", "acme", "--confirm"},
		{"retention", "set", "--global", "--post-days", "30"},
		{"retention", "list"},
		{"retention", "list", "--json"},
		{"retention", "run", "--dry-run"},
		{"retention", "run"},
		{"retention", "remove", "--global"},
		{"retention", "policy", "create", "Short", "--post-days", "30", "--team", "staff"},
		{"retention", "policy", "add-channel", "Short", "staff:keep"},
		{"retention", "policy", "remove-channel", "Short", "staff:keep"},
		{"retention", "policy", "remove-team", "Short", "staff"},
		{"retention", "policy", "add-team", "Short", "staff"},
		{"retention", "policy", "list"},
		{"retention", "policy", "list", "--json"},
		{"retention", "policy", "show", "Short"},
		{"retention", "policy", "show", "Short", "--json"},
		{"retention", "policy", "delete", "Short"},
		{"legal-hold", "create", "case-1", "--user", "ann", "--channel", "staff:keep", "--from", "2026-01-01"},
		{"legal-hold", "list"},
		{"legal-hold", "list", "--json"},
		{"legal-hold", "show", "case-1"},
		{"legal-hold", "show", "case-1", "--json"},
		{"legal-hold", "export", "case-1"},
		{"legal-hold", "release", "case-1"},
		{"audit", "list"},
		{"audit", "list", "--json"},
		{"audit", "export", "--output", filepath.Join(dir, "audit.jsonl")},
		{"import", "bulk", jsonl},
		{"import", "bulk", jsonl, "--apply"},
		{"import", "slack", "staff", slack},
		{"export", "bulk", filepath.Join(dir, "export.jsonl")},
		{"export", "csv", "--exportFrom", "0", "--output", filepath.Join(dir, "csv.zip")},
		{"export", "actiance", "--exportFrom", "0", "--output", filepath.Join(dir, "actiance.zip")},
		{"export", "global-relay-zip", "--exportFrom", "0", "--output", filepath.Join(dir, "gr.zip")},
		{"user", "export", "ann", "--out", filepath.Join(dir, "ann.zip")},
		{"user", "migrate-auth", "ldap", "email", "--dryRun"},
		{"user", "convert-to-bot", "cid2"},
		{"user", "offboard", "bob"},
		{"user", "delete", "dee", "--confirm"},
		{"team", "delete", "spare2", "--confirm"},
		{"sampledata", "--users", "2", "--teams", "1", "--channels-per-team", "1", "--posts-per-channel", "1",
			"--direct-channels", "0", "--group-channels", "0", "--team-memberships", "1", "--channel-memberships", "1"},
		{"cluster", "status"},
		{"cluster", "status", "--json"},
		{"backup", "--out", backupFile},
		{"restore", backupFile, "--confirm"},
	}
	covered := map[string]bool{}
	jsonCovered := map[string]bool{}
	for _, args := range steps {
		path := pathOf(tree, args)
		if path == "" {
			t.Fatalf("%v: no such command", args)
		}
		covered[path] = true
		stdout, stderr, code := h.run("", args...)
		if code != 0 || stderr != "" {
			t.Errorf("parley %s: exit %d, stderr %q", strings.Join(args, " "), code, stderr)
			continue
		}
		if strings.TrimSpace(stdout) == "" {
			t.Errorf("parley %s: printed nothing", strings.Join(args, " "))
		}
		if slices.Contains(args, "--json") {
			jsonCovered[path] = true
			if !json.Valid([]byte(stdout)) {
				t.Errorf("parley %s: not JSON: %q", strings.Join(args, " "), stdout)
			}
		}
	}
	for path, c := range tree {
		if !covered[path] {
			t.Errorf("parley %s is not in the table: add a successful run of it", path)
		}
		if c.Flags().Lookup("json") != nil && !jsonCovered[path] {
			t.Errorf("parley %s has --json but no run of it with --json", path)
		}
	}
}

// A command given too few arguments prints one error line and its usage line.
func TestMissingArgumentsPrintUsage(t *testing.T) {
	h := newHarness(t, testdb.Backend{Name: "sqlite", DataDir: t.TempDir()})
	for path, c := range leaves() {
		if c.Args == nil || c.Args(c, nil) == nil {
			continue
		}
		_, stderr, code := h.run("", strings.Fields(path)...)
		lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
		if code == 0 || len(lines) != 2 || !strings.HasPrefix(lines[0], "Error: ") ||
			!strings.HasPrefix(lines[1], "Usage: "+strings.TrimSuffix(c.UseLine(), " [flags]")) {
			t.Errorf("parley %s with no arguments: exit %d, stderr %q", path, code, stderr)
		}
	}
}

// A failure is one line on stderr, also when one item of several fails.
func TestOneErrorLine(t *testing.T) {
	h := newHarness(t, testdb.Backend{Name: "sqlite", DataDir: t.TempDir()})
	h.ok("team", "create", "--name", "staff", "--display_name", "Staff")
	h.ok("user", "create", "--username", "ann", "--email", "ann@example.com", "--password", "Passw0rd!")
	for _, args := range [][]string{
		{"user", "activate", "nobody"},
		{"channel", "add", "staff:town-square", "ann"}, // ann is not in the team
		{"team", "add", "nowhere", "ann"},
		{"config", "get", "nope"},
		{"retention", "set"},
	} {
		_, stderr, code := h.run("", args...)
		if code == 0 || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "Error: ") {
			t.Errorf("parley %s: exit %d, stderr %q", strings.Join(args, " "), code, stderr)
		}
	}
}

// The confirmation question ends its line.
func TestPromptEndsWithNewline(t *testing.T) {
	h := newHarness(t, testdb.Backend{Name: "sqlite", DataDir: t.TempDir()})
	h.ok("team", "create", "--name", "staff", "--display_name", "Staff")
	for _, args := range [][]string{{"channel", "delete", "staff:off-topic"}, {"team", "delete", "staff"}} {
		stdout, _, _ := h.run("no\n", args...)
		if stdout == "" || !strings.HasSuffix(stdout, "\n") {
			t.Errorf("parley %s: prompt %q does not end its line", strings.Join(args, " "), stdout)
		}
	}
}
