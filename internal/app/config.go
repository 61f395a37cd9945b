package app

import (
	"context"
	"log/slog"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

// configStore is where the settings come from (file, environment, flags) and
// what was last loaded or saved: what a restart would run with. The settings
// in force (App.Config) are that, less the restart-only changes.
type configStore struct {
	mu     sync.Mutex // one change at a time, so file and memory agree
	source config.Source
	stored config.Config
	// level is the logger's level, changed with log_level.
	level *slog.LevelVar
	// version caches VersionID for the configuration in force.
	version atomic.Pointer[versionID]
}

// SetConfigSource names where the settings came from, so the API can reload
// and save them, and the level variable of the logger. Without it, the file
// is <data_dir>/config.json and only data_dir is locked.
func (a *App) SetConfigSource(src config.Source, level *slog.LevelVar) {
	a.conf.mu.Lock()
	defer a.conf.mu.Unlock()
	a.conf.source, a.conf.level = src, level
}

// applyConfig makes next the stored configuration and puts in force what may
// change while running. The caller holds conf.mu.
func (a *App) applyConfig(next config.Config) {
	a.conf.stored = next
	cur := *a.Config()
	a.SetConfig(cur.Reloadable(next))
	if a.conf.level != nil {
		_ = a.conf.level.UnmarshalText([]byte(next.LogLevel))
	}
}

// ReloadConfig reads the file, environment and flags again (SIGHUP does it
// as SystemSession).
func (a *App) ReloadConfig(ctx context.Context, s *model.Session) error {
	if !a.HasPermission(s, model.PermManageSystem) {
		return model.ErrForbidden()
	}
	a.conf.mu.Lock()
	defer a.conf.mu.Unlock()
	next, err := a.conf.source.Load()
	if err != nil {
		return model.NewAppError(http.StatusInternalServerError, "api.config.reload_config.app_error",
			"Failed to reload the configuration.").Wrap(err)
	}
	a.applyConfig(next)
	a.log.InfoContext(ctx, "configuration reloaded")
	return nil
}

// MattermostConfig is the configuration in Mattermost's shape, secrets masked.
func (a *App) MattermostConfig(ctx context.Context, s *model.Session) (config.Doc, error) {
	if !a.HasPermission(s, model.PermManageSystem) {
		return nil, model.ErrForbidden()
	}
	a.conf.mu.Lock()
	defer a.conf.mu.Unlock()
	d, err := a.storedDoc()
	if err != nil {
		return nil, err
	}
	if err := a.showGlobalRetention(ctx, d); err != nil {
		return nil, err
	}
	config.Mask(d)
	return d, nil
}

func (a *App) storedDoc() (config.Doc, error) {
	kept, err := a.conf.source.Kept()
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	return a.conf.stored.Mattermost(kept), nil
}

// ConfigEnvironment lists the settings the environment or the command line
// sets, which the API cannot change, in Mattermost's shape.
func (a *App) ConfigEnvironment(s *model.Session) (map[string]map[string]bool, error) {
	if !a.HasPermission(s, model.PermManageSystem) {
		return nil, model.ErrForbidden()
	}
	a.conf.mu.Lock()
	defer a.conf.mu.Unlock()
	return config.EnvironmentDoc(a.conf.source.Locked()), nil
}

// UpdateConfig saves a configuration in Mattermost's shape and puts in force
// what may change while running. With patch, settings absent from body stay
// as they are; without, they return to their defaults, as PUT /config does in
// Mattermost. Masked secrets sent back keep their value; settings the
// environment or command line sets keep theirs. Settings Parley does not use
// are kept in the file and ignored. The answer is the saved configuration,
// masked.
func (a *App) UpdateConfig(ctx context.Context, s *model.Session, body config.Doc, patch bool) (config.Doc, error) {
	if !a.HasPermission(s, model.PermManageSystem) {
		return nil, model.ErrForbidden()
	}
	a.conf.mu.Lock()
	defer a.conf.mu.Unlock()
	cur := a.conf.stored
	current, err := a.storedDoc()
	if err != nil {
		return nil, err
	}
	if err := a.showGlobalRetention(ctx, current); err != nil {
		return nil, err
	}
	base := current
	if !patch {
		fresh := config.Default()
		fresh.Keep(&cur, unmappedKeys())
		base = fresh.Mattermost(nil)
	}
	merged := config.Merge(base, body)
	config.Unmask(merged, current)
	retention, err := globalRetentionFrom(merged)
	if err != nil {
		return nil, err
	}
	next := cur
	if err := next.SetMattermost(merged); err != nil {
		e := model.ErrInvalidBody("config")
		e.DetailedError = err.Error()
		return nil, e
	}
	if cur.SiteURL != "" && next.SiteURL == "" {
		return nil, model.NewAppError(http.StatusBadRequest, "api.config.update_config.clear_siteurl.app_error",
			"Site URL cannot be cleared.")
	}
	locked := a.conf.source.Locked()
	next.Keep(&cur, locked)
	if err := next.Validate(); err != nil {
		name, id := config.InvalidSetting(err)
		e := model.NewAppError(http.StatusBadRequest, id, "Invalid setting "+name+".")
		e.DetailedError = err.Error()
		return nil, e
	}
	kept := config.Unmapped(merged)
	hideGlobalRetention(kept)
	if err := a.conf.source.Save(next, kept); err != nil {
		return nil, model.NewAppError(http.StatusInternalServerError, "app.save_config.app_error",
			"Failed to save the configuration.").Wrap(err)
	}
	if err := a.saveGlobalRetentionFrom(ctx, s, retention); err != nil {
		return nil, err
	}
	changed := changedSettings(&cur, &next)
	a.applyConfig(next)
	a.audit(ctx, s, model.AuditConfigChange, "config", "", true, strings.Join(changed, ","))
	a.log.InfoContext(ctx, "configuration saved", "file", a.conf.source.File(), "changed", changed)
	a.publishConfig(ctx, next.Mattermost(kept))
	out := next.Mattermost(kept)
	if err := a.showGlobalRetention(ctx, out); err != nil {
		return nil, err
	}
	config.Mask(out)
	return out, nil
}

// unmappedKeys are the settings Mattermost's shape has no place for: a PUT
// cannot reset them, so they keep their value.
func unmappedKeys() map[string]bool {
	mapped := map[string]bool{}
	for _, m := range config.MattermostSettings() {
		mapped[m.Key] = true
	}
	out := map[string]bool{}
	for _, s := range config.Settings() {
		if !mapped[s.Key] {
			out[s.Key] = true
		}
	}
	return out
}

// changedSettings names the settings that differ, for the audit log.
func changedSettings(a, b *config.Config) []string {
	var out []string
	av, bv := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
	for i, s := range config.Settings() {
		if !reflect.DeepEqual(av.Field(i).Interface(), bv.Field(i).Interface()) {
			out = append(out, s.Key)
		}
	}
	sort.Strings(out)
	return out
}
