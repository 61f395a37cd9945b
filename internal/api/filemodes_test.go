package api_test

import (
	"context"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/backup"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/testdb"
)

// ownerOnlyTree fails for every file under dir not 0600 and every directory not 0700.
func ownerOnlyTree(t *testing.T, dir string) (files int) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		} else {
			files++
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", p, info.Mode().Perm(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// Started from a shell (umask 022), the server creates its database (with
// -wal and -shm), uploaded files, profile pictures, imports and exports
// readable by their owner only; so are a backup and what a restore unpacks.
func TestDataFilesOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022)
	t.Cleanup(func() { syscall.Umask(old) })
	dataDir := filepath.Join(t.TempDir(), "data")
	s := apitest.Start(t, testdb.Backend{Name: "sqlite", DataDir: dataDir})
	admin := s.SignUp("admin")
	team := admin.CreateTeam("staff", true)
	ch := admin.CreateChannel(team.ID, "design", model.ChannelPrivate)
	admin.Multipart("/files", [][2]string{{"channel_id", ch.ID}}, "files",
		apitest.FilePart{Name: "chart.png", Data: pngBytes(t, 300, 200)}).Expect(http.StatusCreated)
	admin.Multipart("/users/"+admin.UserID+"/image", nil, "image",
		apitest.FilePart{Name: "me.png", Data: pngBytes(t, 64, 64)}).Expect(http.StatusOK)
	uploadImport(admin, importZip(t, jobHeader, nil))
	var j model.Job
	admin.Post("/jobs", map[string]any{"type": "export_process"}).Expect(http.StatusCreated).JSON(&j)
	if exp := waitJob(t, admin, j.ID, model.JobStatusSuccess, model.JobStatusError); exp.Status != model.JobStatusSuccess {
		t.Fatalf("export job %+v", exp)
	}
	for _, name := range []string{"parley.db", "parley.db-wal", "parley.db-shm"} {
		if _, err := os.Stat(filepath.Join(dataDir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if n := ownerOnlyTree(t, dataDir); n < 8 {
		t.Fatalf("only %d files under the data directory", n)
	}

	cfg := config.Default()
	cfg.DataDir = dataDir
	out := filepath.Join(t.TempDir(), "backup.tar.gz")
	if err := backup.Create(context.Background(), cfg, out, false); err != nil {
		t.Fatal(err)
	}
	ownerOnlyTree(t, out)
	cfg.DataDir = filepath.Join(t.TempDir(), "restored")
	if err := backup.Restore(cfg, out); err != nil {
		t.Fatal(err)
	}
	ownerOnlyTree(t, cfg.DataDir)
}

// A database an older version left readable to others is restricted at start.
func TestExistingDatabaseRestricted(t *testing.T) {
	dataDir := t.TempDir()
	os.Chmod(dataDir, 0o700) // the operator's directory; Parley leaves its mode alone
	for _, name := range []string{"parley.db", "parley.db-wal", "parley.db-shm"} {
		if err := os.WriteFile(filepath.Join(dataDir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chmod(filepath.Join(dataDir, name), 0o644)
	}
	apitest.Start(t, testdb.Backend{Name: "sqlite", DataDir: dataDir}).SignUp("admin")
	ownerOnlyTree(t, dataDir)
}
