package bulk_test

import (
	"testing"

	"github.com/parley-chat/parley/internal/bulk"
	"github.com/parley-chat/parley/internal/model"
)

// The importer's name rules are the model's: a Mattermost export whose teams,
// channels and emoji the API would accept imports, and the other way round.
func TestNameRulesAgreeWithModel(t *testing.T) {
	names := []string{"staff", "hooks", "static", "messages", "assets", "api", "apis", "apiteam", "admin", "helpdesk",
		"boards", "playbooks", "plugins", "signup", "oauth2", "channel", "post-mortem", "ab", "a", "x", "-ab", "ab-",
		"ab_", "a--b", "a__b", "Staff", "here", "thumbsup", "smile", "my_emoji+1", "a.b", "",
		"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd", "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcde",
		"0123456789abcdef0123456789abcdef01234567", "abcdefghijklmnopqrstuvwxyz__abcdefghijklmnopqrstuvwxyz"}
	ok := func(l *bulk.Line) bool { return len(bulk.CheckLine(l, 2)) == 0 }
	for _, name := range names {
		team := &model.Team{DisplayName: "X", Name: name, Type: model.TeamOpen}
		if got, want := ok(&bulk.Line{Type: bulk.TypeTeam, Team: &bulk.Team{Name: bulk.Ptr(name), DisplayName: bulk.Ptr("X"),
			Type: bulk.Ptr("O")}}), team.IsValid() == nil; got != want {
			t.Errorf("team %q: import accepts %v, API %v", name, got, want)
		}
		ch := &model.Channel{DisplayName: "X", Name: name, Type: model.ChannelOpen}
		if got, want := ok(&bulk.Line{Type: bulk.TypeChannel, Channel: &bulk.Channel{Team: bulk.Ptr("t"), Name: bulk.Ptr(name),
			DisplayName: bulk.Ptr("X"), Type: bulk.Ptr("O")}}), ch.IsValid() == nil; got != want {
			t.Errorf("channel %q: import accepts %v, API %v", name, got, want)
		}
		if got, want := ok(&bulk.Line{Type: bulk.TypeEmoji, Emoji: &bulk.Emoji{Name: bulk.Ptr(name), Image: bulk.Ptr("e.png")}}),
			model.ValidateEmojiName(name) == nil; got != want {
			t.Errorf("emoji %q: import accepts %v, API %v", name, got, want)
		}
		u := &bulk.User{Username: bulk.Ptr(name), Email: bulk.Ptr("u@example.com")}
		if got, want := ok(&bulk.Line{Type: bulk.TypeUser, User: u}), model.IsValidUsername(name); got != want {
			t.Errorf("username %q: import accepts %v, API %v", name, got, want)
		}
	}
}
