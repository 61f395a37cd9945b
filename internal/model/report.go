package model

// UserReport is one row of the system console's user report, Mattermost's
// UserReport; the post figures are within the query's date range.
type UserReport struct {
	ID           string `json:"id"`
	CreateAt     int64  `json:"create_at"`
	Username     string `json:"username"`
	Email        string `json:"email"`
	DisplayName  string `json:"display_name"`
	Roles        string `json:"roles"`
	DeleteAt     int64  `json:"delete_at"`
	LastLoginAt  int64  `json:"last_login_at"`
	LastStatusAt int64  `json:"last_status_at"`
	LastPostDate int64  `json:"last_post_date"`
	DaysActive   int64  `json:"days_active"`
	TotalPosts   int64  `json:"total_posts"`
	FirstName    string `json:"-"`
	LastName     string `json:"-"`
}

// UserReportQuery selects and pages the user report. SortColumn is a users
// column (username, email, create_at); the page starts after the row
// (FromColumnValue, FromID) in the sort order, or before it when Prev.
type UserReportQuery struct {
	SortColumn      string
	Desc            bool
	Prev            bool
	FromColumnValue string
	FromID          string
	PageSize        int
	Role            string
	TeamID          string
	HasNoTeam       bool
	HideActive      bool
	HideInactive    bool
	Search          string
	PostsFrom       int64 // the date range, in milliseconds; PostsTo 0 is no end
	PostsTo         int64
}
