package store

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
)

// ChannelStore keeps channels, their memberships and unread counters.
type ChannelStore interface {
	SaveChannel(ctx context.Context, c *model.Channel) error
	UpdateChannel(ctx context.Context, c *model.Channel) error
	GetChannel(ctx context.Context, id string) (*model.Channel, error)
	GetChannelByName(ctx context.Context, teamID, name string, includeDeleted bool) (*model.Channel, error)
	// ListPublicChannels lists a team's public channels, archived or live.
	ListPublicChannels(ctx context.Context, teamID string, archived bool, p Page) ([]*model.Channel, error)
	ListPrivateChannels(ctx context.Context, teamID string, p Page) ([]*model.Channel, error)
	// ListChannelsForUser lists the user's channels in a team plus all their DMs and GMs.
	ListChannelsForUser(ctx context.Context, userID, teamID string, includeDeleted bool, lastDeleteAt int64) ([]*model.Channel, error)
	// ListAllChannelsForUser lists the user's channels in every team, DMs and GMs included.
	ListAllChannelsForUser(ctx context.Context, userID string, includeDeleted bool, lastDeleteAt int64) ([]*model.Channel, error)
	SearchChannels(ctx context.Context, teamID, term string, archived bool, limit int) ([]*model.Channel, error)
	DeleteChannelPermanently(ctx context.Context, id string) error

	SaveChannelMember(ctx context.Context, m *model.ChannelMember) error // upsert
	GetChannelMember(ctx context.Context, channelID, userID string) (*model.ChannelMember, error)
	// GetChannelPoster is GetChannel, GetChannelMember and GetUser in one
	// query, what creating a post reads about where and by whom: ErrNotFound
	// when the channel or the user is missing or the user is no member.
	GetChannelPoster(ctx context.Context, channelID, userID string) (*model.Channel, *model.ChannelMember, *model.User, error)
	ListChannelMembers(ctx context.Context, channelID string, p Page) ([]*model.ChannelMember, error)
	GetChannelMembersByIDs(ctx context.Context, channelID string, userIDs []string) ([]*model.ChannelMember, error)
	// ChannelRecipients is GetUsersByIDs, GetChannelMembersByIDs and
	// GetStatuses in one query, what deciding who hears of a post reads:
	// the users of userIDs who are members of the channel, by username,
	// each with its membership and its status (nil when none is stored).
	ChannelRecipients(ctx context.Context, channelID string, userIDs []string) ([]*ChannelRecipient, error)
	// ListChannelMembersForUser lists the user's memberships in a team, plus DMs and GMs.
	ListChannelMembersForUser(ctx context.Context, userID, teamID string) ([]*model.ChannelMember, error)
	// ListChannelMembersWithTeamData pages through all the user's memberships, by channel id.
	ListChannelMembersWithTeamData(ctx context.Context, userID string, p Page) ([]*model.ChannelMemberWithTeamData, error)
	DeleteChannelMember(ctx context.Context, channelID, userID string) error
	// MarkUnread sets a member back to having read up to lastViewedAt, with
	// unread posts (roots) unread after it and the given mention counts.
	MarkUnread(ctx context.Context, channelID, userID string, lastViewedAt int64, u model.UnreadCounts, at int64) error
	// DeleteTeamChannelMembers removes the user from every channel of a team.
	DeleteTeamChannelMembers(ctx context.Context, teamID, userID string) error
	CountChannelMembers(ctx context.Context, channelID string) (int64, error)
	// ChannelMemberIDs lists the user ids of a channel's members.
	ChannelMemberIDs(ctx context.Context, channelID string) ([]string, error)
	// ChannelAudience lists, in one query, the members of a channel a new
	// post may notify, as AudienceQuery asks (an empty query reads nothing).
	ChannelAudience(ctx context.Context, q AudienceQuery) (*Audience, error)

	// IncrementChannelCounts records a new post: last_post_at, total counts.
	IncrementChannelCounts(ctx context.Context, channelID string, at int64, isRoot bool) error
	// CountPost is IncrementChannelCounts and then ViewChannel for the poster,
	// the end of every post's transaction; a poster who is not a member is no
	// error. On PostgreSQL it is one statement, for the row lock it takes.
	CountPost(ctx context.Context, channelID, posterID string, createAt, at int64, isRoot bool) error
	// TouchChannel records a new root post that is not counted (a join or
	// leave message): last_post_at and last_root_post_at only.
	TouchChannel(ctx context.Context, channelID string, at int64) error
	// ViewChannel marks the channel read for the user up to the channel's last post.
	ViewChannel(ctx context.Context, channelID, userID string, at int64) (int64, error)
	// IncrementMentions adds one mention to each given member.
	IncrementMentions(ctx context.Context, channelID string, userIDs []string, isRoot bool) error
	// UpdateMemberNotifyProps replaces the member's notify props.
	UpdateMemberNotifyProps(ctx context.Context, channelID, userID string, props model.StringMap, at int64) error
}

// ChannelRecipient is a channel member whom a post may notify.
type ChannelRecipient struct {
	User   *model.User
	Member *model.ChannelMember
	Status *model.Status // nil: none stored
}

// AudienceQuery says which of a channel's member lists ChannelAudience reads.
type AudienceQuery struct {
	ChannelID string
	// Mention lists the active members a message can mention without a
	// channel-wide mention: those named by Usernames, and those with mention
	// keys or first-name mentions on. It may list more; never fewer.
	Mention   bool
	Usernames []string
	// Devices lists the members with a device session unexpired at Now: the
	// only ones a push about the channel can reach.
	Devices bool
	// WebPush lists the members with a Web Push subscription of a session
	// unexpired at Now.
	WebPush bool
	Now     int64
}

// Audience is what ChannelAudience found, each list sorted by user id (nil
// when not asked for).
type Audience struct {
	Mention, Devices, WebPush []string
}
