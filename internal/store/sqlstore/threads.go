package sqlstore

import (
	"context"
	"strings"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

const threadMemberCols = `tm.post_id, tm.user_id, tm.following, tm.last_viewed, tm.last_updated, tm.unread_mentions`

// userThreadCols are a membership, where its thread is, and its unread
// replies: a count over idx_posts_root from the last view on.
const userThreadCols = threadMemberCols + `, tm.channel_id, tm.team_id, tm.last_reply_at,
	(SELECT COUNT(*) FROM posts r WHERE r.root_id = tm.post_id AND r.create_at > tm.last_viewed AND r.delete_at = 0)`

func scanUserThread(r scanner) (*model.UserThread, error) {
	t := &model.UserThread{}
	err := r.Scan(&t.PostID, &t.UserID, &t.Following, &t.LastViewed, &t.LastUpdated, &t.UnreadMentions,
		&t.ChannelID, &t.TeamID, &t.LastReplyAt, &t.UnreadReplies)
	return t, mapErr(err)
}

func (s *SQLStore) ThreadReplied(ctx context.Context, r store.ThreadReply) error {
	// The last_reply_at of existing rows follows UpdateThreadStats.
	insert := `INSERT INTO thread_memberships (post_id, user_id, channel_id, team_id, following, last_viewed, last_updated,
		last_reply_at, unread_mentions) VALUES (?, ?, ?, ?, TRUE, ?, ?, ?, ?) ON CONFLICT (post_id, user_id) DO `
	if r.RootAuthorID != "" && r.RootAuthorID != r.ReplierID {
		if _, err := s.exec(ctx, insert+`NOTHING`, r.RootID, r.RootAuthorID, r.ChannelID, r.TeamID, 0, r.At, r.At, 0); err != nil {
			return err
		}
	}
	for _, id := range r.MentionedIDs {
		if id == r.ReplierID {
			continue
		}
		if _, err := s.exec(ctx, insert+`UPDATE SET following = TRUE, last_updated = excluded.last_updated,
			unread_mentions = thread_memberships.unread_mentions + 1`,
			r.RootID, id, r.ChannelID, r.TeamID, 0, r.At, r.At, 1); err != nil {
			return err
		}
	}
	_, err := s.exec(ctx, insert+`UPDATE SET following = TRUE, last_updated = excluded.last_updated,
		last_viewed = excluded.last_viewed, unread_mentions = 0`,
		r.RootID, r.ReplierID, r.ChannelID, r.TeamID, r.At, r.At, r.At, 0)
	return err
}

func (s *SQLStore) GetThreadMembership(ctx context.Context, rootID, userID string) (*model.ThreadMembership, error) {
	m := &model.ThreadMembership{}
	err := s.queryRow(ctx, `SELECT `+threadMemberCols+` FROM thread_memberships tm WHERE tm.post_id = ? AND tm.user_id = ?`,
		rootID, userID).Scan(&m.PostID, &m.UserID, &m.Following, &m.LastViewed, &m.LastUpdated, &m.UnreadMentions)
	return m, mapErr(err)
}

// threadLastReply is the thread's last reply time for a new membership row.
const threadLastReply = `(SELECT last_reply_at FROM posts WHERE id = ?)`

func (s *SQLStore) SetThreadFollowing(ctx context.Context, rootID, channelID, teamID, userID string, following bool, at int64) error {
	_, err := s.exec(ctx, `INSERT INTO thread_memberships (post_id, user_id, channel_id, team_id, following, last_viewed,
		last_updated, last_reply_at) VALUES (?, ?, ?, ?, ?, ?, ?, `+threadLastReply+`)
		ON CONFLICT (post_id, user_id) DO UPDATE SET following = excluded.following, last_updated = excluded.last_updated`,
		rootID, userID, channelID, teamID, following, at, at, rootID)
	return mapErr(err)
}

func (s *SQLStore) SetThreadRead(ctx context.Context, rootID, channelID, teamID, userID string, lastViewed, unreadMentions, at int64) error {
	_, err := s.exec(ctx, `INSERT INTO thread_memberships (post_id, user_id, channel_id, team_id, following, last_viewed,
		last_updated, last_reply_at, unread_mentions) VALUES (?, ?, ?, ?, FALSE, ?, ?, `+threadLastReply+`, ?)
		ON CONFLICT (post_id, user_id) DO UPDATE SET last_viewed = excluded.last_viewed,
		last_updated = excluded.last_updated, unread_mentions = excluded.unread_mentions`,
		rootID, userID, channelID, teamID, lastViewed, at, rootID, unreadMentions)
	return mapErr(err)
}

func (s *SQLStore) MarkTeamThreadsRead(ctx context.Context, userID, teamID string, at int64) error {
	_, err := s.exec(ctx, `UPDATE thread_memberships SET last_viewed = ?, last_updated = ?, unread_mentions = 0
		WHERE user_id = ? AND following = TRUE AND team_id IN (?, '') AND (last_viewed < last_reply_at OR unread_mentions > 0)`,
		at, at, userID, teamID)
	return err
}

func (s *SQLStore) MarkChannelThreadsRead(ctx context.Context, userID string, channelIDs []string, at int64) error {
	if len(channelIDs) == 0 {
		return nil
	}
	_, err := s.exec(ctx, `UPDATE thread_memberships SET last_viewed = ?, last_updated = ?, unread_mentions = 0
		WHERE user_id = ? AND channel_id IN (`+in(len(channelIDs))+`) AND (last_viewed < last_reply_at OR unread_mentions > 0)`,
		args([]any{at, at, userID}, channelIDs)...)
	return err
}

func (s *SQLStore) UserThreads(ctx context.Context, userID, teamID string, q store.ThreadQuery) ([]*model.UserThread, error) {
	var sb strings.Builder
	a := []any{userID, teamID}
	sb.WriteString(`SELECT ` + userThreadCols + ` FROM thread_memberships tm JOIN posts p ON p.id = tm.post_id
		WHERE tm.user_id = ? AND tm.following = TRUE AND tm.team_id IN (?, '')`)
	if !q.Deleted {
		sb.WriteString(` AND p.delete_at = 0`)
	}
	if q.Unread {
		sb.WriteString(` AND tm.last_reply_at > tm.last_viewed`)
	}
	if q.Since > 0 {
		sb.WriteString(` AND (tm.last_updated > ? OR tm.last_reply_at > ?)`)
		a = append(a, q.Since, q.Since)
	}
	// A cursor thread's own (last_reply_at, post_id) is the bound, so that
	// threads with the same last reply time are neither skipped nor repeated.
	cursor := func(id, op string) {
		lr := `(SELECT c.last_reply_at FROM thread_memberships c WHERE c.post_id = ? AND c.user_id = ?)`
		sb.WriteString(` AND (tm.last_reply_at ` + op + ` ` + lr + ` OR (tm.last_reply_at = ` + lr + ` AND tm.post_id ` + op + ` ?))`)
		a = append(a, id, userID, id, userID, id)
	}
	if q.Before != "" {
		cursor(q.Before, "<")
	}
	if q.After != "" {
		cursor(q.After, ">")
	}
	sb.WriteString(` ORDER BY tm.last_reply_at DESC, tm.post_id DESC` + limitOffset(q.Page))
	rows, err := s.query(ctx, sb.String(), a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.UserThread{}
	for rows.Next() {
		t, err := scanUserThread(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func (s *SQLStore) UserThread(ctx context.Context, rootID, userID string) (*model.UserThread, error) {
	return scanUserThread(s.queryRow(ctx, `SELECT `+userThreadCols+` FROM thread_memberships tm
		WHERE tm.post_id = ? AND tm.user_id = ?`, rootID, userID))
}

// threadTotalsSQL counts followed threads with live roots, per team.
const threadTotalsSQL = `SELECT tm.team_id, COUNT(*),
	COALESCE(SUM(CASE WHEN tm.last_reply_at > tm.last_viewed THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(tm.unread_mentions), 0)
	FROM thread_memberships tm JOIN posts p ON p.id = tm.post_id
	WHERE tm.user_id = ? AND tm.following = TRUE AND p.delete_at = 0`

func (s *SQLStore) TeamThreadTotals(ctx context.Context, userID string) (map[string]model.ThreadTotals, error) {
	rows, err := s.query(ctx, threadTotalsSQL+` GROUP BY tm.team_id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]model.ThreadTotals{}
	for rows.Next() {
		var team string
		var t model.ThreadTotals
		if err := rows.Scan(&team, &t.Total, &t.TotalUnreadThreads, &t.TotalUnreadMentions); err != nil {
			return nil, err
		}
		out[team] = t
	}
	return out, rows.Err()
}

// UserThreadTotals adds the team's totals and those of direct and group
// messages, which every team lists.
func (s *SQLStore) UserThreadTotals(ctx context.Context, userID, teamID string) (model.ThreadTotals, error) {
	byTeam, err := s.TeamThreadTotals(ctx, userID)
	if err != nil {
		return model.ThreadTotals{}, err
	}
	t, d := byTeam[teamID], byTeam[""]
	if teamID == "" {
		d = model.ThreadTotals{}
	}
	return model.ThreadTotals{Total: t.Total + d.Total, TotalUnreadThreads: t.TotalUnreadThreads + d.TotalUnreadThreads,
		TotalUnreadMentions: t.TotalUnreadMentions + d.TotalUnreadMentions}, nil
}

func (s *SQLStore) ThreadFollowers(ctx context.Context, rootID string) ([]string, error) {
	rows, err := s.query(ctx, `SELECT user_id FROM thread_memberships WHERE post_id = ? AND following = TRUE ORDER BY user_id`, rootID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func (s *SQLStore) ThreadParticipants(ctx context.Context, rootIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(rootIDs) == 0 {
		return out, nil
	}
	rows, err := s.query(ctx, `SELECT root_id, user_id FROM posts WHERE root_id IN (`+in(len(rootIDs))+`) AND delete_at = 0
		GROUP BY root_id, user_id ORDER BY root_id, MIN(create_at)`, args(nil, rootIDs)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var root, user string
		if err := rows.Scan(&root, &user); err != nil {
			return nil, err
		}
		out[root] = append(out[root], user)
	}
	return out, rows.Err()
}

func (s *SQLStore) SaveThreadMembership(ctx context.Context, m *model.ThreadMembership, channelID, teamID string) error {
	_, err := s.exec(ctx, `INSERT INTO thread_memberships (post_id, user_id, channel_id, team_id, following, last_viewed,
		last_updated, last_reply_at, unread_mentions) VALUES (?, ?, ?, ?, ?, ?, ?, `+threadLastReply+`, ?)
		ON CONFLICT (post_id, user_id) DO UPDATE SET following = excluded.following, last_viewed = excluded.last_viewed,
		last_updated = excluded.last_updated, unread_mentions = excluded.unread_mentions`,
		m.PostID, m.UserID, channelID, teamID, m.Following, m.LastViewed, m.LastUpdated, m.PostID, m.UnreadMentions)
	return mapErr(err)
}

func (s *SQLStore) ThreadMemberships(ctx context.Context, rootIDs []string) (map[string][]*model.ThreadMembership, error) {
	out := map[string][]*model.ThreadMembership{}
	if len(rootIDs) == 0 {
		return out, nil
	}
	rows, err := s.query(ctx, `SELECT `+threadMemberCols+` FROM thread_memberships tm
		WHERE tm.post_id IN (`+in(len(rootIDs))+`) AND tm.following = TRUE ORDER BY tm.post_id, tm.user_id`, args(nil, rootIDs)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		m := &model.ThreadMembership{}
		if err := rows.Scan(&m.PostID, &m.UserID, &m.Following, &m.LastViewed, &m.LastUpdated, &m.UnreadMentions); err != nil {
			return nil, err
		}
		out[m.PostID] = append(out[m.PostID], m)
	}
	return out, rows.Err()
}
