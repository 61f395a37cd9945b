// Package search reads the search syntax Mattermost users know — words,
// "exact phrases", -excluded, prefix*, from:, in:/~channel, on:/before:/after:,
// #hashtags and @mentions — into a Query the app layer resolves and the store
// runs. It knows nothing of users, channels or SQL.
package search

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Limits keep one request from building an unbounded query.
const (
	MaxTermsBytes = 4096 // longest terms string accepted
	MaxTerms      = 32   // most words, phrases, tags and filters in one search
)

var (
	// ErrTooLong means the terms string exceeds MaxTermsBytes.
	ErrTooLong = errors.New("search terms are too long")
	// ErrTooManyTerms means the query has more than MaxTerms parts.
	ErrTooManyTerms = errors.New("search has too many terms")
)

// Kind says how a Term matches a post.
type Kind int

const (
	Word    Kind = iota // a word, stemmed by the index
	Prefix              // a word ending in *: any word starting with Text
	Phrase              // words in this order
	Hashtag             // a #tag in the post's hashtags; Text keeps the #
	Mention             // an @username in the message; Text keeps the @
)

// Term is one thing to look for. Text is as typed (case, accents and inner
// punctuation kept), trimmed of punctuation around it; the indexes fold and split it.
type Term struct {
	Kind Kind
	Text string
}

// Query is a parsed search.
type Query struct {
	Terms    []Term // all must match (or any, for an OR search)
	Excluded []Term // none may match
	From     []string
	NotFrom  []string
	In       []string // channel names as typed, ~ removed
	NotIn    []string
	On       string // dates as typed; the app parses them with the time-zone offset
	Before   string
	After    string
}

// IsEmpty reports whether the query asks for nothing at all.
func (q *Query) IsEmpty() bool {
	return len(q.Terms) == 0 && len(q.Excluded) == 0 && len(q.From) == 0 && len(q.NotFrom) == 0 &&
		len(q.In) == 0 && len(q.NotIn) == 0 && q.On == "" && q.Before == "" && q.After == ""
}

func (q *Query) size() int {
	return len(q.Terms) + len(q.Excluded) + len(q.From) + len(q.NotFrom) + len(q.In) + len(q.NotIn)
}

// Parse reads a terms string. Unbalanced quotes are read as a phrase running to
// the end; words without a letter or digit are dropped.
func Parse(s string) (*Query, error) {
	if len(s) > MaxTermsBytes {
		return nil, ErrTooLong
	}
	s = strings.ToValidUTF8(s, " ")
	q := &Query{}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			i += n
			continue
		}
		neg := false
		if r == '-' {
			i++
			if next, _ := utf8.DecodeRuneInString(s[i:]); i == len(s) || unicode.IsSpace(next) {
				continue // a lone dash excludes nothing
			}
			neg = true
		}
		if s[i] == '"' {
			end := strings.IndexByte(s[i+1:], '"')
			var text string
			if end < 0 {
				text, i = s[i+1:], len(s)
			} else {
				text, i = s[i+1:i+1+end], i+2+end
			}
			if text = strings.Join(strings.Fields(text), " "); hasWordRune(text) {
				q.add(neg, Term{Kind: Phrase, Text: text})
			}
		} else {
			end := strings.IndexFunc(s[i:], unicode.IsSpace)
			if end < 0 {
				end = len(s) - i
			}
			q.token(neg, s[i:i+end])
			i += end
		}
		if q.size() > MaxTerms {
			return nil, ErrTooManyTerms
		}
	}
	return q, nil
}

func (q *Query) add(neg bool, t Term) {
	if neg {
		q.Excluded = append(q.Excluded, t)
	} else {
		q.Terms = append(q.Terms, t)
	}
}

// token reads one space-free token: a filter, a ~channel, a tag, a mention or a word.
func (q *Query) token(neg bool, tok string) {
	if key, val, ok := strings.Cut(tok, ":"); ok {
		val = strings.Trim(val, `"`)
		switch strings.ToLower(key) {
		case "from":
			if val = strings.TrimPrefix(val, "@"); val != "" {
				if neg {
					q.NotFrom = append(q.NotFrom, strings.ToLower(val))
				} else {
					q.From = append(q.From, strings.ToLower(val))
				}
			}
			return
		case "in", "channel":
			q.channel(neg, val)
			return
		case "on":
			q.On = val
			return
		case "before":
			q.Before = val
			return
		case "after":
			q.After = val
			return
		}
	}
	switch tok[0] {
	case '~':
		q.channel(neg, tok[1:])
		return
	case '#':
		if tag := strings.TrimRightFunc(tok, isTrailingPunct); len(tag) > 1 && hasWordRune(tag) {
			q.add(neg, Term{Kind: Hashtag, Text: tag})
		}
		return
	case '@':
		if name := strings.TrimRightFunc(tok, isTrailingPunct); len(name) > 1 && hasWordRune(name) {
			q.add(neg, Term{Kind: Mention, Text: strings.ToLower(name)})
		}
		return
	}
	kind := Word
	if strings.HasSuffix(tok, "*") {
		kind = Prefix
	}
	// Inner punctuation stays ("e-mail", "v1.2"): each index splits the term with
	// the tokenizer that split the posts, so both sides agree on the pieces.
	if text := strings.TrimFunc(tok, isSeparator); text != "" {
		q.add(neg, Term{Kind: kind, Text: text})
	}
}

func (q *Query) channel(neg bool, name string) {
	name = strings.ToLower(strings.TrimPrefix(name, "~"))
	if name == "" {
		return
	}
	if neg {
		q.NotIn = append(q.NotIn, name)
	} else {
		q.In = append(q.In, name)
	}
}

// isSeparator splits words: anything but letters, digits and combining marks.
func isSeparator(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
}

func isTrailingPunct(r rune) bool { return r != '_' && unicode.IsPunct(r) }

func hasWordRune(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return !isSeparator(r) }) >= 0
}

// Words splits text the way the indexes do: runs of letters and digits.
func Words(text string) []string { return strings.FieldsFunc(text, isSeparator) }

// Fold lower-cases text and strips accents, as both indexes do, so Go code can
// compare what a user typed with what a post says.
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

// cjk lists the Chinese, Japanese and Korean blocks. The SQL migrations test
// the same ranges (CJKClass) to decide which posts go to the substring index,
// so the two must not drift apart.
var cjk = &unicode.RangeTable{R16: []unicode.Range16{
	{Lo: 0x1100, Hi: 0x11FF, Stride: 1}, // Hangul Jamo
	{Lo: 0x3040, Hi: 0x30FF, Stride: 1}, // Hiragana, Katakana
	{Lo: 0x3130, Hi: 0x318F, Stride: 1}, // Hangul compatibility Jamo
	{Lo: 0x3400, Hi: 0x9FFF, Stride: 1}, // CJK ideographs and extension A
	{Lo: 0xAC00, Hi: 0xD7AF, Stride: 1}, // Hangul syllables
	{Lo: 0xF900, Hi: 0xFAFF, Stride: 1}, // CJK compatibility ideographs
}}

// CJKClass is cjk as a bracket expression for SQLite GLOB and PostgreSQL regular expressions.
const CJKClass = "[\u1100-\u11FF\u3040-\u30FF\u3130-\u318F\u3400-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF]"

// HasCJK reports whether text holds Chinese, Japanese or Korean script, which
// is written without spaces between words and so needs substring matching.
func HasCJK(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(cjk, r) }) >= 0
}
