package app

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/search"
	"github.com/parley-chat/parley/internal/store"
)

const (
	searchDefaultPerPage = 60
	searchMaxPerPage     = 200
)

func errSearch(id, msg string) *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "api.post.search_posts."+id, msg)
}

// SearchPosts runs a message search for the session's user in one team (teamID
// "" for every team). Only channels the user is a member of are searched.
func (a *App) SearchPosts(ctx context.Context, s *model.Session, teamID string, p *model.SearchParams) (*model.PostSearchResults, error) {
	if teamID != "" && !a.HasTeamPermission(ctx, s, teamID, model.PermViewTeam) {
		return nil, model.ErrForbidden()
	}
	if p.Terms == nil {
		return nil, model.ErrInvalidBody("terms")
	}
	q, err := search.Parse(*p.Terms)
	switch {
	case errors.Is(err, search.ErrTooLong):
		return nil, errSearch("terms_too_long.app_error", "Search terms may be at most 4096 bytes long.")
	case errors.Is(err, search.ErrTooManyTerms):
		return nil, errSearch("too_many_terms.app_error", "A search may have at most 32 words, phrases and filters.")
	case err != nil:
		return nil, model.ErrInternal(err)
	}
	out := &model.PostSearchResults{PostList: model.NewPostList(), Matches: map[string][]string{}}
	if q.IsEmpty() {
		return out, nil
	}
	perPage := p.PerPage
	if perPage <= 0 {
		perPage = searchDefaultPerPage
	}
	perPage = min(perPage, searchMaxPerPage)
	sq := &store.PostSearch{UserID: s.UserID, TeamID: teamID, IncludeDeletedChannels: p.IncludeDeletedChannels,
		Or: p.IsOrSearch, Terms: q.Terms, Excluded: q.Excluded, FromUsernames: q.From, ExcludedUsernames: q.NotFrom,
		InChannels:       a.searchChannelNames(ctx, s, q.In),
		ExcludedChannels: a.searchChannelNames(ctx, s, q.NotIn),
		// One more than a page tells whether another page follows.
		Page: store.Page{Offset: max(p.Page, 0) * perPage, Limit: perPage + 1}}
	if err := searchDates(sq, q, p.TimeZoneOffset); err != nil {
		return nil, err
	}
	// The search runs on a read replica when there is one; the store confirms
	// its finds on the primary.
	posts, err := a.store.LagTolerant().SearchPosts(ctx, sq)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	hasNext := len(posts) > perPage
	if hasNext {
		posts = posts[:perPage]
	}
	out.HasNext = &hasNext
	for _, post := range posts {
		out.Add(post)
		out.Matches[post.ID] = matchedTerms(post, q.Terms)
	}
	if err := a.fillMetadata(ctx, out.PostList); err != nil {
		return nil, err
	}
	return out, nil
}

// searchChannelNames turns in: values into channel names: "@bob" is the
// searcher's DM with bob, anything else a channel name as typed.
func (a *App) searchChannelNames(ctx context.Context, s *model.Session, names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		if u, ok := strings.CutPrefix(n, "@"); ok {
			if other, err := a.store.GetUserByUsername(ctx, u); err == nil {
				n = model.DirectChannelName(s.UserID, other.ID)
			}
		}
		out = append(out, n)
	}
	return out
}

// searchDates reads on:, before: and after: (YYYY-MM-DD) as whole days in the
// searcher's time zone: after: starts the day after, before: ends the day before.
func searchDates(sq *store.PostSearch, q *search.Query, offsetSec int) error {
	if offsetSec < -14*3600 || offsetSec > 14*3600 {
		return errSearch("time_zone_offset.app_error", "time_zone_offset must be from -50400 to 50400 seconds.")
	}
	zone := time.FixedZone("", offsetSec)
	day := func(name, v string) (time.Time, error) {
		d, err := time.ParseInLocation("2006-01-02", v, zone)
		if err != nil {
			return d, errSearch("invalid_date.app_error", name+": "+v+" is not a date as YYYY-MM-DD.")
		}
		return d, nil
	}
	bound := func(cur int64, v int64, later bool) int64 {
		if cur == 0 || (later && v > cur) || (!later && v < cur) {
			return v
		}
		return cur
	}
	if q.On != "" {
		d, err := day("on", q.On)
		if err != nil {
			return err
		}
		sq.After = bound(sq.After, d.UnixMilli()-1, true)
		sq.Before = bound(sq.Before, d.AddDate(0, 0, 1).UnixMilli(), false)
	}
	if q.After != "" {
		d, err := day("after", q.After)
		if err != nil {
			return err
		}
		sq.After = bound(sq.After, d.AddDate(0, 0, 1).UnixMilli()-1, true)
	}
	if q.Before != "" {
		d, err := day("before", q.Before)
		if err != nil {
			return err
		}
		sq.Before = bound(sq.Before, d.UnixMilli(), false)
	}
	return nil
}

