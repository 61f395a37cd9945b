package api_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

// multipartData wraps a chunk as the first part of a form, named data.
func multipartData(t *testing.T, chunk []byte) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, err := w.CreateFormFile("data", "blob")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(chunk)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), buf.Bytes()
}

func getUpload(t *testing.T, c *apitest.Client, id string) model.UploadSession {
	t.Helper()
	var us model.UploadSession
	c.Get("/uploads/" + id).Expect(http.StatusOK).JSON(&us)
	return us
}

// uploadChunks lists the chunks stored for a session.
func uploadChunks(t *testing.T, s *apitest.Server, id string) []string {
	t.Helper()
	return fileStoreDir(t, s, "uploads", id)
}

// fileStoreDir lists the names in a directory of the file store (nil when it
// does not exist).
func fileStoreDir(t *testing.T, s *apitest.Server, dir ...string) []string {
	t.Helper()
	es, err := os.ReadDir(filepath.Join(append([]string{s.Backend.DataDir, "files"}, dir...)...))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

func TestResumableAttachmentUpload(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		carol := s.SignUp("carol")
		team := admin.CreateTeam("crew", true)
		admin.AddToTeam(team.ID, bob.UserID)
		admin.AddToTeam(team.ID, carol.UserID)
		ch := admin.CreateChannel(team.ID, "private", "P")
		admin.Post("/channels/"+ch.ID+"/members", map[string]string{"user_id": bob.UserID}).Expect(http.StatusCreated)

		img := pngBytes(t, 300, 200)
		size := int64(len(img))
		create := func(c *apitest.Client, body map[string]any) *apitest.Response {
			return c.Post("/uploads", body)
		}

		// Refused sessions.
		create(carol, map[string]any{"channel_id": ch.ID, "filename": "a.png", "file_size": size}).
			ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		create(bob, map[string]any{"channel_id": model.NewID(), "filename": "a.png", "file_size": size}).
			ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		create(bob, map[string]any{"channel_id": "nope", "filename": "a.png", "file_size": size}).
			ExpectError(http.StatusBadRequest, "api.context.invalid_body_param.app_error")
		create(bob, map[string]any{"channel_id": ch.ID, "filename": "a.png", "file_size": 0}).
			ExpectError(http.StatusBadRequest, "model.upload_session.is_valid.file_size.app_error")
		create(bob, map[string]any{"channel_id": ch.ID, "filename": "", "file_size": size}).
			ExpectError(http.StatusBadRequest, "model.upload_session.is_valid.filename.app_error")
		create(bob, map[string]any{"channel_id": ch.ID, "filename": "a.png", "file_size": 2 << 20}).
			ExpectError(http.StatusRequestEntityTooLarge, "app.upload.create.upload_too_large.app_error")
		create(bob, map[string]any{"type": "import", "filename": "a.zip", "file_size": size}).
			ExpectError(http.StatusForbidden, "api.context.permissions.app_error")

		// A session with a hostile name; user_id in the body is ignored.
		var us model.UploadSession
		create(bob, map[string]any{"channel_id": ch.ID, "filename": "../../etc/\x01pass\u202ewd.png", "file_size": size,
			"user_id": admin.UserID}).Expect(http.StatusCreated).JSON(&us)
		if us.Filename != "passwd.png" || us.UserID != bob.UserID || us.Type != model.UploadTypeAttachment ||
			us.FileOffset != 0 || us.FileSize != size || us.ChannelID != ch.ID || us.CreateAt == 0 {
			t.Fatalf("session %+v", us)
		}
		body := rawJSON(t, bob.Get("/uploads/"+us.ID).Expect(http.StatusOK).Body)
		for _, k := range []string{"id", "type", "create_at", "user_id", "channel_id", "filename", "file_size", "file_offset"} {
			if _, ok := body[k]; !ok {
				t.Errorf("session JSON lacks %s", k)
			}
		}

		// Someone else's session, unknown ids.
		carol.Get("/uploads/"+us.ID).ExpectError(http.StatusForbidden, "api.upload.get_upload.forbidden.app_error")
		carol.Raw("POST", "/uploads/"+us.ID, "application/octet-stream", img[:10]).
			ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		admin.Raw("POST", "/uploads/"+us.ID, "application/octet-stream", img[:10]).
			ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		carol.Get("/users/"+bob.UserID+"/uploads").ExpectError(http.StatusForbidden, "api.user.get_uploads_for_user.forbidden.app_error")
		bob.Get("/uploads/"+model.NewID()).ExpectError(http.StatusNotFound, "app.upload.get.app_error")
		bob.Raw("POST", "/uploads/"+model.NewID(), "application/octet-stream", img[:10]).
			ExpectError(http.StatusNotFound, "app.upload.get.app_error")

		// First chunk, raw.
		bob.Raw("POST", "/uploads/"+us.ID, "application/octet-stream", img[:100]).Expect(http.StatusNoContent)
		if got := getUpload(t, bob, us.ID); got.FileOffset != 100 {
			t.Fatalf("offset after the first chunk: %d", got.FileOffset)
		}
		var mine []model.UploadSession
		bob.Get("/users/me/uploads").Expect(http.StatusOK).JSON(&mine)
		if len(mine) != 1 || mine[0].ID != us.ID || mine[0].FileOffset != 100 {
			t.Fatalf("bob's uploads: %+v", mine)
		}

		// Chunks past file_size are refused whole, raw (declared length) or
		// multipart (found while reading); the session stays at 100.
		bob.Raw("POST", "/uploads/"+us.ID, "application/octet-stream", append(bytes.Clone(img[100:]), 'x')).
			ExpectError(http.StatusBadRequest, "api.upload.upload_data.invalid_content_length")
		ct, form := multipartData(t, append(bytes.Clone(img[100:]), 'x'))
		bob.Raw("POST", "/uploads/"+us.ID, ct, form).ExpectError(http.StatusBadRequest, "api.upload.upload_data.invalid_content_length")
		bob.Raw("POST", "/uploads/"+us.ID, "multipart/form-data", img[100:]).
			ExpectError(http.StatusBadRequest, "api.upload.upload_data.invalid_content_type")
		if got := getUpload(t, bob, us.ID); got.FileOffset != 100 {
			t.Fatalf("offset after refused chunks: %d", got.FileOffset)
		}
		if chunks := uploadChunks(t, s, us.ID); len(chunks) != 1 {
			t.Fatalf("stored chunks after refused ones: %v", chunks)
		}

		// Second chunk continues at the offset; the last, multipart, completes it.
		bob.Raw("POST", "/uploads/"+us.ID, "application/octet-stream", img[100:200]).Expect(http.StatusNoContent)
		ct, form = multipartData(t, img[200:])
		var f model.FileInfo
		bob.Raw("POST", "/uploads/"+us.ID, ct, form).Expect(http.StatusCreated).JSON(&f)
		if f.Name != "passwd.png" || f.Size != size || f.UserID != bob.UserID || f.ChannelID != ch.ID ||
			f.MimeType != "image/png" || f.Width != 300 || f.Height != 200 || !f.HasPreviewImage {
			t.Fatalf("file info %+v", f)
		}
		got := bob.Get("/files/" + f.ID).Expect(http.StatusOK)
		if !bytes.Equal(got.Body, img) {
			t.Fatalf("downloaded %d bytes, differ from the %d uploaded", len(got.Body), len(img))
		}
		bob.Get("/files/" + f.ID + "/thumbnail").Expect(http.StatusOK)
		bob.Get("/uploads/"+us.ID).ExpectError(http.StatusNotFound, "app.upload.get.app_error")
		bob.Raw("POST", "/uploads/"+us.ID, "application/octet-stream", img[:1]).
			ExpectError(http.StatusNotFound, "app.upload.get.app_error")
		if chunks := uploadChunks(t, s, us.ID); len(chunks) != 0 {
			t.Fatalf("chunks left after completion: %v", chunks)
		}
		bob.Get("/users/me/uploads").Expect(http.StatusOK).JSON(&mine)
		if len(mine) != 0 {
			t.Fatalf("completed upload still listed: %+v", mine)
		}
		bob.Post("/posts", map[string]any{"channel_id": ch.ID, "message": "pic", "file_ids": []string{f.ID}}).Expect(http.StatusCreated)

		// A damaged image is refused at completion and the session stays
		// where it was: no file, the last chunk not counted.
		bad := append(bytes.Clone(img[:60]), make([]byte, 40)...)
		create(bob, map[string]any{"channel_id": ch.ID, "filename": "bad.png", "file_size": len(bad)}).
			Expect(http.StatusCreated).JSON(&us)
		bob.Raw("POST", "/uploads/"+us.ID, "application/octet-stream", bad[:50]).Expect(http.StatusNoContent)
		bob.Raw("POST", "/uploads/"+us.ID, "application/octet-stream", bad[50:]).
			ExpectError(http.StatusBadRequest, "api.file.upload_file.image_damaged.app_error")
		if got := getUpload(t, bob, us.ID); got.FileOffset != 50 {
			t.Fatalf("offset after a refused completion: %d", got.FileOffset)
		}
		if chunks := uploadChunks(t, s, us.ID); len(chunks) != 1 {
			t.Fatalf("stored chunks after a refused completion: %v", chunks)
		}

		// Losing access to the channel stops the upload.
		admin.Delete("/channels/" + ch.ID + "/members/" + bob.UserID).Expect(http.StatusOK)
		bob.Raw("POST", "/uploads/"+us.ID, "application/octet-stream", bad[50:]).
			ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
	}, func(c *config.Config) { c.MaxFileSize = 1 << 20 })
}

