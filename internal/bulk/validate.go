package bulk

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/parley-chat/parley/internal/model"
)

// Limits of the format, as Mattermost's validators apply them.
const (
	MaxMessageRunes    = model.MaxPostRunes
	MaxPropsRunes      = 8000
	MaxChannelHeader   = 1024
	MaxChannelPurpose  = 250
	MaxDisplayName     = 64
	MaxTeamDescription = 255
	MinGroupMembers    = 3
	MaxGroupMembers    = 8
)

var (
	schemeNameRE  = regexp.MustCompile(`^[a-z0-9_]{2,64}$`)
	authServices  = map[string]bool{"": true, "email": true, "gitlab": true, "ldap": true, "saml": true, "google": true, "office365": true}
	emailInterval = map[string]bool{"immediately": true, "fifteen": true, "hour": true, "30": true, "900": true, "3600": true}
)

// problems collects the errors of one line.
type problems struct {
	line int
	errs []*Error
}

func (p *problems) add(field, id, format string, a ...any) {
	p.errs = append(p.errs, lineErr(p.line, field, id, fmt.Sprintf(format, a...)))
}

// CheckLine applies the per-line rules of the format (§4–§10 of the
// reference): required fields, lengths, allowed values. It needs nothing but
// the line, and returns every problem found.
func CheckLine(l *Line, line int) []*Error {
	p := &problems{line: line}
	switch l.Type {
	case TypeVersion:
		if *l.Version != 1 {
			p.add("version", "app.import.bulk_import.unsupported_version.error", "unsupported version %d (want 1)", *l.Version)
		}
	case TypeScheme:
		checkScheme(p, l.Scheme)
	case TypeRole:
		checkRole(p, "role", l.Role)
	case TypeEmoji:
		checkEmoji(p, l.Emoji)
	case TypeTeam:
		checkTeam(p, l.Team)
	case TypeChannel:
		checkChannel(p, l.Channel)
	case TypeUser:
		checkUser(p, l.User)
	case TypeBot:
		checkBot(p, l.Bot)
	case TypePost:
		checkPost(p, "post", l.Post)
	case TypeDirectChannel:
		checkDirectChannel(p, l.DirectChannel)
	case TypeDirectPost:
		checkDirectPost(p, l.DirectPost)
	}
	return p.errs
}

func runes(s *string) int { return utf8.RuneCountInString(*s) }

func checkScheme(p *problems, s *Scheme) {
	const pre = "app.import.validate_scheme_import_data."
	if s.Name == nil || !schemeNameRE.MatchString(*s.Name) {
		p.add("scheme.name", pre+"name_invalid.error", "name must be 2–64 characters of a-z, 0-9 and _")
	}
	if s.DisplayName == nil || runes(s.DisplayName) == 0 || runes(s.DisplayName) > 128 {
		p.add("scheme.display_name", pre+"display_name_invalid.error", "display_name must be 1–128 characters")
	}
	if s.Description != nil && runes(s.Description) > 1024 {
		p.add("scheme.description", pre+"description_invalid.error", "description longer than 1024 characters")
	}
	if s.Scope == nil {
		p.add("scheme.scope", pre+"null_scope.error", "scope is required")
		return
	}
	switch *s.Scope {
	case "team":
		if s.DefaultTeamAdminRole == nil || s.DefaultTeamUserRole == nil {
			p.add("scheme.default_team_admin_role", pre+"wrong_roles_for_scope.error", "a team scheme needs default_team_admin_role and default_team_user_role")
		}
	case "channel":
		if s.DefaultTeamAdminRole != nil || s.DefaultTeamUserRole != nil || s.DefaultTeamGuestRole != nil {
			p.add("scheme.default_team_admin_role", pre+"wrong_roles_for_scope.error", "a channel scheme must not have team roles")
		}
	default:
		p.add("scheme.scope", pre+"unknown_scheme.error", "scope must be team or channel")
	}
	if s.DefaultChannelAdminRole == nil || s.DefaultChannelUserRole == nil {
		p.add("scheme.default_channel_admin_role", pre+"wrong_roles_for_scope.error", "default_channel_admin_role and default_channel_user_role are required")
	}
	for field, r := range map[string]*Role{"default_team_admin_role": s.DefaultTeamAdminRole, "default_team_user_role": s.DefaultTeamUserRole,
		"default_team_guest_role": s.DefaultTeamGuestRole, "default_channel_admin_role": s.DefaultChannelAdminRole,
		"default_channel_user_role": s.DefaultChannelUserRole, "default_channel_guest_role": s.DefaultChannelGuestRole} {
		if r != nil {
			checkRole(p, "scheme."+field, r)
		}
	}
}

