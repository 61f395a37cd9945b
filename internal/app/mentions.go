package app

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/parley-chat/parley/internal/model"
)

var (
	codeBlockRE  = regexp.MustCompile("(?s)```.*?(```|$)|~~~.*?(~~~|$)")
	inlineCodeRE = regexp.MustCompile("`[^`\n]*`")
)

// mentionWords returns the words of a message outside code, lower-cased, with
// their leading @ kept so "@alice" and "alice" can be told apart. A plain word
// joined by "-" or "." also yields its parts, so "rocket-ish" names "rocket";
// an @word stays whole because usernames contain those characters.
func mentionWords(msg string) []string {
	msg = codeBlockRE.ReplaceAllString(msg, " ")
	msg = inlineCodeRE.ReplaceAllString(msg, " ")
	fields := strings.FieldsFunc(strings.ToLower(msg), func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '@' || r == '.' || r == '_' || r == '-')
	})
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		if f = strings.TrimRight(f, ".-_"); f == "" {
			continue
		}
		out = append(out, f)
		if !strings.HasPrefix(f, "@") && strings.ContainsAny(f, "-.") {
			for _, p := range strings.FieldsFunc(f, func(r rune) bool { return r == '-' || r == '.' }) {
				if p = strings.TrimRight(p, "_"); p != "" {
					out = append(out, p)
				}
			}
		}
	}
	return out
}

// mentionTarget is what one channel member answers to.
type mentionTarget struct {
	user   *model.User
	member *model.ChannelMember
	online bool // @here reaches only members who are online
	// groups names the referenceable groups the member belongs to (of those
	// the message may name): an @name of one mentions them.
	groups []string
}

// mentionedUsers returns the ids of members the message mentions: by @username,
// by the @name of a group they are in, by their mention keys or first name
// (when enabled), everyone for @channel and
// @all and those online for @here, unless they ignore channel mentions (a muted
// channel ignores them unless the member turned that off). DMs always mention
// the other member.
func mentionedUsers(post *model.Post, ch *model.Channel, targets []mentionTarget) []string {
	words := mentionWords(post.Message)
	has := make(map[string]bool, len(words))
	for _, w := range words {
		has[w] = true
	}
	channelWide, here := has["@channel"] || has["@all"], has["@here"]
	if v, ok := post.Props["disable_group_highlight"].(bool); ok && v {
		channelWide, here = false, false
	}
	var out []string
	for _, t := range targets {
		u := t.user
		if u.ID == post.UserID {
			continue
		}
		mentioned := ch.Type == model.ChannelDirect || has["@"+u.Username]
		for _, g := range t.groups {
			mentioned = mentioned || has["@"+g]
		}
		if !mentioned && (channelWide || here && t.online) && u.NotifyProps["channel"] != "false" &&
			!ignoresChannelMentions(t.member) {
			mentioned = true
		}
		if !mentioned && u.NotifyProps["first_name"] == "true" && u.FirstName != "" {
			mentioned = has[strings.ToLower(u.FirstName)]
		}
		if !mentioned {
			for _, k := range strings.Split(u.NotifyProps["mention_keys"], ",") {
				k = strings.ToLower(strings.TrimSpace(k))
				if k != "" && (has[k] || has["@"+strings.TrimPrefix(k, "@")]) {
					mentioned = true
					break
				}
			}
		}
		if mentioned {
			out = append(out, u.ID)
		}
	}
	return out
}

// ignoresChannelMentions: set by hand, or by default in a muted channel, as the
// Mattermost clients present the setting.
func ignoresChannelMentions(m *model.ChannelMember) bool {
	switch m.NotifyProps["ignore_channel_mentions"] {
	case "on":
		return true
	case "off":
		return false
	}
	return m.NotifyProps["mark_unread"] == "mention"
}
