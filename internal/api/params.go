package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/parley-chat/parley/internal/model"
)

// param returns a path parameter.
func (c *Context) param(name string) string { return c.params[name] }

// idParam returns a path parameter that must be a valid id.
func (c *Context) idParam(name string) (string, error) {
	v := c.params[name]
	if !model.IsValidID(v) {
		return "", model.ErrInvalidURLParam(name)
	}
	return v, nil
}

// userParam resolves {user_id}, where "me" means the session's user.
func (c *Context) userParam() (string, error) {
	v := c.params["user_id"]
	if v == "me" && c.Session != nil {
		return c.Session.UserID, nil
	}
	if !model.IsValidID(v) {
		return "", model.ErrInvalidURLParam("user_id")
	}
	return v, nil
}

func (c *Context) query(name string) string { return c.r.URL.Query().Get(name) }

func (c *Context) boolQuery(name string) bool {
	b, _ := strconv.ParseBool(c.r.URL.Query().Get(name))
	return b
}

// paging reads page and per_page: defaults 0 and 60, per_page at most 200, bad
// values fall back to the defaults.
func (c *Context) paging() (page, perPage int) {
	page, err := strconv.Atoi(c.query("page"))
	if err != nil || page < 0 {
		page = 0
	}
	perPage, err = strconv.Atoi(c.query("per_page"))
	if err != nil || perPage < 0 {
		perPage = 60
	}
	return page, min(perPage, 200)
}

func (c *Context) int64Query(name string) (int64, error) {
	v := c.query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, model.ErrInvalidURLParam(name)
	}
	return n, nil
}

// decode reads a JSON body into v, bounded in size. param names the body for errors.
func (c *Context) decode(v any, param string) error {
	limit := int64(c.app.Config().MaxRequestBodyKB) * 1024
	body := http.MaxBytesReader(c.w, c.r.Body, limit)
	dec := json.NewDecoder(body)
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return model.NewAppError(http.StatusRequestEntityTooLarge, "api.context.request_body_too_large.app_error",
				"The request body is too large.")
		}
		if errors.Is(err, io.EOF) {
			return model.ErrInvalidBody(param)
		}
		return model.ErrInvalidBody(param).Wrap(err)
	}
	// Anything after the value is malformed input.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return model.ErrInvalidBody(param)
	}
	if f := model.NULField(v); f != "" {
		return model.ErrNULInBody(nulPath(param, f))
	}
	return nil
}

// nulPath names a body field for an error: the body's name, then the path
// inside it when the body is an object.
func nulPath(param, field string) string {
	switch {
	case field == "body":
		return param
	case strings.HasPrefix(field, "["):
		return param + field
	}
	return field
}

// nulInURL names the first path or query parameter holding U+0000, or "".
func nulInURL(r *http.Request, params map[string]string) string {
	for k, v := range params {
		if strings.IndexByte(v, 0) >= 0 {
			return k
		}
	}
	for k, vs := range r.URL.Query() {
		if strings.IndexByte(k, 0) >= 0 {
			return strings.ReplaceAll(k, "\x00", `\u0000`)
		}
		for _, v := range vs {
			if strings.IndexByte(v, 0) >= 0 {
				return k
			}
		}
	}
	return ""
}

// decodeIDs reads a JSON array of ids, each of which must be valid.
func (c *Context) decodeIDs(param string, maxLen int) ([]string, error) {
	var ids []string
	if err := c.decode(&ids, param); err != nil {
		return nil, err
	}
	if len(ids) == 0 || len(ids) > maxLen {
		return nil, model.ErrInvalidBody(param)
	}
	for _, id := range ids {
		if !model.IsValidID(id) {
			return nil, model.ErrInvalidBody(param)
		}
	}
	return ids, nil
}

func isTrue(s string) bool { return strings.EqualFold(s, "true") || s == "1" }
