package model

import (
	"bytes"
	"encoding/json"
	"time"
)

// Custom status, as Mattermost keeps it: the current one in the user's props
// under customStatus (JSON), the recent ones in a preference.
const (
	UserPropsKeyCustomStatus           = "customStatus"
	PreferenceCategoryCustomStatus     = "custom_status"
	PreferenceNameRecentCustomStatuses = "recent_custom_statuses"
	CustomStatusTextMaxRunes           = 100
	MaxRecentCustomStatuses            = 5
	DefaultCustomStatusEmoji           = "speech_balloon"
)

var validCustomStatusDuration = map[string]bool{
	"thirty_minutes": true, "one_hour": true, "four_hours": true, "today": true, "this_week": true, "date_and_time": true,
}

// CustomStatus is a user's emoji and text, until an optional time.
type CustomStatus struct {
	Emoji     string    `json:"emoji"`
	Text      string    `json:"text"`
	Duration  string    `json:"duration"`
	ExpiresAt time.Time `json:"expires_at"`
}

// PreSave fills the default emoji and duration and trims the text.
func (cs *CustomStatus) PreSave(now time.Time) {
	if cs.Emoji == "" {
		cs.Emoji = DefaultCustomStatusEmoji
	}
	if cs.Duration == "" && !cs.ExpiresAt.Before(now) {
		cs.Duration = "date_and_time"
	}
	if r := []rune(cs.Text); len(r) > CustomStatusTextMaxRunes {
		cs.Text = string(r[:CustomStatusTextMaxRunes])
	}
}

// Valid: something to show, a known duration, and not already expired.
func (cs *CustomStatus) Valid(now time.Time) bool {
	if cs.Emoji == "" && cs.Text == "" {
		return false
	}
	if cs.Duration == "" {
		return cs.ExpiresAt.IsZero() || !cs.ExpiresAt.Before(now)
	}
	return validCustomStatusDuration[cs.Duration] && !cs.ExpiresAt.Before(now)
}

// RecentCustomStatuses are the last statuses a user set, newest first.
type RecentCustomStatuses []CustomStatus

func (cs CustomStatus) same(o CustomStatus) bool {
	a, _ := json.Marshal(cs)
	b, _ := json.Marshal(o)
	return bytes.Equal(a, b)
}

// Add puts cs first, replacing one with the same text, keeping at most five.
func (rcs RecentCustomStatuses) Add(cs CustomStatus) RecentCustomStatuses {
	out := RecentCustomStatuses{cs}
	for _, s := range rcs {
		if s.Text != cs.Text {
			out = append(out, s)
		}
	}
	if len(out) > MaxRecentCustomStatuses {
		out = out[:MaxRecentCustomStatuses]
	}
	return out
}

// Remove drops the statuses equal to cs; ok tells whether there was one.
func (rcs RecentCustomStatuses) Remove(cs CustomStatus) (out RecentCustomStatuses, ok bool) {
	out = RecentCustomStatuses{}
	for _, s := range rcs {
		if s.same(cs) {
			ok = true
			continue
		}
		out = append(out, s)
	}
	return out, ok
}
