package app

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Legal holds keep what they cover, the posts (with their files) that their
// users wrote or that were written in their channels within their time
// range, from retention, and refuse the erasure of a user or channel whose
// content they keep. Releasing a hold removes it.

var holdName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

func errHoldNotFound() *model.AppError {
	return model.ErrNotFound("app.legal_hold.get.app_error", "legal hold")
}

func errInvalidHold(message string) *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "app.legal_hold.invalid.app_error", message)
}

// errHeld refuses the erasure of what named holds keep.
func errHeld(what string, holds []string) *model.AppError {
	return model.NewAppError(http.StatusConflict, "app.legal_hold.erase_held.app_error",
		"The "+what+" has content under legal hold ("+strings.Join(holds, ", ")+"): release the hold before erasing it.")
}

// checkHold validates a hold and drops repeated ids.
func checkHold(h *model.LegalHold) error {
	switch {
	case !holdName.MatchString(h.Name):
		return errInvalidHold("A legal hold's name has 1 to 64 lower-case letters, digits, '-' and '_', starting with a letter or digit.")
	case utf8.RuneCountInString(h.DisplayName) > 64 || utf8.RuneCountInString(h.Description) > 1024:
		return errInvalidHold("A legal hold's display_name has at most 64 characters and its description 1024.")
	case h.StartsAt < 0 || h.EndsAt < 0 || (h.EndsAt > 0 && h.EndsAt < h.StartsAt):
		return errInvalidHold("A legal hold's ends_at is 0 (open) or not before its starts_at (Unix milliseconds).")
	case len(h.UserIDs) == 0 && len(h.ChannelIDs) == 0:
		return errInvalidHold("A legal hold names at least one user or channel.")
	}
	if h.DisplayName == "" {
		h.DisplayName = h.Name
	}
	for field, ids := range map[string]*[]string{"user_ids": &h.UserIDs, "channel_ids": &h.ChannelIDs} {
		seen := map[string]bool{}
		out := []string{}
		for _, id := range *ids {
			if !model.IsValidID(id) {
				return errInvalidHold("Invalid id in " + field + ": " + strconv.Quote(id) + ".")
			}
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
		*ids = out
	}
	return nil
}

func holdStoreErr(err error) error {
	var ref *store.RefError
	if errors.As(err, &ref) {
		return errInvalidHold("Unable to find the " + ref.Kind + " " + ref.ID + ".").Wrap(err)
	}
	return storeErr(err, errHoldNotFound(), model.NewAppError(http.StatusBadRequest, "app.legal_hold.name_taken.app_error",
		"A legal hold with that name already exists."))
}

func holdDetails(h *model.LegalHold) string {
	return "name=" + h.Name + " users=" + strings.Join(h.UserIDs, ",") + " channels=" + strings.Join(h.ChannelIDs, ",") +
		" starts_at=" + strconv.FormatInt(h.StartsAt, 10) + " ends_at=" + strconv.FormatInt(h.EndsAt, 10)
}

// CreateLegalHold places a hold.
func (a *App) CreateLegalHold(ctx context.Context, s *model.Session, h *model.LegalHold) (*model.LegalHold, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	if err := checkHold(h); err != nil {
		return nil, err
	}
	h.ID, h.CreatorID = model.NewID(), s.UserID
	h.CreateAt = model.Now()
	h.UpdateAt = h.CreateAt
	err := a.store.SaveLegalHold(ctx, h)
	a.audit(ctx, s, model.AuditLegalHoldCreate, "legal_hold", h.ID, err == nil, holdDetails(h))
	if err != nil {
		return nil, holdStoreErr(err)
	}
	return a.store.GetLegalHold(ctx, h.ID)
}

// UpdateLegalHold replaces a hold's name, description, range and lists.
func (a *App) UpdateLegalHold(ctx context.Context, s *model.Session, h *model.LegalHold) (*model.LegalHold, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	if _, err := a.legalHold(ctx, h.ID); err != nil {
		return nil, err
	}
	if err := checkHold(h); err != nil {
		return nil, err
	}
	h.UpdateAt = model.Now()
	err := a.store.UpdateLegalHold(ctx, h)
	a.audit(ctx, s, model.AuditLegalHoldUpdate, "legal_hold", h.ID, err == nil, holdDetails(h))
	if err != nil {
		return nil, holdStoreErr(err)
	}
	return a.store.GetLegalHold(ctx, h.ID)
}

// LegalHolds lists every hold by name.
func (a *App) LegalHolds(ctx context.Context, s *model.Session) ([]*model.LegalHold, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	hs, err := a.store.ListLegalHolds(ctx)
	return hs, storeErr(err, nil)
}

// LegalHold returns a hold by id, or by name when ref is no id of a hold.
func (a *App) LegalHold(ctx context.Context, s *model.Session, ref string) (*model.LegalHold, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	h, err := a.legalHold(ctx, ref)
	if err == nil || !holdName.MatchString(ref) {
		return h, err
	}
	h, err2 := a.store.GetLegalHoldByName(ctx, ref)
	if err2 != nil {
		return nil, err
	}
	return h, nil
}

func (a *App) legalHold(ctx context.Context, id string) (*model.LegalHold, error) {
	if !model.IsValidID(id) {
		return nil, errHoldNotFound()
	}
	h, err := a.store.GetLegalHold(ctx, id)
	return h, storeErr(err, errHoldNotFound())
}

// ReleaseLegalHold removes a hold: retention and erasure apply again to
// what it kept, unless another hold keeps it.
func (a *App) ReleaseLegalHold(ctx context.Context, s *model.Session, id string) error {
	if !a.IsAdmin(s) {
		return model.ErrForbidden()
	}
	h, err := a.legalHold(ctx, id)
	if err != nil {
		return err
	}
	err = a.store.DeleteLegalHold(ctx, id)
	a.audit(ctx, s, model.AuditLegalHoldRelease, "legal_hold", id, err == nil, holdDetails(h))
	return storeErr(err, errHoldNotFound())
}

// refuseHeldUser refuses to erase a user whose content a hold keeps.
func (a *App) refuseHeldUser(ctx context.Context, userID string) error {
	holds, err := a.store.LegalHoldsOnUser(ctx, userID)
	if err != nil {
		return model.ErrInternal(err)
	}
	if len(holds) > 0 {
		return errHeld("user", holds)
	}
	return nil
}

// refuseHeldChannels refuses to erase channels whose content a hold keeps.
func (a *App) refuseHeldChannels(ctx context.Context, what string, channelIDs []string) error {
	holds, err := a.store.LegalHoldsOnChannels(ctx, channelIDs)
	if err != nil {
		return model.ErrInternal(err)
	}
	if len(holds) > 0 {
		return errHeld(what, holds)
	}
	return nil
}

// holdExportBatch is how many posts one read of a hold export takes.
const holdExportBatch = 500

// holdLine is one line of a hold export.
type holdLine struct {
	Type       string            `json:"type"`
	LegalHold  *model.LegalHold  `json:"legal_hold,omitempty"`
	ExportedAt int64             `json:"exported_at,omitempty"`
	Post       *model.Post       `json:"post,omitempty"`
	Channel    *holdChannel      `json:"channel,omitempty"`
	User       *holdUser         `json:"user,omitempty"`
	Files      []*model.FileInfo `json:"files,omitempty"`
	Posts      int               `json:"posts,omitempty"`
	FileCount  int               `json:"file_count,omitempty"`
}

type holdChannel struct {
	ID          string `json:"id"`
	TeamID      string `json:"team_id"`
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	Type        string `json:"type"`
}

type holdUser struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Email    string `json:"email"`
}

