package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parley-chat/parley/internal/filestore"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Resumable uploads (POST /uploads, then POST /uploads/{id} in one or more
// chunks), as mmctl's `import upload` and large attachments use them. Each
// chunk is stored whole as its own object,
//
//	uploads/<session id>/<offset, 20 digits>-<random id>
//
// before the session's row counts it (a conditional update from the offset
// the chunk started at), so a chunk cut short, refused or beaten by a
// concurrent one leaves the session as it was. The backends need no append,
// and nothing under uploads/ is reachable through the API. The last chunk
// assembles the parts into the file: an attachment (file row saved in the
// transaction that deletes the session) or an import zip in the import
// directory. Sessions expire a day after creation; SweepUploads removes them.

const (
	uploadExpiry = 24 * time.Hour
	// maxUploadParts bounds the chunks of one upload, so tiny chunks cannot
	// turn one file into millions of stored objects.
	maxUploadParts   = 1000
	uploadSweepBatch = 100
)

func uploadDir(id string) string { return "uploads/" + id }

// uploadExpired says whether a session is past its day at now (ms); the
// sweep removes such sessions, and until then they answer as unknown.
func uploadExpired(us *model.UploadSession, now int64) bool {
	return us.CreateAt < now-uploadExpiry.Milliseconds()
}

func errUploadNotFound() *model.AppError {
	return model.ErrNotFound("app.upload.get.app_error", "upload session")
}

func errUploadMovedOn() *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "app.upload.upload_data.concurrent.app_error",
		"The upload went on without this request (another request sent data, or the session ended); "+
			"read its file_offset and continue from there.")
}

func errChunkTooLarge(left int64) *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "api.upload.upload_data.invalid_content_length",
		"The data is larger than what is left of the upload ("+strconv.FormatInt(left, 10)+" bytes).")
}

// CreateUpload opens an upload session for the caller: an attachment to a
// channel they may upload to, or (system admins) an import zip.
func (a *App) CreateUpload(ctx context.Context, s *model.Session, in *model.UploadSession) (*model.UploadSession, error) {
	us := &model.UploadSession{ID: model.NewID(), Type: in.Type, CreateAt: model.Now(), UserID: s.UserID,
		Filename: model.SanitizeFileName(in.Filename), FileSize: in.FileSize}
	if us.Type == model.UploadTypeImport {
		if !a.IsAdmin(s) {
			return nil, model.ErrForbidden()
		}
	} else {
		// As Mattermost: any other type is an attachment.
		us.Type, us.ChannelID = model.UploadTypeAttachment, in.ChannelID
		if err := a.uploadChannelAllowed(ctx, s, us.ChannelID); err != nil {
			return nil, err
		}
	}
	if us.FileSize > a.Config().MaxFileSize {
		return nil, model.NewAppError(http.StatusRequestEntityTooLarge, "app.upload.create.upload_too_large.app_error",
			"The file is larger than the maximum file size of "+strconv.FormatInt(a.Config().MaxFileSize, 10)+" bytes.")
	}
	if us.FileSize <= 0 {
		return nil, model.ErrInvalid("model.upload_session.is_valid.file_size.app_error", "file_size must be positive.")
	}
	if strings.TrimSpace(in.Filename) == "" {
		return nil, model.ErrInvalid("model.upload_session.is_valid.filename.app_error", "filename is required.")
	}
	if us.Type == model.UploadTypeImport && !strings.HasSuffix(strings.ToLower(us.Filename), ".zip") {
		return nil, model.NewAppError(http.StatusBadRequest, "app.import.upload.not_zip.app_error",
			"An import file must be a .zip holding the .jsonl file and its data/ directory.")
	}
	if err := a.store.SaveUploadSession(ctx, us); err != nil {
		return nil, model.ErrInternal(fmt.Errorf("save upload session: %w", err))
	}
	return us, nil
}

// uploadChannelAllowed checks that the caller may upload to the channel now.
func (a *App) uploadChannelAllowed(ctx context.Context, s *model.Session, channelID string) error {
	if err := a.FilesEnabled(); err != nil {
		return err
	}
	if !model.IsValidID(channelID) {
		return model.ErrInvalidBody("channel_id")
	}
	ch, err := a.store.GetChannel(ctx, channelID)
	if err != nil {
		return storeErr(err, model.ErrForbidden())
	}
	if !a.HasChannelPermission(ctx, s, ch, model.PermUploadFile) {
		return model.ErrForbidden()
	}
	if ch.DeleteAt > 0 {
		return model.NewAppError(http.StatusBadRequest, "app.upload.create.cannot_upload_to_deleted_channel.app_error",
			"Files cannot be uploaded to an archived channel.")
	}
	return nil
}

