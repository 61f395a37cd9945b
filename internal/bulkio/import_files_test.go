package bulkio_test

import (
	"archive/zip"
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/bulk"
	"github.com/parley-chat/parley/internal/bulkio"
	"github.com/parley-chat/parley/internal/testdb"
)

func jpegBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		for y := 0; y < h; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 2), uint8(y * 2), 100, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		for y := 0; y < h; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 40), uint8(y * 40), 200, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writeZip builds an import zip: the lines as data.jsonl and files under data/.
func writeZip(t testing.TB, lines []string, files map[string][]byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "data.zip")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	w, _ := zw.Create("data.jsonl")
	io.WriteString(w, strings.Join(lines, "\n")+"\n")
	for name, b := range files {
		w, _ := zw.Create("data/" + name)
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

var filesHeader = []string{
	`{"type":"version","version":1}`,
	`{"type":"emoji","emoji":{"name":"parley_ship","image":"emoji/parley_ship.png"}}`,
	`{"type":"team","team":{"name":"demo","display_name":"Demo","type":"O"}}`,
	`{"type":"channel","channel":{"team":"demo","name":"dev","display_name":"Dev","type":"O"}}`,
	`{"type":"user","user":{"username":"alice","email":"alice@example.com","teams":[{"name":"demo","channels":[{"name":"dev"}]}]}}`,
	`{"type":"user","user":{"username":"bob","email":"bob@example.com","teams":[{"name":"demo","channels":[{"name":"dev"}]}]}}`,
}

// zipContents reads an export zip: its sorted lines without the version line,
// with storage ids blanked (they differ between servers), and its data/ files
// by the path's last element.
func zipContents(t *testing.T, b []byte) (lines []string, files map[string][]byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	ids := regexp.MustCompile(`(f/)[a-z0-9]{2}/[a-z0-9]{26}/|(emoji/)[a-z0-9]{26}/|(users/)[a-z0-9]{26}/[0-9]+`)
	files = map[string][]byte{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		if zf.Name == "import.jsonl" {
			lines = strings.Split(strings.TrimSpace(ids.ReplaceAllString(string(data), "${1}${2}${3}ID/")), "\n")[1:]
			slices.Sort(lines)
			continue
		}
		files[ids.ReplaceAllString(strings.TrimPrefix(zf.Name, "data/"), "${1}${2}${3}ID/")] = data
	}
	return lines, files
}

func exportZip(t *testing.T, a *app.App) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := bulkio.ExportBulkZip(context.Background(), a, app.SystemSession(), &buf, true); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestBulkAttachmentsRoundTrip: a zip with attachments (a text file and an
// image on a post, a reply and a direct post) and a custom emoji imports,
// exports with its files, imports into an empty server and exports the same.
func TestBulkAttachmentsRoundTrip(t *testing.T) {
	pic := pngBytes(t, 300, 200)
	files := map[string][]byte{
		"emoji/parley_ship.png": pngBytes(t, 64, 64),
		"files/notes.txt":       []byte("release notes\n"),
		"img/pic.png":           pic,
		"files/reply.log":       []byte("log line\n"),
		"dm/hello.txt":          []byte("hi\n"),
	}
	files["faces/alice.jpg"] = jpegBytes(t, 90, 120)
	header := slices.Clone(filesHeader)
	header[4] = strings.Replace(header[4], `"username":"alice",`, `"username":"alice","profile_image":"faces/alice.jpg",`, 1)
	lines := append(header,
		`{"type":"post","post":{"team":"demo","channel":"dev","user":"alice","message":"files :parley_ship:","create_at":1700000000000,`+
			`"attachments":[{"path":"files/notes.txt"},{"path":"img/pic.png"}],`+
			`"reactions":[{"user":"bob","emoji_name":"parley_ship","create_at":1700000000500}],`+
			`"replies":[{"user":"bob","message":"log","create_at":1700000001000,"attachments":[{"path":"files/reply.log"}]}]}}`,
		`{"type":"direct_channel","direct_channel":{"members":["alice","bob"]}}`,
		`{"type":"direct_post","direct_post":{"channel_members":["alice","bob"],"user":"bob","message":"see","create_at":1700000002000,`+
			`"attachments":[{"path":"dm/hello.txt"}]}}`)
	path := writeZip(t, lines, files)
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		a := newApp(t, b)
		if rep := importFile(t, a, path, false); rep.ErrorCount != 0 {
			t.Fatalf("validate: %v", errs(rep))
		}
		rep := importFile(t, a, path, true)
		if rep.ErrorCount != 0 || rep.Imported["attachments"] != 4 || rep.Imported["emoji"] != 1 {
			t.Fatalf("apply: %+v %v", rep.Imported, errs(rep))
		}
		first := exportZip(t, a)
		l1, f1 := zipContents(t, first)
		for name, want := range map[string][]byte{"f/ID/notes.txt": files["files/notes.txt"], "f/ID/pic.png": pic,
			"f/ID/reply.log": files["files/reply.log"], "f/ID/hello.txt": files["dm/hello.txt"]} {
			if !bytes.Equal(f1[name], want) {
				t.Errorf("exported %s = %q", name, f1[name])
			}
		}
		if len(f1["emoji/ID/image"]) == 0 {
			t.Errorf("emoji image not exported: %v", f1)
		}
		if m, _, err := image.Decode(bytes.NewReader(f1["users/ID/.png"])); err != nil || m.Bounds().Dx() != app.ProfileImageSide ||
			m.Bounds().Dy() != app.ProfileImageSide {
			t.Errorf("profile image not exported as a %d px square PNG: %v", app.ProfileImageSide, err)
		}
		joined := strings.Join(l1, "\n")
		for _, want := range []string{`"attachments":[{"path":"f/ID/notes.txt"},{"path":"f/ID/pic.png"}]`,
			`{"type":"emoji","emoji":{"name":"parley_ship","image":"emoji/ID/image"}}`, `"attachments":[{"path":"f/ID/hello.txt"}]`,
			`{"type":"user","user":{"profile_image":"users/ID/.png","username":"alice"`} {
			if !strings.Contains(joined, want) {
				t.Errorf("export lacks %s:\n%s", want, joined)
			}
		}

		p := filepath.Join(t.TempDir(), "export.zip")
		if err := os.WriteFile(p, first, 0o600); err != nil {
			t.Fatal(err)
		}
		dst := newApp(t, testdb.Backend{Name: b.Name, DSN: freshDSN(t, b), DataDir: t.TempDir()})
		if rep := importFile(t, dst, p, true); rep.ErrorCount != 0 || rep.Imported["attachments"] != 4 {
			t.Fatalf("import of the export: %+v %v", rep.Imported, errs(rep))
		}
		l2, f2 := zipContents(t, exportZip(t, dst))
		if d := diff(l1, l2); d != "" {
			t.Fatalf("round trip differs:\n%s", d)
		}
		if len(f1) != len(f2) {
			t.Fatalf("files differ: %d vs %d", len(f1), len(f2))
		}
		for name, data := range f1 {
			if !bytes.Equal(f2[name], data) {
				t.Errorf("file %s differs after the round trip", name)
			}
		}
		again := importFile(t, dst, p, true)
		if again.ErrorCount != 0 || len(again.Imported) != 0 {
			t.Fatalf("re-import changed something: %+v %v", again.Imported, errs(again))
		}
		if l3, _ := zipContents(t, exportZip(t, dst)); diff(l1, l3) != "" {
			t.Fatalf("after re-import:\n%s", diff(l1, l3))
		}
	})
}

