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
	path, _ := nulIn(reflect.ValueOf(v), "")
	return path
}

var rawMessageType = reflect.TypeFor[json.RawMessage]()

func nulIn(v reflect.Value, path string) (string, bool) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return "", false
		}
		return nulIn(v.Elem(), path)
	case reflect.String:
		if strings.IndexByte(v.String(), 0) >= 0 {
			return rootIfEmpty(path), true
		}
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
			name, _, _ := strings.Cut(tag, ",")
			p := path
			if !f.Anonymous || name != "" {
				if name == "" {
					name = f.Name
				}
				p = joinPath(path, name)
			}
			if r, ok := nulIn(v.Field(i), p); ok {
				return r, true
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			k := fmt.Sprint(it.Key().Interface())
			kp := joinPath(path, strings.ReplaceAll(k, "\x00", `\u0000`))
			if strings.IndexByte(k, 0) >= 0 {
				return kp, true
			}
			if r, ok := nulIn(it.Value(), kp); ok {
				return r, true
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type() == rawMessageType {
			var x any
			if json.Unmarshal(v.Bytes(), &x) != nil {
				return "", false
			}
			return nulIn(reflect.ValueOf(x), path)
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return "", false // bytes, not text
		}
		for i := range v.Len() {
			if r, ok := nulIn(v.Index(i), path+"["+strconv.Itoa(i)+"]"); ok {
				return r, true
			}
		}
	}
	return "", false
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func rootIfEmpty(path string) string {
	if path == "" {
		return "body"
	}
	return path
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
