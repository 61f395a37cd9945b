package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// ErrNoDatabase is OpenExisting's answer when there is no Parley database
// where the configuration points.
var ErrNoDatabase = errors.New("no Parley database")

// Location names the database a data source designates: the SQLite file, or
// the PostgreSQL URL without its password.
func Location(dsn, dataDir string) string {
	if dsn == "" {
		return filepath.Join(dataDir, "parley.db")
	}
	if strings.HasPrefix(dsn, "sqlite:") || strings.HasPrefix(dsn, "file:") {
		return strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
	}
	return redact(dsn)
}

// OpenExisting is Open for a database that must already hold Parley's schema.
// The operator's commands use it, so that a missing or wrong configuration is
// an error instead of a new empty database that the server never reads.
func OpenExisting(ctx context.Context, dsn, dataDir string, log *slog.Logger) (*SQLStore, error) {
	where := Location(dsn, dataDir)
	isSQLite := dsn == "" || strings.HasPrefix(dsn, "sqlite:") || strings.HasPrefix(dsn, "file:")
	if isSQLite {
		// Checked before connecting: opening a SQLite file creates it.
		if _, err := os.Stat(where); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w at %s", ErrNoDatabase, where)
		} else if err != nil {
			return nil, fmt.Errorf("database: %w", err)
		}
	}
	s, err := Connect(ctx, dsn, dataDir)
	if err != nil {
		return nil, err
	}
	// Read directly: goose's version query creates its table when missing.
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'`
	if !isSQLite {
		q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'goose_db_version'`
	}
	var n int
	if err := s.db.QueryRowContext(ctx, q).Scan(&n); err != nil {
		s.Close()
		return nil, fmt.Errorf("database: %w", err)
	}
	if n == 0 {
		s.Close()
		return nil, fmt.Errorf("%w in %s (it holds no Parley schema)", ErrNoDatabase, where)
	}
	if err := s.prepare(ctx, log); err != nil {
		return nil, err
	}
	return s, nil
}
