package api

import (
	"encoding/json"
	"io"
	"net/http"

	"github.com/parley-chat/parley/internal/model"
)

// featureRoutes answer the calls the Mattermost mobile app makes for features
// Parley does not have (bookmarks, scheduled posts, post
// acknowledgements, public links, custom profile attributes) as an
// unlicensed Mattermost server does: with
// the refusal the app handles rather than the 404 of an unknown route, or an
// empty answer.
func (h *Handler) featureRoutes() {
	h.post("/notifications/ack", h.pushAck)

	for _, r := range []struct{ method, path string }{
		{"GET", "/channels/{channel_id}/bookmarks"},
		{"POST", "/channels/{channel_id}/bookmarks"},
		{"PATCH", "/channels/{channel_id}/bookmarks/{bookmark_id}"},
		{"POST", "/channels/{channel_id}/bookmarks/{bookmark_id}/sort_order"},
		{"DELETE", "/channels/{channel_id}/bookmarks/{bookmark_id}"},
	} {
		h.add(r.method, r.path, refuse(http.StatusNotImplemented, "api.channel.bookmark.channel_bookmark.license.error",
			"Your license does not support channel bookmarks."), nil)
	}

	for _, r := range []struct{ method, path string }{
		{"POST", "/posts/schedule"},
		{"PUT", "/posts/schedule/{scheduled_post_id}"},
		{"DELETE", "/posts/schedule/{scheduled_post_id}"},
	} {
		h.add(r.method, r.path, refuse(http.StatusBadRequest, "api.scheduled_posts.license_error",
			"Scheduled posts require a license."), nil)
	}
	h.get("/posts/scheduled/team/{team_id}", h.teamScheduledPosts)

	// Mattermost answers these with model.NoTranslation and the reason in
	// the detail; the message carries the reason here.
	ack := refuse(http.StatusNotImplemented, "<untranslated>", "feature is not available for the current license")
	h.post("/users/{user_id}/posts/{post_id}/ack", ack)
	h.delete("/users/{user_id}/posts/{post_id}/ack", ack)

	h.get("/files/{file_id}/link", refuse(http.StatusForbidden, "api.file.get_public_link.disabled.app_error",
		"Public links have been disabled."))
	h.get("/custom_profile_attributes/fields", refuse(http.StatusForbidden, "api.custom_profile_attributes.license_error",
		"Your license does not support custom profile attributes."))
	// The licence metric is served in system.go, the groups in groups.go.
}

// teamScheduledPosts is GET /posts/scheduled/team/{team_id}: none, since
// none can be created, in Mattermost's shape ({team_id: [...], and
// directChannels: [...] with includeDirectChannels=true}). The webapp's team
// load (as load-test-ng simulates it) asks for it on every team switch
// whatever the setting, so a refusal would fail the load.
func (h *Handler) teamScheduledPosts(c *Context) error {
	id, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	if _, err := c.app.GetTeam(c.ctx, c.Session, id); err != nil {
		return err
	}
	if !c.app.HasTeamPermission(c.ctx, c.Session, id, model.PermViewTeam) {
		return model.ErrForbidden()
	}
	none := []struct{}{}
	out := map[string][]struct{}{id: none}
	if c.query("includeDirectChannels") == "true" {
		out["directChannels"] = none
	}
	return c.ok(out)
}

// refuse is a handler that always answers one Mattermost error.
func refuse(status int, id, message string) handlerFunc {
	return func(*Context) error { return model.NewAppError(status, id, message) }
}

// pushAck is POST /notifications/ack: the app's receipt of a push, forwarded
// to the push proxy; for an id_loaded push it answers the notification's
// content (see app.PushAck).
func (h *Handler) pushAck(c *Context) error {
	var ack model.PushNotificationAck
	limit := int64(c.app.Config().MaxRequestBodyKB) * 1024
	if err := json.NewDecoder(io.LimitReader(c.r.Body, limit)).Decode(&ack); err != nil {
		return model.NewAppError(http.StatusBadRequest, "api.push_notifications_ack.message.parse.app_error",
			"Error parsing the push notification acknowledgement message.").Wrap(err)
	}
	msg, err := c.app.PushAck(c.ctx, c.Session, &ack)
	if err != nil {
		return err
	}
	if msg != nil {
		return c.ok(msg)
	}
	if ack.IsIDLoaded {
		return nil
	}
	return c.statusOK()
}
