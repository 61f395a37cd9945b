package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
)

// searcher runs searches as one user and compares the ids returned.
type searcher struct {
	t    *testing.T
	c    *apitest.Client
	path string
}

func (s searcher) search(body map[string]any) *model.PostSearchResults {
	s.t.Helper()
	out := &model.PostSearchResults{}
	s.c.Post(s.path, body).Expect(http.StatusOK).JSON(out)
	if out.PostList == nil || out.Order == nil || out.Posts == nil {
		s.t.Fatalf("search %v: not a post list", body)
	}
	return out
}

// expect checks that terms find exactly want, newest first.
func (s searcher) expect(terms string, want ...*model.Post) {
	s.t.Helper()
	s.expectBody(map[string]any{"terms": terms}, want...)
}

func (s searcher) expectBody(body map[string]any, want ...*model.Post) {
	s.t.Helper()
	got := s.search(body)
	ids := make([]string, len(want))
	for i, p := range want {
		ids[i] = p.ID
	}
	if !slices.Equal(got.Order, ids) {
		s.t.Fatalf("search %v: got %d posts %v, want %v", body, len(got.Order), messages(got), ids)
	}
}

func messages(l *model.PostSearchResults) []string {
	out := []string{}
	for _, id := range l.Order {
		out = append(out, l.Posts[id].Message)
	}
	return out
}

type searchFixture struct {
	admin, alice, bob *apitest.Client
	team              *model.Team
	town, dev         *model.Channel
}

func newSearchFixture(t *testing.T, s *apitest.Server) *searchFixture {
	f := &searchFixture{admin: s.SignUp("admin"), alice: s.SignUp("alice"), bob: s.SignUp("bob")}
	f.team = f.admin.CreateTeam("staff", true)
	f.admin.AddToTeam(f.team.ID, f.alice.UserID)
	f.admin.AddToTeam(f.team.ID, f.bob.UserID)
	f.town = &model.Channel{}
	f.bob.Get("/teams/name/staff/channels/name/town-square").Expect(http.StatusOK).JSON(f.town)
	f.dev = f.alice.CreateChannel(f.team.ID, "dev", "O")
	f.alice.Post("/channels/"+f.dev.ID+"/members", map[string]string{"user_id": f.bob.UserID}).Expect(http.StatusCreated)
	return f
}

