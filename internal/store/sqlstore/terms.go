package sqlstore

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
)

func (s *SQLStore) SaveTermsOfService(ctx context.Context, t *model.TermsOfService) error {
	_, err := s.exec(ctx, `INSERT INTO terms_of_service (id, create_at, user_id, text) VALUES (?, ?, ?, ?)`,
		t.ID, t.CreateAt, t.UserID, t.Text)
	return mapErr(err)
}

func (s *SQLStore) LatestTermsOfService(ctx context.Context) (*model.TermsOfService, error) {
	return s.termsOfService(ctx, `SELECT id, create_at, user_id, text FROM terms_of_service
		ORDER BY create_at DESC, id DESC LIMIT 1`)
}

func (s *SQLStore) GetTermsOfService(ctx context.Context, id string) (*model.TermsOfService, error) {
	return s.termsOfService(ctx, `SELECT id, create_at, user_id, text FROM terms_of_service WHERE id = ?`, id)
}

func (s *SQLStore) termsOfService(ctx context.Context, q string, args ...any) (*model.TermsOfService, error) {
	t := &model.TermsOfService{}
	if err := s.queryRow(ctx, q, args...).Scan(&t.ID, &t.CreateAt, &t.UserID, &t.Text); err != nil {
		return nil, mapErr(err)
	}
	return t, nil
}

func (s *SQLStore) SaveUserTermsOfService(ctx context.Context, a *model.UserTermsOfService) error {
	_, err := s.exec(ctx, `INSERT INTO user_terms_of_service (user_id, terms_of_service_id, create_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET terms_of_service_id = excluded.terms_of_service_id, create_at = excluded.create_at`,
		a.UserID, a.TermsOfServiceID, a.CreateAt)
	return mapErr(err)
}

func (s *SQLStore) GetUserTermsOfService(ctx context.Context, userID string) (*model.UserTermsOfService, error) {
	a := &model.UserTermsOfService{}
	err := s.queryRow(ctx, `SELECT user_id, terms_of_service_id, create_at FROM user_terms_of_service WHERE user_id = ?`,
		userID).Scan(&a.UserID, &a.TermsOfServiceID, &a.CreateAt)
	if err != nil {
		return nil, mapErr(err)
	}
	return a, nil
}

func (s *SQLStore) DeleteUserTermsOfService(ctx context.Context, userID, termsID string) error {
	_, err := s.exec(ctx, `DELETE FROM user_terms_of_service WHERE user_id = ? AND terms_of_service_id = ?`, userID, termsID)
	return mapErr(err)
}
