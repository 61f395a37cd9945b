package ws_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
)

// Category changes reach the user alone, with Mattermost's data: the id, the
// updated categories as a JSON string, the order as a list.
func TestSidebarCategoryEvents(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newWorld(t, s)
		a, b := dial(t, s, w.alice.Token, ""), dial(t, s, w.bob.Token, "")
		a.hello()
		b.hello()
		base := "/users/me/teams/" + w.team.ID + "/channels/categories"
		var cat model.SidebarCategory
		w.alice.Post(base, map[string]any{"display_name": "Work", "channel_ids": []string{w.pub.ID}}).
			Expect(http.StatusOK).JSON(&cat)
		if f := a.expect(model.EventSidebarCategoryCreated); f.Data["category_id"] != cat.ID {
			t.Fatalf("created: %s", f.raw)
		}
		w.alice.Put(base+"/"+cat.ID, map[string]any{"id": cat.ID, "display_name": "Play", "channel_ids": []string{w.pub.ID}}).
			Expect(http.StatusOK)
		var upd []model.SidebarCategory
		decodeString(t, a.expect(model.EventSidebarCategoryUpdated), "updatedCategories", &upd)
		if len(upd) != 1 || upd[0].DisplayName != "Play" || upd[0].ChannelIDs[0] != w.pub.ID {
			t.Fatalf("updated: %+v", upd)
		}
		var order []string
		w.alice.Get(base + "/order").Expect(http.StatusOK).JSON(&order)
		w.alice.Put(base+"/order", []string{order[1], order[0], order[2], order[3]}).Expect(http.StatusOK)
		if f := a.expect(model.EventSidebarCategoryOrderUpdated); !strings.Contains(f.raw, `"order":["`+order[1]) {
			t.Fatalf("order: %s", f.raw)
		}
		w.alice.Delete(base + "/" + cat.ID).Expect(http.StatusOK)
		if f := a.expect(model.EventSidebarCategoryDeleted); f.Data["category_id"] != cat.ID {
			t.Fatalf("deleted: %s", f.raw)
		}
		w.bob.CreatePost(w.pub.ID, "after", "")
		b.expect(model.EventPosted)
		for _, raw := range b.seen {
			if strings.Contains(raw, `"event":"sidebar_category`) {
				t.Fatalf("bob heard %s", raw)
			}
		}
	})
}

// Muting a category tells the user's connections of each channel membership
// it muted, with Mattermost's channel_member_updated (the member as a JSON
// string), after the sidebar_category_updated.
func TestSidebarCategoryMuteEvents(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newWorld(t, s)
		a := dial(t, s, w.alice.Token, "")
		a.hello()
		base := "/users/me/teams/" + w.team.ID + "/channels/categories"
		var cat model.SidebarCategory
		w.alice.Post(base, map[string]any{"display_name": "Quiet", "channel_ids": []string{w.pub.ID}}).
			Expect(http.StatusOK).JSON(&cat)
		a.expect(model.EventSidebarCategoryCreated)
		w.alice.Put(base+"/"+cat.ID, map[string]any{"id": cat.ID, "muted": true, "channel_ids": []string{w.pub.ID}}).
			Expect(http.StatusOK)
		a.expect(model.EventSidebarCategoryUpdated)
		var m model.ChannelMember
		decodeString(t, a.expect(model.EventChannelMemberUpdated), "channelMember", &m)
		if m.ChannelID != w.pub.ID || m.UserID != w.alice.UserID || m.NotifyProps["mark_unread"] != "mention" {
			t.Fatalf("member updated: %+v", m)
		}
	})
}
