package cli_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
	"github.com/parley-chat/parley/internal/testdb"
)

// Every administrative change made on the command line is in the audit log
// with the operating-system user and host who made it; `audit list --user`
// still finds a user's entries once the user is erased.
func TestCommandLineChangesAreAudited(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		h := newHarness(t, b)
		var buf bytes.Buffer
		if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 8, 8))); err != nil {
			t.Fatal(err)
		}
		img := filepath.Join(t.TempDir(), "logo.png")
		if err := os.WriteFile(img, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		h.ok("team", "create", "--name", "staff", "--display_name", "Staff")
		h.ok("user", "create", "--username", "ann", "--email", "ann@example.com", "--password", "Passw0rd!")
		h.ok("user", "deactivate", "ann")
		h.ok("user", "activate", "ann")
		h.ok("roles", "system_admin", "ann")
		h.ok("team", "add", "staff", "ann")
		h.ok("channel", "create", "--team", "staff", "--name", "keep", "--display_name", "Keep")
		h.ok("channel", "add", "staff:keep", "ann")
		h.ok("channel", "remove", "staff:keep", "ann")
		h.ok("channel", "archive", "staff:keep")
		h.ok("channel", "restore", "staff:keep")
		h.ok("team", "remove", "staff", "ann")
		h.ok("emoji", "add", "logo", img)
		h.ok("emoji", "delete", "logo", "--confirm")
		h.cfgPath = filepath.Join(t.TempDir(), "config.json")
		h.ok("config", "set", "max_users_per_team", "200")
		ann, keep := h.user("ann"), h.channel("staff", "keep")

		me, err := user.Current()
		if err != nil {
			t.Fatal(err)
		}
		host, _ := os.Hostname()
		operator := "cli:" + me.Username + "@" + host
		entries, err := h.st.ListAudits(context.Background(), store.AuditFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{} // action → target
		for _, e := range entries {
			if !strings.HasPrefix(e.ActorID, operator) || e.SessionID != "cli" || !e.Success {
				t.Errorf("%s by %q session %q success %v", e.Action, e.ActorID, e.SessionID, e.Success)
			}
			got[e.Action] = e.TargetID
		}
		for action, target := range map[string]string{
			model.AuditTeamCreate: "", model.AuditUserCreate: ann.ID, model.AuditUserDeactivate: ann.ID,
			model.AuditUserActivate: ann.ID, model.AuditRoleChange: ann.ID, model.AuditTeamMemberAdd: ann.ID,
			model.AuditChannelCreate: keep.ID, model.AuditChannelMemberAdd: ann.ID, model.AuditChannelMemberRemove: ann.ID,
			model.AuditChannelArchive: keep.ID, model.AuditChannelRestore: keep.ID, model.AuditTeamMemberRemove: ann.ID,
			model.AuditEmojiAdd: "", model.AuditEmojiDelete: "", model.AuditConfigChange: "max_users_per_team",
		} {
			if g, ok := got[action]; !ok || (target != "" && g != target) {
				t.Errorf("%s: target %q recorded %v, want %q", action, g, ok, target)
			}
		}
		if out := h.ok("audit", "list", "--action", "user.activate"); !strings.Contains(out, " by "+operator) {
			t.Errorf("audit list: %q", out)
		}

		h.ok("user", "delete", "ann", "--confirm")
		out := h.ok("audit", "list", "--user", ann.ID)
		for _, want := range []string{"user.delete ok", "user.create ok", "channel.member_add ok", "on user " + ann.ID} {
			if !strings.Contains(out, want) {
				t.Errorf("audit list --user <erased id> lacks %q:\n%s", want, out)
			}
		}
		if _, errOut, code := h.run("", "audit", "list", "--user", "ann"); code == 0 || !strings.Contains(errOut, "id") {
			t.Errorf("audit list --user <erased name>: exit %d, %q", code, errOut)
		}
	})
}
