package api

import (
	"encoding/json"
	"net/http"
)

// webPushRoutes are Parley's own (Mattermost has no Web Push): the web
// client reads the VAPID public key and stores its browser's subscription,
// which lives as long as the session (docs/notifications.md#web-push).
func (h *Handler) webPushRoutes() {
	h.get("/parley/webpush", h.webPushInfo)
	h.post("/parley/webpush/subscriptions", h.subscribeWebPush)
	h.get("/parley/webpush/subscriptions", h.webPushSubscriptions)
	h.delete("/parley/webpush/subscriptions", h.unsubscribeWebPush)
}

// webPushInfo is GET /parley/webpush: whether Web Push is on, and the
// server's VAPID public key (base64url), the browser's applicationServerKey.
func (h *Handler) webPushInfo(c *Context) error {
	key, err := c.app.WebPushPublicKey(c.ctx)
	if err != nil {
		return err
	}
	return c.ok(map[string]any{"enabled": c.app.Config().WebPushEnabled(), "public_key": key})
}

// subscribeWebPush is POST /parley/webpush/subscriptions with the
// browser's PushSubscription JSON; 201 with the stored subscription.
func (h *Handler) subscribeWebPush(c *Context) error {
	var raw json.RawMessage
	if err := c.decode(&raw, "subscription"); err != nil {
		return err
	}
	sub, err := c.app.SubscribeWebPush(c.ctx, c.Session, raw)
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusCreated, sub)
}

// webPushSubscriptions is GET /parley/webpush/subscriptions: the caller's
// subscriptions, of all their sessions.
func (h *Handler) webPushSubscriptions(c *Context) error {
	subs, err := c.app.WebPushSubscriptions(c.ctx, c.Session)
	if err != nil {
		return err
	}
	return c.ok(subs)
}

// unsubscribeWebPush is DELETE /parley/webpush/subscriptions with
// {"endpoint": ...}: the browser turned notifications off.
func (h *Handler) unsubscribeWebPush(c *Context) error {
	var body struct {
		Endpoint string `json:"endpoint"`
	}
	if err := c.decode(&body, "endpoint"); err != nil {
		return err
	}
	if err := c.app.UnsubscribeWebPush(c.ctx, c.Session, body.Endpoint); err != nil {
		return err
	}
	return c.statusOK()
}
