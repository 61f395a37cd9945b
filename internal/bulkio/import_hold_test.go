package bulkio_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/apptest"
	"github.com/parley-chat/parley/internal/bulk"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/testdb"
)

// TestImportWriterHold measures what a large import costs the live server:
// the latency of another user's posts while PARLEY_IMPORT_HOLD_LINES post
// lines (default 100) of PARLEY_IMPORT_HOLD_REPLIES replies each (default
// 2000) are imported on SQLite, and the test process's peak RSS. A
// measurement, not a check; docs/import-export.md quotes it:
//
//	PARLEY_IMPORT_HOLD=1 go test ./internal/app -run TestImportWriterHold -v -count=1
func TestImportWriterHold(t *testing.T) {
	if os.Getenv("PARLEY_IMPORT_HOLD") == "" {
		t.Skip("set PARLEY_IMPORT_HOLD=1 to measure")
	}
	lines, replies := 100, 2000
	if v, _ := strconv.Atoi(os.Getenv("PARLEY_IMPORT_HOLD_LINES")); v > 0 {
		lines = v
	}
	if v, _ := strconv.Atoi(os.Getenv("PARLEY_IMPORT_HOLD_REPLIES")); v > 0 {
		replies = v
	}
	b := testdb.Backend{Name: "sqlite", DataDir: t.TempDir()}
	if os.Getenv("PARLEY_IMPORT_HOLD_PG") != "" {
		b = testdb.Backend{Name: "postgres", DSN: testdb.Postgres(t).DSN, DataDir: t.TempDir()}
	}
	a, db := apptest.New(t, b)
	base := []string{`{"type":"version","version":1}`,
		`{"type":"team","team":{"name":"big","display_name":"Big","type":"O"}}`,
		`{"type":"channel","channel":{"team":"big","name":"flood","display_name":"Flood","type":"O"}}`,
		`{"type":"channel","channel":{"team":"big","name":"live","display_name":"Live","type":"O"}}`,
		`{"type":"user","user":{"username":"poster","email":"poster@example.com","teams":[{"name":"big","channels":[{"name":"flood"}]}]}}`,
		`{"type":"user","user":{"username":"live","email":"live@example.com","teams":[{"name":"big","channels":[{"name":"live"}]}]}}`}
	if rep := importFile(t, a, writeFile(t, base), true); rep.ErrorCount != 0 {
		t.Fatal(errs(rep))
	}
	path := filepath.Join(t.TempDir(), "flood.jsonl")
	f, _ := os.Create(path)
	w := bufio.NewWriterSize(f, 1<<20)
	enc := json.NewEncoder(w)
	enc.Encode(bulk.Line{Type: bulk.TypeVersion, Version: bulk.Ptr(1)})
	at := int64(1_600_000_000_000)
	text := strings.Repeat("flood ", 12)
	for i := range lines {
		rs := make([]bulk.PostBody, replies)
		for j := range rs {
			rs[j] = bulk.PostBody{User: bulk.Ptr("poster"), Message: bulk.Ptr(text + strconv.Itoa(j)), CreateAt: bulk.Ptr(at + int64(i*replies+j) + 1)}
		}
		enc.Encode(bulk.Line{Type: bulk.TypePost, Post: &bulk.Post{Team: bulk.Ptr("big"), Channel: bulk.Ptr("flood"),
			PostBody: bulk.PostBody{User: bulk.Ptr("poster"), Message: bulk.Ptr("root " + strconv.Itoa(i)), CreateAt: bulk.Ptr(at - int64(lines) + int64(i))}, Replies: &rs}})
	}
	w.Flush()
	f.Close()
	st, _ := os.Stat(path)

	ctx := context.Background()
	team, _ := db.GetTeamByName(ctx, "big")
	live, _ := db.GetChannelByName(ctx, team.ID, "live", false)
	u, _ := db.GetUserByUsername(ctx, "live")
	s := &model.Session{ID: model.NewID(), UserID: u.ID, Roles: model.RoleSystemUser, Props: model.StringMap{}}

	runtime.GC()
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	done := make(chan struct{})
	var lat []time.Duration
	go func() {
		defer close(done)
		start := time.Now()
		rep := importFile(t, a, path, true)
		if rep.ErrorCount != 0 {
			t.Error(errs(rep))
		}
		t.Logf("import: %d posts, %d replies in %s", rep.Imported["posts"], rep.Imported["replies"], time.Since(start).Round(time.Millisecond))
	}()
	for i := 0; i < 100_000; i++ {
		select {
		case <-done:
			i = 100_000
			continue
		default:
		}
		start := time.Now()
		if _, err := a.CreatePost(ctx, s, &model.Post{ChannelID: live.ID, Message: "still here " + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
		lat = append(lat, time.Since(start))
		time.Sleep(20 * time.Millisecond)
	}
	slices.Sort(lat)
	q := func(p float64) time.Duration {
		return lat[min(len(lat)-1, int(p*float64(len(lat))))].Round(time.Millisecond)
	}
	hwm := 0.0
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
				kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
				hwm = kb / 1024
			}
		}
	}
	fmt.Printf("%s: %d lines × %d replies (%.1f MB JSONL): %d live posts, p50 %s, p99 %s, max %s; peak RSS %.0f MiB\n",
		b.Name, lines, replies, float64(st.Size())/1e6, len(lat), q(0.5), q(0.99), lat[len(lat)-1].Round(time.Millisecond), hwm)
}
