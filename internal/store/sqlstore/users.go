package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

const userCols = `id, create_at, update_at, delete_at, username, password, auth_data, auth_service,
	email, email_verified, nickname, first_name, last_name, position, roles, allow_marketing, props,
	notify_props, last_password_update, last_picture_update, failed_attempts, locale, timezone,
	mfa_active, mfa_secret, last_activity_at, is_bot, bot_description`

// userArgs ends with extra_mentions, which is written but never read back:
// it is derived from notify_props for ChannelAudience's mention candidates.

func userArgs(u *model.User) []any {
	return []any{u.ID, u.CreateAt, u.UpdateAt, u.DeleteAt, u.Username, u.Password, u.AuthData, u.AuthService,
		u.Email, u.EmailVerified, u.Nickname, u.FirstName, u.LastName, u.Position, u.Roles, u.AllowMarketing,
		asJSON(u.Props), asJSON(u.NotifyProps), u.LastPasswordUpdate, u.LastPictureUpdate, u.FailedAttempts,
		u.Locale, asJSON(u.Timezone), u.MfaActive, u.MfaSecret, u.LastActivityAt, u.IsBot, u.BotDescription,
		model.HasExtraMentionKeys(u.NotifyProps)}
}

type scanner interface{ Scan(dest ...any) error }

// userDests are where userCols scan into (auth_data into authData, which
// finishUser moves into the user).
func userDests(u *model.User, authData *sql.NullString) []any {
	return []any{&u.ID, &u.CreateAt, &u.UpdateAt, &u.DeleteAt, &u.Username, &u.Password, authData, &u.AuthService,
		&u.Email, &u.EmailVerified, &u.Nickname, &u.FirstName, &u.LastName, &u.Position, &u.Roles, &u.AllowMarketing,
		asJSON(&u.Props), asJSON(&u.NotifyProps), &u.LastPasswordUpdate, &u.LastPictureUpdate, &u.FailedAttempts,
		&u.Locale, asJSON(&u.Timezone), &u.MfaActive, &u.MfaSecret, &u.LastActivityAt, &u.IsBot, &u.BotDescription}
}

func finishUser(u *model.User, authData sql.NullString) {
	if authData.Valid {
		u.AuthData = &authData.String
	}
}

func scanUser(r scanner) (*model.User, error) {
	var u model.User
	var authData sql.NullString
	if err := r.Scan(userDests(&u, &authData)...); err != nil {
		return nil, mapErr(err)
	}
	finishUser(&u, authData)
	return &u, nil
}

