package bulk

import (
	"encoding/json"
	"testing"

	"github.com/parley-chat/parley/internal/model"
)

// FuzzDecode feeds arbitrary lines to the parser and the checks: they must
// return errors, never panic, and a line that decodes must survive a
// re-encoding.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"type":"version","version":1}`,
		`{"type":"team","team":{"name":"eng","display_name":"Eng","type":"O"}}`,
		`{"type":"channel","channel":{"team":"eng","name":"dev","display_name":"Dev","type":"P"}}`,
		`{"type":"user","user":{"username":"ann","email":"a@x","teams":[{"name":"eng","channels":[{"name":"dev","notify_props":{"desktop":"all"}}]}]}}`,
		`{"type":"post","post":{"team":"eng","channel":"dev","user":"ann","message":"hi","create_at":1,"reactions":[{"user":"ann","emoji_name":"+1","create_at":2}],"replies":[{"user":"ann","message":"r","create_at":3}]}}`,
		`{"type":"direct_channel","direct_channel":{"members":["ann","bob"],"favorited_by":["ann"]}}`,
		`{"type":"direct_post","direct_post":{"channel_members":["ann","bob"],"user":"ann","message":"x","create_at":1}}`,
		`{"type":"scheme","scheme":{"name":"s","scope":"team"}}`,
		`{"type":"emoji","emoji":{"name":"e","image":"../x"}}`,
		`{"type":"post"}`, `{"type":"x"}`, `{`, `[]`, `null`, ``,
		`{"type":"post","post":{"team":"eng","channel":"dev","user":"ann","message":"a\u0000","create_at":1}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := Decode(b, 1)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		if f := model.NULField(l); f != "" {
			t.Fatalf("decoded a line with U+0000 in %s", f)
		}
		_ = CheckLine(l, 1)
		_ = NewChecker(nil).Check(l, 1)
		out, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Decode(out, 1); err != nil {
			t.Fatalf("re-encoded line does not decode: %v\n%s", err, out)
		}
	})
}

func TestSlackText(t *testing.T) {
	users := map[string]string{"U1": "ann"}
	chans := map[string]string{"C1": "general"}
	for in, want := range map[string]string{
		"hi <@U1>":                        "hi @ann",
		"hi <@U9|zed>":                    "hi @zed",
		"see <#C1|general> <#C1>":         "see ~general ~general",
		"<http://x.io|label> <http://y>":  "[label](http://x.io) http://y",
		"<!channel> <!everyone> <!here>":  "@channel @all @here",
		"a &lt;b&gt; &amp; c":             "a <b> & c",
		"<mailto:a@x.io|a@x.io>":          "[a@x.io](mailto:a@x.io)",
		"<!subteam^S1|@devs> and <@U404>": "@devs and <@U404>",
	} {
		if got := SlackText(in, users, chans); got != want {
			t.Errorf("SlackText(%q) = %q, want %q", in, got, want)
		}
	}
}
