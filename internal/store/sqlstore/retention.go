package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func (s *SQLStore) GlobalRetention(ctx context.Context) (*model.GlobalRetention, error) {
	var p model.GlobalRetention
	err := s.queryRow(ctx, `SELECT post_days, file_days, preserve_pinned_posts, update_at FROM retention_policies
		WHERE scope = 'global' AND target_id = ''`).Scan(&p.PostDays, &p.FileDays, &p.PreservePinnedPosts, &p.UpdateAt)
	if err != nil {
		return nil, mapErr(err)
	}
	return &p, nil
}

func (s *SQLStore) SaveGlobalRetention(ctx context.Context, p *model.GlobalRetention) error {
	_, err := s.exec(ctx, `INSERT INTO retention_policies (scope, target_id, post_days, file_days, preserve_pinned_posts, update_at)
		VALUES ('global', '', ?, ?, ?, ?)
		ON CONFLICT (scope, target_id) DO UPDATE SET post_days = excluded.post_days, file_days = excluded.file_days,
		preserve_pinned_posts = excluded.preserve_pinned_posts, update_at = excluded.update_at`,
		p.PostDays, p.FileDays, p.PreservePinnedPosts, p.UpdateAt)
	return err
}

func (s *SQLStore) DeleteGlobalRetention(ctx context.Context) error {
	return s.execOne(ctx, `DELETE FROM retention_policies WHERE scope = 'global' AND target_id = ''`)
}

// policyCols selects a granular policy with its team and channel counts.
const policyCols = `p.id, p.display_name, p.post_duration, p.file_duration, p.preserve_pinned_posts,
	(SELECT COUNT(*) FROM retention_policy_channels c WHERE c.policy_id = p.id),
	(SELECT COUNT(*) FROM retention_policy_teams t WHERE t.policy_id = p.id)`

func scanPolicy(r scanner) (*model.RetentionPolicyWithTeamAndChannelCounts, error) {
	var p model.RetentionPolicyWithTeamAndChannelCounts
	var post int64
	var file sql.NullInt64
	if err := r.Scan(&p.ID, &p.DisplayName, &post, &file, &p.PreservePinnedPosts, &p.ChannelCount, &p.TeamCount); err != nil {
		return nil, mapErr(err)
	}
	p.PostDuration = &post
	if file.Valid {
		p.FileDuration = &file.Int64
	}
	return &p, nil
}

