package api_test

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io/fs"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

// gopher.webp is a 75×100 lossless WebP from golang.org/x/image's test data.
//
//go:embed testdata/gopher.webp
var webpImage []byte

func gradient(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.Set(x, y, color.RGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	return m
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, gradient(w, h)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jpegBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, gradient(w, h), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gifBytes(t *testing.T, w, h, frames int) []byte {
	t.Helper()
	g := &gif.GIF{}
	pal := color.Palette{color.RGBA{}, color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}}
	for i := range frames {
		fr := image.NewPaletted(image.Rect(0, 0, w, h), pal)
		for x := range w {
			fr.SetColorIndex(x, i%h, uint8(1+i%2))
		}
		g.Image, g.Delay = append(g.Image, fr), append(g.Delay, 10)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, g); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rotatedJPEG is a w×h JPEG whose EXIF orientation (6) turns it a quarter clockwise.
func rotatedJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	jpg := jpegBytes(t, w, h)
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00\x00\x00\x00\x00")
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xff, 0xe1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	out := append(append(append([]byte{}, jpg[:2]...), app1...), seg...)
	return append(out, jpg[2:]...)
}

// bombPNG declares w×h pixels in its header but carries almost no data.
func bombPNG(w, h uint32) []byte {
	chunk := func(typ string, data []byte) []byte {
		out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		out = append(append(out, typ...), data...)
		return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, w), h)
	ihdr = append(ihdr, 8, 0, 0, 0, 0)
	out := append([]byte("\x89PNG\r\n\x1a\n"), chunk("IHDR", ihdr)...)
	out = append(out, chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, chunk("IEND", nil)...)
}

type uploaded struct {
	FileInfos []*model.FileInfo `json:"file_infos"`
	ClientIDs []string          `json:"client_ids"`
}

