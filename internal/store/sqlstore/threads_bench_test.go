package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// seedThreads stores total threads (a root with one reply each) in one
// channel, all followed by another user, and the first `followed` of them
// also by benchSearcher, half of those unread with a mention. It returns
// the channel's team.
func seedThreads(ctx context.Context, b *testing.B, s *SQLStore, total, followed int) string {
	b.Helper()
	ch, err := s.GetChannel(ctx, benchChannelID(0))
	if err != nil {
		b.Fatal(err)
	}
	other := newUser("threadbench")
	if err := s.SaveUser(ctx, other); err != nil {
		b.Fatal(err)
	}
	const batch = 500
	for start := 0; start < total; start += batch {
		var posts []*model.Post
		var rows []string
		var a []any
		for i := start; i < min(start+batch, total); i++ {
			at := int64(1_000_000 + 10*i)
			root := &model.Post{ID: fmt.Sprintf("threadroot%016d", i), CreateAt: at, UpdateAt: at + 5, UserID: benchSearcher,
				ChannelID: ch.ID, Message: "root", ReplyCount: 1, LastReplyAt: at + 5}
			reply := &model.Post{ID: fmt.Sprintf("threadrply%016d", i), CreateAt: at + 5, UpdateAt: at + 5, UserID: other.ID,
				ChannelID: ch.ID, RootID: root.ID, Message: "@benchsearcher reply"}
			root.PreCommit()
			reply.PreCommit()
			posts = append(posts, root, reply)
			rows = append(rows, "(?, ?, ?, ?, TRUE, ?, ?, ?, 0)")
			a = append(a, root.ID, other.ID, ch.ID, ch.TeamID, at+5, at+5, at+5)
			if i < followed {
				viewed, mentions := at+5, 0
				if i%2 == 0 {
					viewed, mentions = at, 1
				}
				rows = append(rows, "(?, ?, ?, ?, TRUE, ?, ?, ?, ?)")
				a = append(a, root.ID, benchSearcher, ch.ID, ch.TeamID, viewed, at+5, at+5, mentions)
			}
		}
		err := s.Tx(ctx, func(tx store.Store) error {
			t := tx.(*SQLStore)
			if err := t.ImportPosts(ctx, posts); err != nil {
				return err
			}
			_, err := t.exec(ctx, `INSERT INTO thread_memberships (post_id, user_id, channel_id, team_id, following,
				last_viewed, last_updated, last_reply_at, unread_mentions) VALUES `+strings.Join(rows, ", "), a...)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if s.driver == DriverPostgres {
		if _, err := s.exec(ctx, `VACUUM ANALYZE thread_memberships`); err != nil {
			b.Fatal(err)
		}
		if _, err := s.exec(ctx, `ANALYZE posts`); err != nil {
			b.Fatal(err)
		}
	}
	return ch.TeamID
}

// BenchmarkUserThreads lists the first page of a user's threads with their
// unread counts and the totals, as GET /users/{id}/teams/{id}/threads does,
// among 100,000 threads of which the user follows 500. The 10,000 case
// beside it shows the cost does not grow with the threads the user does not
// follow: the list walks idx_thread_memberships_user from the user's newest
// reply down for one page, the totals walk the user's own rows.
func BenchmarkUserThreads(b *testing.B) {
	for _, backend := range []string{DriverSQLite, DriverPostgres} {
		for _, total := range []int{10_000, 100_000} {
			b.Run(fmt.Sprintf("%s/threads=%d/followed=500", backend, total), func(b *testing.B) {
				ctx := context.Background()
				s := benchEmptyStore(b, backend)
				start := time.Now()
				team := seedThreads(ctx, b, s, total, 500)
				b.Logf("seeded %d threads in %s", total, time.Since(start).Round(time.Millisecond))
				for b.Loop() {
					page, err := s.UserThreads(ctx, benchSearcher, team, store.ThreadQuery{Page: store.Page{Limit: 30}})
					if err != nil || len(page) != 30 {
						b.Fatalf("%d threads, %v", len(page), err)
					}
					tot, err := s.UserThreadTotals(ctx, benchSearcher, team)
					if err != nil || tot.Total != 500 || tot.TotalUnreadThreads != 250 || tot.TotalUnreadMentions != 250 {
						b.Fatalf("totals %+v, %v", tot, err)
					}
				}
			})
		}
	}
}
