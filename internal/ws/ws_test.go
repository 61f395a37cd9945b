package ws_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/ws"
)

// world is a team with alice (admin), bob and carol, and a public channel
// alice and bob are in.
type world struct {
	s                 *apitest.Server
	alice, bob, carol *apitest.Client
	team              *model.Team
	pub               *model.Channel
}

func newWorld(t *testing.T, s *apitest.Server) *world {
	t.Helper()
	w := &world{s: s, alice: s.SignUp("alice"), bob: s.SignUp("bob"), carol: s.SignUp("carol")}
	w.team = w.alice.CreateTeam("crew", true)
	w.alice.AddToTeam(w.team.ID, w.bob.UserID)
	w.alice.AddToTeam(w.team.ID, w.carol.UserID)
	w.pub = w.alice.CreateChannel(w.team.ID, "general", "O")
	w.alice.Post("/channels/"+w.pub.ID+"/members", map[string]string{"user_id": w.bob.UserID}).Expect(http.StatusCreated)
	return w
}

func TestHandshake(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.SignUp("alice")

		// Bearer at the upgrade: hello first, seq 0, with the connection id.
		c := dial(t, s, alice.Token, "connection_id=&sequence_number=0")
		f := c.hello()
		if f.Broadcast.UserID != alice.UserID || !model.IsValidID(c.connID) {
			t.Fatalf("hello: %s", f.raw)
		}
		if v, _ := f.Data["server_version"].(string); !strings.HasPrefix(v, app.MattermostVersion+".") || strings.Count(v, ".") < 5 {
			t.Fatalf("server_version %q", v)
		}
		if r := c.send("ping", nil); r.Status != "OK" || r.Data == nil {
			t.Fatalf("ping reply: %s", r.raw)
		}

		// Challenge: OK reply echoing the seq, and hello.
		// Actions before it, well-formed or not, get no reply, as in Mattermost
		// (its errors go through the hub, which drops them for a socket not
		// yet registered): the first frame is the challenge's reply.
		ch := dial(t, s, "", "")
		ch.sendRaw(map[string]any{"seq": 1, "action": "get_statuses"})
		ch.sendRaw(map[string]any{"seq": 2, "action": "ping"})
		ch.sendRaw(map[string]any{"seq": 0, "action": "ping"})
		ch.sendRaw(map[string]any{"seq": 3, "action": ""})
		ch.sendRaw(map[string]any{"seq": 4, "action": "authentication_challenge", "data": map[string]string{"token": alice.Token}})
		ch.reqSeq = 4
		if r := ch.next(waitFor); r == nil || r.Status != "OK" || r.SeqReply != 4 {
			t.Fatalf("first frame after unauthenticated actions and the challenge: %+v", r)
		}
		ch.hello()
		// Actions, malformed ones included, get replies, never a close.
		for _, tc := range []struct {
			req  map[string]any
			want string
		}{
			{map[string]any{"seq": 0, "action": "ping"}, "api.web_socket_router.bad_seq.app_error"},
			{map[string]any{"seq": 50, "action": ""}, "api.web_socket_router.no_action.app_error"},
			{map[string]any{"seq": 51, "action": "fly"}, "api.web_socket_router.bad_action.app_error"},
			{map[string]any{"seq": 52, "action": "user_typing", "data": map[string]string{"channel_id": "x"}}, "api.websocket_handler.invalid_param.app_error"},
			{map[string]any{"seq": 53, "action": "user_typing", "data": map[string]string{"channel_id": model.NewID()}}, "api.websocket_handler.invalid_param.app_error"},
			{map[string]any{"seq": 54, "action": "get_statuses_by_ids", "data": map[string]any{"user_ids": []string{}}}, "api.websocket_handler.invalid_param.app_error"},
		} {
			ch.sendRaw(tc.req)
			r := ch.next(waitFor)
			if r == nil || r.Status != "FAIL" || r.Error == nil || r.Error.ID != tc.want || r.Error.DetailedError != "" {
				t.Fatalf("%v: got %+v", tc.req, r)
			}
		}
		r := ch.send("get_statuses_by_ids", map[string]any{"user_ids": []string{alice.UserID, model.NewID()}})
		if m := r.Data; m[alice.UserID] != "online" || len(m) != 2 {
			t.Fatalf("statuses: %s", r.raw)
		}
		// A second challenge is ignored, so the next reply is the ping's.
		ch.sendRaw(map[string]any{"seq": 60, "action": "authentication_challenge", "data": map[string]string{"token": alice.Token}})
		if r := ch.send("ping", nil); r.SeqReply != ch.reqSeq {
			t.Fatalf("after second challenge: %s", r.raw)
		}

		// A bad token in the challenge closes the socket.
		bad := dial(t, s, "", "")
		bad.sendRaw(map[string]any{"seq": 1, "action": "authentication_challenge", "data": map[string]string{"token": "nope"}})
		bad.expectClosed()
		// A bad connection id closes it too.
		dial(t, s, alice.Token, "connection_id=bogus&sequence_number=0").expectClosed()
	})
}