// storedFiles counts the regular files under the server's files directory.
func storedFiles(t *testing.T, s *apitest.Server) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(filepath.Join(s.Backend.DataDir, "files"), func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.Type().IsRegular() {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func fileRows(t *testing.T, s *apitest.Server, userID string) int {
	t.Helper()
	fs, err := s.Store.UserFiles(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	return len(fs)
}

func decodeConfig(t *testing.T, b []byte) image.Config {
	t.Helper()
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || format != "jpeg" {
		t.Fatalf("not a JPEG (%s): %v", format, err)
	}
	return cfg
}

func TestFilesUploadAttachAndServe(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		carl := s.SignUp("carl") // in the team, not in the private channel
		eve := s.SignUp("eve")   // in no team
		team := admin.CreateTeam("staff", true)
		admin.AddToTeam(team.ID, bob.UserID)
		admin.AddToTeam(team.ID, carl.UserID)
		ch := admin.CreateChannel(team.ID, "design", model.ChannelPrivate)
		admin.Post("/channels/"+ch.ID+"/members", map[string]string{"user_id": bob.UserID}).Expect(http.StatusCreated)

		cases := []struct {
			name, mime string
			data       []byte
			w, h       int
		}{
			{"photo.jpg", "image/jpeg", jpegBytes(t, 400, 300), 400, 300},
			{"rotated.jpg", "image/jpeg", rotatedJPEG(t, 200, 100), 100, 200},
			{"chart.png", "image/png", pngBytes(t, 2500, 100), 2500, 100},
			{"anim.gif", "image/gif", gifBytes(t, 60, 40, 3), 60, 40},
			{"gopher.webp", "image/webp", webpImage, 75, 100},
		}
		for _, c := range cases {
			var up uploaded
			bob.Multipart("/files", [][2]string{{"channel_id", ch.ID}, {"client_ids", "c1"}}, "files",
				apitest.FilePart{Name: c.name, Data: c.data}).Expect(http.StatusCreated).JSON(&up)
			if len(up.FileInfos) != 1 || len(up.ClientIDs) != 1 || up.ClientIDs[0] != "c1" {
				t.Fatalf("%s: upload answer %+v", c.name, up)
			}
			f := up.FileInfos[0]
			if f.MimeType != c.mime || f.Width != c.w || f.Height != c.h || !f.HasPreviewImage || f.Size != int64(len(c.data)) ||
				f.Name != c.name || f.PostID != "" || f.UserID != bob.UserID || f.ChannelID != ch.ID {
				t.Fatalf("%s: file info %+v", c.name, f)
			}
			// Before attachment only the uploader reads it.
			bob.Get("/files/" + f.ID + "/info").Expect(http.StatusOK)
			carl.Get("/files/" + f.ID).Expect(http.StatusForbidden)

			var p model.Post
			bob.Post("/posts", map[string]any{"channel_id": ch.ID, "message": "see " + c.name, "file_ids": []string{f.ID}}).
				Expect(http.StatusCreated).JSON(&p)
			if len(p.FileIDs) != 1 || p.FileIDs[0] != f.ID || p.Metadata == nil || len(p.Metadata.Files) != 1 ||
				p.Metadata.Files[0].PostID != p.ID {
				t.Fatalf("%s: post %+v", c.name, p)
			}

			r := admin.Get("/files/" + f.ID).Expect(http.StatusOK)
			if !bytes.Equal(r.Body, c.data) || r.Header.Get("Content-Type") != c.mime ||
				r.Header.Get("X-Content-Type-Options") != "nosniff" ||
				!strings.HasPrefix(r.Header.Get("Content-Disposition"), "inline") {
				t.Fatalf("%s: served %d bytes, headers %v", c.name, len(r.Body), r.Header)
			}
			r = admin.Get("/files/" + f.ID + "?download=1").Expect(http.StatusOK)
			if !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("%s: download=1 not an attachment: %v", c.name, r.Header)
			}
			thumb := decodeConfig(t, admin.Get("/files/"+f.ID+"/thumbnail").Expect(http.StatusOK).Body)
			exceeds := c.w > 120 || c.h > 100
			if thumb.Width > 120 || thumb.Height > 100 || (exceeds && thumb.Width != 120 && thumb.Height != 100) ||
				(!exceeds && (thumb.Width != c.w || thumb.Height != c.h)) {
				t.Fatalf("%s: thumbnail %d×%d", c.name, thumb.Width, thumb.Height)
			}
			if (thumb.Width > thumb.Height) != (c.w > c.h) {
				t.Fatalf("%s: thumbnail %d×%d does not keep the displayed orientation", c.name, thumb.Width, thumb.Height)
			}
			prev := decodeConfig(t, bob.Get("/files/"+f.ID+"/preview").Expect(http.StatusOK).Body)
			if prev.Width != min(c.w, 1920) {
				t.Fatalf("%s: preview %d×%d", c.name, prev.Width, prev.Height)
			}
			carl.Get("/files/"+f.ID).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
			eve.Get("/files/"+f.ID+"/thumbnail").ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
			eve.Get("/files/" + f.ID + "/info").Expect(http.StatusForbidden)
			s.Anon().Get("/files/" + f.ID).Expect(http.StatusUnauthorized)

			var infos []*model.FileInfo
			admin.Get("/posts/" + p.ID + "/files/info").Expect(http.StatusOK).JSON(&infos)
			if len(infos) != 1 || infos[0].ID != f.ID {
				t.Fatalf("%s: post files %+v", c.name, infos)
			}
			carl.Get("/posts/" + p.ID + "/files/info").Expect(http.StatusForbidden)
		}

		// Range requests, and a non-image is always an attachment.
		doc := []byte("<html><script>alert(1)</script></html>")
		var up uploaded
		bob.Upload(ch.ID, apitest.FilePart{Name: "page.html", Data: doc}).Expect(http.StatusCreated).JSON(&up)
		f := up.FileInfos[0]
		if f.HasPreviewImage || f.Width != 0 {
			t.Fatalf("html got a preview: %+v", f)
		}
		r := bob.Get("/files/" + f.ID).Expect(http.StatusOK)
		if !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") || r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("html served inline: %v", r.Header)
		}
		bob.Get("/files/"+f.ID+"/thumbnail").ExpectError(http.StatusBadRequest, "api.file.get_file_thumbnail.no_thumbnail.app_error")
		bob.Get("/files/"+f.ID+"/preview").ExpectError(http.StatusBadRequest, "api.file.get_file_preview.no_preview.app_error")
		bob.Header.Set("Range", "bytes=6-11")
		r = bob.Get("/files/" + f.ID).Expect(http.StatusPartialContent)
		bob.Header.Del("Range")
		if string(r.Body) != "<scrip" {
			t.Fatalf("range: %q", r.Body)
		}
		svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
		bob.Upload(ch.ID, apitest.FilePart{Name: "logo.svg", Data: svg}).Expect(http.StatusCreated).JSON(&up)
		r = bob.Get("/files/" + up.FileInfos[0].ID).Expect(http.StatusOK)
		if !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("svg served inline: %v", r.Header)
		}
		// A name that lies about the content does not make it an image.
		bob.Upload(ch.ID, apitest.FilePart{Name: "fake.png", Data: doc}).Expect(http.StatusCreated).JSON(&up)
		if fake := up.FileInfos[0]; fake.MimeType == "image/png" || fake.HasPreviewImage {
			t.Fatalf("fake png: %+v", fake)
		}

		// A post may only carry its author's unattached uploads of the same channel.
		other := admin.CreateChannel(team.ID, "other", model.ChannelOpen)
		var mine, elsewhere uploaded
		admin.Upload(ch.ID, apitest.FilePart{Name: "a.txt", Data: []byte("a")}).Expect(http.StatusCreated).JSON(&mine)
		admin.Upload(other.ID, apitest.FilePart{Name: "b.txt", Data: []byte("b")}).Expect(http.StatusCreated).JSON(&elsewhere)
		bob.Post("/posts", map[string]any{"channel_id": ch.ID, "message": "x", "file_ids": []string{mine.FileInfos[0].ID}}).
			ExpectError(http.StatusBadRequest, "api.post.create_post.invalid_file_ids.app_error")
		admin.Post("/posts", map[string]any{"channel_id": ch.ID, "message": "x", "file_ids": []string{elsewhere.FileInfos[0].ID}}).
			ExpectError(http.StatusBadRequest, "api.post.create_post.invalid_file_ids.app_error")
		admin.Post("/posts", map[string]any{"channel_id": ch.ID, "message": "x", "file_ids": []string{f.ID}}).
			ExpectError(http.StatusBadRequest, "api.post.create_post.invalid_file_ids.app_error")
		var p model.Post
		admin.Post("/posts", map[string]any{"channel_id": ch.ID, "message": "x", "file_ids": []string{mine.FileInfos[0].ID}}).
			Expect(http.StatusCreated).JSON(&p)
		admin.Post("/posts", map[string]any{"channel_id": ch.ID, "message": "again", "file_ids": []string{mine.FileInfos[0].ID}}).
			ExpectError(http.StatusBadRequest, "api.post.create_post.invalid_file_ids.app_error")

		// The channel's files; deleting the post hides its file.
		var list model.FileInfoList
		bob.Get("/channels/" + ch.ID + "/files").Expect(http.StatusOK).JSON(&list)
		if len(list.Order) != len(cases)+1 || list.Order[0] != mine.FileInfos[0].ID {
			t.Fatalf("channel files: %v", list.Order)
		}
		carl.Get("/channels/" + ch.ID + "/files").Expect(http.StatusForbidden)
		admin.Delete("/posts/" + p.ID).Expect(http.StatusOK)
		bob.Get("/files/"+mine.FileInfos[0].ID).ExpectError(http.StatusNotFound, "app.file_info.get.app_error")
		bob.Get("/channels/" + ch.ID + "/files").Expect(http.StatusOK).JSON(&list)
		if len(list.Order) != len(cases) {
			t.Fatalf("deleted post's file still listed: %v", list.Order)
		}

		// Permanent channel deletion removes the rows and the bytes.
		before := storedFiles(t, s)
		admin.Delete("/channels/" + other.ID + "?permanent=true").Expect(http.StatusOK)
		if n := storedFiles(t, s); n != before-1 {
			t.Fatalf("stored files %d → %d after deleting a channel with one file", before, n)
		}
	}, func(c *config.Config) { c.EnableAPIDeletion = true })
}