func (s *SQLStore) users(ctx context.Context, q string, a ...any) ([]*model.User, error) {
	rows, err := s.query(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func (s *SQLStore) SaveUser(ctx context.Context, u *model.User) error {
	_, err := s.exec(ctx, `INSERT INTO users (`+userCols+`, extra_mentions) VALUES (`+in(29)+`)`, userArgs(u)...)
	return err
}

func (s *SQLStore) UpdateUser(ctx context.Context, u *model.User) error {
	a := userArgs(u)
	return s.execOne(ctx, `UPDATE users SET create_at = ?, update_at = ?, delete_at = ?, username = ?, password = ?,
		auth_data = ?, auth_service = ?, email = ?, email_verified = ?, nickname = ?, first_name = ?, last_name = ?,
		position = ?, roles = ?, allow_marketing = ?, props = ?, notify_props = ?, last_password_update = ?,
		last_picture_update = ?, failed_attempts = ?, locale = ?, timezone = ?, mfa_active = ?, mfa_secret = ?,
		last_activity_at = ?, is_bot = ?, bot_description = ?, extra_mentions = ? WHERE id = ?`, append(a[1:], a[0])...)
}

func (s *SQLStore) GetUser(ctx context.Context, id string) (*model.User, error) {
	return scanUser(s.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
}

func (s *SQLStore) GetUserByUsername(ctx context.Context, username string) (*model.User, error) {
	return scanUser(s.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE username = ?`, strings.ToLower(username)))
}

func (s *SQLStore) GetUserByEmail(ctx context.Context, email string) (*model.User, error) {
	return scanUser(s.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE email = ?`, strings.ToLower(email)))
}

func (s *SQLStore) GetUserByAuth(ctx context.Context, service, data string) (*model.User, error) {
	return scanUser(s.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE auth_service = ? AND auth_data = ?`, service, data))
}

func (s *SQLStore) UsersByAuthService(ctx context.Context, service string) ([]*model.User, error) {
	return s.users(ctx, `SELECT `+userCols+` FROM users WHERE auth_service = ? ORDER BY id`, service)
}

func (s *SQLStore) GetUsersByIDs(ctx context.Context, ids []string, since int64) ([]*model.User, error) {
	if len(ids) == 0 {
		return []*model.User{}, nil
	}
	return s.users(ctx, `SELECT `+userCols+` FROM users WHERE id IN (`+in(len(ids))+`) AND update_at > ? ORDER BY username`,
		append(args(nil, ids), since)...)
}

func (s *SQLStore) GetUsersByUsernames(ctx context.Context, names []string) ([]*model.User, error) {
	if len(names) == 0 {
		return []*model.User{}, nil
	}
	lower := make([]string, len(names))
	for i, n := range names {
		lower[i] = strings.ToLower(n)
	}
	return s.users(ctx, `SELECT `+userCols+` FROM users WHERE username IN (`+in(len(lower))+`) ORDER BY username`, args(nil, lower)...)
}

// likePrefix escapes LIKE wildcards so a search term matches literally.
func likePrefix(term string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(strings.ToLower(term)) + "%"
}

func (s *SQLStore) ListUsers(ctx context.Context, f store.UserFilter, p store.Page) ([]*model.User, error) {
	var where []string
	var a []any
	if f.InTeam != "" {
		where = append(where, `id IN (SELECT user_id FROM team_members WHERE team_id = ? AND delete_at = 0)`)
		a = append(a, f.InTeam)
	}
	if f.NotInTeam != "" {
		where = append(where, `id NOT IN (SELECT user_id FROM team_members WHERE team_id = ? AND delete_at = 0)`)
		a = append(a, f.NotInTeam)
	}
	if f.InChannel != "" {
		where = append(where, `id IN (SELECT user_id FROM channel_members WHERE channel_id = ?)`)
		a = append(a, f.InChannel)
	}
	if f.NotInChannel != "" {
		where = append(where, `id NOT IN (SELECT user_id FROM channel_members WHERE channel_id = ?)`)
		a = append(a, f.NotInChannel)
	}
	if f.WithoutTeam {
		where = append(where, `id NOT IN (SELECT user_id FROM team_members WHERE delete_at = 0)`)
	}
	if f.Active != nil {
		if *f.Active {
			where = append(where, `delete_at = 0`)
		} else {
			where = append(where, `delete_at > 0`)
		}
	}
	if f.Role != "" {
		where = append(where, `(' ' || roles || ' ') LIKE ?`)
		a = append(a, "% "+f.Role+" %")
	}
	if f.Term != "" {
		term := strings.TrimPrefix(f.Term, "@")
		like := likePrefix(term)
		cond := `(LOWER(username) LIKE ? ESCAPE '\' OR LOWER(nickname) LIKE ? ESCAPE '\'`
		a = append(a, like, like)
		if !f.SkipFullName {
			cond += ` OR LOWER(first_name) LIKE ? ESCAPE '\' OR LOWER(last_name) LIKE ? ESCAPE '\'`
			a = append(a, like, like)
		}
		if f.SearchEmail {
			cond += ` OR LOWER(email) LIKE ? ESCAPE '\'`
			a = append(a, like)
		}
		where = append(where, cond+`)`)
	}
	if f.Since > 0 {
		where = append(where, `update_at > ?`)
		a = append(a, f.Since)
	}
	q := `SELECT ` + userCols + ` FROM users`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	switch f.Sort {
	case "create_at":
		q += ` ORDER BY create_at DESC, id`
	case "last_activity_at":
		q += ` ORDER BY last_activity_at DESC, username`
	case "admin":
		q += ` ORDER BY (SELECT scheme_admin FROM channel_members WHERE channel_id = ? AND user_id = users.id) DESC, username`
		a = append(a, f.InChannel)
	default:
		q += ` ORDER BY username`
	}
	return s.users(ctx, q+limitOffset(p), a...)
}

func (s *SQLStore) CountUsers(ctx context.Context, includeDeleted bool) (int64, error) {
	q := `SELECT COUNT(*) FROM users`
	if !includeDeleted {
		q += ` WHERE delete_at = 0`
	}
	var n int64
	err := s.queryRow(ctx, q).Scan(&n)
	return n, mapErr(err)
}

func (s *SQLStore) UpdatePassword(ctx context.Context, userID, hash string, at int64) error {
	return s.execOne(ctx, `UPDATE users SET password = ?, last_password_update = ?, update_at = ?, failed_attempts = 0 WHERE id = ?`,
		hash, at, at, userID)
}

func (s *SQLStore) SetLastPictureUpdate(ctx context.Context, userID string, from, to, at int64) error {
	return s.execOne(ctx, `UPDATE users SET last_picture_update = ?, update_at = ? WHERE id = ? AND last_picture_update = ?`,
		to, at, userID, from)
}

func (s *SQLStore) UpdateFailedAttempts(ctx context.Context, userID string, n int) error {
	return s.execOne(ctx, `UPDATE users SET failed_attempts = ? WHERE id = ?`, n, userID)
}

func (s *SQLStore) RecordLogin(ctx context.Context, userID string, at int64) error {
	return s.execOne(ctx, `UPDATE users SET last_login = ?, last_activity_at = ? WHERE id = ?`, at, at, userID)
}

func (s *SQLStore) KnownUserIDs(ctx context.Context, userID string) ([]string, error) {
	return s.strings(ctx, `SELECT DISTINCT user_id FROM (
		SELECT tm.user_id FROM team_members tm JOIN team_members me ON me.team_id = tm.team_id
			WHERE me.user_id = ? AND me.delete_at = 0 AND tm.delete_at = 0
		UNION
		SELECT cm.user_id FROM channel_members cm JOIN channel_members me ON me.channel_id = cm.channel_id
			WHERE me.user_id = ?) k WHERE user_id <> ? ORDER BY user_id`, userID, userID, userID)
}

// strings runs a query returning one text column.
func (s *SQLStore) strings(ctx context.Context, q string, a ...any) ([]string, error) {
	rows, err := s.query(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
