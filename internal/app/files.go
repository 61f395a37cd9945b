package app

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/parley-chat/parley/internal/filestore"
	"github.com/parley-chat/parley/internal/imaging"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Files: uploads are stored (bytes, then row) before their id is returned;
// a post then claims them through file_ids. Bytes live under keys derived from
// the file id only:
//
//	f/<first two characters of id>/<id>/original
//	f/<..>/<id>/thumb.jpg, preview.jpg   (images)
//	emoji/<id>/image
//	users/<user id>/<last_picture_update>.png   (profile pictures, profileimage.go)
//	uploads/<upload id>/...                     (resumable upload chunks, uploads.go)
//
// Permanent deletions queue the ids in the database in the deleting
// transaction; drainPurges removes the bytes once that has committed.

const (
	// MaxFilesPerUpload matches the most files a post may carry.
	MaxFilesPerUpload = 10
	ThumbnailWidth    = 120
	ThumbnailHeight   = 100
	PreviewWidth      = 1920
)

// Variants of a stored file for OpenFile.
const (
	FileOriginal  = ""
	FileThumbnail = "thumbnail"
	FilePreview   = "preview"
)

func fileDir(id string) string         { return "f/" + id[:2] + "/" + id }
func fileKey(id, object string) string { return fileDir(id) + "/" + object }
func emojiDir(id string) string        { return "emoji/" + id }
func emojiKey(id string) string        { return emojiDir(id) + "/image" }
func errFileNotFound() *model.AppError {
	return model.ErrNotFound("app.file_info.get.app_error", "file")
}
func errReadUpload(msg string) *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "api.file.upload_file.read_request.app_error", msg)
}

// FileUpload is one file of an upload request.
type FileUpload struct {
	Name string
	Body io.Reader
}

// FilesEnabled refuses when file attachments are turned off.
func (a *App) FilesEnabled() error {
	if !a.Config().EnableFileAttachments {
		return model.NewAppError(http.StatusNotImplemented, "api.file.attachments.disabled.app_error",
			"File attachments have been disabled on this server.")
	}
	return nil
}

// UploadFiles stores the files next yields (until io.EOF) in a channel the
// caller may upload to. Either every file is stored, or none: on any error
// the files already stored by this call are removed again.
func (a *App) UploadFiles(ctx context.Context, s *model.Session, channelID string, next func() (*FileUpload, error)) ([]*model.FileInfo, error) {
	if err := a.FilesEnabled(); err != nil {
		return nil, err
	}
	if !model.IsValidID(channelID) {
		return nil, model.ErrInvalidBody("channel_id")
	}
	ch, err := a.store.GetChannel(ctx, channelID)
	if err != nil {
		return nil, storeErr(err, model.ErrForbidden())
	}
	if ch.DeleteAt > 0 || !a.HasChannelPermission(ctx, s, ch, model.PermUploadFile) {
		return nil, model.ErrForbidden()
	}
	out := []*model.FileInfo{}
	done := false
	defer func() {
		if !done {
			for _, f := range out {
				a.discardUpload(ctx, f)
			}
		}
	}()
	for {
		u, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(out) == MaxFilesPerUpload {
			return nil, model.NewAppError(http.StatusBadRequest, "api.file.upload_file.too_many_files.app_error",
				"At most "+strconv.Itoa(MaxFilesPerUpload)+" files can be uploaded at once.")
		}
		f, err := a.storeUpload(ctx, s.UserID, ch.ID, u)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil, model.ErrInvalidBody("files")
	}
	done = true
	return out, nil
}

// discardUpload removes a file stored by a request that then failed; it runs
// even when the request's context has ended.
func (a *App) discardUpload(ctx context.Context, f *model.FileInfo) {
	ctx = context.WithoutCancel(ctx)
	if err := a.store.RemoveFileInfo(ctx, f.ID); err != nil {
		a.log.WarnContext(ctx, "discard upload row", "file_id", f.ID, "err", err)
	}
	a.drainPurges(ctx)
}

// uploadReader counts bytes and remembers read errors, so a failed write can
// be told apart: the client's fault (413, 400) or the server's (500).
type uploadReader struct {
	r       io.Reader
	left    int64
	tooBig  bool
	readErr error
}

