package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/s3test"
	"github.com/parley-chat/parley/internal/server"
	"github.com/parley-chat/parley/internal/testdb"
)

// With file_driver amazons3 uploads, their thumbnails and previews live in
// the bucket (a real S3 server) under the path prefix, are served from it
// (ranges too), and a permanent deletion removes them from it.
func TestS3FileStore(t *testing.T) {
	srv := s3test.Start(t)
	var bucket string
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		team := admin.CreateTeam("staff", true)
		ch := admin.CreateChannel(team.ID, "photos", model.ChannelOpen)
		var ping map[string]any
		s.Anon().Get("/system/ping?get_server_status=true").Expect(http.StatusOK).JSON(&ping)
		if ping["filestore_status"] != "OK" {
			t.Fatalf("ping: %v", ping)
		}

		photo := jpegBytes(t, 400, 300)
		var up uploaded
		admin.Upload(ch.ID, apitest.FilePart{Name: "photo.jpg", Data: photo}).Expect(http.StatusCreated).JSON(&up)
		f := up.FileInfos[0]
		if !f.HasPreviewImage || f.Width != 400 || f.Size != int64(len(photo)) {
			t.Fatalf("file info %+v", f)
		}
		keys := strings.Join(srv.Keys(t, bucket), " ")
		for _, v := range []string{"original", "thumb.jpg", "preview.jpg"} {
			if !strings.Contains(keys, "chat/f/"+f.ID[:2]+"/"+f.ID+"/"+v) {
				t.Errorf("bucket lacks %s: %s", v, keys)
			}
		}
		if r := admin.Get("/files/" + f.ID).Expect(http.StatusOK); !bytes.Equal(r.Body, photo) {
			t.Errorf("served %d bytes, want the %d uploaded", len(r.Body), len(photo))
		}
		for _, v := range []string{"thumbnail", "preview"} {
			r := admin.Get("/files/" + f.ID + "/" + v).Expect(http.StatusOK)
			if r.Header.Get("Content-Type") != "image/jpeg" || decodeConfig(t, r.Body).Width == 0 {
				t.Errorf("%s: %v, %d bytes", v, r.Header, len(r.Body))
			}
		}
		admin.Header.Set("Range", "bytes=10-19")
		r := admin.Get("/files/" + f.ID).Expect(http.StatusPartialContent)
		admin.Header.Del("Range")
		if !bytes.Equal(r.Body, photo[10:20]) {
			t.Errorf("range: %q", r.Body)
		}

		// A resumable upload keeps its chunks in the bucket until it completes.
		doc := bytes.Repeat([]byte("chunked "), 4096)
		var us model.UploadSession
		admin.Post("/uploads", map[string]any{"channel_id": ch.ID, "filename": "doc.txt", "file_size": len(doc)}).
			Expect(http.StatusCreated).JSON(&us)
		admin.Raw("POST", "/uploads/"+us.ID, "application/octet-stream", doc[:10000]).Expect(http.StatusNoContent)
		if keys := strings.Join(srv.Keys(t, bucket), " "); !strings.Contains(keys, "chat/uploads/"+us.ID+"/") {
			t.Errorf("no chunk in the bucket: %s", keys)
		}
		var done model.FileInfo
		admin.Raw("POST", "/uploads/"+us.ID, "application/octet-stream", doc[10000:]).Expect(http.StatusCreated).JSON(&done)
		if r := admin.Get("/files/" + done.ID).Expect(http.StatusOK); !bytes.Equal(r.Body, doc) {
			t.Errorf("resumed upload served %d bytes, want %d", len(r.Body), len(doc))
		}
		if keys := strings.Join(srv.Keys(t, bucket), " "); strings.Contains(keys, "chat/uploads/") {
			t.Errorf("chunks left after completion: %s", keys)
		}

		// A custom emoji goes to the bucket too.
		admin.Multipart("/emoji", [][2]string{{"emoji", `{"name":"s3-store-check","creator_id":"` + admin.UserID + `"}`}}, "image",
			apitest.FilePart{Name: "p.png", Data: pngBytes(t, 64, 64)}).Expect(http.StatusOK)

		var p model.Post
		admin.Post("/posts", map[string]any{"channel_id": ch.ID, "message": "look", "file_ids": []string{f.ID}}).
			Expect(http.StatusCreated).JSON(&p)
		admin.Delete("/channels/" + ch.ID + "?permanent=true").Expect(http.StatusOK)
		deadline := time.Now().Add(5 * time.Second)
		for {
			keys := strings.Join(srv.Keys(t, bucket), " ")
			if !strings.Contains(keys, f.ID) && strings.Contains(keys, "chat/emoji/") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("after the permanent deletion the bucket holds %s", keys)
			}
			time.Sleep(50 * time.Millisecond)
		}
		admin.Get("/files/" + f.ID).Expect(http.StatusNotFound)
	}, func(c *config.Config) {
		bucket = srv.Configure(t, c, "chat")
		c.EnableAPIDeletion = true
	})
}

