package sqlstore

import (
	"context"
	"strings"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// inTxn runs fn in the store's transaction, opening one if needed.
func (s *SQLStore) inTxn(ctx context.Context, fn func(tx *SQLStore) error) error {
	return s.Tx(ctx, func(tx store.Store) error { return fn(tx.(*SQLStore)) })
}

func (s *SQLStore) ListTeamChannels(ctx context.Context, teamID string) ([]*model.Channel, error) {
	return s.channels(ctx, `SELECT `+channelCols+` FROM channels WHERE team_id = ? AND type IN ('O', 'P') ORDER BY name, id`, teamID)
}

func (s *SQLStore) ListAllTeams(ctx context.Context) ([]*model.Team, error) {
	return s.teams(ctx, `SELECT `+teamCols+` FROM teams ORDER BY name`)
}

func (s *SQLStore) DeleteChannelMembers(ctx context.Context, channelID string) error {
	return s.inTxn(ctx, func(tx *SQLStore) error {
		if err := tx.closeStays(ctx, `channel_id = ?`, channelID); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `DELETE FROM channel_members WHERE channel_id = ?`, channelID)
		return err
	})
}

// purgeChannel removes a channel and everything in it or pointing at it: posts,
// reactions, memberships, and preferences naming the channel or its posts.
func (s *SQLStore) purgeChannel(ctx context.Context, id string) error {
	if err := s.purgeFiles(ctx, `channel_id = ?`, id); err != nil {
		return err
	}
	for _, q := range []string{
		`DELETE FROM preferences WHERE name = ?`,
		`DELETE FROM preferences WHERE category = 'flagged_post' AND name IN (SELECT id FROM posts WHERE channel_id = ?)`,
		`DELETE FROM reactions WHERE post_id IN (SELECT id FROM posts WHERE channel_id = ?)`,
		`DELETE FROM posts WHERE channel_id = ?`,
		`DELETE FROM post_versions WHERE channel_id = ?`,
		`DELETE FROM channel_members WHERE channel_id = ?`,
		`DELETE FROM channel_member_history WHERE channel_id = ?`,
	} {
		if _, err := s.exec(ctx, q, id); err != nil {
			return err
		}
	}
	return s.execOne(ctx, `DELETE FROM channels WHERE id = ?`, id)
}

// purgeTeam removes a team with all its channels and memberships.
func (s *SQLStore) purgeTeam(ctx context.Context, id string) error {
	ids, err := s.strings(ctx, `SELECT id FROM channels WHERE team_id = ?`, id)
	if err != nil {
		return err
	}
	for _, ch := range ids {
		if err := s.purgeChannel(ctx, ch); err != nil {
			return err
		}
	}
	for _, q := range []string{`DELETE FROM team_members WHERE team_id = ?`, `DELETE FROM preferences WHERE name = ?`} {
		if _, err := s.exec(ctx, q, id); err != nil {
			return err
		}
	}
	return s.execOne(ctx, `DELETE FROM teams WHERE id = ?`, id)
}

