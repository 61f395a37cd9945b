package filestore

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/encrypt"
)

// ErrNoBucket means the S3 server answered that the bucket does not exist.
var ErrNoBucket = errors.New("the S3 bucket does not exist")

// ErrS3Access means the S3 server could not be reached or refused the
// credentials; Mattermost reports both as an authentication failure.
var ErrS3Access = errors.New("cannot access the S3 bucket")

// S3Settings are Mattermost's FileSettings.AmazonS3* settings.
type S3Settings struct {
	AccessKeyID, SecretAccessKey string
	Bucket, PathPrefix, Region   string
	Endpoint                     string // host[:port]
	SSL, SignV2, SSE             bool
	StorageClass                 string
	// RequestTimeout bounds connecting and waiting for an answer's headers,
	// and whole requests without a body to stream (stat, list, delete).
	RequestTimeout time.Duration
	// PartSize is the size of each part of a multipart upload: the memory
	// one upload of unknown length holds.
	PartSize int64
	// Trace logs each request and response at debug level.
	Trace bool
	Log   *slog.Logger
}

// S3 keeps objects in a bucket of an S3-compatible server, named by the
// path prefix and the key.
type S3 struct {
	client  *minio.Client
	bucket  string
	prefix  string // "" or ends in "/"
	opts    minio.PutObjectOptions
	timeout time.Duration
}

