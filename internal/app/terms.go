package app

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func errNoTermsOfService() *model.AppError {
	return model.NewAppError(http.StatusNotFound, "app.terms_of_service.get.no_rows.app_error",
		"No terms of service found.")
}

func errNoUserTermsOfService() *model.AppError {
	return model.NewAppError(http.StatusNotFound, "app.user_terms_of_service.get_by_user.no_rows.app_error",
		"The user has not accepted the terms of service.")
}

// LatestTermsOfService is the version of the terms of service in force.
func (a *App) LatestTermsOfService(ctx context.Context) (*model.TermsOfService, error) {
	t, err := a.store.LatestTermsOfService(ctx)
	return t, storeErr(err, errNoTermsOfService())
}

// CreateTermsOfService publishes text as the new version of the terms of
// service (system admins only). Text equal to the version in force publishes
// nothing and answers that version, as Mattermost does, so that saving the
// console page twice does not make everyone accept again.
func (a *App) CreateTermsOfService(ctx context.Context, s *model.Session, text string) (*model.TermsOfService, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	if text == "" {
		return nil, model.NewAppError(http.StatusBadRequest, "api.create_terms_of_service.empty_text.app_error",
			"Please enter the text of your custom terms of service.")
	}
	if utf8.RuneCountInString(text) > model.MaxTermsOfServiceRunes {
		return nil, model.NewAppError(http.StatusBadRequest, "model.terms_of_service.is_valid.text.app_error",
			"Invalid terms of service text: it must be at most "+strconv.Itoa(model.MaxTermsOfServiceRunes)+" characters.")
	}
	latest, err := a.store.LatestTermsOfService(ctx)
	switch {
	case err == nil && latest.Text == text:
		return latest, nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return nil, model.ErrInternal(err)
	}
	t := &model.TermsOfService{ID: model.NewID(), CreateAt: model.Now(), UserID: s.UserID, Text: text}
	// The newest version is the one in force: never let a new one sort
	// before the last, even within one millisecond or a clock step back.
	if latest != nil && t.CreateAt <= latest.CreateAt {
		t.CreateAt = latest.CreateAt + 1
	}
	if err := a.store.SaveTermsOfService(ctx, t); err != nil {
		return nil, model.ErrInternal(err)
	}
	a.audit(ctx, s, model.AuditTermsOfServiceCreate, "terms_of_service", t.ID, true,
		"length="+strconv.Itoa(utf8.RuneCountInString(text)))
	return t, nil
}

// UserTermsOfService is the session user's acceptance of the terms of service.
func (a *App) UserTermsOfService(ctx context.Context, s *model.Session) (*model.UserTermsOfService, error) {
	acc, err := a.store.GetUserTermsOfService(ctx, s.UserID)
	return acc, storeErr(err, errNoUserTermsOfService())
}

// SaveUserTermsOfService records the session user's answer to version
// termsID: accepting replaces their earlier acceptance, declining removes
// their acceptance of that version. Either is in the audit log.
func (a *App) SaveUserTermsOfService(ctx context.Context, s *model.Session, termsID string, accepted bool) error {
	if _, err := a.store.GetTermsOfService(ctx, termsID); err != nil {
		return storeErr(err, errNoTermsOfService())
	}
	action := model.AuditTermsOfServiceDecline
	var err error
	if accepted {
		action = model.AuditTermsOfServiceAccept
		err = a.store.SaveUserTermsOfService(ctx, &model.UserTermsOfService{UserID: s.UserID, TermsOfServiceID: termsID,
			CreateAt: model.Now()})
	} else {
		err = a.store.DeleteUserTermsOfService(ctx, s.UserID, termsID)
	}
	if err != nil {
		return model.ErrInternal(err)
	}
	a.audit(ctx, s, action, "terms_of_service", termsID, true, "")
	return nil
}

// addTermsOfService fills in the user's accepted terms of service, which
// only the user and system admins see.
func (a *App) addTermsOfService(ctx context.Context, u *model.User) error {
	acc, err := a.store.GetUserTermsOfService(ctx, u.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil
	case err != nil:
		return model.ErrInternal(err)
	}
	u.TermsOfServiceID, u.TermsOfServiceCreateAt = acc.TermsOfServiceID, acc.CreateAt
	return nil
}
