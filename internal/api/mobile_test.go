package api_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
)

// mobileCall is one REST call of the Mattermost mobile app (app/client/rest
// and the native push and share extensions). want is "" when Parley serves it,
// "STATUS error.id" for the refusal the app handles, or "n/a: why" when the
// app does not make the call against Parley. docs/api.md carries this table.
type mobileCall struct{ method, path, want string }

var mobileCalls = []mobileCall{
	// channels and members
	{"GET", "/channels/{channel_id}", ""},
	{"POST", "/channels", ""},
	{"POST", "/channels/direct", ""},
	{"POST", "/channels/group", ""},
	{"PUT", "/channels/{channel_id}", ""},
	{"PUT", "/channels/{channel_id}/patch", ""},
	{"PUT", "/channels/{channel_id}/privacy", ""},
	{"POST", "/channels/{channel_id}/restore", ""},
	{"DELETE", "/channels/{channel_id}", ""},
	{"GET", "/channels/{channel_id}/stats", ""},
	{"GET", "/channels/{channel_id}/timezones", ""},
	{"GET", "/channels/{channel_id}/members", ""},
	{"POST", "/channels/{channel_id}/members", ""},
	{"POST", "/channels/{channel_id}/members/ids", ""},
	{"GET", "/channels/{channel_id}/members/me", ""},
	{"GET", "/channels/{channel_id}/members/{user_id}", ""},
	{"DELETE", "/channels/{channel_id}/members/{user_id}", ""},
	{"PUT", "/channels/{channel_id}/members/{user_id}/notify_props", ""},
	{"POST", "/channels/members/me/view", ""},
	{"POST", "/channels/search", ""},
	{"GET", "/teams/{team_id}/channels", ""},
	{"GET", "/teams/{team_id}/channels/deleted", ""},
	{"GET", "/teams/{team_id}/channels/name/{channel_name}", ""},
	{"GET", "/teams/name/{team_name}/channels/name/{channel_name}", ""},
	{"GET", "/teams/{team_id}/channels/autocomplete", ""},
	{"GET", "/teams/{team_id}/channels/search_autocomplete", ""},
	{"POST", "/teams/{team_id}/channels/search", ""},
	{"POST", "/teams/{team_id}/channels/search_archived", ""},
	{"GET", "/users/me/teams/{team_id}/channels", ""},
	{"GET", "/users/me/teams/{team_id}/channels/members", ""},
	{"GET", "/users/{user_id}/channels/{channel_id}/posts/unread", ""},
	{"GET", "/channels", "n/a: in the client, called nowhere in the app"},
	{"GET", "/users/me/channels", ""},
	{"GET", "/users/me/channel_members", ""},
	{"GET", "/channels/{channel_id}/common_teams", ""},
	{"POST", "/channels/{channel_id}/convert_to_channel", ""},
	{"GET", "/channels/{channel_id}/member_counts_by_group", "n/a: in the client, called nowhere in the app"},
	{"GET", "/teams/{team_id}/channels/managed_categories", "n/a: called only when the server advertises managed categories"},
	{"PUT", "/channels/{channel_id}/members/me/autotranslation", "n/a: called only when the server advertises auto-translation"},
	{"GET", "/channels/{channel_id}/access_control/attributes", "n/a: called only with attribute-based access control licensed"},
	{"GET", "/sharedchannels/{team_id}", "n/a: shared channels need a license"},
	{"GET", "/remotecluster", "n/a: shared channels need a license"},
	// sidebar categories
	{"GET", "/users/me/teams/{team_id}/channels/categories", ""},
	{"PUT", "/users/me/teams/{team_id}/channels/categories", ""},
	{"GET", "/users/me/teams/{team_id}/channels/categories/order", ""},
	{"GET", "/users/me/teams/{team_id}/channels/categories/{category_id}", ""},
	// bookmarks (licensed in Mattermost)
	{"GET", "/channels/{channel_id}/bookmarks", "501 api.channel.bookmark.channel_bookmark.license.error"},
	{"POST", "/channels/{channel_id}/bookmarks", "501 api.channel.bookmark.channel_bookmark.license.error"},
	{"PATCH", "/channels/{channel_id}/bookmarks/{bookmark_id}", "501 api.channel.bookmark.channel_bookmark.license.error"},
	{"POST", "/channels/{channel_id}/bookmarks/{bookmark_id}/sort_order", "501 api.channel.bookmark.channel_bookmark.license.error"},
	{"DELETE", "/channels/{channel_id}/bookmarks/{bookmark_id}", "501 api.channel.bookmark.channel_bookmark.license.error"},
	// posts, threads, reactions
	{"POST", "/posts", ""},
	{"GET", "/posts/{post_id}", ""},
	{"PUT", "/posts/{post_id}", ""},
	{"PUT", "/posts/{post_id}/patch", ""},
	{"DELETE", "/posts/{post_id}", ""},
	{"GET", "/posts/{post_id}/thread", ""},
	{"POST", "/posts/ids", ""},
	{"GET", "/channels/{channel_id}/posts", ""},
	{"GET", "/channels/{channel_id}/pinned", ""},
	{"GET", "/posts/{post_id}/files/info", ""},
	{"POST", "/posts/{post_id}/pin", ""},
	{"POST", "/posts/{post_id}/unpin", ""},
	{"POST", "/posts/{post_id}/actions/{action_id}", ""},
	{"POST", "/reactions", ""},
	{"GET", "/posts/{post_id}/reactions", ""},
	{"DELETE", "/users/{user_id}/posts/{post_id}/reactions/{emoji_name}", ""},
	{"POST", "/teams/{team_id}/posts/search", ""},
	{"POST", "/posts/search", ""},
	{"GET", "/users/{user_id}/posts/flagged", ""},
	{"POST", "/users/{user_id}/posts/{post_id}/set_unread", ""},
	{"GET", "/posts/{post_id}/info", ""},
	{"POST", "/users/{user_id}/posts/{post_id}/ack", "501 <untranslated>"},
	{"DELETE", "/users/{user_id}/posts/{post_id}/ack", "501 <untranslated>"},
	{"DELETE", "/posts/{post_id}/burn", "n/a: called only for burn-on-read posts, which Parley never creates"},
	{"GET", "/posts/{post_id}/reveal", "n/a: called only for burn-on-read posts, which Parley never creates"},
	{"GET", "/users/{user_id}/teams/{team_id}/threads", ""},
	{"GET", "/users/{user_id}/teams/{team_id}/threads/{thread_id}", ""},
	{"PUT", "/users/{user_id}/teams/{team_id}/threads/read", ""},
	{"PUT", "/users/{user_id}/teams/{team_id}/threads/{thread_id}/following", ""},
	// scheduled posts
	{"POST", "/posts/schedule", "400 api.scheduled_posts.license_error"},
	{"PUT", "/posts/schedule/{scheduled_post_id}", "400 api.scheduled_posts.license_error"},
	{"DELETE", "/posts/schedule/{scheduled_post_id}", "400 api.scheduled_posts.license_error"},
	{"GET", "/posts/scheduled/team/{team_id}", ""},
	// drafts
	{"GET", "/users/me/teams/{team_id}/drafts", ""},
	{"POST", "/drafts", ""},
	{"DELETE", "/users/me/channels/{channel_id}/drafts", ""},
	{"DELETE", "/users/me/channels/{channel_id}/drafts/{post_id}", ""},
	// files
	{"POST", "/files", ""},
	{"GET", "/files/{file_id}", ""},
	{"GET", "/files/{file_id}/thumbnail", ""},
	{"GET", "/files/{file_id}/preview", ""},
	{"GET", "/files/{file_id}/link", "403 api.file.get_public_link.disabled.app_error"},
	{"POST", "/teams/{team_id}/files/search", ""},
	{"POST", "/files/search", ""},
	// preferences, statuses, users
	{"GET", "/users/me/preferences", ""},
	{"PUT", "/users/{user_id}/preferences", ""},
	{"POST", "/users/{user_id}/preferences/delete", ""},
	{"POST", "/users/status/ids", ""},
	{"GET", "/users/{user_id}/status", ""},
	{"PUT", "/users/{user_id}/status", ""},
	{"PUT", "/users/me/status/custom", ""},
	{"DELETE", "/users/me/status/custom", ""},
	{"POST", "/users/me/status/custom/recent/delete", ""},
	{"GET", "/users/me", ""},
	{"GET", "/users/{user_id}", ""},
	{"GET", "/users", ""},
	{"POST", "/users/ids", ""},
	{"POST", "/users/usernames", ""},
	{"POST", "/users/group_channels", ""},
	{"POST", "/users/search", ""},
	{"GET", "/users/autocomplete", ""},
	{"GET", "/users/known", ""},
	{"GET", "/users/username/{username}", ""},
	{"GET", "/users/email/{email}", ""},
	{"PUT", "/users/me/patch", ""},
	{"PUT", "/users/{user_id}", ""},
	{"GET", "/users/{user_id}/image", ""},
	{"POST", "/users/{user_id}/image", ""},
	{"DELETE", "/users/{user_id}/image", ""},
	{"GET", "/users/{user_id}/sessions", ""},
	{"PUT", "/users/sessions/device", ""},
	{"POST", "/users/mfa", ""},
	{"POST", "/users/login", ""},
	{"POST", "/users", ""},
	{"POST", "/users/{user_id}/demote", "n/a: in the client, called nowhere in the app"},
	{"POST", "/users/login/type", "n/a: called only when the client config has EnableGuestMagicLink true"},
	{"POST", "/users/login/sso/code-exchange", "n/a: called only after SSO, which Parley does not offer"},
	{"POST", "/users/password/reset/send", "n/a: served with SMTP set (docs/notifications.md); without it the client config hides the forgot-password link (PasswordEnableForgotLink false)"},
	{"GET", "/terms_of_service", ""},
	{"POST", "/users/me/terms_of_service", ""},
	{"GET", "/custom_profile_attributes/fields", "403 api.custom_profile_attributes.license_error"},
	{"GET", "/users/{user_id}/custom_profile_attributes", "n/a: asked together with the fields, whose refusal ends the request"},
	{"GET", "/properties/groups/{group_name}/system/values", "n/a: called only when the client config has FeatureFlagClassificationMarkings or EnableManagedChannelCategories true"},
	// teams
	{"GET", "/teams", ""},
	{"POST", "/teams", ""},
	{"GET", "/teams/{team_id}", ""},
	{"PUT", "/teams/{team_id}", ""},
	{"PUT", "/teams/{team_id}/patch", ""},
	{"DELETE", "/teams/{team_id}", ""},
	{"GET", "/teams/{team_id}/image", ""},
	{"GET", "/teams/{team_id}/stats", ""},
	{"GET", "/teams/{team_id}/members", ""},
	{"POST", "/teams/{team_id}/members", ""},
	{"GET", "/teams/{team_id}/members/{user_id}", ""},
	{"DELETE", "/teams/{team_id}/members/{user_id}", ""},
	{"POST", "/teams/members/invite", ""},
	{"GET", "/users/me/teams", ""},
	{"GET", "/users/{user_id}/teams", ""},
	{"GET", "/users/me/teams/members", ""},
	{"GET", "/users/me/teams/unread", ""},
	// groups: custom groups; a channel's or team's synced groups are none
	{"GET", "/groups", ""},
	{"GET", "/users/{user_id}/groups", ""},
	{"GET", "/channels/{channel_id}/groups", ""},
	{"GET", "/teams/{team_id}/groups", ""},
	// emoji, commands, integrations
	{"GET", "/emoji", ""},
	{"GET", "/emoji/{emoji_id}", ""},
	{"GET", "/emoji/name/{emoji_name}", ""},
	{"GET", "/emoji/{emoji_id}/image", ""},
	{"POST", "/emoji/search", ""},
	{"GET", "/emoji/autocomplete", ""},
	{"GET", "/commands", ""},
	{"POST", "/commands", ""},
	{"POST", "/commands/execute", ""},
	{"GET", "/teams/{team_id}/commands/autocomplete", ""},
	{"GET", "/teams/{team_id}/commands/autocomplete_suggestions", ""},
	{"POST", "/actions/dialogs/submit", ""},
	{"POST", "/actions/dialogs/lookup", "n/a: not served yet: only dialogs with dynamic selects call it, and get the unknown-route 404"},
	// system, roles, notifications
	{"GET", "/system/ping", ""},
	{"GET", "/config/client?format=old", ""},
	{"GET", "/license/client?format=old", ""},
	{"GET", "/license/load_metric", ""},
	{"GET", "/system/timezones", ""},
	{"POST", "/logs", ""},
	{"POST", "/roles/names", ""},
	{"GET", "/plugins/webapp", ""},
	{"GET", "/redirect_location", ""},
	{"POST", "/client_perf", ""},
	{"POST", "/notifications/test", ""},
	{"POST", "/notifications/ack", "501 api.push_notification.disabled.app_error"},
	{"GET", "/data_retention/policy", ""},
	{"GET", "/users/{user_id}/data_retention/team_policies", ""},
	{"GET", "/users/{user_id}/data_retention/channel_policies", ""},
	{"POST", "/users/logout", ""},
}

