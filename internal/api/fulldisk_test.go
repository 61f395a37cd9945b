package api_test

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

// smallDisk mounts a tmpfs of size bytes for the test: a real file system
// that fills up. It skips where mounting is impossible (not root, no mount
// namespace), except under CI, which runs as root and must run it.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0755"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("mount a tmpfs (CI runs as root): %v", err)
		}
		t.Skipf("cannot mount a tmpfs: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// entries lists every file and directory under dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if p == dir && os.IsNotExist(err) {
			return nil
		}
		if err != nil {
			t.Fatal(err)
		}
		if p != dir {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

// TestFullDisk fills a real (tmpfs) file store: uploads, resumable chunks,
// custom emoji and profile images answer 507 api.file.write_file.app_error
// and leave no file or directory behind; the ping reports filestore_status
// UNHEALTHY while the disk is full and OK once there is room again.
func TestFullDisk(t *testing.T) {
	disk := smallDisk(t, "1m")
	files := filepath.Join(disk, "files")
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		team := admin.CreateTeam("staff", true)
		ch := admin.CreateChannel(team.ID, "full", model.ChannelOpen)
		png := hostilePNG(t, 64, 64)

		// Bigger than the disk: the write fails part way.
		big := bytes.Repeat([]byte("x"), 2<<20)
		checkError(t, "upload larger than the disk", admin.Upload(ch.ID, apitest.FilePart{Name: "big.bin", Data: big}),
			http.StatusInsufficientStorage, "api.file.write_file.app_error")
		if left := entries(t, files); len(left) != 0 {
			t.Fatalf("a failed upload left %v", left)
		}

		// A full disk: every writer says so.
		filler, err := os.Create(filepath.Join(disk, "filler"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = filler.Write(make([]byte, 2<<20))
		filler.Close()
		if err == nil || !strings.Contains(err.Error(), "no space") {
			t.Fatalf("filling the disk: %v", err)
		}
		var ping map[string]string
		admin.Get("/system/ping?get_server_status=true&use_rest_semantics=true").Expect(http.StatusOK).JSON(&ping)
		if ping["filestore_status"] != "UNHEALTHY" || ping["status"] != "UNHEALTHY" || ping["database_status"] != "OK" {
			t.Fatalf("full disk: ping %v", ping)
		}
		if r := admin.Get("/system/ping?get_server_status=true"); r.Status != http.StatusInternalServerError ||
			r.Header.Get("filestore_status") != "UNHEALTHY" {
			t.Fatalf("full disk: ping %d %v", r.Status, r.Header)
		}
		checkError(t, "upload", admin.Upload(ch.ID, apitest.FilePart{Name: "a.txt", Data: []byte("hello")}),
			http.StatusInsufficientStorage, "api.file.write_file.app_error")
		checkError(t, "image upload", admin.Upload(ch.ID, apitest.FilePart{Name: "a.png", Data: png}),
			http.StatusInsufficientStorage, "api.file.write_file.app_error")
		checkError(t, "emoji", admin.Multipart("/emoji", [][2]string{{"emoji", `{"name":"full","creator_id":"` + admin.UserID + `"}`}},
			"image", apitest.FilePart{Name: "e.png", Data: png}), http.StatusInsufficientStorage, "api.file.write_file.app_error")
		checkError(t, "profile image", admin.Multipart("/users/me/image", nil, "image", apitest.FilePart{Name: "p.png", Data: png}),
			http.StatusInsufficientStorage, "api.file.write_file.app_error")
		var us model.UploadSession
		admin.Post("/uploads", map[string]any{"channel_id": ch.ID, "filename": "r.txt", "file_size": 5}).
			Expect(http.StatusCreated).JSON(&us)
		checkError(t, "resumable chunk", admin.Raw("POST", "/uploads/"+us.ID, "application/octet-stream", []byte("hello")),
			http.StatusInsufficientStorage, "api.file.write_file.app_error")
		if left := entries(t, files); len(left) != 0 {
			t.Fatalf("failed writes left %v", left)
		}
		var emoji []model.Emoji
		admin.Get("/emoji").Expect(http.StatusOK).JSON(&emoji)
		if len(emoji) != 0 {
			t.Fatalf("emoji saved without its image: %v", emoji)
		}

		// Room again: the ping and uploads recover.
		if err := os.Remove(filepath.Join(disk, "filler")); err != nil {
			t.Fatal(err)
		}
		admin.Get("/system/ping?get_server_status=true").Expect(http.StatusOK).JSON(&ping)
		if ping["filestore_status"] != "OK" || ping["status"] != "OK" {
			t.Fatalf("after freeing: ping %v", ping)
		}
		admin.Upload(ch.ID, apitest.FilePart{Name: "a.png", Data: png}).Expect(http.StatusCreated)
		admin.Raw("POST", "/uploads/"+us.ID, "application/octet-stream", []byte("hello")).Expect(http.StatusCreated)
		// The next backend's server gets an empty store again.
		if err := os.RemoveAll(files); err != nil {
			t.Fatal(err)
		}
	}, func(c *config.Config) { c.FilesDir = files })
}
