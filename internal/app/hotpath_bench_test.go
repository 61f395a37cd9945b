package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/testdb"
)

// benchWorld is a team whose member (a plain user, not an admin) belongs to
// channels channels; the first holds posts posts, a fifth of them replies.
type benchWorld struct {
	a    *app.App
	sess *model.Session
	team *model.Team
	chs  []*model.Channel
}

func newBenchWorld(b testing.TB, be testdb.Backend, channels, posts int) *benchWorld {
	b.Helper()
	a := newApp(b, be)
	ctx := context.Background()
	sys := app.SystemSession()
	// The first account becomes a system admin; the benchmarks act as the second.
	var u *model.User
	for _, name := range []string{"benchadmin", "bencher"} {
		var err error
		u, err = a.CreateUser(ctx, sys, &model.User{Username: name, Email: name + "@example.com", Password: "Bench-passw0rd!"}, "")
		if err != nil {
			b.Fatal(err)
		}
	}
	w := &benchWorld{a: a, sess: &model.Session{ID: model.NewID(), UserID: u.ID, Roles: u.Roles, Props: model.StringMap{}}}
	var err error
	if w.team, err = a.CreateTeam(ctx, w.sess, &model.Team{Name: "bench", DisplayName: "Bench", Type: model.TeamOpen}); err != nil {
		b.Fatal(err)
	}
	for i := range channels {
		ch, err := a.CreateChannel(ctx, w.sess, &model.Channel{TeamID: w.team.ID, Name: fmt.Sprintf("bench-%d", i),
			DisplayName: fmt.Sprintf("Bench %d", i), Type: model.ChannelOpen})
		if err != nil {
			b.Fatal(err)
		}
		w.chs = append(w.chs, ch)
	}
	var root string
	for i := range posts {
		p := &model.Post{ChannelID: w.chs[0].ID, Message: fmt.Sprintf("post %d with :smile: and @bencher", i)}
		if i%5 == 4 {
			p.RootID = root
		}
		out, err := a.CreatePost(ctx, w.sess, p)
		if err != nil {
			b.Fatal(err)
		}
		if p.RootID == "" {
			root = out.ID
		}
	}
	return w
}

// BenchmarkCreatePost is POST /posts without HTTP: permission, mention
// detection, the transaction and the event.
func BenchmarkCreatePost(b *testing.B) {
	testdb.EachB(b, func(b *testing.B, be testdb.Backend) {
		w := newBenchWorld(b, be, 1, 0)
		ctx := context.Background()
		for b.Loop() {
			if _, err := w.a.CreatePost(ctx, w.sess, &model.Post{ChannelID: w.chs[0].ID, Message: "hello @bencher"}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkHasChannelPermission is the check every channel request makes.
func BenchmarkHasChannelPermission(b *testing.B) {
	testdb.EachB(b, func(b *testing.B, be testdb.Backend) {
		w := newBenchWorld(b, be, 1, 0)
		ctx := context.Background()
		for b.Loop() {
			if !w.a.HasChannelPermission(ctx, w.sess, w.chs[0], model.PermCreatePost) {
				b.Fatal("member may not post")
			}
		}
	})
}

// BenchmarkChannelPosts is GET /channels/{id}/posts?per_page=60 without HTTP:
// the page, its threads and metadata.
func BenchmarkChannelPosts(b *testing.B) {
	testdb.EachB(b, func(b *testing.B, be testdb.Backend) {
		w := newBenchWorld(b, be, 1, 300)
		ctx := context.Background()
		for b.Loop() {
			l, err := w.a.ChannelPosts(ctx, w.sess, w.chs[0].ID, app.ChannelPostsQuery{PerPage: 60})
			if err != nil {
				b.Fatal(err)
			}
			if len(l.Order) != 60 {
				b.Fatalf("%d posts, want 60", len(l.Order))
			}
		}
	})
}

// BenchmarkUnreads is what a client asks at start for a user in 500
// channels: unread counts per team and the user's channel members.
func BenchmarkUnreads(b *testing.B) {
	testdb.EachB(b, func(b *testing.B, be testdb.Backend) {
		w := newBenchWorld(b, be, 500, 0)
		ctx := context.Background()
		b.Run("team-unreads", func(b *testing.B) {
			for b.Loop() {
				if _, err := w.a.TeamUnreads(ctx, w.sess, w.sess.UserID, "", false); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("channel-members", func(b *testing.B) {
			for b.Loop() {
				ms, err := w.a.ChannelMembersForUser(ctx, w.sess, w.sess.UserID, w.team.ID)
				if err != nil {
					b.Fatal(err)
				}
				if len(ms) < 500 {
					b.Fatalf("%d channel members, want at least 500", len(ms))
				}
			}
		})
	})
}

// BenchmarkPostListJSON encodes a 60-post page with its metadata as the API
// writes it (json.Encoder on the response).
func BenchmarkPostListJSON(b *testing.B) {
	w := newBenchWorld(b, testdb.Backend{Name: "sqlite", DataDir: b.TempDir()}, 1, 300)
	l, err := w.a.ChannelPosts(context.Background(), w.sess, w.chs[0].ID, app.ChannelPostsQuery{PerPage: 60})
	if err != nil {
		b.Fatal(err)
	}
	enc := json.NewEncoder(io.Discard)
	for b.Loop() {
		if err := enc.Encode(l); err != nil {
			b.Fatal(err)
		}
	}
}
