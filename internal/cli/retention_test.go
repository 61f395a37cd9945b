package cli_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/testdb"
)

// --file-days removes the files uploaded longer ago than that, rows and
// bytes, whether their post is live, deleted or never written, and keeps
// posts, newer files and the files of a channel whose own policy keeps them.
func TestRetentionRemovesOldFiles(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		h := newHarness(t, b)
		ann, _, keep, old, keepPost, oldPost := h.seed()
		ctx := context.Background()
		now := model.Now()
		daysAgo := func(d int64) int64 { return now - d*24*60*60*1000 }
		file := func(ch *model.Channel, postID string, createAt, deleteAt int64) string {
			t.Helper()
			f := &model.FileInfo{ID: model.NewID(), UserID: ann.ID, ChannelID: ch.ID, PostID: postID, CreateAt: createAt,
				UpdateAt: createAt, DeleteAt: deleteAt, Name: "a.txt", Extension: "txt", Size: 1, MimeType: "text/plain"}
			if err := h.st.SaveFileInfo(ctx, f); err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(b.DataDir, "files", "f", f.ID[:2], f.ID)
			if err := os.MkdirAll(dir, 0o750); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "file"), []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
			return f.ID
		}
		expired := []string{
			file(keep, keepPost.ID, daysAgo(40), 0),           // on a live post
			file(keep, keepPost.ID, daysAgo(40), daysAgo(35)), // of a deleted post
			file(keep, "", daysAgo(40), 0),                    // never attached
		}
		kept := []string{
			file(keep, keepPost.ID, daysAgo(2), 0), // young
			file(old, oldPost.ID, daysAgo(40), 0),  // its channel keeps files forever
		}
		posts := h.count("SELECT COUNT(*) FROM posts")
		h.ok("retention", "set", "--global", "--file-days", "30")
		h.ok("retention", "policy", "create", "Keep", "--post-days", "-1", "--file-days", "-1", "--channel", "staff:old-project")
		if out := h.ok("retention", "run", "--dry-run"); !strings.Contains(out, "Would delete 3 files in total") {
			t.Fatalf("dry run: %q", out)
		}
		if n := h.count("SELECT COUNT(*) FROM file_infos"); n != 5 {
			t.Fatalf("dry run removed files: %d left", n)
		}
		if out := h.ok("retention", "run"); !strings.Contains(out, "Deleted 3 files in total") {
			t.Fatalf("run: %q", out)
		}
		for _, id := range expired {
			if n := h.count("SELECT COUNT(*) FROM file_infos WHERE id = ?", id); n != 0 {
				t.Errorf("expired file %s still has its row", id)
			}
			if _, err := os.Stat(filepath.Join(b.DataDir, "files", "f", id[:2], id)); !os.IsNotExist(err) {
				t.Errorf("expired file %s still has its bytes: %v", id, err)
			}
		}
		for _, id := range kept {
			if n := h.count("SELECT COUNT(*) FROM file_infos WHERE id = ?", id); n != 1 {
				t.Errorf("file %s was removed", id)
			}
		}
		if n := h.count("SELECT COUNT(*) FROM posts"); n != posts {
			t.Errorf("posts %d → %d: file retention removed posts", posts, n)
		}
		if n := h.count("SELECT COUNT(*) FROM file_purges"); n != 0 {
			t.Errorf("%d purges left queued", n)
		}
	})
}

// A legal hold placed from the command line keeps its user from erasure and
// their old posts from retention, exports them, and once released lets both
// happen; a channel policy that keeps forever beats the team's.
func TestLegalHoldCommands(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		h := newHarness(t, b)
		ann, _, keep, old, _, _ := h.seed()
		ctx := context.Background()
		aged := &model.Post{ID: model.NewID(), CreateAt: model.Now() - 40*24*60*60*1000, UserID: ann.ID, ChannelID: keep.ID,
			Message: "aged"}
		aged.UpdateAt = aged.CreateAt
		aged.PreCommit()
		if err := h.st.SavePost(ctx, aged); err != nil {
			t.Fatal(err)
		}
		h.ok("retention", "policy", "create", "Staff", "--post-days", "30", "--team", "staff")
		h.ok("retention", "policy", "create", "Old", "--post-days", "-1", "--channel", "staff:"+old.Name)
		if _, stderr, code := h.run("", "retention", "policy", "add-channel", "Staff", "staff:"+old.Name); code == 0 ||
			!strings.Contains(stderr, "already belongs to retention policy") {
			t.Fatalf("a channel in two policies: exit %d, %q", code, stderr)
		}
		h.ok("legal-hold", "create", "case-ann", "--user", "ann", "--from", "2020-01-01")
		if out := h.ok("retention", "run"); !strings.Contains(out, "Deleted 0 posts in total") {
			t.Fatalf("run under hold: %q", out)
		}
		if _, stderr, code := h.run("", "user", "delete", "ann", "--confirm"); code == 0 || !strings.Contains(stderr, "legal hold (case-ann)") {
			t.Fatalf("erasing a held user: exit %d, %q", code, stderr)
		}
		file := filepath.Join(t.TempDir(), "case.jsonl")
		var n int
		if _, err := fmt.Sscanf(h.ok("legal-hold", "export", "case-ann", "--output", file), "Exported %d posts", &n); err != nil || n < 2 {
			t.Fatalf("export: %d %v", n, err)
		}
		data, err := os.ReadFile(file)
		if err != nil || strings.Count(string(data), "\n") != n+2 || !strings.Contains(string(data), `"message":"aged"`) {
			t.Fatalf("export file %q %v", data, err)
		}
		h.ok("legal-hold", "release", "case-ann")
		if out := h.ok("retention", "run"); !strings.Contains(out, "Deleted 1 posts in total") {
			t.Fatalf("run after release: %q", out)
		}
		h.ok("user", "delete", "ann", "--confirm")
	})
}