// POST /file/s3_test answers as Mattermost's: OK, or the error id of what
// is wrong with the settings sent (or, with no body, the saved ones).
func TestS3Test(t *testing.T) {
	srv := s3test.Start(t)
	s := apitest.Start(t, testdb.Backend{Name: "sqlite", DataDir: t.TempDir()}, func(c *config.Config) {
		srv.Configure(t, c, "")
	})
	admin := s.SignUp("admin")
	bob := s.SignUp("bob")
	bob.Post("/file/s3_test", nil).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
	s.Anon().Post("/file/s3_test", nil).Expect(http.StatusUnauthorized)

	var ok map[string]string
	admin.Post("/file/s3_test", nil).Expect(http.StatusOK).JSON(&ok)
	if ok["status"] != "OK" {
		t.Fatalf("answer %v", ok)
	}
	// The System Console sends the whole configuration, the secret masked.
	var cfg map[string]map[string]any
	admin.Get("/config").Expect(http.StatusOK).JSON(&cfg)
	if cfg["FileSettings"]["AmazonS3SecretAccessKey"] != config.FakeSetting {
		t.Fatalf("secret not masked: %v", cfg["FileSettings"]["AmazonS3SecretAccessKey"])
	}
	admin.Post("/file/s3_test", cfg).Expect(http.StatusOK)

	with := func(name string, v any) map[string]map[string]any {
		b, _ := json.Marshal(cfg)
		var c map[string]map[string]any
		_ = json.Unmarshal(b, &c)
		c["FileSettings"][name] = v
		return c
	}
	admin.Post("/file/s3_test", with("AmazonS3Bucket", "parley-nobody-made-this")).
		ExpectError(http.StatusInternalServerError, "api.file.test_connection_s3_bucket_does_not_exist.app_error")
	admin.Post("/file/s3_test", with("AmazonS3SecretAccessKey", "wrong")).
		ExpectError(http.StatusInternalServerError, "api.file.test_connection_s3_auth.app_error")
	admin.Post("/file/s3_test", with("AmazonS3AccessKeyId", "nobody")).
		ExpectError(http.StatusInternalServerError, "api.file.test_connection_s3_auth.app_error")
	admin.Post("/file/s3_test", with("AmazonS3Bucket", "")).
		ExpectError(http.StatusBadRequest, "api.admin.test_s3.missing_s3_bucket")
	admin.Post("/file/s3_test", with("AmazonS3SSL", "yes")).
		ExpectError(http.StatusBadRequest, "api.context.invalid_body_param.app_error")
	admin.Raw("POST", "/file/s3_test", "application/json", []byte(`{"FileSettings":`)).
		ExpectError(http.StatusBadRequest, "api.context.invalid_body_param.app_error")
	// Testing saves nothing.
	admin.Post("/file/s3_test", nil).Expect(http.StatusOK)
}

// A node whose bucket does not answer does not start, and says why.
func TestS3StartRefused(t *testing.T) {
	srv := s3test.Start(t)
	cfg := config.Default()
	cfg.Listen, cfg.MetricsListen, cfg.DataDir = "127.0.0.1:0", "", t.TempDir()
	srv.Configure(t, &cfg, "")
	cfg.S3Bucket = "parley-missing"
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	_, err := server.New(context.Background(), cfg, log)
	if err == nil || !strings.Contains(err.Error(), "bucket") || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("missing bucket: %v", err)
	}
	cfg.S3Bucket, cfg.S3Endpoint, cfg.S3RequestTimeoutMS = "parley-any", "127.0.0.1:1", 1000
	if _, err = server.New(context.Background(), cfg, log); err == nil || !strings.Contains(err.Error(), "cannot access") {
		t.Fatalf("unreachable server: %v", err)
	}
}
