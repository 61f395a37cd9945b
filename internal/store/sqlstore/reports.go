package sqlstore

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/parley-chat/parley/internal/model"
)

// userReportWhere is the report's filter on users u.
func userReportWhere(q *model.UserReportQuery) (string, []any) {
	conds, args := []string{"1 = 1"}, []any{}
	if q.Role != "" {
		conds = append(conds, `(' ' || u.roles || ' ') LIKE ?`)
		args = append(args, "% "+q.Role+" %")
	}
	if q.TeamID != "" {
		conds = append(conds, `EXISTS (SELECT 1 FROM team_members tm WHERE tm.user_id = u.id AND tm.team_id = ? AND tm.delete_at = 0)`)
		args = append(args, q.TeamID)
	}
	if q.HasNoTeam {
		conds = append(conds, `NOT EXISTS (SELECT 1 FROM team_members tm WHERE tm.user_id = u.id AND tm.delete_at = 0)`)
	}
	if q.HideActive {
		conds = append(conds, `u.delete_at > 0`)
	}
	if q.HideInactive {
		conds = append(conds, `u.delete_at = 0`)
	}
	if q.Search != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(q.Search)) + "%"
		conds = append(conds, `(LOWER(u.username) LIKE ? ESCAPE '\' OR LOWER(u.email) LIKE ? ESCAPE '\'
			OR LOWER(u.first_name) LIKE ? ESCAPE '\' OR LOWER(u.last_name) LIKE ? ESCAPE '\' OR LOWER(u.nickname) LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like, like, like)
	}
	return strings.Join(conds, " AND "), args
}

func (s *SQLStore) UserReport(ctx context.Context, q *model.UserReportQuery) ([]*model.UserReport, error) {
	where, args := userReportWhere(q)
	col := "u." + q.SortColumn
	desc := q.Desc != q.Prev // a previous page is read backwards, then turned
	if q.FromID != "" {
		var from any = q.FromColumnValue
		if q.SortColumn == "create_at" {
			n, err := strconv.ParseInt(q.FromColumnValue, 10, 64)
			if err != nil {
				return nil, err
			}
			from = n
		}
		op := ">"
		if desc {
			op = "<"
		}
		where += " AND (" + col + " " + op + " ? OR (" + col + " = ? AND u.id " + op + " ?))"
		args = append(args, from, from, q.FromID)
	}
	dir := "ASC"
	if desc {
		dir = "DESC"
	}
	to := q.PostsTo
	if to == 0 {
		to = 1<<63 - 1
	}
	postArgs := []any{q.PostsFrom, to}
	rows, err := s.query(ctx, `SELECT u.id, u.create_at, u.username, u.email, u.first_name, u.last_name, u.roles, u.delete_at,
			u.last_login,
			COALESCE(st.last_activity_at, 0), COALESCE(ps.last_post, 0), COALESCE(ps.days, 0), COALESCE(ps.total, 0)
		FROM users u
		LEFT JOIN statuses st ON st.user_id = u.id
		LEFT JOIN (SELECT user_id, MAX(create_at) AS last_post, COUNT(DISTINCT create_at / 86400000) AS days, COUNT(*) AS total
			FROM posts WHERE delete_at = 0 AND type NOT LIKE 'system\_%' ESCAPE '\' AND create_at >= ? AND create_at < ? GROUP BY user_id) ps ON ps.user_id = u.id
		WHERE `+where+` ORDER BY `+col+` `+dir+`, u.id `+dir+` LIMIT ?`, append(append(postArgs, args...), q.PageSize)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.UserReport{}
	for rows.Next() {
		r := &model.UserReport{}
		if err := rows.Scan(&r.ID, &r.CreateAt, &r.Username, &r.Email, &r.FirstName, &r.LastName, &r.Roles, &r.DeleteAt,
			&r.LastLoginAt, &r.LastStatusAt, &r.LastPostDate, &r.DaysActive, &r.TotalPosts); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if q.Prev {
		slices.Reverse(out)
	}
	return out, rows.Err()
}

func (s *SQLStore) CountUserReport(ctx context.Context, q *model.UserReportQuery) (int64, error) {
	where, args := userReportWhere(q)
	var n int64
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM users u WHERE `+where, args...).Scan(&n)
	return n, err
}
