package filestore_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/filestore"
	"github.com/parley-chat/parley/internal/s3test"
)

// Every backend passes the same tests: the local directory, and an S3
// bucket on a real S3 server (SeaweedFS) under a path prefix.
func eachBackend(t *testing.T, fn func(t *testing.T, b filestore.Backend)) {
	t.Run("local", func(t *testing.T) { fn(t, filestore.NewLocal(t.TempDir())) })
	t.Run("s3", func(t *testing.T) {
		srv := s3test.Start(t)
		b, _ := newS3(t, srv, srv.Bucket(t), "tenant/files")
		fn(t, b)
	})
}

func newS3(t *testing.T, srv *s3test.Server, bucket, prefix string) (*filestore.S3, filestore.S3Settings) {
	t.Helper()
	s := filestore.S3Settings{AccessKeyID: s3test.AccessKey, SecretAccessKey: s3test.SecretKey, Bucket: bucket,
		PathPrefix: prefix, Region: s3test.Region, Endpoint: srv.Endpoint, RequestTimeout: 10 * time.Second,
		PartSize: 5 << 20}
	b, err := filestore.NewS3(s)
	if err != nil {
		t.Fatal(err)
	}
	return b, s
}

func read(t *testing.T, b filestore.Backend, key string) []byte {
	t.Helper()
	o, err := b.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("open %s: %v", key, err)
	}
	defer o.Close()
	got, err := io.ReadAll(o)
	if err != nil {
		t.Fatal(err)
	}
	if o.Size() != int64(len(got)) {
		t.Errorf("%s: Size %d, read %d bytes", key, o.Size(), len(got))
	}
	if time.Since(o.ModTime()) > time.Hour || o.ModTime().After(time.Now().Add(time.Minute)) {
		t.Errorf("%s: ModTime %v", key, o.ModTime())
	}
	return got
}

func gone(t *testing.T, b filestore.Backend, key string) {
	t.Helper()
	if o, err := b.Open(context.Background(), key); !errors.Is(err, filestore.ErrNotFound) {
		if err == nil {
			o.Close()
		}
		t.Errorf("open %s: %v, want ErrNotFound", key, err)
	}
}

// failingReader gives some bytes, then an error, as a request cut short does.
type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("client went away")
	}
	n := min(len(p), f.n)
	f.n -= n
	return n, nil
}

