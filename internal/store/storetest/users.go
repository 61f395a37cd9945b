package storetest

import (
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func testUsers(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx

	t.Run("RoundTripAndLookups", func(t *testing.T) {
		auth := name("ldap")
		u := f.user(func(u *model.User) {
			u.AuthService, u.AuthData = "ldap", &auth
			u.Position, u.Locale, u.Props = "Chief", "de", model.StringMap{"k": "v"}
			u.Timezone = model.StringMap{"useAutomaticTimezone": "false", "manualTimezone": "Europe/Berlin"}
			u.NotifyProps = model.StringMap{"mention_keys": "tea,biscuit"}
		})
		sameJSON(t, "GetUser", get(s.GetUser(ctx, u.ID))(t), u)
		sameJSON(t, "GetUserByUsername (any case)", get(s.GetUserByUsername(ctx, upper(u.Username)))(t), u)
		sameJSON(t, "GetUserByEmail (any case)", get(s.GetUserByEmail(ctx, upper(u.Email)))(t), u)
		sameJSON(t, "GetUserByAuth", get(s.GetUserByAuth(ctx, "ldap", auth))(t), u)
		sameIDs(t, "UsersByAuthService", only(userIDs(get(s.UsersByAuthService(ctx, "ldap"))(t)), []string{u.ID}), []string{u.ID})

		for what, err := range map[string]error{
			"GetUser":           second(s.GetUser(ctx, model.NewID())),
			"GetUserByUsername": second(s.GetUserByUsername(ctx, name("nobody"))),
			"GetUserByEmail":    second(s.GetUserByEmail(ctx, name("nobody")+"@example.com")),
			"GetUserByAuth":     second(s.GetUserByAuth(ctx, "saml", auth)),
		} {
			wantErr(t, what+" of nobody", err, store.ErrNotFound)
		}
	})

	t.Run("Conflicts", func(t *testing.T) {
		u := f.user()
		for what, mod := range map[string]func(*model.User){
			"id":       func(d *model.User) { d.ID = u.ID },
			"username": func(d *model.User) { d.Username = u.Username },
			"email":    func(d *model.User) { d.Email = u.Email },
		} {
			n := name("dup")
			d := &model.User{ID: model.NewID(), Username: n, Email: n + "@example.com", Roles: model.RoleSystemUser}
			d.PreSave()
			mod(d)
			wantErr(t, "SaveUser with a taken "+what, s.SaveUser(ctx, d), store.ErrConflict)
		}
		other := f.user()
		other.Username = u.Username
		wantErr(t, "UpdateUser to a taken username", s.UpdateUser(ctx, other), store.ErrConflict)
	})

	t.Run("Update", func(t *testing.T) {
		u := f.user()
		u.Nickname, u.Position, u.UpdateAt, u.DeleteAt = "new nick", "new position", u.UpdateAt+1, u.UpdateAt+1
		u.Roles = model.RoleSystemUser + " " + model.RoleSystemAdmin
		must(t, s.UpdateUser(ctx, u))
		sameJSON(t, "after UpdateUser", get(s.GetUser(ctx, u.ID))(t), u)
		wantErr(t, "UpdateUser of nobody", s.UpdateUser(ctx, &model.User{ID: model.NewID(), Username: name("x"), Email: name("x")}), store.ErrNotFound)

		must(t, s.UpdateFailedAttempts(ctx, u.ID, 3))
		if got := get(s.GetUser(ctx, u.ID))(t); got.FailedAttempts != 3 {
			t.Errorf("failed attempts = %d, want 3", got.FailedAttempts)
		}
		// A new password resets the failed attempts.
		must(t, s.UpdatePassword(ctx, u.ID, "hash2", 5000))
		got := get(s.GetUser(ctx, u.ID))(t)
		if got.Password != "hash2" || got.LastPasswordUpdate != 5000 || got.UpdateAt != 5000 || got.FailedAttempts != 0 {
			t.Errorf("after UpdatePassword: password %q last update %d update_at %d failed %d",
				got.Password, got.LastPasswordUpdate, got.UpdateAt, got.FailedAttempts)
		}
		wantErr(t, "UpdatePassword of nobody", s.UpdatePassword(ctx, model.NewID(), "h", 1), store.ErrNotFound)

		must(t, s.RecordLogin(ctx, u.ID, 7000))
		if got := get(s.GetUser(ctx, u.ID))(t); got.LastActivityAt != 7000 {
			t.Errorf("last activity = %d, want 7000", got.LastActivityAt)
		}
	})

	t.Run("SetLastPictureUpdate", func(t *testing.T) {
		u := f.user()
		must(t, s.SetLastPictureUpdate(ctx, u.ID, 0, 100, 200))
		got := get(s.GetUser(ctx, u.ID))(t)
		if got.LastPictureUpdate != 100 || got.UpdateAt != 200 {
			t.Errorf("picture update %d update_at %d, want 100 200", got.LastPictureUpdate, got.UpdateAt)
		}
		// Moving from a value the user is no longer at changes nothing.
		wantErr(t, "SetLastPictureUpdate from a stale value", s.SetLastPictureUpdate(ctx, u.ID, 0, 300, 400), store.ErrNotFound)
		if got := get(s.GetUser(ctx, u.ID))(t); got.LastPictureUpdate != 100 {
			t.Errorf("a stale move changed the picture update to %d", got.LastPictureUpdate)
		}
		wantErr(t, "SetLastPictureUpdate of nobody", s.SetLastPictureUpdate(ctx, model.NewID(), 0, 1, 1), store.ErrNotFound)
	})

	t.Run("Batches", func(t *testing.T) {
		b := f.user(func(u *model.User) { u.Username = "b" + u.Username; u.UpdateAt = 1000 })
		a := f.user(func(u *model.User) { u.Username = "a" + u.Username; u.UpdateAt = 2000 })
		sameIDs(t, "GetUsersByIDs, by username", userIDs(get(s.GetUsersByIDs(ctx, []string{b.ID, a.ID, model.NewID()}, 0))(t)), []string{a.ID, b.ID})
		sameIDs(t, "GetUsersByIDs updated since 1000", userIDs(get(s.GetUsersByIDs(ctx, []string{b.ID, a.ID}, 1000))(t)), []string{a.ID})
		sameIDs(t, "GetUsersByIDs of none", userIDs(get(s.GetUsersByIDs(ctx, nil, 0))(t)), nil)
		sameIDs(t, "GetUsersByUsernames (any case)", userIDs(get(s.GetUsersByUsernames(ctx, []string{upper(b.Username), a.Username, "nobody"}))(t)), []string{a.ID, b.ID})
		sameIDs(t, "GetUsersByUsernames of none", userIDs(get(s.GetUsersByUsernames(ctx, nil))(t)), nil)
	})

	t.Run("ListAndCount", func(t *testing.T) {
		all0 := get(s.CountUsers(ctx, true))(t)
		live0 := get(s.CountUsers(ctx, false))(t)
		tm := f.team()
		ch := f.channel(tm.ID, "O")
		prefix := name("list")
		mk := func(suffix string, mods ...func(*model.User)) *model.User {
			return f.user(append([]func(*model.User){func(u *model.User) { u.Username, u.UpdateAt = prefix+suffix, 100 }}, mods...)...)
		}
		anna := mk("anna", func(u *model.User) { u.CreateAt = 1; u.LastName = "Ölund" + prefix })
		bert := mk("bert", func(u *model.User) { u.CreateAt = 3; u.Roles += " " + model.RoleSystemAdmin })
		gone := mk("carl", func(u *model.User) { u.CreateAt = 2; u.DeleteAt = 5 })
		if n := get(s.CountUsers(ctx, true))(t); n != all0+3 {
			t.Errorf("CountUsers(deleted too) grew by %d, want 3", n-all0)
		}
		if n := get(s.CountUsers(ctx, false))(t); n != live0+2 {
			t.Errorf("CountUsers(live) grew by %d, want 2", n-live0)
		}
		f.teamMember(tm.ID, anna.ID)
		f.teamMember(tm.ID, gone.ID)
		f.channelMember(ch.ID, bert.ID)
		must(t, s.RecordLogin(ctx, anna.ID, 200))
		must(t, s.RecordLogin(ctx, bert.ID, 100))
		must(t, s.RecordLogin(ctx, gone.ID, 300))
		must(t, s.SetLastPictureUpdate(ctx, anna.ID, 0, 1, 200)) // update_at 200
		admins := f.channel(tm.ID, "O")
		for _, u := range []*model.User{anna, bert, gone} {
			m := f.channelMember(admins.ID, u.ID)
			if u == gone {
				m.SchemeAdmin = true
				must(t, s.SaveChannelMember(ctx, m))
			}
		}
		yes, no := true, false
		for _, c := range []struct {
			what string
			f    store.UserFilter
			p    store.Page
			want []*model.User
		}{
			{"term, by username", store.UserFilter{Term: upper(prefix)}, store.Page{Limit: 10}, []*model.User{anna, bert, gone}},
			{"term with @", store.UserFilter{Term: "@" + prefix + "b"}, store.Page{Limit: 10}, []*model.User{bert}},
			{"paged", store.UserFilter{Term: prefix}, store.Page{Offset: 1, Limit: 1}, []*model.User{bert}},
			{"by create_at, newest first", store.UserFilter{Term: prefix, Sort: "create_at"}, store.Page{Limit: 10}, []*model.User{bert, gone, anna}},
			{"active", store.UserFilter{Term: prefix, Active: &yes}, store.Page{Limit: 10}, []*model.User{anna, bert}},
			{"deactivated", store.UserFilter{Term: prefix, Active: &no}, store.Page{Limit: 10}, []*model.User{gone}},
			{"role", store.UserFilter{Term: prefix, Role: model.RoleSystemAdmin}, store.Page{Limit: 10}, []*model.User{bert}},
			{"in team", store.UserFilter{InTeam: tm.ID}, store.Page{Limit: 10}, []*model.User{anna, gone}},
			{"not in team", store.UserFilter{Term: prefix, NotInTeam: tm.ID}, store.Page{Limit: 10}, []*model.User{bert}},
			{"without team", store.UserFilter{Term: prefix, WithoutTeam: true}, store.Page{Limit: 10}, []*model.User{bert}},
			{"in channel", store.UserFilter{InChannel: ch.ID}, store.Page{Limit: 10}, []*model.User{bert}},
			{"not in channel", store.UserFilter{Term: prefix, NotInChannel: ch.ID}, store.Page{Limit: 10}, []*model.User{anna, gone}},
			{"a wildcard is literal", store.UserFilter{Term: prefix + "%"}, store.Page{Limit: 10}, nil},
			{"first name", store.UserFilter{Term: anna.FirstName}, store.Page{Limit: 10}, []*model.User{anna}},
			{"first name skipped", store.UserFilter{Term: anna.FirstName, SkipFullName: true}, store.Page{Limit: 10}, nil},
			{"a non-ASCII last name, any case", store.UserFilter{Term: "ölund" + prefix}, store.Page{Limit: 10}, []*model.User{anna}},
			{"a non-ASCII last name, upper case", store.UserFilter{Term: "ÖLUND" + prefix}, store.Page{Limit: 10}, []*model.User{anna}},
			{"email only when asked", store.UserFilter{Term: anna.Email}, store.Page{Limit: 10}, nil},
			{"email", store.UserFilter{Term: anna.Email, SearchEmail: true}, store.Page{Limit: 10}, []*model.User{anna}},
			{"by last activity, latest first", store.UserFilter{Term: prefix, Sort: "last_activity_at"}, store.Page{Limit: 10}, []*model.User{gone, anna, bert}},
			{"the channel's admins first", store.UserFilter{InChannel: admins.ID, Sort: "admin"}, store.Page{Limit: 10}, []*model.User{gone, anna, bert}},
			{"updated since", store.UserFilter{Term: prefix, Since: 150}, store.Page{Limit: 10}, []*model.User{anna}},
		} {
			sameIDs(t, "ListUsers "+c.what, userIDs(get(s.ListUsers(ctx, c.f, c.p))(t)), userIDs(c.want))
		}
	})

	t.Run("KnownUserIDs", func(t *testing.T) {
		me, teammate, chatmate, stranger, former := f.user(), f.user(), f.user(), f.user(), f.user()
		tm := f.team()
		f.teamMember(tm.ID, me.ID)
		f.teamMember(tm.ID, teammate.ID)
		m := f.teamMember(tm.ID, former.ID)
		m.DeleteAt = 10
		must(t, s.SaveTeamMember(ctx, m))
		dm := f.channel("", "D")
		f.channelMember(dm.ID, me.ID)
		f.channelMember(dm.ID, chatmate.ID)
		f.channelMember(f.channel(tm.ID, "O").ID, stranger.ID)
		sameSet(t, "KnownUserIDs", get(s.KnownUserIDs(ctx, me.ID))(t), []string{teammate.ID, chatmate.ID})
	})
}

// upper upper-cases the ASCII letters of s only, so that a test chooses which
// non-ASCII letters change case.
func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// second returns the error of a (value, error) pair.
func second[T any](_ T, err error) error { return err }
