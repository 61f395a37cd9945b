package sqlstore

import (
	"context"
	"strconv"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func (s *SQLStore) SaveLegalHold(ctx context.Context, h *model.LegalHold) error {
	return s.inTxn(ctx, func(tx *SQLStore) error {
		if _, err := tx.exec(ctx, `INSERT INTO legal_holds (id, name, display_name, description, starts_at, ends_at,
			create_at, update_at, creator_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, h.ID, h.Name, h.DisplayName, h.Description,
			h.StartsAt, h.EndsAt, h.CreateAt, h.UpdateAt, h.CreatorID); err != nil {
			return mapErr(err)
		}
		return tx.saveHoldLists(ctx, h)
	})
}

func (s *SQLStore) UpdateLegalHold(ctx context.Context, h *model.LegalHold) error {
	return s.inTxn(ctx, func(tx *SQLStore) error {
		if err := tx.execOne(ctx, `UPDATE legal_holds SET name = ?, display_name = ?, description = ?, starts_at = ?,
			ends_at = ?, update_at = ? WHERE id = ?`, h.Name, h.DisplayName, h.Description, h.StartsAt, h.EndsAt, h.UpdateAt,
			h.ID); err != nil {
			return mapErr(err)
		}
		for _, q := range []string{`DELETE FROM legal_hold_users WHERE hold_id = ?`, `DELETE FROM legal_hold_channels WHERE hold_id = ?`} {
			if _, err := tx.exec(ctx, q, h.ID); err != nil {
				return err
			}
		}
		return tx.saveHoldLists(ctx, h)
	})
}

// saveHoldLists writes a hold's users and channels, each of which must exist.
func (s *SQLStore) saveHoldLists(ctx context.Context, h *model.LegalHold) error {
	for _, l := range []struct {
		kind, table, link, col string
		ids                    []string
	}{{"user", "users", "legal_hold_users", "user_id", h.UserIDs}, {"channel", "channels", "legal_hold_channels", "channel_id", h.ChannelIDs}} {
		if len(l.ids) == 0 {
			continue
		}
		found, err := s.strings(ctx, `SELECT id FROM `+l.table+` WHERE id IN (`+in(len(l.ids))+`)`, args(nil, l.ids)...)
		if err != nil {
			return err
		}
		for _, id := range l.ids {
			if !contains(found, id) {
				return &store.RefError{Err: store.ErrNotFound, Kind: l.kind, ID: id}
			}
			if _, err := s.exec(ctx, `INSERT INTO `+l.link+` (hold_id, `+l.col+`) VALUES (?, ?) ON CONFLICT DO NOTHING`, h.ID, id); err != nil {
				return err
			}
		}
	}
	return nil
}

const holdCols = `id, name, display_name, description, starts_at, ends_at, create_at, update_at, creator_id`

func (s *SQLStore) holds(ctx context.Context, where string, a ...any) ([]*model.LegalHold, error) {
	rows, err := s.query(ctx, `SELECT `+holdCols+` FROM legal_holds`+where+` ORDER BY name`, a...)
	if err != nil {
		return nil, err
	}
	out := []*model.LegalHold{}
	for rows.Next() {
		h := &model.LegalHold{UserIDs: []string{}, ChannelIDs: []string{}}
		if err := rows.Scan(&h.ID, &h.Name, &h.DisplayName, &h.Description, &h.StartsAt, &h.EndsAt, &h.CreateAt,
			&h.UpdateAt, &h.CreatorID); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, h)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, h := range out {
		if h.UserIDs, err = s.strings(ctx, `SELECT user_id FROM legal_hold_users WHERE hold_id = ? ORDER BY user_id`, h.ID); err != nil {
			return nil, err
		}
		if h.ChannelIDs, err = s.strings(ctx, `SELECT channel_id FROM legal_hold_channels WHERE hold_id = ? ORDER BY channel_id`, h.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *SQLStore) oneHold(ctx context.Context, where string, a ...any) (*model.LegalHold, error) {
	hs, err := s.holds(ctx, where, a...)
	if err != nil {
		return nil, err
	}
	if len(hs) == 0 {
		return nil, store.ErrNotFound
	}
	return hs[0], nil
}

func (s *SQLStore) GetLegalHold(ctx context.Context, id string) (*model.LegalHold, error) {
	return s.oneHold(ctx, ` WHERE id = ?`, id)
}

func (s *SQLStore) GetLegalHoldByName(ctx context.Context, name string) (*model.LegalHold, error) {
	return s.oneHold(ctx, ` WHERE name = ?`, name)
}

func (s *SQLStore) ListLegalHolds(ctx context.Context) ([]*model.LegalHold, error) {
	return s.holds(ctx, "")
}

func (s *SQLStore) DeleteLegalHold(ctx context.Context, id string) error {
	return s.inTxn(ctx, func(tx *SQLStore) error {
		for _, q := range []string{`DELETE FROM legal_hold_users WHERE hold_id = ?`, `DELETE FROM legal_hold_channels WHERE hold_id = ?`} {
			if _, err := tx.exec(ctx, q, id); err != nil {
				return err
			}
		}
		return tx.execOne(ctx, `DELETE FROM legal_holds WHERE id = ?`, id)
	})
}

// inRange is the condition that post p was written within hold h's range.
const inRange = `p.create_at >= h.starts_at AND (h.ends_at = 0 OR p.create_at <= h.ends_at)`

func (s *SQLStore) LegalHoldsOnUser(ctx context.Context, userID string) ([]string, error) {
	return s.strings(ctx, `SELECT h.name FROM legal_holds h
		WHERE EXISTS (SELECT 1 FROM legal_hold_users hu WHERE hu.hold_id = h.id AND hu.user_id = ?)
		   OR EXISTS (SELECT 1 FROM legal_hold_channels hc JOIN posts p ON p.channel_id = hc.channel_id
		              WHERE hc.hold_id = h.id AND p.user_id = ? AND `+inRange+`)
		ORDER BY h.name`, userID, userID)
}

func (s *SQLStore) LegalHoldsOnChannels(ctx context.Context, channelIDs []string) ([]string, error) {
	if len(channelIDs) == 0 {
		return []string{}, nil
	}
	list := in(len(channelIDs))
	return s.strings(ctx, `SELECT h.name FROM legal_holds h
		WHERE EXISTS (SELECT 1 FROM legal_hold_channels hc WHERE hc.hold_id = h.id AND hc.channel_id IN (`+list+`))
		   OR EXISTS (SELECT 1 FROM legal_hold_users hu JOIN posts p ON p.user_id = hu.user_id
		              WHERE hu.hold_id = h.id AND p.channel_id IN (`+list+`) AND `+inRange+`)
		ORDER BY h.name`, args(args(nil, channelIDs), channelIDs)...)
}

func (s *SQLStore) LegalHoldPosts(ctx context.Context, h *model.LegalHold, afterCreateAt int64, afterID string, limit int) ([]*model.Post, error) {
	return s.posts(ctx, `SELECT `+postCols+` FROM posts WHERE (create_at > ? OR (create_at = ? AND id > ?))
		AND create_at >= ? AND (? = 0 OR create_at <= ?)
		AND (user_id IN (SELECT user_id FROM legal_hold_users WHERE hold_id = ?)
		  OR channel_id IN (SELECT channel_id FROM legal_hold_channels WHERE hold_id = ?))
		ORDER BY create_at, id LIMIT `+strconv.Itoa(max(limit, 1)),
		afterCreateAt, afterCreateAt, afterID, h.StartsAt, h.EndsAt, h.EndsAt, h.ID, h.ID)
}
