package app

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

// The global retention policy is kept in the database, which every node
// shares, and shown in Mattermost's DataRetentionSettings of GET
// /api/v4/config, where the System Console and mmctl read and change it. The
// configuration file does not keep these keys.

const retentionSection = "DataRetentionSettings"

// retentionKeys are the DataRetentionSettings the global policy answers for.
var retentionKeys = []string{"EnableMessageDeletion", "MessageRetentionDays", "MessageRetentionHours",
	"EnableFileDeletion", "FileRetentionDays", "FileRetentionHours", "PreservePinnedPosts"}

// showGlobalRetention writes the global policy into d's DataRetentionSettings.
func (a *App) showGlobalRetention(ctx context.Context, d config.Doc) error {
	g, err := a.globalRetention(ctx)
	if err != nil {
		return err
	}
	sec := d[retentionSection]
	if sec == nil {
		sec = map[string]json.RawMessage{}
		d[retentionSection] = sec
	}
	put := func(k string, v any) {
		b, _ := json.Marshal(v)
		sec[k] = b
	}
	put("EnableMessageDeletion", g.PostDays > 0)
	put("EnableFileDeletion", g.FileDays > 0)
	put("MessageRetentionHours", 0)
	put("FileRetentionHours", 0)
	put("PreservePinnedPosts", g.PreservePinnedPosts)
	// Off, the days keep what the document had (Mattermost's default 365),
	// as the System Console expects a number there.
	if g.PostDays > 0 {
		put("MessageRetentionDays", g.PostDays)
	}
	if g.FileDays > 0 {
		put("FileRetentionDays", g.FileDays)
	}
	return nil
}

// hideGlobalRetention removes from d what the database keeps.
func hideGlobalRetention(d config.Doc) {
	for _, k := range retentionKeys {
		delete(d[retentionSection], k)
	}
}

// globalRetentionFrom reads the global policy d's DataRetentionSettings
// set: hours, when given, win over days, as in Mattermost, rounded up to
// whole days.
func globalRetentionFrom(d config.Doc) (*model.GlobalRetention, error) {
	sec := d[retentionSection]
	var v struct {
		EnableMessageDeletion, EnableFileDeletion, PreservePinnedPosts                     bool
		MessageRetentionDays, MessageRetentionHours, FileRetentionDays, FileRetentionHours int
	}
	for k, p := range map[string]any{"EnableMessageDeletion": &v.EnableMessageDeletion, "EnableFileDeletion": &v.EnableFileDeletion,
		"PreservePinnedPosts": &v.PreservePinnedPosts, "MessageRetentionDays": &v.MessageRetentionDays,
		"MessageRetentionHours": &v.MessageRetentionHours, "FileRetentionDays": &v.FileRetentionDays,
		"FileRetentionHours": &v.FileRetentionHours} {
		raw, ok := sec[k]
		if !ok || string(raw) == "null" {
			continue
		}
		if err := json.Unmarshal(raw, p); err != nil {
			e := model.ErrInvalidBody("config")
			e.DetailedError = retentionSection + "." + k + ": " + err.Error()
			return nil, e
		}
	}
	days := func(d, h int) int {
		if h > 0 {
			return (h + 23) / 24
		}
		return d
	}
	g := &model.GlobalRetention{PreservePinnedPosts: v.PreservePinnedPosts}
	if v.EnableMessageDeletion {
		if g.PostDays = days(v.MessageRetentionDays, v.MessageRetentionHours); g.PostDays < 1 {
			return nil, model.NewAppError(http.StatusBadRequest, "model.config.is_valid.data_retention.message_retention_days_too_low.app_error",
				"Message retention must be one day or longer.")
		}
	}
	if v.EnableFileDeletion {
		if g.FileDays = days(v.FileRetentionDays, v.FileRetentionHours); g.FileDays < 1 {
			return nil, model.NewAppError(http.StatusBadRequest, "model.config.is_valid.data_retention.file_retention_days_too_low.app_error",
				"File retention must be one day or longer.")
		}
	}
	return g, nil
}

// saveGlobalRetentionFrom stores the global policy d sets, when it differs
// from the one in force.
func (a *App) saveGlobalRetentionFrom(ctx context.Context, s *model.Session, g *model.GlobalRetention) error {
	cur, err := a.globalRetention(ctx)
	if err != nil {
		return err
	}
	if cur.PostDays == g.PostDays && cur.FileDays == g.FileDays && cur.PreservePinnedPosts == g.PreservePinnedPosts {
		return nil
	}
	return a.SetGlobalRetention(ctx, s, g)
}
