package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
)

// Custom sidebar categories: created after favorites, holding channels that
// leave their category, updated, reordered and deleted (their channels going
// back to their default category), as in Mattermost.
func TestCustomSidebarCategories(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		c := s.SignUp("sorter")
		team := c.CreateTeam("sorting", true)
		a := c.CreateChannel(team.ID, "room-a", "O")
		b := c.CreateChannel(team.ID, "room-b", "O")
		base := "/users/" + c.UserID + "/teams/" + team.ID + "/channels/categories"
		all := func() model.SidebarCategories {
			t.Helper()
			var cats model.SidebarCategories
			c.Get(base).Expect(http.StatusOK).JSON(&cats)
			return cats
		}
		byType := func(cats model.SidebarCategories, typ string) *model.SidebarCategory {
			for _, x := range cats.Categories {
				if x.Type == typ {
					return x
				}
			}
			t.Fatalf("no %s category in %+v", typ, cats)
			return nil
		}
		// A favorite moved into a custom category stops being a favorite.
		c.Put("/users/me/preferences", []model.Preference{{UserID: c.UserID, Category: "favorite_channel", Name: b.ID, Value: "true"}}).
			Expect(http.StatusOK)

		var work model.SidebarCategory
		c.Post(base, map[string]any{"user_id": c.UserID, "team_id": team.ID, "display_name": "Work",
			"channel_ids": []string{a.ID, b.ID, model.NewID()}}).Expect(http.StatusOK).JSON(&work)
		if work.Type != "custom" || work.DisplayName != "Work" || work.UserID != c.UserID || work.TeamID != team.ID ||
			!slices.Equal(work.ChannelIDs, []string{a.ID, b.ID}) {
			t.Fatalf("created %+v", work)
		}
		cats := all()
		if len(cats.Order) != 4 || cats.Order[0] != "favorites_"+c.UserID+"_"+team.ID || cats.Order[1] != work.ID {
			t.Fatalf("order after create: %v", cats.Order)
		}
		if ch := byType(cats, "channels"); slices.Contains(ch.ChannelIDs, a.ID) {
			t.Fatalf("a still in channels: %+v", ch)
		}
		if fav := byType(cats, "favorites"); len(fav.ChannelIDs) != 0 {
			t.Fatalf("b still a favorite: %+v", fav)
		}
		var order []string
		c.Get(base + "/order").Expect(http.StatusOK).JSON(&order)
		if !slices.Equal(order, cats.Order) {
			t.Fatalf("order %v, categories say %v", order, cats.Order)
		}

		// Update one: renamed, b moved out (back to channels).
		var upd model.SidebarCategory
		c.Put(base+"/"+work.ID, map[string]any{"id": work.ID, "user_id": c.UserID, "team_id": team.ID, "type": "custom",
			"display_name": "Projects", "collapsed": true, "channel_ids": []string{a.ID}}).Expect(http.StatusOK).JSON(&upd)
		if upd.DisplayName != "Projects" || !upd.Collapsed || !slices.Equal(upd.ChannelIDs, []string{a.ID}) {
			t.Fatalf("updated %+v", upd)
		}
		if ch := byType(all(), "channels"); !slices.Contains(ch.ChannelIDs, b.ID) {
			t.Fatalf("b not back in channels: %+v", ch)
		}
		// A default category keeps its name and type.
		chs := byType(all(), "channels")
		c.Put(base+"/"+chs.ID, map[string]any{"id": chs.ID, "display_name": "Renamed", "type": "custom",
			"channel_ids": append(chs.ChannelIDs, a.ID)}).Expect(http.StatusOK).JSON(&upd)
		if upd.DisplayName != "Channels" || upd.Type != "channels" || !slices.Contains(upd.ChannelIDs, a.ID) {
			t.Fatalf("default category updated to %+v", upd)
		}
		// The bulk update moves a between two categories at once.
		var many []model.SidebarCategory
		c.Put(base, []map[string]any{{"id": work.ID, "display_name": "Projects", "channel_ids": []string{a.ID}},
			{"id": chs.ID, "channel_ids": []string{b.ID}}}).Expect(http.StatusOK).JSON(&many)
		if len(many) != 2 || !slices.Equal(many[0].ChannelIDs, []string{a.ID}) || slices.Contains(many[1].ChannelIDs, a.ID) {
			t.Fatalf("bulk update %+v", many)
		}

		// Reorder: every category once.
		rev := slices.Clone(all().Order)
		slices.Reverse(rev)
		c.Put(base+"/order", rev).Expect(http.StatusOK).JSON(&order)
		if got := all().Order; !slices.Equal(got, rev) || !slices.Equal(order, rev) {
			t.Fatalf("order %v after setting %v (answer %v)", got, rev, order)
		}
		c.Put(base+"/order", rev[1:]).ExpectError(http.StatusBadRequest, "api.context.invalid_body_param.app_error")
		c.Put(base+"/order", append(rev[1:], rev[1])).ExpectError(http.StatusBadRequest, "api.context.invalid_body_param.app_error")
		c.Put(base+"/order", append(rev[1:], model.NewID())).ExpectError(http.StatusBadRequest, "api.context.invalid_body_param.app_error")
		c.Put(base+"/order", "nope").ExpectError(http.StatusBadRequest, "api.context.invalid_body_param.app_error")

		// Bad input.
		c.Post(base, "nope").ExpectError(http.StatusBadRequest, "api.context.invalid_body_param.app_error")
		c.Post(base, map[string]any{"display_name": ""}).ExpectError(http.StatusBadRequest, "api.context.invalid_body_param.app_error")
		c.Post(base, map[string]any{"display_name": "X", "user_id": model.NewID()}).
			ExpectError(http.StatusBadRequest, "api.context.invalid_body_param.app_error")
		var renamed model.SidebarCategory
		c.Put(base+"/"+work.ID, map[string]any{"id": chs.ID, "display_name": "Work 2"}).Expect(http.StatusOK).JSON(&renamed)
		if renamed.ID != work.ID || renamed.DisplayName != "Work 2" {
			t.Fatalf("PUT with another id in the body updated %s %q, want %s renamed", renamed.ID, renamed.DisplayName, work.ID)
		}
		var chsNow model.SidebarCategory
		c.Get(base + "/" + chs.ID).Expect(http.StatusOK).JSON(&chsNow)
		if chsNow.DisplayName != chs.DisplayName {
			t.Fatalf("the body's id %s was renamed to %q", chs.ID, chsNow.DisplayName)
		}
		c.Put(base+"/"+model.NewID(), map[string]any{}).ExpectError(http.StatusNotFound, "app.channel.sidebar_categories.app_error")
		missing := model.NewID()
		c.Put(base+"/"+missing, map[string]any{"id": missing}).ExpectError(http.StatusNotFound, "app.channel.sidebar_categories.app_error")
		c.Delete(base+"/"+missing).ExpectError(http.StatusNotFound, "app.channel.sidebar_categories.app_error")
		c.Delete(base+"/"+chs.ID).ExpectError(http.StatusBadRequest, "app.channel.sidebar_categories.app_error")

		// Another user can change none of them.
		other := s.SignUp("nosy")
		other.Post(base, map[string]any{"display_name": "Mine"}).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		other.Put(base+"/order", rev).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		other.Put(base+"/"+work.ID, map[string]any{"id": work.ID}).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		other.Delete(base+"/"+work.ID).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")

		// Deleting sends a back to channels.
		c.Delete(base + "/" + work.ID).Expect(http.StatusOK)
		cats = all()
		if len(cats.Order) != 3 || !slices.Contains(byType(cats, "channels").ChannelIDs, a.ID) {
			t.Fatalf("after delete: %+v", cats)
		}
		c.Get(base+"/"+work.ID).ExpectError(http.StatusNotFound, "app.channel.sidebar_categories.app_error")
	})
}

