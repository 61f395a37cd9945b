package bulkio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/bulk"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// What the report says the importer left out on purpose.
const (
	skipLargeImage = "attachments skipped: image too large to process (as Mattermost)"
	skipEmojiSeen  = "custom emoji already present (kept)"
)

// checkFiles, in check mode, looks up every file a line names, so that a
// missing attachment is found before anything is written.
func (im *importRun) checkFiles(l *bulk.Line, n int) []*bulk.Error {
	var out []*bulk.Error
	if l.User != nil && l.User.ProfileImage != nil && *l.User.ProfileImage != "" {
		if _, err := im.src.Stat(*l.User.ProfileImage); err != nil {
			out = append(out, fileErr(n, "user.profile_image", err))
		}
	}
	if l.Emoji != nil && l.Emoji.Image != nil {
		if _, err := im.src.Stat(*l.Emoji.Image); err != nil {
			out = append(out, fileErr(n, "emoji.image", err))
		}
	}
	for _, pb := range bodyFields(l) {
		if pb.b.Attachments == nil {
			continue
		}
		for i, at := range *pb.b.Attachments {
			if _, err := im.src.Stat(*at.Path); err != nil {
				out = append(out, fileErr(n, fmt.Sprintf("%s.attachments[%d].path", pb.field, i), err))
			}
		}
	}
	return out
}

func fileErr(line int, field string, err error) *bulk.Error {
	return &bulk.Error{Line: line, Field: field, ID: "app.import.attachment.bad_file.error", Message: err.Error()}
}

type fieldBody struct {
	field string
	b     *bulk.PostBody
}

// bodyFields pairs the post bodies of a line with their field names in errors.
func bodyFields(l *bulk.Line) []fieldBody {
	bs := bodies(l)
	if len(bs) == 0 {
		return nil
	}
	root := "post"
	if l.DirectPost != nil {
		root = "direct_post"
	}
	out := []fieldBody{{root, bs[0]}}
	for i, b := range bs[1:] {
		out = append(out, fieldBody{fmt.Sprintf("%s.replies[%d]", root, i), b})
	}
	return out
}

// attachments gives post p the files its line names. A new post gets each
// one stored; a stored post keeps the files it has under the same names,
// gets the others, and loses those the line no longer names (Mattermost
// replaces a re-imported post's attachments). It reports whether p changed.
func (w *postWriter) attachments(ctx context.Context, tx *app.Batch, pp *preparedPost, field string, p *model.Post, isNew bool,
	atts *[]bulk.Attachment) (bool, *bulk.Error) {
	if atts == nil || len(*atts) == 0 {
		return false, nil
	}
	var have []*model.FileInfo
	if !isNew && len(p.FileIDs) > 0 {
		m, err := tx.FileInfosForPosts(ctx, []string{p.ID})
		if err != nil {
			return false, internalErr(pp.bl, field+".attachments", err)
		}
		have = m[p.ID]
	}
	keep := make([]bool, len(have))
	var ids []string
	changed := false
	for i, at := range *atts {
		name := model.SanitizeFileName(path.Base(*at.Path))
		found := false
		for j, f := range have {
			if !keep[j] && f.Name == name {
				keep[j], found = true, true
				ids = append(ids, f.ID)
				break
			}
		}
		if found {
			continue
		}
		f, e := w.storeFile(ctx, tx, pp.bl, fmt.Sprintf("%s.attachments[%d].path", field, i), *at.Path, p)
		if e != nil {
			return false, e
		}
		if f == nil {
			continue
		}
		w.files = append(w.files, f)
		ids = append(ids, f.ID)
		changed = true
	}
	var dropped []string
	for j, f := range have {
		if !keep[j] {
			dropped = append(dropped, f.ID)
		}
	}
	if len(dropped) > 0 {
		if err := tx.DeleteFiles(ctx, dropped, w.now); err != nil {
			return false, internalErr(pp.bl, field+".attachments", err)
		}
		changed = true
	}
	p.FileIDs = ids
	return changed, nil
}

