package model

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Post props that integrations set and clients render.
const (
	PropFromWebhook        = "from_webhook"
	PropFromBot            = "from_bot"
	PropOverrideUsername   = "override_username"
	PropOverrideIconURL    = "override_icon_url"
	PropOverrideIconEmoji  = "override_icon_emoji"
	PropWebhookDisplayName = "webhook_display_name"
	PropAttachments        = "attachments"

	PostTypeSlackAttachment = "slack_attachment"
	PostTypeEphemeral       = "system_ephemeral"

	EventEphemeralMessage = "ephemeral_message"
)

// Why an integration has stopped (DisabledReason of webhooks and commands):
// it acts with its creator's rights, so it stops when they lose access.
// Parley's own field; Mattermost keeps such integrations working.
const (
	DisabledCreatorDeleted     = "creator_deleted"     // erased
	DisabledCreatorDeactivated = "creator_deactivated" // deactivated or offboarded
	DisabledCreatorNotInTeam   = "creator_not_in_team" // left or removed from the team
)

// IncomingWebhook posts what an external system sends to POST /hooks/{id}.
type IncomingWebhook struct {
	ID            string `json:"id"`
	CreateAt      int64  `json:"create_at"`
	UpdateAt      int64  `json:"update_at"`
	DeleteAt      int64  `json:"delete_at"`
	UserID        string `json:"user_id"`
	ChannelID     string `json:"channel_id"`
	TeamID        string `json:"team_id"`
	DisplayName   string `json:"display_name"`
	Description   string `json:"description"`
	Username      string `json:"username"`
	IconURL       string `json:"icon_url"`
	ChannelLocked bool   `json:"channel_locked"`
	// DisabledReason is computed on reads, never stored.
	DisabledReason string `json:"disabled_reason,omitempty"`
}

// IsValid checks the stored fields of an incoming webhook.
func (h *IncomingWebhook) IsValid() *AppError {
	bad := func(f string) *AppError {
		return NewAppError(http.StatusBadRequest, "model.incoming_hook."+f+".app_error", "Invalid "+f+".")
	}
	switch {
	case !IsValidID(h.ID):
		return bad("id")
	case !IsValidID(h.UserID):
		return bad("user_id")
	case !IsValidID(h.ChannelID):
		return bad("channel_id")
	case !IsValidID(h.TeamID):
		return bad("team_id")
	case utf8.RuneCountInString(h.DisplayName) > 64:
		return bad("display_name")
	case utf8.RuneCountInString(h.Description) > 500:
		return bad("description")
	case utf8.RuneCountInString(h.Username) > 255:
		return bad("username")
	case len(h.IconURL) > 1024:
		return bad("icon_url")
	}
	return nil
}

// OutgoingWebhook calls external URLs when a message matches its triggers.
type OutgoingWebhook struct {
	ID           string   `json:"id"`
	Token        string   `json:"token"`
	CreateAt     int64    `json:"create_at"`
	UpdateAt     int64    `json:"update_at"`
	DeleteAt     int64    `json:"delete_at"`
	CreatorID    string   `json:"creator_id"`
	ChannelID    string   `json:"channel_id"`
	TeamID       string   `json:"team_id"`
	TriggerWords []string `json:"trigger_words"`
	TriggerWhen  int      `json:"trigger_when"`
	CallbackURLs []string `json:"callback_urls"`
	DisplayName  string   `json:"display_name"`
	Description  string   `json:"description"`
	ContentType  string   `json:"content_type"`
	Username     string   `json:"username"`
	IconURL      string   `json:"icon_url"`
	// DisabledReason is computed on reads, never stored.
	DisabledReason string `json:"disabled_reason,omitempty"`
}

// Trigger word matching modes of OutgoingWebhook.TriggerWhen.
const (
	TriggerWordsExactMatch = 0
	TriggerWordsStartsWith = 1
)