var errUploadTooLarge = errors.New("upload exceeds max_file_size")

func (u *uploadReader) Read(p []byte) (int, error) {
	if u.left <= 0 {
		// One byte past the limit tells a too-large file from one of exactly the limit.
		var one [1]byte
		if n, _ := io.ReadFull(u.r, one[:]); n > 0 {
			u.tooBig = true
			return 0, errUploadTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > u.left {
		p = p[:u.left]
	}
	n, err := u.r.Read(p)
	u.left -= int64(n)
	if err != nil && !errors.Is(err, io.EOF) {
		u.readErr = err
	}
	return n, err
}

func (a *App) storeUpload(ctx context.Context, userID, channelID string, u *FileUpload) (*model.FileInfo, error) {
	f, err := a.writeUpload(ctx, userID, channelID, u)
	if err != nil {
		return nil, err
	}
	if err := a.store.SaveFileInfo(ctx, f); err != nil {
		a.removeBytes(ctx, fileDir(f.ID))
		return nil, model.ErrInternal(err)
	}
	return f, nil
}

// writeUpload stores a file's bytes, and the thumbnail and preview of an
// image, and describes them; saving the row is the caller's (the importer
// saves it in its batch's transaction). On error nothing stays stored.
func (a *App) writeUpload(ctx context.Context, userID, channelID string, u *FileUpload) (*model.FileInfo, error) {
	cfg := a.Config()
	name := model.SanitizeFileName(u.Name)
	ext := model.FileExtension(name)
	br := bufio.NewReaderSize(u.Body, 512)
	head, err := br.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, a.uploadReadError(err)
	}
	if len(head) == 0 {
		return nil, errReadUpload("The file " + strconv.Quote(name) + " is empty.")
	}
	format := imaging.Format(head)
	mimeType := detectMimeType(ext, head, format)
	if !typeAllowed(cfg.FileTypes(), ext, mimeType) {
		return nil, model.NewAppError(http.StatusBadRequest, "api.file.upload_file.type_not_allowed.app_error",
			"Files of type "+strconv.Quote(mimeType)+" (."+ext+") are not allowed on this server.")
	}
	now := model.Now()
	f := &model.FileInfo{ID: model.NewID(), UserID: userID, ChannelID: channelID, CreateAt: now, UpdateAt: now,
		Name: name, Extension: ext, MimeType: mimeType}
	ur := &uploadReader{r: br, left: cfg.MaxFileSize}
	f.Size, err = a.files.Write(ctx, fileKey(f.ID, "original"), ur)
	switch {
	case ur.tooBig:
		return nil, model.NewAppError(http.StatusRequestEntityTooLarge, "api.file.upload_file.too_large_detailed.app_error",
			"Unable to upload file "+strconv.Quote(name)+": it exceeds the maximum file size of "+
				strconv.FormatInt(cfg.MaxFileSize, 10)+" bytes.")
	case ur.readErr != nil:
		return nil, a.uploadReadError(ur.readErr)
	case err != nil:
		return nil, errStorage(err)
	}
	ok := false
	defer func() {
		if !ok {
			a.removeBytes(ctx, fileDir(f.ID))
		}
	}()
	if format != "" && !(format == "webp" && imaging.AnimatedWebP(head)) {
		if err := a.makePreviews(ctx, f); err != nil {
			return nil, err
		}
	}
	ok = true
	return f, nil
}

// errStorage answers a failed write to the file store with Mattermost's id
// for it; a full disk or quota says so, with 507 rather than a bare 500.
func errStorage(err error) *model.AppError {
	if errors.Is(err, filestore.ErrFull) {
		return model.NewAppError(http.StatusInsufficientStorage, "api.file.write_file.app_error",
			"Unable to store the file: the file store is full.").Wrap(err)
	}
	return model.NewAppError(http.StatusInternalServerError, "api.file.write_file.app_error",
		"Unable to store the file in the file store.").Wrap(err)
}

// FileStoreStatus checks that the file store takes writes now, for the
// ping's filestore_status.
func (a *App) FileStoreStatus(ctx context.Context) error { return a.files.Check(ctx) }

func (a *App) uploadReadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return model.NewAppError(http.StatusRequestEntityTooLarge, "api.file.upload_file.too_large_detailed.app_error",
			"The request is larger than the maximum upload size.")
	}
	return errReadUpload("Unable to read the uploaded file: the request was cut short or malformed.").Wrap(err)
}

