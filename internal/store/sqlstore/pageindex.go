package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// pageStride is how many posts apart a channel's boundaries are: a deep page
// steps over fewer than that many index entries past its boundary, and a
// channel of a million posts keeps 2,000 boundaries (about 130 KB).
const pageStride = 500

// pageIndexChannels bounds how many channels keep boundaries; deep pages are
// read in few channels at a time, and one that is evicted is read anew.
const pageIndexChannels = 256

// pageIndex turns a deep page=N offset into a cursor. Each channel keeps the
// (create_at, id) of its posts at ranks stride-1, 2×stride-1, … counted from
// the oldest listed post, as they were at a version of channel_post_versions
// (migration 00030). Appended posts leave those ranks alone, so the offset
// from the newest is the count of posts above the top boundary, a short
// index range; every other change bumps the version and the channel's
// boundaries are read again.
type pageIndex struct {
	stride int
	mu     sync.Mutex
	chans  map[string]*channelBounds
}

func newPageIndex() *pageIndex {
	return &pageIndex{stride: pageStride, chans: map[string]*channelBounds{}}
}

// channelBounds are one channel's boundaries; mu is held while they are read
// from the database, so concurrent deep readers of a changed channel wait for
// one scan instead of each making their own.
type channelBounds struct {
	mu      sync.Mutex
	version int64
	built   bool
	bounds  []postKey // bounds[i] is the post at rank (i+1)×stride-1
}

type postKey struct {
	createAt int64
	id       string
}

func (x *pageIndex) channel(id string) *channelBounds {
	x.mu.Lock()
	defer x.mu.Unlock()
	c := x.chans[id]
	if c == nil {
		if len(x.chans) >= pageIndexChannels {
			for k := range x.chans { // any one: map order is random enough
				delete(x.chans, k)
				break
			}
		}
		c = &channelBounds{}
		x.chans[id] = c
	}
	return c
}

// deepChannelPosts answers ChannelPosts for an offset of at least a stride
// with the same posts as the offset query; ok is false when it cannot, and
// the caller runs that query.
func (s *SQLStore) deepChannelPosts(ctx context.Context, channelID string, p store.Page) (posts []*model.Post, ok bool, err error) {
	x := s.pages
	c := x.channel(channelID)
	c.mu.Lock()
	defer c.mu.Unlock()
	version, above, err := s.versionAndAbove(ctx, channelID, c)
	if err != nil {
		return nil, false, err
	}
	if !c.built || c.version != version {
		if err := s.readBounds(ctx, channelID, c, version); err != nil || !c.built {
			return nil, false, err
		}
		if version, above, err = s.versionAndAbove(ctx, channelID, c); err != nil || c.version != version {
			return nil, false, err
		}
	}
	if above >= 4*x.stride {
		// Many posts appended since: extend the boundaries over them, so
		// that counting them stays short.
		if err := s.extendBounds(ctx, channelID, c); err != nil {
			return nil, false, err
		}
		if version, above, err = s.versionAndAbove(ctx, channelID, c); err != nil || c.version != version {
			return nil, false, err
		}
	}
	if len(c.bounds) == 0 {
		return nil, false, nil
	}
	// Ranks count from the oldest post (0); the page starts at rank first
	// and goes down.
	total := len(c.bounds)*x.stride + above
	first := total - 1 - p.Offset
	if first < 0 {
		return []*model.Post{}, true, nil
	}
	i := first / x.stride
	if i >= len(c.bounds) {
		return nil, false, nil // among the posts above the top boundary: a short offset
	}
	b := c.bounds[i]
	posts, err = s.posts(ctx, s.channelPage(`channel_id = ? AND delete_at = 0 AND (create_at, id) <= (?, ?)`,
		store.Page{Limit: p.Limit, Offset: (i+1)*x.stride - 1 - first}), channelID, b.createAt, b.id)
	if err != nil {
		return nil, false, err
	}
	// A change between the count and the page makes them disagree.
	var now int64
	if err := s.queryRow(ctx, `SELECT COALESCE((SELECT version FROM channel_post_versions WHERE channel_id = ?), 0)`,
		channelID).Scan(&now); err != nil {
		return nil, false, fmt.Errorf("channel posts version: %w", mapErr(err))
	}
	return posts, now == c.version, nil
}

// versionAndAbove reads, in one statement and so one snapshot, the channel's
// version and how many listed posts are above its top boundary (all of them
// without boundaries).
func (s *SQLStore) versionAndAbove(ctx context.Context, channelID string, c *channelBounds) (version int64, above int, err error) {
	top := postKey{createAt: math.MinInt64}
	if len(c.bounds) > 0 {
		top = c.bounds[len(c.bounds)-1]
	}
	err = s.queryRow(ctx, `SELECT COALESCE((SELECT version FROM channel_post_versions WHERE channel_id = ?), 0),
		(SELECT COUNT(*) FROM posts WHERE channel_id = ? AND delete_at = 0 AND (create_at, id) > (?, ?))`,
		channelID, channelID, top.createAt, top.id).Scan(&version, &above)
	if err != nil {
		return 0, 0, fmt.Errorf("channel posts version: %w", mapErr(err))
	}
	return version, above, nil
}

// readBounds reads all of a channel's boundaries for version, which the
// caller read before: they count only if the version is still the same
// after, as no change to the listing was committed in between.
func (s *SQLStore) readBounds(ctx context.Context, channelID string, c *channelBounds, version int64) error {
	c.built, c.bounds = false, nil
	bounds, err := s.boundsAbove(ctx, channelID, postKey{createAt: math.MinInt64})
	if err != nil {
		return err
	}
	c.version, c.bounds, c.built = version, bounds, true
	return nil
}

// extendBounds adds the boundaries of the posts appended above the top one:
// len(bounds)×stride posts are at or below it, so numbering those above
// from 1 continues the ranks' stride.
func (s *SQLStore) extendBounds(ctx context.Context, channelID string, c *channelBounds) error {
	more, err := s.boundsAbove(ctx, channelID, c.bounds[len(c.bounds)-1])
	if err != nil {
		return err
	}
	c.bounds = append(c.bounds, more...)
	return nil
}

// boundsAbove steps stride posts at a time through the index from key,
// one short statement a boundary: stepping over index entries is what the
// database does fastest (a window function numbering the rows took 0.3 s of
// CPU for 100,000 posts on SQLite). The statements see different snapshots;
// the version read before and after tells whether they all saw one listing.
func (s *SQLStore) boundsAbove(ctx context.Context, channelID string, key postKey) ([]postKey, error) {
	var out []postKey
	for {
		err := s.queryRow(ctx, `SELECT create_at, id FROM posts WHERE channel_id = ? AND delete_at = 0
			AND (create_at, id) > (?, ?) ORDER BY create_at, id`+limitOffset(store.Page{Limit: 1, Offset: s.pages.stride - 1}),
			channelID, key.createAt, key.id).Scan(&key.createAt, &key.id)
		if errors.Is(err, sql.ErrNoRows) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("channel page bounds: %w", mapErr(err))
		}
		out = append(out, key)
	}
}
