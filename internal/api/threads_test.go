package api_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

// threadWorld: alice (admin) posts a root in a public channel that bob and
// carol are in; bob replies mentioning carol.
type threadWorld struct {
	alice, bob, carol *apitest.Client
	team              *model.Team
	ch                *model.Channel
	root, reply       *model.Post
}

func newThreadWorld(t *testing.T, s *apitest.Server) *threadWorld {
	t.Helper()
	w := &threadWorld{alice: s.SignUp("alice"), bob: s.SignUp("bob"), carol: s.SignUp("carol")}
	w.team = w.alice.CreateTeam("crew", true)
	w.ch = w.alice.CreateChannel(w.team.ID, "general", "O")
	for _, c := range []*apitest.Client{w.bob, w.carol} {
		w.alice.AddToTeam(w.team.ID, c.UserID)
		w.alice.Post("/channels/"+w.ch.ID+"/members", map[string]string{"user_id": c.UserID}).Expect(http.StatusCreated)
	}
	w.root = w.alice.CreatePost(w.ch.ID, "the plan", "")
	w.reply = w.bob.CreatePost(w.ch.ID, "@carol have a look", w.root.ID)
	return w
}

func (w *threadWorld) threads(t *testing.T, c *apitest.Client, query string) model.Threads {
	t.Helper()
	var out model.Threads
	c.Get("/users/me/teams/" + w.team.ID + "/threads" + query).Expect(http.StatusOK).JSON(&out)
	return out
}

func (w *threadWorld) thread(t *testing.T, c *apitest.Client) model.ThreadResponse {
	t.Helper()
	var out model.ThreadResponse
	c.Get("/users/me/teams/" + w.team.ID + "/threads/" + w.root.ID).Expect(http.StatusOK).JSON(&out)
	return out
}

