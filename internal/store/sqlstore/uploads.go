package sqlstore

import (
	"context"
	"strings"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

const uploadCols = `id, type, create_at, user_id, channel_id, filename, file_size, file_offset, parts`

func scanUploadSession(r scanner) (*model.UploadSession, error) {
	var us model.UploadSession
	var parts string
	if err := r.Scan(&us.ID, &us.Type, &us.CreateAt, &us.UserID, &us.ChannelID, &us.Filename, &us.FileSize,
		&us.FileOffset, &parts); err != nil {
		return nil, mapErr(err)
	}
	us.Parts = strings.Fields(parts)
	return &us, nil
}

func (s *SQLStore) uploadSessions(ctx context.Context, q string, args ...any) ([]*model.UploadSession, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.UploadSession{}
	for rows.Next() {
		us, err := scanUploadSession(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, us)
	}
	return out, rows.Err()
}

func (s *SQLStore) SaveUploadSession(ctx context.Context, us *model.UploadSession) error {
	_, err := s.exec(ctx, `INSERT INTO upload_sessions (`+uploadCols+`) VALUES (`+in(9)+`)`,
		us.ID, us.Type, us.CreateAt, us.UserID, us.ChannelID, us.Filename, us.FileSize, us.FileOffset,
		strings.Join(us.Parts, " "))
	return err
}

func (s *SQLStore) GetUploadSession(ctx context.Context, id string) (*model.UploadSession, error) {
	return scanUploadSession(s.queryRow(ctx, `SELECT `+uploadCols+` FROM upload_sessions WHERE id = ?`, id))
}

func (s *SQLStore) UploadSessionsForUser(ctx context.Context, userID string) ([]*model.UploadSession, error) {
	return s.uploadSessions(ctx, `SELECT `+uploadCols+` FROM upload_sessions WHERE user_id = ? ORDER BY create_at, id`, userID)
}

func (s *SQLStore) AddUploadPart(ctx context.Context, id string, offset, newOffset int64, part string) error {
	return s.execOne(ctx, `UPDATE upload_sessions SET file_offset = ?,
		parts = CASE WHEN parts = '' THEN ? ELSE parts || ' ' || ? END
		WHERE id = ? AND file_offset = ?`, newOffset, part, part, id, offset)
}

func (s *SQLStore) DeleteUploadSession(ctx context.Context, id string, offset int64) error {
	return s.execOne(ctx, `DELETE FROM upload_sessions WHERE id = ? AND file_offset = ?`, id, offset)
}

func (s *SQLStore) UploadSessionsCreatedBefore(ctx context.Context, before int64, limit int) ([]*model.UploadSession, error) {
	return s.uploadSessions(ctx, `SELECT `+uploadCols+` FROM upload_sessions WHERE create_at < ? ORDER BY create_at, id`+
		limitOffset(store.Page{Limit: limit}), before)
}