// IsValid checks an outgoing webhook before it is stored.
func (h *OutgoingWebhook) IsValid() *AppError {
	bad := func(f string) *AppError {
		return NewAppError(http.StatusBadRequest, "model.outgoing_hook.is_valid."+f+".app_error", "Invalid "+f+".")
	}
	switch {
	case !IsValidID(h.ID):
		return bad("id")
	case len(h.Token) != 26:
		return bad("token")
	case !IsValidID(h.CreatorID):
		return bad("user_id")
	case h.ChannelID != "" && !IsValidID(h.ChannelID):
		return bad("channel_id")
	case !IsValidID(h.TeamID):
		return bad("team_id")
	case len(strings.Join(h.TriggerWords, ",")) > 1024:
		return bad("words")
	case h.TriggerWhen != TriggerWordsExactMatch && h.TriggerWhen != TriggerWordsStartsWith:
		return bad("trigger_when")
	case len(h.CallbackURLs) == 0 || len(strings.Join(h.CallbackURLs, ",")) > 1024:
		return bad("callback")
	case utf8.RuneCountInString(h.DisplayName) > 64:
		return bad("display_name")
	case utf8.RuneCountInString(h.Description) > 500:
		return bad("description")
	case len(h.ContentType) > 128:
		return bad("content_type")
	case utf8.RuneCountInString(h.Username) > 64:
		return bad("username")
	case len(h.IconURL) > 1024:
		return bad("icon_url")
	}
	for _, w := range h.TriggerWords {
		if strings.TrimSpace(w) == "" {
			return bad("words")
		}
	}
	for _, u := range h.CallbackURLs {
		if !IsValidHTTPURL(u) {
			return bad("url")
		}
	}
	return nil
}

// TriggerWordFor returns the trigger word the first word of a message matches,
// and whether it matches at all.
func (h *OutgoingWebhook) TriggerWordFor(firstWord string) (string, bool) {
	for _, w := range h.TriggerWords {
		if (h.TriggerWhen == TriggerWordsExactMatch && firstWord == w) ||
			(h.TriggerWhen == TriggerWordsStartsWith && strings.HasPrefix(firstWord, w)) {
			return w, true
		}
	}
	return "", false
}

// IsValidHTTPURL reports whether s is an absolute http(s) URL with a host.
func IsValidHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// Command is a slash command: a built-in, or a custom one that calls URL.
type Command struct {
	ID               string `json:"id"`
	Token            string `json:"token"`
	CreateAt         int64  `json:"create_at"`
	UpdateAt         int64  `json:"update_at"`
	DeleteAt         int64  `json:"delete_at"`
	CreatorID        string `json:"creator_id"`
	TeamID           string `json:"team_id"`
	Trigger          string `json:"trigger"`
	Method           string `json:"method"`
	Username         string `json:"username"`
	IconURL          string `json:"icon_url"`
	AutoComplete     bool   `json:"auto_complete"`
	AutoCompleteDesc string `json:"auto_complete_desc"`
	AutoCompleteHint string `json:"auto_complete_hint"`
	DisplayName      string `json:"display_name"`
	Description      string `json:"description"`
	URL              string `json:"url"`
	PluginID         string `json:"plugin_id"`
	// DisabledReason is computed on reads, never stored.
	DisabledReason string `json:"disabled_reason,omitempty"`
}

// Command methods.
const (
	CommandMethodPost = "P"
	CommandMethodGet  = "G"
)

// IsValid checks a custom command before it is stored.
func (c *Command) IsValid() *AppError {
	bad := func(f string) *AppError {
		return NewAppError(http.StatusBadRequest, "model.command.is_valid."+f+".app_error", "Invalid "+f+".")
	}
	switch {
	case !IsValidID(c.ID):
		return bad("id")
	case len(c.Token) != 26:
		return bad("token")
	case !IsValidID(c.CreatorID):
		return bad("user_id")
	case !IsValidID(c.TeamID):
		return bad("team_id")
	case c.Trigger == "" || len(c.Trigger) > 128 || strings.HasPrefix(c.Trigger, "/") || strings.ContainsAny(c.Trigger, " \t\n"):
		return bad("trigger")
	case c.Method != CommandMethodPost && c.Method != CommandMethodGet:
		return bad("method")
	case len(c.URL) > 1024 || !IsValidHTTPURL(c.URL):
		return bad("url")
	case utf8.RuneCountInString(c.DisplayName) > 64:
		return bad("display_name")
	case utf8.RuneCountInString(c.Description) > 128:
		return bad("description")
	case utf8.RuneCountInString(c.Username) > 64:
		return bad("username")
	case len(c.IconURL) > 1024:
		return bad("icon_url")
	case utf8.RuneCountInString(c.AutoCompleteDesc) > 1024 || utf8.RuneCountInString(c.AutoCompleteHint) > 1024:
		return bad("autocomplete_data")
	}
	return nil
}

// CommandArgs is the body of POST /commands/execute.
type CommandArgs struct {
	ChannelID string `json:"channel_id"`
	TeamID    string `json:"team_id"`
	RootID    string `json:"root_id"`
	ParentID  string `json:"parent_id"`
	Command   string `json:"command"`
}