func TestCollapsedThreadsAPI(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newThreadWorld(t, s)
		var cfg map[string]string
		w.bob.Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cfg)
		if cfg["CollapsedThreads"] != "default_on" || cfg["ThreadAutoFollow"] != "true" {
			t.Fatalf("client config: CollapsedThreads %q, ThreadAutoFollow %q", cfg["CollapsedThreads"], cfg["ThreadAutoFollow"])
		}

		// The root's author follows with one unread reply, from bob.
		l := w.threads(t, w.alice, "")
		if l.Total != 1 || l.TotalUnreadThreads != 1 || l.TotalUnreadMentions != 0 || len(l.Threads) != 1 {
			t.Fatalf("alice's threads: %+v", l)
		}
		th := l.Threads[0]
		if th.PostID != w.root.ID || th.ReplyCount != 1 || th.UnreadReplies != 1 || th.UnreadMentions != 0 ||
			!th.IsFollowing || th.Post == nil || th.Post.ID != w.root.ID || th.LastReplyAt != w.reply.CreateAt ||
			len(th.Participants) != 1 || th.Participants[0].ID != w.bob.UserID {
			t.Fatalf("alice's thread: %+v", th)
		}
		if th.Participants[0].Username != "" {
			t.Fatalf("participants without extended are ids only: %+v", th.Participants[0])
		}
		ext := w.threads(t, w.alice, "?extended=true")
		if ext.Threads[0].Participants[0].Username != "bob" {
			t.Fatalf("extended participants: %+v", ext.Threads[0].Participants[0])
		}
		// The replier has read it; the mentioned one has a mention.
		if b := w.thread(t, w.bob); b.UnreadReplies != 0 || !b.IsFollowing || b.LastViewedAt != w.reply.CreateAt {
			t.Fatalf("bob's thread: %+v", b)
		}
		l = w.threads(t, w.carol, "")
		if l.TotalUnreadMentions != 1 || l.Threads[0].UnreadMentions != 1 || l.Threads[0].UnreadReplies != 1 {
			t.Fatalf("carol's threads: %+v", l)
		}
		if l = w.threads(t, w.carol, "?totalsOnly=true"); l.Total != 1 || len(l.Threads) != 0 {
			t.Fatalf("totalsOnly: %+v", l)
		}
		if l = w.threads(t, w.carol, "?threadsOnly=true"); l.Total != 0 || len(l.Threads) != 1 {
			t.Fatalf("threadsOnly: %+v", l)
		}
		if l = w.threads(t, w.carol, "?before="+w.root.ID); len(l.Threads) != 0 {
			t.Fatalf("before the only thread: %+v", l)
		}

		// Only the user or an admin.
		base := "/users/" + w.carol.UserID + "/teams/" + w.team.ID + "/threads"
		w.bob.Get(base).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		w.bob.Put(base+"/read", nil).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		w.bob.Put(base+"/"+w.root.ID+"/following", nil).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		var asAdmin model.Threads
		w.alice.Get(base).Expect(http.StatusOK).JSON(&asAdmin)
		if asAdmin.TotalUnreadMentions != 1 {
			t.Fatalf("carol's threads seen by the admin: %+v", asAdmin)
		}
		w.carol.Get("/users/me/teams/"+w.team.ID+"/threads/"+w.reply.ID).
			ExpectError(http.StatusNotFound, "app.user.get_threads_for_user.not_found")
		w.carol.Put("/users/me/teams/"+w.team.ID+"/threads/"+w.root.ID+"/read/soon", nil).
			ExpectError(http.StatusBadRequest, "api.context.invalid_url_param.app_error")
		w.carol.Get("/users/me/teams/"+w.team.ID+"/threads?per_page=x").
			ExpectError(http.StatusBadRequest, "api.context.invalid_url_param.app_error")

		// Channel counters: the reply counts in msg_count, not in the root ones.
		var unread model.ChannelUnread
		w.carol.Get("/users/me/channels/" + w.ch.ID + "/unread").Expect(http.StatusOK).JSON(&unread)
		if unread.MsgCount != unread.MsgCountRoot+1 || unread.MentionCount != 1 || unread.MentionCountRoot != 0 {
			t.Fatalf("carol's channel unread: %+v", unread)
		}
		var teams []model.TeamUnread
		w.carol.Get("/users/me/teams/unread?include_collapsed_threads=true").Expect(http.StatusOK).JSON(&teams)
		if len(teams) != 1 || teams[0].ThreadCount != 1 || teams[0].ThreadMentionCount != 1 {
			t.Fatalf("carol's team unreads with threads: %+v", teams)
		}

		// Read up to now, then unread again from the reply.
		var read model.ThreadResponse
		w.carol.Put("/users/me/teams/"+w.team.ID+"/threads/"+w.root.ID+"/read/"+strconv.FormatInt(model.Now(), 10), nil).
			Expect(http.StatusOK).JSON(&read)
		if read.UnreadReplies != 0 || read.UnreadMentions != 0 {
			t.Fatalf("read thread: %+v", read)
		}
		var again model.ThreadResponse
		w.carol.Post("/users/me/teams/"+w.team.ID+"/threads/"+w.root.ID+"/set_unread/"+w.reply.ID, nil).
			Expect(http.StatusOK).JSON(&again)
		if again.UnreadReplies != 1 || again.UnreadMentions != 1 || again.LastViewedAt != w.reply.CreateAt-1 {
			t.Fatalf("thread unread from the reply: %+v", again)
		}
		other := w.alice.CreatePost(w.ch.ID, "elsewhere", "")
		w.carol.Post("/users/me/teams/"+w.team.ID+"/threads/"+w.root.ID+"/set_unread/"+other.ID, nil).
			ExpectError(http.StatusBadRequest, "api.context.invalid_url_param.app_error")
		w.carol.Put("/users/me/teams/"+w.team.ID+"/threads/read", nil).Expect(http.StatusOK)
		if l = w.threads(t, w.carol, ""); l.TotalUnreadThreads != 0 || l.TotalUnreadMentions != 0 || l.Total != 1 {
			t.Fatalf("after marking all read: %+v", l)
		}

		// Unfollow, and the list is empty; the thread itself still answers.
		w.alice.Delete("/users/me/teams/" + w.team.ID + "/threads/" + w.root.ID + "/following").Expect(http.StatusOK)
		if l = w.threads(t, w.alice, ""); l.Total != 0 || len(l.Threads) != 0 {
			t.Fatalf("after unfollowing: %+v", l)
		}
		if th := w.thread(t, w.alice); th.IsFollowing || th.Post.IsFollowing == nil || *th.Post.IsFollowing {
			t.Fatalf("unfollowed thread: %+v", th)
		}
		w.carol.CreatePost(w.ch.ID, "still here", w.root.ID)
		if l = w.threads(t, w.alice, ""); l.Total != 0 {
			t.Fatalf("a reply of another does not follow again: %+v", l)
		}
		w.alice.Put("/users/me/teams/"+w.team.ID+"/threads/"+w.root.ID+"/following", nil).Expect(http.StatusOK)
		if l = w.threads(t, w.alice, "?unread=true"); l.Total != 1 || len(l.Threads) != 1 || l.Threads[0].UnreadReplies != 2 {
			t.Fatalf("followed again: %+v", l)
		}

		// A client without collapsed threads reads the threads with the channel.
		w.bob.CreatePost(w.ch.ID, "one more", w.root.ID)
		w.carol.Post("/channels/members/me/view", map[string]any{"channel_id": w.ch.ID, "collapsed_threads_supported": true}).
			Expect(http.StatusOK)
		if l = w.threads(t, w.carol, ""); l.TotalUnreadThreads != 1 {
			t.Fatalf("a CRT client's channel view leaves the thread unread: %+v", l)
		}
		w.carol.Post("/channels/members/me/view", map[string]any{"channel_id": w.ch.ID}).Expect(http.StatusOK)
		if l = w.threads(t, w.carol, ""); l.TotalUnreadThreads != 0 {
			t.Fatalf("a legacy client's channel view reads the thread: %+v", l)
		}

		// A private channel's thread is not for outsiders.
		dave := s.SignUp("dave")
		w.alice.AddToTeam(w.team.ID, dave.UserID)
		priv := w.alice.CreateChannel(w.team.ID, "inner", "P")
		proot := w.alice.CreatePost(priv.ID, "secret", "")
		w.alice.CreatePost(priv.ID, "reply", proot.ID)
		dave.Put("/users/me/teams/"+w.team.ID+"/threads/"+proot.ID+"/following", nil).
			ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		if l = w.threads(t, dave, ""); l.Total != 0 {
			t.Fatalf("dave's threads: %+v", l)
		}
	})
}

// Without ThreadAutoFollow nobody follows by posting; with CollapsedThreads
// disabled the client config says so.
func TestCollapsedThreadsOff(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newThreadWorld(t, s)
		if l := w.threads(t, w.alice, ""); l.Total != 0 {
			t.Fatalf("threads without auto-follow: %+v", l)
		}
		var cfg map[string]string
		w.bob.Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cfg)
		if cfg["CollapsedThreads"] != "disabled" || cfg["ThreadAutoFollow"] != "false" || cfg["FeatureFlagCollapsedThreads"] != "false" {
			t.Fatalf("client config: %q %q %q", cfg["CollapsedThreads"], cfg["ThreadAutoFollow"], cfg["FeatureFlagCollapsedThreads"])
		}
	}, func(c *config.Config) {
		c.CollapsedThreads, c.ThreadAutoFollow = config.CollapsedThreadsDisabled, false
	})
}
