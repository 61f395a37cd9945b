package model

// SearchParams is the body of POST /teams/{team_id}/posts/search and POST /posts/search.
type SearchParams struct {
	Terms                  *string `json:"terms"`
	IsOrSearch             bool    `json:"is_or_search"`
	TimeZoneOffset         int     `json:"time_zone_offset"` // seconds east of UTC
	IncludeDeletedChannels bool    `json:"include_deleted_channels"`
	Page                   int     `json:"page"`
	PerPage                int     `json:"per_page"`
}

// PostSearchResults is a PostList with, for each post, the search terms it matched,
// so clients can highlight them.
type PostSearchResults struct {
	*PostList
	Matches map[string][]string `json:"matches"`
}

// ChannelSearch is the body of POST /channels/search (system console).
type ChannelSearch struct {
	Term                    string   `json:"term"`
	TeamIDs                 []string `json:"team_ids"`
	Public                  bool     `json:"public"`
	Private                 bool     `json:"private"`
	Deleted                 bool     `json:"deleted"`
	IncludeDeleted          bool     `json:"include_deleted"`
	ExcludeDefaultChannels  bool     `json:"exclude_default_channels"`
	NotAssociatedToGroup    string   `json:"not_associated_to_group"`
	GroupConstrained        bool     `json:"group_constrained"`
	ExcludeGroupConstrained bool     `json:"exclude_group_constrained"`
	Page                    *int     `json:"page"`
	PerPage                 *int     `json:"per_page"`
}

// ChannelWithTeamData is a channel with the names of its team, as the system console lists them.
type ChannelWithTeamData struct {
	Channel
	TeamDisplayName string `json:"team_display_name"`
	TeamName        string `json:"team_name"`
	TeamUpdateAt    int64  `json:"team_update_at"`
}

// ChannelsWithCount is a page of channels and how many match in all.
type ChannelsWithCount struct {
	Channels   []*ChannelWithTeamData `json:"channels"`
	TotalCount int64                  `json:"total_count"`
}