// Command response types.
const (
	CommandResponseEphemeral = "ephemeral"
	CommandResponseInChannel = "in_channel"
)

// CommandResponse is what a command answers, and what execute returns.
type CommandResponse struct {
	ResponseType     string             `json:"response_type"`
	Text             string             `json:"text"`
	Username         string             `json:"username"`
	ChannelID        string             `json:"channel_id"`
	IconURL          string             `json:"icon_url"`
	Type             string             `json:"type"`
	Props            map[string]any     `json:"props"`
	GotoLocation     string             `json:"goto_location"`
	TriggerID        string             `json:"trigger_id"`
	SkipSlackParsing bool               `json:"skip_slack_parsing"`
	Attachments      []*SlackAttachment `json:"attachments"`
	ExtraResponses   []*CommandResponse `json:"extra_responses"`
}

// IncomingWebhookRequest is the payload of POST /hooks/{id}, and also of an
// outgoing webhook's reply.
type IncomingWebhookRequest struct {
	Text         string             `json:"text"`
	Username     string             `json:"username"`
	IconURL      string             `json:"icon_url"`
	ChannelName  string             `json:"channel"`
	Props        map[string]any     `json:"props"`
	Attachments  []*SlackAttachment `json:"attachments"`
	Type         string             `json:"type"`
	IconEmoji    string             `json:"icon_emoji"`
	Priority     *PostPriority      `json:"priority"`
	ResponseType string             `json:"response_type"`
}

// PostPriority is the priority of a post (metadata.priority).
type PostPriority struct {
	Priority                *string `json:"priority"`
	RequestedAck            *bool   `json:"requested_ack"`
	PersistentNotifications *bool   `json:"persistent_notifications"`
}

// SlackAttachment is a Slack "secondary attachment" kept in props.attachments.
type SlackAttachment struct {
	ID         int64             `json:"id"`
	Fallback   string            `json:"fallback"`
	Color      string            `json:"color"`
	Pretext    string            `json:"pretext"`
	AuthorName string            `json:"author_name"`
	AuthorLink string            `json:"author_link"`
	AuthorIcon string            `json:"author_icon"`
	Title      string            `json:"title"`
	TitleLink  string            `json:"title_link"`
	Text       string            `json:"text"`
	Fields     []*SlackField     `json:"fields"`
	ImageURL   string            `json:"image_url"`
	ThumbURL   string            `json:"thumb_url"`
	Footer     string            `json:"footer"`
	FooterIcon string            `json:"footer_icon"`
	Timestamp  any               `json:"ts,omitempty"`
	Actions    []json.RawMessage `json:"actions,omitempty"`
}

// SlackField is one field of an attachment. Value may arrive as any JSON
// scalar and Short as a bool or a string, as Slack senders do.
type SlackField struct {
	Title string `json:"title"`
	Value any    `json:"value"`
	Short bool   `json:"short"`
}

