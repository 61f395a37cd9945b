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