func TestUnauthenticatedSocketTimesOut(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the 5 s authentication timeout")
	}
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		c := dial(t, s, "", "")
		start := time.Now()
		c.expectClosedWithin(2 * waitFor)
		if d := time.Since(start); d > 6*time.Second {
			t.Fatalf("closed after %v", d)
		}
	})
}

func TestChannelActivityReachesMembers(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newWorld(t, s)
		a := dial(t, s, w.alice.Token, "")
		b := dial(t, s, w.bob.Token, "")
		a.hello()
		b.hello()

		p := w.alice.CreatePost(w.pub.ID, "hello @bob", "")
		// Skip the join messages of the set-up, which may still be on their way.
		f := b.expectWhere(model.EventPosted, func(f *frame) bool { return strings.Contains(f.Data["post"].(string), p.ID) })
		var got model.Post
		decodeString(t, f, "post", &got)
		if got.ID != p.ID || got.Message != "hello @bob" || f.Broadcast.ChannelID != w.pub.ID {
			t.Fatalf("posted: %s", f.raw)
		}
		if f.Data["channel_type"] != "O" || f.Data["channel_name"] != "general" || f.Data["sender_name"] != "@alice" ||
			f.Data["team_id"] != w.team.ID || f.Data["channel_display_name"] != "general" {
			t.Fatalf("posted data: %s", f.raw)
		}
		var mentions []string
		decodeString(t, f, "mentions", &mentions)
		if len(mentions) != 1 || mentions[0] != w.bob.UserID {
			t.Fatalf("mentions %v", mentions)
		}
		a.expectWhere(model.EventPosted, func(f *frame) bool { return strings.Contains(f.Data["post"].(string), p.ID) })

		w.alice.Put("/posts/"+p.ID+"/patch", map[string]string{"message": "edited"}).Expect(http.StatusOK)
		f = b.expect(model.EventPostEdited)
		decodeString(t, f, "post", &got)
		if got.Message != "edited" {
			t.Fatalf("post_edited: %s", f.raw)
		}

		w.bob.Post("/reactions", map[string]string{"user_id": w.bob.UserID, "post_id": p.ID, "emoji_name": "smile"}).
			Expect(http.StatusOK)
		f = a.expect(model.EventReactionAdded)
		var re model.Reaction
		decodeString(t, f, "reaction", &re)
		if re.UserID != w.bob.UserID || re.PostID != p.ID || re.EmojiName != "smile" {
			t.Fatalf("reaction_added: %s", f.raw)
		}
		w.bob.Delete("/users/" + w.bob.UserID + "/posts/" + p.ID + "/reactions/smile").Expect(http.StatusOK)
		a.expect(model.EventReactionRemoved)

		if r := b.send("user_typing", map[string]string{"channel_id": w.pub.ID, "parent_id": ""}); r.Status != "OK" {
			t.Fatalf("typing reply: %s", r.raw)
		}
		f = a.expect(model.EventTyping)
		if f.Data["user_id"] != w.bob.UserID || f.Broadcast.OmitUsers[w.bob.UserID] != true {
			t.Fatalf("typing: %s", f.raw)
		}

		w.alice.Delete("/posts/" + p.ID).Expect(http.StatusOK)
		f = b.expect(model.EventPostDeleted)
		decodeString(t, f, "post", &got)
		if got.ID != p.ID || got.DeleteAt == 0 {
			t.Fatalf("post_deleted: %s", f.raw)
		}
		// Who deleted it is for admins only.
		if _, ok := f.Data["delete_by"]; ok {
			t.Fatalf("post_deleted to a member names the deleter: %s", f.raw)
		}
		if f = a.expect(model.EventPostDeleted); f.Data["delete_by"] != w.alice.UserID {
			t.Fatalf("post_deleted to an admin: %s", f.raw)
		}
		// Promoted, bob gets it too, on the socket he already has.
		w.alice.Put("/users/"+w.bob.UserID+"/roles", map[string]string{"roles": "system_user system_admin"}).
			Expect(http.StatusOK)
		b.expect(model.EventUserRoleUpdated)
		p2 := w.bob.CreatePost(w.pub.ID, "short-lived", "")
		w.bob.Delete("/posts/" + p2.ID).Expect(http.StatusOK)
		if f = b.expect(model.EventPostDeleted); f.Data["delete_by"] != w.bob.UserID {
			t.Fatalf("post_deleted to a promoted admin: %s", f.raw)
		}
		// Bob never hears his own typing: the next thing he gets after the
		// delete is nothing, and nothing before it was a typing event.
		for _, raw := range b.seen {
			if strings.Contains(raw, `"event":"typing"`) {
				t.Fatalf("typing echoed to the typer: %s", raw)
			}
		}
	})
}

