package bulkio_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/bulk"
	"github.com/parley-chat/parley/internal/testdb"
)

// TestImportRate measures the import rate of a generated file: 1 team, 20
// channels, 50 users and PARLEY_IMPORT_BENCH_POSTS posts (a fifth of them
// thread replies, some with reactions). It runs only when that variable is
// set, so the normal test run stays small:
//
//	PARLEY_IMPORT_BENCH_POSTS=1000000 go test ./internal/bulkio -run TestImportRate -v -timeout 1h
func TestImportRate(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("PARLEY_IMPORT_BENCH_POSTS"))
	if n <= 0 {
		t.Skip("set PARLEY_IMPORT_BENCH_POSTS to run")
	}
	path := filepath.Join(t.TempDir(), "bench.jsonl")
	writeBenchFile(t, path, n)
	st, _ := os.Stat(path)
	t.Logf("file: %d posts, %.1f MB", n, float64(st.Size())/1e6)
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		a := newApp(t, b)
		start := time.Now()
		rep := importFile(t, a, path, true)
		took := time.Since(start)
		if rep.ErrorCount != 0 {
			t.Fatal(errs(rep))
		}
		posts := rep.Imported["posts"] + rep.Imported["replies"]
		t.Logf("%s: %d posts in %s: %.0f posts/s", b.Name, posts, took.Round(time.Millisecond), float64(posts)/took.Seconds())
	})
}

func writeBenchFile(t *testing.T, path string, posts int) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	enc := json.NewEncoder(w)
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(enc.Encode(bulk.Line{Type: bulk.TypeVersion, Version: bulk.Ptr(1)}))
	team := "bench"
	must(enc.Encode(bulk.Line{Type: bulk.TypeTeam, Team: &bulk.Team{Name: &team, DisplayName: bulk.Ptr("Bench"), Type: bulk.Ptr("O")}}))
	const chans, users = 20, 50
	var members []bulk.UserChannel
	for c := range chans {
		name := "channel-" + strconv.Itoa(c)
		members = append(members, bulk.UserChannel{Name: bulk.Ptr(name)})
		must(enc.Encode(bulk.Line{Type: bulk.TypeChannel, Channel: &bulk.Channel{Team: &team, Name: &name, DisplayName: &name, Type: bulk.Ptr("O")}}))
	}
	for u := range users {
		name := "user-" + strconv.Itoa(u)
		must(enc.Encode(bulk.Line{Type: bulk.TypeUser, User: &bulk.User{Username: &name, Email: bulk.Ptr(name + "@example.com"),
			Teams: &[]bulk.UserTeam{{Name: &team, Channels: &members}}}}))
	}
	at := int64(1_600_000_000_000)
	for i := 0; i < posts; {
		at += 1000
		ch := "channel-" + strconv.Itoa(i%chans)
		user := "user-" + strconv.Itoa(i%users)
		p := &bulk.Post{Team: &team, Channel: &ch, PostBody: bulk.PostBody{User: &user, Message: bulk.Ptr("Message number " + strconv.Itoa(i) +
			" about the deploy and the #release plan"), CreateAt: bulk.Ptr(at)}}
		i++
		if i%10 == 0 {
			p.Reactions = &[]bulk.Reaction{{User: bulk.Ptr("user-1"), EmojiName: bulk.Ptr("+1"), CreateAt: bulk.Ptr(at + 1)}}
		}
		if i%4 == 0 && i < posts {
			p.Replies = &[]bulk.PostBody{{User: bulk.Ptr("user-2"), Message: bulk.Ptr("reply " + strconv.Itoa(i)), CreateAt: bulk.Ptr(at + 2)}}
			i++
		}
		must(enc.Encode(bulk.Line{Type: bulk.TypePost, Post: p}))
	}
	must(w.Flush())
	must(f.Close())
}
