package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// SweepTransferFiles removes bulk exports and uploaded import files older
// than export_retention_days and import_retention_days (0 keeps them), so
// archives of a whole organisation's messages do not stay on disk forgotten.
// Files left half-written by a crash are older than any running job and go
// the same way. It returns how many files it removed.
func (a *App) SweepTransferFiles(ctx context.Context, now time.Time) (int, error) {
	cfg := a.Config()
	removed := 0
	var errs []error
	for _, d := range []struct {
		dir  string
		days int
	}{{a.exportDir(), cfg.ExportRetentionDays}, {a.importDir(), cfg.ImportRetentionDays}} {
		if d.days <= 0 {
			continue
		}
		n, err := removeOlder(d.dir, now.Add(-time.Duration(d.days)*24*time.Hour))
		removed += n
		if err != nil {
			errs = append(errs, err)
		}
	}
	if removed > 0 {
		a.log.InfoContext(ctx, "removed expired import and export files", "files", removed)
	}
	return removed, errors.Join(errs...)
}

// removeOlder deletes the regular files in dir last modified before cutoff.
func removeOlder(dir string, cutoff time.Time) (int, error) {
	es, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("sweep %s: %w", dir, err)
	}
	n := 0
	for _, e := range es {
		if !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil || !info.ModTime().Before(cutoff) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
			return n, fmt.Errorf("sweep %s: %w", dir, err)
		}
		n++
	}
	return n, nil
}
