package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/parley-chat/parley/internal/store"
)

// TestAfterCommit: a hook registered in a transaction runs once, after the
// commit, when what the transaction wrote is readable from outside it; never
// when the transaction fails; at once outside a transaction.
func TestAfterCommit(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()

		ran := 0
		s.AfterCommit(func() { ran++ })
		if ran != 1 {
			t.Fatalf("hook outside a transaction ran %d times", ran)
		}

		u := newUser("hooked")
		var order []string
		err := s.Tx(ctx, func(tx store.Store) error {
			if err := tx.SaveUser(ctx, u); err != nil {
				return err
			}
			tx.AfterCommit(func() {
				_, err := s.GetUser(ctx, u.ID)
				order = append(order, fmt.Sprintf("first, user read: %v", err))
			})
			// A nested transaction joins the outer one, hooks included.
			if err := tx.Tx(ctx, func(tx store.Store) error {
				tx.AfterCommit(func() { order = append(order, "nested") })
				return nil
			}); err != nil {
				return err
			}
			if len(order) != 0 {
				t.Errorf("hooks ran before the commit: %v", order)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("tx: %v", err)
		}
		if want := []string{"first, user read: <nil>", "nested"}; fmt.Sprint(order) != fmt.Sprint(want) {
			t.Fatalf("hooks after commit = %q, want %q", order, want)
		}

		boom := errors.New("boom")
		err = s.Tx(ctx, func(tx store.Store) error {
			if err := tx.SaveUser(ctx, newUser("undone")); err != nil {
				return err
			}
			tx.AfterCommit(func() { t.Error("hook of a rolled-back transaction ran") })
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("failing tx: %v", err)
		}
	})
}

// TestAfterCommitConcurrent: with many transactions at once (on SQLite, group
// committed in shared batches), each committed one's hook runs once and sees
// its row; those that failed or panicked, and so were rolled back to their
// savepoint inside a batch that committed, run none.
func TestAfterCommitConcurrent(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		const n = 48
		var runs [n]atomic.Int32
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { _ = recover() }()
				u := newUser(fmt.Sprintf("conc%02d", i))
				_ = s.Tx(ctx, func(tx store.Store) error {
					if err := tx.SaveUser(ctx, u); err != nil {
						return err
					}
					tx.AfterCommit(func() {
						runs[i].Add(1)
						if _, err := s.GetUser(ctx, u.ID); err != nil {
							t.Errorf("tx %d: hook cannot read its row: %v", i, err)
						}
					})
					switch i % 4 {
					case 1:
						return errors.New("boom")
					case 2:
						panic("bug")
					}
					return nil
				})
			}()
		}
		wg.Wait()
		for i := range n {
			want := int32(0)
			if i%4 == 0 || i%4 == 3 {
				want = 1
			}
			if got := runs[i].Load(); got != want {
				t.Errorf("tx %d (case %d): hook ran %d times, want %d", i, i%4, got, want)
			}
		}
	})
}