func TestFilesRefusedUploadsLeaveNothing(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		team := admin.CreateTeam("staff", true)
		ch := admin.CreateChannel(team.ID, "design", model.ChannelOpen)
		check := func(what string) {
			t.Helper()
			if n := storedFiles(t, s); n != 0 {
				t.Fatalf("%s: %d files left on disk", what, n)
			}
			if n := fileRows(t, s, admin.UserID); n != 0 {
				t.Fatalf("%s: %d rows left", what, n)
			}
		}
		big := bytes.Repeat([]byte("x"), 64<<10+1)
		admin.Upload(ch.ID, apitest.FilePart{Name: "big.txt", Data: big}).
			ExpectError(http.StatusRequestEntityTooLarge, "api.file.upload_file.too_large_detailed.app_error")
		check("oversized")
		// A good file then an oversized one: the whole request is refused.
		admin.Upload(ch.ID, apitest.FilePart{Name: "ok.txt", Data: []byte("fine")}, apitest.FilePart{Name: "big.txt", Data: big}).
			ExpectError(http.StatusRequestEntityTooLarge, "api.file.upload_file.too_large_detailed.app_error")
		check("second file oversized")
		admin.Upload(ch.ID, apitest.FilePart{Name: "run.exe", Data: []byte("MZ\x90\x00")}).
			ExpectError(http.StatusBadRequest, "api.file.upload_file.type_not_allowed.app_error")
		check("wrong type")
		whole := pngBytes(t, 300, 300)
		admin.Upload(ch.ID, apitest.FilePart{Name: "cut.png", Data: whole[:len(whole)/2]}).
			ExpectError(http.StatusBadRequest, "api.file.upload_file.image_damaged.app_error")
		jpg := jpegBytes(t, 300, 300)
		admin.Upload(ch.ID, apitest.FilePart{Name: "cut.jpg", Data: jpg[:len(jpg)/2]}).
			ExpectError(http.StatusBadRequest, "api.file.upload_file.image_damaged.app_error")
		check("truncated image")
		admin.Upload(ch.ID, apitest.FilePart{Name: "empty.txt"}).
			ExpectError(http.StatusBadRequest, "api.file.upload_file.read_request.app_error")
		check("zero bytes")
		admin.Upload(ch.ID, apitest.FilePart{Name: "bomb.png", Data: bombPNG(100000, 100000)}).
			ExpectError(http.StatusBadRequest, "api.file.upload_file.large_image_detailed.app_error")
		check("decompression bomb")
		// A multipart body cut off in the middle of a file.
		body := "--b\r\nContent-Disposition: form-data; name=\"channel_id\"\r\n\r\n" + ch.ID +
			"\r\n--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n\r\nhalf a fi"
		admin.Raw("POST", "/files", "multipart/form-data; boundary=b", []byte(body)).
			ExpectError(http.StatusBadRequest, "api.file.upload_file.read_request.app_error")
		check("truncated request")
		admin.Multipart("/files", [][2]string{{"channel_id", ch.ID}, {"client_ids", "1"}, {"client_ids", "2"}}, "files",
			apitest.FilePart{Name: "a.txt", Data: []byte("a")}).
			ExpectError(http.StatusBadRequest, "api.file.upload_file.incorrect_number_of_client_ids.app_error")
		check("client ids")
		admin.Multipart("/files", nil, "files", apitest.FilePart{Name: "a.txt", Data: []byte("a")}).
			ExpectError(http.StatusBadRequest, "api.context.invalid_body_param.app_error")
		check("no channel")
		outsider := s.SignUp("eve")
		outsider.Upload(ch.ID, apitest.FilePart{Name: "a.txt", Data: []byte("a")}).Expect(http.StatusForbidden)
		check("not a member")

		// The raw-body encoding.
		var up uploaded
		admin.Raw("POST", "/files?channel_id="+ch.ID+"&filename=notes.txt", "application/octet-stream", []byte("hello")).
			Expect(http.StatusCreated).JSON(&up)
		if len(up.FileInfos) != 1 || up.FileInfos[0].Name != "notes.txt" || up.FileInfos[0].Size != 5 {
			t.Fatalf("raw upload: %+v", up)
		}
	}, func(c *config.Config) {
		c.MaxFileSize = 64 << 10
		c.AllowedFileTypes = "txt,image/*"
		c.MaxImagePixels = 10_000_000
	})
}