// checkRole checks a role's shape; permission ids are checked for their form
// only, because schemes are validated, not applied (see package app).
func checkRole(p *problems, field string, r *Role) {
	const pre = "app.import.validate_role_import_data."
	if r.Name == nil || !schemeNameRE.MatchString(*r.Name) {
		p.add(field+".name", pre+"name_invalid.error", "role name must be 2–64 characters of a-z, 0-9 and _")
	}
	if r.DisplayName == nil || runes(r.DisplayName) == 0 || runes(r.DisplayName) > 128 {
		p.add(field+".display_name", pre+"display_name_invalid.error", "display_name must be 1–128 characters")
	}
	if r.Description != nil && runes(r.Description) > 1024 {
		p.add(field+".description", pre+"description_invalid.error", "description longer than 1024 characters")
	}
	if r.Permissions != nil {
		for i, perm := range *r.Permissions {
			if !schemeNameRE.MatchString(perm) {
				p.add(fmt.Sprintf("%s.permissions[%d]", field, i), pre+"invalid_permission.error", "invalid permission %q", perm)
			}
		}
	}
}

func checkEmoji(p *problems, e *Emoji) {
	const pre = "app.import.validate_emoji_import_data."
	if e.Name == nil || *e.Name == "" {
		p.add("emoji.name", pre+"empty.error", "name is required")
	} else if ae := model.ValidateEmojiName(*e.Name); ae != nil {
		p.add("emoji.name", pre+"name_invalid.error", "%s", ae.Message)
	}
	if e.Image == nil || *e.Image == "" {
		p.add("emoji.image", pre+"image_missing.error", "image is required")
	} else if strings.Contains(*e.Image, "..") {
		p.add("emoji.image", pre+"image_invalid.error", "image path must not contain ..")
	}
}

func checkTeam(p *problems, t *Team) {
	const pre = "app.import.validate_team_import_data."
	if t.Name == nil {
		p.add("team.name", pre+"name_missing.error", "name is required")
	} else if !model.IsValidTeamName(*t.Name) {
		p.add("team.name", pre+"name_invalid.error", "name %q must be 2–64 lowercase letters, digits and dashes, start and end alphanumeric, not start with a reserved word", *t.Name)
	}
	if t.DisplayName == nil {
		p.add("team.display_name", pre+"display_name_missing.error", "display_name is required")
	} else if n := runes(t.DisplayName); n == 0 || n > MaxDisplayName {
		p.add("team.display_name", pre+"display_name_length.error", "display_name must be 1–64 characters")
	}
	if t.Type == nil {
		p.add("team.type", pre+"type_missing.error", "type is required")
	} else if *t.Type != "O" && *t.Type != "I" {
		p.add("team.type", pre+"type_invalid.error", "type must be O or I")
	}
	if t.Description != nil && runes(t.Description) > MaxTeamDescription {
		p.add("team.description", pre+"description_length.error", "description longer than 255 characters")
	}
	if t.Scheme != nil && !schemeNameRE.MatchString(*t.Scheme) {
		p.add("team.scheme", pre+"scheme_invalid.error", "invalid scheme name")
	}
}