func (s *SQLStore) PurgeUser(ctx context.Context, userID, anonymizeAs string) error {
	return s.inTxn(ctx, func(tx *SQLStore) error {
		u, err := tx.GetUser(ctx, userID)
		if err != nil {
			return err
		}
		roots, err := tx.strings(ctx, `SELECT DISTINCT root_id FROM posts WHERE user_id = ? AND root_id <> ''`, userID)
		if err != nil {
			return err
		}
		// Uploads are the user's data whether or not their posts stay anonymised.
		if err := tx.purgeFiles(ctx, `user_id = ?`, userID); err != nil {
			return err
		}
		now := model.Now()
		// So are their profile pictures and the chunks of their unfinished uploads.
		if _, err := tx.exec(ctx, `INSERT INTO file_purges (kind, id, create_at)
			SELECT ?, id, ? FROM upload_sessions WHERE user_id = ? ON CONFLICT (kind, id) DO NOTHING`,
			store.PurgeUpload, now, userID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO file_purges (kind, id, create_at) VALUES (?, ?, ?)
			ON CONFLICT (kind, id) DO NOTHING`, store.PurgeUser, userID, now); err != nil {
			return err
		}
		steps := []struct {
			q string
			a []any
		}{
			// Reactions the user left on others' posts.
			{`UPDATE posts SET has_reactions = FALSE, update_at = ? WHERE has_reactions = TRUE
				AND id IN (SELECT post_id FROM reactions WHERE user_id = ?)
				AND NOT EXISTS (SELECT 1 FROM reactions r WHERE r.post_id = posts.id AND r.user_id <> ?)`, []any{now, userID, userID}},
			{`DELETE FROM reactions WHERE user_id = ?`, []any{userID}},
			// System messages of others that name the user.
			{`UPDATE posts SET props = '{}', update_at = ? WHERE type LIKE 'system\_%' ESCAPE '\' AND user_id <> ?
				AND (props LIKE ? OR props LIKE ?)`, []any{now, userID, "%" + userID + "%", `%"` + u.Username + `"%`}},
		}
		if anonymizeAs != "" {
			steps = append(steps, struct {
				q string
				a []any
			}{`UPDATE posts SET user_id = ?, message = '', props = '{}', hashtags = '', file_ids = '[]', pending_post_id = '',
				update_at = ? WHERE user_id = ?`, []any{anonymizeAs, now, userID}})
		} else {
			for _, q := range []string{
				`DELETE FROM preferences WHERE category = 'flagged_post' AND name IN (SELECT id FROM posts WHERE user_id = ?)`,
				`DELETE FROM reactions WHERE post_id IN (SELECT id FROM posts WHERE user_id = ?)`,
				`DELETE FROM posts WHERE user_id = ?`,
			} {
				steps = append(steps, struct {
					q string
					a []any
				}{q, []any{userID}})
			}
		}
		for _, q := range []string{
			`DELETE FROM preferences WHERE user_id = ? OR name = ?`,
			`DELETE FROM sessions WHERE user_id = ?`,
			`DELETE FROM user_access_tokens WHERE user_id = ?`,
			`DELETE FROM team_members WHERE user_id = ?`,
			`DELETE FROM channel_members WHERE user_id = ?`,
			`DELETE FROM channel_member_history WHERE user_id = ?`,
			`DELETE FROM post_versions WHERE user_id = ?`,
			`DELETE FROM statuses WHERE user_id = ?`,
			`DELETE FROM upload_sessions WHERE user_id = ?`,
			`DELETE FROM drafts WHERE user_id = ?`,
			`DELETE FROM user_terms_of_service WHERE user_id = ?`,
		} {
			a := []any{userID}
			if strings.Count(q, "?") == 2 {
				a = append(a, userID)
			}
			steps = append(steps, struct {
				q string
				a []any
			}{q, a})
		}
		for _, st := range steps {
			if _, err := tx.exec(ctx, st.q, st.a...); err != nil {
				return err
			}
		}
		if anonymizeAs == "" {
			for _, r := range roots {
				if err := tx.UpdateThreadStats(ctx, r, now); err != nil {
					return err
				}
			}
		}
		return tx.execOne(ctx, `DELETE FROM users WHERE id = ?`, userID)
	})
}

func (s *SQLStore) UserPosts(ctx context.Context, userID string) ([]*model.Post, error) {
	return s.posts(ctx, `SELECT `+postCols+` FROM posts WHERE user_id = ? ORDER BY create_at, id`, userID)
}

func (s *SQLStore) UserReactions(ctx context.Context, userID string) ([]*model.Reaction, error) {
	rows, err := s.query(ctx, `SELECT `+reactionCols+` FROM reactions WHERE user_id = ? ORDER BY create_at, post_id, emoji_name`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.Reaction{}
	for rows.Next() {
		var r model.Reaction
		if err := rows.Scan(&r.PostID, &r.UserID, &r.EmojiName, &r.ChannelID, &r.CreateAt, &r.UpdateAt, &r.DeleteAt); err != nil {
			return nil, err
		}
		out = append(out, &r)
	}
	return out, rows.Err()
}

func (s *SQLStore) UserTeamMembers(ctx context.Context, userID string) ([]*model.TeamMember, error) {
	return s.teamMembers(ctx, `SELECT `+teamMemberCols+` FROM team_members WHERE user_id = ? ORDER BY team_id`, userID)
}

func (s *SQLStore) UserChannelMembers(ctx context.Context, userID string) ([]*model.ChannelMember, error) {
	return s.channelMembers(ctx, `SELECT `+channelMemberCols+` FROM channel_members WHERE user_id = ? ORDER BY channel_id`, userID)
}

func (s *SQLStore) DeleteUserAccessTokens(ctx context.Context, userID string) error {
	_, err := s.exec(ctx, `DELETE FROM user_access_tokens WHERE user_id = ?`, userID)
	return err
}

// bulkRows is how many posts one INSERT carries: 19 columns × 500 rows stays
// under both SQLite's and PostgreSQL's limits on parameters.
const bulkRows = 500

func (s *SQLStore) BulkInsertPosts(ctx context.Context, posts []*model.Post) error {
	row := "(" + in(19) + ")"
	for len(posts) > 0 {
		n := min(len(posts), bulkRows)
		chunk := posts[:n]
		posts = posts[n:]
		vals := make([]string, n)
		a := make([]any, 0, n*19)
		for i, p := range chunk {
			vals[i] = row
			a = append(a, p.ID, p.CreateAt, p.UpdateAt, p.EditAt, p.DeleteAt, p.IsPinned, p.UserID, p.ChannelID, p.RootID,
				p.OriginalID, p.Message, p.Type, asJSON(p.Props), p.Hashtags, asJSON(p.FileIDs), p.PendingPostID,
				p.HasReactions, p.ReplyCount, p.LastReplyAt)
		}
		if _, err := s.exec(ctx, `INSERT INTO posts (`+postCols+`) VALUES `+strings.Join(vals, ", "), a...); err != nil {
			return err
		}
	}
	return nil
}

func (s *SQLStore) RecountChannels(ctx context.Context) error {
	counted := `p.type NOT IN (` + in(len(model.JoinLeavePostTypes)) + `)`
	a := args(args(nil, model.JoinLeavePostTypes), model.JoinLeavePostTypes)
	_, err := s.exec(ctx, `UPDATE channels SET
		total_msg_count = (SELECT COUNT(*) FROM posts p WHERE p.channel_id = channels.id AND p.delete_at = 0 AND `+counted+`),
		total_msg_count_root = (SELECT COUNT(*) FROM posts p WHERE p.channel_id = channels.id AND p.delete_at = 0 AND p.root_id = '' AND `+counted+`),
		last_post_at = (SELECT COALESCE(MAX(p.create_at), 0) FROM posts p WHERE p.channel_id = channels.id AND p.delete_at = 0),
		last_root_post_at = (SELECT COALESCE(MAX(p.create_at), 0) FROM posts p WHERE p.channel_id = channels.id AND p.delete_at = 0 AND p.root_id = '')`, a...)
	return err
}

const auditCols = `id, create_at, actor_id, action, target_type, target_id, ip_address, session_id, success, details`

func (s *SQLStore) SaveAudit(ctx context.Context, a *model.Audit) error {
	_, err := s.exec(ctx, `INSERT INTO audits (`+auditCols+`) VALUES (`+in(10)+`)`,
		a.ID, a.CreateAt, a.ActorID, a.Action, a.TargetType, a.TargetID, a.IPAddress, a.SessionID, a.Success, a.Details)
	return err
}

func (s *SQLStore) ListAudits(ctx context.Context, f store.AuditFilter) ([]*model.Audit, error) {
	q := `SELECT ` + auditCols + ` FROM audits WHERE 1 = 1`
	var a []any
	if f.UserID != "" {
		q += ` AND (actor_id = ? OR target_id = ?)`
		a = append(a, f.UserID, f.UserID)
	}
	if prefix, ok := strings.CutSuffix(f.Action, "*"); ok {
		q += ` AND action LIKE ? ESCAPE '\'`
		a = append(a, likePrefix(prefix))
	} else if f.Action != "" {
		q += ` AND action = ?`
		a = append(a, f.Action)
	}
	if f.Since > 0 {
		q += ` AND create_at >= ?`
		a = append(a, f.Since)
	}
	if f.Until > 0 {
		q += ` AND create_at < ?`
		a = append(a, f.Until)
	}
	order := ` ORDER BY create_at DESC, id DESC`
	if c := f.After; c != nil {
		// The lone lower bound keeps one range scan of idx_audits_create;
		// SQLite plans the plain row comparison as a multi-index OR whose
		// sort reads every later entry, a batch at a time.
		q += ` AND create_at >= ? AND (create_at > ? OR id > ?)`
		a = append(a, c.CreateAt, c.CreateAt, c.ID)
		order = ` ORDER BY create_at, id`
	}
	rows, err := s.query(ctx, q+order+limitOffset(store.Page{Limit: f.Limit}), a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.Audit{}
	for rows.Next() {
		var x model.Audit
		if err := rows.Scan(&x.ID, &x.CreateAt, &x.ActorID, &x.Action, &x.TargetType, &x.TargetID, &x.IPAddress,
			&x.SessionID, &x.Success, &x.Details); err != nil {
			return nil, err
		}
		out = append(out, &x)
	}
	return out, rows.Err()
}

func (s *SQLStore) ScrubAudits(ctx context.Context, userID string) error {
	_, err := s.exec(ctx, `UPDATE audits SET details = '', ip_address = '' WHERE actor_id = ? OR target_id = ?`, userID, userID)
	return err
}

func (s *SQLStore) RemoveFileInfos(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	return s.purgeFiles(ctx, `id IN (`+in(len(ids))+`)`, args(nil, ids)...)
}

func (s *SQLStore) DeletePostsPermanently(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	return s.inTxn(ctx, func(tx *SQLStore) error {
		list := `(` + in(len(ids)) + `)`
		roots, err := tx.strings(ctx, `SELECT DISTINCT root_id FROM posts WHERE root_id <> '' AND id IN `+list, args(nil, ids)...)
		if err != nil {
			return err
		}
		if err := tx.purgeFiles(ctx, `post_id IN `+list, args(nil, ids)...); err != nil {
			return err
		}
		for _, q := range []string{
			`DELETE FROM preferences WHERE category = 'flagged_post' AND name IN ` + list,
			`DELETE FROM reactions WHERE post_id IN ` + list,
			`DELETE FROM post_versions WHERE post_id IN ` + list,
			`DELETE FROM posts WHERE id IN ` + list,
		} {
			if _, err := tx.exec(ctx, q, args(nil, ids)...); err != nil {
				return err
			}
		}
		now := model.Now()
		for _, r := range roots {
			if err := tx.UpdateThreadStats(ctx, r, now); err != nil {
				return err
			}
		}
		return nil
	})
}
