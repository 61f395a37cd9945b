package bulkio

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/bulk"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// set assigns *src to *dst when the field is present, reporting a change.
func set[T comparable](dst *T, src *T) bool {
	if src == nil || *dst == *src {
		return false
	}
	*dst = *src
	return true
}

func (im *importer) importTeam(ctx context.Context, tx *app.Batch, bl *bulkLine) *bulk.Error {
	d := bl.l.Team
	now := model.Now()
	t, err := tx.GetTeamByName(ctx, *d.Name)
	isNew := errors.Is(err, store.ErrNotFound)
	if err != nil && !isNew {
		return internalErr(bl, "team.name", err)
	}
	if isNew {
		t = &model.Team{ID: model.NewID(), CreateAt: now, UpdateAt: now, Name: *d.Name, InviteID: model.NewID()}
	}
	changed := set(&t.DisplayName, d.DisplayName)
	changed = set(&t.Type, d.Type) || changed
	changed = set(&t.Description, d.Description) || changed
	changed = set(&t.AllowOpenInvite, d.AllowOpenInvite) || changed
	if d.Scheme != nil {
		im.skip(skipSchemes, 1)
	}
	switch {
	case isNew:
		if _, err := tx.CreateTeam(ctx, t); err != nil {
			return opErr(bl, "team", err)
		}
		im.count("teams", 1)
	case changed:
		if err := tx.UpdateTeam(ctx, t); err != nil {
			return opErr(bl, "team", err)
		}
		im.count("teams", 1)
	}
	im.mu.Lock()
	im.teams[t.Name] = t
	im.mu.Unlock()
	return nil
}

func (im *importer) importChannel(ctx context.Context, tx *app.Batch, bl *bulkLine) *bulk.Error {
	d := bl.l.Channel
	t, err := im.team(ctx, tx, *d.Team)
	if err != nil {
		return notFound(bl, "channel.team", "app.import.import_channel.team_not_found.error", "team "+*d.Team)
	}
	now := model.Now()
	ch, err := tx.GetChannelByName(ctx, t.ID, *d.Name, true)
	isNew := errors.Is(err, store.ErrNotFound)
	if err != nil && !isNew {
		return internalErr(bl, "channel.name", err)
	}
	if isNew {
		ch = &model.Channel{ID: model.NewID(), CreateAt: now, UpdateAt: now, TeamID: t.ID, Name: *d.Name}
	}
	changed := set(&ch.DisplayName, d.DisplayName)
	changed = set(&ch.Type, d.Type) || changed
	changed = set(&ch.Header, d.Header) || changed
	changed = set(&ch.Purpose, d.Purpose) || changed
	changed = set(&ch.DeleteAt, d.DeletedAt) || changed
	if d.Scheme != nil {
		im.skip(skipSchemes, 1)
	}
	switch {
	case isNew:
		if err := tx.CreateChannel(ctx, t, ch); err != nil {
			return opErr(bl, "channel", err)
		}
		im.count("channels", 1)
	case changed:
		if err := tx.UpdateChannel(ctx, ch); err != nil {
			return opErr(bl, "channel", err)
		}
		im.count("channels", 1)
	}
	im.mu.Lock()
	im.chans[*d.Team+"/"+ch.Name] = ch
	im.mu.Unlock()
	return nil
}

// parseRoles splits a membership's roles into scheme flags and explicit roles.
func parseRoles(roles, prefix string) (guest, user, admin bool, explicit string) {
	var rest []string
	for _, r := range strings.Fields(roles) {
		switch r {
		case prefix + "_guest":
			guest = true
		case prefix + "_user":
			user = true
		case prefix + "_admin":
			admin = true
		default:
			rest = append(rest, r)
		}
	}
	return guest, user, admin, strings.Join(rest, " ")
}

// userNotifyKeys maps the format's notify_props keys to Parley's.
var userNotifyKeys = [][2]string{{"desktop", "desktop"}, {"desktop_sound", "desktop_sound"}, {"email", "email"},
	{"mobile", "push"}, {"mobile_push_status", "push_status"}, {"channel", "channel"}, {"comments", "comments"},
	{"mention_keys", "mention_keys"}}

func userNotifyFields(n *bulk.UserNotifyProps) []*string {
	return []*string{n.Desktop, n.DesktopSound, n.Email, n.Mobile, n.MobilePushStatus, n.ChannelTrigger, n.CommentsTrigger, n.MentionKeys}
}

