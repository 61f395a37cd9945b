// Package filestore keeps the bytes of uploaded files and custom emoji. The app
// layer names objects by slash-separated keys it derives from ids (never from
// user input), so a backend maps keys to storage without interpreting them.
// Local is the default; an S3-compatible backend implements the same interface
// with objects named by the keys (see docs/files.md).
package filestore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// ErrNotFound means no object has the key.
var ErrNotFound = errors.New("file not found")

// ErrFull means the store has no room left (a full disk or an exhausted
// quota); errors of Write match it with errors.Is.
var ErrFull = errors.New("file store is full")

// Object is stored bytes opened for reading. Seek makes Range requests work
// (http.ServeContent).
type Object interface {
	io.ReadSeekCloser
	Size() int64
	ModTime() time.Time
}

// Backend stores objects under keys.
type Backend interface {
	// Write stores r under key and returns the number of bytes written. The
	// bytes are durable when it returns nil; on error nothing is left under key.
	Write(ctx context.Context, key string, r io.Reader) (int64, error)
	// Open reads the object under key (ErrNotFound if there is none).
	Open(ctx context.Context, key string) (Object, error)
	// RemoveAll removes every object whose key is prefix or starts with
	// prefix + "/". Nothing to remove is not an error.
	RemoveAll(ctx context.Context, prefix string) error
	// Check writes, reads back and removes a small object, telling whether
	// the store can take uploads now (a full disk fails it).
	Check(ctx context.Context) error
}

// Local keeps objects as files under a directory, one file per key.
type Local struct {
	root string
}

// NewLocal stores objects under dir (created on first write).
func NewLocal(dir string) *Local { return &Local{root: filepath.Clean(dir)} }

// path maps a key to a file under the root, refusing keys that could leave it.
func (l *Local) path(key string) (string, error) {
	if key == "" || strings.HasPrefix(key, "/") || strings.Contains(key, `\`) || strings.Contains(key, "\x00") {
		return "", fmt.Errorf("filestore: bad key %q", key)
	}
	for _, part := range strings.Split(key, "/") {
		if part == "" || part == "." || part == ".." {
			return "", fmt.Errorf("filestore: bad key %q", key)
		}
	}
	return filepath.Join(l.root, filepath.FromSlash(key)), nil
}

// Write goes to a temporary file in the target directory, is synced, then
// renamed into place and the directory synced, so a crash leaves either the
// whole object or none. On error the directories it created are removed too.
func (l *Local) Write(ctx context.Context, key string, r io.Reader) (n int64, err error) {
	p, err := l.path(key)
	if err != nil {
		return 0, err
	}
	dir := filepath.Dir(p)
	var tmp *os.File
	// A concurrent RemoveAll may prune a parent between MkdirAll and
	// CreateTemp; one retry covers that.
	for range 2 {
		created, mkErr := l.mkdirAll(dir)
		if mkErr != nil {
			return 0, storeErr(mkErr)
		}
		defer func() {
			if err != nil {
				l.prune(created)
			}
		}()
		tmp, err = os.CreateTemp(dir, ".upload-*")
		if !errors.Is(err, os.ErrNotExist) {
			break
		}
	}
	if err != nil {
		return 0, storeErr(err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	n, err = io.Copy(tmp, ctxReader{ctx, r})
	if err != nil {
		return n, storeErr(err)
	}
	if err = tmp.Sync(); err != nil {
		return n, storeErr(fmt.Errorf("sync: %w", err))
	}
	if err = tmp.Close(); err != nil {
		return n, storeErr(err)
	}
	if err = os.Rename(tmp.Name(), p); err != nil {
		return n, storeErr(err)
	}
	if err = syncDir(dir); err != nil {
		os.Remove(p)
		return n, err
	}
	return n, nil
}

// mkdirAll creates dir and its missing parents under the root, returning the
// outermost one it created ("" if none).
func (l *Local) mkdirAll(dir string) (created string, err error) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		}
		created = d
		if d == l.root || filepath.Dir(d) == d {
			break
		}
	}
	return created, os.MkdirAll(dir, 0o700)
}

// prune removes the empty directories under top that a failed write made,
// from the deepest up; a directory another write has filled stays.
func (l *Local) prune(top string) {
	if top == "" {
		return
	}
	var dirs []string
	_ = filepath.WalkDir(top, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			dirs = append(dirs, p)
		}
		return nil
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		os.Remove(dirs[i]) // fails, harmlessly, on a directory that is not empty
	}
}

// storeErr wraps a file system error, marking a full disk or quota ErrFull.
func storeErr(err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return fmt.Errorf("filestore: %w: %w", ErrFull, err)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("filestore: %w", err)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("filestore: sync directory: %w", err)
	}
	return nil
}

// ctxReader stops a long copy when the request ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

type localObject struct {
	*os.File
	info os.FileInfo
}

func (o localObject) Size() int64        { return o.info.Size() }
func (o localObject) ModTime() time.Time { return o.info.ModTime() }

func (l *Local) Open(_ context.Context, key string) (Object, error) {
	p, err := l.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("filestore: %w", err)
	}
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		f.Close()
		return nil, ErrNotFound
	}
	return localObject{f, info}, nil
}

// RemoveAll also removes the parent directories it leaves empty (f/ab of
// f/ab/<id>), so deleted files leave no directories behind.
func (l *Local) RemoveAll(_ context.Context, prefix string) error {
	p, err := l.path(prefix)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(p); err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	for d := filepath.Dir(p); d != l.root && strings.HasPrefix(d, l.root+string(filepath.Separator)); d = filepath.Dir(d) {
		if os.Remove(d) != nil {
			break
		}
	}
	return nil
}

// checkKey is the object Check writes, outside the keys the app uses.
const checkKey = "check/probe"

// Check writes a probe through Write (a full disk fails it with ErrFull),
// reads it back and removes it, as Mattermost's TestFileStoreConnection
// does for the ping's filestore_status.
func (l *Local) Check(ctx context.Context) error {
	const probe = "parley file store check"
	if _, err := l.Write(ctx, checkKey, strings.NewReader(probe)); err != nil {
		return err
	}
	defer l.RemoveAll(context.WithoutCancel(ctx), "check")
	o, err := l.Open(ctx, checkKey)
	if err != nil {
		return err
	}
	defer o.Close()
	b, err := io.ReadAll(o)
	if err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	if string(b) != probe {
		return errors.New("filestore: the probe read back differs")
	}
	return nil
}