// mmctl import upload: an import session, completed, lands where GET /imports
// lists it and import_process takes it.
func TestResumableImportUpload(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		admin.Post("/uploads", map[string]any{"type": "import", "filename": "data.jsonl", "file_size": 10}).
			ExpectError(http.StatusBadRequest, "app.import.upload.not_zip.app_error")

		lines := append(append([]string{}, jobHeader...),
			`{"type":"post","post":{"team":"moved","channel":"dev","user":"ann","message":"resumed","create_at":1700000000000}}`)
		zip := importZip(t, lines, nil)
		var us model.UploadSession
		admin.Post("/uploads", map[string]any{"type": "import", "filename": "data.zip", "file_size": len(zip)}).
			Expect(http.StatusCreated).JSON(&us)
		if us.Type != model.UploadTypeImport || us.ChannelID != "" {
			t.Fatalf("session %+v", us)
		}
		half := len(zip) / 2
		admin.Raw("POST", "/uploads/"+us.ID, "application/octet-stream", zip[:half]).Expect(http.StatusNoContent)
		var names []string
		admin.Get("/imports").Expect(http.StatusOK).JSON(&names)
		if len(names) != 0 {
			t.Fatalf("incomplete import listed: %v", names)
		}
		// Resume as mmctl --resume does: read the offset, send the rest.
		off := getUpload(t, admin, us.ID).FileOffset
		var f model.FileInfo
		admin.Raw("POST", "/uploads/"+us.ID, "application/octet-stream", zip[off:]).Expect(http.StatusCreated).JSON(&f)
		if f.Name != us.ID+"_data.zip" || f.Size != int64(len(zip)) {
			t.Fatalf("completed import %+v", f)
		}
		admin.Get("/imports").Expect(http.StatusOK).JSON(&names)
		if len(names) != 1 || names[0] != f.Name {
			t.Fatalf("imports %v, want [%s]", names, f.Name)
		}
		var j model.Job
		admin.Post("/jobs", map[string]any{"type": "import_process", "data": map[string]string{"import_file": f.Name}}).
			Expect(http.StatusCreated).JSON(&j)
		if done := waitJob(t, admin, j.ID, model.JobStatusSuccess, model.JobStatusError); done.Status != model.JobStatusSuccess {
			t.Fatalf("import job: %s %v", done.Status, done.Data)
		}
		if chunks := uploadChunks(t, s, us.ID); len(chunks) != 0 {
			t.Fatalf("chunks left after completion: %v", chunks)
		}
	})
}

