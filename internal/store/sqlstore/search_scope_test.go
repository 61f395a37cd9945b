package sqlstore

import (
	"context"
	"slices"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/search"
	"github.com/parley-chat/parley/internal/store"
)

// TestSearchScopeAfterWrites checks both plans of a search (channel-driven
// and index-driven) against the searcher's channels after the writes that
// change which posts a channel holds: an edit, a delete, a move of a post to
// another channel (no store method moves posts; the trigger of migration
// 00033 keeps post_search's channel for any write that does), an import and
// a channel's permanent delete.
func TestSearchScopeAfterWrites(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		me := newUser("scoper")
		must(t, s.SaveUser(ctx, me))
		team := &model.Team{ID: model.NewID(), Name: "scope", DisplayName: "Scope", Type: "O", InviteID: model.NewID()}
		must(t, s.SaveTeam(ctx, team))
		channel := func(name string, member bool) string {
			ch := &model.Channel{ID: model.NewID(), TeamID: team.ID, Type: "O", Name: name, DisplayName: name}
			must(t, s.SaveChannel(ctx, ch))
			if member {
				must(t, s.SaveChannelMember(ctx, &model.ChannelMember{ChannelID: ch.ID, UserID: me.ID, SchemeUser: true,
					NotifyProps: model.DefaultChannelNotifyProps()}))
			}
			return ch.ID
		}
		mine, gone, theirs := channel("mine", true), channel("gone", true), channel("theirs", false)
		mk := func(channelID, msg string, at int64) *model.Post {
			p := &model.Post{ID: model.NewID(), CreateAt: at, UpdateAt: at, UserID: me.ID, ChannelID: channelID, Message: msg}
			p.PreCommit()
			return p
		}
		save := func(channelID, msg string, at int64) *model.Post {
			p := mk(channelID, msg, at)
			must(t, s.SavePost(ctx, p))
			return p
		}
		check := func(what string, want ...*model.Post) {
			t.Helper()
			q := &store.PostSearch{UserID: me.ID, Page: store.Page{Limit: 100},
				Terms: []search.Term{{Kind: search.Word, Text: "review"}, {Kind: search.Word, Text: "meeting"}}}
			for _, scoped := range []bool{true, false} {
				got, err := s.searchPostsPlanned(ctx, q, func(context.Context, []*sqlPart, string, []any, bool) (bool, error) { return scoped, nil }, pgKeyedChannelsMax)
				must(t, err)
				wantIDs := postIDs(want)
				if gotIDs := postIDs(got); !slices.Equal(gotIDs, wantIDs) {
					t.Errorf("%s (channel-driven %v): found %v, want %v", what, scoped, gotIDs, wantIDs)
				}
			}
		}

		edited := save(mine, "review meeting", 10)
		deleted := save(mine, "review meeting again", 20)
		moved := save(theirs, "review meeting elsewhere", 30)
		save(theirs, "review meeting not mine", 40)
		inGone := save(gone, "review meeting soon gone", 50)
		check("saved", inGone, deleted, edited)

		edited.Message = "a review, no gathering"
		edited.EditAt = 60
		must(t, s.UpdatePost(ctx, edited))
		must(t, s.DeletePost(ctx, deleted.ID, 61, me.ID))
		check("edited and deleted", inGone)

		edited.Message = "review meeting once more"
		edited.EditAt = 62
		must(t, s.UpdatePost(ctx, edited))
		check("edited back", inGone, edited)

		if _, err := s.exec(ctx, `UPDATE posts SET channel_id = ? WHERE id = ?`, mine, moved.ID); err != nil {
			t.Fatal(err)
		}
		check("moved in", inGone, moved, edited)
		if _, err := s.exec(ctx, `UPDATE posts SET channel_id = ? WHERE id = ?`, theirs, edited.ID); err != nil {
			t.Fatal(err)
		}
		check("moved out", inGone, moved)

		imported := []*model.Post{mk(mine, "imported review meeting", 70), mk(theirs, "imported review meeting, theirs", 71)}
		must(t, s.ImportPosts(ctx, imported))
		if _, err := s.IndexDeferredPosts(ctx); err != nil {
			t.Fatal(err)
		}
		check("imported", imported[0], inGone, moved)

		must(t, s.DeleteChannelPermanently(ctx, gone))
		check("channel deleted", imported[0], moved)
	})
}
