package model

import "strings"

// Push notification kinds and versions, as Mattermost's push proxy knows them.
const (
	PushTypeMessage     = "message"
	PushTypeClear       = "clear"
	PushTypeUpdateBadge = "update_badge"
	PushTypeTest        = "test"
	PushMessageV2       = "v2"
	// PushCategoryCanReply lets the app offer a reply action.
	PushCategoryCanReply = "CAN_REPLY"
)

// EmailSettings.PushNotificationContents values.
const (
	PushContentsGenericNoChannel = "generic_no_channel"
	PushContentsGeneric          = "generic"
	PushContentsFull             = "full"
	PushContentsIDLoaded         = "id_loaded"
)

// PushNotification is the message POSTed to {server}/api/v1/send_push, in
// Mattermost's shape (model.PushNotification), so Mattermost's push proxy
// and the official apps read it.
type PushNotification struct {
	AckID            string `json:"ack_id"`
	Platform         string `json:"platform"`
	ServerID         string `json:"server_id"`
	DeviceID         string `json:"device_id"`
	PostID           string `json:"post_id"`
	Category         string `json:"category,omitempty"`
	Sound            string `json:"sound,omitempty"`
	Message          string `json:"message,omitempty"`
	Badge            int    `json:"badge,omitempty"`
	ContentAvailable int    `json:"cont_ava,omitempty"`
	TeamID           string `json:"team_id,omitempty"`
	ChannelID        string `json:"channel_id,omitempty"`
	RootID           string `json:"root_id,omitempty"`
	ChannelName      string `json:"channel_name,omitempty"`
	Type             string `json:"type,omitempty"`
	SenderID         string `json:"sender_id,omitempty"`
	SenderName       string `json:"sender_name,omitempty"`
	OverrideUsername string `json:"override_username,omitempty"`
	OverrideIconURL  string `json:"override_icon_url,omitempty"`
	FromWebhook      string `json:"from_webhook,omitempty"`
	Version          string `json:"version,omitempty"`
	IsCRTEnabled     bool   `json:"is_crt_enabled"`
	IsIDLoaded       bool   `json:"is_id_loaded"`
	Signature        string `json:"signature"`
}

// SetDevice splits a session's device id ("android_rn-v2:token") into the
// platform, kept verbatim, and the device token, as Mattermost does; a
// device id without a colon leaves both empty.
func (p *PushNotification) SetDevice(deviceID string) {
	if platform, id, ok := strings.Cut(deviceID, ":"); ok {
		p.Platform, p.DeviceID = platform, id
	}
}

// PushNotificationAck is what the app POSTs to /api/v4/notifications/ack on
// receiving a push; the server forwards it to the proxy's /api/v1/ack.
type PushNotificationAck struct {
	ID               string `json:"id"`
	ClientReceivedAt int64  `json:"received_at"`
	ClientPlatform   string `json:"platform"`
	NotificationType string `json:"type"`
	PostID           string `json:"post_id,omitempty"`
	IsIDLoaded       bool   `json:"is_id_loaded"`
}

// QueuedPush is one push to one device (Kind PushKindProxy) or one browser's
// Web Push subscription (PushKindWeb) in the database queue; its status
// values are the mail queue's.
type QueuedPush struct {
	ID             string
	CreateAt       int64
	Kind           string
	UserID         string
	SessionID      string
	DeviceID       string
	SubscriptionID string
	Payload        string
	Status         string
	Attempts       int
	NextAttemptAt  int64
	UpdateAt       int64
	LastError      string
}

// The kinds of queued push: to the mobile apps through the push proxy, or
// Web Push to a browser.
const (
	PushKindProxy = "proxy"
	PushKindWeb   = "web"
)

// WebPushSubscription is a browser's Web Push subscription (RFC 8030), kept
// with the session that made it. P256dh and Auth are the browser's public
// key and auth secret (RFC 8291), base64url as the browser gives them; they
// never leave the server.
type WebPushSubscription struct {
	ID        string `json:"id"`
	UserID    string `json:"user_id"`
	SessionID string `json:"-"`
	Endpoint  string `json:"endpoint"`
	P256dh    string `json:"-"`
	Auth      string `json:"-"`
	CreateAt  int64  `json:"create_at"`
}

// WebPushMessage is the JSON a Web Push carries to the web client's service
// worker, which shows it as a notification; URL is what a click opens.
type WebPushMessage struct {
	Title     string `json:"title"`
	Body      string `json:"body"`
	ChannelID string `json:"channel_id"`
	PostID    string `json:"post_id,omitempty"`
	RootID    string `json:"root_id,omitempty"`
	TeamID    string `json:"team_id,omitempty"`
	TeamName  string `json:"team_name,omitempty"`
	URL       string `json:"url"`
}