// removeBytes deletes stored objects now, outside any purge queue (nothing in
// the database points at them).
func (a *App) removeBytes(ctx context.Context, prefix string) {
	if err := a.files.RemoveAll(context.WithoutCancel(ctx), prefix); err != nil {
		a.log.WarnContext(ctx, "remove stored bytes", "key", prefix, "err", err)
	}
}

// isInlineType tells the types served inline: those of the images Parley
// decodes itself. Everything else (SVG and HTML included) is an attachment.
func isInlineType(t string) bool {
	switch t {
	case "image/jpeg", "image/png", "image/gif", "image/webp":
		return true
	}
	return false
}

// detectMimeType trusts the bytes for the image formats Parley decodes, so a
// name never makes other content look like one; otherwise the extension,
// otherwise a sniff of the first bytes.
func detectMimeType(ext string, head []byte, format string) string {
	if format != "" {
		return imaging.MimeType(format)
	}
	if t := mime.TypeByExtension("." + ext); ext != "" && t != "" {
		if base, _, _ := strings.Cut(t, ";"); !isInlineType(base) {
			return t
		}
	}
	t := http.DetectContentType(head)
	if base, _, _ := strings.Cut(t, ";"); isInlineType(base) {
		// Sniffed as an image that Format did not accept: not one we serve as such.
		return "application/octet-stream"
	}
	return t
}

// typeAllowed applies allowed_file_types: extensions, MIME types, type/*.
func typeAllowed(allowed []string, ext, mimeType string) bool {
	if len(allowed) == 0 {
		return true
	}
	base, _, _ := strings.Cut(strings.ToLower(mimeType), ";")
	base = strings.TrimSpace(base)
	for _, t := range allowed {
		switch {
		case strings.HasSuffix(t, "/*") && strings.HasPrefix(base, strings.TrimSuffix(t, "*")):
			return true
		case t == base, t == ext && ext != "":
			return true
		}
	}
	return false
}

// makePreviews decodes an image just stored and writes its thumbnail and
// preview. Refuses images too large to decode safely and damaged ones.
func (a *App) makePreviews(ctx context.Context, f *model.FileInfo) error {
	obj, err := a.files.Open(ctx, fileKey(f.ID, "original"))
	if err != nil {
		return model.ErrInternal(err)
	}
	defer obj.Close()
	img, err := a.images.Decode(ctx, obj, a.Config().MaxImagePixels,
		imaging.Box{W: ThumbnailWidth, H: ThumbnailHeight}, imaging.Box{W: PreviewWidth, H: math.MaxInt32})
	switch {
	case errors.Is(err, imaging.ErrTooManyPixels):
		return model.NewAppError(http.StatusBadRequest, "api.file.upload_file.large_image_detailed.app_error",
			"The image "+strconv.Quote(f.Name)+" has more pixels than this server processes ("+
				strconv.FormatInt(a.Config().MaxImagePixels, 10)+").")
	case errors.Is(err, imaging.ErrDamaged):
		return model.NewAppError(http.StatusBadRequest, "api.file.upload_file.image_damaged.app_error",
			"The image "+strconv.Quote(f.Name)+" is damaged or truncated.").Wrap(err)
	case err != nil:
		return model.ErrInternal(err)
	}
	defer img.Release()
	f.Width, f.Height = img.Width, img.Height
	for _, v := range []struct {
		key  string
		w, h int
	}{{"thumb.jpg", ThumbnailWidth, ThumbnailHeight}, {"preview.jpg", PreviewWidth, img.Height}} {
		var buf bytes.Buffer
		if err := imaging.EncodeJPEG(&buf, img.Fit(v.w, v.h)); err != nil {
			return model.ErrInternal(err)
		}
		if _, err := a.files.Write(ctx, fileKey(f.ID, v.key), &buf); err != nil {
			return errStorage(err)
		}
	}
	f.HasPreviewImage = true
	return nil
}

