package model

import (
	"strings"
	"testing"
)

func TestIDSeqIncreasesAndLooksLikeNewID(t *testing.T) {
	alphabet := "ybndrfg8ejkmcpqxot1uwisza345h769"
	s := NewIDSeq()
	prev := ""
	for i := 0; i < 100_000; i++ {
		id := s.Next()
		if !IsValidID(id) {
			t.Fatalf("%q is not a valid id", id)
		}
		for _, r := range id {
			if !strings.ContainsRune(alphabet, r) {
				t.Fatalf("%q has %q, outside the id alphabet", id, r)
			}
		}
		if id <= prev {
			t.Fatalf("id %d: %q does not sort after %q", i, id, prev)
		}
		prev = id
	}
	if a, b := NewIDSeq().Next(), NewIDSeq().Next(); a == b {
		t.Fatalf("two sequences started with the same id %q", a)
	}
}
