package api_test

import (
	"bytes"
	"encoding/json"
	"image"
	"net/http"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
)

func createEmoji(c *apitest.Client, name string, img []byte) *apitest.Response {
	js, _ := json.Marshal(map[string]string{"name": name, "creator_id": c.UserID})
	return c.Multipart("/emoji", [][2]string{{"emoji", string(js)}}, "image", apitest.FilePart{Name: name + ".png", Data: img})
}

func TestCustomEmoji(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		team := admin.CreateTeam("staff", true)
		admin.AddToTeam(team.ID, bob.UserID)
		ch := admin.CreateChannel(team.ID, "fun", model.ChannelOpen)
		admin.Post("/channels/"+ch.ID+"/members", map[string]string{"user_id": bob.UserID}).Expect(http.StatusCreated)

		var parrot, logo model.Emoji
		createEmoji(bob, "party_parrot", gifBytes(t, 300, 200, 4)).Expect(http.StatusOK).JSON(&parrot)
		createEmoji(admin, "acme-logo+1", pngBytes(t, 64, 64)).Expect(http.StatusOK).JSON(&logo)
		if parrot.Name != "party_parrot" || parrot.CreatorID != bob.UserID || !model.IsValidID(parrot.ID) {
			t.Fatalf("emoji %+v", parrot)
		}
		r := bob.Get("/emoji/" + parrot.ID + "/image").Expect(http.StatusOK)
		cfg, format, err := image.DecodeConfig(bytes.NewReader(r.Body))
		if err != nil || format != "gif" || cfg.Width != 128 || r.Header.Get("Content-Type") != "image/gif" {
			t.Fatalf("image: %s %d×%d %v %v", format, cfg.Width, cfg.Height, err, r.Header)
		}
		if _, format, _ := image.DecodeConfig(bytes.NewReader(admin.Get("/emoji/" + logo.ID + "/image").Expect(http.StatusOK).Body)); format != "png" {
			t.Fatalf("png emoji stored as %s", format)
		}

		// Refusals.
		createEmoji(admin, "party_parrot", pngBytes(t, 8, 8)).ExpectError(http.StatusBadRequest, "api.emoji.create.duplicate.app_error")
		for _, name := range []string{"Upper", "smile", "+1", "thumbsup", "has space", "", strings.Repeat("a", 65), "dots.no"} {
			createEmoji(admin, name, pngBytes(t, 8, 8)).ExpectError(http.StatusBadRequest, "model.emoji.name.app_error")
		}
		js, _ := json.Marshal(map[string]string{"name": "sneaky", "creator_id": admin.UserID})
		bob.Multipart("/emoji", [][2]string{{"emoji", string(js)}}, "image", apitest.FilePart{Name: "a.png", Data: pngBytes(t, 8, 8)}).
			ExpectError(http.StatusForbidden, "api.emoji.create.other_user.app_error")
		createEmoji(admin, "huge", bytes.Repeat([]byte{0}, 1<<20+1)).
			ExpectError(http.StatusRequestEntityTooLarge, "api.emoji.create.too_large.app_error")
		createEmoji(admin, "notimage", []byte("<svg onload=alert(1)/>")).ExpectError(http.StatusBadRequest, "api.emoji.upload.image.app_error")
		createEmoji(admin, "zip-bomb", bombPNG(50000, 50000)).
			ExpectError(http.StatusBadRequest, "api.emoji.upload.large_image.too_large.app_error")

		// Lists, lookups, search.
		var list []*model.Emoji
		bob.Get("/emoji?sort=name").Expect(http.StatusOK).JSON(&list)
		if len(list) != 2 || list[0].Name != "acme-logo+1" || list[1].Name != "party_parrot" {
			t.Fatalf("list by name: %+v", list)
		}
		bob.Get("/emoji?page=1&per_page=1").Expect(http.StatusOK).JSON(&list)
		if len(list) != 1 || list[0].ID != logo.ID {
			t.Fatalf("second page by creation: %+v", list)
		}
		var got model.Emoji
		bob.Get("/emoji/name/party_parrot").Expect(http.StatusOK).JSON(&got)
		if got.ID != parrot.ID {
			t.Fatalf("by name: %+v", got)
		}
		bob.Get("/emoji/name/nope").ExpectError(http.StatusNotFound, "app.emoji.get_by_name.no_result")
		bob.Get("/emoji/"+model.NewID()).ExpectError(http.StatusNotFound, "app.emoji.get.no_result")
		bob.Post("/emoji/names", []string{"party_parrot", "nope"}).Expect(http.StatusOK).JSON(&list)
		if len(list) != 1 || list[0].ID != parrot.ID {
			t.Fatalf("names: %+v", list)
		}
		bob.Post("/emoji/search", map[string]any{"term": "parrot", "prefix_only": false}).Expect(http.StatusOK).JSON(&list)
		if len(list) != 1 {
			t.Fatalf("search: %+v", list)
		}
		bob.Post("/emoji/search", map[string]any{"term": "parrot", "prefix_only": true}).Expect(http.StatusOK).JSON(&list)
		if len(list) != 0 {
			t.Fatalf("prefix search: %+v", list)
		}
		bob.Post("/emoji/search", map[string]any{"term": "_"}).Expect(http.StatusOK).JSON(&list)
		if len(list) != 1 || list[0].Name != "party_parrot" {
			t.Fatalf("underscore is not a wildcard: %+v", list)
		}
		bob.Get("/emoji/autocomplete?name=acme").Expect(http.StatusOK).JSON(&list)
		if len(list) != 1 || list[0].ID != logo.ID {
			t.Fatalf("autocomplete: %+v", list)
		}
		bob.Get("/emoji/autocomplete").ExpectError(http.StatusBadRequest, "api.context.invalid_url_param.app_error")

		// Used in a post and in a reaction: the post's metadata carries them.
		p := bob.CreatePost(ch.ID, "hello :party_parrot: :smile: :unknown:", "")
		if p.Metadata == nil || len(p.Metadata.Emojis) != 1 || p.Metadata.Emojis[0].ID != parrot.ID {
			t.Fatalf("post emojis: %+v", p.Metadata)
		}
		admin.Post("/reactions", map[string]string{"user_id": admin.UserID, "post_id": p.ID, "emoji_name": "acme-logo+1"}).Expect(http.StatusOK)
		var again model.Post
		bob.Get("/posts/" + p.ID).Expect(http.StatusOK).JSON(&again)
		if again.Metadata == nil || len(again.Metadata.Emojis) != 2 || len(again.Metadata.Reactions) != 1 {
			t.Fatalf("post emojis after reaction: %+v", again.Metadata)
		}

		// Deleting: one's own, or any as an admin.
		bob.Delete("/emoji/"+logo.ID).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		bob.Delete("/emoji/" + parrot.ID).Expect(http.StatusOK)
		admin.Delete("/emoji/" + logo.ID).Expect(http.StatusOK)
		bob.Get("/emoji/"+parrot.ID).ExpectError(http.StatusNotFound, "app.emoji.get.no_result")
		bob.Get("/emoji/" + parrot.ID + "/image").Expect(http.StatusNotFound)
		if n := storedFiles(t, s); n != 0 {
			t.Fatalf("%d emoji images left after deletion", n)
		}
		// The name is free again.
		createEmoji(bob, "party_parrot", pngBytes(t, 8, 8)).Expect(http.StatusOK)
	})
}
