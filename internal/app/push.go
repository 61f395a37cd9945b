package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// A push to the official mobile apps is a row in push_queue per device,
// written in the transaction of the post it reports and sent by PushLoop to
// the push proxy (POST {server}/api/v1/send_push), which hands it to Apple
// or Google. Claiming, retrying and giving up work as for mail; a push is
// worth less the older it gets, so it is tried for about half an hour only.
const (
	pushPoll       = 5 * time.Second
	pushBatch      = 50
	pushRetryFirst = 5 * time.Second
	pushRetryMax   = 5 * time.Minute
	pushAttempts   = 10
	// pushTimeout bounds one request to the proxy.
	pushTimeout = 30 * time.Second
	// serverIDKey names the server's id in the systems table, sent as the
	// push's server_id: Mattermost's telemetry id, made on first use.
	serverIDKey = "DiagnosticId"
)

// The push proxy's answer (Mattermost's model.PushResponse).
const (
	pushStatusOK     = "OK"
	pushStatusFail   = "FAIL"
	pushStatusRemove = "REMOVE"
)

// errDeviceRemoved: the proxy says the app is gone from the device.
var errDeviceRemoved = errors.New("device was reported as removed")

// NotificationMetrics is what the app reports about mail and push; kind is
// "mail" or "push", outcome "queued", "sent" or "failed" (one failed attempt).
// *metrics.Metrics implements it.
type NotificationMetrics interface {
	Notification(kind, outcome string)
}

// SetNotificationMetrics makes the app count mail and push to m.
func (a *App) SetNotificationMetrics(m NotificationMetrics) {
	a.notify.mu.Lock()
	defer a.notify.mu.Unlock()
	a.notify.metrics = m
}

func (a *App) countNotification(kind, outcome string) {
	a.notify.mu.Lock()
	m := a.notify.metrics
	a.notify.mu.Unlock()
	if m != nil {
		m.Notification(kind, outcome)
	}
}

// pushRecipient is a member a post pushes to, with what the message says.
type pushRecipient struct {
	user                        *model.User
	explicitMention, channelAll bool
}

// notificationPushes builds, before the post's transaction, the pushes a post
// sends: one per device session of each member the user's and the channel's
// push settings, the member's status and mute let through. Only members with
// a device or a Web Push subscription are looked at (to, which postAudience
// read with the mention targets), so a server without mobile users pays no
// query of its own.
func (a *App) notificationPushes(ctx context.Context, p *model.Post, ch *model.Channel, sender *model.User,
	targets []mentionTarget, mentions []string, to *recipients) ([]*model.QueuedPush, error) {
	cfg := a.Config()
	proxy, web := cfg.PushEnabled(), cfg.WebPushEnabled()
	if !(proxy || web) || p.IsSystemMessage() || to == nil {
		return nil, nil
	}
	now := model.Now()
	users, memberOf, statusOf := to.users, to.memberOf, to.statusOf
	mentioned := make(map[string]bool, len(mentions))
	for _, id := range mentions {
		mentioned[id] = true
	}
	words := mentionWords(p.Message)
	channelWide := hasChannelWideMention(words)
	byID := map[string]pushRecipient{}
	var send []string
	for _, u := range users {
		m := memberOf[u.ID]
		if m == nil || u.IsBot || u.DeleteAt > 0 || !pushAllowed(u, m, mentioned[u.ID], ch.Type == model.ChannelGroup) ||
			!statusAllowsPush(u, statusOf[u.ID], now) {
			continue
		}
		explicit := mentioned[u.ID] && (!channelWide || slices.Contains(words, "@"+u.Username))
		byID[u.ID] = pushRecipient{user: u, explicitMention: explicit, channelAll: mentioned[u.ID] && !explicit && channelWide}
		send = append(send, u.ID)
	}
	if len(send) == 0 {
		return nil, nil
	}
	msgFor := func(u *model.User) *model.PushNotification {
		r := byID[u.ID]
		return a.pushMessage(cfg.PushNotificationContents, p, ch, sender, r.user, targets, r.explicitMention, r.channelAll)
	}
	var out []*model.QueuedPush
	if proxy {
		sessions, err := a.store.DeviceSessions(ctx, send, now)
		if err != nil {
			return nil, model.ErrInternal(err)
		}
		for _, s := range sessions {
			q, err := newQueuedPush(s, msgFor(byID[s.UserID].user), now)
			if err != nil {
				return nil, err
			}
			out = append(out, q)
		}
	}
	if web {
		webs, err := a.webPushes(ctx, p, ch, msgFor, byID, send, now)
		if err != nil {
			return nil, err
		}
		out = append(out, webs...)
	}
	return out, nil
}

