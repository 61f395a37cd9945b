package model

// Types of upload session (reference: UploadSession.type).
const (
	UploadTypeAttachment = "attachment"
	UploadTypeImport     = "import"
)

// UploadSession is a resumable upload: the client sends the bytes of one file
// in one or more requests, each continuing at FileOffset.
type UploadSession struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	CreateAt   int64  `json:"create_at"`
	UserID     string `json:"user_id"`
	ChannelID  string `json:"channel_id,omitempty"`
	Filename   string `json:"filename"`
	FileSize   int64  `json:"file_size"`
	FileOffset int64  `json:"file_offset"`
	// RemoteID and ReqFileID belong to Mattermost's shared channels; clients
	// cannot set them, and Parley sends them empty as Mattermost does then.
	RemoteID  string `json:"remote_id"`
	ReqFileID string `json:"req_file_id"`
	// Parts names the stored chunks in order, for the app layer only.
	Parts []string `json:"-"`
}
