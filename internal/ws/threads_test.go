package ws_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
)

// Thread events go to each follower alone, with Mattermost's data shapes,
// and only to those who have collapsed threads on.
func TestThreadEvents(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newWorld(t, s)
		w.alice.Post("/channels/"+w.pub.ID+"/members", map[string]string{"user_id": w.carol.UserID}).Expect(http.StatusCreated)
		a, b, c := dial(t, s, w.alice.Token, ""), dial(t, s, w.bob.Token, ""), dial(t, s, w.carol.Token, "")
		a.hello()
		b.hello()
		c.hello()
		threads := "/users/me/teams/" + w.team.ID + "/threads/"

		root := w.alice.CreatePost(w.pub.ID, "the plan", "")
		reply := w.bob.CreatePost(w.pub.ID, "@carol look", root.ID)
		isThread := func(f *frame) bool { return strings.Contains(f.Data["thread"].(string), root.ID) }
		f := a.expectWhere(model.EventThreadUpdated, isThread)
		var th model.ThreadResponse
		decodeString(t, f, "thread", &th)
		if th.PostID != root.ID || th.ReplyCount != 1 || th.UnreadReplies != 1 || th.UnreadMentions != 0 ||
			th.LastReplyAt != reply.CreateAt || !th.IsFollowing || th.Post == nil || len(th.Participants) != 1 {
			t.Fatalf("alice's thread_updated: %s", f.raw)
		}
		if f.Broadcast.UserID != w.alice.UserID || f.Broadcast.TeamID != w.team.ID ||
			f.Data["previous_unread_replies"] != float64(0) || f.Data["previous_unread_mentions"] != float64(0) {
			t.Fatalf("alice's thread_updated broadcast/data: %s", f.raw)
		}
		f = c.expectWhere(model.EventThreadUpdated, isThread)
		decodeString(t, f, "thread", &th)
		if th.UnreadMentions != 1 || f.Broadcast.UserID != w.carol.UserID {
			t.Fatalf("carol's thread_updated: %s", f.raw)
		}
		f = b.expectWhere(model.EventThreadUpdated, isThread)
		decodeString(t, f, "thread", &th)
		if th.UnreadReplies != 0 || f.Broadcast.UserID != w.bob.UserID {
			t.Fatalf("the replier's thread_updated: %s", f.raw)
		}

		// Read: thread_read_changed with the counts before and after.
		at := model.Now()
		w.carol.Put(threads+root.ID+"/read/"+strconv.FormatInt(at, 10), nil).Expect(http.StatusOK)
		f = c.expect(model.EventThreadReadChanged)
		if f.Data["thread_id"] != root.ID || f.Data["timestamp"] != float64(at) || f.Data["unread_mentions"] != float64(0) ||
			f.Data["unread_replies"] != float64(0) || f.Data["channel_id"] != w.pub.ID ||
			f.Data["previous_unread_mentions"] != float64(1) || f.Data["previous_unread_replies"] != float64(1) ||
			f.Broadcast.UserID != w.carol.UserID || f.Broadcast.TeamID != w.team.ID {
			t.Fatalf("thread_read_changed: %s", f.raw)
		}

		// Follow changes go to that user only.
		w.alice.Delete(threads + root.ID + "/following").Expect(http.StatusOK)
		f = a.expect(model.EventThreadFollowChanged)
		if f.Data["thread_id"] != root.ID || f.Data["state"] != false || f.Data["reply_count"] != float64(1) ||
			f.Broadcast.UserID != w.alice.UserID {
			t.Fatalf("thread_follow_changed: %s", f.raw)
		}

		// Carol turns collapsed threads off: a new reply tells her nothing
		// about the thread; bob still hears of it.
		w.carol.Put("/users/"+w.carol.UserID+"/preferences", []model.Preference{{UserID: w.carol.UserID,
			Category: model.PreferenceCategoryDisplaySettings, Name: model.PreferenceNameCollapsedThreads, Value: "off"}}).
			Expect(http.StatusOK)
		second := w.bob.CreatePost(w.pub.ID, "@carol again", root.ID)
		c.expectWhere(model.EventPosted, func(f *frame) bool { return strings.Contains(f.Data["post"].(string), second.ID) })
		w.carol.Put(threads+root.ID+"/following", nil).Expect(http.StatusOK)
		c.expect(model.EventThreadFollowChanged)
		b.expect(model.EventThreadUpdated)
		// Alice unfollowed: she gets the post but no thread_updated.
		a.expectWhere(model.EventPosted, func(f *frame) bool { return strings.Contains(f.Data["post"].(string), second.ID) })
		w.alice.Put(threads+root.ID+"/following", nil).Expect(http.StatusOK)
		a.expect(model.EventThreadFollowChanged)
		for _, cl := range []*wsClient{a, c} {
			for _, raw := range cl.seen {
				if strings.Contains(raw, `"event":"thread_updated"`) && strings.Contains(raw, second.ID) {
					t.Fatalf("thread_updated for the second reply to an unfollower or a CRT-off user: %s", raw)
				}
			}
		}
		for _, raw := range b.seen {
			if strings.Contains(raw, `"thread_read_changed"`) || strings.Contains(raw, `"thread_follow_changed"`) {
				t.Fatalf("bob heard another user's thread event: %s", raw)
			}
		}

		// All read: no data, the team in the broadcast.
		w.alice.Put("/users/me/teams/"+w.team.ID+"/threads/read", nil).Expect(http.StatusOK)
		f = a.expect(model.EventThreadReadChanged)
		if len(f.Data) != 0 || f.Broadcast.TeamID != w.team.ID || f.Broadcast.UserID != w.alice.UserID {
			t.Fatalf("all threads read: %s", f.raw)
		}
		// A channel viewed by a client without collapsed threads: the
		// timestamp, with the channel in the broadcast.
		w.bob.CreatePost(w.pub.ID, "third", root.ID)
		w.alice.Post("/channels/members/me/view", map[string]string{"channel_id": w.pub.ID}).Expect(http.StatusOK)
		f = a.expectWhere(model.EventThreadReadChanged, func(f *frame) bool { return f.Broadcast.ChannelID == w.pub.ID })
		if _, ok := f.Data["timestamp"].(float64); !ok || len(f.Data) != 1 || f.Broadcast.UserID != w.alice.UserID {
			t.Fatalf("channel viewed: %s", f.raw)
		}
	})
}
