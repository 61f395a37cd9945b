package model

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// NULField returns the JSON path ("props.attachments[0].text") of the first
// string in v that holds U+0000, or "" when none does. PostgreSQL refuses the
// character in text (SQLSTATE 22021) and in jsonb (22P05) while SQLite stores
// it, so every decoder of outside input (request bodies, query and path
// parameters, bulk-import lines, integration replies) refuses it the same way
// on both stores, before anything is written.
func NULField(v any) string {
	path, found := nulIn(reflect.ValueOf(v))
	if !found {
		return ""
	}
	if path == "" {
		return "body"
	}
	return path
}

var rawMessageType = reflect.TypeFor[json.RawMessage]()

// nulIn reports whether v holds U+0000 and where, relative to v ("" for v
// itself). The path is built only on the way back from a find: every request
// body is walked, and almost none holds the character.
func nulIn(v reflect.Value) (string, bool) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return "", false
		}
		return nulIn(v.Elem())
	case reflect.String:
		return "", strings.IndexByte(v.String(), 0) >= 0
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() && !f.Anonymous {
				continue
			}
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			if r, ok := nulIn(v.Field(i)); ok {
				name, _, _ := strings.Cut(tag, ",")
				if f.Anonymous && name == "" {
					return r, true // an embedded struct's fields are the outer's
				}
				if name == "" {
					name = f.Name
				}
				return under(name, r), true
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			key := it.Key()
			k := ""
			if key.Kind() == reflect.String {
				k = key.String()
			}
			if strings.IndexByte(k, 0) >= 0 {
				return strings.ReplaceAll(k, "\x00", `\u0000`), true
			}
			if r, ok := nulIn(it.Value()); ok {
				if key.Kind() != reflect.String {
					k = fmt.Sprint(key.Interface())
				}
				return under(k, r), true
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type() == rawMessageType {
			var x any
			if json.Unmarshal(v.Bytes(), &x) != nil {
				return "", false
			}
			return nulIn(reflect.ValueOf(x))
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return "", false // bytes, not text
		}
		for i := range v.Len() {
			if r, ok := nulIn(v.Index(i)); ok {
				return under("["+strconv.Itoa(i)+"]", r), true
			}
		}
	}
	return "", false
}

// under puts the path rel below seg: "attachments" and "[0].text" make
// "attachments[0].text".
func under(seg, rel string) string {
	switch {
	case rel == "":
		return seg
	case rel[0] == '[':
		return seg + rel
	}
	return seg + "." + rel
}

// nulDetail is the detailed_error of a refusal for U+0000.
const nulDetail = "the value holds the character U+0000 (NUL), which is not allowed in text"

// ErrNULInBody answers a request body field holding U+0000.
func ErrNULInBody(field string) *AppError {
	return WithNULDetail(ErrInvalidBody(field), field)
}

// ErrNULInURL answers a query or path parameter holding U+0000.
func ErrNULInURL(param string) *AppError {
	return WithNULDetail(ErrInvalidURLParam(param), param)
}

// WithNULDetail says in e's detailed_error which field held U+0000.
func WithNULDetail(e *AppError, field string) *AppError {
	c := *e
	c.DetailedError = field + ": " + nulDetail
	return &c
}