// ExportLegalHold writes, as JSON lines, the hold, then every post it
// covers (deleted ones included, oldest first) with its channel, author and
// file infos, then a summary line; it reads the posts in batches, so memory
// stays bounded. It returns how many posts it wrote.
func (a *App) ExportLegalHold(ctx context.Context, s *model.Session, id string, w io.Writer) (int, error) {
	if !a.IsAdmin(s) {
		return 0, model.ErrForbidden()
	}
	h, err := a.legalHold(ctx, id)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	n, files, err := a.exportHold(ctx, h, enc)
	if err == nil {
		err = enc.Encode(holdLine{Type: "summary", Posts: n, FileCount: files})
	}
	if err == nil {
		err = bw.Flush()
	}
	a.audit(ctx, s, model.AuditLegalHoldExport, "legal_hold", h.ID, err == nil, "posts="+strconv.Itoa(n))
	return n, err
}

func (a *App) exportHold(ctx context.Context, h *model.LegalHold, enc *json.Encoder) (posts, files int, err error) {
	if err := enc.Encode(holdLine{Type: "legal_hold", LegalHold: h, ExportedAt: model.Now()}); err != nil {
		return 0, 0, err
	}
	channels := map[string]*holdChannel{}
	users := map[string]*holdUser{}
	var afterAt int64 = -1
	afterID := ""
	for {
		batch, err := a.store.LegalHoldPosts(ctx, h, afterAt, afterID, holdExportBatch)
		if err != nil {
			return posts, files, model.ErrInternal(err)
		}
		ids := make([]string, 0, len(batch))
		for _, p := range batch {
			if len(p.FileIDs) > 0 {
				ids = append(ids, p.ID)
			}
		}
		fs, err := a.store.ExportFiles(ctx, ids)
		if err != nil {
			return posts, files, model.ErrInternal(err)
		}
		for _, p := range batch {
			ch, ok := channels[p.ChannelID]
			if !ok {
				ch = &holdChannel{ID: p.ChannelID}
				if c, err := a.store.GetChannel(ctx, p.ChannelID); err == nil {
					ch = &holdChannel{ID: c.ID, TeamID: c.TeamID, Name: c.Name, DisplayName: c.DisplayName, Type: c.Type}
				}
				channels[p.ChannelID] = ch
			}
			u, ok := users[p.UserID]
			if !ok {
				u = &holdUser{ID: p.UserID}
				if x, err := a.store.GetUser(ctx, p.UserID); err == nil {
					u = &holdUser{ID: x.ID, Username: x.Username, Email: x.Email}
				}
				users[p.UserID] = u
			}
			if err := enc.Encode(holdLine{Type: "post", Post: p, Channel: ch, User: u, Files: fs[p.ID]}); err != nil {
				return posts, files, err
			}
			posts++
			files += len(fs[p.ID])
		}
		if len(batch) < holdExportBatch {
			return posts, files, nil
		}
		last := batch[len(batch)-1]
		afterAt, afterID = last.CreateAt, last.ID
	}
}
