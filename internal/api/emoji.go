package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
)

func (h *Handler) emojiRoutes() {
	h.post("/emoji", h.createEmoji)
	h.get("/emoji", h.listEmoji)
	h.get("/emoji/{emoji_id}", h.getEmoji)
	h.get("/emoji/name/{emoji_name:emoji}", h.getEmojiByName)
	h.post("/emoji/names", h.emojisByNames)
	h.get("/emoji/{emoji_id}/image", h.emojiImage, authTrusted)
	h.delete("/emoji/{emoji_id}", h.deleteEmoji)
	h.post("/emoji/search", h.searchEmoji)
	h.get("/emoji/autocomplete", h.autocompleteEmoji)
}

// createEmoji reads the multipart form: part "image" (the file) and part
// "emoji" (JSON with name and creator_id).
func (h *Handler) createEmoji(c *Context) error {
	if err := c.app.EmojiEnabled(); err != nil {
		return err
	}
	body := http.MaxBytesReader(c.w, c.r.Body, app.MaxEmojiBytes+64<<10)
	c.r.Body = body
	mr, err := c.r.MultipartReader()
	if err != nil {
		return model.ErrInvalidBody("image")
	}
	var image []byte
	var e *model.Emoji
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return emojiReadError(err, "image")
		}
		switch part.FormName() {
		case "image":
			image, err = io.ReadAll(io.LimitReader(part, app.MaxEmojiBytes+1))
			if err != nil {
				return emojiReadError(err, "image")
			}
			if len(image) > app.MaxEmojiBytes {
				return app.ErrEmojiTooLarge()
			}
		case "emoji":
			e = &model.Emoji{}
			if err := json.NewDecoder(io.LimitReader(part, 16<<10)).Decode(e); err != nil {
				return model.ErrInvalidBody("emoji")
			}
			if f := model.NULField(e); f != "" {
				return model.ErrNULInBody("emoji." + f)
			}
		}
	}
	if len(image) == 0 {
		return model.ErrInvalidBody("image")
	}
	if e == nil {
		return model.ErrInvalidBody("emoji")
	}
	out, err := c.app.CreateEmoji(c.ctx, c.Session, e, image)
	if err != nil {
		return err
	}
	return c.ok(out) // 200 as Mattermost's server; its OpenAPI file says 201

}

func emojiReadError(err error, param string) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return app.ErrEmojiTooLarge()
	}
	return model.ErrInvalidBody(param).Wrap(err)
}

func (h *Handler) listEmoji(c *Context) error {
	page, perPage := c.paging()
	sort := c.query("sort")
	if sort != "" && sort != "name" {
		return model.ErrInvalidURLParam("sort")
	}
	es, err := c.app.ListEmoji(c.ctx, page, perPage, sort == "name")
	if err != nil {
		return err
	}
	return c.ok(es)
}

func (h *Handler) getEmoji(c *Context) error {
	id, err := c.idParam("emoji_id")
	if err != nil {
		return err
	}
	e, err := c.app.GetEmoji(c.ctx, id)
	if err != nil {
		return err
	}
	return c.ok(e)
}

func (h *Handler) getEmojiByName(c *Context) error {
	e, err := c.app.GetEmojiByName(c.ctx, c.param("emoji_name"))
	if err != nil {
		return err
	}
	return c.ok(e)
}

func (h *Handler) emojisByNames(c *Context) error {
	var names []string
	if err := c.decode(&names, "names"); err != nil {
		return err
	}
	if len(names) == 0 || len(names) > 200 {
		return model.ErrInvalidBody("names")
	}
	es, err := c.app.GetEmojisByNames(c.ctx, names)
	if err != nil {
		return err
	}
	return c.ok(es)
}

func (h *Handler) emojiImage(c *Context) error {
	id, err := c.idParam("emoji_id")
	if err != nil {
		return err
	}
	obj, ctype, err := c.app.EmojiImage(c.ctx, id)
	if err != nil {
		return err
	}
	defer obj.Close()
	hdr := c.w.Header()
	hdr.Set("Content-Type", ctype)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cache-Control", "max-age=2592000, private")
	hdr.Del("Expires")
	c.status = http.StatusOK
	http.ServeContent(c.w, c.r, "", obj.ModTime(), obj)
	return nil
}

func (h *Handler) deleteEmoji(c *Context) error {
	id, err := c.idParam("emoji_id")
	if err != nil {
		return err
	}
	if err := c.app.DeleteEmoji(c.ctx, c.Session, id); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) searchEmoji(c *Context) error {
	var q struct {
		Term       string `json:"term"`
		PrefixOnly bool   `json:"prefix_only"`
	}
	if err := c.decode(&q, "term"); err != nil {
		return err
	}
	es, err := c.app.SearchEmoji(c.ctx, q.Term, q.PrefixOnly)
	if err != nil {
		return err
	}
	return c.ok(es)
}

func (h *Handler) autocompleteEmoji(c *Context) error {
	name := c.query("name")
	if name == "" {
		return model.ErrInvalidURLParam("name")
	}
	es, err := c.app.SearchEmoji(c.ctx, name, true)
	if err != nil {
		return err
	}
	return c.ok(es)
}
