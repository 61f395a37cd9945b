package app

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Interactive dialogs: a slash command or a message action gives its
// integration a trigger id; the integration opens a dialog with it (the
// user's clients get open_dialog), and the user's submission is sent to the
// dialog's URL.

const triggerSecretKey = "trigger_id_secret"

func errTriggerID(id, msg string) *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "interactive_message.decode_trigger_id."+id, msg)
}

// triggerSecret is the key trigger ids are signed with.
func (a *App) triggerSecret(ctx context.Context) ([]byte, error) {
	return a.systemSecret(ctx, triggerSecretKey)
}

// systemSecret is a signing key made on first use and kept in the database
// under key, so that every node accepts what every node signed.
func (a *App) systemSecret(ctx context.Context, key string) ([]byte, error) {
	v, err := a.store.GetSystem(ctx, key)
	if errors.Is(err, store.ErrNotFound) || (err == nil && v == "") {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		if err := a.store.SetSystem(ctx, key, hex.EncodeToString(b)); err != nil {
			return nil, err
		}
		v, err = a.store.GetSystem(ctx, key)
	}
	if err != nil {
		return nil, err
	}
	return hex.DecodeString(v)
}

func triggerMAC(secret []byte, payload string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// newTriggerID signs "<client trigger id>:<user id>:<millis>", as Mattermost's
// trigger ids carry them; integrations treat it as opaque.
func (a *App) newTriggerID(ctx context.Context, userID string) (string, error) {
	secret, err := a.triggerSecret(ctx)
	if err != nil {
		return "", model.ErrInternal(err)
	}
	payload := model.NewID() + ":" + userID + ":" + strconv.FormatInt(model.Now(), 10)
	return base64.RawURLEncoding.EncodeToString([]byte(payload + ":" + triggerMAC(secret, payload))), nil
}

// verifyTriggerID returns the client part and the user of a trigger id that
// this server signed no longer ago than the integration timeout.
func (a *App) verifyTriggerID(ctx context.Context, id string) (clientID, userID string, err error) {
	raw, derr := base64.RawURLEncoding.DecodeString(id)
	parts := strings.Split(string(raw), ":")
	if derr != nil || len(parts) != 4 {
		return "", "", errTriggerID("base64_decode_failed", "The trigger id is not one this server gave.")
	}
	secret, serr := a.triggerSecret(ctx)
	if serr != nil {
		return "", "", model.ErrInternal(serr)
	}
	payload := strings.Join(parts[:3], ":")
	if !hmac.Equal([]byte(parts[3]), []byte(triggerMAC(secret, payload))) {
		return "", "", errTriggerID("verify_signature_failed", "The trigger id is not one this server gave.")
	}
	at, _ := strconv.ParseInt(parts[2], 10, 64)
	if time.Since(time.UnixMilli(at)) > a.integrationTimeout() {
		return "", "", errTriggerID("expired", "The trigger id has expired.")
	}
	return parts[0], parts[1], nil
}

// OpenDialog shows a dialog to the user a trigger id was given for.
func (a *App) OpenDialog(ctx context.Context, req *model.OpenDialogRequest) error {
	if req.URL == "" {
		return model.ErrInvalidBody("url")
	}
	clientID, userID, err := a.verifyTriggerID(ctx, req.TriggerID)
	if err != nil {
		return err
	}
	req.TriggerID = clientID
	js, jerr := json.Marshal(req)
	if jerr != nil {
		return model.ErrInternal(jerr)
	}
	a.publish(ctx, model.NewEvent(model.EventOpenDialog, model.Broadcast{UserID: userID}, map[string]any{"dialog": string(js)}))
	return nil
}

// SubmitDialog sends the user's answers to the dialog's URL through the
// guarded client and returns the integration's errors, if any.
func (a *App) SubmitDialog(ctx context.Context, s *model.Session, req *model.SubmitDialogRequest) (*model.SubmitDialogResponse, error) {
	if req.URL == "" {
		return nil, model.ErrInvalidBody("url")
	}
	ch, err := a.store.GetChannel(ctx, req.ChannelID)
	if err != nil || !a.CanReadChannel(ctx, s, ch) {
		return nil, model.ErrForbidden()
	}
	if !a.HasTeamPermission(ctx, s, req.TeamID, model.PermViewTeam) {
		return nil, model.ErrForbidden()
	}
	target := req.URL
	req.URL, req.Type, req.UserID = "", "dialog_submission", s.UserID
	body, jerr := json.Marshal(req)
	if jerr != nil {
		return nil, model.ErrInternal(jerr)
	}
	resp, cerr := a.callIntegration(ctx, "dialog_submission", false, func(ctx context.Context) (*http.Request, error) {
		r, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
		if r != nil {
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("Accept", "application/json")
		}
		return r, err
	})
	if cerr != nil || resp.Status != http.StatusOK {
		return nil, model.NewAppError(http.StatusBadRequest, "api.post.do_action.action_integration.app_error",
			"Action integration error.").Wrap(cerr)
	}
	out := &model.SubmitDialogResponse{}
	_ = json.Unmarshal(resp.Body, out) // an empty or odd answer means no errors, as in Mattermost
	return out, nil
}
