package cli_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/testdb"
)

// The command line's joins and leaves reach the membership history, and
// `export csv` writes them with the posts of the range.
func TestComplianceExportCommand(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		h := newHarness(t, b)
		h.seed()
		h.ok("user", "create", "--username", "cid", "--email", "cid@example.com", "--password", "Passw0rd!")
		h.ok("team", "add", "Staff", "cid")
		time.Sleep(5 * time.Millisecond)
		from := model.Now()
		time.Sleep(5 * time.Millisecond)
		h.ok("channel", "add", "staff:keep", "cid")
		keep, cid := h.channel("staff", "keep"), h.user("cid")
		// ann and bob joined before the range and stay.
		h.post(keep, cid, "hi all", "")
		h.ok("channel", "remove", "staff:keep", "cid")
		out := filepath.Join(t.TempDir(), "csv.zip")

		_, stderr, code := h.run("", "export", "csv", "--output", out)
		if code == 0 || !strings.Contains(stderr, "--exportFrom is required") {
			t.Errorf("without --exportFrom: exit %d, %q", code, stderr)
		}
		_, stderr, code = h.run("", "export", "csv", "--exportFrom", strconv.FormatInt(from, 10), "--exportTo", "1", "--output", out)
		if code == 0 || !strings.Contains(stderr, "exportTo must be after exportFrom") {
			t.Errorf("empty range: exit %d, %q", code, stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Error("a failed export left its file")
		}

		stdout := h.ok("export", "csv", "--exportFrom", strconv.FormatInt(from, 10), "--output", out)
		if !strings.HasPrefix(stdout, "Exported 1 posts from 1 channels (3 joins, 1 leaves, 0 files) to "+out) {
			t.Errorf("output %q", stdout)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		f, err := zr.Open("posts.csv")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, r := range rows[1:] {
			if r[4] != keep.ID {
				t.Errorf("row of another channel: %q", r)
			}
			kinds = append(kinds, r[15]+":"+r[14])
		}
		want := []string{"previously-joined:User ann (ann@example.com) was already in the channel",
			"previously-joined:User bob (bob@example.com) was already in the channel", "enter:User cid (cid@example.com) joined the channel", "message:hi all",
			"leave:User cid (cid@example.com) leaved the channel"}
		if strings.Join(kinds, "|") != strings.Join(want, "|") {
			t.Errorf("rows %q, want %q", kinds, want)
		}
	})
}
