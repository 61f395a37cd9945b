// Package backup writes and restores consistent snapshots of a SQLite install:
// the database (copied with VACUUM INTO while the server runs) and the files
// directory, in one gzipped tar. PostgreSQL databases are backed up with
// pg_dump; this package then covers their files only.
package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/store/sqlstore"
)

const (
	dbEntry    = "parley.db"
	filesEntry = "files/"
)

// ErrPostgres means the database is PostgreSQL and must be dumped with pg_dump.
var ErrPostgres = errors.New("the database is PostgreSQL: back it up with pg_dump (see docs/install.md) and use --files-only for the files")

// ErrS3 means the files are in an S3 bucket, which the bucket's own tools
// back up (versioning, replication, mc mirror): a tar of them would be as big
// as the bucket and no more consistent.
var ErrS3 = errors.New("the files are in an S3 bucket (file_driver amazons3): back it up with the S3 server's tools; parley backup covers the SQLite database only")

// Create writes a snapshot to out (mode 0600). With filesOnly the database is
// left out; with the files in S3 they are.
func Create(ctx context.Context, cfg config.Config, out string, filesOnly bool) (err error) {
	pg := cfg.Database != "" && !strings.HasPrefix(cfg.Database, "sqlite:")
	if pg && !filesOnly {
		return ErrPostgres
	}
	s3 := cfg.FileDriver == config.FileDriverS3
	if s3 && filesOnly {
		return ErrS3
	}
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(out)
		}
	}()
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	if !filesOnly {
		if err := addDatabase(ctx, cfg, tw); err != nil {
			return err
		}
	}
	if !s3 {
		if err := addDir(tw, cfg.FilesPath(), filesEntry); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := gz.Close(); err != nil {
		return err
	}
	return f.Sync()
}

// addDatabase snapshots SQLite with VACUUM INTO: consistent while writers run.
func addDatabase(ctx context.Context, cfg config.Config, tw *tar.Writer) error {
	tmp, err := os.MkdirTemp(cfg.DataDir, ".backup-")
	if err != nil {
		return fmt.Errorf("backup: temp dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	s, err := sqlstore.Connect(ctx, cfg.Database, cfg.DataDir)
	if err != nil {
		return err
	}
	defer s.Close()
	snap := filepath.Join(tmp, dbEntry)
	if _, err := s.DB().ExecContext(ctx, `VACUUM INTO ?`, snap); err != nil {
		return fmt.Errorf("backup: snapshot database: %w", err)
	}
	return addFile(tw, snap, dbEntry)
}

func addFile(tw *tar.Writer, path, name string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	hdr := &tar.Header{Name: name, Mode: 0o600, Size: st.Size(), ModTime: st.ModTime(), Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err = io.Copy(tw, f)
	return err
}

func addDir(tw *tar.Writer, dir, prefix string) error {
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		return addFile(tw, path, prefix+filepath.ToSlash(rel))
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil // no files uploaded yet
	}
	return err
}

// Restore unpacks a snapshot into the install of cfg. The server must be
// stopped. Entries that would land outside the data directory are refused.
func Restore(cfg config.Config, in string) error {
	f, err := os.Open(in)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("restore: %s is not a Parley backup: %w", in, err)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return err
	}
	staging, err := os.MkdirTemp(cfg.DataDir, ".restore-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(staging)
	tr := tar.NewReader(gz)
	hasDB := false
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("restore: read %s: %w", in, err)
		}
		name := filepath.Clean(filepath.FromSlash(hdr.Name))
		if hdr.Typeflag != tar.TypeReg || !filepath.IsLocal(name) ||
			(name != dbEntry && !strings.HasPrefix(hdr.Name, filesEntry)) {
			return fmt.Errorf("restore: unexpected entry %q in %s", hdr.Name, in)
		}
		hasDB = hasDB || name == dbEntry
		if name != dbEntry && cfg.FileDriver == config.FileDriverS3 {
			return fmt.Errorf("restore: %s holds files, but file_driver is amazons3: %w", in, ErrS3)
		}
		dst := filepath.Join(staging, name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return err
		}
		out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		_, cerr := io.Copy(out, tr)
		if err := errors.Join(cerr, out.Close()); err != nil {
			return fmt.Errorf("restore: write %s: %w", hdr.Name, err)
		}
	}
	// Everything is unpacked; only now replace what is in place.
	if hasDB {
		dbPath := filepath.Join(cfg.DataDir, dbEntry)
		if strings.HasPrefix(cfg.Database, "sqlite:") {
			dbPath = strings.TrimPrefix(cfg.Database, "sqlite:")
		}
		for _, suffix := range []string{"-wal", "-shm"} {
			if err := os.Remove(dbPath + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		if err := os.Rename(filepath.Join(staging, dbEntry), dbPath); err != nil {
			return fmt.Errorf("restore: put database in place: %w", err)
		}
	}
	staged := filepath.Join(staging, "files")
	if _, err := os.Stat(staged); err == nil {
		if err := os.RemoveAll(cfg.FilesPath()); err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(cfg.FilesPath()), 0o700); err != nil {
			return err
		}
		if err := os.Rename(staged, cfg.FilesPath()); err != nil {
			return fmt.Errorf("restore: put files in place: %w", err)
		}
	}
	return nil
}
