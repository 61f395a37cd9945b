package storetest

import (
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/search"
	"github.com/parley-chat/parley/internal/store"
)

// word is a fresh word the search indexes keep as it is.
func word() string { return name("w") + "x" }

// searchIDs runs a one-word post search as userID.
func searchIDs(t *testing.T, s store.Store, userID, w string) []string {
	t.Helper()
	q := &store.PostSearch{UserID: userID, Terms: []search.Term{{Kind: search.Word, Text: w}}, Page: store.Page{Limit: 100}}
	return postIDs(get(s.SearchPosts(newFixture(t, s).ctx, q))(t))
}

func testAdmin(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx

	t.Run("Audits", func(t *testing.T) {
		actor, target := f.user(), f.user()
		mk := func(at int64, actorID, targetID, action string) *model.Audit {
			a := &model.Audit{ID: model.NewID(), CreateAt: at, ActorID: actorID, Action: action, TargetType: "user",
				TargetID: targetID, IPAddress: "192.0.2.1", SessionID: model.NewID(), Success: true, Details: "d"}
			must(t, s.SaveAudit(ctx, a))
			return a
		}
		a1 := mk(10, actor.ID, target.ID, model.AuditUserUpdate)
		a2 := mk(20, actor.ID, "", model.AuditLogin)
		a3 := mk(30, target.ID, "", model.AuditTeamCreate)
		a4 := mk(30, "", actor.ID, model.AuditUserDeactivate)
		wantErr(t, "SaveAudit again", s.SaveAudit(ctx, a1), store.ErrConflict)
		aIDs := func(as []*model.Audit) []string { return ids(as, func(a *model.Audit) string { return a.ID }) }
		sameJSON(t, "ListAudits of a user, newest first", get(s.ListAudits(ctx, store.AuditFilter{UserID: actor.ID}))(t), []*model.Audit{a4, a2, a1})
		for _, c := range []struct {
			what string
			f    store.AuditFilter
			want []string
		}{
			{"an action", store.AuditFilter{UserID: actor.ID, Action: model.AuditLogin}, []string{a2.ID}},
			{"an action prefix", store.AuditFilter{UserID: actor.ID, Action: "user.*"}, []string{a4.ID, a2.ID, a1.ID}},
			{"since", store.AuditFilter{UserID: actor.ID, Since: 20}, []string{a4.ID, a2.ID}},
			{"until", store.AuditFilter{UserID: actor.ID, Until: 20}, []string{a1.ID}},
			{"limited", store.AuditFilter{UserID: actor.ID, Limit: 1}, []string{a4.ID}},
			{"as target too", store.AuditFilter{UserID: target.ID}, []string{a3.ID, a1.ID}},
		} {
			sameIDs(t, "ListAudits "+c.what, aIDs(get(s.ListAudits(ctx, c.f))(t)), c.want)
		}
		// After a cursor: the entries that follow, oldest first.
		sameIDs(t, "ListAudits after a cursor", aIDs(get(s.ListAudits(ctx, store.AuditFilter{UserID: actor.ID, After: &store.AuditCursor{CreateAt: 10, ID: a1.ID}}))(t)),
			[]string{a2.ID, a4.ID})
		sameIDs(t, "ListAudits after a cursor, limited", aIDs(get(s.ListAudits(ctx, store.AuditFilter{UserID: actor.ID, Limit: 1, After: &store.AuditCursor{}}))(t)),
			[]string{a1.ID})

		must(t, s.ScrubAudits(ctx, actor.ID))
		for _, a := range get(s.ListAudits(ctx, store.AuditFilter{UserID: actor.ID}))(t) {
			if a.Details != "" || a.IPAddress != "" {
				t.Errorf("audit %s after ScrubAudits: details %q ip %q", a.ID, a.Details, a.IPAddress)
			}
		}
		if got := get(s.ListAudits(ctx, store.AuditFilter{UserID: target.ID, Action: model.AuditTeamCreate}))(t); len(got) != 1 || got[0].Details != "d" {
			t.Errorf("ScrubAudits changed another user's entry: %+v", got)
		}
	})

	t.Run("BulkPostsAndRecount", func(t *testing.T) {
		c := f.channel(f.team().ID, "O")
		u := f.user()
		f.channelMember(c.ID, u.ID)
		w := word()
		mk := func(at int64, root, typ string) *model.Post {
			p := &model.Post{ID: model.NewID(), CreateAt: at, UpdateAt: at, UserID: u.ID, ChannelID: c.ID, RootID: root, Type: typ, Message: "bulk " + w}
			p.PreCommit()
			return p
		}
		root := mk(10, "", "")
		bulk := []*model.Post{root, mk(20, root.ID, ""), mk(30, "", model.PostTypeJoinChannel)}
		must(t, s.BulkInsertPosts(ctx, bulk))
		sameJSON(t, "a post of BulkInsertPosts", get(s.GetPost(ctx, root.ID))(t), root)
		sameIDs(t, "posts of BulkInsertPosts are searchable", searchIDs(t, s, u.ID, w), []string{bulk[1].ID, root.ID})
		wantErr(t, "BulkInsertPosts of a post again", s.BulkInsertPosts(ctx, bulk[:1]), store.ErrConflict)
		must(t, s.BulkInsertPosts(ctx, nil))

		imported := []*model.Post{mk(40, "", ""), mk(50, "", "")}
		must(t, s.ImportPosts(ctx, imported))
		get(s.IndexDeferredPosts(ctx))(t)
		sameIDs(t, "imported posts once indexed", searchIDs(t, s, u.ID, w), []string{imported[1].ID, imported[0].ID, bulk[1].ID, root.ID})
		if n := get(s.IndexDeferredPosts(ctx))(t); n != 0 {
			t.Errorf("IndexDeferredPosts with nothing deferred indexed %d", n)
		}
		must(t, s.AnalyzePosts(ctx))

		// Join messages move the times only.
		must(t, s.RecountChannels(ctx))
		got := get(s.GetChannel(ctx, c.ID))(t)
		if got.TotalMsgCount != 4 || got.TotalMsgCountRoot != 3 || got.LastPostAt != 50 || got.LastRootPostAt != 50 {
			t.Errorf("after RecountChannels: total %d roots %d last %d last root %d, want 4 3 50 50",
				got.TotalMsgCount, got.TotalMsgCountRoot, got.LastPostAt, got.LastRootPostAt)
		}
		sameIDs(t, "UserPosts, oldest first, deleted too", postIDs(get(s.UserPosts(ctx, u.ID))(t)),
			[]string{root.ID, bulk[1].ID, bulk[2].ID, imported[0].ID, imported[1].ID})
		sameIDs(t, "PostsAt", sorted(postIDs(get(s.PostsAt(ctx, c.ID, []int64{10, 30, 31}))(t))), sorted([]string{root.ID, bulk[2].ID}))
	})

	t.Run("DeletePostsPermanently", func(t *testing.T) {
		c := f.channel(f.team().ID, "O")
		u := f.user()
		root := f.post(c.ID, u.ID, 10)
		reply := f.post(c.ID, u.ID, 20, func(p *model.Post) { p.RootID = root.ID })
		keep := f.post(c.ID, u.ID, 30, func(p *model.Post) { p.RootID = root.ID })
		must(t, s.UpdateThreadStats(ctx, root.ID, 30))
		fi := f.file(u.ID, c.ID, reply.ID, 20)
		must(t, s.SaveReaction(ctx, &model.Reaction{UserID: u.ID, PostID: reply.ID, EmojiName: "smile", ChannelID: c.ID, CreateAt: 21}))
		must(t, s.SavePreferences(ctx, []model.Preference{{UserID: u.ID, Category: "flagged_post", Name: reply.ID, Value: "true"}}))
		must(t, s.DeletePostsPermanently(ctx, []string{reply.ID}))
		must(t, s.DeletePostsPermanently(ctx, nil))
		wantErr(t, "GetPost after DeletePostsPermanently", second(s.GetPost(ctx, reply.ID)), store.ErrNotFound)
		wantErr(t, "its file", second(s.GetFileInfo(ctx, fi.ID)), store.ErrNotFound)
		if !purged(t, s, store.PurgeFile, fi.ID) {
			t.Error("its file's bytes are not queued for purge")
		}
		if n := len(get(s.ListReactions(ctx, reply.ID))(t)); n != 0 {
			t.Errorf("its reactions: %d left", n)
		}
		wantErr(t, "its flag", second(s.GetPreference(ctx, u.ID, "flagged_post", reply.ID)), store.ErrNotFound)
		if got := get(s.GetPost(ctx, root.ID))(t); got.ReplyCount != 1 || got.LastReplyAt != keep.CreateAt {
			t.Errorf("root after DeletePostsPermanently: replies %d last %d, want 1 %d", got.ReplyCount, got.LastReplyAt, keep.CreateAt)
		}
	})

	t.Run("PurgeUser", func(t *testing.T) {
		c := f.channel(f.team().ID, "O")
		gone, stays, ghost := f.user(), f.user(), f.user()
		f.channelMember(c.ID, gone.ID)
		mine := f.post(c.ID, gone.ID, 10)
		theirs := f.post(c.ID, stays.ID, 20)
		must(t, s.SaveReaction(ctx, &model.Reaction{UserID: gone.ID, PostID: theirs.ID, EmojiName: "smile", ChannelID: c.ID, CreateAt: 21}))
		must(t, s.SetHasReactions(ctx, theirs.ID, true, 21))
		f.session(gone.ID)
		must(t, s.PurgeUser(ctx, gone.ID, ""))
		wantErr(t, "GetUser after PurgeUser", second(s.GetUser(ctx, gone.ID)), store.ErrNotFound)
		wantErr(t, "their post", second(s.GetPost(ctx, mine.ID)), store.ErrNotFound)
		wantErr(t, "their membership", second(s.GetChannelMember(ctx, c.ID, gone.ID)), store.ErrNotFound)
		sameIDs(t, "their sessions", sessionIDs(get(s.ListSessions(ctx, gone.ID))(t)), nil)
		if got := get(s.GetPost(ctx, theirs.ID))(t); got.HasReactions {
			t.Error("a post whose only reaction was the purged user's still has reactions")
		}
		wantErr(t, "PurgeUser again", s.PurgeUser(ctx, gone.ID, ""), store.ErrNotFound)

		// Anonymised: the posts stay, emptied, under the placeholder.
		anon := f.user()
		kept := f.post(c.ID, anon.ID, 30)
		must(t, s.PurgeUser(ctx, anon.ID, ghost.ID))
		got := get(s.GetPost(ctx, kept.ID))(t)
		if got.UserID != ghost.ID || got.Message != "" {
			t.Errorf("an anonymised post: author %s message %q", got.UserID, got.Message)
		}
	})

	t.Run("Export", func(t *testing.T) {
		c := f.channel(f.team().ID, "O")
		u := f.user()
		r1 := f.post(c.ID, u.ID, 10)
		r2 := f.post(c.ID, u.ID, 20)
		r3 := f.post(c.ID, u.ID, 20)
		if r3.ID < r2.ID {
			r2, r3 = r3, r2
		}
		f.post(c.ID, u.ID, 25, func(p *model.Post) { p.DeleteAt = 26 })
		a := f.post(c.ID, u.ID, 30, func(p *model.Post) { p.RootID = r1.ID })
		b := f.post(c.ID, u.ID, 40, func(p *model.Post) { p.RootID = r2.ID })
		f.post(c.ID, u.ID, 50, func(p *model.Post) { p.RootID = r1.ID; p.DeleteAt = 51 })
		sameIDs(t, "ExportRootPosts, live, oldest first", postIDs(get(s.ExportRootPosts(ctx, c.ID, 0, "", 10))(t)), []string{r1.ID, r2.ID, r3.ID})
		sameIDs(t, "ExportRootPosts after a cursor", postIDs(get(s.ExportRootPosts(ctx, c.ID, 20, r2.ID, 10))(t)), []string{r3.ID})
		sameIDs(t, "ExportRootPosts limited", postIDs(get(s.ExportRootPosts(ctx, c.ID, 0, "", 1))(t)), []string{r1.ID})
		sameIDs(t, "ExportReplies, live, oldest first", postIDs(get(s.ExportReplies(ctx, []string{r1.ID, r2.ID}))(t)), []string{a.ID, b.ID})
		sameIDs(t, "ExportReplies of none", postIDs(get(s.ExportReplies(ctx, nil))(t)), nil)

		dm, gm := f.channel("", "D"), f.channel("", "G")
		first := min(dm.ID, gm.ID)
		got := only(channelIDs(get(s.ListGroupAndDirectChannels(ctx, "", 100000))(t)), []string{dm.ID, gm.ID, c.ID})
		sameIDs(t, "ListGroupAndDirectChannels, by id", got, sorted([]string{dm.ID, gm.ID}))
		sameIDs(t, "ListGroupAndDirectChannels after a cursor", only(channelIDs(get(s.ListGroupAndDirectChannels(ctx, first, 100000))(t)), []string{dm.ID, gm.ID}),
			[]string{max(dm.ID, gm.ID)})
	})
}