func TestPrivateChannelInvisibleToNonMembers(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newWorld(t, s)
		c := dial(t, s, w.carol.Token, "")
		b := dial(t, s, w.bob.Token, "")
		c.hello()
		b.hello()
		secret := w.alice.CreateChannel(w.team.ID, "secret-plans", "P")
		w.alice.Post("/channels/"+secret.ID+"/members", map[string]string{"user_id": w.bob.UserID}).Expect(http.StatusCreated)
		p := w.alice.CreatePost(secret.ID, "the secret", "")
		w.alice.Put("/posts/"+p.ID+"/patch", map[string]string{"message": "still secret"}).Expect(http.StatusOK)
		w.alice.Post("/reactions", map[string]string{"user_id": w.alice.UserID, "post_id": p.ID, "emoji_name": "eyes"}).
			Expect(http.StatusOK)
		w.alice.Put("/channels/"+secret.ID+"/patch", map[string]string{"display_name": "Secret Renamed"}).Expect(http.StatusOK)
		a := dial(t, s, w.alice.Token, "")
		a.hello()
		a.send("user_typing", map[string]string{"channel_id": secret.ID})
		w.alice.Delete("/posts/" + p.ID).Expect(http.StatusOK)
		w.alice.Delete("/channels/" + secret.ID).Expect(http.StatusOK)
		w.alice.Post("/channels/"+secret.ID+"/restore", nil).Expect(http.StatusOK)
		// Bob, a member, saw it all.
		b.expect(model.EventTyping)
		b.expect(model.EventChannelRestored)

		// The sentinel, after everything else: when carol has it, she has had
		// every earlier event meant for her.
		w.alice.CreatePost(w.pub.ID, "sentinel", "")
		w.alice.Post("/channels/"+w.pub.ID+"/members", map[string]string{"user_id": w.carol.UserID}).Expect(http.StatusCreated)
		c.expectWhere(model.EventUserAdded, func(f *frame) bool { return f.Data["user_id"] == w.carol.UserID })
		for _, raw := range c.seen {
			for _, leak := range []string{secret.ID, "secret", "Secret"} {
				if strings.Contains(raw, leak) {
					t.Fatalf("non-member saw %q: %s", leak, raw)
				}
			}
		}

		// A member removed from the private channel stops hearing from it.
		w.alice.Delete("/channels/" + secret.ID + "/members/" + w.bob.UserID).Expect(http.StatusOK)
		b.expectWhere(model.EventUserRemoved, func(f *frame) bool { return f.Data["channel_id"] == secret.ID })
		w.alice.CreatePost(secret.ID, "after bob left", "")
		w.alice.CreatePost(w.pub.ID, "sentinel 2", "")
		f := b.expectWhere(model.EventPosted, func(f *frame) bool { return strings.Contains(f.Data["post"].(string), "sentinel 2") })
		_ = f
		for _, raw := range b.seen {
			if strings.Contains(raw, "after bob left") {
				t.Fatalf("removed member got: %s", raw)
			}
		}
	})
}

