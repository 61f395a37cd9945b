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
	"time"
)

// ErrNotFound means no object has the key.
var ErrNotFound = errors.New("file not found")

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
}

// Local keeps objects as files under a directory, one file per key.
type Local struct {
	root string
}

// NewLocal stores objects under dir (created on first write).
func NewLocal(dir string) *Local { return &Local{root: dir} }

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
// whole object or none.
func (l *Local) Write(ctx context.Context, key string, r io.Reader) (n int64, err error) {
	p, err := l.path(key)
	if err != nil {
		return 0, err
	}
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, fmt.Errorf("filestore: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return 0, fmt.Errorf("filestore: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	n, err = io.Copy(tmp, ctxReader{ctx, r})
	if err != nil {
		return n, err
	}
	if err = tmp.Sync(); err != nil {
		return n, fmt.Errorf("filestore: sync: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return n, fmt.Errorf("filestore: %w", err)
	}
	if err = os.Rename(tmp.Name(), p); err != nil {
		return n, fmt.Errorf("filestore: %w", err)
	}
	return n, syncDir(dir)
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

func (l *Local) RemoveAll(_ context.Context, prefix string) error {
	p, err := l.path(prefix)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(p); err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	return nil
}