// matchedTerms lists what each term matched in the post, for highlighting: the
// words of the message a word or prefix matched (so "deploy*" highlights
// "deployment"), else the term as typed (a stemmed match such as "run" for "running").
func matchedTerms(p *model.Post, terms []search.Term) []string {
	msg := search.Words(p.Message)
	folded := make([]string, len(msg))
	for i, w := range msg {
		folded[i] = search.Fold(w)
	}
	out := []string{}
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, t := range terms {
		found := false
		if t.Kind == search.Word || t.Kind == search.Prefix {
			want := search.Fold(t.Text)
			for i, w := range folded {
				if w == want || (t.Kind == search.Prefix && strings.HasPrefix(w, want)) ||
					(t.Kind == search.Word && len(want) > 3 && strings.HasPrefix(w, want)) {
					add(msg[i])
					found = true
				}
			}
		}
		if !found && strings.Contains(search.Fold(p.Message), search.Fold(t.Text)) {
			add(t.Text)
		}
	}
	return out
}

// SearchAllChannels finds channels of every team for the system console.
func (a *App) SearchAllChannels(ctx context.Context, s *model.Session, q *model.ChannelSearch) ([]*model.ChannelWithTeamData, int64, error) {
	if !a.HasPermission(s, model.PermManageSystem) {
		return nil, 0, model.ErrForbidden()
	}
	p := store.Page{Limit: 100}
	if q.PerPage != nil || q.Page != nil {
		p.Limit = searchDefaultPerPage
		if q.PerPage != nil && *q.PerPage > 0 {
			p.Limit = min(*q.PerPage, searchMaxPerPage)
		}
		if q.Page != nil {
			p.Offset = max(*q.Page, 0) * p.Limit
		}
	}
	cs, total, err := a.store.LagTolerant().SearchAllChannels(ctx, q, p)
	if err != nil {
		return nil, 0, model.ErrInternal(err)
	}
	return cs, total, nil
}

// extFilter takes Mattermost's ext: and -ext: filters out of a file search's
// terms, which the post search syntax does not know.
func extFilter(terms string) (rest string, exts, notExts []string) {
	var keep []string
	for _, tok := range strings.Fields(terms) {
		neg := strings.HasPrefix(tok, "-")
		if v, ok := strings.CutPrefix(strings.ToLower(strings.TrimPrefix(tok, "-")), "ext:"); ok {
			if v = strings.TrimPrefix(strings.Trim(v, `"`), "."); v != "" {
				if neg {
					notExts = append(notExts, v)
				} else {
					exts = append(exts, v)
				}
			}
			continue
		}
		keep = append(keep, tok)
	}
	return strings.Join(keep, " "), exts, notExts
}

// SearchFiles finds attached files by name in the channels the caller is a
// member of (in one team, with DMs and GMs, or in all), with the post search's
// filters (from:, in:, on:, before:, after:, -excluded) and ext:.
func (a *App) SearchFiles(ctx context.Context, s *model.Session, teamID string, p *model.SearchParams) (*model.FileInfoList, error) {
	if teamID != "" && !a.HasTeamPermission(ctx, s, teamID, model.PermViewTeam) {
		return nil, model.ErrForbidden()
	}
	if p.Terms == nil || strings.TrimSpace(*p.Terms) == "" {
		return nil, model.ErrInvalidBody("terms")
	}
	terms, exts, notExts := extFilter(*p.Terms)
	q, err := search.Parse(terms)
	switch {
	case errors.Is(err, search.ErrTooLong):
		return nil, errSearch("terms_too_long.app_error", "Search terms may be at most 4096 bytes long.")
	case errors.Is(err, search.ErrTooManyTerms) || len(exts)+len(notExts) > search.MaxTerms:
		return nil, errSearch("too_many_terms.app_error", "A search may have at most 32 words, phrases and filters.")
	case err != nil:
		return nil, model.ErrInternal(err)
	}
	out := model.NewFileInfoList()
	if q.IsEmpty() && len(exts) == 0 && len(notExts) == 0 {
		return out, nil
	}
	perPage := p.PerPage
	if perPage <= 0 {
		perPage = searchDefaultPerPage
	}
	perPage = min(perPage, searchMaxPerPage)
	fq := &store.FileSearch{PostSearch: store.PostSearch{UserID: s.UserID, TeamID: teamID,
		IncludeDeletedChannels: p.IncludeDeletedChannels, Or: p.IsOrSearch, Terms: q.Terms, Excluded: q.Excluded,
		FromUsernames: q.From, ExcludedUsernames: q.NotFrom, InChannels: a.searchChannelNames(ctx, s, q.In),
		ExcludedChannels: a.searchChannelNames(ctx, s, q.NotIn),
		Page:             store.Page{Offset: max(p.Page, 0) * perPage, Limit: perPage}}, Extensions: exts}
	for _, e := range notExts {
		// A file's extension is never "", so this reads as: not this one.
		fq.Excluded = append(fq.Excluded, search.Term{Kind: search.Word, Text: "." + e})
	}
	if err := searchDates(&fq.PostSearch, q, p.TimeZoneOffset); err != nil {
		return nil, err
	}
	fs, err := a.store.SearchFiles(ctx, fq)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	for _, f := range fs {
		out.Order = append(out.Order, f.ID)
		out.FileInfos[f.ID] = f
	}
	return out, nil
}
