// Package model holds Parley's entities as they travel over the Mattermost API v4:
// their JSON shapes, validation rules and the error type every layer returns.
package model

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"sync/atomic"
	"time"
)

// idEncoding is base32 with Mattermost's alphabet, so ids look like theirs.
var idEncoding = base32.NewEncoding("ybndrfg8ejkmcpqxot1uwisza345h769").WithPadding(base32.NoPadding)

// NewID returns a fresh 26-character id.
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return idEncoding.EncodeToString(b[:])[:26]
}

// IsValidID reports whether s has the shape of an id: 26 letters or digits.
func IsValidID(s string) bool {
	if len(s) != 26 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// Now returns the current time in Unix milliseconds, the unit of every timestamp.
func Now() int64 { return time.Now().UnixMilli() }

// sortedIDAlphabet is the id alphabet in byte order: digits written with it
// compare as strings the way their numbers compare.
const sortedIDAlphabet = "13456789abcdefghijkmnopqrstuwxyz"

// IDSeq hands out ids that increase in string order, for bulk writes: a
// B-tree keyed by id then grows at its right edge instead of splitting pages
// all over, as random ids make it do. An id is the sequence's start time
// (10 digits of milliseconds), 8 random digits that keep two sequences
// started in the same millisecond apart, and an 8-digit counter (2^40 ids).
// Ids use the same alphabet and length as NewID's, so nothing can tell them
// apart but their order. It is safe for concurrent use.
type IDSeq struct {
	prefix [18]byte
	n      atomic.Uint64
}

// NewIDSeq starts a sequence.
func NewIDSeq() *IDSeq {
	s := &IDSeq{}
	putDigits(s.prefix[:10], uint64(time.Now().UnixMilli()))
	var r [8]byte
	if _, err := rand.Read(r[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	putDigits(s.prefix[10:], binary.BigEndian.Uint64(r[:]))
	return s
}

// Next returns the sequence's next id.
func (s *IDSeq) Next() string {
	var b [26]byte
	copy(b[:], s.prefix[:])
	putDigits(b[18:], s.n.Add(1))
	return string(b[:])
}

// putDigits writes the low 5·len(dst) bits of v into dst, most significant
// digit first.
func putDigits(dst []byte, v uint64) {
	for i := len(dst) - 1; i >= 0; i-- {
		dst[i] = sortedIDAlphabet[v&31]
		v >>= 5
	}
}