// ownUpload loads a live session of the caller; someone else's is forbidden.
func (a *App) ownUpload(ctx context.Context, s *model.Session, id string, forbidden *model.AppError) (*model.UploadSession, error) {
	us, err := a.store.GetUploadSession(ctx, id)
	if err != nil {
		return nil, storeErr(err, errUploadNotFound())
	}
	if uploadExpired(us, model.Now()) {
		return nil, errUploadNotFound() // the sweep has yet to remove it
	}
	if us.UserID != s.UserID {
		return nil, forbidden
	}
	return us, nil
}

// GetUpload returns one of the caller's upload sessions.
func (a *App) GetUpload(ctx context.Context, s *model.Session, id string) (*model.UploadSession, error) {
	return a.ownUpload(ctx, s, id, model.NewAppError(http.StatusForbidden, "api.upload.get_upload.forbidden.app_error",
		"You may only read your own upload sessions."))
}

// UserUploads lists the caller's incomplete uploads; userID must be theirs.
func (a *App) UserUploads(ctx context.Context, s *model.Session, userID string) ([]*model.UploadSession, error) {
	if userID != s.UserID {
		return nil, model.NewAppError(http.StatusForbidden, "api.user.get_uploads_for_user.forbidden.app_error",
			"You may only list your own uploads.")
	}
	uss, err := a.store.UploadSessionsForUser(ctx, userID)
	if err != nil {
		return nil, storeErr(err, nil)
	}
	now := model.Now()
	return slices.DeleteFunc(uss, func(us *model.UploadSession) bool { return uploadExpired(us, now) }), nil
}

// UploadData stores the next chunk of an upload, read from body (length is
// its declared size, or -1). It returns nil while the upload is incomplete,
// and the file once the chunk completed it. A chunk that would go past
// file_size is refused whole.
func (a *App) UploadData(ctx context.Context, s *model.Session, id string, body io.Reader, length int64) (*model.FileInfo, error) {
	us, err := a.ownUpload(ctx, s, id, model.ErrForbidden())
	if err != nil {
		return nil, err
	}
	if us.Type == model.UploadTypeImport {
		if !a.IsAdmin(s) {
			return nil, model.ErrForbidden()
		}
	} else if err := a.uploadChannelAllowed(ctx, s, us.ChannelID); err != nil {
		return nil, err
	}
	left := us.FileSize - us.FileOffset
	if length > left {
		return nil, errChunkTooLarge(left)
	}
	if len(us.Parts) >= maxUploadParts {
		return nil, model.NewAppError(http.StatusBadRequest, "app.upload.upload_data.too_many_parts.app_error",
			"The upload has "+strconv.Itoa(maxUploadParts)+" chunks already; send the rest in one.")
	}
	part := fmt.Sprintf("%020d-%s", us.FileOffset, model.NewID())
	key := uploadDir(us.ID) + "/" + part
	ur := &uploadReader{r: body, left: left}
	n, err := a.files.Write(ctx, key, ur)
	switch {
	case ur.tooBig:
		return nil, errChunkTooLarge(left)
	case ur.readErr != nil:
		return nil, a.uploadReadError(ur.readErr)
	case err != nil:
		return nil, errStorage(fmt.Errorf("store upload chunk: %w", err))
	}
	offset := us.FileOffset
	if n == 0 {
		a.removeBytes(ctx, key)
		return nil, nil
	}
	if offset+n < us.FileSize {
		if err := a.store.AddUploadPart(ctx, us.ID, offset, offset+n, part); err != nil {
			a.removeBytes(ctx, key)
			return nil, storeErr(err, errUploadMovedOn())
		}
		return nil, nil
	}
	us.Parts = append(us.Parts, part)
	var f *model.FileInfo
	if us.Type == model.UploadTypeImport {
		f, err = a.completeImportUpload(ctx, us, offset)
	} else {
		f, err = a.completeAttachmentUpload(ctx, us, offset)
	}
	if err != nil {
		a.removeBytes(ctx, key)
		return nil, err
	}
	a.removeBytes(ctx, uploadDir(us.ID))
	return f, nil
}

