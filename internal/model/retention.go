package model

// Retention, as Mattermost's data retention: a global policy, and granular
// policies that name teams and channels. A channel's policy beats its team's,
// which beats the global one.

// KeepForever is the post_duration (days) of a policy that deletes nothing.
const KeepForever = -1

// GlobalRetention is the server-wide policy. 0 days keeps forever: it is what
// `parley retention set --global` writes.
type GlobalRetention struct {
	PostDays int `json:"post_days"`
	FileDays int `json:"file_days"`
	// PreservePinnedPosts keeps pinned posts that this policy would delete.
	PreservePinnedPosts bool  `json:"preserve_pinned_posts"`
	UpdateAt            int64 `json:"update_at"`
}

// GlobalRetentionPolicy is Mattermost's answer to GET /data_retention/policy:
// what the global policy deletes and the creation time before which it does.
type GlobalRetentionPolicy struct {
	MessageDeletionEnabled bool  `json:"message_deletion_enabled"`
	FileDeletionEnabled    bool  `json:"file_deletion_enabled"`
	BoardsDeletionEnabled  bool  `json:"boards_deletion_enabled"`
	MessageRetentionCutoff int64 `json:"message_retention_cutoff"`
	FileRetentionCutoff    int64 `json:"file_retention_cutoff"`
}

// RetentionPolicy is a granular policy, with Mattermost's fields (id,
// display_name, post_duration) and two of Parley's: file_duration (days the
// files of its channels are kept; absent, the global file policy applies,
// as in Mattermost, whose granular policies only delete posts) and
// preserve_pinned_posts.
type RetentionPolicy struct {
	ID                  string `json:"id"`
	DisplayName         string `json:"display_name"`
	PostDuration        *int64 `json:"post_duration"`
	FileDuration        *int64 `json:"file_duration,omitempty"`
	PreservePinnedPosts bool   `json:"preserve_pinned_posts"`
}

// RetentionPolicyWithTeamAndChannelIDs is the body of a create or patch: a
// patch leaves out what it does not change, and team_ids or channel_ids, when
// given, replace the policy's whole list.
type RetentionPolicyWithTeamAndChannelIDs struct {
	ID                  string   `json:"id"`
	DisplayName         string   `json:"display_name"`
	PostDuration        *int64   `json:"post_duration"`
	FileDuration        *int64   `json:"file_duration"`
	PreservePinnedPosts *bool    `json:"preserve_pinned_posts"`
	TeamIDs             []string `json:"team_ids"`
	ChannelIDs          []string `json:"channel_ids"`
}

// RetentionPolicyWithTeamAndChannelCounts is a policy as the API answers it.
type RetentionPolicyWithTeamAndChannelCounts struct {
	RetentionPolicy
	ChannelCount int64 `json:"channel_count"`
	TeamCount    int64 `json:"team_count"`
}

// RetentionPolicyWithTeamAndChannelCountsList is a page of policies.
type RetentionPolicyWithTeamAndChannelCountsList struct {
	Policies   []*RetentionPolicyWithTeamAndChannelCounts `json:"policies"`
	TotalCount int64                                      `json:"total_count"`
}

// RetentionPolicyForTeam is the post duration of one of a user's teams.
type RetentionPolicyForTeam struct {
	TeamID       string `json:"team_id"`
	PostDuration int64  `json:"post_duration"`
}

// RetentionPolicyForTeamList is a page of them.
type RetentionPolicyForTeamList struct {
	Policies   []*RetentionPolicyForTeam `json:"policies"`
	TotalCount int64                     `json:"total_count"`
}

// RetentionPolicyForChannel is the post duration of one of a user's channels.
type RetentionPolicyForChannel struct {
	ChannelID    string `json:"channel_id"`
	PostDuration int64  `json:"post_duration"`
}

// RetentionPolicyForChannelList is a page of them.
type RetentionPolicyForChannelList struct {
	Policies   []*RetentionPolicyForChannel `json:"policies"`
	TotalCount int64                        `json:"total_count"`
}

// TeamsWithCount is a page of teams and how many there are in all.
type TeamsWithCount struct {
	Teams      []*Team `json:"teams"`
	TotalCount int64   `json:"total_count"`
}

// LegalHold keeps what it covers from retention and erasure: the posts (and
// their files) written by its users, or in its channels, from StartsAt to
// EndsAt (Unix ms; EndsAt 0: still running). Field names follow Mattermost's
// legal hold plugin, with channel_ids added.
type LegalHold struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	DisplayName string   `json:"display_name"`
	Description string   `json:"description"`
	UserIDs     []string `json:"user_ids"`
	ChannelIDs  []string `json:"channel_ids"`
	StartsAt    int64    `json:"starts_at"`
	EndsAt      int64    `json:"ends_at"`
	CreateAt    int64    `json:"create_at"`
	UpdateAt    int64    `json:"update_at"`
	CreatorID   string   `json:"creator_id"`
}
