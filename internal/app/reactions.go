package app

import (
	"context"
	"net/http"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// MaxUniqueReactions is the number of different emoji a post may carry.
const MaxUniqueReactions = 50

// SaveReaction adds the caller's reaction to a post (idempotent).
func (a *App) SaveReaction(ctx context.Context, s *model.Session, r *model.Reaction) (*model.Reaction, error) {
	if !model.IsValidID(r.UserID) || !model.IsValidID(r.PostID) || !model.IsValidEmojiName(r.EmojiName) {
		return nil, model.NewAppError(http.StatusBadRequest, "api.reaction.save_reaction.invalid.app_error",
			"Reaction is not valid.")
	}
	if r.UserID != s.UserID {
		return nil, model.NewAppError(http.StatusForbidden, "api.reaction.save_reaction.user_id.app_error",
			"You cannot save reaction for the other user.")
	}
	p, ch, err := a.postForReadByPost(ctx, s, r.PostID)
	if err != nil {
		return nil, err
	}
	if !a.HasChannelPermission(ctx, s, ch, model.PermAddReaction) {
		return nil, model.ErrForbidden()
	}
	// As Mattermost: a standard emoji, or an existing custom one.
	if !model.IsSystemEmojiName(r.EmojiName) {
		if _, err := a.GetEmojiByName(ctx, r.EmojiName); err != nil {
			return nil, err
		}
	}
	if ch.DeleteAt > 0 {
		return nil, model.NewAppError(http.StatusForbidden, "api.reaction.save.archived_channel.app_error",
			"You cannot react to a post in an archived channel.")
	}
	existing, err := a.store.ListReactions(ctx, p.ID)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	emojis := map[string]bool{}
	for _, e := range existing {
		if e.UserID == r.UserID && e.EmojiName == r.EmojiName {
			return e, nil
		}
		emojis[e.EmojiName] = true
	}
	if !emojis[r.EmojiName] && len(emojis) >= MaxUniqueReactions {
		return nil, model.NewAppError(http.StatusBadRequest, "app.reaction.save.save.too_many_reactions",
			"Reaction limit has been reached for this post.")
	}
	now := model.Now()
	nr := &model.Reaction{UserID: r.UserID, PostID: p.ID, EmojiName: r.EmojiName, CreateAt: now, UpdateAt: now, ChannelID: ch.ID}
	err = a.store.Tx(ctx, func(tx store.Store) error {
		if err := tx.SaveReaction(ctx, nr); err != nil {
			return model.ErrInternal(err)
		}
		return storeErr(tx.SetHasReactions(ctx, p.ID, true, now), errPostNotFound())
	})
	if err != nil {
		return nil, err
	}
	a.publish(ctx, model.NewEvent(model.EventReactionAdded, model.Broadcast{ChannelID: ch.ID},
		map[string]any{"reaction": model.JSONString(nr)}))
	return nr, nil
}

// DeleteReaction removes a reaction: the caller's own, or anyone's with the system permission.
func (a *App) DeleteReaction(ctx context.Context, s *model.Session, userID, postID, emoji string) error {
	if !model.IsValidEmojiName(emoji) {
		return model.ErrInvalidURLParam("emoji_name")
	}
	p, ch, err := a.postForReadByPost(ctx, s, postID)
	if err != nil {
		return err
	}
	if !a.HasChannelPermission(ctx, s, ch, model.PermRemoveReaction) {
		return model.ErrForbidden()
	}
	// Mattermost grants removing others' reactions at system level only: the
	// permission in the team and channel admin roles does not apply.
	if userID != s.UserID && !a.HasPermission(s, model.PermRemoveOthersReactions) {
		return model.ErrForbidden()
	}
	if ch.DeleteAt > 0 {
		return model.NewAppError(http.StatusForbidden, "api.reaction.delete.archived_channel.app_error",
			"You cannot remove a reaction in an archived channel.")
	}
	now := model.Now()
	var removed bool
	err = a.store.Tx(ctx, func(tx store.Store) error {
		var err error
		removed, err = tx.DeleteReaction(ctx, p.ID, userID, emoji)
		if err != nil || !removed {
			return storeErr(err, nil)
		}
		left, err := tx.ListReactions(ctx, p.ID)
		if err != nil {
			return model.ErrInternal(err)
		}
		return storeErr(tx.SetHasReactions(ctx, p.ID, len(left) > 0, now), errPostNotFound())
	})
	if err != nil || !removed {
		return err
	}
	r := &model.Reaction{UserID: userID, PostID: p.ID, EmojiName: emoji, CreateAt: now, UpdateAt: now, ChannelID: ch.ID}
	a.publish(ctx, model.NewEvent(model.EventReactionRemoved, model.Broadcast{ChannelID: ch.ID},
		map[string]any{"reaction": model.JSONString(r)}))
	return nil
}

// Reactions lists a post's reactions.
func (a *App) Reactions(ctx context.Context, s *model.Session, postID string) ([]*model.Reaction, error) {
	if _, _, err := a.postForReadByPost(ctx, s, postID); err != nil {
		return nil, err
	}
	rs, err := a.store.ListReactions(ctx, postID)
	return rs, storeErr(err, nil)
}

// ReactionsForPosts returns reactions of every readable post among ids.
func (a *App) ReactionsForPosts(ctx context.Context, s *model.Session, ids []string) (map[string][]*model.Reaction, error) {
	readable := make([]string, 0, len(ids))
	for _, id := range ids {
		if _, _, err := a.postForRead(ctx, s, id); err == nil {
			readable = append(readable, id)
		}
	}
	m, err := a.store.ListReactionsForPosts(ctx, readable)
	return m, storeErr(err, nil)
}
