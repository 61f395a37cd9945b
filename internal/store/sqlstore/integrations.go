package sqlstore

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

const incomingCols = `id, create_at, update_at, delete_at, user_id, channel_id, team_id, display_name, description,
	username, icon_url, channel_locked`

func scanIncoming(r scanner) (*model.IncomingWebhook, error) {
	var h model.IncomingWebhook
	err := r.Scan(&h.ID, &h.CreateAt, &h.UpdateAt, &h.DeleteAt, &h.UserID, &h.ChannelID, &h.TeamID, &h.DisplayName,
		&h.Description, &h.Username, &h.IconURL, &h.ChannelLocked)
	if err != nil {
		return nil, mapErr(err)
	}
	return &h, nil
}

func (s *SQLStore) SaveIncomingWebhook(ctx context.Context, h *model.IncomingWebhook) error {
	_, err := s.exec(ctx, `INSERT INTO incoming_webhooks (`+incomingCols+`) VALUES (`+in(12)+`)`,
		h.ID, h.CreateAt, h.UpdateAt, h.DeleteAt, h.UserID, h.ChannelID, h.TeamID, h.DisplayName, h.Description,
		h.Username, h.IconURL, h.ChannelLocked)
	return err
}

func (s *SQLStore) UpdateIncomingWebhook(ctx context.Context, h *model.IncomingWebhook) error {
	return s.execOne(ctx, `UPDATE incoming_webhooks SET update_at = ?, channel_id = ?, team_id = ?, display_name = ?,
		description = ?, username = ?, icon_url = ?, channel_locked = ? WHERE id = ? AND delete_at = 0`,
		h.UpdateAt, h.ChannelID, h.TeamID, h.DisplayName, h.Description, h.Username, h.IconURL, h.ChannelLocked, h.ID)
}

func (s *SQLStore) GetIncomingWebhook(ctx context.Context, id string) (*model.IncomingWebhook, error) {
	return scanIncoming(s.queryRow(ctx, `SELECT `+incomingCols+` FROM incoming_webhooks WHERE id = ? AND delete_at = 0`, id))
}

