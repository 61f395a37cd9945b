package model

import (
	"net/http"
	"unicode/utf8"
)

// Draft is a message a user has started but not sent, kept per channel and
// thread so that their other devices show it (Mattermost's synced drafts).
type Draft struct {
	CreateAt  int64          `json:"create_at"`
	UpdateAt  int64          `json:"update_at"`
	DeleteAt  int64          `json:"delete_at"`
	UserID    string         `json:"user_id"`
	ChannelID string         `json:"channel_id"`
	RootID    string         `json:"root_id"`
	Message   string         `json:"message"`
	Props     map[string]any `json:"props"`
	FileIDs   []string       `json:"file_ids,omitempty"`
	Priority  map[string]any `json:"priority,omitempty"`
}

// IsValid checks what Mattermost's Draft.IsValid checks.
func (d *Draft) IsValid() *AppError {
	bad := func(field string) *AppError {
		return NewAppError(http.StatusBadRequest, "model.draft.is_valid."+field+".app_error",
			"Invalid "+field+" of the draft.")
	}
	switch {
	case !IsValidID(d.UserID):
		return bad("user_id")
	case !IsValidID(d.ChannelID):
		return bad("channel_id")
	case d.RootID != "" && !IsValidID(d.RootID):
		return bad("root_id")
	case utf8.RuneCountInString(d.Message) > MaxPostRunes:
		return bad("msg")
	case len(d.FileIDs) > 10:
		return bad("file_ids")
	}
	return nil
}
