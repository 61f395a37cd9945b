package app

import (
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/model"
)

// FuzzMentions checks mention parsing: no panics, words never contain
// separators or code, and @username always mentions that member.
func FuzzMentions(f *testing.F) {
	for _, s := range []string{"hi @bob", "@channel", "`@bob`", "```\n@bob\n```", "@bob.", "email bob@x.com", "@BOB!",
		"```unterminated @bob", "@here @all", "\xff@bob", "bobby"} {
		f.Add(s)
	}
	bob := &model.User{ID: model.NewID(), Username: "bob", NotifyProps: model.DefaultUserNotifyProps("bob")}
	bob.NotifyProps["mention_keys"] = "deploy,@oncall"
	member := &model.ChannelMember{NotifyProps: model.DefaultChannelNotifyProps()}
	ch := &model.Channel{ID: model.NewID(), Type: model.ChannelOpen}
	f.Fuzz(func(t *testing.T, msg string) {
		for _, w := range mentionWords(msg) {
			if w == "" || strings.ContainsAny(w, " \t\n`,") || strings.TrimRight(w, ".-_") != w {
				t.Fatalf("mentionWords(%q) has word %q", msg, w)
			}
		}
		post := &model.Post{UserID: model.NewID(), Message: msg, Props: map[string]any{}}
		got := mentionedUsers(post, ch, []mentionTarget{{user: bob, member: member}})
		if len(got) > 1 || (len(got) == 1 && got[0] != bob.ID) {
			t.Fatalf("mentionedUsers(%q) = %v", msg, got)
		}
		// The same message with " @bob " appended, outside any code, always mentions bob.
		closed := msg
		if strings.Count(closed, "```")%2 == 1 {
			closed += "\n```"
		}
		post.Message = closed + "\n @bob \n"
		if strings.Count(closed, "`")%2 == 1 {
			return // an unbalanced inline backtick may swallow the mention
		}
		if got := mentionedUsers(post, ch, []mentionTarget{{user: bob, member: member}}); len(got) != 1 {
			t.Fatalf("mentionedUsers(%q) missed @bob", post.Message)
		}
		// Nobody mentions themselves.
		post.UserID = bob.ID
		if got := mentionedUsers(post, ch, []mentionTarget{{user: bob, member: member}}); len(got) != 0 {
			t.Fatalf("self mention counted for %q", post.Message)
		}
	})
}
