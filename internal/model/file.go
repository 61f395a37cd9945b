package model

import (
	"net/http"
	"path"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// FileInfo describes one uploaded file (reference 2.10).
type FileInfo struct {
	ID              string  `json:"id"`
	UserID          string  `json:"user_id"`
	PostID          string  `json:"post_id,omitempty"`
	ChannelID       string  `json:"channel_id"`
	CreateAt        int64   `json:"create_at"`
	UpdateAt        int64   `json:"update_at"`
	DeleteAt        int64   `json:"delete_at"`
	Name            string  `json:"name"`
	Extension       string  `json:"extension"`
	Size            int64   `json:"size"`
	MimeType        string  `json:"mime_type"`
	Width           int     `json:"width,omitempty"`
	Height          int     `json:"height,omitempty"`
	HasPreviewImage bool    `json:"has_preview_image,omitempty"`
	MiniPreview     *[]byte `json:"mini_preview"`
	RemoteID        *string `json:"remote_id"`
	Archived        bool    `json:"archived"`
}

// IsImage reports whether Parley made a thumbnail and a preview of the file.
func (f *FileInfo) IsImage() bool { return f.HasPreviewImage }

// FileInfoList is a page of files in the shape of the file search answer.
type FileInfoList struct {
	Order      []string             `json:"order"`
	FileInfos  map[string]*FileInfo `json:"file_infos"`
	NextFileID string               `json:"next_file_info_id"`
	PrevFileID string               `json:"prev_file_info_id"`
	// FirstInaccessibleFileTime is always 0: Parley limits no history.
	FirstInaccessibleFileTime int64 `json:"first_inaccessible_file_time"`
}

// NewFileInfoList returns an empty list that encodes with [] and {}, never null.
func NewFileInfoList() *FileInfoList {
	return &FileInfoList{Order: []string{}, FileInfos: map[string]*FileInfo{}}
}

// MaxFileNameBytes bounds stored file names; longer ones are cut, keeping the extension.
const MaxFileNameBytes = 255

// SanitizeFileName turns a client-supplied name into one safe to store and to
// echo in headers: only the last path component (either slash), no control or
// format characters, no leading dots, at most MaxFileNameBytes bytes of valid
// UTF-8 with the extension kept. An empty result becomes "file".
func SanitizeFileName(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '"' {
			return -1
		}
		if unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, name)
	name = strings.TrimRight(strings.TrimLeft(name, ". "), " ")
	if len(name) > MaxFileNameBytes {
		ext := path.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		name = strings.TrimRight(truncateUTF8(name[:len(name)-len(ext)], MaxFileNameBytes-len(ext)), " ") + ext
	}
	if name == "" {
		return "file"
	}
	return name
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// FileExtension is the lower-case extension of a name, without the dot.
func FileExtension(name string) string {
	return strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))
}

// Emoji is a custom emoji (reference 2.11).
type Emoji struct {
	ID        string `json:"id"`
	CreateAt  int64  `json:"create_at"`
	UpdateAt  int64  `json:"update_at"`
	DeleteAt  int64  `json:"delete_at"`
	CreatorID string `json:"creator_id"`
	Name      string `json:"name"`
}

var customEmojiNameRE = regexp.MustCompile(`^[a-z0-9_+\-]{1,64}$`)

// IsSystemEmojiName reports whether name is a standard emoji's short name.
func IsSystemEmojiName(name string) bool {
	if name == "" {
		return false
	}
	n := "\n" + name + "\n"
	return strings.Contains(systemEmojiNames, n) || strings.Contains(mattermostEmojiAliases, n)
}

// ValidateEmojiName checks the name of a new custom emoji: 1–64 of a-z, 0-9,
// '_', '-', '+', and not a standard emoji's name.
func ValidateEmojiName(name string) *AppError {
	if !customEmojiNameRE.MatchString(name) || IsSystemEmojiName(name) {
		return NewAppError(http.StatusBadRequest, "model.emoji.name.app_error",
			"Name must be 1 to 64 lowercase letters, digits, '_', '-' or '+', and not the name of a standard emoji.")
	}
	return nil
}

var emojiInTextRE = regexp.MustCompile(`:([a-zA-Z0-9_+\-]{1,64}):`)

// EmojiNamesInText returns the distinct :name: references of a message.
func EmojiNamesInText(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range emojiInTextRE.FindAllStringSubmatch(s, -1) {
		if n := m[1]; !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}
