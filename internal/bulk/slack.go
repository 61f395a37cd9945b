package bulk

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/parley-chat/parley/internal/model"
)

// SlackImportUser owns the Slack bots and authors bot messages whose bot is
// unknown, as in Mattermost's Slack importer.
const SlackImportUser = "slackimportuser"

// SlackNotes counts what a Slack conversion left out or changed.
type SlackNotes struct {
	Channels, Users, Messages int
	Deleted                   int // deleted messages left out
	System                    int // join/leave/topic messages left out
	Files                     int // files linked from their message
}

type slackUser struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Deleted bool   `json:"deleted"`
	IsBot   bool   `json:"is_bot"`
	Profile struct {
		Email       string `json:"email"`
		FirstName   string `json:"first_name"`
		LastName    string `json:"last_name"`
		RealName    string `json:"real_name"`
		DisplayName string `json:"display_name"`
		Title       string `json:"title"`
		BotID       string `json:"bot_id"`
	} `json:"profile"`
}

type slackChannel struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Created    int64    `json:"created"`
	IsArchived bool     `json:"is_archived"`
	Members    []string `json:"members"`
	Topic      struct {
		Value string `json:"value"`
	} `json:"topic"`
	Purpose struct {
		Value string `json:"value"`
	} `json:"purpose"`
	typ string // O, P, D or G
}

type slackMessage struct {
	Type     string `json:"type"`
	Subtype  string `json:"subtype"`
	User     string `json:"user"`
	BotID    string `json:"bot_id"`
	Username string `json:"username"`
	Text     string `json:"text"`
	TS       string `json:"ts"`
	ThreadTS string `json:"thread_ts"`
	Edited   *struct {
		TS string `json:"ts"`
	} `json:"edited"`
	Reactions []struct {
		Name  string   `json:"name"`
		Users []string `json:"users"`
	} `json:"reactions"`
	Files []struct {
		Name       string `json:"name"`
		Title      string `json:"title"`
		URLPrivate string `json:"url_private"`
	} `json:"files"`
}

// slackTS turns a Slack timestamp ("1700000000.000200") into milliseconds.
func slackTS(ts string) int64 {
	sec, frac, _ := strings.Cut(ts, ".")
	s, _ := strconv.ParseInt(sec, 10, 64)
	frac = (frac + "000")[:3]
	ms, _ := strconv.ParseInt(frac, 10, 64)
	return s*1000 + ms
}

var (
	slackMentionRE = regexp.MustCompile(`<([@#!])([^>|]+)(?:\|([^>]*))?>`)
	slackLinkRE    = regexp.MustCompile(`<((?:https?|mailto|ftp):[^>|]+)(?:\|([^>]*))?>`)
	nameCleanRE    = regexp.MustCompile(`[^a-z0-9._\-]+`)
	chanCleanRE    = regexp.MustCompile(`[^a-z0-9_\-]+`)
)

// SlackText converts Slack markup to Parley's: <@U1> and <@U1|ann> become
// @ann, <#C1|general> becomes ~general, <!here> @here, <http://x|label>
// [label](http://x), and the HTML entities Slack escapes are restored.
func SlackText(s string, users, channels map[string]string) string {
	s = slackLinkRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := slackLinkRE.FindStringSubmatch(m)
		if sub[2] == "" || sub[2] == sub[1] {
			return sub[1]
		}
		return "[" + sub[2] + "](" + sub[1] + ")"
	})
	s = slackMentionRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := slackMentionRE.FindStringSubmatch(m)
		switch sub[1] {
		case "@":
			if n, ok := users[sub[2]]; ok {
				return "@" + n
			}
			if sub[3] != "" {
				return "@" + sub[3]
			}
		case "#":
			if n, ok := channels[sub[2]]; ok {
				return "~" + n
			}
			if sub[3] != "" {
				return "~" + sub[3]
			}
		case "!":
			switch sub[2] {
			case "channel", "here":
				return "@" + sub[2]
			case "everyone":
				return "@all"
			}
			if sub[3] != "" {
				return sub[3]
			}
		}
		return m
	})
	return html.UnescapeString(s)
}