// TestMobileAppCalls walks the app's calls with real ids: a served call never
// answers the unknown-route 404 or a 5xx, and a refused one answers exactly
// the Mattermost error the app handles.
func TestMobileAppCalls(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		c := s.SignUp("mobile")
		team := c.CreateTeam("mobile", true)
		ch := c.CreateChannel(team.ID, "mobile-room", "O")
		post := c.CreatePost(ch.ID, "hello", "")
		var cats model.SidebarCategories
		c.Get("/users/me/teams/" + team.ID + "/channels/categories").Expect(http.StatusOK).JSON(&cats)
		ids := map[string]string{
			"channel_id": ch.ID, "team_id": team.ID, "post_id": post.ID, "user_id": c.UserID,
			"channel_name": ch.Name, "team_name": team.Name, "username": "mobile", "email": "mobile@example.com",
			"emoji_name": "smile", "category_id": cats.Order[1],
		}
		for _, mc := range mobileCalls {
			if strings.HasPrefix(mc.want, "n/a") {
				continue
			}
			path := fillIDs(mc.path, ids, mc.method == "DELETE")
			r := c.Do(mc.method, path, map[string]any{})
			var e model.AppError
			if r.Status >= 400 {
				if err := json.Unmarshal(r.Body, &e); err != nil || e.ID == "" {
					t.Errorf("%s %s: %d without a Mattermost error body: %.200s", mc.method, path, r.Status, r.Body)
					continue
				}
			}
			if mc.want == "" {
				if e.ID == "api.context.404.app_error" || r.Status >= 500 {
					t.Errorf("%s %s: %d %s", mc.method, path, r.Status, e.ID)
				}
				continue
			}
			status, id, _ := strings.Cut(mc.want, " ")
			if strconv.Itoa(r.Status) != status || e.ID != id || e.StatusCode != r.Status {
				t.Errorf("%s %s: %d %s, want %s", mc.method, path, r.Status, e.ID, mc.want)
			}
		}
	})
}

