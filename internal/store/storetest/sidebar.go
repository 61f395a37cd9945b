package storetest

import (
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func categoryIDs(cs []*model.SidebarCategory) []string {
	return ids(cs, func(c *model.SidebarCategory) string { return c.ID })
}

// Custom categories hold the channels moved into them, one category per
// channel in a team; a default category takes its channels back.
func testSidebarCategories(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	u, tm := f.user(), f.team()
	a, b, c := model.NewID(), model.NewID(), model.NewID()
	chs := &model.SidebarCategory{ID: "channels_" + u.ID + "_" + tm.ID, Type: model.SidebarCategoryChannels, SortOrder: 20}
	one := &model.SidebarCategory{ID: model.NewID(), Type: model.SidebarCategoryCustom, DisplayName: "One", SortOrder: 10,
		ChannelIDs: []string{b, a}}
	must(t, s.SaveSidebarCategories(ctx, u.ID, tm.ID, []*model.SidebarCategory{chs, one}))
	got := get(s.SidebarCategoryRows(ctx, u.ID, tm.ID))(t)
	sameIDs(t, "SidebarCategoryRows by sort order", categoryIDs(got), []string{one.ID, chs.ID})
	sameIDs(t, "custom channels in their order", got[0].ChannelIDs, []string{b, a})
	if got[0].DisplayName != "One" || got[0].Type != model.SidebarCategoryCustom || got[0].UserID != u.ID || got[0].TeamID != tm.ID {
		t.Fatalf("row %+v", got[0])
	}
	sameIDs(t, "other team", categoryIDs(get(s.SidebarCategoryRows(ctx, u.ID, f.team().ID))(t)), nil)

	// A second custom category takes a; the channels category takes b back;
	// a nil ChannelIDs keeps the channels of the first while it moves.
	two := &model.SidebarCategory{ID: model.NewID(), Type: model.SidebarCategoryCustom, DisplayName: "Two", SortOrder: 0,
		ChannelIDs: []string{a, c}}
	chs.ChannelIDs = []string{b}
	one.ChannelIDs, one.DisplayName, one.Collapsed, one.SortOrder = nil, "Renamed", true, 30
	must(t, s.SaveSidebarCategories(ctx, u.ID, tm.ID, []*model.SidebarCategory{two, chs, one}))
	got = get(s.SidebarCategoryRows(ctx, u.ID, tm.ID))(t)
	sameIDs(t, "after the moves", categoryIDs(got), []string{two.ID, chs.ID, one.ID})
	sameIDs(t, "two", got[0].ChannelIDs, []string{a, c})
	sameIDs(t, "channels holds none", got[1].ChannelIDs, nil)
	sameIDs(t, "one lost both", got[2].ChannelIDs, nil)
	if got[2].DisplayName != "Renamed" || !got[2].Collapsed {
		t.Fatalf("updated row %+v", got[2])
	}

	must(t, s.DeleteSidebarCategory(ctx, u.ID, tm.ID, two.ID))
	must(t, s.DeleteSidebarCategory(ctx, u.ID, tm.ID, two.ID))
	sameIDs(t, "after delete", categoryIDs(get(s.SidebarCategoryRows(ctx, u.ID, tm.ID))(t)), []string{chs.ID, one.ID})
	// Its channels are free: another category can take them.
	one.ChannelIDs = []string{a}
	must(t, s.SaveSidebarCategories(ctx, u.ID, tm.ID, []*model.SidebarCategory{one}))
	sameIDs(t, "a in one", get(s.SidebarCategoryRows(ctx, u.ID, tm.ID))(t)[1].ChannelIDs, []string{a})
}

// A reminder is replaced by a later one and taken once when due.
func testPostReminders(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	u, v := f.user(), f.user()
	ch := f.channel(f.team().ID, "O")
	p, q := f.post(ch.ID, u.ID, 1), f.post(ch.ID, u.ID, 2)
	must(t, s.SetPostReminder(ctx, &model.PostReminder{PostID: p.ID, UserID: u.ID, TargetTime: 100}))
	must(t, s.SetPostReminder(ctx, &model.PostReminder{PostID: p.ID, UserID: u.ID, TargetTime: 300}))
	must(t, s.SetPostReminder(ctx, &model.PostReminder{PostID: q.ID, UserID: u.ID, TargetTime: 200}))
	must(t, s.SetPostReminder(ctx, &model.PostReminder{PostID: p.ID, UserID: v.ID, TargetTime: 250}))

	key := func(r *model.PostReminder) string { return r.PostID + "/" + r.UserID }
	sameIDs(t, "none due", ids(get(s.TakeDuePostReminders(ctx, 199, 10))(t), key), nil)
	sameIDs(t, "due by target time, at most limit", ids(get(s.TakeDuePostReminders(ctx, 300, 1))(t), key), []string{q.ID + "/" + u.ID})
	sameJSON(t, "the rest", get(s.TakeDuePostReminders(ctx, 300, 10))(t), []*model.PostReminder{
		{PostID: p.ID, UserID: v.ID, TargetTime: 250}, {PostID: p.ID, UserID: u.ID, TargetTime: 300}})
	sameIDs(t, "taken once", ids(get(s.TakeDuePostReminders(ctx, 1000, 10))(t), key), nil)

	// Nodes taking at once share the due reminders: none is taken twice.
	for range 20 {
		must(t, s.SetPostReminder(ctx, &model.PostReminder{PostID: f.post(ch.ID, u.ID, 3).ID, UserID: v.ID, TargetTime: 50}))
	}
	taken := make(chan []*model.PostReminder, 4)
	for range 4 {
		go func() {
			var all []*model.PostReminder
			for {
				rs, err := s.TakeDuePostReminders(ctx, 100, 3)
				if err != nil {
					t.Errorf("TakeDuePostReminders at once: %v", err)
				}
				if err != nil || len(rs) == 0 {
					taken <- all
					return
				}
				all = append(all, rs...)
			}
		}()
	}
	seen := map[string]bool{}
	for range 4 {
		for _, r := range <-taken {
			if seen[key(r)] {
				t.Fatalf("reminder %s taken twice", key(r))
			}
			seen[key(r)] = true
		}
	}
	if len(seen) != 20 {
		t.Fatalf("%d of 20 reminders taken", len(seen))
	}
}

// The user report pages by a cursor either way, filters, and counts posts
// within the date range.
func testUserReport(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	tag := name("rep")
	mk := func(n string, mods ...func(*model.User)) *model.User {
		return f.user(append(mods, func(u *model.User) { u.Username, u.Email = tag+n, tag+n+"@example.com" })...)
	}
	a, b := mk("a"), mk("b", func(u *model.User) { u.Roles = "system_user system_admin" })
	c := mk("c", func(u *model.User) { u.DeleteAt = 5 })
	tm := f.team()
	f.teamMember(tm.ID, a.ID)
	ch := f.channel(tm.ID, "O")
	f.post(ch.ID, a.ID, 86400000*10+1)
	f.post(ch.ID, a.ID, 86400000*10+2)
	f.post(ch.ID, a.ID, 86400000*12)
	f.post(ch.ID, a.ID, 86400000*12, func(p *model.Post) { p.Type = model.PostTypeJoinChannel })
	must(t, s.RecordLogin(ctx, a.ID, 4000))
	q := func(mod func(*model.UserReportQuery)) *model.UserReportQuery {
		r := &model.UserReportQuery{SortColumn: "username", PageSize: 2, Search: tag}
		if mod != nil {
			mod(r)
		}
		return r
	}
	names := func(rs []*model.UserReport) []string {
		return ids(rs, func(r *model.UserReport) string { return r.Username })
	}
	page := get(s.UserReport(ctx, q(nil)))(t)
	sameIDs(t, "first page", names(page), []string{a.Username, b.Username})
	if page[0].TotalPosts != 3 || page[0].DaysActive != 2 || page[0].LastPostDate != 86400000*12 || page[0].LastLoginAt != 4000 ||
		page[1].LastLoginAt != 0 {
		t.Fatalf("a's figures %+v", page[0])
	}
	sameIDs(t, "next page", names(get(s.UserReport(ctx, q(func(r *model.UserReportQuery) {
		r.FromColumnValue, r.FromID = b.Username, b.ID
	})))(t)), []string{c.Username})
	sameIDs(t, "previous page", names(get(s.UserReport(ctx, q(func(r *model.UserReportQuery) {
		r.FromColumnValue, r.FromID, r.Prev, r.PageSize = c.Username, c.ID, true, 1
	})))(t)), []string{b.Username})
	sameIDs(t, "descending", names(get(s.UserReport(ctx, q(func(r *model.UserReportQuery) { r.Desc = true })))(t)),
		[]string{c.Username, b.Username})
	sameIDs(t, "role", names(get(s.UserReport(ctx, q(func(r *model.UserReportQuery) { r.Role = "system_admin" })))(t)), []string{b.Username})
	sameIDs(t, "team", names(get(s.UserReport(ctx, q(func(r *model.UserReportQuery) { r.TeamID = tm.ID })))(t)), []string{a.Username})
	sameIDs(t, "no team, active", names(get(s.UserReport(ctx, q(func(r *model.UserReportQuery) { r.HasNoTeam, r.HideInactive = true, true })))(t)),
		[]string{b.Username})
	sameIDs(t, "inactive", names(get(s.UserReport(ctx, q(func(r *model.UserReportQuery) { r.HideActive = true })))(t)), []string{c.Username})
	in := get(s.UserReport(ctx, q(func(r *model.UserReportQuery) { r.PostsFrom, r.PostsTo = 86400000*11, 86400000*13 })))(t)
	if in[0].TotalPosts != 1 || in[0].DaysActive != 1 {
		t.Fatalf("a's figures in range %+v", in[0])
	}
	if n := get(s.CountUserReport(ctx, q(nil)))(t); n != 3 {
		t.Fatalf("CountUserReport = %d", n)
	}
	if n := get(s.CountUserReport(ctx, q(func(r *model.UserReportQuery) { r.HideInactive = true })))(t); n != 2 {
		t.Fatalf("CountUserReport of the active = %d", n)
	}
}
