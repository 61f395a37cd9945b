package model

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// AppendJSON and randomPost name Post's and PostList's fields one by one: a
// field added to either must be added to both, or the API would leave it
// out of post lists while encoding/json sent it everywhere else.
func TestPostListAppendJSONKnowsEveryField(t *testing.T) {
	for _, c := range []struct {
		typ    reflect.Type
		fields int
	}{{reflect.TypeOf(Post{}), 22}, {reflect.TypeOf(PostList{}), 6}} {
		if n := c.typ.NumField(); n != c.fields {
			t.Errorf("%s has %d fields, AppendJSON and randomPost know %d: update postlist_json.go and its test",
				c.typ.Name(), n, c.fields)
		}
	}
}

// TestPostListAppendJSON checks AppendJSON against encoding/json, byte for
// byte, over many random lists: strings that need escaping (HTML, controls,
// U+2028/2029, invalid UTF-8, other scripts), nil and empty collections, props
// of every JSON shape, metadata, participants and the optional fields.
func TestPostListAppendJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 26))
	for i := range 3000 {
		l := randomPostList(r)
		var want bytes.Buffer
		if err := json.NewEncoder(&want).Encode(l); err != nil {
			t.Fatal(err)
		}
		got, err := l.AppendJSON(nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("list %d:\n got %s\nwant %s", i, got, want.Bytes())
		}
	}
	// Every rune below 0x80 and the special ones beyond, one at a time.
	for c := range 0x80 {
		checkString(t, string(rune(c)))
	}
	for _, s := range []string{"\u2028", "\u2029", "\xff", "\xe2\x80", "a\xc3", "é", "日本", "🙂", "\u00a0", "\ufffd"} {
		checkString(t, s)
	}
}

func checkString(t *testing.T, s string) {
	t.Helper()
	want, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
		t.Errorf("%q: got %s, want %s", s, got, want)
	}
}

var jsonPieces = []string{"a", "Z", "0", " ", "<", ">", "&", `"`, `\`, "/", "\n", "\r", "\t", "\b", "\f", "\x00", "\x1f",
	"\x7f", "é", "ß", "日本語", "🙂", "\u2028", "\u2029", "\xff", "\xc3", "\xe2\x82", "<script>", "a&b", "@here", "#tag"}

func randomString(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(12) {
		b.WriteString(jsonPieces[r.IntN(len(jsonPieces))])
	}
	return b.String()
}

func randomValue(r *rand.Rand, depth int) any {
	switch k := r.IntN(8); {
	case k == 0:
		return nil
	case k == 1:
		return r.IntN(2) == 0
	case k == 2:
		return r.Float64() * 1e6
	case k == 3:
		return float64(r.IntN(1000))
	case k == 4 && depth < 3:
		a := make([]any, r.IntN(4))
		for i := range a {
			a[i] = randomValue(r, depth+1)
		}
		return a
	case k == 5 && depth < 3:
		return randomProps(r, depth+1)
	default:
		return randomString(r)
	}
}

func randomProps(r *rand.Rand, depth int) map[string]any {
	switch r.IntN(4) {
	case 0:
		return nil
	case 1:
		return map[string]any{}
	}
	m := map[string]any{}
	for range 1 + r.IntN(4) {
		m[randomString(r)] = randomValue(r, depth)
	}
	return m
}

func randomStrings(r *rand.Rand) []string {
	if r.IntN(4) == 0 {
		return nil
	}
	s := make([]string, r.IntN(4))
	for i := range s {
		s[i] = randomString(r)
	}
	return s
}

func randomPost(r *rand.Rand) *Post {
	if r.IntN(40) == 0 {
		return nil
	}
	p := &Post{ID: NewID(), CreateAt: r.Int64N(1 << 42), UpdateAt: r.Int64N(1 << 42), EditAt: r.Int64N(3),
		DeleteAt: -r.Int64N(2), IsPinned: r.IntN(2) == 0, UserID: NewID(), ChannelID: NewID(),
		RootID: randomString(r), OriginalID: randomString(r), Message: randomString(r), Type: randomString(r),
		Props: randomProps(r, 0), Hashtags: randomString(r), FileIDs: randomStrings(r), PendingPostID: randomString(r),
		HasReactions: r.IntN(2) == 0, ReplyCount: r.Int64N(100), LastReplyAt: r.Int64N(1 << 42)}
	switch r.IntN(3) {
	case 0:
		p.Participants = []*User{}
	case 1:
		p.Participants = []*User{{ID: NewID(), Username: randomString(r), Props: map[string]string{"a": randomString(r)}}, nil}
	}
	if r.IntN(3) == 0 {
		f := r.IntN(2) == 0
		p.IsFollowing = &f
	}
	switch r.IntN(4) {
	case 0:
		p.Metadata = &PostMetadata{}
	case 1:
		p.Metadata = &PostMetadata{Embeds: []any{}, Emojis: []*Emoji{}, Files: []*FileInfo{}, Reactions: []*Reaction{}}
	case 2:
		p.Metadata = &PostMetadata{Embeds: []any{map[string]any{"type": "opengraph", "url": randomString(r)}},
			Emojis:    []*Emoji{{ID: NewID(), Name: randomString(r)}},
			Files:     []*FileInfo{{ID: NewID(), Name: randomString(r), Size: r.Int64N(1 << 20)}},
			Images:    map[string]any{randomString(r): map[string]any{"width": 3, "height": 4}},
			Reactions: []*Reaction{{PostID: p.ID, UserID: NewID(), EmojiName: randomString(r)}},
			Priority:  randomValue(r, 0)}
	}
	return p
}

func randomPostList(r *rand.Rand) *PostList {
	l := &PostList{NextPostID: randomString(r), PrevPostID: randomString(r), FirstInaccessiblePostTime: r.Int64N(1 << 42)}
	if r.IntN(10) > 0 {
		l.Order, l.Posts = []string{}, map[string]*Post{}
		for range r.IntN(8) {
			p := randomPost(r)
			id := NewID()
			if p != nil {
				id = p.ID
			}
			if r.IntN(10) == 0 {
				id = randomString(r) // keys that need escaping and sort oddly
			}
			l.Order = append(l.Order, id)
			l.Posts[id] = p
		}
	}
	if r.IntN(3) == 0 {
		h := r.IntN(2) == 0
		l.HasNext = &h
	}
	return l
}

// BenchmarkPostListJSON encodes a history-like page (60 posts and 40 thread
// posts, empty props and metadata as most posts have) both ways.
func BenchmarkPostListJSON(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	l := NewPostList()
	for i := range 100 {
		p := &Post{ID: NewID(), CreateAt: r.Int64N(1 << 42), UpdateAt: r.Int64N(1 << 42), UserID: NewID(),
			ChannelID: NewID(), Message: strings.Repeat("lorem ipsum & dolor ", 1+r.IntN(8)),
			Props: map[string]any{}, FileIDs: []string{}, Metadata: &PostMetadata{}}
		if i%3 == 0 {
			p.Props = map[string]any{"from_bot": "true"}
		}
		l.Add(p)
	}
	b.Run("encoding-json", func(b *testing.B) {
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			if err := json.NewEncoder(&buf).Encode(l); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("AppendJSON", func(b *testing.B) {
		var buf []byte
		for b.Loop() {
			var err error
			if buf, err = l.AppendJSON(buf[:0]); err != nil {
				b.Fatal(err)
			}
		}
	})
}
