package sqlstore

import (
	"cmp"
	"context"
	"slices"

	"github.com/parley-chat/parley/internal/model"
)

func (s *SQLStore) SidebarCategoryRows(ctx context.Context, userID, teamID string) ([]*model.SidebarCategory, error) {
	rows, err := s.query(ctx, `SELECT id, type, display_name, sort_order, sorting, muted, collapsed FROM sidebar_categories
		WHERE user_id = ? AND team_id = ? ORDER BY sort_order, id`, userID, teamID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.SidebarCategory{}
	byID := map[string]*model.SidebarCategory{}
	for rows.Next() {
		c := &model.SidebarCategory{UserID: userID, TeamID: teamID, ChannelIDs: []string{}}
		if err := rows.Scan(&c.ID, &c.Type, &c.DisplayName, &c.SortOrder, &c.Sorting, &c.Muted, &c.Collapsed); err != nil {
			return nil, err
		}
		out = append(out, c)
		byID[c.ID] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	chans, err := s.query(ctx, `SELECT category_id, channel_id FROM sidebar_channels WHERE user_id = ? AND team_id = ?
		ORDER BY category_id, sort_order, channel_id`, userID, teamID)
	if err != nil {
		return nil, err
	}
	defer chans.Close()
	for chans.Next() {
		var cat, ch string
		if err := chans.Scan(&cat, &ch); err != nil {
			return nil, err
		}
		if c := byID[cat]; c != nil {
			c.ChannelIDs = append(c.ChannelIDs, ch)
		}
	}
	return out, chans.Err()
}

func (s *SQLStore) SaveSidebarCategories(ctx context.Context, userID, teamID string, cats []*model.SidebarCategory) error {
	return s.inTxn(ctx, func(tx *SQLStore) error {
		for _, c := range cats {
			if _, err := tx.exec(ctx, `INSERT INTO sidebar_categories (id, user_id, team_id, type, display_name, sort_order, sorting, muted, collapsed)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, sort_order = excluded.sort_order,
					sorting = excluded.sorting, muted = excluded.muted, collapsed = excluded.collapsed`,
				c.ID, userID, teamID, c.Type, c.DisplayName, c.SortOrder, c.Sorting, c.Muted, c.Collapsed); err != nil {
				return err
			}
			if c.ChannelIDs == nil {
				continue
			}
			if _, err := tx.exec(ctx, `DELETE FROM sidebar_channels WHERE category_id = ?`, c.ID); err != nil {
				return err
			}
			for i, ch := range c.ChannelIDs {
				if _, err := tx.exec(ctx, `DELETE FROM sidebar_channels WHERE user_id = ? AND team_id = ? AND channel_id = ?`,
					userID, teamID, ch); err != nil {
					return err
				}
				if c.Type != model.SidebarCategoryCustom {
					continue
				}
				if _, err := tx.exec(ctx, `INSERT INTO sidebar_channels (user_id, team_id, channel_id, category_id, sort_order)
					VALUES (?, ?, ?, ?, ?)`, userID, teamID, ch, c.ID, int64(i)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func (s *SQLStore) DeleteSidebarCategory(ctx context.Context, userID, teamID, id string) error {
	return s.inTxn(ctx, func(tx *SQLStore) error {
		if _, err := tx.exec(ctx, `DELETE FROM sidebar_channels WHERE category_id = ?`, id); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `DELETE FROM sidebar_categories WHERE id = ? AND user_id = ? AND team_id = ?`, id, userID, teamID)
		return err
	})
}

func (s *SQLStore) SetPostReminder(ctx context.Context, r *model.PostReminder) error {
	_, err := s.exec(ctx, `INSERT INTO post_reminders (post_id, user_id, target_time) VALUES (?, ?, ?)
		ON CONFLICT (post_id, user_id) DO UPDATE SET target_time = excluded.target_time`, r.PostID, r.UserID, r.TargetTime)
	return mapErr(err)
}

func (s *SQLStore) TakeDuePostReminders(ctx context.Context, now int64, limit int) ([]*model.PostReminder, error) {
	// One statement: two nodes taking at once each get the rows they deleted.
	rows, err := s.query(ctx, `DELETE FROM post_reminders WHERE (post_id, user_id) IN (
			SELECT post_id, user_id FROM post_reminders WHERE target_time <= ? ORDER BY target_time LIMIT ?)
		RETURNING post_id, user_id, target_time`, now, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.PostReminder{}
	for rows.Next() {
		r := &model.PostReminder{}
		if err := rows.Scan(&r.PostID, &r.UserID, &r.TargetTime); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	// RETURNING keeps no order.
	slices.SortFunc(out, func(a, b *model.PostReminder) int { return cmp.Compare(a.TargetTime, b.TargetTime) })
	return out, rows.Err()
}