// fillIDs puts real ids into a path; a DELETE gets fresh ids so that the walk
// does not remove what later calls use.
func fillIDs(pattern string, ids map[string]string, fresh bool) string {
	parts := strings.Split(pattern, "/")
	for i, p := range parts {
		if !strings.HasPrefix(p, "{") {
			continue
		}
		name := strings.Trim(p, "{}")
		v, ok := ids[name]
		if !ok || (fresh && strings.HasSuffix(name, "_id")) {
			v = model.NewID()
		}
		parts[i] = v
	}
	return strings.Join(parts, "/")
}

func TestSidebarCategoryByID(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		c := s.SignUp("cats")
		team := c.CreateTeam("cats", true)
		ch := c.CreateChannel(team.ID, "cats-room", "O")
		base := "/users/me/teams/" + team.ID + "/channels/categories"
		var all model.SidebarCategories
		c.Get(base).Expect(http.StatusOK).JSON(&all)
		for _, want := range all.Categories {
			var got model.SidebarCategory
			c.Get(base + "/" + want.ID).Expect(http.StatusOK).JSON(&got)
			if got.ID != want.ID || got.Type != want.Type || len(got.ChannelIDs) != len(want.ChannelIDs) {
				t.Errorf("category %s: got %+v, want %+v", want.ID, got, want)
			}
		}
		var chans model.SidebarCategory
		c.Get(base + "/" + all.Order[1]).Expect(http.StatusOK).JSON(&chans)
		if chans.Type != "channels" || !strings.Contains(strings.Join(chans.ChannelIDs, ","), ch.ID) {
			t.Errorf("channels category lacks %s: %+v", ch.ID, chans)
		}
		c.Get(base+"/"+model.NewID()).ExpectError(http.StatusNotFound, "app.channel.sidebar_categories.app_error")

		other := s.SignUp("other")
		other.Get("/users/"+c.UserID+"/teams/"+team.ID+"/channels/categories/"+all.Order[0]).
			ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
	})
}

func TestFeatureRefusals(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		c := s.SignUp("refused")
		// The ack body is read before the push setting decides.
		c.Post("/notifications/ack", "not json").
			ExpectError(http.StatusBadRequest, "api.push_notifications_ack.message.parse.app_error")
		c.Post("/notifications/ack", map[string]any{"id": model.NewID(), "platform": "android", "type": "message",
			"received_at": 1}).ExpectError(http.StatusNotImplemented, "api.push_notification.disabled.app_error")
		c.Post("/notifications/ack", map[string]any{"received_at": "soon"}).
			ExpectError(http.StatusBadRequest, "api.push_notifications_ack.message.parse.app_error")
		c.Post("/users/me/terms_of_service", "[").
			ExpectError(http.StatusBadRequest, "api.context.invalid_body_param.app_error")

		var cfg map[string]string
		c.Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cfg)
		var load map[string]int
		c.Get("/license/load_metric").Expect(http.StatusOK).JSON(&load)
		if v, ok := load["load"]; !ok || v != 0 {
			t.Errorf("load metric %v", load)
		}
		var groups []any
		c.Get("/groups").Expect(http.StatusOK).JSON(&groups)
		if groups == nil || len(groups) != 0 {
			t.Errorf("groups %v", groups)
		}
	})
}
