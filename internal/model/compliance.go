package model

// ChannelMemberHistoryResult is one stay of a user in a channel, with the
// user's details, as Mattermost's store returns it to compliance exports.
// LeaveTime is nil while the user is still a member.
type ChannelMemberHistoryResult struct {
	ChannelID    string `json:"channel_id"`
	UserID       string `json:"user_id"`
	JoinTime     int64  `json:"join_time"`
	LeaveTime    *int64 `json:"leave_time"`
	UserEmail    string `json:"user_email"`
	Username     string `json:"username"`
	IsBot        bool   `json:"is_bot"`
	UserDeleteAt int64  `json:"user_delete_at"`
}

// PostVersion is the text a post had before an edit replaced it at EditAt.
type PostVersion struct {
	ID        string         `json:"id"`
	PostID    string         `json:"post_id"`
	ChannelID string         `json:"channel_id"`
	UserID    string         `json:"user_id"`
	RootID    string         `json:"root_id"`
	CreateAt  int64          `json:"create_at"`
	EditAt    int64          `json:"edit_at"`
	Message   string         `json:"message"`
	Type      string         `json:"type"`
	Props     map[string]any `json:"props"`
	FileIDs   []string       `json:"file_ids"`
}

// Compliance export formats, as Mattermost's MessageExportSettings.ExportFormat.
const (
	ComplianceExportCSV         = "csv"
	ComplianceExportActiance    = "actiance"
	ComplianceExportGlobalRelay = "globalrelay-zip"
)