// Muting a category mutes its channels for the user (mark_unread "mention")
// and unmuting unmutes them; a channel moved into a muted category is muted,
// one moved out unmuted, as Mattermost's muteChannelsForUpdatedCategories.
// The direct messages category keeps its flag.
func TestSidebarCategoryMuting(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		c := s.SignUp("hush")
		team := c.CreateTeam("hushing", true)
		a := c.CreateChannel(team.ID, "loud-a", "O")
		b := c.CreateChannel(team.ID, "loud-b", "O")
		base := "/users/" + c.UserID + "/teams/" + team.ID + "/channels/categories"
		mark := func(chID string) string {
			t.Helper()
			var m model.ChannelMember
			c.Get("/channels/" + chID + "/members/" + c.UserID).Expect(http.StatusOK).JSON(&m)
			return m.NotifyProps["mark_unread"]
		}
		expectMarks := func(step, wantA, wantB string) {
			t.Helper()
			if ga, gb := mark(a.ID), mark(b.ID); ga != wantA || gb != wantB {
				t.Fatalf("%s: mark_unread a=%q b=%q, want %q %q", step, ga, gb, wantA, wantB)
			}
		}
		var quiet model.SidebarCategory
		c.Post(base, map[string]any{"display_name": "Quiet", "channel_ids": []string{a.ID}}).Expect(http.StatusOK).JSON(&quiet)
		expectMarks("created", "all", "all")

		var upd model.SidebarCategory
		c.Put(base+"/"+quiet.ID, map[string]any{"id": quiet.ID, "muted": true, "channel_ids": []string{a.ID}}).
			Expect(http.StatusOK).JSON(&upd)
		if !upd.Muted {
			t.Fatalf("not muted: %+v", upd)
		}
		expectMarks("category muted", "mention", "all")

		// b moves in through the batch update, both ends sent as the web app does.
		var cats model.SidebarCategories
		c.Get(base).Expect(http.StatusOK).JSON(&cats)
		chs := "channels_" + c.UserID + "_" + team.ID
		var rest []string
		for _, x := range cats.Categories {
			if x.ID == chs {
				rest = slices.DeleteFunc(slices.Clone(x.ChannelIDs), func(id string) bool { return id == b.ID })
			}
		}
		c.Put(base, []map[string]any{{"id": quiet.ID, "muted": true, "channel_ids": []string{a.ID, b.ID}},
			{"id": chs, "channel_ids": rest}}).Expect(http.StatusOK)
		expectMarks("b moved in", "mention", "mention")

		// a leaves it (back to channels, not muted).
		c.Put(base+"/"+quiet.ID, map[string]any{"id": quiet.ID, "muted": true, "channel_ids": []string{b.ID}}).Expect(http.StatusOK)
		expectMarks("a moved out", "all", "mention")

		c.Put(base, []map[string]any{{"id": quiet.ID, "muted": false, "channel_ids": []string{b.ID}}}).Expect(http.StatusOK)
		expectMarks("category unmuted", "all", "all")

		// Muting the default channels category mutes what it holds.
		c.Put(base+"/"+chs, map[string]any{"id": chs, "muted": true}).Expect(http.StatusOK).JSON(&upd)
		if !upd.Muted {
			t.Fatalf("channels category not muted: %+v", upd)
		}
		expectMarks("channels muted", "mention", "all")

		// Mattermost keeps the direct messages category unmuted.
		dms := "direct_messages_" + c.UserID + "_" + team.ID
		c.Put(base+"/"+dms, map[string]any{"id": dms, "muted": true}).Expect(http.StatusOK).JSON(&upd)
		if upd.Muted {
			t.Fatalf("direct messages muted: %+v", upd)
		}
	})
}