func checkChannel(p *problems, c *Channel) {
	const pre = "app.import.validate_channel_import_data."
	if c.Team == nil {
		p.add("channel.team", pre+"team_missing.error", "team is required")
	}
	if c.Name == nil {
		p.add("channel.name", pre+"name_missing.error", "name is required")
	} else if !model.IsValidOpenOrPrivateChannelName(*c.Name) {
		p.add("channel.name", pre+"name_invalid.error", "name %q must be 1–64 lowercase letters, digits, - and _, starting with a letter or digit", *c.Name)
	}
	if c.DisplayName == nil {
		p.add("channel.display_name", pre+"display_name_missing.error", "display_name is required")
	} else if n := runes(c.DisplayName); n == 0 || n > MaxDisplayName {
		p.add("channel.display_name", pre+"display_name_length.error", "display_name must be 1–64 characters")
	}
	if c.Type == nil {
		p.add("channel.type", pre+"type_missing.error", "type is required")
	} else if *c.Type != "O" && *c.Type != "P" {
		p.add("channel.type", pre+"type_invalid.error", "type must be O or P")
	}
	if c.Header != nil && runes(c.Header) > MaxChannelHeader {
		p.add("channel.header", pre+"header_length.error", "header longer than 1024 characters")
	}
	if c.Purpose != nil && runes(c.Purpose) > MaxChannelPurpose {
		p.add("channel.purpose", pre+"purpose_length.error", "purpose longer than 250 characters")
	}
	if c.Scheme != nil && !schemeNameRE.MatchString(*c.Scheme) {
		p.add("channel.scheme", pre+"scheme_invalid.error", "invalid scheme name")
	}
}

func isBool(s *string) bool { return s == nil || *s == "true" || *s == "false" }
func oneOf(s *string, v ...string) bool {
	if s == nil {
		return true
	}
	for _, x := range v {
		if *s == x {
			return true
		}
	}
	return false
}

// ValidRoles checks a space-separated role list: known shapes, and system_admin
// only together with system_user.
func ValidRoles(roles string) bool {
	f := strings.Fields(roles)
	for _, r := range f {
		if !schemeNameRE.MatchString(r) {
			return false
		}
	}
	return !(len(f) == 1 && f[0] == "system_admin")
}

// guestRole returns the first guest role in roles, or "": Parley has no guest
// accounts yet, and a guest role would restrict nothing, so none is imported.
func guestRole(roles *string) string {
	if roles == nil {
		return ""
	}
	for _, r := range strings.Fields(*roles) {
		if r == "system_guest" || r == "team_guest" || r == "channel_guest" {
			return r
		}
	}
	return ""
}

const guestUnsupported = "guest accounts are not supported yet: the %s role cannot be given"

