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
		if fence := openFence(msg); fence != "" {
			closed += "\n" + fence
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

// openFence returns the fence ("```" or "~~~") left open at the end of msg:
// scanning from the left, a block opens at the first fence marker and closes
// at the next marker of the same kind; an unclosed block runs to the end.
func openFence(msg string) string {
	for {
		i, j := strings.Index(msg, "```"), strings.Index(msg, "~~~")
		if i < 0 && j < 0 {
			return ""
		}
		if i < 0 || (j >= 0 && j < i) {
			i = j
		}
		fence := msg[i : i+3]
		rest := msg[i+3:]
		end := strings.Index(rest, fence)
		if end < 0 {
			return fence
		}
		msg = rest[end+3:]
	}
}
