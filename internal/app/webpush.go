package app

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/netguard"
	"github.com/parley-chat/parley/internal/store"
	"github.com/parley-chat/parley/internal/webpush"
)

// Web Push to Parley's own web client: a browser subscribes with its push
// service (Google's, Mozilla's, Apple's), Parley keeps the subscription with
// the session, and sends each push the mobile apps would get to it as well,
// encrypted for the browser (RFC 8291) and signed with the server's VAPID key
// (RFC 8292). No relay of Parley's is involved. The pushes go through
// push_queue (kind "web"), claimed and retried as the mobile pushes are.
const (
	// vapidSystemKey names the VAPID private key in the systems table: one
	// key for every node, made once.
	vapidSystemKey = "WebPushVAPIDPrivateKey"
	// maxWebPushSubscriptions bounds one user's browsers.
	maxWebPushSubscriptions = 10
	// maxEndpointLen bounds an endpoint URL (push services' are ~200 bytes).
	maxEndpointLen = 2048
	// webPushTTL: how long the push service keeps a message for a browser
	// that is off; an older notification is noise, as for the mobile apps.
	webPushTTL = time.Hour
	// webPushBodyRunes bounds the notification text, so every message fits
	// in one push (4 KiB) whatever the post.
	webPushBodyRunes = 500
)

var (
	// errSubscriptionGone: the push service says the subscription expired
	// or was withdrawn (404, 410); it is deleted and the push not retried.
	errSubscriptionGone = errors.New("web push subscription is gone")
	// errPushRefused: the push service refused this message for good.
	errPushRefused = errors.New("push refused")
)

func errWebPushDisabled() *model.AppError {
	return model.NewAppError(http.StatusNotImplemented, "api.web_push.disabled.app_error",
		"Web Push notifications are disabled on this server.")
}

// WebPushPublicKey is the server's VAPID public key (base64url, the
// browser's applicationServerKey), making the key pair on first use.
func (a *App) WebPushPublicKey(ctx context.Context) (string, error) {
	k, err := a.vapidKeys(ctx)
	if err != nil {
		return "", err
	}
	return k.Public, nil
}

func (a *App) vapidKeys(ctx context.Context) (*webpush.Keys, error) {
	if k := a.notify.vapid.Load(); k != nil {
		return k, nil
	}
	stored, err := a.store.GetSystem(ctx, vapidSystemKey)
	if errors.Is(err, store.ErrNotFound) {
		_, fresh, gerr := webpush.NewKeys()
		if gerr != nil {
			return nil, fmt.Errorf("make vapid key: %w", gerr)
		}
		// Of two nodes making one at once, the first one stored wins.
		stored, err = a.store.SetSystemIfAbsent(ctx, vapidSystemKey, fresh)
	}
	if err != nil {
		return nil, fmt.Errorf("vapid key: %w", err)
	}
	k, err := webpush.ParseKeys(stored)
	if err != nil {
		return nil, err
	}
	a.notify.vapid.Store(k)
	return k, nil
}

// WebPushSubscriptionBody is the JSON of the browser's PushSubscription
// (PushSubscription.toJSON()).
type WebPushSubscriptionBody struct {
	Endpoint       string `json:"endpoint"`
	ExpirationTime *int64 `json:"expirationTime"`
	Keys           struct {
		P256dh string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
}

func errSubscription(field, message string) *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "api.web_push.subscription."+field+".app_error", message)
}

// ParseWebPushSubscription checks a PushSubscription body: an https
// endpoint (plain http only to a loopback address, and only when
// allowHTTPLoopback), a P-256 public key and a 16-byte auth secret.
func ParseWebPushSubscription(raw []byte, allowHTTPLoopback bool) (*model.WebPushSubscription, error) {
	var body WebPushSubscriptionBody
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&body); err != nil || dec.More() {
		return nil, errSubscription("invalid_body", "The body is not a PushSubscription (endpoint and keys).")
	}
	u, err := url.Parse(body.Endpoint)
	if err != nil || len(body.Endpoint) > maxEndpointLen || u.Host == "" || u.User != nil || u.Fragment != "" ||
		(u.Scheme != "https" && !(u.Scheme == "http" && allowHTTPLoopback && isLoopback(u.Hostname()))) {
		return nil, errSubscription("endpoint", "The subscription's endpoint must be an https URL.")
	}
	p256dh, err := decodeB64URL(body.Keys.P256dh)
	if err == nil {
		_, err = ecdh.P256().NewPublicKey(p256dh)
	}
	if err != nil {
		return nil, errSubscription("p256dh", "keys.p256dh must be a P-256 public key (65 bytes, base64url).")
	}
	auth, err := decodeB64URL(body.Keys.Auth)
	if err != nil || len(auth) != webpush.AuthLen {
		return nil, errSubscription("auth", "keys.auth must be a 16-byte secret, base64url.")
	}
	return &model.WebPushSubscription{Endpoint: body.Endpoint, P256dh: base64.RawURLEncoding.EncodeToString(p256dh),
		Auth: base64.RawURLEncoding.EncodeToString(auth)}, nil
}