func TestSearchSyntax(t *testing.T) {
	apitest.Each(t, func(t *testing.T, srv *apitest.Server) {
		f := newSearchFixture(t, srv)
		release := f.alice.CreatePost(f.town.ID, "The deployment of the new release went well #Release-2", "")
		running := f.bob.CreatePost(f.dev.ID, "Running the database migrations tomorrow, @alice", "")
		creme := f.bob.CreatePost(f.town.ID, "Crème brûlée for lunch?", "")
		exact := f.alice.CreatePost(f.dev.ID, "an exact phrase is here", "")
		swapped := f.alice.CreatePost(f.dev.ID, "the phrase is not exact here", "")
		tokyo := f.alice.CreatePost(f.dev.ID, "東京タワーで会議をします", "")
		korean := f.bob.CreatePost(f.town.ID, "내일 회의가 있습니다", "")
		email := f.alice.CreatePost(f.town.ID, "send an e-mail to v1.2 users", "")
		q := searcher{t, f.bob, "/teams/" + f.team.ID + "/posts/search"}

		q.expect("deployment", release)
		q.expect("DEPLOYMENT release", release)
		q.expect("deploy*", release)
		q.expect("deploym*", release)
		q.expect("run migration", running) // stemmed
		q.expect("creme brulee", creme)    // accents and case folded
		q.expect("CRÈME", creme)
		q.expect(`"exact phrase"`, exact)
		q.expect("exact phrase", swapped, exact)
		q.expect(`here -"exact phrase"`, swapped)
		q.expect("here -not", exact)
		q.expect("here -not -an")
		q.expect("from:alice here", swapped, exact)
		q.expect("from:@bob here")
		q.expect("-from:alice -from:admin in:town-square", korean, creme)
		q.expect("in:dev here", swapped, exact)
		q.expect("~dev here", swapped, exact)
		q.expect("in:town-square here")
		q.expect("-in:dev here")
		q.expect("#release-2", release)
		q.expect("#release")
		q.expect("@alice", running)
		q.expect("会議", tokyo)    // two characters: below the trigram size
		q.expect("東京タワー", tokyo) // CJK without spaces
		q.expect("회의가", korean)
		q.expect("e-mail v1.2", email)
		q.expect("in:dev -東京", swapped, exact, running)
		q.expect("-here in:dev", tokyo, running)
		q.expect("nosuchword")
		q.expect("from:nosuchuser")
		q.expect("in:nosuchchannel")

		or := q.search(map[string]any{"terms": "crème migrations", "is_or_search": true})
		if !slices.Equal(or.Order, []string{creme.ID, running.ID}) {
			t.Fatalf("or search: %v", messages(or))
		}
		q.expectBody(map[string]any{"terms": "会議 lunch", "is_or_search": true}, tokyo, creme)
		if m := q.search(map[string]any{"terms": "deploy* release"}).Matches[release.ID]; !slices.Contains(m, "deployment") || !slices.Contains(m, "release") {
			t.Fatalf("matches = %v", m)
		}

		// Paging: newest first, has_next while more follow.
		p0 := q.search(map[string]any{"terms": "here", "per_page": 1})
		p1 := q.search(map[string]any{"terms": "here", "per_page": 1, "page": 1})
		if len(p0.Order) != 1 || p0.Order[0] != swapped.ID || p0.HasNext == nil || !*p0.HasNext ||
			len(p1.Order) != 1 || p1.Order[0] != exact.ID || *p1.HasNext {
			t.Fatalf("paging: %v %v", p0.Order, p1.Order)
		}

		// All teams: the same search across teams.
		all := searcher{t, f.bob, "/posts/search"}
		all.expect("deployment", release)
	})
}

func TestSearchDates(t *testing.T) {
	apitest.Each(t, func(t *testing.T, srv *apitest.Server) {
		f := newSearchFixture(t, srv)
		at := time.Date(2024, 1, 15, 23, 30, 0, 0, time.UTC).UnixMilli()
		var old model.Post
		f.admin.Post("/posts", map[string]any{"channel_id": f.town.ID, "message": "historic launch", "create_at": at}).
			Expect(http.StatusCreated).JSON(&old)
		fresh := f.admin.CreatePost(f.town.ID, "historic again", "")
		q := searcher{t, f.bob, "/teams/" + f.team.ID + "/posts/search"}
		q.expect("historic on:2024-01-15", &old)
		q.expect("historic on:2024-01-16")
		q.expect("historic before:2024-01-16", &old)
		q.expect("historic before:2024-01-15")
		q.expect("historic after:2024-01-14", fresh, &old)
		q.expect("historic after:2024-01-15", fresh)
		q.expect("on:2024-01-15", &old) // a date alone lists that day
		// 23:30 UTC is already the 16th one hour east of Greenwich.
		q.expectBody(map[string]any{"terms": "historic on:2024-01-16", "time_zone_offset": 3600}, &old)
		q.expectBody(map[string]any{"terms": "historic on:2024-01-15", "time_zone_offset": 3600})
	})
}

