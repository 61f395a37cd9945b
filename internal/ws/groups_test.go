package ws_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
)

// An @group mention reaches the group's members who are in the channel: the
// posted event names them, their unread mention counts (channel and thread)
// go up, and a mark-unread recount finds the mention again. Group changes
// are told as Mattermost tells them.
func TestGroupMentions(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newWorld(t, s) // bob is in w.pub, carol is not
		a, b, c := dial(t, s, w.alice.Token, ""), dial(t, s, w.bob.Token, ""), dial(t, s, w.carol.Token, "")
		a.hello()
		b.hello()
		c.hello()

		// As in Mattermost, received_group reaches everyone and the first
		// members hear nothing more; a member added later gets group_member_add.
		var g model.Group
		w.alice.Post("/groups", map[string]any{"name": "crew-leads", "display_name": "Crew leads", "source": "custom",
			"allow_reference": true, "user_ids": []string{w.carol.UserID}}).Expect(http.StatusCreated).JSON(&g)
		for _, cl := range []*wsClient{a, b, c} {
			f := cl.expect(model.EventReceivedGroup)
			var got model.Group
			decodeString(t, f, "group", &got)
			if got.ID != g.ID || got.Name != "crew-leads" || f.Broadcast.UserID != "" {
				t.Fatalf("received_group: %s", f.raw)
			}
		}
		w.alice.Post("/groups/"+g.ID+"/members", map[string]any{"user_ids": []string{w.bob.UserID}}).Expect(http.StatusOK)
		f := b.expect(model.EventGroupMemberAdd)
		var m model.GroupMember
		decodeString(t, f, "group_member", &m)
		if m.GroupID != g.ID || m.UserID != w.bob.UserID || f.Broadcast.UserID != w.bob.UserID {
			t.Fatalf("group_member_add: %s", f.raw)
		}

		w.bob.Post("/channels/members/"+w.bob.UserID+"/view", map[string]string{"channel_id": w.pub.ID}).Expect(http.StatusOK)
		root := w.alice.CreatePost(w.pub.ID, "@crew-leads standup in five", "")
		f = b.expectWhere(model.EventPosted, func(f *frame) bool { return strings.Contains(f.Data["post"].(string), root.ID) })
		var mentions []string
		decodeString(t, f, "mentions", &mentions)
		if len(mentions) != 1 || mentions[0] != w.bob.UserID {
			t.Fatalf("mentions of the posted event (carol is not in the channel): %s", f.raw)
		}
		var u unread
		w.bob.Get("/users/" + w.bob.UserID + "/channels/" + w.pub.ID + "/unread").Expect(http.StatusOK).JSON(&u)
		if u.MsgCount != 1 || u.MentionCount != 1 {
			t.Fatalf("bob's unread after a group mention: %+v", u)
		}

		// A reply naming the group counts as a thread mention for bob.
		w.alice.CreatePost(w.pub.ID, "thanks @crew-leads.", root.ID)
		var th model.ThreadResponse
		w.bob.Get("/users/me/teams/" + w.team.ID + "/threads/" + root.ID).Expect(http.StatusOK).JSON(&th)
		if th.UnreadMentions != 1 {
			t.Fatalf("bob's thread mentions: %+v", th)
		}

		// Marking the root unread recounts both posts as mentions.
		w.bob.Post("/users/"+w.bob.UserID+"/posts/"+root.ID+"/set_unread", nil).Expect(http.StatusOK)
		w.bob.Get("/users/" + w.bob.UserID + "/channels/" + w.pub.ID + "/unread").Expect(http.StatusOK).JSON(&u)
		if u.MentionCount != 2 {
			t.Fatalf("mark-unread recount: %+v", u)
		}

		// Removed from the group, bob is no longer mentioned by it.
		w.alice.Do("DELETE", "/groups/"+g.ID+"/members", map[string]any{"user_ids": []string{w.bob.UserID}}).
			Expect(http.StatusOK)
		f = b.expect(model.EventGroupMemberDeleted)
		decodeString(t, f, "group_member", &m)
		if m.UserID != w.bob.UserID || m.DeleteAt == 0 || f.Broadcast.UserID != w.bob.UserID {
			t.Fatalf("group_member_deleted: %s", f.raw)
		}
		after := w.alice.CreatePost(w.pub.ID, "@crew-leads anyone?", "")
		f = b.expectWhere(model.EventPosted, func(f *frame) bool { return strings.Contains(f.Data["post"].(string), after.ID) })
		if _, ok := f.Data["mentions"]; ok {
			t.Fatalf("a former member is still mentioned: %s", f.raw)
		}
	})
}
