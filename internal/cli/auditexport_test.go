package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
	"github.com/parley-chat/parley/internal/syslogtest"
	"github.com/parley-chat/parley/internal/testdb"
)

// readLines parses a JSON-lines export strictly: every line one object of
// exactly the documented fields.
func readLines(t *testing.T, data []byte) []model.Audit {
	t.Helper()
	var out []model.Audit
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var fields map[string]any
		if err := json.Unmarshal(sc.Bytes(), &fields); err != nil {
			t.Fatalf("line %d is not JSON: %q", len(out)+1, sc.Text())
		}
		var keys []string
		for k := range fields {
			keys = append(keys, k)
		}
		if len(keys) != 10 {
			t.Fatalf("line %d has fields %v", len(out)+1, keys)
		}
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		var e model.Audit
		if err := dec.Decode(&e); err != nil {
			t.Fatalf("line %d: %v", len(out)+1, err)
		}
		out = append(out, e)
	}
	return out
}

// audit export writes the entries of a range as JSON lines, oldest first,
// through batches smaller than the result (entries of the same millisecond
// included), filtered by user and action, to a file of mode 0600 or to
// standard output, and records that it ran.
func TestAuditExport(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		h := newHarness(t, b)
		ctx := context.Background()
		ann, bob := model.NewID(), model.NewID()
		var saved []*model.Audit
		for i, e := range []model.Audit{
			{CreateAt: 1000, ActorID: ann, Action: model.AuditLogin, TargetType: "user", TargetID: ann, IPAddress: "10.0.0.1", SessionID: "s1", Success: true},
			{CreateAt: 2000, ActorID: ann, Action: model.AuditUserDeactivate, TargetType: "user", TargetID: bob, Success: true, Details: `reason="left" <b>`},
			{CreateAt: 2000, ActorID: bob, Action: model.AuditLoginFailed, TargetType: "user", TargetID: bob, Details: "login_id=bob"},
			{CreateAt: 2000, ActorID: "cli:root@chat1", Action: model.AuditTeamCreate, TargetType: "team", TargetID: model.NewID(), SessionID: "cli", Success: true},
			{CreateAt: 3000, ActorID: ann, Action: model.AuditUserActivate, TargetType: "user", TargetID: bob, Success: true, Details: "zoë"},
			{CreateAt: 4000, ActorID: bob, Action: model.AuditLogin, TargetType: "user", TargetID: bob, Success: true},
			{CreateAt: 5000, ActorID: ann, Action: model.AuditConfigChange, TargetType: "config", Success: true},
		} {
			e.ID = strings.Repeat(strconv.Itoa(9-i), 26) // ids out of time order
			if err := h.st.SaveAudit(ctx, &e); err != nil {
				t.Fatal(err)
			}
			saved = append(saved, &e)
		}
		dir := t.TempDir()
		file := filepath.Join(dir, "audit.jsonl")
		out := h.ok("audit", "export", "--since", "1970-01-01T00:00:02Z", "--until", "4000", "--batch", "2", "--output", file)
		if !strings.Contains(out, "Exported 4 audit log entries to "+file) {
			t.Errorf("output %q", out)
		}
		st, err := os.Stat(file)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("file %v, %v", st, err)
		}
		data, _ := os.ReadFile(file)
		got := readLines(t, data)
		// Time order, then id within a millisecond.
		want := []model.Audit{*saved[3], *saved[2], *saved[1], *saved[4]}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got  %+v\nwant %+v", got, want)
		}
		if !strings.Contains(string(data), `reason=\"left\" <b>`) || !strings.Contains(string(data), "zoë") {
			t.Errorf("details not as written:\n%s", data)
		}

		// To standard output, by user and action; the summary on stderr.
		stdout, stderr, code := h.run("", "audit", "export", "--user", bob, "--action", "user.*", "--output", "-")
		if code != 0 || !strings.Contains(stderr, "Exported 4 audit log entries to standard output") {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
		if got := readLines(t, []byte(stdout)); !reflect.DeepEqual(got, []model.Audit{*saved[2], *saved[1], *saved[4], *saved[5]}) {
			t.Errorf("by user: %+v", got)
		}
		stdout, _, _ = h.run("", "audit", "export", "--user", bob, "--action", model.AuditUserActivate, "--output", "-")
		if got := readLines(t, []byte(stdout)); !reflect.DeepEqual(got, []model.Audit{*saved[4]}) {
			t.Errorf("by user and action: %+v", got)
		}
		// Everything, in batches of one.
		stdout, _, _ = h.run("", "audit", "export", "--batch", "1", "--output", "-")
		if got := readLines(t, []byte(stdout)); len(got) != 10 || got[9].Action != model.AuditAuditExport {
			t.Errorf("whole log: %d entries, %+v", len(got), got)
		}

		exports, err := h.st.ListAudits(ctx, store.AuditFilter{Action: model.AuditAuditExport})
		if err != nil || len(exports) != 4 {
			t.Fatalf("audit.export entries: %d, %v", len(exports), err)
		}
		if e := exports[2]; e.TargetType != "user" || e.TargetID != bob || e.SessionID != "cli" || !strings.Contains(e.Details, "entries=4") {
			t.Errorf("recorded %+v", e)
		}

		// Bad input: an error, and no file left behind.
		for _, args := range [][]string{
			{"--since", "yesterday", "--output", file + ".bad"},
			{"--since", "3000", "--until", "2000", "--output", file + ".bad"},
			{"--user", "nobody", "--output", file + ".bad"},
			{"--since", "1000"},
		} {
			_, stderr, code := h.run("", append([]string{"audit", "export"}, args...)...)
			if code == 0 || stderr == "" {
				t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
			}
			if _, err := os.Stat(file + ".bad"); err == nil {
				t.Errorf("%v left a file", args)
			}
		}
		if out := h.ok("audit", "export", "--help"); !strings.Contains(out, "JSON lines") || !strings.Contains(out, "--output") {
			t.Errorf("help: %s", out)
		}
	})
}

// A command-line change reaches the syslog server, with the operator as the
// actor: the command waits for its entries to go before it exits.
func TestCommandLineAuditForwardedToSyslog(t *testing.T) {
	srv := syslogtest.Start(t)
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		h := newHarness(t, b)
		h.cfgPath = filepath.Join(t.TempDir(), "config.json")
		cfg := fmt.Sprintf(`{"audit_syslog_enable": true, "audit_syslog_protocol": "tls", "audit_syslog_host": "localhost",
			"audit_syslog_port": %d, "audit_syslog_cert": %q}`, srv.TLSPort, srv.CAFile)
		if err := os.WriteFile(h.cfgPath, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		name := "syslog" + strings.ToLower(model.NewID()[:8])
		h.ok("user", "create", "--username", name, "--email", name+"@example.com", "--password", "Passw0rd!")
		u := h.user(name)
		var found syslogtest.Message
		srv.Wait(t, 10*time.Second, func(m syslogtest.Message) bool {
			found = m
			return m.MsgID == model.AuditUserCreate && strings.Contains(m.Msg, u.ID)
		})
		var e model.Audit
		if err := json.Unmarshal([]byte(found.Msg), &e); err != nil || !strings.HasPrefix(e.ActorID, "cli:") || e.SessionID != "cli" {
			t.Errorf("entry %s: %v", found.Msg, err)
		}
	})
}