// NewS3 builds the client; it does not contact the server (see CheckBucket).
func NewS3(s S3Settings) (*S3, error) {
	creds := credentials.NewIAM("")
	if s.AccessKeyID != "" {
		creds = credentials.NewStaticV4(s.AccessKeyID, s.SecretAccessKey, "")
		if s.SignV2 {
			creds = credentials.NewStaticV2(s.AccessKeyID, s.SecretAccessKey, "")
		}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: s.RequestTimeout, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = s.RequestTimeout
	tr.ResponseHeaderTimeout = s.RequestTimeout
	c, err := minio.New(s.Endpoint, &minio.Options{Creds: creds, Secure: s.SSL, Region: s.Region, Transport: tr})
	if err != nil {
		return nil, fmt.Errorf("filestore: s3 endpoint %q: %w", s.Endpoint, err)
	}
	if s.Trace && s.Log != nil {
		c.TraceOn(traceWriter{s.Log})
	}
	prefix := strings.Trim(s.PathPrefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	b := &S3{client: c, bucket: s.Bucket, prefix: prefix, timeout: s.RequestTimeout,
		opts: minio.PutObjectOptions{PartSize: uint64(s.PartSize), StorageClass: s.StorageClass,
			ContentType: "application/octet-stream"}}
	if s.SSE {
		b.opts.ServerSideEncryption = encrypt.NewSSE()
	}
	return b, nil
}

// traceWriter sends minio-go's request dumps to the log.
type traceWriter struct{ log *slog.Logger }

func (w traceWriter) Write(p []byte) (int, error) {
	w.log.Debug("s3 trace", "dump", string(p))
	return len(p), nil
}

func (b *S3) name(key string) (string, error) {
	if key == "" || strings.HasPrefix(key, "/") || strings.Contains(key, `\`) || strings.Contains(key, "\x00") {
		return "", fmt.Errorf("filestore: bad key %q", key)
	}
	for _, part := range strings.Split(key, "/") {
		if part == "" || part == "." || part == ".." {
			return "", fmt.Errorf("filestore: bad key %q", key)
		}
	}
	return b.prefix + key, nil
}

// CheckBucket tells whether the bucket exists and the credentials may list
// it, as Mattermost's TestConnection does: by listing one object under the
// path prefix (a key limited to the prefix may not be allowed more).
func (b *S3) CheckBucket(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	// The first answer tells; the deferred cancel stops the listing.
	o, ok := <-b.client.ListObjects(ctx, b.bucket, minio.ListObjectsOptions{Prefix: b.prefix, MaxKeys: 1})
	switch {
	case !ok || o.Err == nil:
		return nil
	case minio.ToErrorResponse(o.Err).Code == minio.NoSuchBucket:
		return fmt.Errorf("filestore: bucket %q: %w", b.bucket, ErrNoBucket)
	default:
		return fmt.Errorf("filestore: bucket %q: %w: %w", b.bucket, ErrS3Access, o.Err)
	}
}

// Write streams r as a multipart upload, holding one part in memory; a
// failed upload is aborted, so nothing stays under key. S3 acknowledges a
// PUT only once the object is stored.
func (b *S3) Write(ctx context.Context, key string, r io.Reader) (int64, error) {
	name, err := b.name(key)
	if err != nil {
		return 0, err
	}
	info, err := b.client.PutObject(ctx, b.bucket, name, ctxReader{ctx, r}, -1, b.opts)
	if err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		if c := minio.ToErrorResponse(err).Code; c == "QuotaExceeded" || c == "XMinioStorageFull" {
			return 0, fmt.Errorf("filestore: %w: %w", ErrFull, err)
		}
		return 0, fmt.Errorf("filestore: put %s: %w", name, err)
	}
	return info.Size, nil
}

// s3Object reads an object; minio-go turns each Seek into a ranged GET from
// there, so Range requests fetch only what they serve.
type s3Object struct {
	*minio.Object
	info minio.ObjectInfo
}

func (o s3Object) Size() int64        { return o.info.Size }
func (o s3Object) ModTime() time.Time { return o.info.LastModified }

func (b *S3) Open(ctx context.Context, key string) (Object, error) {
	name, err := b.name(key)
	if err != nil {
		return nil, err
	}
	obj, err := b.client.GetObject(ctx, b.bucket, name, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("filestore: get %s: %w", name, err)
	}
	info, err := obj.Stat()
	if err != nil {
		obj.Close()
		if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("filestore: stat %s: %w", name, err)
	}
	return s3Object{obj, info}, nil
}

// RemoveAll deletes the object named prefix and those under prefix/, listed
// and deleted in batches (minio-go sends up to 1000 names a request).
func (b *S3) RemoveAll(ctx context.Context, prefix string) error {
	name, err := b.name(prefix)
	if err != nil {
		return err
	}
	objs := make(chan minio.ObjectInfo)
	listErr := make(chan error, 1)
	go func() {
		defer close(objs)
		send := func(o minio.ObjectInfo) bool {
			select {
			case objs <- o:
				return true
			case <-ctx.Done():
				listErr <- ctx.Err()
				return false
			}
		}
		if !send(minio.ObjectInfo{Key: name}) {
			return
		}
		for o := range b.client.ListObjects(ctx, b.bucket, minio.ListObjectsOptions{Prefix: name + "/", Recursive: true}) {
			if o.Err != nil {
				listErr <- o.Err
				return
			}
			if !send(o) {
				return
			}
		}
		listErr <- nil
	}()
	var errs []error
	for e := range b.client.RemoveObjects(ctx, b.bucket, objs, minio.RemoveObjectsOptions{}) {
		if minio.ToErrorResponse(e.Err).Code != minio.NoSuchKey {
			errs = append(errs, fmt.Errorf("remove %s: %w", e.ObjectName, e.Err))
		}
	}
	errs = append(errs, <-listErr)
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	return nil
}

// Check writes, reads back and removes a probe under a key of its own, so
// nodes sharing the bucket do not remove each other's probes.
func (b *S3) Check(ctx context.Context) error {
	var id [8]byte
	_, _ = rand.Read(id[:])
	key := "check/" + hex.EncodeToString(id[:])
	probe := []byte("parley file store check")
	if _, err := b.Write(ctx, key, bytes.NewReader(probe)); err != nil {
		return err
	}
	defer b.RemoveAll(context.WithoutCancel(ctx), key)
	o, err := b.Open(ctx, key)
	if err != nil {
		return err
	}
	defer o.Close()
	got, err := io.ReadAll(o)
	if err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	if !bytes.Equal(got, probe) {
		return errors.New("filestore: the probe read back differs")
	}
	return nil
}