// userPref maps a user line's preference field to its preference row.
type userPref struct {
	key, category, name string
	get                 func(u *bulk.User) **string
}

// userPrefs lists the preference fields of a user line; name "" with
// category tutorial_step means the user's id.
var userPrefs = []userPref{
	{"theme", "theme", "", func(u *bulk.User) **string { return &u.Theme }},
	{"military_time", "display_settings", "use_military_time", func(u *bulk.User) **string { return &u.UseMilitaryTime }},
	{"link_previews", "display_settings", "collapse_previews", func(u *bulk.User) **string { return &u.CollapsePreviews }},
	{"message_display", "display_settings", "message_display", func(u *bulk.User) **string { return &u.MessageDisplay }},
	{"channel_display_mode", "display_settings", "channel_display_mode", func(u *bulk.User) **string { return &u.ChannelDisplayMode }},
	{"tutorial_step", "tutorial_step", "", func(u *bulk.User) **string { return &u.TutorialStep }},
	{"feature_enabled_markdown_preview", "advanced_settings", "feature_enabled_markdown_preview", func(u *bulk.User) **string { return &u.UseMarkdownPreview }},
	{"formatting", "advanced_settings", "formatting", func(u *bulk.User) **string { return &u.UseFormatting }},
	{"show_unread_section", "sidebar_settings", "show_unread_section", func(u *bulk.User) **string { return &u.ShowUnreadSection }},
	{"email_interval", "notifications", "email_interval", func(u *bulk.User) **string { return &u.EmailInterval }},
	{"collapse_consecutive_messages", "display_settings", "collapse_consecutive_messages", func(u *bulk.User) **string { return &u.CollapseConsecutiveMessages }},
	{"colorize_usernames", "display_settings", "colorize_usernames", func(u *bulk.User) **string { return &u.ColorizeUsernames }},
	{"send_on_ctrl_enter", "advanced_settings", "send_on_ctrl_enter", func(u *bulk.User) **string { return &u.SendOnCtrlEnter }},
	{"code_block_ctrl_enter", "advanced_settings", "code_block_ctrl_enter", func(u *bulk.User) **string { return &u.CodeBlockCtrlEnter }},
	{"show_join_leave", "advanced_settings", "join_leave", func(u *bulk.User) **string { return &u.ShowJoinLeave }},
	{"show_unread_scroll_position", "advanced_settings", "unread_scroll_position", func(u *bulk.User) **string { return &u.ShowUnreadScrollPosition }},
	{"sync_drafts", "advanced_settings", "sync_drafts", func(u *bulk.User) **string { return &u.SyncDrafts }},
	{"limit_visible_dms_gms", "sidebar_settings", "limit_visible_dms_gms", func(u *bulk.User) **string { return &u.LimitVisibleDmsGms }},
	{"name_format", "display_settings", "name_format", func(u *bulk.User) **string { return &u.NameFormat }},
}

// Email batching intervals: the format's names and the stored seconds.
var emailIntervalSeconds = map[string]string{"immediately": "30", "fifteen": "900", "hour": "3600"}

