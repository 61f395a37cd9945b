package storetest

import (
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func (f *fixture) session(userID string, mods ...func(*model.Session)) *model.Session {
	f.t.Helper()
	now := model.Now()
	ses := &model.Session{ID: model.NewID(), Token: model.NewID(), CreateAt: now, ExpiresAt: now + 3600_000,
		LastActivityAt: now, UserID: userID, Roles: model.RoleSystemUser, Props: model.StringMap{"platform": "Linux"}}
	for _, m := range mods {
		m(ses)
	}
	must(f.t, f.s.SaveSession(f.ctx, ses))
	return ses
}

func sessionIDs(ss []*model.Session) []string {
	return ids(ss, func(s *model.Session) string { return s.ID })
}

func testSessions(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx

	t.Run("RoundTrip", func(t *testing.T) {
		u := f.user()
		ses := f.session(u.ID, func(ses *model.Session) { ses.DeviceID = "apple:x"; ses.IsOAuth = true })
		sameJSON(t, "GetSession", get(s.GetSession(ctx, ses.ID))(t), ses)
		sameJSON(t, "GetSessionByToken", get(s.GetSessionByToken(ctx, ses.Token))(t), ses)
		wantErr(t, "GetSession of nothing", second(s.GetSession(ctx, model.NewID())), store.ErrNotFound)
		wantErr(t, "GetSessionByToken of nothing", second(s.GetSessionByToken(ctx, model.NewID())), store.ErrNotFound)
		dup := *ses
		dup.ID = model.NewID()
		wantErr(t, "SaveSession with a taken token", s.SaveSession(ctx, &dup), store.ErrConflict)
	})

	t.Run("ListTouchUpdateDelete", func(t *testing.T) {
		u, other := f.user(), f.user()
		old := f.session(u.ID, func(ses *model.Session) { ses.LastActivityAt = 100 })
		recent := f.session(u.ID, func(ses *model.Session) { ses.LastActivityAt = 200 })
		theirs := f.session(other.ID)
		sameIDs(t, "ListSessions, last active first", sessionIDs(get(s.ListSessions(ctx, u.ID))(t)), []string{recent.ID, old.ID})

		must(t, s.TouchSession(ctx, old.ID, 300, ""))
		sameIDs(t, "ListSessions after a touch", sessionIDs(get(s.ListSessions(ctx, u.ID))(t)), []string{old.ID, recent.ID})
		must(t, s.TouchSession(ctx, old.ID, 400, "192.0.2.7"))
		got := get(s.GetSession(ctx, old.ID))(t)
		if got.LastActivityAt != 400 || got.Props["last_activity_ip"] != "192.0.2.7" || got.Props["platform"] != "Linux" {
			t.Errorf("after touch from an address: last activity %d props %v", got.LastActivityAt, got.Props)
		}
		// No address leaves the last one alone.
		must(t, s.TouchSession(ctx, old.ID, 500, ""))
		if got := get(s.GetSession(ctx, old.ID))(t); got.Props["last_activity_ip"] != "192.0.2.7" {
			t.Errorf("a touch without address changed it: %v", got.Props)
		}

		must(t, s.UpdateSessionDevice(ctx, old.ID, "android:y", 9000))
		if got := get(s.GetSession(ctx, old.ID))(t); got.DeviceID != "android:y" || got.ExpiresAt != 9000 {
			t.Errorf("after UpdateSessionDevice: device %q expires %d", got.DeviceID, got.ExpiresAt)
		}
		wantErr(t, "UpdateSessionDevice of nothing", s.UpdateSessionDevice(ctx, model.NewID(), "d", 1), store.ErrNotFound)

		must(t, s.UpdateSessionRoles(ctx, u.ID, "system_user system_admin"))
		for _, ses := range get(s.ListSessions(ctx, u.ID))(t) {
			if ses.Roles != "system_user system_admin" {
				t.Errorf("session %s roles %q after UpdateSessionRoles", ses.ID, ses.Roles)
			}
		}
		if got := get(s.GetSession(ctx, theirs.ID))(t); got.Roles != model.RoleSystemUser {
			t.Errorf("UpdateSessionRoles changed another user's session: %q", got.Roles)
		}

		must(t, s.DeleteSession(ctx, old.ID))
		wantErr(t, "GetSession after delete", second(s.GetSession(ctx, old.ID)), store.ErrNotFound)
		wantErr(t, "DeleteSession again", s.DeleteSession(ctx, old.ID), store.ErrNotFound)
		must(t, s.DeleteUserSessions(ctx, u.ID))
		sameIDs(t, "ListSessions after DeleteUserSessions", sessionIDs(get(s.ListSessions(ctx, u.ID))(t)), nil)
		sameIDs(t, "the other user's sessions", sessionIDs(get(s.ListSessions(ctx, other.ID))(t)), []string{theirs.ID})
	})

	t.Run("AccessTokens", func(t *testing.T) {
		u, other := f.user(), f.user()
		tok := &model.UserAccessToken{ID: model.NewID(), Token: model.NewID(), UserID: u.ID, Description: "Deploy bot", IsActive: true}
		must(t, s.SaveAccessToken(ctx, tok))
		sameJSON(t, "GetAccessToken", get(s.GetAccessToken(ctx, tok.ID))(t), tok)
		sameJSON(t, "GetAccessTokenByToken", get(s.GetAccessTokenByToken(ctx, tok.Token))(t), tok)
		wantErr(t, "GetAccessToken of nothing", second(s.GetAccessToken(ctx, model.NewID())), store.ErrNotFound)
		wantErr(t, "GetAccessTokenByToken of nothing", second(s.GetAccessTokenByToken(ctx, model.NewID())), store.ErrNotFound)
		wantErr(t, "SaveAccessToken again", s.SaveAccessToken(ctx, tok), store.ErrConflict)

		mk := func(userID, desc string) *model.UserAccessToken {
			t := &model.UserAccessToken{ID: model.NewID(), Token: model.NewID(), UserID: userID, Description: desc, IsActive: true}
			must(f.t, s.SaveAccessToken(ctx, t))
			return t
		}
		ci := mk(u.ID, "ci "+name("d"))
		theirs := mk(other.ID, "theirs")
		tokIDs := func(ts []*model.UserAccessToken) []string {
			return ids(ts, func(t *model.UserAccessToken) string { return t.ID })
		}
		byID := sorted([]string{tok.ID, ci.ID})
		sameIDs(t, "ListAccessTokens, by id", tokIDs(get(s.ListAccessTokens(ctx, u.ID, store.Page{Limit: 10}))(t)), byID)
		sameIDs(t, "ListAccessTokens page 2", tokIDs(get(s.ListAccessTokens(ctx, u.ID, store.Page{Offset: 1, Limit: 1}))(t)), byID[1:])
		all := tokIDs(get(s.ListAccessTokens(ctx, "", store.Page{Limit: 10000}))(t))
		sameSet(t, "ListAccessTokens of everyone", only(all, []string{tok.ID, ci.ID, theirs.ID}), []string{tok.ID, ci.ID, theirs.ID})

		sameIDs(t, "SearchAccessTokens by username", tokIDs(get(s.SearchAccessTokens(ctx, upper(u.Username)))(t)), byID)
		sameIDs(t, "SearchAccessTokens by description", tokIDs(get(s.SearchAccessTokens(ctx, ci.Description))(t)), []string{ci.ID})
		sameIDs(t, "SearchAccessTokens by id", tokIDs(get(s.SearchAccessTokens(ctx, theirs.ID))(t)), []string{theirs.ID})

		must(t, s.SetAccessTokenActive(ctx, tok.ID, false))
		if get(s.GetAccessToken(ctx, tok.ID))(t).IsActive {
			t.Error("token still active after SetAccessTokenActive(false)")
		}
		wantErr(t, "SetAccessTokenActive of nothing", s.SetAccessTokenActive(ctx, model.NewID(), true), store.ErrNotFound)

		// A token's sessions carry its id in their props.
		f.session(u.ID, func(ses *model.Session) { ses.Props["user_access_token_id"] = tok.ID })
		login := f.session(u.ID)
		must(t, s.DeleteSessionsByAccessToken(ctx, tok.ID))
		sameIDs(t, "sessions after DeleteSessionsByAccessToken", sessionIDs(get(s.ListSessions(ctx, u.ID))(t)), []string{login.ID})

		must(t, s.DeleteAccessToken(ctx, tok.ID))
		wantErr(t, "GetAccessToken after delete", second(s.GetAccessToken(ctx, tok.ID)), store.ErrNotFound)
		wantErr(t, "DeleteAccessToken again", s.DeleteAccessToken(ctx, tok.ID), store.ErrNotFound)
		must(t, s.DeleteUserAccessTokens(ctx, u.ID))
		sameIDs(t, "ListAccessTokens after DeleteUserAccessTokens", tokIDs(get(s.ListAccessTokens(ctx, u.ID, store.Page{Limit: 10}))(t)), nil)
		sameIDs(t, "the other user's tokens", tokIDs(get(s.ListAccessTokens(ctx, other.ID, store.Page{Limit: 10}))(t)), []string{theirs.ID})
	})

	// Last: it removes every session of the store.
	t.Run("DeleteAllSessions", func(t *testing.T) {
		a, b := f.user(), f.user()
		f.session(a.ID)
		f.session(b.ID)
		must(t, s.DeleteAllSessions(ctx))
		for _, u := range []*model.User{a, b} {
			sameIDs(t, "ListSessions after DeleteAllSessions", sessionIDs(get(s.ListSessions(ctx, u.ID))(t)), nil)
		}
	})
}
