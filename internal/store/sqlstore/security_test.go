package sqlstore

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
)

// TestUseMFAStep: each TOTP step is accepted once and only forwards, even to
// logins racing with the same code; a new secret starts over.
func TestUseMFAStep(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		u := newUser("totp")
		must(t, s.SaveUser(ctx, u))
		must(t, s.SetMFA(ctx, u.ID, "SECRET", true))
		use := func(step int64) bool {
			t.Helper()
			ok, err := s.UseMFAStep(ctx, u.ID, step)
			if err != nil {
				t.Fatalf("step %d: %v", step, err)
			}
			return ok
		}
		if !use(100) || use(100) || use(99) || !use(101) {
			t.Fatal("steps 100, 100 again, 99, 101: want only the first and the last accepted")
		}

		var wins atomic.Int32
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if ok, err := s.UseMFAStep(ctx, u.ID, 102); err != nil {
					t.Error(err)
				} else if ok {
					wins.Add(1)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("%d of 8 racing uses of one step accepted, want 1", wins.Load())
		}

		// A new (inactive) secret forgets the steps of the old one.
		must(t, s.SetMFA(ctx, u.ID, "OTHER", false))
		if !use(102) {
			t.Fatal("the first step of a new secret was refused")
		}
		if ok, err := s.UseMFAStep(ctx, "no-such-user", 1); ok || err != nil {
			t.Fatalf("unknown user: %v %v", ok, err)
		}
	})
}