// Sessions expire a day after creation: unreadable at once, removed with
// their chunks by the sweep.
func TestUploadSessionsExpire(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		team := admin.CreateTeam("crew", true)
		ch := admin.CreateChannel(team.ID, "town", "O")
		ctx := context.Background()
		app := s.Srv.App

		var us model.UploadSession
		admin.Post("/uploads", map[string]any{"channel_id": ch.ID, "filename": "a.txt", "file_size": 10}).
			Expect(http.StatusCreated).JSON(&us)
		admin.Raw("POST", "/uploads/"+us.ID, "application/octet-stream", []byte("12345")).Expect(http.StatusNoContent)

		old := &model.UploadSession{ID: model.NewID(), Type: model.UploadTypeAttachment, UserID: admin.UserID, ChannelID: ch.ID,
			Filename: "old.txt", FileSize: 10, CreateAt: model.Now() - 25*int64(time.Hour/time.Millisecond)}
		if err := s.Store.SaveUploadSession(ctx, old); err != nil {
			t.Fatal(err)
		}
		admin.Get("/uploads/"+old.ID).ExpectError(http.StatusNotFound, "app.upload.get.app_error")
		var mine []model.UploadSession
		admin.Get("/users/" + admin.UserID + "/uploads").Expect(http.StatusOK).JSON(&mine)
		if len(mine) != 1 || mine[0].ID != us.ID {
			t.Fatalf("uploads listed: %+v", mine)
		}

		app.SweepUploads(ctx, time.Now())
		if _, err := s.Store.GetUploadSession(ctx, old.ID); err == nil {
			t.Error("expired session survived the sweep")
		}
		if getUpload(t, admin, us.ID).FileOffset != 5 || len(uploadChunks(t, s, us.ID)) != 1 {
			t.Fatal("a fresh session was swept")
		}
		app.SweepUploads(ctx, time.Now().Add(24*time.Hour+time.Minute))
		admin.Get("/uploads/"+us.ID).ExpectError(http.StatusNotFound, "app.upload.get.app_error")
		if chunks := uploadChunks(t, s, us.ID); len(chunks) != 0 {
			t.Fatalf("chunks left after the sweep: %v", chunks)
		}
	})
}