// decodeB64URL reads base64url with or without padding, as browsers and
// libraries differ.
func decodeB64URL(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

func isLoopback(host string) bool {
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// SubscribeWebPush stores the browser's subscription with the caller's
// session: it ends with the session. A user has at most
// maxWebPushSubscriptions; the endpoint of one already stored is taken over.
func (a *App) SubscribeWebPush(ctx context.Context, s *model.Session, raw []byte) (*model.WebPushSubscription, error) {
	cfg := a.Config()
	if !cfg.WebPushEnabled() {
		return nil, errWebPushDisabled()
	}
	sub, err := ParseWebPushSubscription(raw, cfg.WebPushAllowHTTPLoopback)
	if err != nil {
		return nil, err
	}
	mine, err := a.store.UserWebPushSubscriptions(ctx, s.UserID)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	known := false
	for _, m := range mine {
		known = known || m.Endpoint == sub.Endpoint
	}
	if !known && len(mine) >= maxWebPushSubscriptions {
		return nil, errSubscription("too_many", fmt.Sprintf("A user may have at most %d Web Push subscriptions; "+
			"log out of a browser you no longer use.", maxWebPushSubscriptions))
	}
	sub.ID, sub.UserID, sub.SessionID, sub.CreateAt = model.NewID(), s.UserID, s.ID, model.Now()
	if err := a.store.SaveWebPushSubscription(ctx, sub); err != nil {
		return nil, model.ErrInternal(err)
	}
	return sub, nil
}

// WebPushSubscriptions lists the caller's subscriptions (all their browsers).
func (a *App) WebPushSubscriptions(ctx context.Context, s *model.Session) ([]*model.WebPushSubscription, error) {
	out, err := a.store.UserWebPushSubscriptions(ctx, s.UserID)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	return out, nil
}

// UnsubscribeWebPush removes one of the caller's subscriptions by endpoint.
func (a *App) UnsubscribeWebPush(ctx context.Context, s *model.Session, endpoint string) error {
	if endpoint == "" {
		return model.ErrInvalidBody("endpoint")
	}
	err := a.store.DeleteWebPushSubscription(ctx, s.UserID, "", endpoint)
	return storeErr(err, model.NewAppError(http.StatusNotFound, "api.web_push.subscription.not_found.app_error",
		"No Web Push subscription of yours has this endpoint."))
}

// webPushes builds the Web Push rows for the recipients of a post, one per
// subscription, from the message the mobile apps would get (so the contents
// setting applies alike).
func (a *App) webPushes(ctx context.Context, p *model.Post, ch *model.Channel, msgFor func(u *model.User) *model.PushNotification,
	recipients map[string]pushRecipient, userIDs []string, now int64) ([]*model.QueuedPush, error) {
	subs, err := a.store.WebPushSubscriptions(ctx, userIDs, now)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	if len(subs) == 0 {
		return nil, nil
	}
	cfg := a.Config()
	base := cfg.SitePath()
	teamName := ""
	if ch.TeamID != "" {
		t, err := a.store.GetTeam(ctx, ch.TeamID)
		if err != nil {
			return nil, model.ErrInternal(err)
		}
		teamName = t.Name
	}
	var out []*model.QueuedPush
	for _, sub := range subs {
		pn := msgFor(recipients[sub.UserID].user)
		m := model.WebPushMessage{Title: pn.ChannelName, Body: pn.Message,
			ChannelID: p.ChannelID, PostID: p.ID, RootID: p.RootID, TeamID: ch.TeamID, TeamName: teamName,
			URL: base + "/_redirect/pl/" + p.ID}
		if utf8.RuneCountInString(m.Body) > webPushBodyRunes {
			m.Body = truncateRunes(m.Body, webPushBodyRunes-1) + "…"
		}
		if m.Title == "" {
			m.Title = cfg.SiteName
		}
		if teamName != "" {
			m.URL = base + "/" + teamName + "/pl/" + p.ID
		}
		body, err := json.Marshal(m)
		if err != nil {
			return nil, model.ErrInternal(err)
		}
		out = append(out, &model.QueuedPush{ID: model.NewID(), CreateAt: now, Kind: model.PushKindWeb, UserID: sub.UserID,
			SessionID: sub.SessionID, SubscriptionID: sub.ID, Payload: string(body), Status: model.MailPending,
			NextAttemptAt: now, UpdateAt: now})
	}
	return out, nil
}

// deliverWebPush sends one queued Web Push to its subscription's endpoint,
// freshly encrypted.
func (a *App) deliverWebPush(ctx context.Context, q *model.QueuedPush) error {
	cfg := a.Config()
	if !cfg.WebPushEnabled() {
		return errors.New("web push is off")
	}
	sub, err := a.store.GetWebPushSubscription(ctx, q.SubscriptionID)
	if errors.Is(err, store.ErrNotFound) {
		return errSubscriptionGone // the session ended since
	}
	if err != nil {
		return err
	}
	keys, err := a.vapidKeys(ctx)
	if err != nil {
		return err
	}
	p256dh, err := decodeB64URL(sub.P256dh)
	if err != nil {
		return fmt.Errorf("%w: %v", errPushRefused, err)
	}
	auth, err := decodeB64URL(sub.Auth)
	if err != nil {
		return fmt.Errorf("%w: %v", errPushRefused, err)
	}
	body, err := webpush.Encrypt([]byte(q.Payload), p256dh, auth)
	if err != nil {
		return fmt.Errorf("%w: %v", errPushRefused, err)
	}
	// RFC 8292 allows at most 24 hours; a push is sent within seconds.
	authz, err := keys.Authorization(sub.Endpoint, a.vapidSubject(), time.Now().Add(12*time.Hour))
	if err != nil {
		return fmt.Errorf("%w: %v", errPushRefused, err)
	}
	ctx, cancel := context.WithTimeout(ctx, pushTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.Endpoint, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%w: %v", errPushRefused, err)
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("Content-Encoding", "aes128gcm")
	req.Header.Set("TTL", fmt.Sprint(int(webPushTTL.Seconds())))
	// A chat message is worth waking a phone for (RFC 8030 section 5.3).
	req.Header.Set("Urgency", "high")
	req.Header.Set("Authorization", authz)
	resp, err := a.webPushClient().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	switch {
	case resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		if err := a.store.DeleteWebPushSubscription(ctx, sub.UserID, sub.ID, ""); err != nil && !errors.Is(err, store.ErrNotFound) {
			a.log.WarnContext(ctx, "forget expired web push subscription", "err", err)
		}
		return fmt.Errorf("%w: push service answered %s", errSubscriptionGone, resp.Status)
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return fmt.Errorf("push service answered %s: %s", resp.Status, bytes.TrimSpace(answer))
	}
	return fmt.Errorf("%w: push service answered %s: %s", errPushRefused, resp.Status, bytes.TrimSpace(answer))
}

// vapidSubject is the JWT's sub: how the push service's operator reaches
// this server's (RFC 8292 section 2.1).
func (a *App) vapidSubject() string {
	cfg := a.Config()
	switch {
	case cfg.FeedbackEmail != "":
		return "mailto:" + cfg.FeedbackEmail
	case strings.HasPrefix(cfg.SiteURL, "https://"):
		return cfg.SiteURL
	}
	return ""
}

// webPushClient is the guarded client for the settings in force: endpoints
// come from browsers, so internal addresses are refused as for webhooks
// (loopback allowed in tests with web_push_allow_http_loopback).
func (a *App) webPushClient() *http.Client {
	cfg := a.Config()
	hosts := cfg.InternalHosts()
	if cfg.WebPushAllowHTTPLoopback {
		hosts = append(hosts, "127.0.0.0/8", "::1")
	}
	key := strings.Join(hosts, " ")
	a.notify.mu.Lock()
	defer a.notify.mu.Unlock()
	if a.notify.webClient == nil || a.notify.webClientKey != key {
		a.notify.webClient = netguard.NewClient(netguard.Options{Allow: netguard.NewAllow(hosts), Timeout: pushTimeout})
		a.notify.webClientKey = key
	}
	return a.notify.webClient
}
