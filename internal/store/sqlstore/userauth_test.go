package sqlstore

import (
	"context"
	"errors"
	"testing"

	"github.com/parley-chat/parley/internal/store"
)

func TestUserAuthStore(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		alice, bob, carol := newUser("alice"), newUser("bob"), newUser("carol")
		a, b := "uuid-a", "uuid-b"
		alice.AuthService, alice.AuthData, alice.Password = "ldap", &a, ""
		bob.AuthService, bob.AuthData, bob.Password = "ldap", &b, ""
		must(t, s.SaveUser(ctx, alice))
		must(t, s.SaveUser(ctx, bob))
		must(t, s.SaveUser(ctx, carol))
		got, err := s.GetUserByAuth(ctx, "ldap", "uuid-b")
		must(t, err)
		if got.ID != bob.ID {
			t.Fatalf("GetUserByAuth(uuid-b) = %s, want bob", got.Username)
		}
		if _, err := s.GetUserByAuth(ctx, "saml", "uuid-b"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another service's id: err %v, want ErrNotFound", err)
		}
		list, err := s.UsersByAuthService(ctx, "ldap")
		must(t, err)
		if len(list) != 2 || (list[0].ID != alice.ID && list[0].ID != bob.ID) || list[0].ID == list[1].ID {
			t.Fatalf("UsersByAuthService(ldap) = %d users", len(list))
		}
	})
}