func (s *SQLStore) ListIncomingWebhooks(ctx context.Context, teamID, userID string, p store.Page) ([]*model.IncomingWebhook, error) {
	q, a := `SELECT `+incomingCols+` FROM incoming_webhooks WHERE delete_at = 0`, []any{}
	if teamID != "" {
		q, a = q+` AND team_id = ?`, append(a, teamID)
	}
	if userID != "" {
		q, a = q+` AND user_id = ?`, append(a, userID)
	}
	rows, err := s.query(ctx, q+` ORDER BY create_at, id`+limitOffset(p), a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.IncomingWebhook{}
	for rows.Next() {
		h, err := scanIncoming(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

func (s *SQLStore) DeleteIncomingWebhook(ctx context.Context, id string, at int64) error {
	return s.execOne(ctx, `UPDATE incoming_webhooks SET delete_at = ?, update_at = ? WHERE id = ? AND delete_at = 0`, at, at, id)
}

const outgoingCols = `id, token, create_at, update_at, delete_at, creator_id, channel_id, team_id, trigger_words,
	trigger_when, callback_urls, display_name, description, content_type, username, icon_url`

func scanOutgoing(r scanner) (*model.OutgoingWebhook, error) {
	var h model.OutgoingWebhook
	err := r.Scan(&h.ID, &h.Token, &h.CreateAt, &h.UpdateAt, &h.DeleteAt, &h.CreatorID, &h.ChannelID, &h.TeamID,
		asJSON(&h.TriggerWords), &h.TriggerWhen, asJSON(&h.CallbackURLs), &h.DisplayName, &h.Description,
		&h.ContentType, &h.Username, &h.IconURL)
	if err != nil {
		return nil, mapErr(err)
	}
	if h.TriggerWords == nil {
		h.TriggerWords = []string{}
	}
	if h.CallbackURLs == nil {
		h.CallbackURLs = []string{}
	}
	return &h, nil
}

func (s *SQLStore) SaveOutgoingWebhook(ctx context.Context, h *model.OutgoingWebhook) error {
	_, err := s.exec(ctx, `INSERT INTO outgoing_webhooks (`+outgoingCols+`) VALUES (`+in(16)+`)`,
		h.ID, h.Token, h.CreateAt, h.UpdateAt, h.DeleteAt, h.CreatorID, h.ChannelID, h.TeamID, asJSON(h.TriggerWords),
		h.TriggerWhen, asJSON(h.CallbackURLs), h.DisplayName, h.Description, h.ContentType, h.Username, h.IconURL)
	return err
}

func (s *SQLStore) UpdateOutgoingWebhook(ctx context.Context, h *model.OutgoingWebhook) error {
	return s.execOne(ctx, `UPDATE outgoing_webhooks SET token = ?, update_at = ?, channel_id = ?, trigger_words = ?,
		trigger_when = ?, callback_urls = ?, display_name = ?, description = ?, content_type = ?, username = ?,
		icon_url = ? WHERE id = ? AND delete_at = 0`,
		h.Token, h.UpdateAt, h.ChannelID, asJSON(h.TriggerWords), h.TriggerWhen, asJSON(h.CallbackURLs), h.DisplayName,
		h.Description, h.ContentType, h.Username, h.IconURL, h.ID)
}

func (s *SQLStore) GetOutgoingWebhook(ctx context.Context, id string) (*model.OutgoingWebhook, error) {
	return scanOutgoing(s.queryRow(ctx, `SELECT `+outgoingCols+` FROM outgoing_webhooks WHERE id = ? AND delete_at = 0`, id))
}

func (s *SQLStore) ListOutgoingWebhooks(ctx context.Context, teamID, channelID, creatorID string, p store.Page) ([]*model.OutgoingWebhook, error) {
	q, a := `SELECT `+outgoingCols+` FROM outgoing_webhooks WHERE delete_at = 0`, []any{}
	if teamID != "" {
		q, a = q+` AND team_id = ?`, append(a, teamID)
	}
	if channelID != "" {
		q, a = q+` AND channel_id = ?`, append(a, channelID)
	}
	if creatorID != "" {
		q, a = q+` AND creator_id = ?`, append(a, creatorID)
	}
	rows, err := s.query(ctx, q+` ORDER BY create_at, id`+limitOffset(p), a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.OutgoingWebhook{}
	for rows.Next() {
		h, err := scanOutgoing(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

func (s *SQLStore) DeleteOutgoingWebhook(ctx context.Context, id string, at int64) error {
	return s.execOne(ctx, `UPDATE outgoing_webhooks SET delete_at = ?, update_at = ? WHERE id = ? AND delete_at = 0`, at, at, id)
}

const commandCols = `id, token, create_at, update_at, delete_at, creator_id, team_id, trigger_word, method, username,
	icon_url, auto_complete, auto_complete_desc, auto_complete_hint, display_name, description, url`

func scanCommand(r scanner) (*model.Command, error) {
	var c model.Command
	err := r.Scan(&c.ID, &c.Token, &c.CreateAt, &c.UpdateAt, &c.DeleteAt, &c.CreatorID, &c.TeamID, &c.Trigger, &c.Method,
		&c.Username, &c.IconURL, &c.AutoComplete, &c.AutoCompleteDesc, &c.AutoCompleteHint, &c.DisplayName,
		&c.Description, &c.URL)
	if err != nil {
		return nil, mapErr(err)
	}
	return &c, nil
}

func (s *SQLStore) SaveCommand(ctx context.Context, c *model.Command) error {
	_, err := s.exec(ctx, `INSERT INTO commands (`+commandCols+`) VALUES (`+in(17)+`)`,
		c.ID, c.Token, c.CreateAt, c.UpdateAt, c.DeleteAt, c.CreatorID, c.TeamID, c.Trigger, c.Method, c.Username,
		c.IconURL, c.AutoComplete, c.AutoCompleteDesc, c.AutoCompleteHint, c.DisplayName, c.Description, c.URL)
	return err
}

func (s *SQLStore) UpdateCommand(ctx context.Context, c *model.Command) error {
	return s.execOne(ctx, `UPDATE commands SET token = ?, update_at = ?, team_id = ?, trigger_word = ?, method = ?,
		username = ?, icon_url = ?, auto_complete = ?, auto_complete_desc = ?, auto_complete_hint = ?, display_name = ?,
		description = ?, url = ? WHERE id = ? AND delete_at = 0`,
		c.Token, c.UpdateAt, c.TeamID, c.Trigger, c.Method, c.Username, c.IconURL, c.AutoComplete, c.AutoCompleteDesc,
		c.AutoCompleteHint, c.DisplayName, c.Description, c.URL, c.ID)
}

func (s *SQLStore) GetCommand(ctx context.Context, id string) (*model.Command, error) {
	return scanCommand(s.queryRow(ctx, `SELECT `+commandCols+` FROM commands WHERE id = ? AND delete_at = 0`, id))
}

func (s *SQLStore) TeamCommands(ctx context.Context, teamID string) ([]*model.Command, error) {
	return s.commands(ctx, `SELECT `+commandCols+` FROM commands WHERE team_id = ? AND delete_at = 0
		ORDER BY trigger_word, id`, teamID)
}

func (s *SQLStore) CreatorCommands(ctx context.Context, creatorID string) ([]*model.Command, error) {
	return s.commands(ctx, `SELECT `+commandCols+` FROM commands WHERE creator_id = ? AND delete_at = 0
		ORDER BY team_id, trigger_word, id`, creatorID)
}

func (s *SQLStore) commands(ctx context.Context, q string, args ...any) ([]*model.Command, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.Command{}
	for rows.Next() {
		c, err := scanCommand(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *SQLStore) DeleteCommand(ctx context.Context, id string, at int64) error {
	return s.execOne(ctx, `UPDATE commands SET delete_at = ?, update_at = ? WHERE id = ? AND delete_at = 0`, at, at, id)
}

// Bots join users for username and display name, which live on the user row.
const botSelect = `SELECT b.user_id, u.username, u.first_name, b.description, b.owner_id, b.last_icon_update,
	b.create_at, b.update_at, b.delete_at FROM bots b JOIN users u ON u.id = b.user_id`

func scanBot(r scanner) (*model.Bot, error) {
	var b model.Bot
	err := r.Scan(&b.UserID, &b.Username, &b.DisplayName, &b.Description, &b.OwnerID, &b.LastIconUpdate,
		&b.CreateAt, &b.UpdateAt, &b.DeleteAt)
	if err != nil {
		return nil, mapErr(err)
	}
	return &b, nil
}

func (s *SQLStore) SaveBot(ctx context.Context, b *model.Bot) error {
	_, err := s.exec(ctx, `INSERT INTO bots (user_id, description, owner_id, last_icon_update, create_at, update_at, delete_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, b.UserID, b.Description, b.OwnerID, b.LastIconUpdate, b.CreateAt, b.UpdateAt, b.DeleteAt)
	return err
}

func (s *SQLStore) UpdateBot(ctx context.Context, b *model.Bot) error {
	return s.execOne(ctx, `UPDATE bots SET description = ?, owner_id = ?, last_icon_update = ?, update_at = ?, delete_at = ?
		WHERE user_id = ?`, b.Description, b.OwnerID, b.LastIconUpdate, b.UpdateAt, b.DeleteAt, b.UserID)
}

func (s *SQLStore) GetBot(ctx context.Context, userID string, includeDeleted bool) (*model.Bot, error) {
	q := botSelect + ` WHERE b.user_id = ?`
	if !includeDeleted {
		q += ` AND b.delete_at = 0`
	}
	return scanBot(s.queryRow(ctx, q, userID))
}

func (s *SQLStore) ListBots(ctx context.Context, ownerID string, includeDeleted, orphaned bool, p store.Page) ([]*model.Bot, error) {
	q, a := botSelect+` WHERE 1 = 1`, []any{}
	if ownerID != "" {
		q, a = q+` AND b.owner_id = ?`, append(a, ownerID)
	}
	if !includeDeleted {
		q += ` AND b.delete_at = 0`
	}
	if orphaned {
		q += ` AND NOT EXISTS (SELECT 1 FROM users o WHERE o.id = b.owner_id AND o.delete_at = 0)`
	}
	rows, err := s.query(ctx, q+` ORDER BY u.username`+limitOffset(p), a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.Bot{}
	for rows.Next() {
		b, err := scanBot(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

func (s *SQLStore) SaveLinkMetadata(ctx context.Context, url string, at int64, data []byte) error {
	_, err := s.exec(ctx, `INSERT INTO link_metadata (url, fetched_at, data) VALUES (?, ?, ?)
		ON CONFLICT (url) DO UPDATE SET fetched_at = excluded.fetched_at, data = excluded.data`, url, at, string(data))
	return err
}

func (s *SQLStore) LinkMetadata(ctx context.Context, urls []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	if len(urls) == 0 {
		return out, nil
	}
	rows, err := s.query(ctx, `SELECT url, data FROM link_metadata WHERE url IN (`+in(len(urls))+`)`, args(nil, urls)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var u, d string
		if err := rows.Scan(&u, &d); err != nil {
			return nil, err
		}
		out[u] = []byte(d)
	}
	return out, rows.Err()
}
