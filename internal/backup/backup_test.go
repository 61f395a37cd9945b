package backup

import (
	"archive/tar"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/config"
)

func writeTar(t *testing.T, entries map[string]string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "b.tar.gz")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	for name, body := range entries {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(body)), Typeflag: tar.TypeReg})
		tw.Write([]byte(body))
	}
	tw.Close()
	gz.Close()
	f.Close()
	return path
}

func TestRestoreRefusesHostileArchives(t *testing.T) {
	cases := map[string]map[string]string{
		"parent path":   {"../evil": "x"},
		"absolute path": {"/etc/evil": "x"},
		"files escape":  {"files/../../evil": "x"},
		"unknown entry": {"other.txt": "x"},
	}
	for name, entries := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := config.Default()
			cfg.DataDir = t.TempDir()
			existing := filepath.Join(cfg.DataDir, "parley.db")
			os.WriteFile(existing, []byte("keep me"), 0o600)
			if err := Restore(cfg, writeTar(t, entries)); err == nil {
				t.Fatal("hostile archive accepted")
			}
			if b, _ := os.ReadFile(existing); string(b) != "keep me" {
				t.Fatal("refused restore changed the database")
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(cfg.DataDir), "evil")); err == nil {
				t.Fatal("entry written outside the data directory")
			}
		})
	}
}

func TestRestoreRejectsNonBackup(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	junk := filepath.Join(t.TempDir(), "junk")
	os.WriteFile(junk, []byte("not a tarball"), 0o600)
	if err := Restore(cfg, junk); err == nil || !strings.Contains(err.Error(), "not a Parley backup") {
		t.Fatalf("err = %v", err)
	}
}

// With the files in S3 a backup holds the SQLite database only, and a
// backup with files is not restored over the bucket's.
func TestBackupWithS3Files(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.FileDriver, cfg.S3Bucket = config.FileDriverS3, "b"
	os.MkdirAll(cfg.FilesPath(), 0o700)
	os.WriteFile(filepath.Join(cfg.FilesPath(), "stale"), []byte("x"), 0o600)
	out := filepath.Join(t.TempDir(), "b.tar.gz")
	if err := Create(t.Context(), cfg, out, true); err != ErrS3 {
		t.Fatalf("files only: %v", err)
	}
	if err := Create(t.Context(), cfg, out, false); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(out)
	defer f.Close()
	gz, _ := gzip.NewReader(f)
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if err != nil {
			break
		}
		if hdr.Name != dbEntry {
			t.Errorf("backup holds %s", hdr.Name)
		}
	}
	if err := Restore(cfg, writeTar(t, map[string]string{"files/f/ab/x/original": "x"})); err == nil ||
		!strings.Contains(err.Error(), "amazons3") {
		t.Errorf("restore of files over S3: %v", err)
	}
}
