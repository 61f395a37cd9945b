package sqlstore

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

const sessionCols = `id, token, create_at, expires_at, last_activity_at, user_id, device_id, roles, is_oauth, props`

func scanSession(r scanner) (*model.Session, error) {
	var s model.Session
	err := r.Scan(&s.ID, &s.Token, &s.CreateAt, &s.ExpiresAt, &s.LastActivityAt, &s.UserID, &s.DeviceID, &s.Roles,
		&s.IsOAuth, asJSON(&s.Props))
	if err != nil {
		return nil, mapErr(err)
	}
	if s.Props == nil {
		s.Props = model.StringMap{}
	}
	return &s, nil
}

func (s *SQLStore) SaveSession(ctx context.Context, ses *model.Session) error {
	_, err := s.exec(ctx, `INSERT INTO sessions (`+sessionCols+`, access_token_id) VALUES (`+in(11)+`)`,
		ses.ID, ses.Token, ses.CreateAt, ses.ExpiresAt, ses.LastActivityAt, ses.UserID, ses.DeviceID, ses.Roles,
		ses.IsOAuth, asJSON(ses.Props), ses.Props["user_access_token_id"])
	return err
}

func (s *SQLStore) GetSessionByToken(ctx context.Context, token string) (*model.Session, error) {
	return scanSession(s.queryRow(ctx, `SELECT `+sessionCols+` FROM sessions WHERE token = ?`, token))
}

func (s *SQLStore) GetSession(ctx context.Context, id string) (*model.Session, error) {
	return scanSession(s.queryRow(ctx, `SELECT `+sessionCols+` FROM sessions WHERE id = ?`, id))
}

func (s *SQLStore) ListSessions(ctx context.Context, userID string) ([]*model.Session, error) {
	rows, err := s.query(ctx, `SELECT `+sessionCols+` FROM sessions WHERE user_id = ? ORDER BY last_activity_at DESC`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.Session{}
	for rows.Next() {
		ses, err := scanSession(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ses)
	}
	return out, rows.Err()
}

func (s *SQLStore) DeleteSession(ctx context.Context, id string) error {
	return s.execOne(ctx, `DELETE FROM sessions WHERE id = ?`, id)
}

func (s *SQLStore) DeleteUserSessions(ctx context.Context, userID string) error {
	_, err := s.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
	return err
}

func (s *SQLStore) DeleteAllSessions(ctx context.Context) error {
	_, err := s.exec(ctx, `DELETE FROM sessions`)
	return err
}

func (s *SQLStore) TouchSession(ctx context.Context, id string, at int64, ip string) error {
	if ip == "" {
		_, err := s.exec(ctx, `UPDATE sessions SET last_activity_at = ? WHERE id = ?`, at, id)
		return err
	}
	// Props change nowhere else after the session is created, so rewriting
	// them whole here loses nothing.
	ses, err := s.GetSession(ctx, id)
	if err != nil {
		return err
	}
	ses.Props["last_activity_ip"] = ip
	_, err = s.exec(ctx, `UPDATE sessions SET last_activity_at = ?, props = ? WHERE id = ?`, at, asJSON(ses.Props), id)
	return err
}

func (s *SQLStore) UpdateSessionDevice(ctx context.Context, id, deviceID string, expiresAt int64) error {
	return s.execOne(ctx, `UPDATE sessions SET device_id = ?, expires_at = ? WHERE id = ?`, deviceID, expiresAt, id)
}

func (s *SQLStore) UpdateSessionRoles(ctx context.Context, userID, roles string) error {
	_, err := s.exec(ctx, `UPDATE sessions SET roles = ? WHERE user_id = ?`, roles, userID)
	return err
}

const tokenCols = `id, token, user_id, description, is_active`

func (s *SQLStore) accessTokens(ctx context.Context, q string, a ...any) ([]*model.UserAccessToken, error) {
	rows, err := s.query(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.UserAccessToken{}
	for rows.Next() {
		var t model.UserAccessToken
		if err := rows.Scan(&t.ID, &t.Token, &t.UserID, &t.Description, &t.IsActive); err != nil {
			return nil, err
		}
		out = append(out, &t)
	}
	return out, rows.Err()
}

func (s *SQLStore) oneToken(ctx context.Context, q string, a ...any) (*model.UserAccessToken, error) {
	var t model.UserAccessToken
	err := s.queryRow(ctx, q, a...).Scan(&t.ID, &t.Token, &t.UserID, &t.Description, &t.IsActive)
	if err != nil {
		return nil, mapErr(err)
	}
	return &t, nil
}

func (s *SQLStore) SaveAccessToken(ctx context.Context, t *model.UserAccessToken) error {
	_, err := s.exec(ctx, `INSERT INTO user_access_tokens (`+tokenCols+`) VALUES (?, ?, ?, ?, ?)`,
		t.ID, t.Token, t.UserID, t.Description, t.IsActive)
	return err
}

func (s *SQLStore) GetAccessToken(ctx context.Context, id string) (*model.UserAccessToken, error) {
	return s.oneToken(ctx, `SELECT `+tokenCols+` FROM user_access_tokens WHERE id = ?`, id)
}

func (s *SQLStore) GetAccessTokenByToken(ctx context.Context, token string) (*model.UserAccessToken, error) {
	return s.oneToken(ctx, `SELECT `+tokenCols+` FROM user_access_tokens WHERE token = ?`, token)
}

func (s *SQLStore) ListAccessTokens(ctx context.Context, userID string, p store.Page) ([]*model.UserAccessToken, error) {
	if userID == "" {
		return s.accessTokens(ctx, `SELECT `+tokenCols+` FROM user_access_tokens ORDER BY id`+limitOffset(p))
	}
	return s.accessTokens(ctx, `SELECT `+tokenCols+` FROM user_access_tokens WHERE user_id = ? ORDER BY id`+limitOffset(p), userID)
}

func (s *SQLStore) SearchAccessTokens(ctx context.Context, term string) ([]*model.UserAccessToken, error) {
	like := likePrefix(term)
	return s.accessTokens(ctx, `SELECT t.id, t.token, t.user_id, t.description, t.is_active FROM user_access_tokens t
		JOIN users u ON u.id = t.user_id
		WHERE t.id = ? OR LOWER(u.username) LIKE ? ESCAPE '\' OR LOWER(t.description) LIKE ? ESCAPE '\'
		ORDER BY t.id LIMIT 100`, term, like, like)
}

func (s *SQLStore) SetAccessTokenActive(ctx context.Context, id string, active bool) error {
	return s.execOne(ctx, `UPDATE user_access_tokens SET is_active = ? WHERE id = ?`, active, id)
}

func (s *SQLStore) DeleteAccessToken(ctx context.Context, id string) error {
	return s.execOne(ctx, `DELETE FROM user_access_tokens WHERE id = ?`, id)
}

func (s *SQLStore) DeleteSessionsByAccessToken(ctx context.Context, tokenID string) error {
	_, err := s.exec(ctx, `DELETE FROM sessions WHERE access_token_id = ?`, tokenID)
	return err
}
