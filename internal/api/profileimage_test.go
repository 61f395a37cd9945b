package api_test

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

func lastPictureUpdate(t *testing.T, c *apitest.Client, userID string) int64 {
	t.Helper()
	var u model.User
	c.Get("/users/" + userID).Expect(http.StatusOK).JSON(&u)
	return u.LastPictureUpdate
}

// profileObjects lists the stored profile pictures of a user.
func profileObjects(t *testing.T, s *apitest.Server, userID string) []string {
	t.Helper()
	return fileStoreDir(t, s, "users", userID)
}

func TestProfileImage(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		carol := s.SignUp("carol")
		updated := make(chan *model.Event, 16)
		unsub := s.Srv.App.Bus().Subscribe(func(ev *model.Event) {
			if ev.Event == model.EventUserUpdated {
				updated <- ev
			}
		})
		t.Cleanup(unsub)
		expectUpdated := func(wantLPU int64) {
			t.Helper()
			select {
			case ev := <-updated:
				u, _ := ev.Data["user"].(*model.User)
				if u == nil || u.ID != bob.UserID || u.LastPictureUpdate != wantLPU {
					t.Fatalf("user_updated event %+v", ev.Data)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("no user_updated event")
			}
		}
		img := "/users/" + bob.UserID + "/image"
		def := bob.Get(img).Expect(http.StatusOK)
		if def.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("default image type %q", def.Header.Get("Content-Type"))
		}

		// Refusals change nothing.
		upload := func(c *apitest.Client, userID, field, name string, data []byte) *apitest.Response {
			return c.Multipart("/users/"+userID+"/image", nil, field, apitest.FilePart{Name: name, Data: data})
		}
		jpg := jpegBytes(t, 300, 200)
		upload(carol, bob.UserID, "image", "me.jpg", jpg).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		upload(bob, model.NewID(), "image", "me.jpg", jpg).ExpectError(http.StatusNotFound, "app.user.missing_account.const")
		upload(bob, bob.UserID, "file", "me.jpg", jpg).ExpectError(http.StatusBadRequest, "api.user.upload_profile_user.no_file.app_error")
		bob.Raw("POST", img, "image/jpeg", jpg).ExpectError(http.StatusBadRequest, "api.user.upload_profile_user.parse.app_error")
		upload(bob, bob.UserID, "image", "me.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)).
			ExpectError(http.StatusBadRequest, "api.user.upload_profile_user.decode.app_error")
		upload(bob, bob.UserID, "image", "me.png", jpg[:200]).
			ExpectError(http.StatusBadRequest, "api.user.upload_profile_user.decode.app_error")
		upload(bob, bob.UserID, "image", "bomb.png", bombPNG(100000, 100000)).
			ExpectError(http.StatusBadRequest, "api.file.upload_file.large_image_detailed.app_error")
		upload(bob, bob.UserID, "image", "big.png", make([]byte, 2<<20)).
			ExpectError(http.StatusRequestEntityTooLarge, "api.user.upload_profile_user.too_large.app_error")
		if lpu := lastPictureUpdate(t, bob, bob.UserID); lpu != 0 {
			t.Fatalf("last_picture_update after refusals: %d", lpu)
		}
		if objs := profileObjects(t, s, bob.UserID); len(objs) != 0 {
			t.Fatalf("stored after refusals: %v", objs)
		}
		if got := bob.Get(img).Expect(http.StatusOK); !bytes.Equal(got.Body, def.Body) {
			t.Fatal("image changed by refused uploads")
		}

		// Self upload: a 128 px square PNG, served with an ETag.
		upload(bob, "me", "image", "me.jpg", jpg).Expect(http.StatusOK)
		lpu := lastPictureUpdate(t, bob, bob.UserID)
		if lpu <= 0 {
			t.Fatalf("last_picture_update after upload: %d", lpu)
		}
		expectUpdated(lpu)
		got := carol.Get(img).Expect(http.StatusOK)
		m, format, err := image.Decode(bytes.NewReader(got.Body))
		if err != nil || format != "png" || m.Bounds().Dx() != 128 || m.Bounds().Dy() != 128 {
			t.Fatalf("served picture: %v %s %v", err, format, m)
		}
		if got.Header.Get("ETag") == "" || got.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("headers %v", got.Header)
		}
		if d := carol.Get(img + "/default").Expect(http.StatusOK); !bytes.Equal(d.Body, def.Body) {
			t.Fatal("image/default is not the generated picture")
		}

		// An admin replaces it (WebP); the previous object goes.
		upload(admin, bob.UserID, "image", "g.webp", webpImage).Expect(http.StatusOK)
		lpu2 := lastPictureUpdate(t, bob, bob.UserID)
		if lpu2 <= lpu {
			t.Fatalf("last_picture_update %d after %d", lpu2, lpu)
		}
		expectUpdated(lpu2)
		if objs := profileObjects(t, s, bob.UserID); len(objs) != 1 {
			t.Fatalf("stored pictures after a replacement: %v", objs)
		}

		// Reset: the generated picture again, last_picture_update changed.
		carol.Delete(img).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		bob.Delete(img).Expect(http.StatusOK)
		lpu3 := lastPictureUpdate(t, bob, bob.UserID)
		if lpu3 >= 0 {
			t.Fatalf("last_picture_update after reset: %d", lpu3)
		}
		expectUpdated(lpu3)
		if got := bob.Get(img).Expect(http.StatusOK); !bytes.Equal(got.Body, def.Body) {
			t.Fatal("reset picture is not the generated one")
		}
		if objs := profileObjects(t, s, bob.UserID); len(objs) != 0 {
			t.Fatalf("stored after reset: %v", objs)
		}

		// A GIF is accepted too; erasing the user removes it, and the chunks
		// of their unfinished uploads.
		upload(bob, bob.UserID, "image", "a.gif", gifBytes(t, 40, 40, 2)).Expect(http.StatusOK)
		if objs := profileObjects(t, s, bob.UserID); len(objs) != 1 {
			t.Fatalf("stored after a GIF: %v", objs)
		}
		var us model.UploadSession
		bob.Post("/uploads", map[string]any{"type": "import", "filename": "x.zip", "file_size": 10}).
			ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		team := admin.CreateTeam("crew", true)
		admin.AddToTeam(team.ID, bob.UserID)
		ch := admin.CreateChannel(team.ID, "town", "O")
		bob.Post("/channels/"+ch.ID+"/members", map[string]string{"user_id": bob.UserID}).Expect(http.StatusCreated)
		bob.Post("/uploads", map[string]any{"channel_id": ch.ID, "filename": "x.txt", "file_size": 10}).
			Expect(http.StatusCreated).JSON(&us)
		bob.Raw("POST", "/uploads/"+us.ID, "application/octet-stream", []byte("12345")).Expect(http.StatusNoContent)
		admin.Delete("/users/" + bob.UserID + "?permanent=true").Expect(http.StatusOK)
		if objs := profileObjects(t, s, bob.UserID); len(objs) != 0 {
			t.Fatalf("profile picture left after erasure: %v", objs)
		}
		if chunks := uploadChunks(t, s, us.ID); len(chunks) != 0 {
			t.Fatalf("upload chunks left after erasure: %v", chunks)
		}
	}, func(c *config.Config) { c.MaxFileSize = 1 << 20; c.EnableAPIDeletion = true })
}