type unread struct {
	MsgCount     int64 `json:"msg_count"`
	MentionCount int64 `json:"mention_count"`
}

func TestUnreadAndMentionCounts(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newWorld(t, s)
		counts := func(ch string) unread {
			t.Helper()
			var u unread
			w.bob.Get("/users/" + w.bob.UserID + "/channels/" + ch + "/unread").Expect(http.StatusOK).JSON(&u)
			return u
		}
		check := func(ch string, msgs, mentions int64) {
			t.Helper()
			if u := counts(ch); u.MsgCount != msgs || u.MentionCount != mentions {
				t.Fatalf("unread %+v, want msg_count %d mention_count %d", u, msgs, mentions)
			}
		}
		view := func(ch string) {
			t.Helper()
			w.bob.Post("/channels/members/"+w.bob.UserID+"/view", map[string]string{"channel_id": ch}).Expect(http.StatusOK)
		}
		view(w.pub.ID)
		check(w.pub.ID, 0, 0)
		w.alice.CreatePost(w.pub.ID, "plain", "")
		check(w.pub.ID, 1, 0)
		w.alice.CreatePost(w.pub.ID, "hi @bob.", "")
		check(w.pub.ID, 2, 1)
		w.alice.CreatePost(w.pub.ID, "code `@bob` and\n```\n@bob\n```\n~~~\n@bob\n~~~", "")
		check(w.pub.ID, 3, 1)
		w.alice.CreatePost(w.pub.ID, "@channel look", "")
		check(w.pub.ID, 4, 2)
		// @here reaches bob only while he is online.
		w.alice.CreatePost(w.pub.ID, "@here anyone?", "")
		check(w.pub.ID, 5, 2)
		b := dial(t, s, w.bob.Token, "")
		b.hello()
		w.alice.CreatePost(w.pub.ID, "@here now?", "")
		check(w.pub.ID, 6, 3)
		view(w.pub.ID)
		check(w.pub.ID, 0, 0)
		b.expect(model.EventChannelViewed)

		// First name and custom keys, when bob asks for them.
		w.bob.Put("/users/"+w.bob.UserID+"/patch", map[string]any{"first_name": "Robert",
			"notify_props": map[string]string{"first_name": "true", "mention_keys": "rocket,bobby", "channel": "true",
				"desktop": "all", "email": "true", "push": "mention"}}).Expect(http.StatusOK)
		w.alice.CreatePost(w.pub.ID, "robert?", "")
		w.alice.CreatePost(w.pub.ID, "the ROCKET launched", "")
		w.alice.CreatePost(w.pub.ID, "rockets are not rocket-ish?", "")
		check(w.pub.ID, 3, 3)
		view(w.pub.ID)

		// Muted: channel-wide mentions no longer count, direct ones do.
		w.bob.Put("/channels/"+w.pub.ID+"/members/"+w.bob.UserID+"/notify_props",
			map[string]string{"channel_id": w.pub.ID, "user_id": w.bob.UserID, "mark_unread": "mention"}).Expect(http.StatusOK)
		w.alice.CreatePost(w.pub.ID, "@all hello", "")
		check(w.pub.ID, 1, 0)
		w.alice.CreatePost(w.pub.ID, "@bob you too", "")
		check(w.pub.ID, 2, 1)
		// ...unless bob turned ignoring channel mentions off.
		w.bob.Put("/channels/"+w.pub.ID+"/members/"+w.bob.UserID+"/notify_props",
			map[string]string{"channel_id": w.pub.ID, "user_id": w.bob.UserID, "ignore_channel_mentions": "off"}).Expect(http.StatusOK)
		w.alice.CreatePost(w.pub.ID, "@channel again", "")
		check(w.pub.ID, 3, 2)

		// Every DM message is a mention.
		var dm model.Channel
		w.alice.Post("/channels/direct", []string{w.alice.UserID, w.bob.UserID}).Expect(http.StatusCreated).JSON(&dm)
		w.alice.CreatePost(dm.ID, "psst", "")
		w.alice.CreatePost(dm.ID, "psst again", "")
		check(dm.ID, 2, 2)
		f := b.expect(model.EventDirectAdded)
		if f.Broadcast.ChannelID != dm.ID || f.Data["creator_id"] != w.alice.UserID || f.Data["teammate_id"] != w.bob.UserID {
			t.Fatalf("direct_added: %s", f.raw)
		}
		f = b.expectWhere(model.EventPosted, func(f *frame) bool { return f.Broadcast.ChannelID == dm.ID })
		if f.Data["channel_display_name"] != "@alice" || f.Data["channel_type"] != "D" || f.Data["team_id"] != "" {
			t.Fatalf("DM posted: %s", f.raw)
		}
		// Posting reads the channel for the poster.
		w.bob.CreatePost(dm.ID, "hi", "")
		check(dm.ID, 0, 0)
	})
}