// completeAttachmentUpload stores the assembled file like POST /files does
// (name, type and size rules, previews) and, in one transaction, saves its
// row and deletes the session if it is still at offset.
func (a *App) completeAttachmentUpload(ctx context.Context, us *model.UploadSession, offset int64) (*model.FileInfo, error) {
	pr := a.openParts(ctx, us)
	defer pr.Close()
	f, err := a.writeUpload(ctx, us.UserID, us.ChannelID, &FileUpload{Name: us.Filename, Body: pr})
	if pr.err != nil {
		return nil, model.ErrInternal(fmt.Errorf("read upload parts: %w", pr.err))
	}
	if err != nil {
		return nil, err
	}
	err = a.store.Tx(ctx, func(tx store.Store) error {
		if err := tx.DeleteUploadSession(ctx, us.ID, offset); err != nil {
			return err
		}
		return tx.SaveFileInfo(ctx, f)
	})
	if err != nil {
		a.removeBytes(ctx, fileDir(f.ID))
		return nil, storeErr(err, errUploadMovedOn())
	}
	return f, nil
}

// completeImportUpload writes the assembled zip into the import directory as
// <session id>_<filename>, where GET /imports lists it and import_process
// takes it. It appears there only once complete and once the session is
// deleted, so a concurrent request cannot complete it twice.
func (a *App) completeImportUpload(ctx context.Context, us *model.UploadSession, offset int64) (*model.FileInfo, error) {
	name := us.ID + "_" + us.Filename
	var n int64
	err := a.placeImportFile(name, func(w io.Writer) error {
		pr := a.openParts(ctx, us)
		defer pr.Close()
		var err error
		if n, err = io.Copy(w, pr); err == nil && n != us.FileSize {
			err = fmt.Errorf("upload parts hold %d bytes, want %d", n, us.FileSize)
		}
		if err != nil {
			return model.ErrInternal(fmt.Errorf("assemble import upload: %w", err))
		}
		return storeErr(a.store.DeleteUploadSession(ctx, us.ID, offset), errUploadMovedOn())
	})
	if err != nil {
		return nil, err
	}
	now := model.Now()
	return &model.FileInfo{ID: us.ID, UserID: us.UserID, CreateAt: now, UpdateAt: now, Name: name,
		Extension: model.FileExtension(name), Size: n, MimeType: "application/zip"}, nil
}

// partsReader reads an upload's chunks one after the other; err keeps a
// failure to read them, which is the server's, not the client's.
type partsReader struct {
	ctx   context.Context
	files filestore.Backend
	keys  []string
	cur   filestore.Object
	err   error
}

func (a *App) openParts(ctx context.Context, us *model.UploadSession) *partsReader {
	keys := make([]string, len(us.Parts))
	for i, p := range us.Parts {
		keys[i] = uploadDir(us.ID) + "/" + p
	}
	return &partsReader{ctx: ctx, files: a.files, keys: keys}
}

func (r *partsReader) Read(p []byte) (int, error) {
	for {
		if r.cur == nil {
			if len(r.keys) == 0 {
				return 0, io.EOF
			}
			obj, err := r.files.Open(r.ctx, r.keys[0])
			if err != nil {
				r.err = fmt.Errorf("open %s: %w", r.keys[0], err)
				return 0, r.err
			}
			r.cur, r.keys = obj, r.keys[1:]
		}
		n, err := r.cur.Read(p)
		if errors.Is(err, io.EOF) {
			r.cur.Close()
			r.cur = nil
			if n == 0 {
				continue
			}
			err = nil
		}
		if err != nil {
			r.err = err
		}
		return n, err
	}
}

func (r *partsReader) Close() error {
	if r.cur != nil {
		return r.cur.Close()
	}
	return nil
}

// SweepUploads removes the upload sessions that are a day old at now, and
// their chunks.
func (a *App) SweepUploads(ctx context.Context, now time.Time) {
	before := now.Add(-uploadExpiry).UnixMilli()
	for ctx.Err() == nil {
		uss, err := a.store.UploadSessionsCreatedBefore(ctx, before, uploadSweepBatch)
		if err != nil {
			a.log.ErrorContext(ctx, "list expired uploads", "err", err)
			return
		}
		for _, us := range uss {
			// Conditional on the offset read: a chunk counted meanwhile keeps
			// the row until the next pass; one not yet counted finds the row
			// gone and removes its own bytes.
			err := a.store.DeleteUploadSession(ctx, us.ID, us.FileOffset)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				a.log.ErrorContext(ctx, "delete expired upload", "upload_id", us.ID, "err", err)
				return
			}
			a.removeBytes(ctx, uploadDir(us.ID))
		}
		if len(uss) < uploadSweepBatch {
			return
		}
	}
}
