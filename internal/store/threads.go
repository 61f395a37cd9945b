package store

import (
	"context"

	"github.com/parley-chat/parley/internal/model"
)

// ThreadReply is what a new reply does to the memberships of its thread.
type ThreadReply struct {
	RootID, ChannelID, TeamID string
	At                        int64 // the reply's create_at
	// RootAuthorID follows unless they have a membership already (so an
	// unfollow by hand holds).
	RootAuthorID string
	// ReplierID follows and has read the thread up to the reply.
	ReplierID string
	// MentionedIDs follow and get one more unread mention.
	MentionedIDs []string
}

// ThreadQuery selects a page of a user's followed threads in a team (its
// channels and every direct and group message), newest reply first.
type ThreadQuery struct {
	// Before and After are thread ids: only threads whose last reply is older
	// (Before) or newer (After) than that thread's.
	Before, After string
	// Since: only threads updated (replied to, read, followed) after it.
	Since int64
	// Deleted includes threads whose root is deleted.
	Deleted bool
	// Unread: only threads with replies after the user's last view.
	Unread bool
	Page   Page
}

// ThreadStore keeps thread memberships (collapsed reply threads).
type ThreadStore interface {
	// ThreadReplied updates the memberships of a thread for a new reply.
	ThreadReplied(ctx context.Context, r ThreadReply) error
	// GetThreadMembership returns a user's membership (ErrNotFound: none).
	GetThreadMembership(ctx context.Context, rootID, userID string) (*model.ThreadMembership, error)
	// SetThreadFollowing follows or unfollows, creating the membership (read
	// up to at) when there is none.
	SetThreadFollowing(ctx context.Context, rootID, channelID, teamID, userID string, following bool, at int64) error
	// SetThreadRead sets what a user has read of a thread and their unread
	// mentions, creating a membership that does not follow when there is none.
	SetThreadRead(ctx context.Context, rootID, channelID, teamID, userID string, lastViewed, unreadMentions, at int64) error
	// MarkTeamThreadsRead marks every followed thread of the team (and of
	// direct and group messages) read at at.
	MarkTeamThreadsRead(ctx context.Context, userID, teamID string, at int64) error
	// MarkChannelThreadsRead marks a user's threads in channels read at at.
	MarkChannelThreadsRead(ctx context.Context, userID string, channelIDs []string, at int64) error
	// UserThreads returns a page of q.
	UserThreads(ctx context.Context, userID, teamID string, q ThreadQuery) ([]*model.UserThread, error)
	// UserThread returns one of a user's threads, followed or not.
	UserThread(ctx context.Context, rootID, userID string) (*model.UserThread, error)
	// UserThreadTotals counts a user's followed threads with live roots in a team.
	UserThreadTotals(ctx context.Context, userID, teamID string) (model.ThreadTotals, error)
	// TeamThreadTotals is UserThreadTotals for each team of the user at once,
	// by team id ('' holds direct and group messages).
	TeamThreadTotals(ctx context.Context, userID string) (map[string]model.ThreadTotals, error)
	// ThreadFollowers returns the ids of the users following a thread.
	ThreadFollowers(ctx context.Context, rootID string) ([]string, error)
	// SaveThreadMembership writes a membership as given (bulk import); the
	// thread's last reply time is read from its root, which must be stored.
	SaveThreadMembership(ctx context.Context, m *model.ThreadMembership, channelID, teamID string) error
	// ThreadMemberships maps roots to the memberships of their followers,
	// ordered by user id (bulk export).
	ThreadMemberships(ctx context.Context, rootIDs []string) (map[string][]*model.ThreadMembership, error)
	// ThreadParticipants returns, per root, the authors of its live replies
	// in the order they first replied.
	ThreadParticipants(ctx context.Context, rootIDs []string) (map[string][]string, error)
}