func (s *SQLStore) SaveRetentionPolicy(ctx context.Context, p *model.RetentionPolicyWithTeamAndChannelIDs, now int64) error {
	return s.inTxn(ctx, func(tx *SQLStore) error {
		pinned := p.PreservePinnedPosts != nil && *p.PreservePinnedPosts
		if _, err := tx.exec(ctx, `INSERT INTO retention_policies_granular (id, display_name, post_duration, file_duration,
			preserve_pinned_posts, create_at, update_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			p.ID, p.DisplayName, *p.PostDuration, p.FileDuration, pinned, now, now); err != nil {
			return mapErr(err)
		}
		if err := tx.AddRetentionPolicyTeams(ctx, p.ID, p.TeamIDs); err != nil {
			return err
		}
		return tx.AddRetentionPolicyChannels(ctx, p.ID, p.ChannelIDs)
	})
}

func (s *SQLStore) PatchRetentionPolicy(ctx context.Context, p *model.RetentionPolicyWithTeamAndChannelIDs, now int64) error {
	return s.inTxn(ctx, func(tx *SQLStore) error {
		set, a := []string{"update_at = ?"}, []any{now}
		if p.DisplayName != "" {
			set, a = append(set, "display_name = ?"), append(a, p.DisplayName)
		}
		if p.PostDuration != nil {
			set, a = append(set, "post_duration = ?"), append(a, *p.PostDuration)
		}
		if p.FileDuration != nil {
			set, a = append(set, "file_duration = ?"), append(a, *p.FileDuration)
		}
		if p.PreservePinnedPosts != nil {
			set, a = append(set, "preserve_pinned_posts = ?"), append(a, *p.PreservePinnedPosts)
		}
		if err := tx.execOne(ctx, `UPDATE retention_policies_granular SET `+strings.Join(set, ", ")+` WHERE id = ?`,
			append(a, p.ID)...); err != nil {
			return err
		}
		if p.TeamIDs != nil {
			if _, err := tx.exec(ctx, `DELETE FROM retention_policy_teams WHERE policy_id = ?`, p.ID); err != nil {
				return err
			}
			if err := tx.AddRetentionPolicyTeams(ctx, p.ID, p.TeamIDs); err != nil {
				return err
			}
		}
		if p.ChannelIDs != nil {
			if _, err := tx.exec(ctx, `DELETE FROM retention_policy_channels WHERE policy_id = ?`, p.ID); err != nil {
				return err
			}
			return tx.AddRetentionPolicyChannels(ctx, p.ID, p.ChannelIDs)
		}
		return nil
	})
}

func (s *SQLStore) GetRetentionPolicy(ctx context.Context, id string) (*model.RetentionPolicyWithTeamAndChannelCounts, error) {
	return scanPolicy(s.queryRow(ctx, `SELECT `+policyCols+` FROM retention_policies_granular p WHERE p.id = ?`, id))
}

func (s *SQLStore) ListRetentionPolicies(ctx context.Context, pg store.Page) ([]*model.RetentionPolicyWithTeamAndChannelCounts, error) {
	rows, err := s.query(ctx, `SELECT `+policyCols+` FROM retention_policies_granular p ORDER BY p.display_name, p.id`+limitOffset(pg))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.RetentionPolicyWithTeamAndChannelCounts{}
	for rows.Next() {
		p, err := scanPolicy(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *SQLStore) CountRetentionPolicies(ctx context.Context) (int64, error) {
	var n int64
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM retention_policies_granular`).Scan(&n)
	return n, mapErr(err)
}

func (s *SQLStore) DeleteRetentionPolicy(ctx context.Context, id string) error {
	return s.inTxn(ctx, func(tx *SQLStore) error {
		for _, q := range []string{`DELETE FROM retention_policy_teams WHERE policy_id = ?`,
			`DELETE FROM retention_policy_channels WHERE policy_id = ?`} {
			if _, err := tx.exec(ctx, q, id); err != nil {
				return err
			}
		}
		return tx.execOne(ctx, `DELETE FROM retention_policies_granular WHERE id = ?`, id)
	})
}

func (s *SQLStore) AddRetentionPolicyTeams(ctx context.Context, policyID string, teamIDs []string) error {
	return s.addPolicyMembers(ctx, "team", "teams", "retention_policy_teams", "team_id", policyID, teamIDs)
}

func (s *SQLStore) AddRetentionPolicyChannels(ctx context.Context, policyID string, channelIDs []string) error {
	return s.addPolicyMembers(ctx, "channel", "channels", "retention_policy_channels", "channel_id", policyID, channelIDs)
}

// addPolicyMembers puts teams or channels in a policy: each must exist and be
// in no other policy (Mattermost keys the membership on the team or channel,
// so a second policy cannot take it); already in this one is fine.
func (s *SQLStore) addPolicyMembers(ctx context.Context, kind, table, link, col, policyID string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	return s.inTxn(ctx, func(tx *SQLStore) error {
		found, err := tx.strings(ctx, `SELECT id FROM `+table+` WHERE id IN (`+in(len(ids))+`)`, args(nil, ids)...)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if !contains(found, id) {
				return &store.RefError{Err: store.ErrNotFound, Kind: kind, ID: id}
			}
		}
		rows, err := tx.query(ctx, `SELECT `+col+`, policy_id FROM `+link+` WHERE policy_id <> ? AND `+col+` IN (`+in(len(ids))+`)
			ORDER BY `+col+` LIMIT 1`, args([]any{policyID}, ids)...)
		if err != nil {
			return err
		}
		var taken, other string
		if rows.Next() {
			err = rows.Scan(&taken, &other)
		}
		if cerr := rows.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		if taken != "" {
			return &store.RefError{Err: store.ErrConflict, Kind: kind, ID: taken, PolicyID: other}
		}
		for _, id := range ids {
			if _, err := tx.exec(ctx, `INSERT INTO `+link+` (`+col+`, policy_id) VALUES (?, ?) ON CONFLICT (`+col+`) DO NOTHING`,
				id, policyID); err != nil {
				return mapErr(err)
			}
		}
		_, err = tx.exec(ctx, `UPDATE retention_policies_granular SET update_at = ? WHERE id = ?`, model.Now(), policyID)
		return err
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (s *SQLStore) RemoveRetentionPolicyTeams(ctx context.Context, policyID string, teamIDs []string) error {
	if len(teamIDs) == 0 {
		return nil
	}
	_, err := s.exec(ctx, `DELETE FROM retention_policy_teams WHERE policy_id = ? AND team_id IN (`+in(len(teamIDs))+`)`,
		args([]any{policyID}, teamIDs)...)
	return err
}

func (s *SQLStore) RemoveRetentionPolicyChannels(ctx context.Context, policyID string, channelIDs []string) error {
	if len(channelIDs) == 0 {
		return nil
	}
	_, err := s.exec(ctx, `DELETE FROM retention_policy_channels WHERE policy_id = ? AND channel_id IN (`+in(len(channelIDs))+`)`,
		args([]any{policyID}, channelIDs)...)
	return err
}

var teamColsT = "t." + strings.ReplaceAll(strings.Join(strings.Fields(teamCols), " "), ", ", ", t.")

func (s *SQLStore) RetentionPolicyTeams(ctx context.Context, policyID, term string, pg store.Page) ([]*model.Team, int64, error) {
	from := ` FROM retention_policy_teams rt JOIN teams t ON t.id = rt.team_id WHERE rt.policy_id = ?`
	a := []any{policyID}
	if term != "" {
		like := likePrefix(term)
		from += ` AND (LOWER(t.name) LIKE ? ESCAPE '\' OR LOWER(t.display_name) LIKE ? ESCAPE '\')`
		a = append(a, like, like)
	}
	var total int64
	if err := s.queryRow(ctx, `SELECT COUNT(*)`+from, a...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	ts, err := s.teams(ctx, `SELECT `+teamColsT+from+` ORDER BY t.display_name, t.id`+limitOffset(pg), a...)
	if err != nil {
		return nil, 0, err
	}
	for _, t := range ts {
		t.PolicyID = &policyID
	}
	return ts, total, nil
}

func (s *SQLStore) RetentionPolicyChannels(ctx context.Context, policyID string, q *model.ChannelSearch, pg store.Page) ([]*model.ChannelWithTeamData, int64, error) {
	where := []string{`rc.policy_id = ?`}
	a := []any{policyID}
	if q != nil {
		if q.Term != "" {
			like := "%" + likePrefix(q.Term)
			where = append(where, `(LOWER(c.name) LIKE ? ESCAPE '\' OR LOWER(c.display_name) LIKE ? ESCAPE '\' OR LOWER(c.purpose) LIKE ? ESCAPE '\')`)
			a = append(a, like, like, like)
		}
		where, a = channelSearchFilter(q, where, a)
	}
	from := ` FROM retention_policy_channels rc JOIN channels c ON c.id = rc.channel_id LEFT JOIN teams t ON t.id = c.team_id
		WHERE ` + strings.Join(where, " AND ")
	var total int64
	if err := s.queryRow(ctx, `SELECT COUNT(*)`+from, a...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	rows, err := s.query(ctx, `SELECT `+channelColsC+`, COALESCE(t.display_name, ''), COALESCE(t.name, ''), COALESCE(t.update_at, 0)`+
		from+` ORDER BY c.display_name, c.id`+limitOffset(pg), a...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*model.ChannelWithTeamData{}
	for rows.Next() {
		var d model.ChannelWithTeamData
		c, err := scanChannel(extraScan{rows, []any{&d.TeamDisplayName, &d.TeamName, &d.TeamUpdateAt}})
		if err != nil {
			return nil, 0, err
		}
		d.Channel = *c
		d.PolicyID = &policyID
		out = append(out, &d)
	}
	return out, total, rows.Err()
}

func (s *SQLStore) UserTeamRetention(ctx context.Context, userID string, pg store.Page) ([]*model.RetentionPolicyForTeam, int64, error) {
	from := ` FROM team_members m JOIN teams t ON t.id = m.team_id JOIN retention_policy_teams rt ON rt.team_id = t.id
		JOIN retention_policies_granular p ON p.id = rt.policy_id WHERE m.user_id = ? AND m.delete_at = 0 AND t.delete_at = 0`
	var total int64
	if err := s.queryRow(ctx, `SELECT COUNT(*)`+from, userID).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	rows, err := s.query(ctx, `SELECT t.id, p.post_duration`+from+` ORDER BY t.id`+limitOffset(pg), userID)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*model.RetentionPolicyForTeam{}
	for rows.Next() {
		var r model.RetentionPolicyForTeam
		if err := rows.Scan(&r.TeamID, &r.PostDuration); err != nil {
			return nil, 0, err
		}
		out = append(out, &r)
	}
	return out, total, rows.Err()
}

func (s *SQLStore) UserChannelRetention(ctx context.Context, userID string, pg store.Page) ([]*model.RetentionPolicyForChannel, int64, error) {
	from := ` FROM channel_members m JOIN channels c ON c.id = m.channel_id JOIN retention_policy_channels rc ON rc.channel_id = c.id
		JOIN retention_policies_granular p ON p.id = rc.policy_id WHERE m.user_id = ? AND c.delete_at = 0`
	var total int64
	if err := s.queryRow(ctx, `SELECT COUNT(*)`+from, userID).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	rows, err := s.query(ctx, `SELECT c.id, p.post_duration`+from+` ORDER BY c.id`+limitOffset(pg), userID)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*model.RetentionPolicyForChannel{}
	for rows.Next() {
		var r model.RetentionPolicyForChannel
		if err := rows.Scan(&r.ChannelID, &r.PostDuration); err != nil {
			return nil, 0, err
		}
		out = append(out, &r)
	}
	return out, total, rows.Err()
}

// governing is the id of the granular policy that governs channel c: its
// own channel policy, else its team's; NULL when the global one does.
const governing = `COALESCE((SELECT rc.policy_id FROM retention_policy_channels rc WHERE rc.channel_id = c.id),
	(SELECT rt.policy_id FROM retention_policy_teams rt WHERE rt.team_id = c.team_id))`

// held is the condition that a legal hold covers the row x (a post or a
// file: its user_id, channel_id and create_at).
func held(x string) string {
	return `EXISTS (SELECT 1 FROM legal_holds h WHERE ` + x + `.create_at >= h.starts_at
	AND (h.ends_at = 0 OR ` + x + `.create_at <= h.ends_at)
	AND (EXISTS (SELECT 1 FROM legal_hold_users hu WHERE hu.hold_id = h.id AND hu.user_id = ` + x + `.user_id)
	  OR EXISTS (SELECT 1 FROM legal_hold_channels hc WHERE hc.hold_id = h.id AND hc.channel_id = ` + x + `.channel_id)))`
}

func (s *SQLStore) ExpiredPostIDs(ctx context.Context, q store.ExpiredPostsQuery) ([]string, error) {
	where, a := `x.create_at < ? AND x.channel_id IN (SELECT c.id FROM channels c WHERE `+governing+` IS NULL)`, []any{q.Before}
	if q.PolicyID != "" {
		where = `x.create_at < ? AND x.channel_id IN (SELECT c.id FROM channels c WHERE ` + governing + ` = ?)`
		a = append(a, q.PolicyID)
	}
	if q.PreservePinned {
		where += ` AND x.is_pinned = FALSE`
	}
	return s.strings(ctx, `SELECT x.id FROM posts x WHERE `+where+` AND NOT `+held("x")+`
		ORDER BY x.create_at, x.id LIMIT `+strconv.Itoa(max(q.Limit, 1)), a...)
}

func (s *SQLStore) ExpiredFileIDs(ctx context.Context, q store.ExpiredPostsQuery) ([]string, error) {
	// The global file policy covers the channels whose policy sets no file duration.
	chans, a := `SELECT c.id FROM channels c LEFT JOIN retention_policies_granular g ON g.id = `+governing+`
		WHERE g.file_duration IS NULL`, []any{q.Before}
	if q.PolicyID != "" {
		chans = `SELECT c.id FROM channels c WHERE ` + governing + ` = ?`
		a = append(a, q.PolicyID)
	}
	return s.strings(ctx, `SELECT x.id FROM file_infos x WHERE x.create_at < ? AND x.channel_id IN (`+chans+`)
		AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = x.post_id AND `+held("p")+`)
		AND NOT `+held("x")+` ORDER BY x.create_at, x.id LIMIT `+strconv.Itoa(max(q.Limit, 1)), a...)
}
