package app

import (
	"context"
	"strings"

	"github.com/parley-chat/parley/internal/model"
)

// mentionTargets loads the members a post may mention. Reading and decoding
// every member's user row on every post was a third of a post's CPU, so only a
// DM, a group message or a message with a channel-wide mention loads the whole
// membership; otherwise the store narrows it to the usernames the message
// names and the members with mention keys or first-name mentions on.
func (a *App) mentionTargets(ctx context.Context, ch *model.Channel, p *model.Post) ([]mentionTarget, error) {
	var ids []string
	var err error
	words := mentionWords(p.Message)
	if ch.Type == model.ChannelDirect || ch.Type == model.ChannelGroup || hasChannelWideMention(words) {
		ids, err = a.store.ChannelMemberIDs(ctx, ch.ID)
	} else {
		ids, err = a.store.MentionCandidateIDs(ctx, ch.ID, mentionedUsernames(words))
	}
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	users, err := a.store.GetUsersByIDs(ctx, ids, 0)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	members, err := a.store.GetChannelMembersByIDs(ctx, ch.ID, ids)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	byUser := make(map[string]*model.ChannelMember, len(members))
	for _, m := range members {
		byUser[m.UserID] = m
	}
	statuses, err := a.store.GetStatuses(ctx, ids)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	online := make(map[string]bool, len(statuses))
	for _, st := range statuses {
		online[st.UserID] = st.Status == model.StatusOnline
	}
	out := make([]mentionTarget, 0, len(users))
	for _, u := range users {
		if m := byUser[u.ID]; m != nil && u.DeleteAt == 0 {
			out = append(out, mentionTarget{user: u, member: m, online: online[u.ID]})
		}
	}
	return out, nil
}

// hasChannelWideMention reports @channel, @all or @here among the words.
func hasChannelWideMention(words []string) bool {
	for _, w := range words {
		if w == "@channel" || w == "@all" || w == "@here" {
			return true
		}
	}
	return false
}

// mentionedUsernames returns the distinct names of the @words.
func mentionedUsernames(words []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range words {
		if name, ok := strings.CutPrefix(w, "@"); ok && name != "" && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}