func TestResume(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newWorld(t, s)
		b := dial(t, s, w.bob.Token, "")
		b.hello()
		one := w.alice.CreatePost(w.pub.ID, "one", "")
		b.expectWhere(model.EventPosted, func(f *frame) bool { return strings.Contains(f.Data["post"].(string), one.ID) })
		query := b.resumeQuery()
		seqBefore := b.nextSeq
		_ = b.c.CloseNow()
		for _, m := range []string{"two", "three", "four"} {
			w.alice.CreatePost(w.pub.ID, m, "")
		}
		// Let the server see the drop and queue the posts for the connection.
		time.Sleep(100 * time.Millisecond)

		r := dial(t, s, w.bob.Token, query)
		r.connID, r.nextSeq = b.connID, seqBefore
		for _, m := range []string{"two", "three", "four"} {
			f := r.next(waitFor)
			if f == nil || f.Event != model.EventPosted || !strings.Contains(f.Data["post"].(string), `"message":"`+m+`"`) {
				t.Fatalf("resume: want posted %q, got %+v", m, f)
			}
		}
		w.alice.CreatePost(w.pub.ID, "five", "")
		r.expect(model.EventPosted)

		// A resume from further back than the buffer keeps is a fresh start.
		query = r.resumeQuery()
		_ = r.c.CloseNow()
		for i := range ws.DefaultOptions().ReplayBuffer + 2 {
			w.alice.CreatePost(w.pub.ID, "flood "+string(rune('a'+i%26)), "")
		}
		time.Sleep(100 * time.Millisecond)
		f := dial(t, s, w.bob.Token, query).hello()
		if f.Data["connection_id"] == b.connID {
			t.Fatal("fresh hello kept the old connection id")
		}
		// And so is an unknown connection.
		f = dial(t, s, w.bob.Token, "connection_id="+model.NewID()+"&sequence_number=5").hello()
		if f.Data["connection_id"] == b.connID {
			t.Fatal("unknown connection resumed")
		}
	})
}

func TestBadClientsAreDroppedAlone(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newWorld(t, s)
		good := dial(t, s, w.bob.Token, "")
		good.hello()
		for name, send := range map[string]func(c *wsClient){
			"garbage":  func(c *wsClient) { c.sendBytes(websocket.MessageText, []byte("{not json")) },
			"binary":   func(c *wsClient) { c.sendBytes(websocket.MessageBinary, []byte{0, 1, 2}) },
			"oversize": func(c *wsClient) { c.sendBytes(websocket.MessageText, []byte(`"`+strings.Repeat("x", 9000)+`"`)) },
		} {
			bad := dial(t, s, w.alice.Token, "")
			bad.hello()
			send(bad)
			bad.expectClosed()
			if r := good.send("ping", nil); r.Status != "OK" {
				t.Fatalf("after %s: %s", name, r.raw)
			}
		}
		w.alice.CreatePost(w.pub.ID, "still here", "")
		good.expect(model.EventPosted)
	})
}

