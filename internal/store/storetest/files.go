package storetest

import (
	"slices"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func (f *fixture) file(userID, channelID, postID string, at int64, mods ...func(*model.FileInfo)) *model.FileInfo {
	f.t.Helper()
	fi := &model.FileInfo{ID: model.NewID(), UserID: userID, ChannelID: channelID, PostID: postID, CreateAt: at, UpdateAt: at,
		Name: name("f") + ".png", Extension: "png", Size: 1234, MimeType: "image/png", Width: 10, Height: 20, HasPreviewImage: true}
	for _, m := range mods {
		m(fi)
	}
	must(f.t, f.s.SaveFileInfo(f.ctx, fi))
	return fi
}

func fileIDs(fs []*model.FileInfo) []string {
	return ids(fs, func(f *model.FileInfo) string { return f.ID })
}

// purged reports whether the purge queue holds (kind, id).
func purged(t *testing.T, s store.Store, kind, id string) bool {
	t.Helper()
	ps := get(s.PendingPurges(newFixture(t, s).ctx, 100000))(t)
	return slices.Contains(ps, [2]string{kind, id})
}

func testFiles(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	c := f.channel(f.team().ID, "O")
	u, other := f.user(), f.user()

	t.Run("RoundTripAndAttach", func(t *testing.T) {
		fi := f.file(u.ID, c.ID, "", 10)
		sameJSON(t, "GetFileInfo", get(s.GetFileInfo(ctx, fi.ID))(t), fi)
		wantErr(t, "GetFileInfo of nothing", second(s.GetFileInfo(ctx, model.NewID())), store.ErrNotFound)
		wantErr(t, "SaveFileInfo again", s.SaveFileInfo(ctx, fi), store.ErrConflict)

		g := f.file(u.ID, c.ID, "", 20)
		theirs := f.file(other.ID, c.ID, "", 30)
		p := f.post(c.ID, u.ID, 40)
		// All or nothing: one file is another user's.
		wantErr(t, "AttachFiles with another user's file", s.Tx(ctx, func(tx store.Store) error {
			return tx.AttachFiles(ctx, p.ID, c.ID, u.ID, []string{fi.ID, theirs.ID}, 50)
		}), store.ErrNotFound)
		if got := get(s.GetFileInfo(ctx, fi.ID))(t); got.PostID != "" {
			t.Errorf("a refused AttachFiles attached %s", fi.ID)
		}
		wantErr(t, "AttachFiles in another channel", s.AttachFiles(ctx, p.ID, f.channel(f.team().ID, "O").ID, u.ID, []string{fi.ID}, 50), store.ErrNotFound)
		must(t, s.AttachFiles(ctx, p.ID, c.ID, u.ID, []string{fi.ID, g.ID}, 50))
		got := get(s.GetFileInfo(ctx, fi.ID))(t)
		if got.PostID != p.ID || got.UpdateAt != 50 {
			t.Errorf("after AttachFiles: post %q update_at %d", got.PostID, got.UpdateAt)
		}
		// A file attached once is attached for good.
		q := f.post(c.ID, u.ID, 60)
		wantErr(t, "AttachFiles of an attached file", s.AttachFiles(ctx, q.ID, c.ID, u.ID, []string{g.ID}, 70), store.ErrNotFound)
		must(t, s.AttachFiles(ctx, q.ID, c.ID, u.ID, nil, 70))

		byPost := get(s.FileInfosForPosts(ctx, []string{p.ID, q.ID}))(t)
		sameIDs(t, "FileInfosForPosts, oldest first", fileIDs(byPost[p.ID]), []string{fi.ID, g.ID})
		sameIDs(t, "FileInfosForPosts of a post without files", fileIDs(byPost[q.ID]), nil)
		if n := len(get(s.FileInfosForPosts(ctx, nil))(t)); n != 0 {
			t.Errorf("FileInfosForPosts of none: %d", n)
		}
		sameIDs(t, "ChannelFiles, attached ones, newest first", fileIDs(get(s.ChannelFiles(ctx, c.ID, store.Page{Limit: 10}))(t)), []string{g.ID, fi.ID})
		sameIDs(t, "ChannelFiles paged", fileIDs(get(s.ChannelFiles(ctx, c.ID, store.Page{Offset: 1, Limit: 1}))(t)), []string{fi.ID})
	})

	t.Run("Deletes", func(t *testing.T) {
		ch := f.channel(f.team().ID, "O")
		root := f.post(ch.ID, u.ID, 10)
		reply := f.post(ch.ID, u.ID, 20, func(p *model.Post) { p.RootID = root.ID })
		a := f.file(u.ID, ch.ID, root.ID, 10)
		b := f.file(u.ID, ch.ID, reply.ID, 20)
		loose := f.file(u.ID, ch.ID, "", 30)
		elsewhere := f.file(u.ID, ch.ID, f.post(ch.ID, u.ID, 40).ID, 40)

		must(t, s.DeletePostFiles(ctx, root.ID, 100))
		for _, fi := range []*model.FileInfo{a, b} {
			if got := get(s.GetFileInfo(ctx, fi.ID))(t); got.DeleteAt != 100 || got.UpdateAt != 100 {
				t.Errorf("file of a deleted thread: delete_at %d update_at %d, want 100", got.DeleteAt, got.UpdateAt)
			}
		}
		for _, fi := range []*model.FileInfo{loose, elsewhere} {
			if got := get(s.GetFileInfo(ctx, fi.ID))(t); got.DeleteAt != 0 {
				t.Errorf("DeletePostFiles deleted file %s of no post or another post", fi.ID)
			}
		}
		sameIDs(t, "ChannelFiles after DeletePostFiles", fileIDs(get(s.ChannelFiles(ctx, ch.ID, store.Page{Limit: 10}))(t)), []string{elsewhere.ID})
		sameIDs(t, "FileInfosForPosts leaves deleted files out", fileIDs(get(s.FileInfosForPosts(ctx, []string{root.ID}))(t)[root.ID]), nil)

		must(t, s.DeleteFiles(ctx, []string{loose.ID, a.ID}, 200))
		if got := get(s.GetFileInfo(ctx, loose.ID))(t); got.DeleteAt != 200 {
			t.Errorf("after DeleteFiles: delete_at %d", got.DeleteAt)
		}
		if got := get(s.GetFileInfo(ctx, a.ID))(t); got.DeleteAt != 100 {
			t.Errorf("DeleteFiles moved an earlier delete to %d", got.DeleteAt)
		}
		must(t, s.DeleteFiles(ctx, nil, 1))
		sameIDs(t, "UserFiles, deleted ones too, oldest first", only(fileIDs(get(s.UserFiles(ctx, u.ID))(t)), []string{a.ID, b.ID, loose.ID, elsewhere.ID}),
			[]string{a.ID, b.ID, loose.ID, elsewhere.ID})

		// For good: the row goes and its bytes are queued.
		must(t, s.RemoveFileInfo(ctx, a.ID))
		wantErr(t, "GetFileInfo after RemoveFileInfo", second(s.GetFileInfo(ctx, a.ID)), store.ErrNotFound)
		must(t, s.RemoveFileInfos(ctx, []string{b.ID, loose.ID}))
		wantErr(t, "GetFileInfo after RemoveFileInfos", second(s.GetFileInfo(ctx, b.ID)), store.ErrNotFound)
		for _, id := range []string{a.ID, b.ID, loose.ID} {
			if !purged(t, s, store.PurgeFile, id) {
				t.Errorf("file %s removed but not queued for purge", id)
			}
		}
		must(t, s.PurgeDone(ctx, store.PurgeFile, a.ID))
		if purged(t, s, store.PurgeFile, a.ID) {
			t.Error("PurgeDone left the entry queued")
		}
		if got := get(s.PendingPurges(ctx, 1))(t); len(got) != 1 {
			t.Errorf("PendingPurges(1) = %d entries", len(got))
		}
	})
}

func testEmoji(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	u := f.user()
	tag := name("e")
	mk := func(n string, at int64) *model.Emoji {
		e := &model.Emoji{ID: model.NewID(), CreateAt: at, UpdateAt: at, CreatorID: u.ID, Name: n}
		must(t, s.SaveEmoji(ctx, e))
		return e
	}
	b := mk(tag+"_b", 10)
	a := mk(tag+"_a", 20)
	mid := mk("x"+tag+"_mid", 30)
	sameJSON(t, "GetEmoji", get(s.GetEmoji(ctx, a.ID))(t), a)
	sameJSON(t, "GetEmojiByName", get(s.GetEmojiByName(ctx, a.Name))(t), a)
	wantErr(t, "GetEmoji of nothing", second(s.GetEmoji(ctx, model.NewID())), store.ErrNotFound)
	wantErr(t, "GetEmojiByName of nothing", second(s.GetEmojiByName(ctx, name("none"))), store.ErrNotFound)
	dup := *a
	dup.ID = model.NewID()
	wantErr(t, "SaveEmoji with a taken name", s.SaveEmoji(ctx, &dup), store.ErrConflict)
	emojiIDs := func(es []*model.Emoji) []string { return ids(es, func(e *model.Emoji) string { return e.ID }) }
	sameIDs(t, "GetEmojisByNames, by name", emojiIDs(get(s.GetEmojisByNames(ctx, []string{b.Name, a.Name, "none"}))(t)), []string{a.ID, b.ID})
	sameIDs(t, "GetEmojisByNames of none", emojiIDs(get(s.GetEmojisByNames(ctx, nil))(t)), nil)
	mine := []string{a.ID, b.ID, mid.ID}
	all := store.Page{Limit: 100000}
	sameIDs(t, "ListEmoji by creation", only(emojiIDs(get(s.ListEmoji(ctx, all, false))(t)), mine), []string{b.ID, a.ID, mid.ID})
	sameIDs(t, "ListEmoji by name", only(emojiIDs(get(s.ListEmoji(ctx, all, true))(t)), mine), []string{a.ID, b.ID, mid.ID})
	for _, c := range []struct {
		what, term string
		prefix     bool
		limit      int
		want       []string
	}{
		{"prefix", tag, true, 10, []string{a.ID, b.ID}},
		{"anywhere", tag, false, 10, []string{a.ID, b.ID, mid.ID}},
		{"limited", tag, false, 1, []string{a.ID}},
		{"upper case finds lower-case names", upper(tag), true, 10, []string{a.ID, b.ID}},
		{"an underscore is literal", tag + "_", true, 10, []string{a.ID, b.ID}},
		{"a wildcard is literal", tag + "%", true, 10, nil},
	} {
		sameIDs(t, "SearchEmoji "+c.what, emojiIDs(get(s.SearchEmoji(ctx, c.term, c.prefix, c.limit))(t)), c.want)
	}

	must(t, s.DeleteEmoji(ctx, a.ID, 500))
	wantErr(t, "GetEmoji of a deleted emoji", second(s.GetEmoji(ctx, a.ID)), store.ErrNotFound)
	wantErr(t, "GetEmojiByName of a deleted emoji", second(s.GetEmojiByName(ctx, a.Name)), store.ErrNotFound)
	wantErr(t, "DeleteEmoji again", s.DeleteEmoji(ctx, a.ID, 600), store.ErrNotFound)
	if !purged(t, s, store.PurgeEmoji, a.ID) {
		t.Error("a deleted emoji's image is not queued for purge")
	}
	sameIDs(t, "SearchEmoji after a delete", emojiIDs(get(s.SearchEmoji(ctx, tag, true, 10))(t)), []string{b.ID})
}