// UnmarshalJSON accepts "short" as a bool or "true"/"false" and turns a scalar
// value into text.
func (f *SlackField) UnmarshalJSON(b []byte) error {
	var raw struct {
		Title string          `json:"title"`
		Value json.RawMessage `json:"value"`
		Short json.RawMessage `json:"short"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	f.Title = raw.Title
	var s string
	if err := json.Unmarshal(raw.Value, &s); err == nil {
		f.Value = s
	} else if len(raw.Value) > 0 && string(raw.Value) != "null" {
		f.Value = string(raw.Value)
	} else {
		f.Value = ""
	}
	short := strings.Trim(strings.ToLower(string(raw.Short)), `"`)
	f.Short, _ = strconv.ParseBool(short)
	return nil
}

// Bot is a bot account: a user with is_bot set, owned by a person.
type Bot struct {
	UserID         string `json:"user_id"`
	Username       string `json:"username"`
	DisplayName    string `json:"display_name,omitempty"`
	Description    string `json:"description,omitempty"`
	OwnerID        string `json:"owner_id"`
	LastIconUpdate int64  `json:"last_icon_update,omitempty"`
	CreateAt       int64  `json:"create_at"`
	UpdateAt       int64  `json:"update_at"`
	DeleteAt       int64  `json:"delete_at"`
}

// BotPatch holds the fields of a bot that may change.
type BotPatch struct {
	Username    *string `json:"username"`
	DisplayName *string `json:"display_name"`
	Description *string `json:"description"`
}

// IsValid checks a bot before it is stored.
func (b *Bot) IsValid() *AppError {
	bad := func(f string) *AppError {
		return NewAppError(http.StatusBadRequest, "model.bot.is_valid."+f+".app_error", "Invalid "+f+".")
	}
	switch {
	case !IsValidID(b.UserID):
		return bad("user_id")
	case !IsValidUsername(b.Username):
		return bad("username")
	case utf8.RuneCountInString(b.DisplayName) > 64:
		return bad("username")
	case utf8.RuneCountInString(b.Description) > 1024:
		return bad("description")
	case !IsValidID(b.OwnerID):
		return bad("creator_id")
	}
	return nil
}

// OpenGraph is the preview of a link kept in metadata.embeds.
type OpenGraph struct {
	Type        string           `json:"type,omitempty"`
	URL         string           `json:"url,omitempty"`
	Title       string           `json:"title,omitempty"`
	Description string           `json:"description,omitempty"`
	SiteName    string           `json:"site_name,omitempty"`
	Images      []*OpenGraphItem `json:"images,omitempty"`
}

// OpenGraphItem is one og:image.
type OpenGraphItem struct {
	URL       string `json:"url,omitempty"`
	SecureURL string `json:"secure_url,omitempty"`
}

// PostEmbed is one entry of metadata.embeds.
type PostEmbed struct {
	Type string `json:"type"`
	URL  string `json:"url"`
	Data any    `json:"data,omitempty"`
}

var firstLinkRE = regexp.MustCompile(`https?://[^\s<>()\[\]"']+`)

// FirstLink returns the first http(s) link of a message, without trailing
// punctuation, or "".
func FirstLink(msg string) string {
	l := firstLinkRE.FindString(msg)
	return strings.TrimRight(l, ".,;:!?*_~`")
}

// CommandWebhook is the response_url of one custom slash command run.
type CommandWebhook struct {
	ID        string
	CreateAt  int64
	CommandID string
	UserID    string
	ChannelID string
	TeamID    string
	RootID    string
	UseCount  int
}

// PostActionIntegration is where a message button or menu sends its clicks.
// It is never shown to clients: the context may hold the integration's secrets.
type PostActionIntegration struct {
	URL     string         `json:"url"`
	Context map[string]any `json:"context,omitempty"`
}

// PostActionRequest is what Parley sends to an integration when a user clicks
// a button or picks a menu option (Mattermost's PostActionIntegrationRequest).
type PostActionRequest struct {
	UserID      string         `json:"user_id"`
	UserName    string         `json:"user_name"`
	ChannelID   string         `json:"channel_id"`
	ChannelName string         `json:"channel_name"`
	TeamID      string         `json:"team_id"`
	TeamName    string         `json:"team_domain"`
	PostID      string         `json:"post_id"`
	TriggerID   string         `json:"trigger_id"`
	Type        string         `json:"type"`
	DataSource  string         `json:"data_source"`
	Context     map[string]any `json:"context,omitempty"`
}

// PostActionResponse is the integration's answer: an update of the post, a
// message only the clicking user sees, and where the client should go.
type PostActionResponse struct {
	Update           *Post  `json:"update"`
	EphemeralText    string `json:"ephemeral_text"`
	GotoLocation     string `json:"goto_location"`
	SkipSlackParsing bool   `json:"skip_slack_parsing"`
}

// PostActionAPIResponse is the answer of POST /posts/{id}/actions/{action_id}.
type PostActionAPIResponse struct {
	Status       string `json:"status"`
	TriggerID    string `json:"trigger_id"`
	GotoLocation string `json:"goto_location,omitempty"`
}

// OpenDialogRequest is what an integration sends to POST /actions/dialogs/open.
type OpenDialogRequest struct {
	TriggerID string         `json:"trigger_id"`
	URL       string         `json:"url"`
	Dialog    map[string]any `json:"dialog"`
}

// SubmitDialogRequest is a user's answer to a dialog, as the client sends it
// and as it goes on to the dialog's URL.
type SubmitDialogRequest struct {
	Type       string         `json:"type"`
	URL        string         `json:"url,omitempty"`
	CallbackID string         `json:"callback_id"`
	State      string         `json:"state"`
	UserID     string         `json:"user_id"`
	ChannelID  string         `json:"channel_id"`
	TeamID     string         `json:"team_id"`
	Submission map[string]any `json:"submission"`
	Cancelled  bool           `json:"cancelled"`
}

// SubmitDialogResponse is the integration's answer: a general error and
// errors per field, shown in the dialog.
type SubmitDialogResponse struct {
	Error  string            `json:"error,omitempty"`
	Errors map[string]string `json:"errors,omitempty"`
}