func TestSearchPermissionsAndChanges(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		f := newSearchFixture(t, s)
		carol := s.SignUp("carol") // in no team
		secret := f.alice.CreateChannel(f.team.ID, "secret", "P")
		hidden := f.alice.CreatePost(secret.ID, "quarterly numbers look great", "")
		left := f.alice.CreateChannel(f.team.ID, "left", "O")
		f.bob.Post("/channels/"+left.ID+"/members", map[string]string{"user_id": f.bob.UserID}).Expect(http.StatusCreated)
		gone := f.alice.CreatePost(left.ID, "quarterly xylophone recital", "")
		f.bob.Delete("/channels/" + left.ID + "/members/" + f.bob.UserID).Expect(http.StatusOK)
		var dm model.Channel
		f.alice.Post("/channels/direct", []string{f.alice.UserID, f.bob.UserID}).Expect(http.StatusCreated).JSON(&dm)
		private := f.alice.CreatePost(dm.ID, "quarterly pineapple delivery", "")
		visible := f.alice.CreatePost(f.dev.ID, "quarterly planning in the dev channel", "")

		teamPath := "/teams/" + f.team.ID + "/posts/search"
		bob := searcher{t, f.bob, teamPath}
		alice := searcher{t, f.alice, teamPath}
		// Private channels of others and public channels left are never searched,
		// even when every word matches; DMs are, for their members only.
		bob.expect("quarterly", visible, private)
		bob.expect("quarterly numbers")
		bob.expect("xylophone")
		bob.expect("in:secret quarterly")
		bob.expect("in:@alice quarterly", private)
		alice.expect("quarterly", visible, private, gone, hidden)
		searcher{t, carol, "/posts/search"}.expect("quarterly")
		carol.Post(teamPath, map[string]any{"terms": "quarterly"}).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		// The admin is no member of these channels, so they are not searched either.
		searcher{t, f.admin, "/posts/search"}.expect("quarterly")

		// Edits, deletes and archiving show at once.
		f.alice.Put("/posts/"+visible.ID+"/patch", map[string]string{"message": "quarterly roadmap review"}).Expect(http.StatusOK)
		bob.expect("planning")
		bob.expect("roadmap", visible)
		f.alice.Delete("/posts/" + private.ID).Expect(http.StatusOK)
		bob.expect("pineapple")
		f.alice.Delete("/channels/" + f.dev.ID).Expect(http.StatusOK)
		bob.expect("roadmap")
		bob.expectBody(map[string]any{"terms": "roadmap", "include_deleted_channels": true}, visible)
	})
}

func TestSearchBadInput(t *testing.T) {
	apitest.Each(t, func(t *testing.T, srv *apitest.Server) {
		f := newSearchFixture(t, srv)
		p := f.alice.CreatePost(f.town.ID, `she said "hello there" to the team`, "")
		path := "/teams/" + f.team.ID + "/posts/search"
		q := searcher{t, f.bob, path}
		q.expect(`"hello there`, p) // an unbalanced quote runs to the end
		q.expect(`hello"`, p)
		q.expect(`"" - -- * ** #  @ ~ from: in: ( ) AND OR NOT NEAR "NOT" ' ; DROP TABLE posts;`)
		q.expect(`hello*"*`, p)
		q.expect(strings.Repeat("x", 2000))
		q.expectBody(map[string]any{"terms": "hello", "per_page": 100000, "page": -3}, p)
		f.bob.Post(path, map[string]any{}).ExpectError(http.StatusBadRequest, "api.context.invalid_body_param.app_error")
		f.bob.Post(path, "{not json").ExpectError(http.StatusBadRequest, "api.context.invalid_body_param.app_error")
		f.bob.Post(path, map[string]any{"terms": strings.Repeat("hello ", 1000)}).
			ExpectError(http.StatusBadRequest, "api.post.search_posts.terms_too_long.app_error")
		f.bob.Post(path, map[string]any{"terms": strings.Repeat("a ", 40)}).
			ExpectError(http.StatusBadRequest, "api.post.search_posts.too_many_terms.app_error")
		f.bob.Post(path, map[string]any{"terms": "hello on:2024-02-30"}).
			ExpectError(http.StatusBadRequest, "api.post.search_posts.invalid_date.app_error")
		f.bob.Post(path, map[string]any{"terms": "hello after:yesterday"}).
			ExpectError(http.StatusBadRequest, "api.post.search_posts.invalid_date.app_error")
		f.bob.Post(path, map[string]any{"terms": "hello", "time_zone_offset": 99999999}).
			ExpectError(http.StatusBadRequest, "api.post.search_posts.time_zone_offset.app_error")
		f.bob.Post("/teams/nosuchteam/posts/search", map[string]any{"terms": "x"}).Expect(http.StatusBadRequest)
		srv.Anon().Post("/posts/search", map[string]any{"terms": "x"}).ExpectError(http.StatusUnauthorized, "api.context.session_expired.app_error")
		empty := q.search(map[string]any{"terms": ""})
		if len(empty.Order) != 0 || empty.Matches == nil {
			t.Fatalf("empty terms: %+v", empty)
		}
	})
}