func TestPresence(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newWorld(t, s)
		status := func(c *apitest.Client) string {
			t.Helper()
			var st model.Status
			w.alice.Get("/users/" + c.UserID + "/status").Expect(http.StatusOK).JSON(&st)
			return st.Status
		}
		if got := status(w.bob); got != model.StatusOffline {
			t.Fatalf("before connecting: %s", got)
		}
		b := dial(t, s, w.bob.Token, "")
		b.hello()
		if got := status(w.bob); got != model.StatusOnline {
			t.Fatalf("connected: %s", got)
		}
		f := b.expect(model.EventStatusChange)
		if f.Data["status"] != model.StatusOnline || f.Broadcast.UserID != w.bob.UserID {
			t.Fatalf("status_change: %s", f.raw)
		}
		// Away after the (2 s) inactivity timeout; activity brings him back.
		f = b.expectWhere(model.EventStatusChange, func(f *frame) bool { return f.Data["status"] == model.StatusAway })
		b.send("user_update_active_status", map[string]any{"user_is_active": true})
		b.expectWhere(model.EventStatusChange, func(f *frame) bool { return f.Data["status"] == model.StatusOnline })

		// Do not disturb is kept until changed by hand, also across connections.
		w.bob.Put("/users/"+w.bob.UserID+"/status", map[string]string{"user_id": w.bob.UserID, "status": "dnd"}).
			Expect(http.StatusOK)
		b.expectWhere(model.EventStatusChange, func(f *frame) bool { return f.Data["status"] == model.StatusDND })
		dial(t, s, w.bob.Token, "").hello()
		if got := status(w.bob); got != model.StatusDND {
			t.Fatalf("dnd after reconnect: %s", got)
		}
		// Others do not get bob's status changes; they ask.
		a := dial(t, s, w.alice.Token, "")
		a.hello()
		r := a.send("get_statuses_by_ids", map[string]any{"user_ids": []string{w.bob.UserID}})
		if m := r.Data; m[w.bob.UserID] != model.StatusDND {
			t.Fatalf("get_statuses_by_ids: %s", r.raw)
		}
		for _, raw := range a.seen {
			if strings.Contains(raw, `"status_change"`) && strings.Contains(raw, w.bob.UserID) {
				t.Fatalf("alice got bob's status_change: %s", raw)
			}
		}
	}, func(c *config.Config) { c.UserStatusAwayTimeoutSec = 2 })
}

// A stopping server closes sockets with 1001 going away, so clients reconnect
// to the next node (or the restarted one) instead of seeing an abrupt drop.
func TestShutdownSaysGoingAway(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		alice := s.SignUp("alice")
		w := dial(t, s, alice.Token, "")
		w.expect(model.EventHello)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Srv.Shutdown(ctx); err != nil {
			t.Fatal(err)
		}
		w.expectClosed()
		if code := websocket.CloseStatus(<-w.closed); code != websocket.StatusGoingAway {
			t.Fatalf("close status %d, want 1001 going away", code)
		}
	})
}

// TestTypingIsThrottledPerConnection: a connection gets the API's rate limit
// for user_typing; the excess is answered OK and broadcast to no one.
func TestTypingIsThrottledPerConnection(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newWorld(t, s)
		a := dial(t, s, w.alice.Token, "")
		a.hello()
		b := dial(t, s, w.bob.Token, "")
		b.hello()
		cfg := *s.Srv.App.Config()
		cfg.RateLimitEnabled, cfg.RateLimitPerSec, cfg.RateLimitBurst = true, 1, 3
		s.Srv.App.SetConfig(cfg)

		const sent = 50
		start := time.Now()
		for i := range sent {
			if r := b.send("user_typing", map[string]string{"channel_id": w.pub.ID}); r.Status != "OK" || r.Error != nil {
				t.Fatalf("typing %d: %s", i, r.raw)
			}
		}
		elapsed := time.Since(start)
		// A second connection has a budget of its own.
		b2 := dial(t, s, w.bob.Token, "")
		b2.hello()
		if r := b2.send("user_typing", map[string]string{"channel_id": w.pub.ID, "parent_id": ""}); r.Status != "OK" {
			t.Fatalf("typing on a second socket: %s", r.raw)
		}
		// Events reach alice in the order they were published, so every typing
		// broadcast has arrived once this post has.
		marker := w.alice.CreatePost(w.pub.ID, "marker", "")
		typing := 0
		a.expectWhere(model.EventPosted, func(f *frame) bool { return strings.Contains(f.raw, marker.ID) })
		for _, raw := range a.seen {
			if strings.Contains(raw, `"event":"typing"`) {
				typing++
			}
		}
		// The burst, what refilled while sending, and the second socket's one.
		most := cfg.RateLimitBurst + int(elapsed.Seconds()) + 1 + 1
		if typing < cfg.RateLimitBurst+1 || typing > most {
			t.Fatalf("alice got %d typing events of %d sent in %v; want %d to %d", typing, sent+1, elapsed, cfg.RateLimitBurst+1, most)
		}
	})
}