func newQueuedPush(s *model.Session, msg *model.PushNotification, now int64) (*model.QueuedPush, error) {
	body, err := json.Marshal(msg)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	return &model.QueuedPush{ID: model.NewID(), CreateAt: now, Kind: model.PushKindProxy, UserID: s.UserID, SessionID: s.ID, DeviceID: s.DeviceID,
		Payload: string(body), Status: model.MailPending, NextAttemptAt: now, UpdateAt: now}, nil
}

// pushAllowed is Mattermost's DoesNotifyPropsAllowPushNotification: the
// channel member's push level unless "default", else the user's (a group
// message counts as "all" for a user on "mention"); a muted channel pushes
// nothing.
func pushAllowed(u *model.User, m *model.ChannelMember, wasMentioned, isGM bool) bool {
	if m.NotifyProps["mark_unread"] == "mention" {
		return false
	}
	notify := m.NotifyProps["push"]
	if notify == "" || notify == "default" {
		notify = u.NotifyProps["push"]
		if notify == "" {
			notify = "mention"
		}
		if isGM && notify == "mention" {
			notify = "all"
		}
	}
	switch notify {
	case "none":
		return false
	case "mention":
		return wasMentioned
	}
	return true
}

// statusAllowsPush is Mattermost's DoesStatusAllowPushNotification: never in
// do not disturb (until its end time) or out of office; otherwise as the
// user's push_status says: "online" (or unset) always, "away" when away or
// offline, "offline" only when offline. A user with no status is offline.
func statusAllowsPush(u *model.User, st *model.Status, now int64) bool {
	status := model.StatusOffline
	if st != nil {
		status = st.Status
		if status == model.StatusDND && st.DNDEndTime > 0 && st.DNDEndTime <= now/1000 {
			status = model.StatusAway
		}
	}
	if status == model.StatusDND || status == "ooo" {
		return false
	}
	switch ps, ok := u.NotifyProps["push_status"]; {
	case !ok || ps == model.StatusOnline:
		return true
	case ps == model.StatusAway:
		return status == model.StatusAway || status == model.StatusOffline
	case ps == model.StatusOffline:
		return status == model.StatusOffline
	}
	return false
}

// pushMessage is Mattermost's BuildPushNotificationMessage for one
// recipient (the badge is counted when it is sent). English only: the texts
// are those of Mattermost's en locale.
func (a *App) pushMessage(contents string, p *model.Post, ch *model.Channel, sender, to *model.User,
	targets []mentionTarget, explicit, channelWide bool) *model.PushNotification {
	if contents == model.PushContentsIDLoaded {
		// Mattermost sends the recipient's id as sender_id here; the app
		// fetches the post (and its real sender) through the ack.
		return &model.PushNotification{PostID: p.ID, ChannelID: p.ChannelID, RootID: p.RootID,
			Category: model.PushCategoryCanReply, Version: model.PushMessageV2, TeamID: ch.TeamID,
			Type: model.PushTypeMessage, IsIDLoaded: true, SenderID: to.ID, Message: "You've received a new message."}
	}
	cfg := a.Config()
	msg := &model.PushNotification{Category: model.PushCategoryCanReply, Version: model.PushMessageV2,
		Type: model.PushTypeMessage, TeamID: ch.TeamID, ChannelID: ch.ID, PostID: p.ID, RootID: p.RootID, SenderID: p.UserID}
	senderName := "@" + sender.Username
	if ou, ok := p.Props["override_username"].(string); ok && ou != "" && cfg.EnablePostUsernameOverride {
		msg.OverrideUsername, senderName = ou, ou
	}
	if oi, ok := p.Props["override_icon_url"].(string); ok && oi != "" && cfg.EnablePostIconOverride {
		msg.OverrideIconURL = oi
	}
	if fw, ok := p.Props[model.PropFromWebhook].(string); ok {
		msg.FromWebhook = fw
	}
	msg.SenderName = senderName
	if contents != model.PushContentsGenericNoChannel || ch.Type == model.ChannelDirect {
		msg.ChannelName = pushChannelName(ch, senderName, to, targets)
	}
	dm := ch.Type == model.ChannelDirect
	switch {
	case p.Message == "" && len(p.FileIDs) > 0:
		msg.Message = senderName + " attached a file."
		if dm {
			msg.Message = "attached a file."
		}
	case contents == model.PushContentsFull && dm:
		msg.Message = p.Message
	case contents == model.PushContentsFull:
		msg.Message = senderName + ": " + p.Message
	case dm:
		msg.Message = "sent you a direct message."
	case channelWide:
		msg.Message = senderName + " notified the channel."
	case explicit:
		msg.Message = senderName + " mentioned you."
	default:
		msg.Message = senderName + " posted a message."
	}
	return msg
}