func TestFilesHostileNames(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		team := admin.CreateTeam("staff", true)
		ch := admin.CreateChannel(team.ID, "design", model.ChannelOpen)
		long := strings.Repeat("é", 400) + ".txt"
		for name, want := range map[string]string{
			"../../../../etc/passwd":        "passwd",
			`C:\Windows\system32\evil.bat`:  "evil.bat",
			"re\x01port\r\n.txt":            "report.txt",
			"..":                            "file",
			".hidden\u202egnp.exe":          "hiddengnp.exe",
			`quote".txt`:                    "quote.txt",
			long:                            "",
			"ok/..\\../\x1b[31mred\x7f.txt": "[31mred.txt",
		} {
			// The raw encoding passes the name as given; multipart clients
			// (and Go's multipart reader) already drop directories.
			var up uploaded
			admin.Raw("POST", "/files?channel_id="+ch.ID+"&filename="+url.QueryEscape(name), "application/octet-stream",
				[]byte("data")).Expect(http.StatusCreated).JSON(&up)
			got := up.FileInfos[0].Name
			if (want != "" && got != want) || len(got) > model.MaxFileNameBytes || !utf8.ValidString(got) {
				t.Fatalf("%q stored as %q, want %q", name, got, want)
			}
			if name == long && !strings.HasSuffix(got, ".txt") {
				t.Fatalf("long name lost its extension: %q", got)
			}
			r := admin.Get("/files/" + up.FileInfos[0].ID).Expect(http.StatusOK)
			if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
				t.Fatalf("content disposition %q", cd)
			}
		}
		// Nothing was written outside the files directory's id-named layout.
		err := filepath.WalkDir(filepath.Join(s.Backend.DataDir, "files"), func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() && d.Name() != "original" {
				t.Errorf("unexpected stored file %s", p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestFilesDisabled(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		team := admin.CreateTeam("staff", true)
		ch := admin.CreateChannel(team.ID, "design", model.ChannelOpen)
		admin.Upload(ch.ID, apitest.FilePart{Name: "a.txt", Data: []byte("a")}).
			ExpectError(http.StatusNotImplemented, "api.file.attachments.disabled.app_error")
		var cfg map[string]string
		admin.Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cfg)
		if cfg["EnableFileAttachments"] != "false" || cfg["EnableCustomEmoji"] != "false" || cfg["MaxFileSize"] != "1000" {
			t.Fatalf("client config: %v %v %v", cfg["EnableFileAttachments"], cfg["EnableCustomEmoji"], cfg["MaxFileSize"])
		}
		admin.Get("/emoji").ExpectError(http.StatusNotImplemented, "api.emoji.disabled.app_error")
	}, func(c *config.Config) {
		c.EnableFileAttachments, c.EnableCustomEmoji, c.MaxFileSize = false, false, 1000
	})
}
