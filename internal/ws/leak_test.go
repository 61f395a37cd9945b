package ws_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
)

// eventTypes reads every Event* constant of the model package, so that a new
// event type cannot be added without the tests below seeing it.
func eventTypes(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../model/event.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		for i, name := range vs.Names {
			if strings.HasPrefix(name.Name, "Event") && i < len(vs.Values) {
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok {
					v, _ := strconv.Unquote(lit.Value)
					out = append(out, v)
				}
			}
		}
		return true
	})
	if len(out) < 20 {
		t.Fatalf("found only %d event types in model/event.go", len(out))
	}
	return out
}

// TestEveryEventHasAudience: each event type has one declared audience.
func TestEveryEventHasAudience(t *testing.T) {
	for _, ev := range eventTypes(t) {
		if _, ok := model.AudienceOf(ev); !ok {
			t.Errorf("event %s has no declared audience in model.AudienceOf", ev)
		}
	}
}

// channelEvents are the event types that carry a channel's content or name;
// the leak test below must make each of them happen in a private channel.
// The other event types concern one user (their preferences, status, roles,
// hello), a team, or the server (new_user, emoji_added, session_revoked).
var channelEvents = []string{
	model.EventPosted, model.EventPostEdited, model.EventPostDeleted, model.EventReactionAdded, model.EventReactionRemoved,
	model.EventTyping, model.EventChannelUpdated, model.EventChannelDeleted, model.EventChannelRestored,
	model.EventChannelMemberUpdated, model.EventUserAdded, model.EventUserRemoved, model.EventChannelCreated,
	model.EventChannelViewed,
}

// TestEventLeakMatrix makes every channel event happen in a private channel
// while an outsider, a member removed a moment ago and a user of another team
// have sockets open: none of their frames names the channel or its content.
// The owner's socket is the positive control: it receives every one.
func TestEventLeakMatrix(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		owner, member := s.SignUp("owner"), s.SignUp("member")
		outsider, removed, other := s.SignUp("outsider"), s.SignUp("removed"), s.SignUp("other")
		team := owner.CreateTeam("crew", true)
		elsewhere := owner.CreateTeam("elsewhere", false)
		for _, c := range []*apitest.Client{member, outsider, removed} {
			owner.AddToTeam(team.ID, c.UserID)
		}
		owner.AddToTeam(elsewhere.ID, other.UserID)
		ws := map[string]*wsClient{}
		for name, c := range map[string]*apitest.Client{"owner": owner, "member": member, "outsider": outsider,
			"removed": removed, "other": other} {
			ws[name] = dial(t, s, c.Token, "")
			ws[name].hello()
		}
		var secret model.Channel
		owner.Post("/channels", map[string]any{"team_id": team.ID, "name": "zzsecret-room", "display_name": "Zzsecret Room",
			"type": "P"}).Expect(http.StatusCreated).JSON(&secret)
		for _, c := range []*apitest.Client{member, removed} {
			owner.Post("/channels/"+secret.ID+"/members", map[string]string{"user_id": c.UserID}).Expect(http.StatusCreated)
		}
		owner.Delete("/channels/" + secret.ID + "/members/" + removed.UserID).Expect(http.StatusOK)
		// What the removed user received while a member was theirs to see.
		ws["removed"].expectWhere(model.EventUserRemoved, func(f *frame) bool { return f.Data["channel_id"] == secret.ID })
		from := map[string]int{"removed": len(ws["removed"].seen)}

		p := owner.CreatePost(secret.ID, "zzsecret message", "")
		owner.Put("/posts/"+p.ID+"/patch", map[string]string{"message": "zzsecret edited"}).Expect(http.StatusOK)
		owner.Post("/reactions", map[string]string{"user_id": owner.UserID, "post_id": p.ID, "emoji_name": "eyes"}).Expect(http.StatusOK)
		owner.Delete("/users/me/posts/" + p.ID + "/reactions/eyes").Expect(http.StatusOK)
		ws["owner"].send("user_typing", map[string]string{"channel_id": secret.ID})
		ws["member"].send("user_typing", map[string]string{"channel_id": secret.ID})
		owner.Put("/channels/"+secret.ID+"/patch", map[string]string{"header": "zzsecret header"}).Expect(http.StatusOK)
		owner.Put("/channels/"+secret.ID+"/members/"+owner.UserID+"/notify_props", map[string]string{"desktop": "all"}).Expect(http.StatusOK)
		owner.Post("/channels/members/me/view", map[string]string{"channel_id": secret.ID}).Expect(http.StatusOK)
		owner.Delete("/posts/" + p.ID).Expect(http.StatusOK)
		owner.Delete("/channels/" + secret.ID).Expect(http.StatusOK)
		owner.Post("/channels/"+secret.ID+"/restore", nil).Expect(http.StatusOK)

		// Sentinel: a post in a public channel everyone in the team can see,
		// and a DM to the other-team user; after it, every earlier event is in.
		town := owner.CreateChannel(team.ID, "town", "O")
		for _, c := range []*apitest.Client{member, outsider, removed} {
			c.Post("/channels/"+town.ID+"/members", map[string]string{"user_id": c.UserID}).Expect(http.StatusCreated)
		}
		owner.CreatePost(town.ID, "sentinel", "")
		var dm model.Channel
		owner.Post("/channels/direct", []string{owner.UserID, other.UserID}).Expect(http.StatusCreated).JSON(&dm)
		owner.CreatePost(dm.ID, "sentinel", "")
		isSentinel := func(f *frame) bool { s, _ := f.Data["post"].(string); return strings.Contains(s, "sentinel") }
		got := map[string]bool{}
		for name, w := range ws {
			w.expectWhere(model.EventPosted, isSentinel)
			if name == "owner" {
				for _, raw := range w.seen {
					for _, ev := range channelEvents {
						if strings.Contains(raw, `"event":"`+ev+`"`) {
							got[ev] = true
						}
					}
				}
				continue
			}
			if name == "member" {
				continue
			}
			for _, raw := range w.seen[from[name]:] {
				if strings.Contains(strings.ToLower(raw), "zzsecret") || strings.Contains(raw, secret.ID) {
					t.Errorf("%s received: %s", name, raw)
				}
			}
		}
		var missing []string
		for _, ev := range channelEvents {
			if !got[ev] && ev != model.EventTyping {
				missing = append(missing, ev)
			}
		}
		// typing from the owner is not echoed to the owner; the member's is.
		if !strings.Contains(strings.Join(ws["owner"].seen, "\n"), `"event":"typing"`) {
			missing = append(missing, "typing")
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("positive control: the owner's socket did not receive %v", missing)
		}
	})
}