func checkUser(p *problems, u *User) {
	const pre = "app.import.validate_user_import_data."
	if u.Username == nil {
		p.add("user.username", pre+"username_missing.error", "username is required")
	} else if !model.IsValidUsername(*u.Username) {
		p.add("user.username", pre+"username_invalid.error", "username %q must be 1–64 characters of a-z, 0-9, ., - and _, start with a letter and not be a reserved word", *u.Username)
	}
	if u.Email == nil {
		p.add("user.email", pre+"email_missing.error", "email is required")
	} else if len(*u.Email) == 0 || len(*u.Email) > model.MaxEmailBytes {
		p.add("user.email", pre+"email_length.error", "email must be an address of 1–128 characters")
	} else if !model.IsValidEmail(strings.ToLower(*u.Email)) {
		p.add("user.email", pre+"email_invalid.error", "email %q is not a valid address", *u.Email)
	}
	if u.AuthData != nil && u.Password != nil {
		p.add("user.password", pre+"auth_data_and_password.error", "password and auth_data are mutually exclusive")
	}
	if u.AuthData != nil && len(*u.AuthData) > 128 {
		p.add("user.auth_data", pre+"auth_data_length.error", "auth_data longer than 128 characters")
	}
	if u.ProfileImage != nil && strings.Contains(*u.ProfileImage, "..") {
		// The same rule as attachment paths: nothing outside the import.
		p.add("user.profile_image", pre+"profile_image.error", "profile_image must not contain ..")
	}
	blank := func(s *string) bool { return s == nil || *s == "" }
	if blank(u.AuthService) != blank(u.AuthData) {
		p.add("user.auth_service", pre+"auth_data_and_service_dependency.error", "auth_service and auth_data go together")
	}
	if u.AuthService != nil && !authServices[*u.AuthService] {
		p.add("user.auth_service", "app.import.validate_user_teams_import_data.invalid_auth_service.error", "unknown auth_service %q", *u.AuthService)
	}
	if u.Password != nil && (*u.Password == "" || len(*u.Password) > 72) {
		p.add("user.password", pre+"password_length.error", "password must be 1–72 characters")
	}
	for _, f := range []struct {
		name string
		v    *string
		max  int
	}{{"nickname", u.Nickname, 64}, {"first_name", u.FirstName, 64}, {"last_name", u.LastName, 64}, {"position", u.Position, 128}} {
		if f.v != nil && runes(f.v) > f.max {
			p.add("user."+f.name, pre+f.name+"_length.error", "%s longer than %d characters", f.name, f.max)
		}
	}
	if u.Roles != nil && !ValidRoles(*u.Roles) {
		p.add("user.roles", pre+"roles_invalid.error", "invalid roles %q", *u.Roles)
	} else if g := guestRole(u.Roles); g != "" {
		p.add("user.roles", pre+"roles_invalid.error", guestUnsupported, g)
	}
	if n := u.NotifyProps; n != nil {
		level := []string{"all", "mention", "none"}
		checks := []struct {
			field string
			ok    bool
		}{
			{"desktop", oneOf(n.Desktop, level...)}, {"desktop_sound", isBool(n.DesktopSound)}, {"email", isBool(n.Email)},
			{"mobile", oneOf(n.Mobile, level...)}, {"mobile_push_status", oneOf(n.MobilePushStatus, "online", "away", "offline")},
			{"channel", isBool(n.ChannelTrigger)}, {"comments", oneOf(n.CommentsTrigger, "any", "root", "never")},
		}
		for _, c := range checks {
			if !c.ok {
				p.add("user.notify_props."+c.field, pre+"notify_props_"+c.field+"_invalid.error", "invalid value")
			}
		}
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"feature_enabled_markdown_preview", u.UseMarkdownPreview}, {"formatting", u.UseFormatting}, {"show_unread_section", u.ShowUnreadSection},
		{"military_time", u.UseMilitaryTime}, {"link_previews", u.CollapsePreviews}} {
		if !isBool(f.v) {
			p.add("user."+f.name, pre+"advanced_props_"+f.name+".error", "must be \"true\" or \"false\"")
		}
	}
	if u.EmailInterval != nil && !emailInterval[*u.EmailInterval] {
		p.add("user.email_interval", pre+"advanced_props_email_interval.error", "must be immediately, fifteen or hour")
	}
	if u.Theme != nil && !validTheme(*u.Theme) {
		p.add("user.theme", pre+"theme_invalid.error", "theme must be a JSON object")
	}
	if u.Teams == nil {
		return
	}
	for i, t := range *u.Teams {
		field := fmt.Sprintf("user.teams[%d]", i)
		if t.Name == nil {
			p.add(field+".name", "app.import.validate_user_teams_import_data.team_name_missing.error", "team name is required")
		}
		if t.Roles != nil && !ValidRoles(*t.Roles) {
			p.add(field+".roles", "app.import.validate_user_teams_import_data.invalid_roles.error", "invalid roles %q", *t.Roles)
		} else if g := guestRole(t.Roles); g != "" {
			p.add(field+".roles", "app.import.validate_user_teams_import_data.invalid_roles.error", guestUnsupported, g)
		}
		if t.Theme != nil && !validTheme(*t.Theme) {
			p.add(field+".theme", "app.import.validate_user_teams_import_data.invalid_team_theme.error", "theme must be a JSON object")
		}
		if t.Channels == nil {
			continue
		}
		for j, c := range *t.Channels {
			cf := fmt.Sprintf("%s.channels[%d]", field, j)
			const cpre = "app.import.validate_user_channels_import_data."
			if c.Name == nil {
				p.add(cf+".name", cpre+"channel_name_missing.error", "channel name is required")
			}
			if c.Roles != nil && !ValidRoles(*c.Roles) {
				p.add(cf+".roles", cpre+"invalid_roles.error", "invalid roles %q", *c.Roles)
			} else if g := guestRole(c.Roles); g != "" {
				p.add(cf+".roles", cpre+"invalid_roles.error", guestUnsupported, g)
			}
			if n := c.NotifyProps; n != nil {
				level := []string{"default", "all", "mention", "none"}
				if !oneOf(n.Desktop, level...) {
					p.add(cf+".notify_props.desktop", cpre+"invalid_notify_props_desktop.error", "invalid value")
				}
				if !oneOf(n.Mobile, level...) {
					p.add(cf+".notify_props.mobile", cpre+"invalid_notify_props_mobile.error", "invalid value")
				}
				if !oneOf(n.MarkUnread, "all", "mention") {
					p.add(cf+".notify_props.mark_unread", cpre+"invalid_notify_props_mark_unread.error", "invalid value")
				}
			}
		}
	}
}

