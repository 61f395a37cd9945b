package cli_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/testdb"
)

func TestEmojiCommands(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		h := newHarness(t, b)
		var buf bytes.Buffer
		if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 300, 300))); err != nil {
			t.Fatal(err)
		}
		img := filepath.Join(t.TempDir(), "logo.png")
		if err := os.WriteFile(img, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		if out := h.ok("emoji", "add", "acme_logo", img); !strings.HasPrefix(out, "Added emoji 'acme_logo' (") {
			t.Fatalf("add: %q", out)
		}
		h.ok("emoji", "add", "zz-top", img)
		for _, bad := range [][]string{{"acme_logo", img}, {"smile", img}, {"Bad Name", img}, {"ok_name", img + ".missing"}} {
			if _, errOut, code := h.run("", append([]string{"emoji", "add"}, bad...)...); code == 0 || errOut == "" {
				t.Fatalf("add %v: exit %d", bad, code)
			}
		}
		if n := h.count("SELECT COUNT(*) FROM emoji"); n != 2 {
			t.Fatalf("%d emoji rows", n)
		}
		out := h.ok("emoji", "list")
		if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[0], "acme_logo (id ") {
			t.Fatalf("list: %q", out)
		}
		var listed []model.Emoji
		if err := json.Unmarshal([]byte(h.ok("emoji", "list", "--json")), &listed); err != nil || len(listed) != 2 {
			t.Fatalf("list --json: %v %v", listed, err)
		}
		if _, _, code := h.run("no\n", "emoji", "delete", "acme_logo"); code == 0 {
			t.Fatal("unconfirmed delete succeeded")
		}
		if out, _, code := h.run("YES\n", "emoji", "delete", "acme_logo"); code != 0 || !strings.HasSuffix(out, "Deleted emoji 'acme_logo'\n") {
			t.Fatalf("delete: %d %q", code, out)
		}
		if _, _, code := h.run("", "emoji", "delete", "acme_logo", "--confirm"); code == 0 {
			t.Fatal("deleting a missing emoji succeeded")
		}
		if got := h.ok("emoji", "list"); !strings.HasPrefix(got, "zz-top (id ") {
			t.Fatalf("list after delete: %q", got)
		}
		// Only the remaining emoji's image is left on disk.
		images, _ := filepath.Glob(filepath.Join(b.DataDir, "files", "emoji", "*", "image"))
		if len(images) != 1 || !strings.Contains(images[0], listed[1].ID) {
			t.Fatalf("stored images %v", images)
		}
	})
}
