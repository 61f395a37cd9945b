package app

import (
	"bytes"
	"context"
	"io"
	"sync"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// BulkStore is what the bulk paths (internal/bulkio: import, export, sample
// data) may do with the store themselves: read, and write in bulk the rows
// whose rules are the model's validators (posts, reactions, posts' flags,
// files, thread memberships). Teams, channels, users and memberships are not
// in it: they are written through Batch's operations, which carry the API's
// rules and events, and the compiler keeps it so.
type BulkStore interface {
	DriverName() string
	AfterCommit(fn func())

	GetTeam(ctx context.Context, id string) (*model.Team, error)
	GetTeamByName(ctx context.Context, name string) (*model.Team, error)
	ListAllTeams(ctx context.Context) ([]*model.Team, error)
	GetTeamMember(ctx context.Context, teamID, userID string) (*model.TeamMember, error)
	UserTeamMembers(ctx context.Context, userID string) ([]*model.TeamMember, error)

	GetChannel(ctx context.Context, id string) (*model.Channel, error)
	GetChannelByName(ctx context.Context, teamID, name string, includeDeleted bool) (*model.Channel, error)
	ListTeamChannels(ctx context.Context, teamID string) ([]*model.Channel, error)
	ListGroupAndDirectChannels(ctx context.Context, afterID string, limit int) ([]*model.Channel, error)
	GetChannelMember(ctx context.Context, channelID, userID string) (*model.ChannelMember, error)
	UserChannelMembers(ctx context.Context, userID string) ([]*model.ChannelMember, error)
	ChannelMemberIDs(ctx context.Context, channelID string) ([]string, error)

	GetUser(ctx context.Context, id string) (*model.User, error)
	GetUserByUsername(ctx context.Context, username string) (*model.User, error)
	GetUsersByIDs(ctx context.Context, ids []string, since int64) ([]*model.User, error)
	ListUsers(ctx context.Context, f store.UserFilter, p store.Page) ([]*model.User, error)

	GetPreferences(ctx context.Context, userID, category string) ([]model.Preference, error)
	GetPreference(ctx context.Context, userID, category, name string) (*model.Preference, error)
	BulkSavePreferences(ctx context.Context, prefs []model.Preference) error

	PostsAt(ctx context.Context, channelID string, createAts []int64) ([]*model.Post, error)
	ExportRootPosts(ctx context.Context, channelID string, afterCreateAt int64, afterID string, limit int) ([]*model.Post, error)
	ExportReplies(ctx context.Context, rootIDs []string) ([]*model.Post, error)
	FlaggedBy(ctx context.Context, postIDs []string) (map[string][]string, error)
	ImportPosts(ctx context.Context, posts []*model.Post) error
	BulkInsertPosts(ctx context.Context, posts []*model.Post) error
	UpdatePost(ctx context.Context, p *model.Post) error
	UpdateThreadStats(ctx context.Context, rootID string, at int64) error
	GetThreadMembership(ctx context.Context, rootID, userID string) (*model.ThreadMembership, error)
	ThreadMemberships(ctx context.Context, rootIDs []string) (map[string][]*model.ThreadMembership, error)
	SaveThreadMembership(ctx context.Context, m *model.ThreadMembership, channelID, teamID string) error
	ListReactions(ctx context.Context, postID string) ([]*model.Reaction, error)
	ListReactionsForPosts(ctx context.Context, postIDs []string) (map[string][]*model.Reaction, error)
	BulkSaveReactions(ctx context.Context, rs []*model.Reaction) error
	FileInfosForPosts(ctx context.Context, postIDs []string) (map[string][]*model.FileInfo, error)
	SaveFileInfo(ctx context.Context, f *model.FileInfo) error
	DeleteFiles(ctx context.Context, ids []string, at int64) error
	GetEmojiByName(ctx context.Context, name string) (*model.Emoji, error)
	ListEmoji(ctx context.Context, p store.Page, byName bool) ([]*model.Emoji, error)

	// After an import: what it wrote becomes searchable, counted and planned for.
	IndexDeferredPosts(ctx context.Context) (int, error)
	RecountChannels(ctx context.Context) error
	AnalyzePosts(ctx context.Context) error
}

// Bulk is the store as the bulk paths may use it outside a batch.
func (a *App) Bulk() BulkStore { return a.store }

// Batch is one transaction of a bulk path. Its operations are those the
// API's methods call after their permission checks, as an import writes
// (Mattermost's FromImport): no system messages, no default channels joined,
// nothing marked read. Events are published once the batch commits; bytes it
// stored are removed if it does not.
type Batch struct {
	BulkStore
	a  *App
	tx store.Store

	mu      sync.Mutex
	written []string // storage prefixes to remove on rollback

	members *memberCounts
}

// memberCounts counts the members of the teams one transaction joins users
// to: a team once, then one more per join, so that an import of thousands of
// users does not count a team's members per user. A batch fails whole, so
// only joins that stay change it; what concurrent batches commit meanwhile
// is not seen, as the per-join count did not see another's uncommitted joins.
// nil counts at every join (the API's single joins).
type memberCounts struct {
	mu sync.Mutex
	n  map[string]int64
}

func (c *memberCounts) get(ctx context.Context, tx store.Store, teamID string) (int64, error) {
	if c == nil {
		st, err := tx.GetTeamStats(ctx, teamID)
		if err != nil {
			return 0, err
		}
		return st.TotalMemberCount, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if n, ok := c.n[teamID]; ok {
		return n, nil
	}
	st, err := tx.GetTeamStats(ctx, teamID)
	if err != nil {
		return 0, err
	}
	c.n[teamID] = st.TotalMemberCount
	return st.TotalMemberCount, nil
}

// joined counts a new member of a team counted before.
func (c *memberCounts) joined(teamID string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.n[teamID]; ok {
		c.n[teamID]++
	}
}

// InBatch runs fn in one transaction.
func (a *App) InBatch(ctx context.Context, fn func(b *Batch) error) error {
	var b *Batch
	err := a.store.Tx(ctx, func(tx store.Store) error {
		b = &Batch{BulkStore: tx, a: a, tx: tx, members: &memberCounts{n: map[string]int64{}}}
		return fn(b)
	})
	if err != nil && b != nil {
		b.mu.Lock()
		for _, prefix := range b.written {
			a.removeBytes(ctx, prefix)
		}
		b.mu.Unlock()
	}
	return err
}

func (b *Batch) stored(prefix string) {
	b.mu.Lock()
	b.written = append(b.written, prefix)
	b.mu.Unlock()
}

// CreateTeam stores a new team with its default channels, which it returns.
func (b *Batch) CreateTeam(ctx context.Context, t *model.Team) ([]*model.Channel, error) {
	return b.a.createTeam(ctx, b.tx, t, nil)
}

// UpdateTeam stores a team's changed fields.
func (b *Batch) UpdateTeam(ctx context.Context, t *model.Team) error {
	return b.a.updateTeam(ctx, b.tx, t)
}

// CreateChannel stores a new public or private channel of team t.
func (b *Batch) CreateChannel(ctx context.Context, t *model.Team, ch *model.Channel) error {
	return b.a.createChannel(ctx, b.tx, t, ch, false)
}

// UpdateChannel stores a channel's changed fields.
func (b *Batch) UpdateChannel(ctx context.Context, ch *model.Channel) error {
	return b.a.updateChannel(ctx, b.tx, ch)
}

// OpenConversation finds or creates the direct or group message of users,
// reporting whether it created it.
func (b *Batch) OpenConversation(ctx context.Context, users []*model.User) (*model.Channel, bool, error) {
	return b.a.openConversation(ctx, b.tx, users, "")
}

// JoinTeam makes u a member of t (again), reporting whether the membership is new.
func (b *Batch) JoinTeam(ctx context.Context, t *model.Team, u *model.User) (*model.TeamMember, bool, error) {
	return b.a.joinTeam(ctx, b.tx, t, u, joining{fromImport: true, members: b.members})
}

// SaveTeamMemberRoles stores a team member's changed roles.
func (b *Batch) SaveTeamMemberRoles(ctx context.Context, m *model.TeamMember) error {
	return b.a.saveTeamMemberRoles(ctx, b.tx, m)
}

// AddChannelMember makes u a member of ch, reporting whether the membership
// is new; it returns the membership that was there if not.
func (b *Batch) AddChannelMember(ctx context.Context, ch *model.Channel, u *model.User) (*model.ChannelMember, bool, error) {
	return b.a.addChannelMember(ctx, b.tx, ch, u, joining{fromImport: true})
}

// SaveChannelMember stores a channel member's changed roles or notify props.
func (b *Batch) SaveChannelMember(ctx context.Context, m *model.ChannelMember) error {
	return b.a.saveChannelMember(ctx, b.tx, m)
}

// CreateUser stores a new account (a bot's too).
func (b *Batch) CreateUser(ctx context.Context, u *model.User) error {
	return b.a.saveNewUser(ctx, b.tx, u)
}

// UpdateUser stores the changes of an account that was old.
func (b *Batch) UpdateUser(ctx context.Context, old, u *model.User) error {
	return b.a.updateUser(ctx, b.tx, old, u)
}

// SetPassword gives a user a new password hash (HashPassword's); as through
// the API, with RevokeSessionsOnPasswordChange whoever knew the old one is
// signed out.
func (b *Batch) SetPassword(ctx context.Context, u *model.User, hash string) error {
	if err := b.tx.UpdatePassword(ctx, u.ID, hash, model.Now()); err != nil {
		return storeErr(err, errUserNotFound())
	}
	if b.a.Config().RevokeSessionsOnPasswordChange && u.DeleteAt == 0 {
		return b.a.endSessions(ctx, b.tx, u.ID)
	}
	return nil
}

// SavePreferences upserts preferences of one user, each valid by the model.
func (b *Batch) SavePreferences(ctx context.Context, userID string, prefs []model.Preference) error {
	for i := range prefs {
		if prefs[i].UserID != userID {
			return model.ErrInvalidBody("preferences")
		}
		if ae := prefs[i].IsValid(); ae != nil {
			return ae
		}
	}
	return b.a.savePreferences(ctx, b.tx, userID, prefs)
}

// StoreUpload stores an attachment's bytes (and an image's thumbnail and
// preview) as an upload by userID would, and returns its row, for the
// caller to save.
func (b *Batch) StoreUpload(ctx context.Context, userID, channelID, name string, body io.Reader) (*model.FileInfo, error) {
	f, err := b.a.writeUpload(ctx, userID, channelID, &FileUpload{Name: name, Body: body})
	if err != nil {
		return nil, err
	}
	b.stored(fileDir(f.ID))
	return f, nil
}

// CreateEmoji stores a custom emoji with its image (the raw file, checked
// and resized as an upload's).
func (b *Batch) CreateEmoji(ctx context.Context, e *model.Emoji, raw []byte) error {
	if ae := model.ValidateEmojiName(e.Name); ae != nil {
		return ae
	}
	data, err := b.a.emojiImage(ctx, raw)
	if err != nil {
		return err
	}
	if _, err := b.a.files.Write(ctx, emojiKey(e.ID), bytes.NewReader(data)); err != nil {
		return model.ErrInternal(err)
	}
	b.stored(emojiDir(e.ID))
	return storeErr(b.tx.SaveEmoji(ctx, e), nil)
}

// SetProfileImage makes raw u's picture, as POST /users/{id}/image does, and
// sets u.LastPictureUpdate for the caller to save with u. The picture u has
// already is kept, so that a re-import changes nothing; a replaced one's
// bytes go once the batch has committed.
func (b *Batch) SetProfileImage(ctx context.Context, u *model.User, raw []byte) error {
	img, err := b.a.profileImageBytes(ctx, raw)
	if err != nil {
		return err
	}
	old := u.LastPictureUpdate
	if old > 0 {
		if obj, err := b.a.files.Open(ctx, profileImageKey(u.ID, old)); err == nil {
			have, err := io.ReadAll(obj)
			obj.Close()
			if err == nil && bytes.Equal(have, img) {
				return nil
			}
		}
	}
	at, key, err := b.a.writeProfileImage(ctx, u, img)
	if err != nil {
		return model.ErrInternal(err)
	}
	b.stored(key)
	u.LastPictureUpdate = at
	if old > 0 {
		b.tx.AfterCommit(func() { b.a.removeBytes(ctx, profileImageKey(u.ID, old)) })
	}
	return nil
}

// HashPassword hashes a password as a new account's is stored.
func HashPassword(pw string) (string, error) { return hashPassword(pw) }

// PasswordMatches reports whether pw is the password of hash.
func PasswordMatches(hash, pw string) bool { return checkPassword(hash, pw) }

// Stored objects, as an export names them: an attachment's original, a
// custom emoji's image, a profile image.
func FileObjectKey(fileID string) string                   { return fileKey(fileID, "original") }
func FileObjectDir(fileID string) string                   { return fileDir(fileID) }
func EmojiObjectKey(emojiID string) string                 { return emojiKey(emojiID) }
func ProfileImageObjectKey(userID string, at int64) string { return profileImageKey(userID, at) }

// OpenObject opens a stored object by its key.
func (a *App) OpenObject(ctx context.Context, key string) (io.ReadCloser, error) {
	return a.files.Open(ctx, key)
}