// fileForRead loads a live file the caller may read: the uploader until a
// post claims it, then whoever may read the post's channel.
func (a *App) fileForRead(ctx context.Context, s *model.Session, id string) (*model.FileInfo, error) {
	f, err := a.store.GetFileInfo(ctx, id)
	if err != nil {
		return nil, storeErr(err, errFileNotFound())
	}
	if f.DeleteAt > 0 {
		return nil, errFileNotFound()
	}
	if f.UserID == s.UserID || a.IsAdmin(s) {
		return f, nil
	}
	if f.PostID == "" {
		return nil, model.ErrForbidden()
	}
	ch, err := a.store.GetChannel(ctx, f.ChannelID)
	if err != nil {
		return nil, storeErr(err, errFileNotFound())
	}
	if !a.CanReadChannel(ctx, s, ch) {
		return nil, model.ErrForbidden()
	}
	return f, nil
}

// GetFileInfo returns a file's description.
func (a *App) GetFileInfo(ctx context.Context, s *model.Session, id string) (*model.FileInfo, error) {
	return a.fileForRead(ctx, s, id)
}

// OpenFile opens the original, thumbnail or preview of a file for reading.
// Inline tells whether it may be shown in the browser rather than downloaded.
func (a *App) OpenFile(ctx context.Context, s *model.Session, id, variant string) (f *model.FileInfo, obj filestore.Object, inline bool, err error) {
	f, err = a.fileForRead(ctx, s, id)
	if err != nil {
		return nil, nil, false, err
	}
	key := fileKey(f.ID, "original")
	switch variant {
	case FileThumbnail:
		if !f.HasPreviewImage {
			return nil, nil, false, model.NewAppError(http.StatusBadRequest,
				"api.file.get_file_thumbnail.no_thumbnail.app_error", "File doesn't have a thumbnail image.")
		}
		key = fileKey(f.ID, "thumb.jpg")
	case FilePreview:
		if !f.HasPreviewImage {
			return nil, nil, false, model.NewAppError(http.StatusBadRequest,
				"api.file.get_file_preview.no_preview.app_error", "File doesn't have a preview image.")
		}
		key = fileKey(f.ID, "preview.jpg")
	}
	obj, err = a.files.Open(ctx, key)
	if errors.Is(err, filestore.ErrNotFound) {
		a.log.WarnContext(ctx, "file row without bytes", "file_id", f.ID, "key", key)
		return nil, nil, false, errFileNotFound()
	}
	if err != nil {
		return nil, nil, false, model.ErrInternal(err)
	}
	inline = variant != FileOriginal || (f.HasPreviewImage && isInlineType(f.MimeType))
	return f, obj, inline, nil
}

// PostFileInfos lists the files of a post the caller may read.
func (a *App) PostFileInfos(ctx context.Context, s *model.Session, postID string) ([]*model.FileInfo, error) {
	p, _, err := a.postForReadByPost(ctx, s, postID)
	if err != nil {
		return nil, err
	}
	m, err := a.store.FileInfosForPosts(ctx, []string{p.ID})
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	if m[p.ID] == nil {
		return []*model.FileInfo{}, nil
	}
	return m[p.ID], nil
}

// ChannelFiles pages the files attached to live posts of a channel, newest first.
func (a *App) ChannelFiles(ctx context.Context, s *model.Session, channelID string, pageNo, perPage int) (*model.FileInfoList, error) {
	if _, err := a.readableChannel(ctx, s, channelID); err != nil {
		return nil, err
	}
	fs, err := a.store.ChannelFiles(ctx, channelID, page(pageNo, perPage))
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	l := model.NewFileInfoList()
	for _, f := range fs {
		l.Order = append(l.Order, f.ID)
		l.FileInfos[f.ID] = f
	}
	return l, nil
}

// normalizeFileIDs checks a post's file_ids: valid ids, no repeats.
func normalizeFileIDs(ids []string) ([]string, error) {
	if len(ids) > MaxFilesPerUpload {
		return nil, model.NewAppError(http.StatusBadRequest, "model.post.is_valid.file_ids.app_error", "Invalid file_ids.")
	}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !model.IsValidID(id) {
			return nil, errInvalidFileIDs()
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

func errInvalidFileIDs() *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "api.post.create_post.invalid_file_ids.app_error",
		"A post can only carry files its author uploaded to the same channel and not yet attached elsewhere.")
}

