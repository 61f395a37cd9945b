package sqlstore

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
)

func (s *SQLStore) GetSystem(ctx context.Context, name string) (string, error) {
	var v string
	err := s.queryRow(ctx, `SELECT value FROM systems WHERE name = ?`, name).Scan(&v)
	return v, mapErr(err)
}

func (s *SQLStore) SetSystem(ctx context.Context, name, value string) error {
	_, err := s.exec(ctx, `INSERT INTO systems (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
	return err
}

func (s *SQLStore) SaveStatus(ctx context.Context, st *model.Status) error {
	_, err := s.exec(ctx, `INSERT INTO statuses (user_id, status, manual, last_activity_at, dnd_end_time) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET status = excluded.status, manual = excluded.manual,
		last_activity_at = excluded.last_activity_at, dnd_end_time = excluded.dnd_end_time`,
		st.UserID, st.Status, st.Manual, st.LastActivityAt, st.DNDEndTime)
	return err
}

func (s *SQLStore) GetStatus(ctx context.Context, userID string) (*model.Status, error) {
	var st model.Status
	err := s.queryRow(ctx, `SELECT user_id, status, manual, last_activity_at, dnd_end_time FROM statuses WHERE user_id = ?`, userID).
		Scan(&st.UserID, &st.Status, &st.Manual, &st.LastActivityAt, &st.DNDEndTime)
	if err != nil {
		return nil, mapErr(err)
	}
	return &st, nil
}

func (s *SQLStore) GetStatuses(ctx context.Context, userIDs []string) ([]*model.Status, error) {
	out := []*model.Status{}
	if len(userIDs) == 0 {
		return out, nil
	}
	rows, err := s.query(ctx, `SELECT user_id, status, manual, last_activity_at, dnd_end_time FROM statuses
		WHERE user_id IN (`+in(len(userIDs))+`)`, args(nil, userIDs)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var st model.Status
		if err := rows.Scan(&st.UserID, &st.Status, &st.Manual, &st.LastActivityAt, &st.DNDEndTime); err != nil {
			return nil, err
		}
		out = append(out, &st)
	}
	return out, rows.Err()
}

func (s *SQLStore) SavePreferences(ctx context.Context, prefs []model.Preference) error {
	for _, p := range prefs {
		if _, err := s.exec(ctx, `INSERT INTO preferences (user_id, category, name, value) VALUES (?, ?, ?, ?)
			ON CONFLICT (user_id, category, name) DO UPDATE SET value = excluded.value`,
			p.UserID, p.Category, p.Name, p.Value); err != nil {
			return err
		}
	}
	return nil
}

func (s *SQLStore) GetPreferences(ctx context.Context, userID, category string) ([]model.Preference, error) {
	q := `SELECT user_id, category, name, value FROM preferences WHERE user_id = ?`
	a := []any{userID}
	if category != "" {
		q += ` AND category = ?`
		a = append(a, category)
	}
	rows, err := s.query(ctx, q+` ORDER BY category, name`, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []model.Preference{}
	for rows.Next() {
		var p model.Preference
		if err := rows.Scan(&p.UserID, &p.Category, &p.Name, &p.Value); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *SQLStore) GetPreference(ctx context.Context, userID, category, name string) (*model.Preference, error) {
	var p model.Preference
	err := s.queryRow(ctx, `SELECT user_id, category, name, value FROM preferences WHERE user_id = ? AND category = ? AND name = ?`,
		userID, category, name).Scan(&p.UserID, &p.Category, &p.Name, &p.Value)
	if err != nil {
		return nil, mapErr(err)
	}
	return &p, nil
}

func (s *SQLStore) DeletePreferences(ctx context.Context, userID string, prefs []model.Preference) error {
	for _, p := range prefs {
		if _, err := s.exec(ctx, `DELETE FROM preferences WHERE user_id = ? AND category = ? AND name = ?`,
			userID, p.Category, p.Name); err != nil {
			return err
		}
	}
	return nil
}
