package app

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/parley-chat/parley/internal/filestore"
	"github.com/parley-chat/parley/internal/imaging"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

const (
	// MaxEmojiBytes is the largest custom emoji image accepted.
	MaxEmojiBytes = 1 << 20
	// EmojiSide is the largest width and height a stored emoji image has.
	EmojiSide = 128
	// maxEmojiResults bounds search and autocomplete answers.
	maxEmojiResults = 100
)

func errEmojiNotFound() *model.AppError {
	return model.ErrNotFound("app.emoji.get.no_result", "emoji")
}

// EmojiEnabled refuses when custom emoji are turned off.
func (a *App) EmojiEnabled() error {
	if !a.Config().EnableCustomEmoji {
		return model.NewAppError(http.StatusNotImplemented, "api.emoji.disabled.app_error",
			"Custom emoji have been disabled by the system admin.")
	}
	return nil
}

// ErrEmojiTooLarge is the answer to an emoji image over MaxEmojiBytes.
func ErrEmojiTooLarge() *model.AppError {
	return model.NewAppError(http.StatusRequestEntityTooLarge, "api.emoji.create.too_large.app_error",
		"Unable to create emoji. Image must be less than 1 MB in size.")
}

// CreateEmoji adds a custom emoji named in e, made by the caller, from an
// uploaded GIF, PNG or JPEG image, which is stored re-encoded at most
// EmojiSide pixels wide and high (animation kept).
func (a *App) CreateEmoji(ctx context.Context, s *model.Session, e *model.Emoji, image []byte) (*model.Emoji, error) {
	if err := a.EmojiEnabled(); err != nil {
		return nil, err
	}
	if !a.HasPermission(s, model.PermCreateEmojis) {
		return nil, model.ErrForbidden()
	}
	if e.CreatorID != s.UserID {
		return nil, model.NewAppError(http.StatusForbidden, "api.emoji.create.other_user.app_error",
			"Invalid user id.")
	}
	if appErr := model.ValidateEmojiName(e.Name); appErr != nil {
		return nil, appErr
	}
	if len(image) > MaxEmojiBytes {
		return nil, ErrEmojiTooLarge()
	}
	if _, err := a.store.GetEmojiByName(ctx, e.Name); err == nil {
		return nil, errDuplicateEmoji()
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, model.ErrInternal(err)
	}
	data, err := a.emojiImage(ctx, image)
	if err != nil {
		return nil, err
	}
	now := model.Now()
	out := &model.Emoji{ID: model.NewID(), CreateAt: now, UpdateAt: now, CreatorID: s.UserID, Name: e.Name}
	if _, err := a.files.Write(ctx, emojiKey(out.ID), bytes.NewReader(data)); err != nil {
		return nil, errStorage(err)
	}
	if err := a.store.SaveEmoji(ctx, out); err != nil {
		a.removeBytes(ctx, emojiDir(out.ID))
		return nil, storeErr(err, nil, errDuplicateEmoji())
	}
	a.audit(ctx, s, model.AuditEmojiAdd, "emoji", out.ID, true, "name="+out.Name)
	a.publish(ctx, model.NewEvent(model.EventEmojiAdded, model.Broadcast{}, map[string]any{"emoji": model.JSONString(out)}))
	return out, nil
}

func errDuplicateEmoji() *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "api.emoji.create.duplicate.app_error",
		"Unable to create emoji. Another emoji with the same name already exists.")
}

// emojiImage scales an upload within the decode budget, like file previews.
func (a *App) emojiImage(ctx context.Context, image []byte) ([]byte, error) {
	data, _, err := a.images.Emoji(ctx, image, EmojiSide, a.Config().MaxImagePixels)
	switch {
	case errors.Is(err, imaging.ErrTooManyPixels):
		return nil, model.NewAppError(http.StatusBadRequest, "api.emoji.upload.large_image.too_large.app_error",
			"Unable to create emoji: the image has too many pixels.")
	case errors.Is(err, imaging.ErrDamaged):
		return nil, model.NewAppError(http.StatusBadRequest, "api.emoji.upload.image.app_error",
			"Unable to create emoji. The image must be a valid GIF, PNG or JPEG file.").Wrap(err)
	case err != nil:
		return nil, model.ErrInternal(err)
	}
	return data, nil
}