// attachFiles gives ids to post p inside tx; each must be a live, unattached
// upload of userID in the post's channel.
func attachFiles(ctx context.Context, tx store.Store, p *model.Post, userID string, ids []string, at int64) error {
	err := tx.AttachFiles(ctx, p.ID, p.ChannelID, userID, ids, at)
	if errors.Is(err, store.ErrNotFound) {
		return errInvalidFileIDs()
	}
	return storeErr(err, nil)
}

// setPostFiles replaces the files of an existing post inside tx: new ids are
// attached (uploads of userID), dropped ones hidden.
func setPostFiles(ctx context.Context, tx store.Store, p *model.Post, userID string, ids []string, at int64) error {
	var added, removed []string
	for _, id := range ids {
		if !slices.Contains(p.FileIDs, id) {
			added = append(added, id)
		}
	}
	for _, id := range p.FileIDs {
		if !slices.Contains(ids, id) {
			removed = append(removed, id)
		}
	}
	if err := attachFiles(ctx, tx, p, userID, added, at); err != nil {
		return err
	}
	p.FileIDs = ids
	return storeErr(tx.DeleteFiles(ctx, removed, at), nil)
}

// addFileAndEmojiMetadata fills metadata.files and metadata.emojis of the live
// posts of l (metadata must already be set).
func (a *App) addFileAndEmojiMetadata(ctx context.Context, l *model.PostList) error {
	var withFiles []string
	var names []string
	for id, p := range l.Posts {
		if p.DeleteAt > 0 {
			continue
		}
		if len(p.FileIDs) > 0 {
			withFiles = append(withFiles, id)
		}
		for _, n := range model.EmojiNamesInText(p.Message) {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
		for _, r := range p.Metadata.Reactions {
			if !slices.Contains(names, r.EmojiName) {
				names = append(names, r.EmojiName)
			}
		}
	}
	files, err := a.store.FileInfosForPosts(ctx, withFiles)
	if err != nil {
		return model.ErrInternal(err)
	}
	// Standard emoji need no lookup; custom ones only when the feature is on.
	names = slices.DeleteFunc(names, model.IsSystemEmojiName)
	var emojis []*model.Emoji
	if len(names) > 0 && a.Config().EnableCustomEmoji {
		if emojis, err = a.store.GetEmojisByNames(ctx, names); err != nil {
			return model.ErrInternal(err)
		}
	}
	for _, p := range l.Posts {
		if p.DeleteAt > 0 {
			continue
		}
		p.Metadata.Files = files[p.ID]
		for _, e := range emojis {
			if slices.Contains(model.EmojiNamesInText(p.Message), e.Name) || slices.ContainsFunc(p.Metadata.Reactions,
				func(r *model.Reaction) bool { return r.EmojiName == e.Name }) {
				p.Metadata.Emojis = append(p.Metadata.Emojis, e)
			}
		}
	}
	return nil
}

// drainPurges removes the bytes of files and emoji whose rows were deleted
// for good. A failure leaves the entry queued for the next drain.
func (a *App) drainPurges(ctx context.Context) {
	ctx = context.WithoutCancel(ctx)
	for {
		batch, err := a.store.PendingPurges(ctx, 500)
		if err != nil {
			a.log.WarnContext(ctx, "list file purges", "err", err)
			return
		}
		removed := 0
		for _, p := range batch {
			prefix := fileDir(p[1])
			switch p[0] {
			case store.PurgeEmoji:
				prefix = emojiDir(p[1])
			case store.PurgeUser:
				prefix = profileImageDir(p[1])
			case store.PurgeUpload:
				prefix = uploadDir(p[1])
			}
			if len(p[1]) < 2 {
				prefix = ""
			}
			if prefix != "" {
				if err := a.files.RemoveAll(ctx, prefix); err != nil {
					a.log.WarnContext(ctx, "remove purged bytes", "key", prefix, "err", err)
					continue
				}
			}
			if err := a.store.PurgeDone(ctx, p[0], p[1]); err != nil {
				a.log.WarnContext(ctx, "file purge done", "err", err)
				return
			}
			removed++
		}
		if len(batch) < 500 || removed == 0 {
			return
		}
	}
}