// The picture's tag is Mattermost's: last_picture_update, unquoted (the
// load-test tool parses it as an integer), and If-None-Match with it is a 304
// with no body, for the generated picture, an upload and a reset alike.
func TestProfileImageETag(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		bob := s.SignUp("bob")
		carol := s.SignUp("carol")
		img := "/users/" + bob.UserID + "/image"
		jpg := jpegBytes(t, 300, 200)
		check := func(stage string, wantTag string) {
			t.Helper()
			first := carol.Get(img).Expect(http.StatusOK)
			if tag := first.Header.Get("ETag"); tag != wantTag {
				t.Fatalf("%s: ETag %q, want %q", stage, tag, wantTag)
			}
			if _, err := png.Decode(bytes.NewReader(first.Body)); err != nil {
				t.Fatalf("%s: body is no PNG: %v", stage, err)
			}
			carol.Header.Set("If-None-Match", wantTag)
			again := carol.Get(img)
			carol.Header.Del("If-None-Match")
			if again.Status != http.StatusNotModified || len(again.Body) != 0 || again.Header.Get("ETag") != wantTag {
				t.Fatalf("%s: If-None-Match %s: %d, %d bytes, ETag %q", stage, wantTag, again.Status, len(again.Body), again.Header.Get("ETag"))
			}
			carol.Header.Set("If-None-Match", wantTag+"1")
			stale := carol.Get(img)
			carol.Header.Del("If-None-Match")
			if stale.Status != http.StatusOK || len(stale.Body) == 0 {
				t.Fatalf("%s: stale If-None-Match: %d, %d bytes", stage, stale.Status, len(stale.Body))
			}
		}
		check("generated", "0")
		bob.Multipart("/users/me/image", nil, "image", apitest.FilePart{Name: "me.jpg", Data: jpg}).Expect(http.StatusOK)
		check("uploaded", strconv.FormatInt(lastPictureUpdate(t, bob, bob.UserID), 10))
		bob.Delete("/users/me/image").Expect(http.StatusOK)
		lpu := lastPictureUpdate(t, bob, bob.UserID)
		if lpu >= 0 {
			t.Fatalf("last_picture_update after reset: %d", lpu)
		}
		check("reset", strconv.FormatInt(lpu, 10))
		// An unknown user is still 404, whatever tag is sent.
		carol.Header.Set("If-None-Match", "0")
		carol.Get("/users/" + model.NewID() + "/image").Expect(http.StatusNotFound)
		carol.Header.Del("If-None-Match")
	})
}
