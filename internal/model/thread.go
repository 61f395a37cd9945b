package model

// ThreadMembership is one user's relation to a thread (collapsed reply
// threads), in Mattermost's JSON shape.
type ThreadMembership struct {
	PostID         string `json:"post_id"`
	UserID         string `json:"user_id"`
	Following      bool   `json:"following"`
	LastViewed     int64  `json:"last_view_at"`
	LastUpdated    int64  `json:"last_update_at"`
	UnreadMentions int64  `json:"unread_mentions"`
}

// UserThread is a thread as the store lists it for one user: the membership,
// where the thread is, and the unread replies counted after LastViewed.
type UserThread struct {
	ThreadMembership
	ChannelID     string
	TeamID        string
	LastReplyAt   int64
	UnreadReplies int64
}

// ThreadTotals are the counts over all of a user's followed threads in a team.
type ThreadTotals struct {
	Total               int64
	TotalUnreadThreads  int64
	TotalUnreadMentions int64
}

// ThreadResponse is Mattermost's thread object of the collapsed-threads API
// and of the thread_updated event.
type ThreadResponse struct {
	PostID         string  `json:"id"`
	ReplyCount     int64   `json:"reply_count"`
	LastReplyAt    int64   `json:"last_reply_at"`
	LastViewedAt   int64   `json:"last_viewed_at"`
	Participants   []*User `json:"participants"`
	Post           *Post   `json:"post"`
	UnreadReplies  int64   `json:"unread_replies"`
	UnreadMentions int64   `json:"unread_mentions"`
	IsFollowing    bool    `json:"is_following"`
	IsUrgent       bool    `json:"is_urgent"`
	DeleteAt       int64   `json:"delete_at"`
}

// Threads is the collapsed-threads list of GET /users/{id}/teams/{id}/threads.
type Threads struct {
	Total                     int64             `json:"total"`
	TotalUnreadThreads        int64             `json:"total_unread_threads"`
	TotalUnreadMentions       int64             `json:"total_unread_mentions"`
	TotalUnreadUrgentMentions int64             `json:"total_unread_urgent_mentions"`
	Threads                   []*ThreadResponse `json:"threads"`
}

// The user preference that turns collapsed reply threads on or off, where
// the server's CollapsedThreads lets the user choose.
const (
	PreferenceCategoryDisplaySettings = "display_settings"
	PreferenceNameCollapsedThreads    = "collapsed_reply_threads"
)
