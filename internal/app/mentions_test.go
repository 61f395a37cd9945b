package app

import (
	"slices"
	"testing"

	"github.com/parley-chat/parley/internal/model"
)

func TestMentionedUsers(t *testing.T) {
	bob := &model.User{ID: "bob", Username: "bob", FirstName: "Robert",
		NotifyProps: model.StringMap{"channel": "true", "first_name": "true", "mention_keys": "rocket,@boss"}}
	eve := &model.User{ID: "eve", Username: "eve.smith", NotifyProps: model.StringMap{"channel": "true"}}
	member := func(props model.StringMap) *model.ChannelMember { return &model.ChannelMember{NotifyProps: props} }
	open := &model.Channel{Type: model.ChannelOpen}
	targets := func(bobOnline bool, bobProps model.StringMap) []mentionTarget {
		return []mentionTarget{{user: bob, member: member(bobProps), online: bobOnline, groups: []string{"dev-ops"}},
			{user: eve, member: member(model.StringMap{}), online: true}}
	}
	for _, tc := range []struct {
		msg    string
		ch     *model.Channel
		online bool
		props  model.StringMap
		want   []string
	}{
		{"hi @bob", open, false, nil, []string{"bob"}},
		{"hi @bob.", open, false, nil, []string{"bob"}},
		{"@eve.smith and @eve", open, false, nil, []string{"eve"}},
		{"`@bob` ```\n@bob\n``` ~~~\n@bob\n~~~", open, false, nil, nil},
		{"robert, rocket-ish", open, false, nil, []string{"bob"}},
		{"rockets", open, false, nil, nil},
		{"ask the @boss", open, false, nil, []string{"bob"}},
		{"@here", open, false, nil, []string{"eve"}},
		{"@here", open, true, nil, []string{"bob", "eve"}},
		{"@channel", open, false, model.StringMap{"mark_unread": "mention"}, []string{"eve"}},
		{"@all", open, false, model.StringMap{"mark_unread": "mention", "ignore_channel_mentions": "off"}, []string{"bob", "eve"}},
		{"@all", open, false, model.StringMap{"ignore_channel_mentions": "on"}, []string{"eve"}},
		{"anything", &model.Channel{Type: model.ChannelDirect}, false, nil, []string{"bob", "eve"}},
		{"ping @dev-ops.", open, false, nil, []string{"bob"}},
		{"dev-ops without the @", open, false, nil, nil},
		// A group mention is no channel-wide one: muting does not silence it.
		{"@dev-ops", open, false, model.StringMap{"mark_unread": "mention"}, []string{"bob"}},
	} {
		props := tc.props
		if props == nil {
			props = model.StringMap{}
		}
		post := &model.Post{UserID: "alice", Message: tc.msg, Props: map[string]any{}}
		got := mentionedUsers(post, tc.ch, targets(tc.online, props))
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: mentioned %v, want %v", tc.msg, got, tc.want)
		}
	}
}