// pushChannelName is how the push titles the channel: the sender in a DM,
// the other members' usernames in a group message, else its display name.
func pushChannelName(ch *model.Channel, senderName string, to *model.User, targets []mentionTarget) string {
	switch ch.Type {
	case model.ChannelDirect:
		return senderName
	case model.ChannelGroup:
		var names []string
		for _, t := range targets {
			if t.user.ID != to.ID {
				names = append(names, t.user.Username)
			}
		}
		sort.Strings(names)
		return strings.Join(names, ", ")
	}
	return ch.DisplayName
}

// enqueuePushes queues pushes in tx and wakes the sender once committed.
func (a *App) enqueuePushes(ctx context.Context, tx store.Store, pushes []*model.QueuedPush) error {
	if len(pushes) == 0 {
		return nil
	}
	for _, q := range pushes {
		if err := tx.EnqueuePush(ctx, q); err != nil {
			return fmt.Errorf("queue push: %w", err)
		}
	}
	tx.AfterCommit(func() {
		for _, q := range pushes {
			a.countNotification(pushMetricKind(q), "queued")
		}
		select {
		case a.pushWake <- struct{}{}:
		default:
		}
	})
	return nil
}

// pushMetricKind is the metric's kind of a queued push: "push" to the
// mobile apps, "webpush" to a browser.
func pushMetricKind(q *model.QueuedPush) string {
	if q.Kind == model.PushKindWeb {
		return "webpush"
	}
	return "push"
}

// clearPushes tells the user's other devices that channels were read (type
// clear, with the new badge), as Mattermost does when a channel with
// mentions is viewed elsewhere; the session that read them gets none.
func (a *App) clearPushes(ctx context.Context, userID, exceptSession string, channelIDs []string) {
	msgs := make([]*model.PushNotification, 0, len(channelIDs))
	for _, id := range channelIDs {
		msgs = append(msgs, &model.PushNotification{Type: model.PushTypeClear, Version: model.PushMessageV2,
			ChannelID: id, ContentAvailable: 1})
	}
	a.devicePushes(ctx, userID, exceptSession, msgs)
}

// updateBadge sends the user's devices their new badge silently (type
// update_badge), as Mattermost does when a channel is marked unread.
func (a *App) updateBadge(ctx context.Context, userID string) {
	a.devicePushes(ctx, userID, "", []*model.PushNotification{{Type: model.PushTypeUpdateBadge,
		Version: model.PushMessageV2, Sound: "none", ContentAvailable: 1}})
}

// devicePushes queues msgs to each device session of the user but one.
// They follow a change already committed, so a failure is logged only.
func (a *App) devicePushes(ctx context.Context, userID, exceptSession string, msgs []*model.PushNotification) {
	if len(msgs) == 0 || !a.Config().PushEnabled() {
		return
	}
	now := model.Now()
	sessions, err := a.store.DeviceSessions(ctx, []string{userID}, now)
	if err != nil {
		a.log.WarnContext(ctx, "push: list devices", "err", err)
		return
	}
	var pushes []*model.QueuedPush
	for _, s := range sessions {
		if s.ID == exceptSession {
			continue
		}
		for _, msg := range msgs {
			q, err := newQueuedPush(s, msg, now)
			if err != nil {
				a.log.WarnContext(ctx, "push", "type", msg.Type, "err", err)
				return
			}
			pushes = append(pushes, q)
		}
	}
	if err := a.enqueuePushes(ctx, a.store, pushes); err != nil {
		a.log.WarnContext(ctx, "push", "err", err)
	}
}

