package sqlstore

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// TestGroupCommitIsolatesFailures: concurrent transactions share commits, yet
// one that fails or panics leaves no trace while the others all land.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "", t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const n = 40
	boom := errors.New("boom")
	users := make([]*model.User, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		users[i] = newUser("group" + string(rune('a'+i%26)) + string(rune('a'+i/26)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					errs[i] = errors.New("panicked")
				}
			}()
			errs[i] = s.Tx(ctx, func(tx store.Store) error {
				if err := tx.SaveUser(ctx, users[i]); err != nil {
					return err
				}
				switch i % 10 {
				case 3:
					return boom
				case 7:
					panic("bug")
				}
				return nil
			})
		}()
	}
	wg.Wait()
	for i, u := range users {
		_, getErr := s.GetUser(ctx, u.ID)
		switch i % 10 {
		case 3:
			if !errors.Is(errs[i], boom) || !errors.Is(getErr, store.ErrNotFound) {
				t.Errorf("failed tx %d: err %v, user lookup %v", i, errs[i], getErr)
			}
		case 7:
			if errs[i] == nil || errs[i].Error() != "panicked" || !errors.Is(getErr, store.ErrNotFound) {
				t.Errorf("panicking tx %d: err %v, user lookup %v", i, errs[i], getErr)
			}
		default:
			if errs[i] != nil || getErr != nil {
				t.Errorf("tx %d: err %v, user lookup %v", i, errs[i], getErr)
			}
		}
	}
}

// TestGroupCommitIgnoresCancelledCaller: a caller that gives up mid-transaction
// does not interrupt the shared transaction.
func TestGroupCommitIgnoresCancelledCaller(t *testing.T) {
	s, err := Open(context.Background(), "", t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	u := newUser("cancelled")
	err = s.Tx(ctx, func(tx store.Store) error {
		cancel()
		return tx.SaveUser(ctx, u)
	})
	if err != nil {
		t.Fatalf("tx: %v", err)
	}
	if _, err := s.GetUser(context.Background(), u.ID); err != nil {
		t.Fatalf("user of the committed tx: %v", err)
	}
	if err := s.Tx(ctx, func(store.Store) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("tx with a cancelled context: %v", err)
	}
}

// TestPostTxIsolatesFailures: concurrent post transactions of one channel
// share commits on PostgreSQL, yet one whose statement fails (which aborts a
// PostgreSQL transaction) or that returns an error leaves no trace, and the
// others all land, on both stores.
func TestPostTxIsolatesFailures(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		taken := newUser("posttaken")
		must(t, s.SaveUser(ctx, taken))
		const n = 30
		channel := model.NewID()
		boom := errors.New("boom")
		users := make([]*model.User, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			users[i] = newUser("posttx" + string(rune('a'+i%26)) + string(rune('a'+i/26)))
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = s.PostTx(ctx, channel, func(tx store.Store) error {
					if err := tx.SaveUser(ctx, users[i]); err != nil {
						return err
					}
					switch i % 10 {
					case 3:
						return boom
					case 7:
						dupe := newUser(taken.Username)
						return tx.SaveUser(ctx, dupe)
					}
					return nil
				})
			}()
		}
		wg.Wait()
		for i, u := range users {
			_, getErr := s.GetUser(ctx, u.ID)
			switch i % 10 {
			case 3:
				if !errors.Is(errs[i], boom) || !errors.Is(getErr, store.ErrNotFound) {
					t.Errorf("failed tx %d: err %v, user lookup %v", i, errs[i], getErr)
				}
			case 7:
				if !errors.Is(errs[i], store.ErrConflict) || !errors.Is(getErr, store.ErrNotFound) {
					t.Errorf("conflicting tx %d: err %v, user lookup %v", i, errs[i], getErr)
				}
			default:
				if errs[i] != nil || getErr != nil {
					t.Errorf("tx %d: err %v, user lookup %v", i, errs[i], getErr)
				}
			}
		}
	})
}

// TestPostTxPipelinedFailure: concurrent posts of one channel as the app
// writes them (insert, then CountPost, which on PostgreSQL go out together
// with the savepoint in one batch). A post whose insert fails answers the
// insert's conflict and leaves neither its row nor its count, one that fails
// after its counters leaves nothing either, and the others all land.
func TestPostTxPipelinedFailure(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		poster := newUser("pipeposter")
		must(t, s.SaveUser(ctx, poster))
		team := &model.Team{ID: model.NewID(), Name: "pipe", DisplayName: "Pipe", Type: "O", InviteID: model.NewID()}
		must(t, s.SaveTeam(ctx, team))
		ch := &model.Channel{ID: model.NewID(), TeamID: team.ID, Type: "O", Name: "pipe", DisplayName: "Pipe"}
		must(t, s.SaveChannel(ctx, ch))
		must(t, s.SaveChannelMember(ctx, &model.ChannelMember{ChannelID: ch.ID, UserID: poster.ID, SchemeUser: true,
			NotifyProps: model.DefaultChannelNotifyProps()}))
		newPost := func(id string, at int64) *model.Post {
			p := &model.Post{ID: id, CreateAt: at, UpdateAt: at, UserID: poster.ID, ChannelID: ch.ID, Message: "pipelined"}
			p.PreCommit()
			return p
		}
		taken := newPost(model.NewID(), 1)
		must(t, s.SavePost(ctx, taken))
		const n = 40
		boom := errors.New("boom")
		posts := make([]*model.Post, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			id := model.NewID()
			if i%5 == 2 {
				id = taken.ID
			}
			posts[i] = newPost(id, int64(100+i))
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = s.PostTx(ctx, ch.ID, func(tx store.Store) error {
					if err := tx.SavePost(ctx, posts[i]); err != nil {
						return err
					}
					if err := tx.CountPost(ctx, ch.ID, poster.ID, posts[i].CreateAt, posts[i].CreateAt, true); err != nil {
						return err
					}
					if i%5 == 4 {
						return boom
					}
					return nil
				})
			}()
		}
		wg.Wait()
		landed := 0
		for i, p := range posts {
			switch i % 5 {
			case 2:
				if !errors.Is(errs[i], store.ErrConflict) {
					t.Errorf("conflicting post %d: err %v, want a conflict", i, errs[i])
				}
			case 4:
				_, getErr := s.GetPost(ctx, p.ID)
				if !errors.Is(errs[i], boom) || !errors.Is(getErr, store.ErrNotFound) {
					t.Errorf("failed post %d: err %v, post lookup %v", i, errs[i], getErr)
				}
			default:
				_, getErr := s.GetPost(ctx, p.ID)
				if errs[i] != nil || getErr != nil {
					t.Errorf("post %d: err %v, post lookup %v", i, errs[i], getErr)
				}
				landed++
			}
		}
		got, err := s.GetChannel(ctx, ch.ID)
		must(t, err)
		if got.TotalMsgCount != int64(landed) || got.TotalMsgCountRoot != int64(landed) {
			t.Errorf("channel counts %d roots %d, want %d each: a failed post was counted", got.TotalMsgCount,
				got.TotalMsgCountRoot, landed)
		}
		m, err := s.GetChannelMember(ctx, ch.ID, poster.ID)
		must(t, err)
		if m.MsgCount != int64(landed) {
			t.Errorf("poster's msg count %d, want %d", m.MsgCount, landed)
		}
	})
}