func TestBackend(t *testing.T) {
	eachBackend(t, func(t *testing.T, b filestore.Backend) {
		ctx := context.Background()
		t.Run("write and read", func(t *testing.T) {
			n, err := b.Write(ctx, "f/ab/abc/original", strings.NewReader("hello, world"))
			if err != nil || n != 12 {
				t.Fatalf("write: %d, %v", n, err)
			}
			if got := read(t, b, "f/ab/abc/original"); string(got) != "hello, world" {
				t.Errorf("read %q", got)
			}
			// Overwriting replaces the bytes.
			if _, err := b.Write(ctx, "f/ab/abc/original", strings.NewReader("second")); err != nil {
				t.Fatal(err)
			}
			if got := read(t, b, "f/ab/abc/original"); string(got) != "second" {
				t.Errorf("after overwrite: %q", got)
			}
			gone(t, b, "f/ab/none/original")
		})
		t.Run("seek serves ranges", func(t *testing.T) {
			if _, err := b.Write(ctx, "f/cd/range/original", strings.NewReader("0123456789")); err != nil {
				t.Fatal(err)
			}
			o, err := b.Open(ctx, "f/cd/range/original")
			if err != nil {
				t.Fatal(err)
			}
			defer o.Close()
			if end, err := o.Seek(0, io.SeekEnd); err != nil || end != 10 {
				t.Fatalf("seek end: %d, %v", end, err)
			}
			if _, err := o.Seek(4, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 3)
			if _, err := io.ReadFull(o, buf); err != nil || string(buf) != "456" {
				t.Errorf("range read %q, %v", buf, err)
			}
		})
		t.Run("large objects stream in parts", func(t *testing.T) {
			big := make([]byte, 11<<20+123) // three parts of 5 MiB
			rand.Read(big)
			n, err := b.Write(ctx, "uploads/big/chunk", io.MultiReader(bytes.NewReader(big[:1<<20]), bytes.NewReader(big[1<<20:])))
			if err != nil || n != int64(len(big)) {
				t.Fatalf("write: %d, %v", n, err)
			}
			if got := read(t, b, "uploads/big/chunk"); !bytes.Equal(got, big) {
				t.Errorf("read back %d bytes that differ", len(got))
			}
		})
		t.Run("failed writes leave nothing", func(t *testing.T) {
			if _, err := b.Write(ctx, "f/ef/cut/original", &failingReader{n: 6 << 20}); err == nil {
				t.Fatal("a write whose reader fails succeeded")
			}
			gone(t, b, "f/ef/cut/original")
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			if _, err := b.Write(cctx, "f/ef/cancelled/original", strings.NewReader("x")); !errors.Is(err, context.Canceled) {
				t.Errorf("cancelled write: %v", err)
			}
			gone(t, b, "f/ef/cancelled/original")
		})
		t.Run("remove all", func(t *testing.T) {
			for _, k := range []string{"f/gh/one/original", "f/gh/one/thumb.jpg", "f/gh/one/preview.jpg", "f/gh/onex/original", "f/gh/one2"} {
				if _, err := b.Write(ctx, k, strings.NewReader(k)); err != nil {
					t.Fatal(err)
				}
			}
			if err := b.RemoveAll(ctx, "f/gh/one"); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"f/gh/one/original", "f/gh/one/thumb.jpg", "f/gh/one/preview.jpg"} {
				gone(t, b, k)
			}
			// Siblings that only share the name's beginning stay.
			read(t, b, "f/gh/onex/original")
			read(t, b, "f/gh/one2")
			// An object named by the prefix itself goes too.
			if err := b.RemoveAll(ctx, "f/gh/one2"); err != nil {
				t.Fatal(err)
			}
			gone(t, b, "f/gh/one2")
			if err := b.RemoveAll(ctx, "f/zz/nothing"); err != nil {
				t.Errorf("nothing to remove: %v", err)
			}
		})
		t.Run("many objects are removed in batches", func(t *testing.T) {
			for i := range 30 {
				if _, err := b.Write(ctx, "uploads/many/"+strings.Repeat("x", i+1), strings.NewReader("c")); err != nil {
					t.Fatal(err)
				}
			}
			if err := b.RemoveAll(ctx, "uploads/many"); err != nil {
				t.Fatal(err)
			}
			gone(t, b, "uploads/many/x")
			gone(t, b, "uploads/many/"+strings.Repeat("x", 30))
		})
		t.Run("bad keys", func(t *testing.T) {
			for _, k := range []string{"", "/abs", "a/../b", "a//b", `a\b`, "a/./b", "a\x00b"} {
				if _, err := b.Write(ctx, k, strings.NewReader("x")); err == nil {
					t.Errorf("write %q accepted", k)
				}
				if _, err := b.Open(ctx, k); err == nil || errors.Is(err, filestore.ErrNotFound) {
					t.Errorf("open %q: %v", k, err)
				}
			}
		})
		t.Run("check", func(t *testing.T) {
			if err := b.Check(ctx); err != nil {
				t.Fatal(err)
			}
		})
	})
}

// Objects go under the path prefix; the bucket check tells a missing bucket
// from refused credentials.
func TestS3Bucket(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.Bucket(t)
	ctx := context.Background()
	b, s := newS3(t, srv, bucket, "/team-a/")
	if err := b.CheckBucket(ctx); err != nil {
		t.Fatalf("check: %v", err)
	}
	if _, err := b.Write(ctx, "emoji/e1/image", strings.NewReader("gif")); err != nil {
		t.Fatal(err)
	}
	if keys := srv.Keys(t, bucket); !slices.Equal(keys, []string{"team-a/emoji/e1/image"}) {
		t.Errorf("bucket holds %q", keys)
	}
	// Signature version 2, for old servers (SeaweedFS still takes it).
	v2 := s
	v2.SignV2 = true
	old, err := filestore.NewS3(v2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Write(ctx, "emoji/e2/image", strings.NewReader("v2")); err != nil {
		t.Fatalf("write signed v2: %v", err)
	}
	if got := read(t, old, "emoji/e2/image"); string(got) != "v2" {
		t.Errorf("read signed v2: %q", got)
	}
	if err := old.RemoveAll(ctx, "emoji/e2"); err != nil {
		t.Fatal(err)
	}
	s.Bucket = "parley-missing"
	missing, err := filestore.NewS3(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := missing.CheckBucket(ctx); !errors.Is(err, filestore.ErrNoBucket) {
		t.Errorf("missing bucket: %v", err)
	}
	s.Bucket, s.SecretAccessKey = bucket, "wrong"
	wrong, err := filestore.NewS3(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := wrong.CheckBucket(ctx); !errors.Is(err, filestore.ErrS3Access) {
		t.Errorf("wrong key: %v", err)
	}
	s.SecretAccessKey, s.Endpoint, s.RequestTimeout = s3test.SecretKey, "127.0.0.1:1", time.Second
	down, err := filestore.NewS3(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := down.CheckBucket(ctx); !errors.Is(err, filestore.ErrS3Access) {
		t.Errorf("unreachable: %v", err)
	}
}
