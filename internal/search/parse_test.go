package search

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in   string
		want Query
	}{
		{"hello world", Query{Terms: []Term{{Word, "hello"}, {Word, "world"}}}},
		{`"exact phrase" -"not this" -skip`, Query{Terms: []Term{{Phrase, "exact phrase"}},
			Excluded: []Term{{Phrase, "not this"}, {Word, "skip"}}}},
		{"deploy* #Release @Bob", Query{Terms: []Term{{Prefix, "deploy"}, {Hashtag, "#Release"}, {Mention, "@bob"}}}},
		{"from:@Alice -from:bob in:town-square ~off-topic -in:random", Query{From: []string{"alice"},
			NotFrom: []string{"bob"}, In: []string{"town-square", "off-topic"}, NotIn: []string{"random"}}},
		{"on:2024-01-02 before:2024-02-01 after:2023-12-31", Query{On: "2024-01-02", Before: "2024-02-01", After: "2023-12-31"}},
		{`"unbalanced quote`, Query{Terms: []Term{{Phrase, "unbalanced quote"}}}},
		{"e-mail v1.2 - --- !!! * (done).", Query{Terms: []Term{{Word, "e-mail"}, {Word, "v1.2"}, {Word, "done"}}}},
		{`"  spaced   out  " "!!"`, Query{Terms: []Term{{Phrase, "spaced out"}}}},
		{"東京タワー café", Query{Terms: []Term{{Word, "東京タワー"}, {Word, "café"}}}},
		{"from: in: ~ # @", Query{}},
	}
	for _, tc := range cases {
		got, err := Parse(tc.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.in, err)
		}
		if !reflect.DeepEqual(*got, tc.want) {
			t.Errorf("Parse(%q)\n got %+v\nwant %+v", tc.in, *got, tc.want)
		}
	}
}

func TestParseLimits(t *testing.T) {
	if _, err := Parse(strings.Repeat("a", MaxTermsBytes+1)); err != ErrTooLong {
		t.Fatalf("long: %v", err)
	}
	if _, err := Parse(strings.Repeat("word ", MaxTerms+1)); err != ErrTooManyTerms {
		t.Fatalf("many: %v", err)
	}
}

func TestFoldAndCJK(t *testing.T) {
	if got := Fold("Crème BRÛLÉE"); got != "creme brulee" {
		t.Fatalf("Fold = %q", got)
	}
	if !HasCJK("会議は明日") || !HasCJK("회의") || HasCJK("meeting") {
		t.Fatal("HasCJK")
	}
}

// FuzzParse checks that no input panics and that every term Parse returns can
// be given to the indexes: non-empty, valid UTF-8, within the limits.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "hello world", `"a b" -"c`, "-", "- -x", "from:", "in:~x", "#", "@", "*", "a*b*",
		"on:2024-13-45", "東京 -ソウル", "\xff\xfe", `""`, `-""`, "~", "from:@", "#a-b_c.", "x:y:z", "\t\n-\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			return
		}
		if q.size() > MaxTerms {
			t.Fatalf("size %d", q.size())
		}
		for _, term := range append(q.Terms, q.Excluded...) {
			if term.Text == "" || !utf8.ValidString(term.Text) || !hasWordRune(term.Text) {
				t.Fatalf("bad term %+v from %q", term, s)
			}
		}
		for _, v := range append(append(q.From, q.NotFrom...), append(q.In, q.NotIn...)...) {
			if v == "" {
				t.Fatalf("empty filter from %q", s)
			}
		}
	})
}
