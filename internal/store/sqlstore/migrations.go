package sqlstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// migrationsFor returns the migrations of one dialect: every file of
// migrations/common plus those of migrations/<driver>, flattened into one
// directory for goose. A version may be in common or in both dialect folders
// (when the SQL must differ), never in common and a dialect folder at once.
func migrationsFor(driver string) (fs.FS, error) {
	files := map[string]string{} // name → path in the embedded tree
	for _, dir := range []string{"migrations/common", "migrations/" + driver} {
		entries, err := fs.ReadDir(migrationFiles, dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue // no migration of this dialect yet
		}
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
				continue
			}
			if _, dup := files[e.Name()]; dup {
				return nil, fmt.Errorf("migration %s is both common and %s-specific", e.Name(), driver)
			}
			files[e.Name()] = path.Join(dir, e.Name())
		}
	}
	return flatFS(files), nil
}

// flatFS is a read-only directory of embedded files under new names.
type flatFS map[string]string

func (f flatFS) Open(name string) (fs.File, error) {
	if name == "." {
		return &flatDir{entries: f.entries()}, nil
	}
	p, ok := f[name]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return migrationFiles.Open(p)
}

func (f flatFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if name != "." {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	return f.entries(), nil
}

func (f flatFS) entries() []fs.DirEntry {
	out := make([]fs.DirEntry, 0, len(f))
	for name, p := range f {
		info, err := fs.Stat(migrationFiles, p)
		if err != nil {
			continue
		}
		out = append(out, fs.FileInfoToDirEntry(renamed{info, name}))
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out
}

type renamed struct {
	fs.FileInfo
	name string
}

func (r renamed) Name() string { return r.name }

// flatDir is the root directory of a flatFS.
type flatDir struct{ entries []fs.DirEntry }

func (d *flatDir) Stat() (fs.FileInfo, error) { return dirInfo{}, nil }
func (d *flatDir) Read([]byte) (int, error)   { return 0, fmt.Errorf("read of a directory") }
func (d *flatDir) Close() error               { return nil }
func (d *flatDir) ReadDir(n int) ([]fs.DirEntry, error) {
	if n <= 0 {
		out := d.entries
		d.entries = nil
		return out, nil
	}
	k := min(n, len(d.entries))
	out := d.entries[:k]
	d.entries = d.entries[k:]
	return out, nil
}

type dirInfo struct{}

func (dirInfo) Name() string       { return "." }
func (dirInfo) Size() int64        { return 0 }
func (dirInfo) Mode() fs.FileMode  { return fs.ModeDir | 0o555 }
func (dirInfo) ModTime() time.Time { return time.Time{} }
func (dirInfo) IsDir() bool        { return true }
func (dirInfo) Sys() any           { return nil }

// The kinds of migration (docs/cluster.md, "Rolling upgrade"). Each migration
// file says which it is on a line "-- parley:expand" or "-- parley:contract".
const (
	// KindExpand: additive (new tables, new columns with defaults, new
	// indexes); the previous version's code works on the schema after it.
	KindExpand = "expand"
	// KindContract: drops, renames or rewrites what the previous version's
	// code uses; it lands one minor version after the code stopped using it.
	KindContract = "contract"
)

// Migration is one schema migration: its version, file name (without .sql)
// and kind, "" when the database does not record it.
type Migration struct {
	Version int64
	Name    string
	Kind    string
}

// String names a migration as its file does: 00028_migration_kinds.
func (m Migration) String() string {
	if m.Name == "" {
		return fmt.Sprintf("%05d", m.Version)
	}
	return m.Name
}

// migrationList reads every migration of sources with its kind, in order.
func migrationList(sources fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(sources, ".")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".sql")
		num, _, _ := strings.Cut(name, "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("migration %s has no version number", e.Name())
		}
		body, err := fs.ReadFile(sources, e.Name())
		if err != nil {
			return nil, err
		}
		kind, err := migrationKind(body)
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", e.Name(), err)
		}
		out = append(out, Migration{Version: v, Name: name, Kind: kind})
	}
	slices.SortFunc(out, func(a, b Migration) int { return cmp.Compare(a.Version, b.Version) })
	return out, nil
}

// migrationKind is the kind a migration file declares, exactly once.
func migrationKind(body []byte) (string, error) {
	kind := ""
	for line := range strings.SplitSeq(string(body), "\n") {
		k, ok := strings.CutPrefix(strings.TrimSpace(line), "-- parley:")
		if !ok {
			continue
		}
		if k != KindExpand && k != KindContract {
			return "", fmt.Errorf("kind %q is neither %s nor %s", k, KindExpand, KindContract)
		}
		if kind != "" {
			return "", fmt.Errorf("declares its kind twice")
		}
		kind = k
	}
	if kind == "" {
		return "", fmt.Errorf(`declares no kind (a line "-- parley:%s" or "-- parley:%s")`, KindExpand, KindContract)
	}
	return kind, nil
}

// recordKinds writes the kind of every migration this binary knows, for the
// older binaries that will find them applied without knowing them.
func (s *SQLStore) recordKinds(ctx context.Context, known []Migration) error {
	var b strings.Builder
	args := make([]any, 0, 3*len(known))
	b.WriteString(`INSERT INTO migration_kinds (version, name, kind) VALUES `)
	for i, m := range known {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?)")
		args = append(args, m.Version, m.Name, m.Kind)
	}
	b.WriteString(` ON CONFLICT (version) DO UPDATE SET name = excluded.name, kind = excluded.kind`)
	if _, err := s.db.ExecContext(ctx, s.rebind(b.String()), args...); err != nil {
		return fmt.Errorf("database: record migration kinds: %w", err)
	}
	return nil
}

// newerMigrations are the migrations applied to the database past latest,
// with the kinds the binary that applied them recorded.
func (s *SQLStore) newerMigrations(ctx context.Context, latest int64) ([]Migration, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT DISTINCT v.version_id, COALESCE(k.name, ''), COALESCE(k.kind, '')
		FROM goose_db_version v LEFT JOIN migration_kinds k ON k.version = v.version_id
		WHERE v.version_id > ? AND v.is_applied ORDER BY v.version_id`), latest)
	if err != nil {
		return nil, fmt.Errorf("database: read newer migrations: %w", err)
	}
	defer rows.Close()
	var out []Migration
	for rows.Next() {
		var m Migration
		if err := rows.Scan(&m.Version, &m.Name, &m.Kind); err != nil {
			return nil, fmt.Errorf("database: read newer migrations: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("database: read newer migrations: %w", err)
	}
	return out, nil
}

// refuseNewer is the error that keeps this binary off a schema some newer
// migration of which it cannot run on: a contract step, or one whose kind
// is not recorded (its binary stopped before writing it).
func refuseNewer(current, latest int64, newer []Migration) error {
	for _, m := range newer {
		switch m.Kind {
		case KindExpand:
			continue
		case KindContract:
			return fmt.Errorf("database: schema version %d is newer than this binary supports (%d), and migration %s is a contract step "+
				"(it drops or changes what this version uses); run a parley that knows it, or restore a backup", current, latest, m)
		default:
			return fmt.Errorf("database: schema version %d is newer than this binary supports (%d), and migration %s records no kind "+
				"(start the newer parley once more to record it); run a parley that knows it, or restore a backup", current, latest, m)
		}
	}
	return nil
}