func (im *importer) importUser(ctx context.Context, tx *app.Batch, bl *bulkLine, hash string) *bulk.Error {
	d := bl.l.User
	now := model.Now()
	u, err := tx.GetUserByUsername(ctx, *d.Username)
	isNew := errors.Is(err, store.ErrNotFound)
	if err != nil && !isNew {
		return internalErr(bl, "user.username", err)
	}
	if isNew {
		u = &model.User{ID: model.NewID(), CreateAt: now, Username: *d.Username, Roles: model.RoleSystemUser, LastPasswordUpdate: now}
	}
	// The same password again is no change: the file was imported before.
	if hash != "" && !isNew && d.Password != nil && app.PasswordMatches(u.Password, *d.Password) {
		hash = ""
	}
	before := *u
	beforeNotify := maps.Clone(u.NotifyProps)
	if d.Email != nil && strings.ToLower(*d.Email) != u.Email {
		u.Email = strings.ToLower(*d.Email)
		u.EmailVerified = false
	}
	set(&u.Nickname, d.Nickname)
	set(&u.FirstName, d.FirstName)
	set(&u.LastName, d.LastName)
	set(&u.Position, d.Position)
	set(&u.Roles, d.Roles)
	set(&u.Locale, d.Locale)
	set(&u.DeleteAt, d.DeleteAt)
	set(&u.AuthService, d.AuthService)
	if d.AuthData != nil && *d.AuthData != "" {
		u.AuthData = d.AuthData
	}
	if hash != "" {
		u.Password, u.LastPasswordUpdate = hash, now
	}
	u.PreSave()
	if d.NotifyProps != nil {
		u.NotifyProps = maps.Clone(u.NotifyProps)
		for i, v := range userNotifyFields(d.NotifyProps) {
			if v != nil {
				u.NotifyProps[userNotifyKeys[i][1]] = *v
			}
		}
	}
	if ae := u.IsValid(); ae != nil {
		return modelErr(bl, "user", ae)
	}
	if d.ProfileImage != nil && *d.ProfileImage != "" {
		if e := im.importProfileImage(ctx, tx, bl, u); e != nil {
			return e
		}
	}
	if isNew {
		u.UpdateAt = now
		if err := tx.CreateUser(ctx, u); err != nil {
			return userErr(bl, u, err)
		}
		im.count("users", 1)
	} else if userChanged(&before, u, beforeNotify) {
		u.UpdateAt = now
		if err := tx.UpdateUser(ctx, &before, u); err != nil {
			return userErr(bl, u, err)
		}
		if hash != "" {
			if err := tx.SetPassword(ctx, u, hash); err != nil {
				return opErr(bl, "user.password", err)
			}
		}
		im.count("users", 1)
	}
	im.mu.Lock()
	im.users[u.Username] = u.ID
	im.mu.Unlock()

	var prefs []model.Preference
	for _, up := range userPrefs {
		v := *up.get(d)
		if v == nil {
			continue
		}
		name, value := up.name, *v
		if up.category == "tutorial_step" {
			name = u.ID
		}
		if up.key == "email_interval" {
			if secs, ok := emailIntervalSeconds[value]; ok {
				value = secs
			}
		}
		prefs = append(prefs, model.Preference{UserID: u.ID, Category: up.category, Name: name, Value: value})
	}
	if isNew && d.TutorialStep == nil {
		prefs = append(prefs, model.Preference{UserID: u.ID, Category: "tutorial_step", Name: u.ID, Value: "0"})
	}
	if d.Teams != nil {
		for i, t := range *d.Teams {
			p, e := im.importUserTeam(ctx, tx, bl, u, i, &t)
			if e != nil {
				return e
			}
			prefs = append(prefs, p...)
		}
	}
	return im.savePrefs(ctx, tx, bl, "user", prefs)
}

