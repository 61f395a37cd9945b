package app_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/testdb"
)

func TestSweepTransferFiles(t *testing.T) {
	// The sweep reads only the data directory; one backend is enough.
	b := testdb.Backend{Name: "sqlite", DataDir: t.TempDir()}
	a := newApp(t, b) // export_retention_days and import_retention_days: 30
	now := time.Now()
	files := []struct {
		path string
		age  time.Duration
		kept bool
	}{
		{"export/old.zip", 31 * 24 * time.Hour, false},
		{"export/.export-123", 40 * 24 * time.Hour, false}, // left by a crash
		{"export/new.zip", 29 * 24 * time.Hour, true},
		{"import/abc_old.zip", 31 * 24 * time.Hour, false},
		{"import/abc_new.zip", time.Hour, true},
		{"other/old.zip", 365 * 24 * time.Hour, true}, // not a transfer directory
	}
	for _, f := range files {
		writeAged(t, filepath.Join(b.DataDir, f.path), now.Add(-f.age))
	}
	n, err := a.SweepTransferFiles(context.Background(), now)
	if err != nil || n != 3 {
		t.Fatalf("SweepTransferFiles = %d, %v; want 3 files removed", n, err)
	}
	for _, f := range files {
		_, err := os.Stat(filepath.Join(b.DataDir, f.path))
		if kept := err == nil; kept != f.kept {
			t.Errorf("%s (age %v): kept = %v, want %v", f.path, f.age, kept, f.kept)
		}
	}
}

func TestSweepTransferFilesOff(t *testing.T) {
	b := testdb.Backend{Name: "sqlite", DataDir: t.TempDir()}
	a := newApp(t, b)
	cfg := *a.Config()
	cfg.ExportRetentionDays, cfg.ImportRetentionDays = 0, 0
	a.SetConfig(cfg)
	writeAged(t, filepath.Join(b.DataDir, "export", "old.zip"), time.Now().Add(-1000*24*time.Hour))
	if n, err := a.SweepTransferFiles(context.Background(), time.Now()); err != nil || n != 0 {
		t.Fatalf("SweepTransferFiles with retention off = %d, %v; want nothing removed", n, err)
	}
}

// writeAged writes a small file at p, last modified at mtime.
func writeAged(t *testing.T, p string, mtime time.Time) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}
