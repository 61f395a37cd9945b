// Package model holds Parley's entities as they travel over the Mattermost API v4:
// their JSON shapes, validation rules and the error type every layer returns.
package model

import (
	"crypto/rand"
	"encoding/base32"
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
