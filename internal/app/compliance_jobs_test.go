package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/testdb"
)

// The daily compliance export is queued once a day, from its run time on,
// and only while MessageExportSettings.EnableExport is on.
func TestMessageExportSchedule(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		a := newApp(t, b)
		ctx := context.Background()
		jobs := func() int {
			t.Helper()
			js, err := a.ListJobsByType(ctx, app.SystemSession(), model.JobTypeMessageExport, 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, j := range js {
				if j.Data["export_type"] != "csv" {
					t.Errorf("job data %v, want the configured format", j.Data)
				}
			}
			return len(js)
		}
		now := time.Now()
		set := func(enable bool, at string) {
			cfg := *a.Config()
			cfg.MessageExportEnable, cfg.MessageExportDailyRunTime, cfg.MessageExportFormat = enable, at, "csv"
			a.SetConfig(cfg)
		}
		step := func(at time.Time, want int) {
			t.Helper()
			if err := a.ScheduleMessageExport(ctx, at); err != nil {
				t.Fatal(err)
			}
			if n := jobs(); n != want {
				t.Fatalf("at %s: %d jobs, want %d", at, n, want)
			}
		}
		set(false, "00:00")
		step(now, 0) // turned off
		set(true, "23:59")
		step(time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 30, 0, now.Location()), 0) // not yet due
		set(true, "00:00")
		step(now, 1)
		step(now.Add(time.Minute), 1)  // already queued today
		step(now.Add(24*time.Hour), 2) // the next day
	})
}
