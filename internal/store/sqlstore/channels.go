package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

const channelCols = `id, create_at, update_at, delete_at, team_id, type, display_name, name, header, purpose,
	last_post_at, total_msg_count, total_msg_count_root, last_root_post_at, creator_id, props`

// channelDests are where channelCols scan into.
func channelDests(c *model.Channel) []any {
	return []any{&c.ID, &c.CreateAt, &c.UpdateAt, &c.DeleteAt, &c.TeamID, &c.Type, &c.DisplayName, &c.Name,
		&c.Header, &c.Purpose, &c.LastPostAt, &c.TotalMsgCount, &c.TotalMsgCountRoot, &c.LastRootPostAt,
		&c.CreatorID, asJSON(&c.Props)}
}

func scanChannel(r scanner) (*model.Channel, error) {
	var c model.Channel
	if err := r.Scan(channelDests(&c)...); err != nil {
		return nil, mapErr(err)
	}
	return &c, nil
}

func (s *SQLStore) channels(ctx context.Context, q string, a ...any) ([]*model.Channel, error) {
	rows, err := s.query(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.Channel{}
	for rows.Next() {
		c, err := scanChannel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *SQLStore) SaveChannel(ctx context.Context, c *model.Channel) error {
	_, err := s.exec(ctx, `INSERT INTO channels (`+channelCols+`) VALUES (`+in(16)+`)`,
		c.ID, c.CreateAt, c.UpdateAt, c.DeleteAt, c.TeamID, c.Type, c.DisplayName, c.Name, c.Header, c.Purpose,
		c.LastPostAt, c.TotalMsgCount, c.TotalMsgCountRoot, c.LastRootPostAt, c.CreatorID, asJSON(c.Props))
	return err
}

func (s *SQLStore) UpdateChannel(ctx context.Context, c *model.Channel) error {
	return s.execOne(ctx, `UPDATE channels SET update_at = ?, delete_at = ?, team_id = ?, type = ?, display_name = ?,
		name = ?, header = ?, purpose = ?, creator_id = ?, props = ? WHERE id = ?`,
		c.UpdateAt, c.DeleteAt, c.TeamID, c.Type, c.DisplayName, c.Name, c.Header, c.Purpose, c.CreatorID,
		asJSON(c.Props), c.ID)
}

func (s *SQLStore) GetChannel(ctx context.Context, id string) (*model.Channel, error) {
	return scanChannel(s.queryRow(ctx, `SELECT `+channelCols+` FROM channels WHERE id = ?`, id))
}

func (s *SQLStore) GetChannelByName(ctx context.Context, teamID, name string, includeDeleted bool) (*model.Channel, error) {
	q := `SELECT ` + channelCols + ` FROM channels WHERE team_id = ? AND name = ?`
	if !includeDeleted {
		q += ` AND delete_at = 0`
	}
	return scanChannel(s.queryRow(ctx, q, teamID, name))
}

func archivedFilter(archived bool) string {
	if archived {
		return ` AND delete_at > 0`
	}
	return ` AND delete_at = 0`
}

func (s *SQLStore) ListPublicChannels(ctx context.Context, teamID string, archived bool, p store.Page) ([]*model.Channel, error) {
	return s.channels(ctx, `SELECT `+channelCols+` FROM channels WHERE team_id = ? AND type = 'O'`+archivedFilter(archived)+
		` ORDER BY display_name, id`+limitOffset(p), teamID)
}

func (s *SQLStore) ListPrivateChannels(ctx context.Context, teamID string, p store.Page) ([]*model.Channel, error) {
	return s.channels(ctx, `SELECT `+channelCols+` FROM channels WHERE team_id = ? AND type = 'P' AND delete_at = 0
		ORDER BY display_name, id`+limitOffset(p), teamID)
}

func (s *SQLStore) ListChannelsForUser(ctx context.Context, userID, teamID string, includeDeleted bool, lastDeleteAt int64) ([]*model.Channel, error) {
	return s.userChannels(ctx, userID, ` AND (team_id = ? OR team_id = '')`, []any{teamID}, includeDeleted, lastDeleteAt)
}

func (s *SQLStore) ListAllChannelsForUser(ctx context.Context, userID string, includeDeleted bool, lastDeleteAt int64) ([]*model.Channel, error) {
	return s.userChannels(ctx, userID, "", nil, includeDeleted, lastDeleteAt)
}

// userChannels lists the channels userID is a member of, narrowed by where.
func (s *SQLStore) userChannels(ctx context.Context, userID, where string, whereArgs []any, includeDeleted bool, lastDeleteAt int64) ([]*model.Channel, error) {
	q := `SELECT ` + channelCols + ` FROM channels WHERE id IN (SELECT channel_id FROM channel_members WHERE user_id = ?)` + where
	a := append([]any{userID}, whereArgs...)
	if !includeDeleted {
		q += ` AND delete_at = 0`
	} else if lastDeleteAt > 0 {
		q += ` AND (delete_at = 0 OR delete_at >= ?)`
		a = append(a, lastDeleteAt)
	}
	return s.channels(ctx, q+` ORDER BY display_name, id`, a...)
}

func (s *SQLStore) SearchChannels(ctx context.Context, teamID, term string, archived bool, limit int) ([]*model.Channel, error) {
	like := "%" + likePrefix(term)
	return s.channels(ctx, `SELECT `+channelCols+` FROM channels WHERE team_id = ? AND type IN ('O', 'P')`+archivedFilter(archived)+
		` AND (LOWER(name) LIKE ? ESCAPE '\' OR LOWER(display_name) LIKE ? ESCAPE '\') ORDER BY display_name, id`+
		limitOffset(store.Page{Limit: limit}), teamID, like, like)
}

// DeleteChannelPermanently removes the channel with its posts, reactions,
// memberships and the preferences naming it, in one transaction.
func (s *SQLStore) DeleteChannelPermanently(ctx context.Context, id string) error {
	return s.inTxn(ctx, func(tx *SQLStore) error { return tx.purgeChannel(ctx, id) })
}

const channelMemberCols = `channel_id, user_id, last_viewed_at, msg_count, mention_count, mention_count_root,
	urgent_mention_count, msg_count_root, notify_props, last_update_at, scheme_guest, scheme_user, scheme_admin, explicit_roles`

// channelMemberDests are where channelMemberCols scan into; finishChannelMember
// completes the member once scanned.
func channelMemberDests(m *model.ChannelMember) []any {
	return []any{&m.ChannelID, &m.UserID, &m.LastViewedAt, &m.MsgCount, &m.MentionCount, &m.MentionCountRoot,
		&m.UrgentMentionCount, &m.MsgCountRoot, asJSON(&m.NotifyProps), &m.LastUpdateAt, &m.SchemeGuest,
		&m.SchemeUser, &m.SchemeAdmin, &m.ExplicitRoles}
}

func finishChannelMember(m *model.ChannelMember) {
	if m.NotifyProps == nil {
		m.NotifyProps = model.DefaultChannelNotifyProps()
	}
	m.Roles = m.RolesString()
}

func scanChannelMember(r scanner) (*model.ChannelMember, error) {
	var m model.ChannelMember
	if err := r.Scan(channelMemberDests(&m)...); err != nil {
		return nil, mapErr(err)
	}
	finishChannelMember(&m)
	return &m, nil
}

func (s *SQLStore) channelMembers(ctx context.Context, q string, a ...any) ([]*model.ChannelMember, error) {
	rows, err := s.query(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.ChannelMember{}
	for rows.Next() {
		m, err := scanChannelMember(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// SaveChannelMember also opens a channel_member_history stay when the row is
// new, in the same transaction: recording joins here rather than in each
// caller is what makes every way in (API, CLI, import, group conversion)
// appear in compliance exports.
func (s *SQLStore) SaveChannelMember(ctx context.Context, m *model.ChannelMember) error {
	return s.inTxn(ctx, func(tx *SQLStore) error {
		if _, err := tx.exec(ctx, `INSERT INTO channel_member_history (channel_id, user_id, join_time)
			SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM channel_members WHERE channel_id = ? AND user_id = ?)
			ON CONFLICT (channel_id, user_id, join_time) DO NOTHING`,
			m.ChannelID, m.UserID, historyTime(m.LastUpdateAt), m.ChannelID, m.UserID); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `INSERT INTO channel_members (`+channelMemberCols+`) VALUES (`+in(14)+`)
		ON CONFLICT (channel_id, user_id) DO UPDATE SET last_viewed_at = excluded.last_viewed_at, msg_count = excluded.msg_count,
		mention_count = excluded.mention_count, mention_count_root = excluded.mention_count_root,
		urgent_mention_count = excluded.urgent_mention_count, msg_count_root = excluded.msg_count_root,
		notify_props = excluded.notify_props, last_update_at = excluded.last_update_at, scheme_guest = excluded.scheme_guest,
		scheme_user = excluded.scheme_user, scheme_admin = excluded.scheme_admin, explicit_roles = excluded.explicit_roles`,
			m.ChannelID, m.UserID, m.LastViewedAt, m.MsgCount, m.MentionCount, m.MentionCountRoot, m.UrgentMentionCount,
			m.MsgCountRoot, asJSON(m.NotifyProps), m.LastUpdateAt, m.SchemeGuest, m.SchemeUser, m.SchemeAdmin, m.ExplicitRoles)
		return err
	})
}

func (s *SQLStore) GetChannelMember(ctx context.Context, channelID, userID string) (*model.ChannelMember, error) {
	return scanChannelMember(s.queryRow(ctx, `SELECT `+channelMemberCols+` FROM channel_members WHERE channel_id = ? AND user_id = ?`,
		channelID, userID))
}

// prefixCols qualifies each column of a column list with a table alias.
func prefixCols(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// posterQuery reads the channel, the member and the user in one round trip:
// each is a table's primary key, so the join costs no more than one of them.
var posterQuery = `SELECT ` + prefixCols("c", channelCols) + `, ` + prefixCols("m", channelMemberCols) + `, ` +
	prefixCols("u", userCols) + ` FROM channels c JOIN channel_members m ON m.channel_id = c.id AND m.user_id = ?
	JOIN users u ON u.id = m.user_id WHERE c.id = ?`

func (s *SQLStore) GetChannelPoster(ctx context.Context, channelID, userID string) (*model.Channel, *model.ChannelMember, *model.User, error) {
	var c model.Channel
	var m model.ChannelMember
	var u model.User
	var authData sql.NullString
	dests := append(append(channelDests(&c), channelMemberDests(&m)...), userDests(&u, &authData)...)
	if err := s.queryRow(ctx, posterQuery, userID, channelID).Scan(dests...); err != nil {
		return nil, nil, nil, mapErr(err)
	}
	finishChannelMember(&m)
	finishUser(&u, authData)
	return &c, &m, &u, nil
}

func (s *SQLStore) ListChannelMembers(ctx context.Context, channelID string, p store.Page) ([]*model.ChannelMember, error) {
	return s.channelMembers(ctx, `SELECT `+channelMemberCols+` FROM channel_members WHERE channel_id = ? ORDER BY user_id`+limitOffset(p), channelID)
}

func (s *SQLStore) GetChannelMembersByIDs(ctx context.Context, channelID string, userIDs []string) ([]*model.ChannelMember, error) {
	if len(userIDs) == 0 {
		return []*model.ChannelMember{}, nil
	}
	return s.channelMembers(ctx, `SELECT `+channelMemberCols+` FROM channel_members WHERE channel_id = ? AND user_id IN (`+in(len(userIDs))+`)`,
		args([]any{channelID}, userIDs)...)
}

// recipientsQuery joins by primary keys (users, channel_members) and the
// statuses key: one round trip where the three reads were three.
var recipientsQuery = `SELECT ` + prefixCols("u", userCols) + `, ` + prefixCols("m", channelMemberCols) + `,
	st.user_id, st.status, st.manual, st.last_activity_at, st.dnd_end_time
	FROM users u JOIN channel_members m ON m.channel_id = ? AND m.user_id = u.id
	LEFT JOIN statuses st ON st.user_id = u.id WHERE u.id IN (`

func (s *SQLStore) ChannelRecipients(ctx context.Context, channelID string, userIDs []string) ([]*store.ChannelRecipient, error) {
	out := []*store.ChannelRecipient{}
	if len(userIDs) == 0 {
		return out, nil
	}
	rows, err := s.query(ctx, recipientsQuery+in(len(userIDs))+`) ORDER BY u.username`, args([]any{channelID}, userIDs)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var u model.User
		var m model.ChannelMember
		var authData sql.NullString
		var stUser, stStatus sql.NullString
		var stManual sql.NullBool
		var stActivity, stDND sql.NullInt64
		dests := append(append(userDests(&u, &authData), channelMemberDests(&m)...), &stUser, &stStatus, &stManual, &stActivity, &stDND)
		if err := rows.Scan(dests...); err != nil {
			return nil, err
		}
		finishUser(&u, authData)
		finishChannelMember(&m)
		r := &store.ChannelRecipient{User: &u, Member: &m}
		if stUser.Valid {
			r.Status = &model.Status{UserID: stUser.String, Status: stStatus.String, Manual: stManual.Bool,
				LastActivityAt: stActivity.Int64, DNDEndTime: stDND.Int64}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *SQLStore) ListChannelMembersForUser(ctx context.Context, userID, teamID string) ([]*model.ChannelMember, error) {
	return s.channelMembers(ctx, `SELECT `+channelMemberCols+` FROM channel_members WHERE user_id = ? AND channel_id IN
		(SELECT id FROM channels WHERE team_id = ? OR team_id = '') ORDER BY channel_id`, userID, teamID)
}

func (s *SQLStore) ListChannelMembersWithTeamData(ctx context.Context, userID string, p store.Page) ([]*model.ChannelMemberWithTeamData, error) {
	rows, err := s.query(ctx, `SELECT `+prefixCols("cm", channelMemberCols)+`, COALESCE(t.display_name, ''), COALESCE(t.name, ''),
		COALESCE(t.update_at, 0) FROM channel_members cm JOIN channels c ON c.id = cm.channel_id
		LEFT JOIN teams t ON t.id = c.team_id WHERE cm.user_id = ? ORDER BY cm.channel_id`+limitOffset(p), userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.ChannelMemberWithTeamData{}
	for rows.Next() {
		var d model.ChannelMemberWithTeamData
		m, err := scanChannelMember(scanWith{rows, []any{&d.TeamDisplayName, &d.TeamName, &d.TeamUpdateAt}})
		if err != nil {
			return nil, err
		}
		d.ChannelMember = *m
		out = append(out, &d)
	}
	return out, rows.Err()
}

// scanWith scans extra columns after those a scan function knows.
type scanWith struct {
	r     scanner
	extra []any
}

func (s scanWith) Scan(dest ...any) error { return s.r.Scan(append(dest, s.extra...)...) }

// The deletes of memberships close the open channel_member_history stays
// they end, in the same transaction (see SaveChannelMember).
func (s *SQLStore) DeleteChannelMember(ctx context.Context, channelID, userID string) error {
	return s.inTxn(ctx, func(tx *SQLStore) error {
		if err := tx.execOne(ctx, `DELETE FROM channel_members WHERE channel_id = ? AND user_id = ?`, channelID, userID); err != nil {
			return err
		}
		return tx.closeStays(ctx, `channel_id = ? AND user_id = ?`, channelID, userID)
	})
}

func (s *SQLStore) DeleteTeamChannelMembers(ctx context.Context, teamID, userID string) error {
	return s.inTxn(ctx, func(tx *SQLStore) error {
		where := `user_id = ? AND channel_id IN (SELECT id FROM channels WHERE team_id = ?)`
		if err := tx.closeStays(ctx, where, userID, teamID); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `DELETE FROM channel_members WHERE `+where, userID, teamID)
		return err
	})
}

// closeStays sets leave_time on the open stays the condition selects.
func (s *SQLStore) closeStays(ctx context.Context, where string, a ...any) error {
	_, err := s.exec(ctx, `UPDATE channel_member_history SET leave_time = ? WHERE leave_time IS NULL AND `+where,
		append([]any{model.Now()}, a...)...)
	return err
}

// historyTime is when a stay starts: the membership's own time when the
// caller set one, now otherwise.
func historyTime(at int64) int64 {
	if at > 0 {
		return at
	}
	return model.Now()
}

func (s *SQLStore) CountChannelMembers(ctx context.Context, channelID string) (int64, error) {
	var n int64
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM channel_members cm JOIN users u ON u.id = cm.user_id
		WHERE cm.channel_id = ? AND u.delete_at = 0`, channelID).Scan(&n)
	return n, mapErr(err)
}

func (s *SQLStore) ChannelMemberIDs(ctx context.Context, channelID string) ([]string, error) {
	return s.strings(ctx, `SELECT user_id FROM channel_members WHERE channel_id = ? ORDER BY user_id`, channelID)
}

// ChannelAudience sends its lists as one UNION ALL, each tagged, so a new
// post's reads of who may hear of it are one round trip.
//
// The mention candidates are filtered in SQL so that a post does not read
// and decode every member's user row: the members the message names, and the
// members flagged (users.extra_mentions) for first-name mentions or mention
// keys, found through that flag's partial index rather than by scanning
// members. The Web Push users are driven from the subscriptions, which are
// few next to the members of a large channel, and none at all on most
// servers.
func (s *SQLStore) ChannelAudience(ctx context.Context, q store.AudienceQuery) (*store.Audience, error) {
	var parts []string
	var a []any
	if q.Mention {
		m := `SELECT u.id FROM users u WHERE u.extra_mentions AND u.delete_at = 0
			AND EXISTS (SELECT 1 FROM channel_members cm WHERE cm.channel_id = ? AND cm.user_id = u.id)`
		a = append(a, q.ChannelID)
		if len(q.Usernames) > 0 {
			m += ` UNION SELECT u.id FROM users u JOIN channel_members cm ON cm.user_id = u.id AND cm.channel_id = ?
				WHERE u.username IN (` + in(len(q.Usernames)) + `) AND u.delete_at = 0`
			a = args(append(a, q.ChannelID), q.Usernames)
		}
		parts = append(parts, `SELECT 'm', id FROM (`+m+`) mc`)
	}
	if q.Devices {
		parts = append(parts, `SELECT DISTINCT 'd', cm.user_id FROM channel_members cm
			JOIN sessions ss ON ss.user_id = cm.user_id AND ss.device_id <> '' AND (ss.expires_at = 0 OR ss.expires_at > ?)
			WHERE cm.channel_id = ?`)
		a = append(a, q.Now, q.ChannelID)
	}
	if q.WebPush {
		parts = append(parts, `SELECT DISTINCT 'w', w.user_id FROM web_push_subscriptions w
			JOIN sessions ss ON ss.id = w.session_id AND (ss.expires_at = 0 OR ss.expires_at > ?)
			WHERE EXISTS (SELECT 1 FROM channel_members cm WHERE cm.channel_id = ? AND cm.user_id = w.user_id)`)
		a = append(a, q.Now, q.ChannelID)
	}
	out := &store.Audience{}
	if len(parts) == 0 {
		return out, nil
	}
	if q.Mention {
		out.Mention = []string{}
	}
	if q.Devices {
		out.Devices = []string{}
	}
	if q.WebPush {
		out.WebPush = []string{}
	}
	rows, err := s.query(ctx, strings.Join(parts, ` UNION ALL `)+` ORDER BY 1, 2`, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var list, id string
		if err := rows.Scan(&list, &id); err != nil {
			return nil, err
		}
		switch list {
		case "m":
			out.Mention = append(out.Mention, id)
		case "d":
			out.Devices = append(out.Devices, id)
		case "w":
			out.WebPush = append(out.WebPush, id)
		}
	}
	return out, rows.Err()
}

func (s *SQLStore) IncrementChannelCounts(ctx context.Context, channelID string, at int64, isRoot bool) error {
	if isRoot {
		return s.execOne(ctx, `UPDATE channels SET last_post_at = CASE WHEN last_post_at > ? THEN last_post_at ELSE ? END,
			last_root_post_at = CASE WHEN last_root_post_at > ? THEN last_root_post_at ELSE ? END,
			total_msg_count = total_msg_count + 1, total_msg_count_root = total_msg_count_root + 1 WHERE id = ?`,
			at, at, at, at, channelID)
	}
	return s.execOne(ctx, `UPDATE channels SET last_post_at = CASE WHEN last_post_at > ? THEN last_post_at ELSE ? END,
		total_msg_count = total_msg_count + 1 WHERE id = ?`, at, at, channelID)
}

// CountPost on PostgreSQL updates the channel and the poster's membership in
// one statement (the membership's UPDATE reads the channel's new counters from
// the first's RETURNING), so the channel's row lock, which every other post in
// the channel waits for, is held for that statement and the COMMIT only.
func (s *SQLStore) CountPost(ctx context.Context, channelID, posterID string, createAt, at int64, isRoot bool) error {
	if s.driver != DriverPostgres {
		if err := s.IncrementChannelCounts(ctx, channelID, createAt, isRoot); err != nil {
			return err
		}
		if _, err := s.ViewChannel(ctx, channelID, posterID, at); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return nil
	}
	set := `total_msg_count = total_msg_count + 1`
	if isRoot {
		set += `, total_msg_count_root = total_msg_count_root + 1, last_root_post_at = GREATEST(last_root_post_at, ?)`
	}
	q := `WITH c AS (UPDATE channels SET last_post_at = GREATEST(last_post_at, ?), ` + set + ` WHERE id = ?
			RETURNING last_post_at, total_msg_count, total_msg_count_root),
		m AS (UPDATE channel_members SET
			last_viewed_at = GREATEST(channel_members.last_viewed_at, c.last_post_at),
			msg_count = c.total_msg_count, msg_count_root = c.total_msg_count_root,
			mention_count = 0, mention_count_root = 0, urgent_mention_count = 0, last_update_at = ?
			FROM c WHERE channel_members.channel_id = ? AND channel_members.user_id = ?)
		SELECT COUNT(*) FROM c`
	a := []any{createAt}
	if isRoot {
		a = append(a, createAt)
	}
	a = append(a, channelID, at, channelID, posterID)
	var n int
	if s.pipe != nil {
		// With what the transaction held back (its savepoint, the post's
		// insert): one round trip.
		if err := s.send(ctx, q, a, func(r pgx.Row) error { return r.Scan(&n) }); err != nil {
			return err
		}
	} else if err := s.queryRow(ctx, q, a...).Scan(&n); err != nil {
		return mapErr(err)
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}

func (s *SQLStore) TouchChannel(ctx context.Context, channelID string, at int64) error {
	return s.execOne(ctx, `UPDATE channels SET last_post_at = CASE WHEN last_post_at > ? THEN last_post_at ELSE ? END,
		last_root_post_at = CASE WHEN last_root_post_at > ? THEN last_root_post_at ELSE ? END WHERE id = ?`,
		at, at, at, at, channelID)
}

// ViewChannel is one statement on PostgreSQL, which reads the channel's
// counters in the UPDATE itself: posting ends with it, while the transaction
// holds the channel's row lock that every other post in the channel waits for,
// so each round trip saved there is one less per post in a busy channel.
// (SQLite cannot return the joined channel's columns from an UPDATE, and a
// statement costs it no round trip.)
func (s *SQLStore) ViewChannel(ctx context.Context, channelID, userID string, at int64) (int64, error) {
	var lastPostAt int64
	if s.driver == DriverPostgres {
		err := s.queryRow(ctx, `UPDATE channel_members SET
			last_viewed_at = GREATEST(channel_members.last_viewed_at, c.last_post_at),
			msg_count = c.total_msg_count, msg_count_root = c.total_msg_count_root,
			mention_count = 0, mention_count_root = 0, urgent_mention_count = 0, last_update_at = ?
			FROM channels c WHERE c.id = channel_members.channel_id AND channel_members.channel_id = ? AND channel_members.user_id = ?
			RETURNING c.last_post_at`, at, channelID, userID).Scan(&lastPostAt)
		return lastPostAt, mapErr(err)
	}
	if err := s.queryRow(ctx, `SELECT last_post_at FROM channels WHERE id = ?`, channelID).Scan(&lastPostAt); err != nil {
		return 0, mapErr(err)
	}
	err := s.execOne(ctx, `UPDATE channel_members SET
		last_viewed_at = CASE WHEN last_viewed_at > ? THEN last_viewed_at ELSE ? END,
		msg_count = (SELECT total_msg_count FROM channels WHERE id = ?),
		msg_count_root = (SELECT total_msg_count_root FROM channels WHERE id = ?),
		mention_count = 0, mention_count_root = 0, urgent_mention_count = 0, last_update_at = ?
		WHERE channel_id = ? AND user_id = ?`, lastPostAt, lastPostAt, channelID, channelID, at, channelID, userID)
	return lastPostAt, err
}

func (s *SQLStore) MarkUnread(ctx context.Context, channelID, userID string, lastViewedAt int64, u model.UnreadCounts, at int64) error {
	return s.execOne(ctx, `UPDATE channel_members SET last_viewed_at = ?,
		msg_count = (SELECT total_msg_count FROM channels WHERE id = ?) - ?,
		msg_count_root = (SELECT total_msg_count_root FROM channels WHERE id = ?) - ?,
		mention_count = ?, mention_count_root = ?, urgent_mention_count = 0, last_update_at = ?
		WHERE channel_id = ? AND user_id = ?`, lastViewedAt, channelID, u.Posts, channelID, u.Roots, u.Mentions, u.MentionsRoot,
		at, channelID, userID)
}

func (s *SQLStore) IncrementMentions(ctx context.Context, channelID string, userIDs []string, isRoot bool) error {
	if len(userIDs) == 0 {
		return nil
	}
	root := 0
	if isRoot {
		root = 1
	}
	_, err := s.exec(ctx, `UPDATE channel_members SET mention_count = mention_count + 1, mention_count_root = mention_count_root + ?,
		last_update_at = ? WHERE channel_id = ? AND user_id IN (`+in(len(userIDs))+`)`,
		args([]any{root, model.Now(), channelID}, userIDs)...)
	return err
}

func (s *SQLStore) UpdateMemberNotifyProps(ctx context.Context, channelID, userID string, props model.StringMap, at int64) error {
	return s.execOne(ctx, `UPDATE channel_members SET notify_props = ?, last_update_at = ? WHERE channel_id = ? AND user_id = ?`,
		asJSON(props), at, channelID, userID)
}