// savePrefs stores preferences that differ from what is stored, so that a
// re-import writes nothing.
func (im *importer) savePrefs(ctx context.Context, tx *app.Batch, bl *bulkLine, field string, prefs []model.Preference) *bulk.Error {
	if len(prefs) == 0 {
		return nil
	}
	stored, err := tx.GetPreferences(ctx, prefs[0].UserID, "")
	if err != nil {
		return internalErr(bl, field, err)
	}
	have := make(map[[3]string]string, len(stored))
	for _, p := range stored {
		have[[3]string{p.UserID, p.Category, p.Name}] = p.Value
	}
	var out []model.Preference
	for _, p := range prefs {
		if v, ok := have[[3]string{p.UserID, p.Category, p.Name}]; ok && v == p.Value {
			continue
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil
	}
	if err := tx.SavePreferences(ctx, out[0].UserID, out); err != nil {
		return opErr(bl, field, err)
	}
	im.count("preferences", len(out))
	return nil
}

func userChanged(a, b *model.User, notify model.StringMap) bool {
	authA, authB := "", ""
	if a.AuthData != nil {
		authA = *a.AuthData
	}
	if b.AuthData != nil {
		authB = *b.AuthData
	}
	return a.Email != b.Email || a.Nickname != b.Nickname || a.FirstName != b.FirstName || a.LastName != b.LastName ||
		a.Position != b.Position || a.Roles != b.Roles || a.Locale != b.Locale || a.DeleteAt != b.DeleteAt ||
		a.AuthService != b.AuthService || authA != authB || a.Password != b.Password || !maps.Equal(notify, b.NotifyProps) ||
		a.LastPictureUpdate != b.LastPictureUpdate
}

func (im *importer) importUserTeam(ctx context.Context, tx *app.Batch, bl *bulkLine, u *model.User, i int, d *bulk.UserTeam) ([]model.Preference, *bulk.Error) {
	field := fmt.Sprintf("user.teams[%d]", i)
	t, err := im.team(ctx, tx, *d.Name)
	if err != nil {
		return nil, notFound(bl, field+".name", "app.import.import_user_teams.team_not_found.error", "team "+*d.Name)
	}
	teamID := t.ID
	m, joined, err := tx.JoinTeam(ctx, t, u)
	if err != nil {
		return nil, opErr(bl, field, err)
	}
	old := *m
	if d.Roles != nil {
		m.SchemeGuest, m.SchemeUser, m.SchemeAdmin, m.ExplicitRoles = parseRoles(*d.Roles, "team")
	}
	if old.SchemeGuest != m.SchemeGuest || old.SchemeUser != m.SchemeUser || old.SchemeAdmin != m.SchemeAdmin || old.ExplicitRoles != m.ExplicitRoles {
		if err := tx.SaveTeamMemberRoles(ctx, m); err != nil {
			return nil, opErr(bl, field, err)
		}
		joined = true
	}
	if joined {
		im.count("team_memberships", 1)
	}
	var prefs []model.Preference
	if d.Theme != nil {
		prefs = append(prefs, model.Preference{UserID: u.ID, Category: "theme", Name: teamID, Value: *d.Theme})
	}
	if d.Channels == nil {
		return prefs, nil
	}
	for j, c := range *d.Channels {
		cf := fmt.Sprintf("%s.channels[%d]", field, j)
		ch, err := im.channel(ctx, tx, *d.Name, *c.Name)
		if err != nil {
			return nil, notFound(bl, cf+".name", "app.import.import_user_channels.channel_not_found.error", "channel "+*d.Name+"/"+*c.Name)
		}
		if e := im.saveChannelMember(ctx, tx, bl, cf, ch, u, c.Roles, c.NotifyProps); e != nil {
			return nil, e
		}
		if c.Favorite != nil && *c.Favorite {
			prefs = append(prefs, model.Preference{UserID: u.ID, Category: "favorite_channel", Name: ch.ID, Value: "true"})
		}
	}
	return prefs, nil
}

// channelNotifyKeys maps the format's channel notify_props keys to Parley's.
var channelNotifyKeys = [][2]string{{"desktop", "desktop"}, {"mobile", "push"}, {"mark_unread", "mark_unread"}, {"email", "email"},
	{"ignore_channel_mentions", "ignore_channel_mentions"}, {"channel_auto_follow_threads", "channel_auto_follow_threads"}}

func channelNotifyFields(n *bulk.ChannelNotifyProps) []*string {
	return []*string{n.Desktop, n.Mobile, n.MarkUnread, n.Email, n.IgnoreChannelMentions, n.ChannelAutoFollowThreads}
}

func (im *importer) saveChannelMember(ctx context.Context, tx *app.Batch, bl *bulkLine, field string, ch *model.Channel, u *model.User,
	roles *string, notify *bulk.ChannelNotifyProps) *bulk.Error {
	m, isNew, err := tx.AddChannelMember(ctx, ch, u)
	if err != nil {
		return opErr(bl, field, err)
	}
	changed := false
	if roles != nil {
		g, u, a, ex := parseRoles(*roles, "channel")
		changed = g != m.SchemeGuest || u != m.SchemeUser || a != m.SchemeAdmin || ex != m.ExplicitRoles
		m.SchemeGuest, m.SchemeUser, m.SchemeAdmin, m.ExplicitRoles = g, u, a, ex
	}
	if notify != nil {
		np := maps.Clone(m.NotifyProps)
		if np == nil {
			np = model.StringMap{}
		}
		for i, v := range channelNotifyFields(notify) {
			if v != nil {
				np[channelNotifyKeys[i][1]] = *v
			}
		}
		changed = changed || !maps.Equal(np, m.NotifyProps)
		m.NotifyProps = np
	}
	if changed {
		if err := tx.SaveChannelMember(ctx, m); err != nil {
			return opErr(bl, field, err)
		}
	}
	if isNew || changed {
		im.count("channel_memberships", 1)
	}
	return nil
}

// importBot stores a bot as a bot account owned by a user.
func (im *importer) importBot(ctx context.Context, tx *app.Batch, bl *bulkLine) *bulk.Error {
	d := bl.l.Bot
	ownerID, err := im.userID(ctx, tx, *d.Owner)
	if err != nil {
		return notFound(bl, "bot.owner", "app.import.import_bot.owner_could_not_found.error", "owner "+*d.Owner)
	}
	now := model.Now()
	u, err := tx.GetUserByUsername(ctx, *d.Username)
	isNew := errors.Is(err, store.ErrNotFound)
	if err != nil && !isNew {
		return internalErr(bl, "bot.username", err)
	}
	if isNew {
		u = &model.User{ID: model.NewID(), CreateAt: now, Username: *d.Username, Email: *d.Username + "@localhost",
			Roles: model.RoleSystemUser, IsBot: true, Props: model.StringMap{}}
	}
	if !u.IsBot {
		return &bulk.Error{Line: bl.n, Field: "bot.username", ID: "app.import.import_bot.username_taken.error",
			Message: fmt.Sprintf("%q is a user, not a bot", u.Username)}
	}
	before := *u
	set(&u.FirstName, d.DisplayName)
	set(&u.BotDescription, d.Description)
	set(&u.DeleteAt, d.DeleteAt)
	u.PreSave()
	if u.Props[BotOwnerProp] != ownerID {
		u.Props = maps.Clone(u.Props)
		u.Props[BotOwnerProp] = ownerID
	}
	if ae := u.IsValid(); ae != nil {
		return modelErr(bl, "bot", ae)
	}
	switch {
	case isNew:
		u.UpdateAt = now
		if err := tx.CreateUser(ctx, u); err != nil {
			return opErr(bl, "bot.username", err)
		}
		im.count("bots", 1)
	case before.FirstName != u.FirstName || before.BotDescription != u.BotDescription || before.DeleteAt != u.DeleteAt ||
		before.Props[BotOwnerProp] != ownerID:
		u.UpdateAt = now
		if err := tx.UpdateUser(ctx, &before, u); err != nil {
			return opErr(bl, "bot", err)
		}
		im.count("bots", 1)
	}
	im.mu.Lock()
	im.users[u.Username] = u.ID
	im.mu.Unlock()
	return nil
}

// BotOwnerProp is the user prop that records who owns a bot account.
const BotOwnerProp = "bot_owner_id"

// directChannel finds or creates the DM or group channel of the given
// usernames, with its members.
func (im *importer) directChannel(ctx context.Context, tx *app.Batch, bl *bulkLine, field string, members []string) (*model.Channel, *bulk.Error) {
	ids := make([]string, 0, len(members))
	for i, name := range members {
		id, err := im.userID(ctx, tx, name)
		if err != nil {
			return nil, notFound(bl, fmt.Sprintf("%s[%d]", field, i), "app.import.import_direct_channel.member_not_found.error", "user "+name)
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	name := model.GroupChannelName(ids)
	if len(members) == 2 {
		name = model.DirectChannelName(ids[0], ids[len(ids)-1])
	}
	key := "/" + name
	im.mu.Lock()
	ch, ok := im.chans[key]
	im.mu.Unlock()
	if ok {
		return ch, nil
	}
	users, err := tx.GetUsersByIDs(ctx, ids, 0)
	if err != nil {
		return nil, internalErr(bl, field, err)
	}
	if len(members) == 2 && len(users) == 1 {
		users = append(users, users[0]) // one's own DM
	}
	ch, created, err := tx.OpenConversation(ctx, users)
	if err != nil {
		return nil, opErr(bl, field, err)
	}
	if created {
		im.count("direct_channels", 1)
	}
	im.mu.Lock()
	im.chans[key] = ch
	im.mu.Unlock()
	return ch, nil
}

func (im *importer) importDirectChannel(ctx context.Context, tx *app.Batch, bl *bulkLine) *bulk.Error {
	d := bl.l.DirectChannel
	if n := len(*d.Members); n != 2 && (n < bulk.MinGroupMembers || n > bulk.MaxGroupMembers) {
		im.skip(skipDirect, 1)
		return nil
	}
	ch, e := im.directChannel(ctx, tx, bl, "direct_channel.members", *d.Members)
	if e != nil {
		return e
	}
	if d.Header != nil && *d.Header != ch.Header {
		ch.Header = *d.Header
		if err := tx.UpdateChannel(ctx, ch); err != nil {
			return opErr(bl, "direct_channel.header", err)
		}
	}
	if d.FavoritedBy != nil {
		for i, name := range *d.FavoritedBy {
			id, err := im.userID(ctx, tx, name)
			if err != nil {
				return notFound(bl, fmt.Sprintf("direct_channel.favorited_by[%d]", i), "app.import.import_direct_channel.member_not_found.error", "user "+name)
			}
			if e := im.savePrefs(ctx, tx, bl, "direct_channel.favorited_by",
				[]model.Preference{{UserID: id, Category: "favorite_channel", Name: ch.ID, Value: "true"}}); e != nil {
				return e
			}
		}
	}
	return nil
}
