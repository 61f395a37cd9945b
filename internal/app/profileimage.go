package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/parley-chat/parley/internal/filestore"
	"github.com/parley-chat/parley/internal/imaging"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Profile pictures: an upload is decoded and stored re-encoded as a square
// PNG under a key named by the user and the picture's last_picture_update,
//
//	users/<user id>/<last_picture_update>.png
//
// so the row says which object is current: a new picture is written before
// the row points at it, and the previous one removed after. A positive
// last_picture_update means an uploaded picture; 0 (never) or negative (reset
// to the default, as Mattermost stores it) means the generated one.

// ProfileImageSide is the width and height of a stored profile picture.
const ProfileImageSide = 128

func profileImageDir(userID string) string { return "users/" + userID }
func profileImageKey(userID string, at int64) string {
	return profileImageDir(userID) + "/" + strconv.FormatInt(at, 10) + ".png"
}

// profileImageBytes checks an uploaded picture and returns it as stored.
func (a *App) profileImageBytes(ctx context.Context, data []byte) ([]byte, error) {
	if imaging.Format(data) == "" {
		return nil, model.NewAppError(http.StatusBadRequest, "api.user.upload_profile_user.decode.app_error",
			"The profile image must be a JPEG, PNG, GIF or WebP image.")
	}
	out, err := a.images.Avatar(ctx, bytes.NewReader(data), ProfileImageSide, a.Config().MaxImagePixels)
	switch {
	case errors.Is(err, imaging.ErrTooManyPixels):
		return nil, model.NewAppError(http.StatusBadRequest, "api.file.upload_file.large_image_detailed.app_error",
			"The profile image has more pixels than this server processes ("+
				strconv.FormatInt(a.Config().MaxImagePixels, 10)+").")
	case errors.Is(err, imaging.ErrDamaged):
		return nil, model.NewAppError(http.StatusBadRequest, "api.user.upload_profile_user.decode.app_error",
			"The profile image is damaged or truncated.").Wrap(err)
	case err != nil:
		return nil, model.ErrInternal(fmt.Errorf("profile image: %w", err))
	}
	return out, nil
}

// ErrProfileImageTooLarge is the refusal of a picture over max_file_size.
func (a *App) ErrProfileImageTooLarge() *model.AppError {
	return model.NewAppError(http.StatusRequestEntityTooLarge, "api.user.upload_profile_user.too_large.app_error",
		"Unable to upload the profile image: it exceeds the maximum file size of "+
			strconv.FormatInt(a.Config().MaxFileSize, 10)+" bytes.")
}

// editableUser loads a user whose profile the caller may edit.
func (a *App) editableUser(ctx context.Context, s *model.Session, userID string) (*model.User, error) {
	u, err := a.store.GetUser(ctx, userID)
	if err != nil {
		return nil, storeErr(err, errUserNotFound())
	}
	if !a.canEditUser(s, u) {
		return nil, model.ErrForbidden()
	}
	return u, nil
}

// SetProfileImage makes the picture that open yields (at most max_file_size)
// the user's. open runs after the permission check, so a caller who may not
// edit the user is refused before their upload is read.
func (a *App) SetProfileImage(ctx context.Context, s *model.Session, userID string, open func() (io.Reader, error)) error {
	u, err := a.editableUser(ctx, s, userID)
	if err != nil {
		return err
	}
	body, err := open()
	if err != nil {
		return err
	}
	limit := a.Config().MaxFileSize
	data, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return a.uploadReadError(err)
	}
	if int64(len(data)) > limit {
		return a.ErrProfileImageTooLarge()
	}
	img, err := a.profileImageBytes(ctx, data)
	if err != nil {
		return err
	}
	at, key, err := a.writeProfileImage(ctx, u, img)
	if err != nil {
		return errStorage(err)
	}
	return a.movePicture(ctx, u, at, key)
}

// writeProfileImage stores img as u's next picture, under a new key, and
// returns the last_picture_update that names it and the key. Nothing points
// at it yet.
func (a *App) writeProfileImage(ctx context.Context, u *model.User, img []byte) (at int64, key string, err error) {
	// Strictly after the current value, so the new key never names the old object.
	at = max(model.Now(), u.LastPictureUpdate+1)
	key = profileImageKey(u.ID, at)
	if _, err := a.files.Write(ctx, key, bytes.NewReader(img)); err != nil {
		return 0, "", fmt.Errorf("store profile image: %w", err)
	}
	return at, key, nil
}

// ResetProfileImage goes back to the generated picture.
func (a *App) ResetProfileImage(ctx context.Context, s *model.Session, userID string) error {
	u, err := a.editableUser(ctx, s, userID)
	if err != nil {
		return err
	}
	return a.movePicture(ctx, u, -model.Now(), "")
}

// movePicture points the user's row at a new picture (or none), removes the
// previous picture's bytes and tells clients. If the row changed meanwhile
// (a concurrent upload won), the new bytes are removed instead.
func (a *App) movePicture(ctx context.Context, u *model.User, at int64, newKey string) error {
	old := u.LastPictureUpdate
	err := a.store.SetLastPictureUpdate(ctx, u.ID, old, at, model.Now())
	if err != nil {
		if newKey != "" {
			a.removeBytes(ctx, newKey)
		}
		if errors.Is(err, store.ErrNotFound) {
			return model.NewAppError(http.StatusConflict, "app.user.profile_image.concurrent.app_error",
				"The profile image changed meanwhile; try again.")
		}
		return model.ErrInternal(fmt.Errorf("set last_picture_update: %w", err))
	}
	if old > 0 {
		a.removeBytes(ctx, profileImageKey(u.ID, old))
	}
	fresh, err := a.store.GetUser(ctx, u.ID)
	if err != nil {
		return storeErr(err, errUserNotFound())
	}
	a.publishUserUpdated(ctx, fresh)
	return nil
}

// OpenProfileImage opens u's uploaded picture (u as GetUser gave it to the
// caller); nil (and no error) when u has none, or its bytes cannot be read,
// so the caller serves the generated one.
func (a *App) OpenProfileImage(ctx context.Context, u *model.User) filestore.Object {
	if u.LastPictureUpdate <= 0 {
		return nil
	}
	obj, err := a.files.Open(ctx, profileImageKey(u.ID, u.LastPictureUpdate))
	if err != nil {
		a.log.WarnContext(ctx, "profile image unreadable; serving the default", "user_id", u.ID, "err", err)
		return nil
	}
	return obj
}