func slackUsername(name string) string {
	n := strings.Trim(nameCleanRE.ReplaceAllString(strings.ToLower(name), "-"), "-.")
	if !model.IsValidUsername(n[:min(len(n), 64)]) {
		// Empty, reserved, or not starting with a letter ("1password").
		n = "slack-" + n
	}
	return n[:min(len(n), 64)]
}

func slackChannelName(name string) string {
	n := strings.Trim(chanCleanRE.ReplaceAllString(strings.ToLower(name), "-"), "-_")
	for len(n) < 2 {
		n += "-x"
	}
	return n[:min(len(n), 64)]
}

func readZipJSON(files map[string]*zip.File, name string, v any) error {
	zf, ok := files[name]
	if !ok {
		return nil
	}
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := json.NewDecoder(rc).Decode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// ConvertSlack turns a Slack workspace export (channels.json, groups.json,
// dms.json, mpims.json, users.json and a folder of day files per
// conversation) into bulk lines for the given existing team, written to w.
func ConvertSlack(zipPath, team string, w io.Writer) (*SlackNotes, error) {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return nil, fmt.Errorf("cannot read the Slack export (truncated or not a zip?): %w", err)
	}
	defer zr.Close()
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	var users []slackUser
	if err := readZipJSON(files, "users.json", &users); err != nil {
		return nil, err
	}
	var chans []*slackChannel
	for _, kind := range []struct{ file, typ string }{{"channels.json", "O"}, {"groups.json", "P"}, {"dms.json", "D"}, {"mpims.json", "G"}} {
		var cs []*slackChannel
		if err := readZipJSON(files, kind.file, &cs); err != nil {
			return nil, err
		}
		for _, c := range cs {
			c.typ = kind.typ
		}
		chans = append(chans, cs...)
	}
	if len(users) == 0 || len(chans) == 0 {
		return nil, fmt.Errorf("%s holds no users.json or no channels: not a Slack export", zipPath)
	}

	notes := &SlackNotes{}
	usernames := map[string]string{} // Slack user id → username
	botUsers := map[string]string{}  // Slack bot id → username
	for _, u := range users {
		usernames[u.ID] = slackUsername(u.Name)
		if u.Profile.BotID != "" {
			botUsers[u.Profile.BotID] = usernames[u.ID]
		}
	}
	chanNames := map[string]string{}
	for _, c := range chans {
		if c.typ == "O" || c.typ == "P" {
			chanNames[c.ID] = slackChannelName(c.Name)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&Line{Type: TypeVersion, Version: Ptr(1), Info: &VersionInfo{Generator: "parley slack import"}}); err != nil {
		return nil, err
	}
	memberOf := map[string][]string{} // username → channel names
	for _, c := range chans {
		if c.typ != "O" && c.typ != "P" {
			continue
		}
		name := chanNames[c.ID]
		display := c.Name
		if len([]rune(display)) > MaxDisplayName {
			display = string([]rune(display)[:MaxDisplayName])
		}
		ch := &Channel{Team: &team, Name: &name, DisplayName: &display, Type: Ptr(c.typ),
			Header:  Ptr(truncRunes(SlackText(c.Topic.Value, usernames, chanNames), MaxChannelHeader)),
			Purpose: Ptr(truncRunes(SlackText(c.Purpose.Value, usernames, chanNames), MaxChannelPurpose))}
		if c.IsArchived {
			ch.DeletedAt = Ptr(c.Created*1000 + 1)
		}
		if err := enc.Encode(&Line{Type: TypeChannel, Channel: ch}); err != nil {
			return nil, err
		}
		notes.Channels++
		for _, m := range c.Members {
			memberOf[usernames[m]] = append(memberOf[usernames[m]], name)
		}
	}
	importUser := &User{Username: Ptr(SlackImportUser), Email: Ptr(SlackImportUser + "@localhost"), FirstName: Ptr("Slack Import"),
		Teams: &[]UserTeam{{Name: &team}}}
	if err := enc.Encode(&Line{Type: TypeUser, User: importUser}); err != nil {
		return nil, err
	}
	var bots []*Bot
	for _, u := range users {
		name := usernames[u.ID]
		if u.IsBot {
			display := u.Profile.RealName
			if display == "" {
				display = u.Name
			}
			b := &Bot{Username: &name, Owner: Ptr(SlackImportUser), DisplayName: Ptr(truncRunes(display, 64))}
			if u.Deleted {
				b.DeleteAt = Ptr(int64(1))
			}
			bots = append(bots, b)
			continue
		}
		email := u.Profile.Email
		if email == "" {
			email = name + "@slack-import.invalid"
		}
		chs := []UserChannel{}
		for _, c := range memberOf[name] {
			chs = append(chs, UserChannel{Name: Ptr(c)})
		}
		ul := &User{Username: &name, Email: &email, FirstName: Ptr(truncRunes(u.Profile.FirstName, 64)),
			LastName: Ptr(truncRunes(u.Profile.LastName, 64)), Nickname: Ptr(truncRunes(u.Profile.DisplayName, 64)),
			Position: Ptr(truncRunes(u.Profile.Title, 128)), Teams: &[]UserTeam{{Name: &team, Channels: &chs}}}
		if u.Deleted {
			ul.DeleteAt = Ptr(int64(1))
		}
		if err := enc.Encode(&Line{Type: TypeUser, User: ul}); err != nil {
			return nil, err
		}
		notes.Users++
	}
	for _, b := range bots {
		if err := enc.Encode(&Line{Type: TypeBot, Bot: b}); err != nil {
			return nil, err
		}
	}
	conv := &slackConverter{files: files, usernames: usernames, botUsers: botUsers, chanNames: chanNames, notes: notes}
	var directs []*slackChannel
	for _, c := range chans {
		if c.typ == "D" || c.typ == "G" {
			directs = append(directs, c)
			continue
		}
		dir := c.Name
		err := conv.channel(dir, func(body PostBody, replies []PostBody) error {
			p := &Post{Team: &team, Channel: Ptr(chanNames[c.ID]), PostBody: body}
			if len(replies) > 0 {
				p.Replies = &replies
			}
			return enc.Encode(&Line{Type: TypePost, Post: p})
		})
		if err != nil {
			return nil, err
		}
	}
	for _, c := range directs {
		members := make([]string, 0, len(c.Members))
		for _, m := range c.Members {
			members = append(members, usernames[m])
		}
		if n := len(members); n != 2 && (n < MinGroupMembers || n > MaxGroupMembers) {
			continue
		}
		if err := enc.Encode(&Line{Type: TypeDirectChannel, DirectChannel: &DirectChannel{Members: &members}}); err != nil {
			return nil, err
		}
	}
	for _, c := range directs {
		members := make([]string, 0, len(c.Members))
		for _, m := range c.Members {
			members = append(members, usernames[m])
		}
		if n := len(members); n != 2 && (n < MinGroupMembers || n > MaxGroupMembers) {
			continue
		}
		dir := c.ID
		if c.typ == "G" {
			dir = c.Name
		}
		err := conv.channel(dir, func(body PostBody, replies []PostBody) error {
			p := &DirectPost{ChannelMembers: &members, PostBody: body}
			if len(replies) > 0 {
				p.Replies = &replies
			}
			return enc.Encode(&Line{Type: TypeDirectPost, DirectPost: p})
		})
		if err != nil {
			return nil, err
		}
	}
	return notes, nil
}

func truncRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

type slackConverter struct {
	files     map[string]*zip.File
	usernames map[string]string
	botUsers  map[string]string
	chanNames map[string]string
	notes     *SlackNotes
}

// channel reads one conversation's day files and emits its threads, oldest first.
func (sc *slackConverter) channel(dir string, emit func(PostBody, []PostBody) error) error {
	var days []string
	for name := range sc.files {
		if path.Dir(name) == dir && strings.HasSuffix(name, ".json") {
			days = append(days, name)
		}
	}
	sort.Strings(days)
	var msgs []slackMessage
	for _, d := range days {
		var day []slackMessage
		if err := readZipJSON(sc.files, d, &day); err != nil {
			return err
		}
		msgs = append(msgs, day...)
	}
	slices.SortStableFunc(msgs, func(a, b slackMessage) int { return int(slackTS(a.TS) - slackTS(b.TS)) })
	type thread struct {
		root    PostBody
		replies []PostBody
	}
	var order []string
	threads := map[string]*thread{}
	deleted := map[string]bool{}
	for _, m := range msgs {
		if m.Type != "message" {
			continue
		}
		switch m.Subtype {
		case "channel_join", "channel_leave", "channel_topic", "channel_purpose", "channel_name", "channel_archive",
			"channel_unarchive", "group_join", "group_leave", "group_topic", "group_purpose", "group_name", "pinned_item":
			sc.notes.System++
			continue
		case "tombstone", "message_deleted":
			sc.notes.Deleted++
			deleted[m.TS] = true
			continue
		}
		body, ok := sc.body(&m)
		if !ok {
			continue
		}
		sc.notes.Messages++
		if m.ThreadTS != "" && m.ThreadTS != m.TS {
			t := threads[m.ThreadTS]
			if t == nil {
				if !deleted[m.ThreadTS] {
					// The root is outside the export: the reply stands alone.
					threads[m.TS] = &thread{root: body}
					order = append(order, m.TS)
					continue
				}
				// A deleted root keeps its thread together under a placeholder.
				t = &thread{root: PostBody{User: body.User, Message: Ptr("(message deleted)"), CreateAt: Ptr(slackTS(m.ThreadTS))}}
				threads[m.ThreadTS] = t
				order = append(order, m.ThreadTS)
			}
			t.replies = append(t.replies, body)
			continue
		}
		threads[m.TS] = &thread{root: body}
		order = append(order, m.TS)
	}
	for _, ts := range order {
		t := threads[ts]
		if err := emit(t.root, t.replies); err != nil {
			return err
		}
	}
	return nil
}

func (sc *slackConverter) body(m *slackMessage) (PostBody, bool) {
	author, ok := sc.usernames[m.User]
	props := map[string]any{}
	if m.Subtype == "bot_message" || (!ok && m.BotID != "") {
		if b, found := sc.botUsers[m.BotID]; found {
			author = b
		} else {
			author = SlackImportUser
			props["from_webhook"] = "true"
			if m.Username != "" {
				props["override_username"] = m.Username
			}
		}
		ok = true
	}
	if !ok {
		return PostBody{}, false
	}
	text := SlackText(m.Text, sc.usernames, sc.chanNames)
	for _, f := range m.Files {
		title := f.Title
		if title == "" {
			title = f.Name
		}
		if f.URLPrivate != "" {
			text += "\n[" + title + "](" + f.URLPrivate + ")"
			sc.notes.Files++
		}
	}
	at := slackTS(m.TS)
	b := PostBody{User: &author, Message: Ptr(truncRunes(text, MaxMessageRunes)), CreateAt: &at}
	if len(props) > 0 {
		b.Props = &props
	}
	if m.Edited != nil {
		b.EditAt = Ptr(slackTS(m.Edited.TS))
	}
	var rs []Reaction
	for _, r := range m.Reactions {
		name, _, _ := strings.Cut(r.Name, "::") // skin tones: thumbsup::skin-tone-2
		for _, u := range r.Users {
			if n, ok := sc.usernames[u]; ok {
				rs = append(rs, Reaction{User: Ptr(n), EmojiName: Ptr(name), CreateAt: &at})
			}
		}
	}
	if len(rs) > 0 {
		b.Reactions = &rs
	}
	return b, true
}