// GetEmoji returns a live custom emoji by id.
func (a *App) GetEmoji(ctx context.Context, id string) (*model.Emoji, error) {
	if err := a.EmojiEnabled(); err != nil {
		return nil, err
	}
	e, err := a.store.GetEmoji(ctx, id)
	return e, storeErr(err, errEmojiNotFound())
}

// GetEmojiByName returns a live custom emoji by name.
func (a *App) GetEmojiByName(ctx context.Context, name string) (*model.Emoji, error) {
	if err := a.EmojiEnabled(); err != nil {
		return nil, err
	}
	e, err := a.store.GetEmojiByName(ctx, name)
	return e, storeErr(err, model.ErrNotFound("app.emoji.get_by_name.no_result", "emoji"))
}

// GetEmojisByNames returns the custom emoji that exist among names.
func (a *App) GetEmojisByNames(ctx context.Context, names []string) ([]*model.Emoji, error) {
	if err := a.EmojiEnabled(); err != nil {
		return nil, err
	}
	es, err := a.store.GetEmojisByNames(ctx, names)
	return es, storeErr(err, nil)
}

// ListEmoji pages custom emoji by creation time, or by name.
func (a *App) ListEmoji(ctx context.Context, pageNo, perPage int, byName bool) ([]*model.Emoji, error) {
	if err := a.EmojiEnabled(); err != nil {
		return nil, err
	}
	es, err := a.store.ListEmoji(ctx, page(pageNo, perPage), byName)
	return es, storeErr(err, nil)
}

// SearchEmoji finds custom emoji by name: starting with term, or containing it.
func (a *App) SearchEmoji(ctx context.Context, term string, prefixOnly bool) ([]*model.Emoji, error) {
	if err := a.EmojiEnabled(); err != nil {
		return nil, err
	}
	term = strings.ToLower(strings.TrimSpace(term))
	if term == "" || len(term) > 64 {
		return nil, model.ErrInvalidBody("term")
	}
	es, err := a.store.SearchEmoji(ctx, term, prefixOnly, maxEmojiResults)
	return es, storeErr(err, nil)
}

// EmojiImage opens the stored image of a custom emoji with its content type.
func (a *App) EmojiImage(ctx context.Context, id string) (filestore.Object, string, error) {
	e, err := a.GetEmoji(ctx, id)
	if err != nil {
		return nil, "", err
	}
	obj, err := a.files.Open(ctx, emojiKey(e.ID))
	if errors.Is(err, filestore.ErrNotFound) {
		return nil, "", errEmojiNotFound()
	}
	if err != nil {
		return nil, "", model.ErrInternal(err)
	}
	// The stored bytes are Parley's own PNG or GIF; their first bytes say which.
	var head [16]byte
	n, _ := io.ReadFull(obj, head[:])
	if _, err := obj.Seek(0, io.SeekStart); err != nil {
		obj.Close()
		return nil, "", model.ErrInternal(err)
	}
	return obj, imaging.MimeType(imaging.Format(head[:n])), nil
}

// DeleteEmoji removes a custom emoji: one's own with delete_emojis, anyone's
// with delete_others_emojis. Its image is removed too.
func (a *App) DeleteEmoji(ctx context.Context, s *model.Session, id string) error {
	e, err := a.GetEmoji(ctx, id)
	if err != nil {
		return err
	}
	perm := model.PermDeleteEmojis
	if e.CreatorID != s.UserID {
		perm = model.PermDeleteOthersEmojis
	}
	if !a.HasPermission(s, perm) {
		return model.ErrForbidden()
	}
	if err := a.store.DeleteEmoji(ctx, id, model.Now()); err != nil {
		return storeErr(err, errEmojiNotFound())
	}
	a.audit(ctx, s, model.AuditEmojiDelete, "emoji", id, true, "name="+e.Name)
	a.drainPurges(ctx)
	return nil
}