func validTheme(s string) bool {
	if strings.TrimSpace(s) == "" {
		return true
	}
	var m map[string]any
	return json.Unmarshal([]byte(s), &m) == nil
}

func checkBot(p *problems, b *Bot) {
	const pre = "app.import.validate_bot_import_data."
	if b.Username == nil || !model.IsValidUsername(*b.Username) {
		p.add("bot.username", pre+"username_invalid.error", "username is required and must be valid")
	}
	if b.Owner == nil || *b.Owner == "" {
		p.add("bot.owner", pre+"owner_missing.error", "owner is required")
	}
	if b.DisplayName == nil || runes(b.DisplayName) > 64 {
		p.add("bot.display_name", pre+"display_name_invalid.error", "display_name is required, up to 64 characters")
	}
	if b.Description != nil && runes(b.Description) > 1024 {
		p.add("bot.description", pre+"description_invalid.error", "description longer than 1024 characters")
	}
}

// checkBody applies the rules shared by posts, direct posts and replies.
func checkBody(p *problems, field, pre string, b *PostBody, parentCreateAt int64) {
	if b.User == nil || *b.User == "" {
		p.add(field+".user", pre+"user_missing.error", "user is required")
	}
	if b.Message == nil {
		p.add(field+".message", pre+"message_missing.error", "message is required")
	} else if n := runes(b.Message); n > MaxMessageRunes {
		p.add(field+".message", pre+"message_length.error", "message is %d characters, over the limit of %d", n, MaxMessageRunes)
	}
	if b.CreateAt == nil {
		p.add(field+".create_at", pre+"create_at_missing.error", "create_at is required")
	} else if *b.CreateAt == 0 {
		p.add(field+".create_at", pre+"create_at_zero.error", "create_at must not be zero")
	}
	if b.Props != nil {
		raw, _ := json.Marshal(*b.Props)
		if utf8.RuneCount(raw) > MaxPropsRunes {
			p.add(field+".props", pre+"props_too_large.error", "props are %d characters, over the limit of %d", utf8.RuneCount(raw), MaxPropsRunes)
		}
	}
	if b.Type != nil && len(*b.Type) > 50 {
		p.add(field+".type", pre+"type_invalid.error", "type longer than 50 characters")
	}
	createAt := parentCreateAt
	if b.CreateAt != nil {
		createAt = *b.CreateAt
	}
	if b.Reactions != nil {
		seen := map[string]bool{}
		for i, r := range *b.Reactions {
			rf := fmt.Sprintf("%s.reactions[%d]", field, i)
			const rpre = "app.import.validate_reaction_import_data."
			if r.User == nil {
				p.add(rf+".user", rpre+"user_missing.error", "user is required")
			}
			if r.EmojiName == nil {
				p.add(rf+".emoji_name", rpre+"emoji_name_missing.error", "emoji_name is required")
			} else if !model.IsValidEmojiName(*r.EmojiName) {
				p.add(rf+".emoji_name", rpre+"emoji_name_length.error", "emoji_name must be 1–64 characters of a-z, A-Z, 0-9, _, + and -")
			}
			if r.CreateAt == nil {
				p.add(rf+".create_at", rpre+"create_at_missing.error", "create_at is required")
			} else if *r.CreateAt == 0 {
				p.add(rf+".create_at", rpre+"create_at_zero.error", "create_at must not be zero")
			} else if *r.CreateAt < createAt {
				p.add(rf+".create_at", rpre+"create_at_before_parent.error", "reaction is older than its post")
			}
			if r.User != nil && r.EmojiName != nil {
				k := *r.User + "\x00" + *r.EmojiName
				if seen[k] {
					p.add(rf, rpre+"duplicate.error", "duplicate reaction %q by %q", *r.EmojiName, *r.User)
				}
				seen[k] = true
			}
		}
	}
	if b.ThreadFollowers != nil {
		for i, f := range *b.ThreadFollowers {
			ff := fmt.Sprintf("%s.thread_followers[%d]", field, i)
			const fpre = "app.import.validate_thread_follower_data."
			if f.User == nil || *f.User == "" {
				p.add(ff+".user", fpre+"user_missing.error", "user is required")
			}
			if (f.LastViewed != nil && *f.LastViewed < 0) || (f.UnreadMentions != nil && *f.UnreadMentions < 0) {
				p.add(ff, fpre+"negative.error", "last_viewed and unread_mentions must not be negative")
			}
		}
	}
	if b.Attachments != nil {
		for i, a := range *b.Attachments {
			if a.Path == nil || *a.Path == "" || strings.Contains(*a.Path, "..") {
				p.add(fmt.Sprintf("%s.attachments[%d].path", field, i), "app.import.validate_attachment_import_data.path_invalid.error",
					"path is required and must not contain ..")
			}
		}
	}
}