func TestSearchUsersAndChannels(t *testing.T) {
	apitest.Each(t, func(t *testing.T, srv *apitest.Server) {
		f := newSearchFixture(t, srv)
		secret := f.alice.CreateChannel(f.team.ID, "secret-devops", "P")
		f.alice.CreateChannel(f.team.ID, "devops", "O")
		names := func(cs []*model.Channel) []string {
			out := []string{}
			for _, c := range cs {
				out = append(out, c.Name)
			}
			return out
		}
		teamSearch := "/teams/" + f.team.ID + "/channels/search"
		var cs []*model.Channel
		f.bob.Post(teamSearch, map[string]string{"term": "dev"}).Expect(http.StatusOK).JSON(&cs)
		if got := names(cs); !slices.Equal(got, []string{"dev", "devops"}) {
			t.Fatalf("bob's channel search: %v", got) // never the private channel he is not in
		}
		f.alice.Post(teamSearch, map[string]string{"term": "dev"}).Expect(http.StatusOK).JSON(&cs)
		if got := names(cs); !slices.Contains(got, secret.Name) {
			t.Fatalf("alice's channel search: %v", got)
		}
		f.bob.Get("/teams/" + f.team.ID + "/channels/autocomplete?name=dev").Expect(http.StatusOK).JSON(&cs)
		if got := names(cs); !slices.Equal(got, []string{"dev", "devops"}) {
			t.Fatalf("autocomplete: %v", got)
		}
		f.bob.Get("/teams/" + f.team.ID + "/channels/search_autocomplete?name=dev").Expect(http.StatusOK).JSON(&cs)
		if got := names(cs); !slices.Equal(got, []string{"dev"}) {
			t.Fatalf("search_autocomplete (member channels only): %v", got)
		}

		// The system console's search across teams: admins only.
		var all []*model.ChannelWithTeamData
		f.admin.Post("/channels/search", map[string]any{"term": "dev"}).Expect(http.StatusOK).JSON(&all)
		if len(all) != 3 || all[0].TeamName != "staff" || all[0].Name != "dev" {
			t.Fatalf("admin channel search: %+v", all)
		}
		var paged model.ChannelsWithCount
		f.admin.Post("/channels/search", map[string]any{"term": "dev", "private": true, "page": 0, "per_page": 10}).
			Expect(http.StatusOK).JSON(&paged)
		if paged.TotalCount != 1 || len(paged.Channels) != 1 || paged.Channels[0].ID != secret.ID {
			t.Fatalf("paged private search: %+v", paged)
		}
		f.bob.Post("/channels/search", map[string]any{"term": "dev"}).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")

		var us []*model.User
		f.bob.Post("/users/search", map[string]any{"term": "ali"}).Expect(http.StatusOK).JSON(&us)
		if len(us) != 1 || us[0].Username != "alice" {
			t.Fatalf("user search: %+v", us)
		}
		f.bob.Post("/users/search", map[string]any{"term": ""}).ExpectError(http.StatusBadRequest, "api.context.invalid_body_param.app_error")
		var ac struct {
			Users        []*model.User `json:"users"`
			OutOfChannel []*model.User `json:"out_of_channel"`
		}
		f.bob.Get("/users/autocomplete?in_team=" + f.team.ID + "&in_channel=" + f.dev.ID + "&name=a").Expect(http.StatusOK).JSON(&ac)
		if len(ac.Users) != 1 || ac.Users[0].Username != "alice" || len(ac.OutOfChannel) != 1 || ac.OutOfChannel[0].Username != "admin" {
			t.Fatalf("autocomplete: %+v", ac)
		}
	})
}
