package app

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func errBotNotFound() *model.AppError {
	return model.ErrNotFound("store.sql_bot.get.missing.app_error", "bot")
}

// CreateBot makes a bot account owned by the caller. The bot is a user with
// is_bot set: it cannot log in and authenticates with access tokens.
func (a *App) CreateBot(ctx context.Context, s *model.Session, in *model.BotPatch) (*model.Bot, error) {
	if !a.HasPermission(s, model.PermCreateBot) {
		return nil, model.ErrForbidden()
	}
	if !a.Config().EnableBotAccountCreation {
		return nil, model.NewAppError(http.StatusForbidden, "api.bot.create_disabled", "Bot creation has been disabled.")
	}
	if in.Username == nil {
		return nil, model.ErrInvalidBody("username")
	}
	now := model.Now()
	b := &model.Bot{UserID: model.NewID(), Username: strings.ToLower(strings.TrimSpace(*in.Username)), OwnerID: s.UserID,
		CreateAt: now, UpdateAt: now}
	if in.DisplayName != nil {
		b.DisplayName = *in.DisplayName
	}
	if in.Description != nil {
		b.Description = *in.Description
	}
	if appErr := b.IsValid(); appErr != nil {
		return nil, appErr
	}
	u := &model.User{ID: b.UserID, CreateAt: now, UpdateAt: now, Username: b.Username, Email: b.Username + "@localhost",
		FirstName: b.DisplayName, Roles: model.RoleSystemUser, IsBot: true, BotDescription: b.Description,
		EmailVerified: true}
	u.PreSave()
	err := a.store.Tx(ctx, func(tx store.Store) error {
		if err := a.saveNewUser(ctx, tx, u); err != nil {
			return err
		}
		return storeErr(tx.SaveBot(ctx, b), nil)
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// botForRead loads a bot the caller may see: their own with read_bots, any
// with read_others_bots.
func (a *App) botForRead(ctx context.Context, s *model.Session, id string, includeDeleted bool) (*model.Bot, error) {
	b, err := a.store.GetBot(ctx, id, includeDeleted)
	if err != nil {
		return nil, storeErr(err, errBotNotFound())
	}
	if a.HasPermission(s, model.PermReadOthersBots) || (b.OwnerID == s.UserID && a.HasPermission(s, model.PermReadBots)) {
		return b, nil
	}
	return nil, errBotNotFound()
}

// botForWrite loads a bot (disabled ones too) the caller may manage.
func (a *App) botForWrite(ctx context.Context, s *model.Session, id string) (*model.Bot, error) {
	b, err := a.botForRead(ctx, s, id, true)
	if err != nil {
		return nil, err
	}
	if a.HasPermission(s, model.PermManageOthersBots) || (b.OwnerID == s.UserID && a.HasPermission(s, model.PermManageBots)) {
		return b, nil
	}
	return nil, model.ErrForbidden()
}

// managesBot reports whether userID is a bot the caller may manage, which
// lets its owner create and revoke its access tokens.
func (a *App) managesBot(ctx context.Context, s *model.Session, userID string) bool {
	_, err := a.botForWrite(ctx, s, userID)
	return err == nil
}

// Bot returns one bot.
func (a *App) Bot(ctx context.Context, s *model.Session, id string, includeDeleted bool) (*model.Bot, error) {
	return a.botForRead(ctx, s, id, includeDeleted)
}

// Bots lists the bots the caller may see.
func (a *App) Bots(ctx context.Context, s *model.Session, includeDeleted, orphaned bool, p, perPage int) ([]*model.Bot, error) {
	owner := ""
	if !a.HasPermission(s, model.PermReadOthersBots) {
		if !a.HasPermission(s, model.PermReadBots) {
			return nil, model.ErrForbidden()
		}
		owner = s.UserID
	}
	bs, err := a.store.ListBots(ctx, owner, includeDeleted, orphaned, page(p, perPage))
	return bs, storeErr(err, nil)
}

// PatchBot changes a bot's username, display name or description.
func (a *App) PatchBot(ctx context.Context, s *model.Session, id string, patch *model.BotPatch) (*model.Bot, error) {
	b, err := a.botForWrite(ctx, s, id)
	if err != nil {
		return nil, err
	}
	u, err := a.store.GetUser(ctx, id)
	if err != nil {
		return nil, storeErr(err, errBotNotFound())
	}
	if patch.Username != nil {
		b.Username = strings.ToLower(strings.TrimSpace(*patch.Username))
	}
	if patch.DisplayName != nil {
		b.DisplayName = *patch.DisplayName
	}
	if patch.Description != nil {
		b.Description = *patch.Description
	}
	if appErr := b.IsValid(); appErr != nil {
		return nil, appErr
	}
	b.UpdateAt = model.Now()
	u.Username, u.FirstName, u.BotDescription, u.UpdateAt = b.Username, b.DisplayName, b.Description, b.UpdateAt
	if err := a.saveBotAndUser(ctx, b, u, false); err != nil {
		return nil, err
	}
	return b, nil
}

// SetBotActive disables a bot (its account and tokens stop working) or enables it again.
func (a *App) SetBotActive(ctx context.Context, s *model.Session, id string, active bool) (*model.Bot, error) {
	b, err := a.botForWrite(ctx, s, id)
	if err != nil {
		return nil, err
	}
	u, err := a.store.GetUser(ctx, id)
	if err != nil {
		return nil, storeErr(err, errBotNotFound())
	}
	now := model.Now()
	switch {
	case active && b.DeleteAt > 0:
		b.DeleteAt, u.DeleteAt = 0, 0
	case !active && b.DeleteAt == 0:
		b.DeleteAt, u.DeleteAt = now, now
	default:
		return b, nil
	}
	b.UpdateAt, u.UpdateAt = now, now
	if err := a.saveBotAndUser(ctx, b, u, !active); err != nil {
		return nil, err
	}
	return b, nil
}

// AssignBot gives a bot to another owner.
func (a *App) AssignBot(ctx context.Context, s *model.Session, id, ownerID string) (*model.Bot, error) {
	b, err := a.botForWrite(ctx, s, id)
	if err != nil {
		return nil, err
	}
	owner, err := a.store.GetUser(ctx, ownerID)
	if err != nil {
		return nil, storeErr(err, errUserNotFound())
	}
	if owner.IsBot {
		return nil, model.NewAppError(http.StatusBadRequest, "api.bot.assign.bot_owner.app_error", "A bot cannot own a bot.")
	}
	b.OwnerID, b.UpdateAt = ownerID, model.Now()
	if err := a.store.UpdateBot(ctx, b); err != nil {
		return nil, storeErr(err, errBotNotFound())
	}
	return b, nil
}

func (a *App) saveBotAndUser(ctx context.Context, b *model.Bot, u *model.User, endSessions bool) error {
	err := a.store.Tx(ctx, func(tx store.Store) error {
		if err := tx.UpdateUser(ctx, u); err != nil {
			return userConflict(err)
		}
		if err := tx.UpdateBot(ctx, b); err != nil {
			return storeErr(err, errBotNotFound())
		}
		if endSessions {
			return a.endSessions(ctx, tx, u.ID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	a.publishUserUpdated(ctx, u)
	return nil
}

// ensureBotRow records a bot row for a user converted to a bot, owned by the
// converting admin, so it appears under /bots.
func (a *App) ensureBotRow(ctx context.Context, tx store.Store, u *model.User, ownerID string) error {
	if _, err := tx.GetBot(ctx, u.ID, true); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return model.ErrInternal(err)
	}
	if !model.IsValidID(ownerID) {
		ownerID = u.ID
	}
	now := model.Now()
	return storeErr(tx.SaveBot(ctx, &model.Bot{UserID: u.ID, Username: u.Username, Description: u.BotDescription,
		OwnerID: ownerID, CreateAt: now, UpdateAt: now}), nil)
}
