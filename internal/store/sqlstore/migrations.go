package sqlstore

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
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
