package bulk

import (
	"fmt"
	"slices"
	"strings"
)

// Kinds of named objects a line may refer to.
const (
	KindTeam    = "team"
	KindChannel = "channel" // key: team + "/" + channel
	KindUser    = "user"
)

// Lookup says whether an object not defined in the file already exists in
// the database. Nil means an empty database.
type Lookup func(kind, key string) bool

// Checker applies the rules that span lines: the version line comes first and
// once, names are defined once, and every name a line uses is defined on an
// earlier line or already stored. It keeps the names of teams, channels and
// users (not posts), so its memory grows with those, not with the file.
type Checker struct {
	lookup  Lookup
	version bool
	defined map[string]map[string]bool // kind → key → defined in the file
	known   map[string]map[string]bool // kind → key → found through lookup
	directs map[string]bool
	emoji   map[string]bool
	schemes map[string]bool
}

// NewChecker starts checking a file.
func NewChecker(lookup Lookup) *Checker {
	c := &Checker{lookup: lookup, defined: map[string]map[string]bool{}, known: map[string]map[string]bool{},
		directs: map[string]bool{}, emoji: map[string]bool{}, schemes: map[string]bool{}}
	for _, k := range []string{KindTeam, KindChannel, KindUser} {
		c.defined[k], c.known[k] = map[string]bool{}, map[string]bool{}
	}
	return c
}

func (c *Checker) exists(kind, key string) bool {
	if c.defined[kind][key] || c.known[kind][key] {
		return true
	}
	if c.lookup != nil && c.lookup(kind, key) {
		c.known[kind][key] = true
		return true
	}
	return false
}

// Check applies CheckLine and the cross-line rules to one decoded line.
func (c *Checker) Check(l *Line, line int) []*Error {
	p := &problems{line: line}
	if line == 1 && l.Type != TypeVersion {
		p.add("type", "app.import.process_import_data_file_version_line.invalid_version.error", "the first line must be the version line")
	}
	if l.Type == TypeVersion {
		if line != 1 || c.version {
			p.add("type", "app.import.process_import_data_file_version_line.invalid_version.error", "the version line must be line 1 and appear once")
		}
		c.version = true
	}
	p.errs = append(p.errs, CheckLine(l, line)...)
	c.refs(p, l)
	return p.errs
}

func (c *Checker) need(p *problems, field, kind, key, id string) {
	if key != "" && !c.exists(kind, key) {
		p.add(field, id, "%s %q is not defined on an earlier line nor in the database", kind, key)
	}
}

func (c *Checker) define(p *problems, field, kind, key string) {
	if key == "" {
		return
	}
	if c.defined[kind][key] {
		p.add(field, "app.import.validate_"+kind+"_import_data.duplicate.error", "duplicate %s %q: already defined on an earlier line", kind, key)
	}
	c.defined[kind][key] = true
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (c *Checker) refs(p *problems, l *Line) {
	switch l.Type {
	case TypeScheme:
		if n := str(l.Scheme.Name); n != "" {
			if c.schemes[n] {
				p.add("scheme.name", "app.import.validate_scheme_import_data.duplicate.error", "duplicate scheme %q", n)
			}
			c.schemes[n] = true
		}
	case TypeEmoji:
		if n := str(l.Emoji.Name); n != "" {
			if c.emoji[n] {
				p.add("emoji.name", "app.import.validate_emoji_import_data.duplicate.error", "duplicate emoji %q", n)
			}
			c.emoji[n] = true
		}
	case TypeTeam:
		c.define(p, "team.name", KindTeam, str(l.Team.Name))
	case TypeChannel:
		team := str(l.Channel.Team)
		c.need(p, "channel.team", KindTeam, team, "app.import.import_channel.team_not_found.error")
		if team != "" && str(l.Channel.Name) != "" {
			c.define(p, "channel.name", KindChannel, team+"/"+str(l.Channel.Name))
		}
	case TypeUser:
		c.define(p, "user.username", KindUser, str(l.User.Username))
		if l.User.Teams == nil {
			return
		}
		for i, t := range *l.User.Teams {
			tf := fmt.Sprintf("user.teams[%d]", i)
			c.need(p, tf+".name", KindTeam, str(t.Name), "app.import.import_user_teams.team_not_found.error")
			if t.Channels == nil || t.Name == nil {
				continue
			}
			for j, ch := range *t.Channels {
				if ch.Name != nil {
					c.need(p, fmt.Sprintf("%s.channels[%d].name", tf, j), KindChannel, *t.Name+"/"+*ch.Name,
						"app.import.import_user_channels.channel_not_found.error")
				}
			}
		}
	case TypeBot:
		c.define(p, "bot.username", KindUser, str(l.Bot.Username))
		c.need(p, "bot.owner", KindUser, str(l.Bot.Owner), "app.import.import_bot.owner_could_not_found.error")
	case TypePost:
		team, ch := str(l.Post.Team), str(l.Post.Channel)
		c.need(p, "post.team", KindTeam, team, "app.import.import_post.team_not_found.error")
		if team != "" && ch != "" {
			c.need(p, "post.channel", KindChannel, team+"/"+ch, "app.import.import_post.channel_not_found.error")
		}
		c.bodyRefs(p, "post", &l.Post.PostBody, l.Post.Replies)
	case TypeDirectChannel:
		c.membersRefs(p, "direct_channel.members", l.DirectChannel.Members)
		if m := l.DirectChannel.Members; m != nil && len(*m) >= 2 && len(*m) <= MaxGroupMembers {
			k := membersKey(*m)
			if c.directs[k] {
				p.add("direct_channel.members", "app.import.validate_direct_channel_import_data.duplicate.error",
					"duplicate direct channel of %s", strings.Join(*m, ", "))
			}
			c.directs[k] = true
		}
	case TypeDirectPost:
		c.membersRefs(p, "direct_post.channel_members", l.DirectPost.ChannelMembers)
		c.bodyRefs(p, "direct_post", &l.DirectPost.PostBody, l.DirectPost.Replies)
	}
}

func membersKey(m []string) string {
	s := slices.Clone(m)
	slices.Sort(s)
	return strings.Join(slices.Compact(s), ",")
}

func (c *Checker) membersRefs(p *problems, field string, members *[]string) {
	if members == nil {
		return
	}
	for i, m := range *members {
		c.need(p, fmt.Sprintf("%s[%d]", field, i), KindUser, m, "app.import.import_direct_channel.member_not_found.error")
	}
}

func (c *Checker) bodyRefs(p *problems, field string, b *PostBody, replies *[]PostBody) {
	c.need(p, field+".user", KindUser, str(b.User), "app.import.import_post.user_not_found.error")
	if b.FlaggedBy != nil {
		for i, u := range *b.FlaggedBy {
			c.need(p, fmt.Sprintf("%s.flagged_by[%d]", field, i), KindUser, u, "app.import.import_post.flagged_by_not_found.error")
		}
	}
	if b.Reactions != nil {
		for i, r := range *b.Reactions {
			c.need(p, fmt.Sprintf("%s.reactions[%d].user", field, i), KindUser, str(r.User), "app.import.import_post.reaction_user_not_found.error")
		}
	}
	if replies == nil {
		return
	}
	for i := range *replies {
		c.bodyRefs(p, fmt.Sprintf("%s.replies[%d]", field, i), &(*replies)[i], nil)
	}
}