// storeFile writes one attachment's bytes (and an image's thumbnail and
// preview) like an upload by the post's author, and returns its row, to be
// saved with the batch. An image too large to process is skipped (nil), as
// Mattermost does; any other problem fails the line.
func (w *postWriter) storeFile(ctx context.Context, tx *app.Batch, bl *bulkLine, field, name string, p *model.Post) (*model.FileInfo, *bulk.Error) {
	im := w.im
	size, err := im.src.Stat(name)
	if err != nil {
		return nil, fileErr(bl.n, field, err)
	}
	if max := im.a.Config().MaxFileSize; size > max {
		return nil, &bulk.Error{Line: bl.n, Field: field, ID: "app.import.attachment.file_too_large.error",
			Message: fmt.Sprintf("%s is %d bytes, over the maximum file size of %d bytes", name, size, max)}
	}
	r, err := im.src.OpenFile(name)
	if err != nil {
		return nil, fileErr(bl.n, field, err)
	}
	defer r.Close()
	f, err := tx.StoreUpload(ctx, p.UserID, p.ChannelID, path.Base(name), r)
	if err != nil {
		var ae *model.AppError
		if errors.As(err, &ae) {
			if ae.ID == "api.file.upload_file.large_image_detailed.app_error" {
				w.im.skip(skipLargeImage, 1)
				return nil, nil
			}
			return nil, modelErr(bl, field, ae)
		}
		return nil, internalErr(bl, field, err)
	}
	f.PostID, f.CreateAt, f.UpdateAt = p.ID, p.CreateAt, p.CreateAt
	return f, nil
}

// importEmoji adds a custom emoji with its image from the import. An emoji
// of that name already present is kept as it is, so a re-import changes
// nothing.
func (im *importer) importEmoji(ctx context.Context, tx *app.Batch, bl *bulkLine) *bulk.Error {
	d := bl.l.Emoji
	if _, err := tx.GetEmojiByName(ctx, *d.Name); err == nil {
		im.skip(skipEmojiSeen, 1)
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return internalErr(bl, "emoji.name", err)
	}
	size, err := im.src.Stat(*d.Image)
	if err != nil {
		return fileErr(bl.n, "emoji.image", err)
	}
	if size > app.MaxEmojiBytes {
		return modelErr(bl, "emoji.image", app.ErrEmojiTooLarge())
	}
	r, err := im.src.OpenFile(*d.Image)
	if err != nil {
		return fileErr(bl.n, "emoji.image", err)
	}
	raw, err := io.ReadAll(io.LimitReader(r, app.MaxEmojiBytes+1))
	r.Close()
	if err != nil {
		return fileErr(bl.n, "emoji.image", err)
	}
	now := model.Now()
	e := &model.Emoji{ID: model.NewID(), CreateAt: now, UpdateAt: now, CreatorID: im.creatorID, Name: *d.Name}
	if err := tx.CreateEmoji(ctx, e, raw); err != nil {
		return opErr(bl, "emoji", err)
	}
	im.count("emoji", 1)
	return nil
}

// importProfileImage makes a user line's profile_image the user's picture,
// like POST /users/{id}/image: it stores the picture and sets
// u.LastPictureUpdate, for the caller to save with the user. The picture
// the user has already is kept as it is, so a re-import changes nothing;
// a replaced one's bytes go once the batch has committed.
func (im *importer) importProfileImage(ctx context.Context, tx *app.Batch, bl *bulkLine, u *model.User) *bulk.Error {
	const field = "user.profile_image"
	name := *bl.l.User.ProfileImage
	size, err := im.src.Stat(name)
	if err != nil {
		return fileErr(bl.n, field, err)
	}
	if size > im.a.Config().MaxFileSize {
		return modelErr(bl, field, im.a.ErrProfileImageTooLarge())
	}
	r, err := im.src.OpenFile(name)
	if err != nil {
		return fileErr(bl.n, field, err)
	}
	raw, err := io.ReadAll(io.LimitReader(r, size+1))
	r.Close()
	if err != nil {
		return fileErr(bl.n, field, err)
	}
	if err := tx.SetProfileImage(ctx, u, raw); err != nil {
		return opErr(bl, field, err)
	}
	return nil
}
