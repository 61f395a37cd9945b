package model

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzNames checks the username, team name and channel name rules: no panics,
// and anything accepted fits the documented alphabet and length.
func FuzzNames(f *testing.F) {
	for _, s := range []string{"alice", "a", "all", "a.b-c_d", "UPPER", "", "x y", strings.Repeat("a", 65), "-abc", "ab", "a__b",
		"town-square", "é", "\x00", "api"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if IsValidUsername(s) {
			if len(s) > 64 || strings.ToLower(s) != s || strings.ContainsFunc(s, func(r rune) bool {
				return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune(".-_", r))
			}) || reservedUsernames[s] || s[0] < 'a' || s[0] > 'z' {
				t.Fatalf("username %q accepted", s)
			}
		}
		if IsValidChannelName(s) && (len(s) > 64 || s == "" || strings.ContainsFunc(s, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_')
		})) {
			t.Fatalf("channel name %q accepted", s)
		}
		team := &Team{Name: s, DisplayName: "T", Type: TeamOpen}
		if team.IsValid() == nil && (len(s) < 2 || len(s) > 64 || IsReservedTeamName(s) || strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-")) {
			t.Fatalf("team name %q accepted", s)
		}
		u := &User{Username: s, Email: s + "@example.com", Nickname: s, FirstName: s}
		u.PreSave()
		if u.IsValid() == nil && !IsValidUsername(u.Username) {
			t.Fatalf("user %q accepted with invalid username", s)
		}
	})
}

// FuzzParseHashtags checks that every hashtag found is a distinct word of the message.
func FuzzParseHashtags(f *testing.F) {
	for _, s := range []string{"#tag", "a #b #cd #long-tag.", "#é#ü", "##x", "#123 #a_b", "x#notatag", "#" + strings.Repeat("a", 2000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		tags := ParseHashtags(msg)
		if tags == "" {
			return
		}
		seen := map[string]bool{}
		for _, tag := range strings.Split(tags, " ") {
			if !strings.HasPrefix(tag, "#") || utf8.RuneCountInString(tag) < 2 || !strings.Contains(msg, tag) || seen[tag] {
				t.Fatalf("ParseHashtags(%q) = %q: bad tag %q", msg, tags, tag)
			}
			seen[tag] = true
		}
	})
}
