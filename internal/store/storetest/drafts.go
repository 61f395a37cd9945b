package storetest

import (
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func draftKeys(ds []*model.Draft) []string {
	return ids(ds, func(d *model.Draft) string { return d.ChannelID + "/" + d.RootID })
}

func testDrafts(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	tm := f.team()
	c, other, archived, left := f.channel(tm.ID, "O"), f.channel(f.team().ID, "O"), f.channel(tm.ID, "O"), f.channel(tm.ID, "O")
	dm := f.channel("", "D")
	u := f.user()
	for _, ch := range []*model.Channel{c, other, archived, dm} {
		f.channelMember(ch.ID, u.ID)
	}
	d := &model.Draft{CreateAt: 10, UpdateAt: 10, UserID: u.ID, ChannelID: c.ID, Message: "hello",
		Props: map[string]any{"k": "v"}, FileIDs: []string{model.NewID()}, Priority: map[string]any{"priority": "urgent"}}
	sameJSON(t, "UpsertDraft", get(s.UpsertDraft(ctx, d))(t), d)
	sameJSON(t, "GetDraft", get(s.GetDraft(ctx, u.ID, c.ID, ""))(t), d)
	wantErr(t, "GetDraft of nothing", second(s.GetDraft(ctx, u.ID, c.ID, model.NewID())), store.ErrNotFound)

	// A second save keeps the first create_at.
	upd := &model.Draft{CreateAt: 99, UpdateAt: 20, UserID: u.ID, ChannelID: c.ID, Message: "edited"}
	want := &model.Draft{CreateAt: 10, UpdateAt: 20, UserID: u.ID, ChannelID: c.ID, Message: "edited", Props: map[string]any{}, FileIDs: []string{}, Priority: map[string]any{}}
	sameJSON(t, "UpsertDraft of an existing draft", get(s.UpsertDraft(ctx, upd))(t), want)
	sameJSON(t, "GetDraft after it", get(s.GetDraft(ctx, u.ID, c.ID, ""))(t), want)

	mk := func(ch, root string, at int64) {
		get(s.UpsertDraft(ctx, &model.Draft{CreateAt: at, UpdateAt: at, UserID: u.ID, ChannelID: ch, RootID: root, Message: "m"}))(t)
	}
	root := model.NewID()
	mk(c.ID, root, 30)
	mk(dm.ID, "", 40)
	mk(other.ID, "", 50)
	mk(archived.ID, "", 60)
	mk(left.ID, "", 70)
	archivedCh := *archived
	archivedCh.DeleteAt = 1
	must(t, s.UpdateChannel(ctx, &archivedCh))
	sameIDs(t, "DraftsForUser: the team's and DMs, of live channels they are in, newest first", draftKeys(get(s.DraftsForUser(ctx, u.ID, tm.ID))(t)),
		[]string{dm.ID + "/", c.ID + "/" + root, c.ID + "/"})
	sameIDs(t, "UserDrafts: all, newest first", draftKeys(get(s.UserDrafts(ctx, u.ID))(t)),
		[]string{left.ID + "/", archived.ID + "/", other.ID + "/", dm.ID + "/", c.ID + "/" + root, c.ID + "/"})

	must(t, s.DeleteDraft(ctx, u.ID, c.ID, root))
	wantErr(t, "GetDraft after delete", second(s.GetDraft(ctx, u.ID, c.ID, root)), store.ErrNotFound)
	must(t, s.DeleteDraft(ctx, u.ID, c.ID, root))
	get(s.GetDraft(ctx, u.ID, c.ID, ""))(t)
}

func testUploads(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	u, other := f.user(), f.user()
	c := f.channel(f.team().ID, "O")
	mk := func(userID string, at int64) *model.UploadSession {
		us := &model.UploadSession{ID: model.NewID(), Type: "attachment", CreateAt: at, UserID: userID, ChannelID: c.ID,
			Filename: "big.bin", FileSize: 300}
		must(t, s.SaveUploadSession(ctx, us))
		return us
	}
	us := mk(u.ID, 20)
	older := mk(u.ID, 10)
	theirs := mk(other.ID, 5)
	got := get(s.GetUploadSession(ctx, us.ID))(t)
	sameJSON(t, "GetUploadSession", got, us)
	if len(got.Parts) != 0 {
		t.Errorf("a new session has parts %v", got.Parts)
	}
	wantErr(t, "GetUploadSession of nothing", second(s.GetUploadSession(ctx, model.NewID())), store.ErrNotFound)
	wantErr(t, "SaveUploadSession again", s.SaveUploadSession(ctx, us), store.ErrConflict)
	usIDs := func(xs []*model.UploadSession) []string {
		return ids(xs, func(x *model.UploadSession) string { return x.ID })
	}
	sameIDs(t, "UploadSessionsForUser, oldest first", usIDs(get(s.UploadSessionsForUser(ctx, u.ID))(t)), []string{older.ID, us.ID})
	mine := []string{us.ID, older.ID, theirs.ID}
	sameIDs(t, "UploadSessionsCreatedBefore 20", only(usIDs(get(s.UploadSessionsCreatedBefore(ctx, 20, 100000))(t)), mine), []string{theirs.ID, older.ID})
	if n := len(get(s.UploadSessionsCreatedBefore(ctx, 20, 1))(t)); n != 1 {
		t.Errorf("UploadSessionsCreatedBefore limited to 1: %d", n)
	}

	// A chunk moves the offset only from where the session is.
	must(t, s.AddUploadPart(ctx, us.ID, 0, 100, "p1"))
	must(t, s.AddUploadPart(ctx, us.ID, 100, 200, "p2"))
	wantErr(t, "AddUploadPart from a stale offset", s.AddUploadPart(ctx, us.ID, 100, 300, "p3"), store.ErrNotFound)
	wantErr(t, "AddUploadPart of nothing", s.AddUploadPart(ctx, model.NewID(), 0, 1, "x"), store.ErrNotFound)
	got = get(s.GetUploadSession(ctx, us.ID))(t)
	if got.FileOffset != 200 || len(got.Parts) != 2 || got.Parts[0] != "p1" || got.Parts[1] != "p2" {
		t.Errorf("after two parts: offset %d parts %v", got.FileOffset, got.Parts)
	}
	wantErr(t, "DeleteUploadSession at a stale offset", s.DeleteUploadSession(ctx, us.ID, 100), store.ErrNotFound)
	must(t, s.DeleteUploadSession(ctx, us.ID, 200))
	wantErr(t, "GetUploadSession after delete", second(s.GetUploadSession(ctx, us.ID)), store.ErrNotFound)
}

func testTerms(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	u := f.user()
	// The store may hold other tests' versions: only ours are newer.
	now := model.Now()
	v1 := &model.TermsOfService{ID: model.NewID(), CreateAt: now + 1000, UserID: u.ID, Text: "v1"}
	v2 := &model.TermsOfService{ID: model.NewID(), CreateAt: now + 2000, UserID: u.ID, Text: "v2"}
	must(t, s.SaveTermsOfService(ctx, v2))
	must(t, s.SaveTermsOfService(ctx, v1))
	wantErr(t, "SaveTermsOfService again", s.SaveTermsOfService(ctx, v1), store.ErrConflict)
	sameJSON(t, "GetTermsOfService", get(s.GetTermsOfService(ctx, v1.ID))(t), v1)
	sameJSON(t, "LatestTermsOfService: the newest", get(s.LatestTermsOfService(ctx))(t), v2)
	wantErr(t, "GetTermsOfService of nothing", second(s.GetTermsOfService(ctx, model.NewID())), store.ErrNotFound)

	wantErr(t, "GetUserTermsOfService before accepting", second(s.GetUserTermsOfService(ctx, u.ID)), store.ErrNotFound)
	a := &model.UserTermsOfService{UserID: u.ID, TermsOfServiceID: v1.ID, CreateAt: 10}
	must(t, s.SaveUserTermsOfService(ctx, a))
	sameJSON(t, "GetUserTermsOfService", get(s.GetUserTermsOfService(ctx, u.ID))(t), a)
	// A later acceptance replaces the earlier one.
	a = &model.UserTermsOfService{UserID: u.ID, TermsOfServiceID: v2.ID, CreateAt: 20}
	must(t, s.SaveUserTermsOfService(ctx, a))
	sameJSON(t, "GetUserTermsOfService after a second acceptance", get(s.GetUserTermsOfService(ctx, u.ID))(t), a)
	// Declining another version than the one accepted changes nothing.
	must(t, s.DeleteUserTermsOfService(ctx, u.ID, v1.ID))
	sameJSON(t, "after declining another version", get(s.GetUserTermsOfService(ctx, u.ID))(t), a)
	must(t, s.DeleteUserTermsOfService(ctx, u.ID, v2.ID))
	wantErr(t, "GetUserTermsOfService after declining", second(s.GetUserTermsOfService(ctx, u.ID)), store.ErrNotFound)
}
