package sqlstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/parley-chat/parley/internal/testdb"
)

// OpenExisting refuses an absent or empty database and leaves it as it was;
// once the schema is there it opens.
func TestOpenExistingRefusesNewDatabase(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		if _, err := OpenExisting(ctx, b.DSN, b.DataDir, nil); !errors.Is(err, ErrNoDatabase) {
			t.Fatalf("fresh database: %v, want ErrNoDatabase", err)
		}
		if b.DSN == "" {
			if _, err := os.Stat(filepath.Join(b.DataDir, "parley.db")); !os.IsNotExist(err) {
				t.Fatalf("the refusal made a file: %v", err)
			}
		} else {
			s, err := Connect(ctx, b.DSN, b.DataDir)
			if err != nil {
				t.Fatal(err)
			}
			var n int
			if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()`).Scan(&n); err != nil || n != 0 {
				t.Fatalf("the refusal made %d tables (%v)", n, err)
			}
			s.Close()
		}
		s, err := Open(ctx, b.DSN, b.DataDir, nil)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		s, err = OpenExisting(ctx, b.DSN, b.DataDir, nil)
		if err != nil {
			t.Fatalf("migrated database: %v", err)
		}
		s.Close()
	})
}