func checkReplies(p *problems, field string, replies *[]PostBody, parent *PostBody) {
	if replies == nil {
		return
	}
	var parentAt int64
	if parent.CreateAt != nil {
		parentAt = *parent.CreateAt
	}
	seen := map[string]bool{}
	for i := range *replies {
		r := &(*replies)[i]
		rf := fmt.Sprintf("%s.replies[%d]", field, i)
		checkBody(p, rf, "app.import.validate_reply_import_data.", r, parentAt)
		if r.User != nil && r.Message != nil && r.CreateAt != nil {
			k := *r.User + "\x00" + strconv.FormatInt(*r.CreateAt, 10) + "\x00" + *r.Message
			if seen[k] {
				p.add(rf, "app.import.validate_reply_import_data.duplicate.error", "duplicate reply (same user, create_at and message)")
			}
			seen[k] = true
		}
	}
}

func checkPost(p *problems, field string, post *Post) {
	const pre = "app.import.validate_post_import_data."
	if post.Team == nil || *post.Team == "" {
		p.add(field+".team", pre+"team_missing.error", "team is required")
	}
	if post.Channel == nil || *post.Channel == "" {
		p.add(field+".channel", pre+"channel_missing.error", "channel is required")
	}
	checkBody(p, field, pre, &post.PostBody, 0)
	checkReplies(p, field, post.Replies, &post.PostBody)
}

func checkMembers(p *problems, field, pre string, members *[]string) {
	if members == nil {
		p.add(field, pre+"members_required.error", "members are required")
		return
	}
	if n := len(*members); n != 2 && n < MinGroupMembers {
		p.add(field, pre+"members_too_few.error", "%d members: a direct channel has 2, a group 3–8", n)
	} else if n > MaxGroupMembers {
		p.add(field, pre+"members_too_many.error", "%d members: a group channel has at most 8", n)
	}
}

func contains(list *[]string, s string) bool {
	for _, x := range *list {
		if x == s {
			return true
		}
	}
	return false
}

func checkDirectChannel(p *problems, d *DirectChannel) {
	const pre = "app.import.validate_direct_channel_import_data."
	checkMembers(p, "direct_channel.members", pre, d.Members)
	if d.Header != nil && runes(d.Header) > MaxChannelHeader {
		p.add("direct_channel.header", pre+"header_length.error", "header longer than 1024 characters")
	}
	if d.FavoritedBy != nil && d.Members != nil {
		for i, f := range *d.FavoritedBy {
			if !contains(d.Members, f) {
				p.add(fmt.Sprintf("direct_channel.favorited_by[%d]", i), pre+"unknown_favoriter.error", "%q is not a member", f)
			}
		}
	}
}

func checkDirectPost(p *problems, d *DirectPost) {
	const pre = "app.import.validate_direct_post_import_data."
	checkMembers(p, "direct_post.channel_members", pre, d.ChannelMembers)
	checkBody(p, "direct_post", pre, &d.PostBody, 0)
	if d.FlaggedBy != nil && d.ChannelMembers != nil {
		for i, f := range *d.FlaggedBy {
			if !contains(d.ChannelMembers, f) {
				p.add(fmt.Sprintf("direct_post.flagged_by[%d]", i), pre+"unknown_flagger.error", "%q is not a member", f)
			}
		}
	}
	checkReplies(p, "direct_post", d.Replies, &d.PostBody)
}
