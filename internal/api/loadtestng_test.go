package api_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
)

// The calls below are made by mattermost-load-test-ng's simulated users (the
// webapp's behaviour) and were refused or unknown before; parley-load ltng
// makes them all.

func TestTeamScheduledPostsIsAnEmptyListing(t *testing.T) {
	apitest.Each(t, func(t *testing.T, srv *apitest.Server) {
		f := newSearchFixture(t, srv)
		var got map[string][]any
		f.bob.Get("/posts/scheduled/team/" + f.team.ID + "?includeDirectChannels=true").Expect(http.StatusOK).JSON(&got)
		if len(got) != 2 || got[f.team.ID] == nil || len(got[f.team.ID]) != 0 || got["directChannels"] == nil {
			t.Fatalf("scheduled posts with direct channels: %v", got)
		}
		var teamOnly map[string][]any
		f.bob.Get("/posts/scheduled/team/" + f.team.ID).Expect(http.StatusOK).JSON(&teamOnly)
		if _, ok := teamOnly["directChannels"]; ok || len(teamOnly) != 1 {
			t.Fatalf("scheduled posts without direct channels: %v", teamOnly)
		}
		outsider := srv.SignUp("outsider")
		outsider.Get("/posts/scheduled/team/" + f.team.ID).Expect(http.StatusForbidden)
		f.bob.Get("/posts/scheduled/team/" + model.NewID()).Expect(http.StatusNotFound)
		f.bob.Get("/posts/scheduled/team/nope").ExpectError(http.StatusBadRequest, "api.context.invalid_url_param.app_error")
		// Creating one is still refused: Parley has no scheduled posts.
		f.bob.Post("/posts/schedule", map[string]any{"channel_id": f.dev.ID, "message": "later"}).
			ExpectError(http.StatusBadRequest, "api.scheduled_posts.license_error")
	})
}

func TestChannelSearchOutsideTheSystemConsole(t *testing.T) {
	apitest.Each(t, func(t *testing.T, srv *apitest.Server) {
		f := newSearchFixture(t, srv)
		secret := f.alice.CreateChannel(f.team.ID, "devsecret", "P")
		other := f.admin.CreateTeam("elsewhere", true)
		f.admin.CreateChannel(other.ID, "devnull", "O") // bob is not in that team
		var cs []*model.ChannelWithTeamData
		f.bob.Post("/channels/search?system_console=false", map[string]string{"term": "de"}).Expect(http.StatusOK).JSON(&cs)
		if len(cs) != 1 || cs[0].Name != "dev" || cs[0].TeamName != "staff" || cs[0].TeamDisplayName == "" {
			t.Fatalf("bob's search across his teams: %+v", cs)
		}
		f.alice.Post("/channels/search?system_console=false", map[string]string{"term": "dev"}).Expect(http.StatusOK).JSON(&cs)
		var names []string
		for _, c := range cs {
			names = append(names, c.Name)
		}
		if !slices.Contains(names, secret.Name) || !slices.Contains(names, "dev") || slices.Contains(names, "devnull") {
			t.Fatalf("alice's search (her private channel, not the other team's): %v", names)
		}
		f.bob.Post("/channels/search", map[string]string{"term": "de"}).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		f.bob.Post("/channels/search?system_console=true", map[string]string{"term": "de"}).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		f.bob.Post("/channels/search?system_console=maybe", map[string]string{"term": "de"}).Expect(http.StatusBadRequest)
	})
}

func TestGroupChannelSearch(t *testing.T) {
	apitest.Each(t, func(t *testing.T, srv *apitest.Server) {
		f := newSearchFixture(t, srv)
		carol := srv.SignUp("carol")
		var gm, other model.Channel
		f.bob.Post("/channels/group", []string{f.alice.UserID, carol.UserID}).Expect(http.StatusCreated).JSON(&gm)
		f.alice.Post("/channels/group", []string{f.admin.UserID, carol.UserID}).Expect(http.StatusCreated).JSON(&other)
		var cs []*model.Channel
		f.bob.Post("/channels/group/search", map[string]string{"term": "car"}).Expect(http.StatusOK).JSON(&cs)
		if len(cs) != 1 || cs[0].ID != gm.ID {
			t.Fatalf("bob's group search for car: %+v", cs) // never alice's other group
		}
		f.bob.Post("/channels/group/search", map[string]string{"term": "alice carol"}).Expect(http.StatusOK).JSON(&cs)
		if len(cs) != 1 {
			t.Fatalf("two words: %+v", cs)
		}
		f.bob.Post("/channels/group/search", map[string]string{"term": "zed"}).Expect(http.StatusOK).JSON(&cs)
		if len(cs) != 0 {
			t.Fatalf("no match: %+v", cs)
		}
		f.bob.Post("/channels/group/search", "not an object").ExpectError(http.StatusBadRequest, "api.context.invalid_body_param.app_error")
	})
}

func TestReactionsTakeMattermostEmojiAliases(t *testing.T) {
	apitest.Each(t, func(t *testing.T, srv *apitest.Server) {
		f := newSearchFixture(t, srv)
		p := f.bob.CreatePost(f.dev.ID, "react to me", "")
		// Mattermost's names for 🤗 🤔 🤨 🙄 🤫, which gemoji spells otherwise.
		for _, name := range []string{"hugging_face", "thinking_face", "face_with_raised_eyebrow", "face_with_one_eyebrow_raised",
			"face_with_rolling_eyes", "face_with_finger_covering_closed_lips", "hugs", "thinking"} {
			f.bob.Post("/reactions", map[string]string{"user_id": f.bob.UserID, "post_id": p.ID, "emoji_name": name}).Expect(http.StatusOK)
		}
		f.bob.Post("/reactions", map[string]string{"user_id": f.bob.UserID, "post_id": p.ID, "emoji_name": "not_an_emoji_at_all"}).
			Expect(http.StatusNotFound)
	})
}
