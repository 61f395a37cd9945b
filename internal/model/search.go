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
