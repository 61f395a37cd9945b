package model

import (
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf8"
)

// AppendJSON appends what json.NewEncoder(w).Encode(l) writes, byte for byte
// (newline included), without reflection over the posts: a history page is
// sixty or more of them, and encoding/json was a tenth of a page's CPU.
// Values of open shape (props, participants, metadata that is not empty) still
// go through encoding/json. TestPostListAppendJSON compares the two.
func (l *PostList) AppendJSON(dst []byte) ([]byte, error) {
	dst = append(dst, `{"order":`...)
	dst = appendStrings(dst, l.Order)
	dst = append(dst, `,"posts":`...)
	if l.Posts == nil {
		dst = append(dst, "null"...)
	} else {
		ids := make([]string, 0, len(l.Posts))
		for id := range l.Posts {
			ids = append(ids, id)
		}
		slices.Sort(ids) // encoding/json sorts map keys
		dst = append(dst, '{')
		for i, id := range ids {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, id)
			dst = append(dst, ':')
			var err error
			if dst, err = l.Posts[id].appendJSON(dst); err != nil {
				return nil, err
			}
		}
		dst = append(dst, '}')
	}
	dst = append(dst, `,"next_post_id":`...)
	dst = appendJSONString(dst, l.NextPostID)
	dst = append(dst, `,"prev_post_id":`...)
	dst = appendJSONString(dst, l.PrevPostID)
	if l.HasNext != nil {
		dst = append(dst, `,"has_next":`...)
		dst = strconv.AppendBool(dst, *l.HasNext)
	}
	dst = append(dst, `,"first_inaccessible_post_time":`...)
	dst = strconv.AppendInt(dst, l.FirstInaccessiblePostTime, 10)
	return append(dst, "}\n"...), nil
}

// appendJSON is json.Marshal(p), in Post's field order.
func (p *Post) appendJSON(dst []byte) ([]byte, error) {
	if p == nil {
		return append(dst, "null"...), nil
	}
	var err error
	dst = append(dst, `{"id":`...)
	dst = appendJSONString(dst, p.ID)
	dst = append(dst, `,"create_at":`...)
	dst = strconv.AppendInt(dst, p.CreateAt, 10)
	dst = append(dst, `,"update_at":`...)
	dst = strconv.AppendInt(dst, p.UpdateAt, 10)
	dst = append(dst, `,"edit_at":`...)
	dst = strconv.AppendInt(dst, p.EditAt, 10)
	dst = append(dst, `,"delete_at":`...)
	dst = strconv.AppendInt(dst, p.DeleteAt, 10)
	dst = append(dst, `,"is_pinned":`...)
	dst = strconv.AppendBool(dst, p.IsPinned)
	dst = append(dst, `,"user_id":`...)
	dst = appendJSONString(dst, p.UserID)
	dst = append(dst, `,"channel_id":`...)
	dst = appendJSONString(dst, p.ChannelID)
	dst = append(dst, `,"root_id":`...)
	dst = appendJSONString(dst, p.RootID)
	dst = append(dst, `,"original_id":`...)
	dst = appendJSONString(dst, p.OriginalID)
	dst = append(dst, `,"message":`...)
	dst = appendJSONString(dst, p.Message)
	dst = append(dst, `,"type":`...)
	dst = appendJSONString(dst, p.Type)
	dst = append(dst, `,"props":`...)
	if p.Props != nil && len(p.Props) == 0 {
		dst = append(dst, "{}"...)
	} else if dst, err = appendMarshal(dst, p.Props); err != nil {
		return nil, err
	}
	dst = append(dst, `,"hashtags":`...)
	dst = appendJSONString(dst, p.Hashtags)
	dst = append(dst, `,"file_ids":`...)
	dst = appendStrings(dst, p.FileIDs)
	dst = append(dst, `,"pending_post_id":`...)
	dst = appendJSONString(dst, p.PendingPostID)
	if p.HasReactions {
		dst = append(dst, `,"has_reactions":true`...)
	}
	dst = append(dst, `,"reply_count":`...)
	dst = strconv.AppendInt(dst, p.ReplyCount, 10)
	dst = append(dst, `,"last_reply_at":`...)
	dst = strconv.AppendInt(dst, p.LastReplyAt, 10)
	dst = append(dst, `,"participants":`...)
	if p.Participants != nil && len(p.Participants) == 0 {
		dst = append(dst, "[]"...)
	} else if dst, err = appendMarshal(dst, p.Participants); err != nil {
		return nil, err
	}
	if p.IsFollowing != nil {
		dst = append(dst, `,"is_following":`...)
		dst = strconv.AppendBool(dst, *p.IsFollowing)
	}
	if m := p.Metadata; m != nil {
		dst = append(dst, `,"metadata":`...)
		if len(m.Embeds) == 0 && len(m.Emojis) == 0 && len(m.Files) == 0 && m.Images == nil &&
			len(m.Reactions) == 0 && m.Priority == nil {
			dst = append(dst, "{}"...)
		} else if dst, err = appendMarshal(dst, m); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

func appendMarshal(dst []byte, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	return append(dst, b...), err
}

func appendStrings(dst []byte, ss []string) []byte {
	if ss == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, s)
	}
	return append(dst, ']')
}

const hexDigits = "0123456789abcdef"

// jsonSafe are the ASCII bytes a JSON string holds as they are, HTML escaping
// on.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for b := range t {
		t[b] = b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&'
	}
	return t
}()

// appendJSONString quotes s as encoding/json does with HTML escaping (its
// default): <, > and & as \u00XX, U+2028 and U+2029 escaped, invalid UTF-8
// as \ufffd.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if jsonSafe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