// TestBulkAttachmentsPreview: an imported image gets its thumbnail and
// preview like an upload.
func TestBulkAttachmentsPreview(t *testing.T) {
	lines := append(slices.Clone(filesHeader),
		`{"type":"post","post":{"team":"demo","channel":"dev","user":"alice","message":"pic","create_at":1700000000000,"attachments":[{"path":"pic.png"}]}}`)
	path := writeZip(t, lines, map[string][]byte{"emoji/parley_ship.png": pngBytes(t, 8, 8), "pic.png": pngBytes(t, 300, 200)})
	a := newApp(t, testdb.Backend{Name: "sqlite", DataDir: t.TempDir()})
	if rep := importFile(t, a, path, true); rep.ErrorCount != 0 {
		t.Fatal(errs(rep))
	}
	_, files := zipContents(t, exportZip(t, a))
	if len(files["f/ID/pic.png"]) == 0 {
		t.Fatalf("no picture exported: %v", files)
	}
	raw := exportZip(t, a)
	id := regexp.MustCompile(`f/[a-z0-9]{2}/([a-z0-9]{26})/pic\.png`).FindSubmatch(raw)
	if id == nil {
		t.Fatal("no file path in export")
	}
	f, err := a.GetFileInfo(context.Background(), app.SystemSession(), string(id[1]))
	if err != nil {
		t.Fatal(err)
	}
	if !f.HasPreviewImage || f.Width != 300 || f.Height != 200 || f.PostID == "" || f.MimeType != "image/png" {
		t.Fatalf("file info %+v", f)
	}
	_, obj, _, err := a.OpenFile(context.Background(), app.SystemSession(), f.ID, app.FileThumbnail)
	if err != nil {
		t.Fatal(err)
	}
	obj.Close()
}

