package app_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
	"github.com/parley-chat/parley/internal/testdb"
)

// A compliance export of PARLEY_COMPLIANCE_BIG posts (1,000,000 with =1)
// in 100 channels keeps its heap bounded by one page, not by the posts:
// the peak heap, sampled every 10 ms, must stay under 64 MiB. Gated: filling
// the database takes minutes. Figures: docs/performance.md.
func TestComplianceExportBig(t *testing.T) {
	n := 0
	switch v := os.Getenv("PARLEY_COMPLIANCE_BIG"); v {
	case "":
		t.Skip("set PARLEY_COMPLIANCE_BIG=1 (1,000,000 posts) or a post count")
	case "1":
		n = 1_000_000
	default:
		if _, err := fmt.Sscan(v, &n); err != nil {
			t.Fatal(err)
		}
	}
	b := testdb.Backend{Name: "sqlite", DataDir: t.TempDir()}
	a, st := newAppStore(t, b)
	ctx := context.Background()
	u := &model.User{ID: model.NewID(), CreateAt: 1, UpdateAt: 1, Username: "ann", Email: "ann@example.com", Roles: model.RoleSystemUser}
	u.PreSave()
	team := &model.Team{ID: model.NewID(), Name: "staff", DisplayName: "Staff", Type: "O", InviteID: model.NewID()}
	if err := st.SaveUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	var chs []string
	for i := range 100 {
		ch := &model.Channel{ID: model.NewID(), TeamID: team.ID, Type: "O", Name: fmt.Sprintf("c%d", i), DisplayName: fmt.Sprintf("C%d", i)}
		if err := st.SaveChannel(ctx, ch); err != nil {
			t.Fatal(err)
		}
		if err := st.SaveChannelMember(ctx, &model.ChannelMember{ChannelID: ch.ID, UserID: u.ID, SchemeUser: true,
			NotifyProps: model.DefaultChannelNotifyProps(), LastUpdateAt: 1}); err != nil {
			t.Fatal(err)
		}
		chs = append(chs, ch.ID)
	}
	fill := time.Now()
	const batch = 5000
	for i := 0; i < n; i += batch {
		// Many posts a statement, as an import writes them: the export reads
		// what is there, and SavePost one by one would take most of the run.
		posts := make([]*model.Post, 0, batch)
		for j := i; j < min(i+batch, n); j++ {
			at := int64(1_000_000 + j)
			posts = append(posts, &model.Post{ID: model.NewID(), CreateAt: at, UpdateAt: at, UserID: u.ID, ChannelID: chs[j%len(chs)],
				Message: fmt.Sprintf("message number %d, long enough to look like a sentence people write", j),
				Props:   map[string]any{}, FileIDs: []string{}})
		}
		err := st.Tx(ctx, func(tx store.Store) error { return tx.BulkInsertPosts(ctx, posts) })
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("filled %d posts in %s", n, time.Since(fill).Round(time.Second))

	for _, format := range []string{model.ComplianceExportCSV, model.ComplianceExportActiance, model.ComplianceExportGlobalRelay} {
		cw := &countingWriter{}
		var rep *app.ComplianceExportReport
		var err error
		mib, before, took := measureHeap(func() {
			rep, err = a.ComplianceExport(ctx, app.SystemSession(), cw, app.ComplianceExportOptions{Format: format, From: 0,
				To: model.Now(), BatchSize: 10000})
		})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Posts != int64(n) {
			t.Errorf("%s: %d posts exported, want %d", format, rep.Posts, n)
		}
		t.Logf("%s: %d posts, %.0f MiB written, %s (%.0f posts/s), peak heap %.1f MiB (%.1f MiB before)", format, rep.Posts,
			float64(cw.n)/(1<<20), took.Round(time.Millisecond), float64(rep.Posts)/took.Seconds(), mib,
			before)
		if mib > 64 {
			t.Errorf("%s: peak heap %.1f MiB, over 64 MiB", format, mib)
		}
	}
}
