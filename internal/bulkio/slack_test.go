package bulkio_test

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/bulkio"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/testdb"
)

// slackFixture is a small hand-built Slack workspace export: two people and a
// bot, a public and a private channel, a DM, a thread, reactions, an edited
// and a deleted message, a bot message, a file, mentions and links.
var slackFixture = map[string]string{
	"users.json": `[
		{"id":"U1","name":"ann","profile":{"email":"ann@example.com","first_name":"Ann","last_name":"Lee","title":"Engineer"}},
		{"id":"U2","name":"Bob.Smith","profile":{"email":"bob@example.com","display_name":"bobby"}},
		{"id":"U3","name":"deploybot","is_bot":true,"profile":{"real_name":"Deploy Bot","bot_id":"B1"}}]`,
	"channels.json": `[{"id":"C1","name":"general","created":1700000000,"members":["U1","U2"],
		"topic":{"value":"Say &lt;hi&gt;"},"purpose":{"value":"Everything"}}]`,
	"groups.json": `[{"id":"G1","name":"secret-plans","created":1700000000,"members":["U1"]}]`,
	"dms.json":    `[{"id":"D1","members":["U1","U2"]}]`,
	"general/2023-11-14.json": `[
		{"type":"message","subtype":"channel_join","user":"U2","text":"<@U2> has joined the channel","ts":"1700000001.000100"},
		{"type":"message","user":"U1","text":"Hello <@U2>, see <#C1|general> and <https://example.com|the docs> <!here>","ts":"1700000002.000200",
		 "thread_ts":"1700000002.000200","reactions":[{"name":"thumbsup::skin-tone-2","users":["U2"],"count":1}]},
		{"type":"message","user":"U2","text":"Thanks!","ts":"1700000003.000300","thread_ts":"1700000002.000200"},
		{"type":"message","user":"U2","text":"fixed typo","ts":"1700000004.000400","edited":{"user":"U2","ts":"1700000005.000000"}},
		{"type":"message","subtype":"tombstone","user":"USLACKBOT","text":"This message was deleted.","ts":"1700000006.000600"}]`,
	"general/2023-11-15.json": `[
		{"type":"message","subtype":"bot_message","bot_id":"B1","username":"deploybot","text":"Deployed v1.2","ts":"1700086400.000100"},
		{"type":"message","subtype":"bot_message","bot_id":"B9","username":"ci","text":"Build green","ts":"1700086401.000100"},
		{"type":"message","user":"U1","text":"the report","ts":"1700086402.000100",
		 "files":[{"name":"report.pdf","title":"Q3 report","url_private":"https://files.slack.com/report.pdf"}]}]`,
	"secret-plans/2023-11-14.json": `[{"type":"message","user":"U1","text":"shh","ts":"1700000010.000000"}]`,
	"D1/2023-11-14.json":           `[{"type":"message","user":"U2","text":"psst &amp; hi","ts":"1700000020.000000"}]`,
}

func writeSlackFixture(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "slack.zip")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, body := range slackFixture {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

func TestSlackImport(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		a := newApp(t, b)
		s := app.SystemSession()
		if _, err := a.CreateTeam(ctx, s, &model.Team{Name: "acme", DisplayName: "Acme", Type: model.TeamOpen}); err != nil {
			t.Fatal(err)
		}
		zipPath := writeSlackFixture(t)
		rep, err := bulkio.ImportSlack(ctx, a, s, "acme", zipPath, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Import.ErrorCount != 0 {
			t.Fatal(errs(rep.Import))
		}
		notes := strings.Join(rep.Notes, "\n")
		for _, want := range []string{"deleted messages left out: 1", "join/leave/topic messages left out: 1", "files linked"} {
			if !strings.Contains(notes, want) {
				t.Errorf("notes lack %q:\n%s", want, notes)
			}
		}
		_, lines := export(t, a)
		all := strings.Join(lines, "\n")
		for _, want := range []string{
			`"message":"Hello @bob.smith, see ~general and [the docs](https://example.com) @here"`, // mentions, links
			`"emoji_name":"thumbsup"`,                                                  // reaction, skin tone dropped
			`"replies":[{"user":"bob.smith","message":"Thanks!"`,                       // thread
			`"message":"fixed typo","create_at":1700000004000,"edit_at":1700000005000`, // edited
			`{"type":"bot","bot":{"username":"deploybot","owner":"slackimportuser","display_name":"Deploy Bot"`,
			`"user":"deploybot","message":"Deployed v1.2"`,
			`"override_username":"ci"`,
			`[Q3 report](https://files.slack.com/report.pdf)`,
			`"channel":"secret-plans","user":"ann","message":"shh"`,
			`"channel_members":["ann","bob.smith"],"user":"bob.smith","message":"psst & hi"`,
			`"header":"Say <hi>"`,
		} {
			if !strings.Contains(all, want) {
				t.Errorf("export lacks %s", want)
			}
		}
		if strings.Contains(all, "This message was deleted") || strings.Contains(all, "has joined") {
			t.Error("deleted or system message imported")
		}
		// Importing the same export again changes nothing.
		again, err := bulkio.ImportSlack(ctx, a, s, "acme", zipPath, nil)
		if err != nil || again.Import.ErrorCount != 0 || len(again.Import.Imported) != 0 {
			t.Fatalf("re-import: %v %+v", err, again.Import.Imported)
		}
	})
}
