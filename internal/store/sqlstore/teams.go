package sqlstore

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

const teamCols = `id, create_at, update_at, delete_at, display_name, name, description, email, type,
	company_name, allowed_domains, invite_id, allow_open_invite, last_team_icon_update`

func scanTeam(r scanner) (*model.Team, error) {
	var t model.Team
	err := r.Scan(&t.ID, &t.CreateAt, &t.UpdateAt, &t.DeleteAt, &t.DisplayName, &t.Name, &t.Description, &t.Email,
		&t.Type, &t.CompanyName, &t.AllowedDomains, &t.InviteID, &t.AllowOpenInvite, &t.LastTeamIconUpdate)
	if err != nil {
		return nil, mapErr(err)
	}
	return &t, nil
}

func (s *SQLStore) teams(ctx context.Context, q string, a ...any) ([]*model.Team, error) {
	rows, err := s.query(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.Team{}
	for rows.Next() {
		t, err := scanTeam(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func (s *SQLStore) SaveTeam(ctx context.Context, t *model.Team) error {
	_, err := s.exec(ctx, `INSERT INTO teams (`+teamCols+`) VALUES (`+in(14)+`)`,
		t.ID, t.CreateAt, t.UpdateAt, t.DeleteAt, t.DisplayName, t.Name, t.Description, t.Email, t.Type,
		t.CompanyName, t.AllowedDomains, t.InviteID, t.AllowOpenInvite, t.LastTeamIconUpdate)
	return err
}

func (s *SQLStore) UpdateTeam(ctx context.Context, t *model.Team) error {
	return s.execOne(ctx, `UPDATE teams SET update_at = ?, delete_at = ?, display_name = ?, name = ?, description = ?,
		email = ?, type = ?, company_name = ?, allowed_domains = ?, invite_id = ?, allow_open_invite = ?,
		last_team_icon_update = ? WHERE id = ?`,
		t.UpdateAt, t.DeleteAt, t.DisplayName, t.Name, t.Description, t.Email, t.Type, t.CompanyName,
		t.AllowedDomains, t.InviteID, t.AllowOpenInvite, t.LastTeamIconUpdate, t.ID)
}

func (s *SQLStore) GetTeam(ctx context.Context, id string) (*model.Team, error) {
	return scanTeam(s.queryRow(ctx, `SELECT `+teamCols+` FROM teams WHERE id = ?`, id))
}

func (s *SQLStore) GetTeamByName(ctx context.Context, name string) (*model.Team, error) {
	return scanTeam(s.queryRow(ctx, `SELECT `+teamCols+` FROM teams WHERE name = ?`, name))
}

func (s *SQLStore) GetTeamByInviteID(ctx context.Context, inviteID string) (*model.Team, error) {
	return scanTeam(s.queryRow(ctx, `SELECT `+teamCols+` FROM teams WHERE invite_id = ? AND delete_at = 0`, inviteID))
}

func openFilter(openOnly bool) string {
	if openOnly {
		return ` AND type = 'O' AND allow_open_invite = TRUE`
	}
	return ""
}

func (s *SQLStore) ListTeams(ctx context.Context, openOnly bool, p store.Page) ([]*model.Team, error) {
	return s.teams(ctx, `SELECT `+teamCols+` FROM teams WHERE delete_at = 0`+openFilter(openOnly)+
		` ORDER BY display_name, id`+limitOffset(p))
}

func (s *SQLStore) CountTeams(ctx context.Context, openOnly bool) (int64, error) {
	var n int64
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM teams WHERE delete_at = 0`+openFilter(openOnly)).Scan(&n)
	return n, mapErr(err)
}

func (s *SQLStore) SearchTeams(ctx context.Context, term string, openOnly bool, p store.Page) ([]*model.Team, error) {
	like := "%" + likePrefix(term)
	return s.teams(ctx, `SELECT `+teamCols+` FROM teams WHERE delete_at = 0`+openFilter(openOnly)+
		` AND (LOWER(name) LIKE ? ESCAPE '\' OR LOWER(display_name) LIKE ? ESCAPE '\') ORDER BY display_name, id`+limitOffset(p),
		like, like)
}

func (s *SQLStore) ListTeamsForUser(ctx context.Context, userID string) ([]*model.Team, error) {
	return s.teams(ctx, `SELECT `+teamCols+` FROM teams WHERE delete_at = 0 AND id IN
		(SELECT team_id FROM team_members WHERE user_id = ? AND delete_at = 0) ORDER BY display_name, id`, userID)
}

// DeleteTeamPermanently removes the team with its channels (and their
// content) and memberships, in one transaction.
func (s *SQLStore) DeleteTeamPermanently(ctx context.Context, id string) error {
	return s.inTxn(ctx, func(tx *SQLStore) error { return tx.purgeTeam(ctx, id) })
}

const teamMemberCols = `team_id, user_id, create_at, delete_at, scheme_guest, scheme_user, scheme_admin, explicit_roles`

func (s *SQLStore) teamMembers(ctx context.Context, q string, a ...any) ([]*model.TeamMember, error) {
	rows, err := s.query(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.TeamMember{}
	for rows.Next() {
		m, err := scanTeamMember(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func scanTeamMember(r scanner) (*model.TeamMember, error) {
	var m model.TeamMember
	if err := r.Scan(&m.TeamID, &m.UserID, &m.CreateAt, &m.DeleteAt, &m.SchemeGuest, &m.SchemeUser, &m.SchemeAdmin,
		&m.ExplicitRoles); err != nil {
		return nil, mapErr(err)
	}
	m.Roles = m.RolesString()
	return &m, nil
}

func (s *SQLStore) SaveTeamMember(ctx context.Context, m *model.TeamMember) error {
	_, err := s.exec(ctx, `INSERT INTO team_members (`+teamMemberCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (team_id, user_id) DO UPDATE SET delete_at = excluded.delete_at, scheme_guest = excluded.scheme_guest,
		scheme_user = excluded.scheme_user, scheme_admin = excluded.scheme_admin, explicit_roles = excluded.explicit_roles`,
		m.TeamID, m.UserID, m.CreateAt, m.DeleteAt, m.SchemeGuest, m.SchemeUser, m.SchemeAdmin, m.ExplicitRoles)
	return err
}

func (s *SQLStore) GetTeamMember(ctx context.Context, teamID, userID string) (*model.TeamMember, error) {
	return scanTeamMember(s.queryRow(ctx, `SELECT `+teamMemberCols+` FROM team_members WHERE team_id = ? AND user_id = ?`, teamID, userID))
}

func (s *SQLStore) ListTeamMembers(ctx context.Context, teamID string, p store.Page, sortByUsername, excludeDeletedUsers bool) ([]*model.TeamMember, error) {
	q := `SELECT tm.team_id, tm.user_id, tm.create_at, tm.delete_at, tm.scheme_guest, tm.scheme_user, tm.scheme_admin, tm.explicit_roles
		FROM team_members tm JOIN users u ON u.id = tm.user_id WHERE tm.team_id = ? AND tm.delete_at = 0`
	if excludeDeletedUsers {
		q += ` AND u.delete_at = 0`
	}
	if sortByUsername {
		q += ` ORDER BY u.username`
	} else {
		q += ` ORDER BY tm.user_id`
	}
	return s.teamMembers(ctx, q+limitOffset(p), teamID)
}

func (s *SQLStore) GetTeamMembersByIDs(ctx context.Context, teamID string, userIDs []string) ([]*model.TeamMember, error) {
	if len(userIDs) == 0 {
		return []*model.TeamMember{}, nil
	}
	return s.teamMembers(ctx, `SELECT `+teamMemberCols+` FROM team_members WHERE team_id = ? AND user_id IN (`+in(len(userIDs))+`)`,
		args([]any{teamID}, userIDs)...)
}

func (s *SQLStore) ListTeamMembersForUser(ctx context.Context, userID string) ([]*model.TeamMember, error) {
	return s.teamMembers(ctx, `SELECT `+teamMemberCols+` FROM team_members WHERE user_id = ? AND delete_at = 0
		AND team_id IN (SELECT id FROM teams WHERE delete_at = 0) ORDER BY team_id`, userID)
}

func (s *SQLStore) GetTeamStats(ctx context.Context, teamID string) (*model.TeamStats, error) {
	st := &model.TeamStats{TeamID: teamID}
	err := s.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN u.delete_at = 0 THEN 1 ELSE 0 END), 0)
		FROM team_members tm JOIN users u ON u.id = tm.user_id WHERE tm.team_id = ? AND tm.delete_at = 0`, teamID).
		Scan(&st.TotalMemberCount, &st.ActiveMemberCount)
	return st, mapErr(err)
}
