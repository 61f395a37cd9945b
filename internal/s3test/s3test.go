// Package s3test runs a real S3 server, SeaweedFS, for tests: master, volume
// server, filer and S3 gateway in one `weed server` process on free ports of
// 127.0.0.1, with one access key, and creates buckets for the tests. The
// binary takes minutes to build, so scripts/test-deps.sh builds it ahead of
// time into the cache directory; without it a test is skipped, or fails
// where PARLEY_TEST_REQUIRE_POSTGRES=1 or CI says every server must be there.
package s3test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/proctest"
)

// Version is the SeaweedFS module version the tests run (served by the Go
// module proxy as a pseudo-version).
const Version = "v0.0.0-20261109003541-7506e5f91cd6"

// The key the server accepts.
const (
	AccessKey = "parleytest"
	SecretKey = "parleytest-secret-key"
	Region    = "us-east-1"
)

// Server is one running SeaweedFS with its S3 gateway.
type Server struct {
	Endpoint string // host:port of the S3 gateway
	client   *minio.Client
}

// BinDir is where the weed binary is cached.
func BinDir() string {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	return filepath.Join(base, "parley", "seaweedfs-"+Version)
}

// Binary returns the path of weed: PARLEY_WEED, or the one
// scripts/test-deps.sh built.
func Binary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("PARLEY_WEED"); p != "" {
		return p
	}
	p := filepath.Join(BinDir(), "weed")
	if _, err := os.Stat(p); err != nil {
		msg := "s3test: no SeaweedFS at " + p + " (run scripts/test-deps.sh, or set PARLEY_WEED)"
		if os.Getenv("PARLEY_TEST_REQUIRE_POSTGRES") == "1" || os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

// Start runs SeaweedFS until the test ends and waits until its S3 gateway
// answers.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := Binary(t)
	dir := t.TempDir()
	identities := map[string]any{"identities": []map[string]any{{
		"name":        "parley",
		"credentials": []map[string]string{{"accessKey": AccessKey, "secretKey": SecretKey}},
		"actions":     []string{"Admin", "Read", "Write", "List", "Tagging"},
	}}}
	js, _ := json.Marshal(identities)
	cfgFile := filepath.Join(dir, "s3.json")
	if err := os.WriteFile(cfgFile, js, 0o600); err != nil {
		t.Fatal(err)
	}
	port := func() string { return strconv.Itoa(proctest.FreePort(t)) }
	s3Port := port()
	args := []string{"server", "-ip=127.0.0.1", "-dir=" + filepath.Join(dir, "data"),
		"-master.port=" + port(), "-master.port.grpc=" + port(), "-master.telemetry=false",
		"-master.volumeSizeLimitMB=64", "-volume.max=16",
		"-volume.port=" + port(), "-volume.port.grpc=" + port(),
		"-filer", "-filer.port=" + port(), "-filer.port.grpc=" + port(),
		"-s3", "-s3.port=" + s3Port, "-s3.port.grpc=" + port(), "-s3.port.iceberg=0", "-s3.port.lance=0",
		"-s3.config=" + cfgFile, "-s3.autoCreateBucket=false",
		"-s3.localSocket=" + filepath.Join(dir, "s3.sock")}
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o700); err != nil {
		t.Fatal(err)
	}
	out := proctest.Run(t, "weed", exec.Command(bin, args...))
	s := &Server{Endpoint: net.JoinHostPort("127.0.0.1", s3Port)}
	c, err := minio.New(s.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(AccessKey, SecretKey, ""), Region: Region})
	if err != nil {
		t.Fatal(err)
	}
	s.client = c
	// Ready when the gateway lists buckets: it needs the filer, which needs
	// the master and a volume server. Bounded; it takes a few seconds.
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := c.ListBuckets(ctx)
		cancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("s3test: SeaweedFS did not start: %v\n%s", err, out.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	return s
}

// Bucket creates a bucket with a fresh name and returns it. Creating it can
// take a moment while the filer settles, so it is retried briefly.
func (s *Server) Bucket(t testing.TB) string {
	t.Helper()
	var id [6]byte
	_, _ = rand.Read(id[:])
	name := "parley-" + hex.EncodeToString(id[:])
	var err error
	for range 50 {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = s.client.MakeBucket(ctx, name, minio.MakeBucketOptions{Region: Region})
		cancel()
		if err == nil {
			return name
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("s3test: create bucket %s: %v", name, err)
	return ""
}

// Keys lists the object names in bucket.
func (s *Server) Keys(t testing.TB, bucket string) []string {
	t.Helper()
	var keys []string
	for o := range s.client.ListObjects(context.Background(), bucket, minio.ListObjectsOptions{Recursive: true}) {
		if o.Err != nil {
			t.Fatalf("s3test: list %s: %v", bucket, o.Err)
		}
		keys = append(keys, o.Key)
	}
	return keys
}

// Configure points c at a new bucket of s, under prefix.
func (s *Server) Configure(t testing.TB, c *config.Config, prefix string) string {
	t.Helper()
	bucket := s.Bucket(t)
	c.FileDriver = config.FileDriverS3
	c.S3AccessKeyID, c.S3SecretAccessKey = AccessKey, SecretKey
	c.S3Bucket, c.S3PathPrefix, c.S3Region = bucket, prefix, Region
	c.S3Endpoint, c.S3SSL = s.Endpoint, false
	return bucket
}
