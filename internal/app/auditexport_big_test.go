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

// An audit export of PARLEY_AUDIT_BIG entries (1,000,000 with =1) keeps its
// heap bounded by one batch, not by the entries: the peak heap, sampled
// every 10 ms, must stay under 32 MiB. Gated: filling the database takes
// minutes. Figures: docs/performance.md.
func TestAuditExportBig(t *testing.T) {
	n := 0
	switch v := os.Getenv("PARLEY_AUDIT_BIG"); v {
	case "":
		t.Skip("set PARLEY_AUDIT_BIG=1 (1,000,000 entries) or an entry count")
	case "1":
		n = 1_000_000
	default:
		if _, err := fmt.Sscan(v, &n); err != nil {
			t.Fatal(err)
		}
	}
	a, st := newAppStore(t, testdb.Backend{Name: "sqlite", DataDir: t.TempDir()})
	ctx := context.Background()
	actor, target := model.NewID(), model.NewID()
	fill := time.Now()
	const batch = 10000
	for i := 0; i < n; i += batch {
		err := st.Tx(ctx, func(tx store.Store) error {
			for j := i; j < min(i+batch, n); j++ {
				// Ten entries a millisecond, so batches end inside a millisecond.
				e := &model.Audit{ID: model.NewID(), CreateAt: int64(1_000_000 + j/10), ActorID: actor, Action: model.AuditUserUpdate,
					TargetType: "user", TargetID: target, IPAddress: "192.0.2.1", SessionID: actor, Success: true,
					Details: fmt.Sprintf("fields=nickname,position entry=%d", j)}
				if err := tx.SaveAudit(ctx, e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("filled %d entries in %s", n, time.Since(fill).Round(time.Second))

	cw := &countingWriter{}
	var got int64
	var err error
	mib, before, took := measureHeap(func() {
		got, err = a.ExportAudits(ctx, app.SystemSession(), store.AuditFilter{}, cw, app.AuditExportBatch, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got != int64(n) {
		t.Errorf("%d entries exported, want %d", got, n)
	}
	t.Logf("%d entries, %.0f MiB written, %s (%.0f entries/s), peak heap %.1f MiB (%.1f MiB before)", got,
		float64(cw.n)/(1<<20), took.Round(time.Millisecond), float64(got)/took.Seconds(), mib, before)
	if mib > 32 {
		t.Errorf("peak heap %.1f MiB, over 32 MiB", mib)
	}
}
