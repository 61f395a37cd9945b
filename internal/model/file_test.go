package model

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestEmojiNames(t *testing.T) {
	for _, ok := range []string{"party_parrot", "qq", "acme-logo+1", strings.Repeat("x", 64), "smile2"} {
		if err := ValidateEmojiName(ok); err != nil {
			t.Errorf("%q refused", ok)
		}
	}
	for _, bad := range []string{"", "Smile", "smile", "+1", "thumbsup", "a b", "a:b", strings.Repeat("x", 65), "zzz", "é"} {
		if ValidateEmojiName(bad) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if got := EmojiNamesInText("hi :a: :b::a: :c d: :e_f+1:"); strings.Join(got, ",") != "a,b,e_f+1" {
		t.Fatalf("names in text: %v", got)
	}
}

func FuzzSanitizeFileName(f *testing.F) {
	for _, s := range []string{"report.pdf", "../../etc/passwd", `C:\x\y.txt`, "a\x00b\r\n.txt", "..", ".env",
		strings.Repeat("é", 300) + ".jpeg", "\u202egnp.exe", "\xff\xfe.txt", `"quoted".txt`, "   "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := SanitizeFileName(name)
		if got == "" || len(got) > MaxFileNameBytes || !utf8.ValidString(got) || strings.ContainsAny(got, `/\"`) ||
			strings.HasPrefix(got, ".") || strings.TrimSpace(got) != got {
			t.Fatalf("%q → %q", name, got)
		}
		for _, r := range got {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				t.Fatalf("%q → %q keeps %U", name, got, r)
			}
		}
		if SanitizeFileName(got) != got {
			t.Fatalf("not stable: %q → %q → %q", name, got, SanitizeFileName(got))
		}
	})
}