// A PUT of a category whose body has no channel_ids (or an empty list) lists
// none, as in Mattermost, whose store replaces the category's channels with
// the list: a custom category or favorites is emptied, its channels going
// back to channels (a DM to direct messages) and favorites stopping being
// ones, while channels and direct messages still hold every channel no other
// category does.
func TestSidebarCategoryWithoutChannelIDs(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		peer := s.SignUp("peer")
		for i, tc := range []struct {
			name, category string // category: the type of the one updated
			body           map[string]any
			// where the custom channel, the favorite and the DM end up
			custom, fav, dm string
		}{
			{"custom without channel_ids", "custom", map[string]any{"display_name": "Work"}, "channels", "favorites", "direct_messages"},
			{"custom with none", "custom", map[string]any{"display_name": "Work", "channel_ids": []string{}}, "channels", "favorites", "direct_messages"},
			{"favorites without channel_ids", "favorites", map[string]any{}, "custom", "channels", "direct_messages"},
			{"favorites with none", "favorites", map[string]any{"channel_ids": []string{}}, "custom", "channels", "direct_messages"},
			{"channels without channel_ids", "channels", map[string]any{}, "custom", "favorites", "custom"},
			{"direct messages without channel_ids", "direct_messages", map[string]any{}, "custom", "favorites", "custom"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c := s.SignUp(fmt.Sprintf("emptier%d", i))
				team := c.CreateTeam(fmt.Sprintf("emptying%d", i), true)
				mine, fav, plain := c.CreateChannel(team.ID, "mine", "O"), c.CreateChannel(team.ID, "fav", "O"), c.CreateChannel(team.ID, "plain", "O")
				var dm model.Channel
				c.Post("/channels/direct", []string{c.UserID, peer.UserID}).Expect(http.StatusCreated).JSON(&dm)
				c.Put("/users/me/preferences", []model.Preference{{UserID: c.UserID, Category: "favorite_channel", Name: fav.ID, Value: "true"}}).
					Expect(http.StatusOK)
				base := "/users/me/teams/" + team.ID + "/channels/categories"
				var work model.SidebarCategory
				c.Post(base, map[string]any{"display_name": "Work", "channel_ids": []string{mine.ID}}).Expect(http.StatusOK).JSON(&work)
				if tc.dm == "custom" {
					// The DM joins the custom category too, to show the
					// default categories leave other categories alone.
					c.Put(base+"/"+work.ID, map[string]any{"display_name": "Work", "channel_ids": []string{mine.ID, dm.ID}}).Expect(http.StatusOK)
				}
				id := work.ID
				if tc.category != "custom" {
					id = tc.category + "_" + c.UserID + "_" + team.ID
				}
				var upd model.SidebarCategory
				c.Put(base+"/"+id, tc.body).Expect(http.StatusOK).JSON(&upd)

				var cats model.SidebarCategories
				c.Get(base).Expect(http.StatusOK).JSON(&cats)
				where := map[string]string{}
				for _, x := range cats.Categories {
					for _, ch := range x.ChannelIDs {
						where[ch] = x.Type
					}
					if x.ID == id && !slices.Equal(x.ChannelIDs, upd.ChannelIDs) {
						t.Errorf("answered %v, then listed %v", upd.ChannelIDs, x.ChannelIDs)
					}
				}
				if where[mine.ID] != tc.custom || where[fav.ID] != tc.fav || where[dm.ID] != tc.dm || where[plain.ID] != "channels" {
					t.Fatalf("custom channel in %q, favorite in %q, DM in %q, plain in %q; want %q %q %q channels",
						where[mine.ID], where[fav.ID], where[dm.ID], where[plain.ID], tc.custom, tc.fav, tc.dm)
				}
				var prefs []model.Preference
				c.Get("/users/me/preferences/favorite_channel").Expect(http.StatusOK).JSON(&prefs)
				for _, p := range prefs {
					if p.Name == fav.ID && (p.Value == "true") != (tc.fav == "favorites") {
						t.Fatalf("favorite_channel preference %+v with the channel in %s", p, tc.fav)
					}
				}
			})
		}
	})
}