// Chunks sent at once: each is counted whole or refused whole (when another
// moved the offset while it was stored), never both or in part: the offset
// is the sum of the counted chunks, and only those stay stored.
func TestUploadConcurrentChunks(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		var us model.UploadSession
		admin.Post("/uploads", map[string]any{"type": "import", "filename": "race.zip", "file_size": 1 << 20}).
			Expect(http.StatusCreated).JSON(&us)
		const racers = 6
		type result struct{ size, status int }
		results := make(chan result, racers)
		var wg sync.WaitGroup
		for i := range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				size := 1000 * (i + 1)
				req, _ := http.NewRequest("POST", s.URL+"/api/v4/uploads/"+us.ID, bytes.NewReader(bytes.Repeat([]byte{byte(i)}, size)))
				req.Header.Set("Authorization", "Bearer "+admin.Token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					results <- result{size, 0}
					return
				}
				resp.Body.Close()
				results <- result{size, resp.StatusCode}
			}()
		}
		wg.Wait()
		close(results)
		var counted, sum int
		for r := range results {
			switch r.status {
			case http.StatusNoContent:
				counted++
				sum += r.size
			case http.StatusBadRequest:
			default:
				t.Errorf("racing chunk answered %d", r.status)
			}
		}
		got := getUpload(t, admin, us.ID)
		if counted == 0 || got.FileOffset != int64(sum) {
			t.Fatalf("%d chunks of %d bytes counted, offset %d", counted, sum, got.FileOffset)
		}
		if chunks := uploadChunks(t, s, us.ID); len(chunks) != counted {
			t.Fatalf("stored chunks %v, %d counted", chunks, counted)
		}
	})
}
