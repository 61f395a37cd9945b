package app

import (
	"context"
	"slices"
	"strings"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// mentionTargets loads the members a post may mention (see postAudience).
func (a *App) mentionTargets(ctx context.Context, ch *model.Channel, p *model.Post) ([]mentionTarget, error) {
	targets, _, err := a.postAudience(ctx, ch, p, store.AudienceQuery{})
	return targets, err
}

// postAudience loads the members a post may mention and, as push asks (its
// Devices, WebPush and Now), the members other than the poster a push may
// reach: their id lists come in one query (ChannelAudience) and the users,
// memberships and statuses of both in one more (ChannelRecipients).
//
// Reading and decoding every member's user row on every post was a third of
// a post's CPU, so only a DM, a group message or a message with a
// channel-wide mention loads the whole membership; otherwise the store
// narrows it to the usernames the message names, the members of the groups
// it names and the members with mention keys or first-name mentions on.
// There the targets only decide who is mentioned, and a post never mentions
// its poster, so the poster is left out (a self-mention, or mention keys the
// poster's own words match, read nothing more); a group message's push names
// its members, the poster too.
func (a *App) postAudience(ctx context.Context, ch *model.Channel, p *model.Post, push store.AudienceQuery) ([]mentionTarget, *recipients, error) {
	words := mentionWords(p.Message)
	groupsOf, err := a.groupMentions(ctx, ch, words)
	if err != nil {
		return nil, nil, err
	}
	q := push
	q.ChannelID = ch.ID
	var ids []string
	if ch.Type == model.ChannelDirect || ch.Type == model.ChannelGroup || hasChannelWideMention(words) {
		if ids, err = a.store.ChannelMemberIDs(ctx, ch.ID); err != nil {
			return nil, nil, model.ErrInternal(err)
		}
	} else {
		q.Mention, q.Usernames = true, mentionedUsernames(words)
	}
	aud, err := a.store.ChannelAudience(ctx, q)
	if err != nil {
		return nil, nil, model.ErrInternal(err)
	}
	isPoster := func(id string) bool { return id == p.UserID }
	if q.Mention {
		ids = aud.Mention
		for id := range groupsOf {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		ids = slices.DeleteFunc(ids, isPoster)
	}
	pushIDs := slices.DeleteFunc(append(slices.Clone(aud.Devices), aud.WebPush...), isPoster)
	all := append(slices.Clone(ids), pushIDs...)
	slices.Sort(all)
	if all = slices.Compact(all); len(all) == 0 {
		return nil, nil, nil
	}
	r, err := a.loadRecipients(ctx, ch.ID, all)
	if err != nil {
		return nil, nil, err
	}
	isTarget := make(map[string]bool, len(ids))
	for _, id := range ids {
		isTarget[id] = true
	}
	var targets []mentionTarget
	for _, u := range r.users {
		if m := r.memberOf[u.ID]; isTarget[u.ID] && u.DeleteAt == 0 {
			st := r.statusOf[u.ID]
			targets = append(targets, mentionTarget{user: u, member: m, online: st != nil && st.Status == model.StatusOnline,
				groups: groupsOf[u.ID]})
		}
	}
	if len(pushIDs) == 0 {
		return targets, nil, nil
	}
	isPushed := make(map[string]bool, len(pushIDs))
	for _, id := range pushIDs {
		isPushed[id] = true
	}
	pushTo := &recipients{memberOf: r.memberOf, statusOf: r.statusOf}
	for _, u := range r.users {
		if isPushed[u.ID] {
			pushTo.users = append(pushTo.users, u)
		}
	}
	return targets, pushTo, nil
}

// groupMentions maps the channel members in the groups the @words name to
// those groups' names. A DM already mentions its other member, and nothing
// is a group while custom groups are off.
func (a *App) groupMentions(ctx context.Context, ch *model.Channel, words []string) (map[string][]string, error) {
	names := groupMentionNames(words)
	if len(names) == 0 || ch.Type == model.ChannelDirect || !a.Config().EnableCustomGroups {
		return nil, nil
	}
	ms, err := a.store.GroupMentions(ctx, ch.ID, names)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	out := make(map[string][]string, len(ms))
	for _, m := range ms {
		out[m.UserID] = append(out[m.UserID], m.GroupName)
	}
	return out, nil
}

// userMentionGroups names the referenceable groups of one user, for the
// recounts that ask whether past posts mentioned them.
func (a *App) userMentionGroups(ctx context.Context, userID string) ([]string, error) {
	if !a.Config().EnableCustomGroups {
		return nil, nil
	}
	names, err := a.store.UserMentionGroups(ctx, userID)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	return names, nil
}

// recipients is what deciding who hears of a post needs about some of a
// channel's members: the users (members only, by username), their
// memberships and their statuses.
type recipients struct {
	users    []*model.User
	memberOf map[string]*model.ChannelMember
	statusOf map[string]*model.Status
}

func (a *App) loadRecipients(ctx context.Context, channelID string, ids []string) (*recipients, error) {
	rs, err := a.store.ChannelRecipients(ctx, channelID, ids)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	r := &recipients{users: make([]*model.User, 0, len(rs)), memberOf: make(map[string]*model.ChannelMember, len(rs)),
		statusOf: make(map[string]*model.Status, len(rs))}
	for _, x := range rs {
		r.users = append(r.users, x.User)
		r.memberOf[x.User.ID] = x.Member
		if x.Status != nil {
			r.statusOf[x.User.ID] = x.Status
		}
	}
	return r, nil
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