// TestBulkAttachmentErrors: a file missing from the zip, a path leaving data/
// and a missing emoji image are reported with line and field by --validate,
// and with --apply nothing of the failing batch is written.
func TestBulkAttachmentErrors(t *testing.T) {
	good := map[string][]byte{"emoji/parley_ship.png": pngBytes(t, 8, 8)}
	post := func(att string) string {
		return `{"type":"post","post":{"team":"demo","channel":"dev","user":"alice","message":"m","create_at":1700000000000,` +
			`"replies":[{"user":"bob","message":"r","create_at":1700000001000,"attachments":[{"path":"` + att + `"}]}]}}`
	}
	cases := []struct {
		name, line, field, id string
		files                 map[string][]byte
		// applyOnly: found while storing (validation only looks the file up).
		applyOnly bool
	}{
		{"missing in zip", post("files/nope.txt"), "post.replies[0].attachments[0].path", "app.import.attachment.bad_file.error", good, false},
		{"path traversal", post("../../etc/passwd"), "post.replies[0].attachments[0].path",
			"app.import.validate_attachment_import_data.path_invalid.error", good, false},
		{"absolute path in zip", post("/etc/passwd"), "post.replies[0].attachments[0].path", "app.import.attachment.bad_file.error", good, false},
		{"missing emoji image", "", "emoji.image", "app.import.attachment.bad_file.error", map[string][]byte{}, false},
		{"missing profile image", userWithPicture("faces/nope.png"), "user.profile_image", "app.import.attachment.bad_file.error", good, false},
		{"profile image path traversal", userWithPicture("../faces/x.png"), "user.profile_image",
			"app.import.validate_user_import_data.profile_image.error", good, false},
		{"profile image not an image", userWithPicture("faces/x.png"), "user.profile_image",
			"api.user.upload_profile_user.decode.app_error", map[string][]byte{"emoji/parley_ship.png": pngBytes(t, 8, 8),
				"faces/x.png": []byte("<svg xmlns='http://www.w3.org/2000/svg'/>")}, true},
	}
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				lines := slices.Clone(filesHeader)
				want := 2
				if c.line != "" {
					lines = append(lines, c.line)
					want = len(lines)
				}
				path := writeZip(t, lines, c.files)
				a := newApp(t, testdb.Backend{Name: b.Name, DSN: freshDSN(t, b), DataDir: t.TempDir()})
				for _, apply := range []bool{false, true} {
					if c.applyOnly && !apply {
						continue
					}
					rep := importFile(t, a, path, apply)
					if rep.ErrorCount != 1 || rep.Errors[0].Line != want || rep.Errors[0].Field != c.field || rep.Errors[0].ID != c.id {
						t.Fatalf("apply=%v: %+v", apply, errs(rep))
					}
					// Earlier blocks are written; the failing line's batch is not.
					if apply && (rep.Imported["posts"] != 0 || rep.Imported["attachments"] != 0 || (c.line == "" && rep.Imported["emoji"] != 0) ||
						rep.Imported["users"] > 2) {
						t.Fatalf("half-written: %+v", rep.Imported)
					}
				}
			})
		}
	})
}

// userWithPicture is a user line naming a profile image.
func userWithPicture(path string) string {
	return `{"type":"user","user":{"username":"carol","email":"carol@example.com","profile_image":"` + path + `"}}`
}

// TestBulkAttachmentsDir: a JSONL file's attachments come from the directory
// given as the import path.
func TestBulkAttachmentsDir(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "emoji"), 0o700)
	os.WriteFile(filepath.Join(dir, "emoji", "parley_ship.png"), pngBytes(t, 8, 8), 0o600)
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a"), 0o600)
	lines := append(slices.Clone(filesHeader),
		`{"type":"post","post":{"team":"demo","channel":"dev","user":"alice","message":"m","create_at":1700000000000,"attachments":[{"path":"a.txt"}]}}`)
	src, err := bulk.Open(writeFile(t, lines), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	a := newApp(t, testdb.Backend{Name: "sqlite", DataDir: t.TempDir()})
	rep, err := bulkio.ImportBulk(context.Background(), a, app.SystemSession(), src, bulkio.ImportOptions{Apply: true, Workers: 2})
	if err != nil || rep.ErrorCount != 0 || rep.Imported["attachments"] != 1 || rep.Imported["emoji"] != 1 {
		t.Fatalf("%v %+v %v", err, rep.Imported, errs(rep))
	}
}