// PushLoop sends queued pushes until ctx ends.
func (a *App) PushLoop(ctx context.Context) {
	t := time.NewTicker(pushPoll)
	defer t.Stop()
	for {
		if cfg := a.Config(); cfg.PushEnabled() || cfg.WebPushEnabled() {
			if _, err := a.SendDuePush(ctx, time.Now()); err != nil {
				a.log.ErrorContext(ctx, "send queued push", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-a.pushWake:
		case <-t.C:
		}
	}
}

// SendDuePush sends the pushes due at now and reports how many the proxy took.
func (a *App) SendDuePush(ctx context.Context, now time.Time) (int, error) {
	due, err := a.store.DuePush(ctx, now.UnixMilli(), pushBatch)
	if err != nil {
		return 0, fmt.Errorf("list due push: %w", err)
	}
	sent := 0
	for _, q := range due {
		if ctx.Err() != nil {
			break
		}
		won, err := a.store.ClaimPush(ctx, q.ID, now.UnixMilli())
		if err != nil {
			return sent, fmt.Errorf("claim push %s: %w", q.ID, err)
		}
		if !won {
			continue
		}
		if q.Kind == model.PushKindWeb {
			err = a.deliverWebPush(context.WithoutCancel(ctx), q)
		} else {
			err = a.deliverPush(context.WithoutCancel(ctx), q)
		}
		kind := pushMetricKind(q)
		if err == nil {
			sent++
			a.countNotification(kind, "sent")
			a.log.InfoContext(ctx, "push sent", "kind", q.Kind, "ack_id", q.ID, "user_id", q.UserID)
			continue
		}
		a.countNotification(kind, "failed")
		attempts := q.Attempts + 1
		next := now.Add(backoff(pushRetryFirst, pushRetryMax, attempts)).UnixMilli()
		if errors.Is(err, errDeviceRemoved) || errors.Is(err, errSubscriptionGone) || errors.Is(err, errPushRefused) ||
			attempts >= pushAttempts {
			next = 0
		}
		a.log.WarnContext(ctx, "push not delivered", "kind", q.Kind, "ack_id", q.ID, "user_id", q.UserID, "attempts", attempts,
			"retry", next != 0, "err", err)
		if err := a.store.RetryPush(context.WithoutCancel(ctx), q.ID, next, model.Now(), err.Error()); err != nil {
			return sent, fmt.Errorf("requeue push %s: %w", q.ID, err)
		}
	}
	return sent, nil
}

// deliverPush sends one queued push with its ack id, device and the badge
// as it is now.
func (a *App) deliverPush(ctx context.Context, q *model.QueuedPush) error {
	if !a.Config().PushEnabled() {
		return errors.New("push to the mobile apps is off")
	}
	var msg model.PushNotification
	if err := json.Unmarshal([]byte(q.Payload), &msg); err != nil {
		return fmt.Errorf("%w: %v", errDeviceRemoved, err) // unreadable: never retried
	}
	badge, err := a.store.BadgeCount(ctx, q.UserID)
	if err != nil {
		return fmt.Errorf("badge: %w", err)
	}
	msg.AckID, msg.Badge = q.ID, badge
	msg.SetDevice(q.DeviceID)
	err = a.sendToPushProxy(ctx, &msg)
	if errors.Is(err, errDeviceRemoved) {
		// The app is gone from that phone: stop pushing to the session.
		if derr := a.store.ClearDeviceElsewhere(ctx, q.UserID, q.DeviceID, ""); derr != nil {
			a.log.WarnContext(ctx, "forget removed device", "err", derr)
		}
	}
	return err
}

// sendToPushProxy POSTs one notification to the proxy's send_push.
func (a *App) sendToPushProxy(ctx context.Context, msg *model.PushNotification) error {
	id, err := a.serverID(ctx)
	if err != nil {
		return err
	}
	msg.ServerID = id
	var answer map[string]string
	if err := a.pushProxyPost(ctx, "/api/v1/send_push", msg, &answer); err != nil {
		return err
	}
	switch answer["status"] {
	case pushStatusRemove:
		return errDeviceRemoved
	case pushStatusFail:
		return fmt.Errorf("push proxy: %s", answer["error"])
	}
	return nil
}

// pushProxyPost POSTs v as JSON to the push proxy; out, when not nil,
// receives the decoded answer.
func (a *App) pushProxyPost(ctx context.Context, path string, v, out any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, pushTimeout)
	defer cancel()
	url := strings.TrimRight(a.Config().PushNotificationServer, "/") + path
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.pushClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 && out != nil {
		return fmt.Errorf("push proxy answered %s", resp.Status)
	}
	if out == nil {
		_, err = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		return err
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(out); err != nil {
		return fmt.Errorf("push proxy answer: %w", err)
	}
	return nil
}

// serverID is this installation's id, the same on every node.
func (a *App) serverID(ctx context.Context) (string, error) {
	if v := a.notify.serverID.Load(); v != nil {
		return *v, nil
	}
	v, err := a.store.GetSystem(ctx, serverIDKey)
	if errors.Is(err, store.ErrNotFound) || (err == nil && v == "") {
		b := make([]byte, 13)
		if _, err := rand.Read(b); err != nil {
			return "", err
		}
		if err := a.store.SetSystem(ctx, serverIDKey, hex.EncodeToString(b)[:26]); err != nil {
			return "", err
		}
		v, err = a.store.GetSystem(ctx, serverIDKey)
	}
	if err != nil {
		return "", fmt.Errorf("server id: %w", err)
	}
	a.notify.serverID.Store(&v)
	return v, nil
}

// TestPush is what the ping with a device_id answers in
// CanReceiveNotifications: "false" when push is off or the proxy no longer
// knows the device, "unknown" when the proxy failed, else "true". It sends
// the proxy a push of type test, as Mattermost does.
func (a *App) TestPush(ctx context.Context, deviceID string) string {
	if !a.Config().PushEnabled() {
		return "false"
	}
	msg := &model.PushNotification{Version: "2", Type: model.PushTypeTest, Badge: -1}
	msg.SetDevice(deviceID)
	switch err := a.sendToPushProxy(ctx, msg); {
	case errors.Is(err, errDeviceRemoved):
		return "false"
	case err != nil:
		a.log.WarnContext(ctx, "test push", "err", err)
		return "unknown"
	}
	return "true"
}

// PushAck (refused, as Mattermost refuses it, while push is off) forwards the app's receipt of a push to the proxy (POST
// {server}/api/v1/ack). For an id_loaded push of a post it answers the full
// notification the push left out, after checking the caller may read the
// post; otherwise nil.
func (a *App) PushAck(ctx context.Context, s *model.Session, ack *model.PushNotificationAck) (*model.PushNotification, error) {
	if !a.Config().PushEnabled() {
		return nil, model.NewAppError(http.StatusNotImplemented, "api.push_notification.disabled.app_error",
			"Push notifications are disabled on this server.")
	}
	a.log.InfoContext(ctx, "push received", "ack_id", ack.ID, "type", ack.NotificationType, "platform", ack.ClientPlatform)
	fwdErr := a.pushProxyPost(ctx, "/api/v1/ack", ack, nil)
	if !ack.IsIDLoaded {
		if fwdErr != nil {
			return nil, model.NewAppError(http.StatusInternalServerError, "api.push_notifications_ack.forward.app_error",
				"An error occurred sending the receipt delivery to the push notification service.").Wrap(fwdErr)
		}
		return nil, nil
	}
	if fwdErr != nil {
		a.log.WarnContext(ctx, "forward push ack", "err", fwdErr)
	}
	if ack.PostID == "" || ack.NotificationType != model.PushTypeMessage {
		return nil, nil
	}
	p, ch, err := a.postForRead(ctx, s, ack.PostID)
	if err != nil {
		return nil, err
	}
	sender, err := a.store.GetUser(ctx, p.UserID)
	if err != nil {
		return nil, storeErr(err, errUserNotFound())
	}
	to, err := a.store.GetUser(ctx, s.UserID)
	if err != nil {
		return nil, storeErr(err, errUserNotFound())
	}
	var targets []mentionTarget
	if ch.Type == model.ChannelGroup {
		if targets, err = a.mentionTargets(ctx, ch, p); err != nil {
			return nil, err
		}
	}
	mentioned := slices.Contains(mentionedUsers(p, ch, targets), to.ID)
	msg := a.pushMessage(model.PushContentsFull, p, ch, sender, to, targets, mentioned, false)
	badge, err := a.store.BadgeCount(ctx, to.ID)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	msg.Badge, msg.AckID = badge, ack.ID
	return msg, nil
}

// backoff is the wait after the n-th failed attempt: first, doubling, at most max.
func backoff(first, most time.Duration, n int) time.Duration {
	d := first
	for i := 1; i < n && d < most; i++ {
		d *= 2
	}
	return min(d, most)
}
