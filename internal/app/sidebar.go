package app

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/parley-chat/parley/internal/model"
)

// sidebarSortDistance is the gap between categories' sort orders, Mattermost's
// MinimalSidebarSortDistance.
const sidebarSortDistance = 10

func errNoCategory() error {
	return model.ErrNotFound("app.channel.sidebar_categories.app_error", "category")
}

// sidebar builds the user's sidebar in a team: the three default categories
// (overridden by what the user stored of them) and their custom ones, each
// channel in one of them: favorites (the favorite_channel preferences) first,
// then the custom category it was moved into, else channels or direct
// messages. member holds the channels the user is in, which alone a category
// may list.
func (a *App) sidebar(ctx context.Context, s *model.Session, userID, teamID string) (*model.SidebarCategories, map[string]bool, error) {
	chans, err := a.ChannelsForUser(ctx, s, userID, teamID, false, 0)
	if err != nil {
		return nil, nil, err
	}
	favs, err := a.store.GetPreferences(ctx, userID, "favorite_channel")
	if err != nil {
		return nil, nil, model.ErrInternal(err)
	}
	rows, err := a.store.SidebarCategoryRows(ctx, userID, teamID)
	if err != nil {
		return nil, nil, model.ErrInternal(err)
	}
	isFav := map[string]bool{}
	for _, p := range favs {
		isFav[p.Name] = p.Value == "true"
	}
	member := make(map[string]bool, len(chans))
	for _, c := range chans {
		member[c.ID] = true
	}
	mk := func(typ, name string, order int64) *model.SidebarCategory {
		return &model.SidebarCategory{ID: typ + "_" + userID + "_" + teamID, UserID: userID, TeamID: teamID,
			Type: typ, DisplayName: name, SortOrder: order, ChannelIDs: []string{}}
	}
	fav := mk(model.SidebarCategoryFavorites, "Favorites", 0)
	chs := mk(model.SidebarCategoryChannels, "Channels", sidebarSortDistance)
	dms := mk(model.SidebarCategoryDirectMessages, "Direct Messages", 2*sidebarSortDistance)
	dms.Sorting = "recent"
	cats := []*model.SidebarCategory{fav, chs, dms}
	inCustom := map[string]bool{}
	for _, r := range rows {
		if r.Type != model.SidebarCategoryCustom {
			for _, d := range cats[:3] {
				if d.ID == r.ID {
					d.SortOrder, d.Sorting, d.Muted, d.Collapsed = r.SortOrder, r.Sorting, r.Muted, r.Collapsed
				}
			}
			continue
		}
		listed := r.ChannelIDs[:0]
		for _, id := range r.ChannelIDs {
			if member[id] && !isFav[id] {
				listed = append(listed, id)
				inCustom[id] = true
			}
		}
		r.ChannelIDs = listed
		cats = append(cats, r)
	}
	for _, c := range chans {
		switch {
		case isFav[c.ID]:
			fav.ChannelIDs = append(fav.ChannelIDs, c.ID)
		case inCustom[c.ID]:
		case c.IsGroupOrDirect():
			dms.ChannelIDs = append(dms.ChannelIDs, c.ID)
		default:
			chs.ChannelIDs = append(chs.ChannelIDs, c.ID)
		}
	}
	slices.SortStableFunc(cats, func(x, y *model.SidebarCategory) int { return cmp.Compare(x.SortOrder, y.SortOrder) })
	order := make([]string, len(cats))
	for i, c := range cats {
		order[i] = c.ID
	}
	return &model.SidebarCategories{Categories: cats, Order: order}, member, nil
}

// SidebarCategories is the user's sidebar in a team.
func (a *App) SidebarCategories(ctx context.Context, s *model.Session, userID, teamID string) (*model.SidebarCategories, error) {
	cats, _, err := a.sidebar(ctx, s, userID, teamID)
	return cats, err
}

// SidebarCategory is one category of the user's sidebar in a team.
func (a *App) SidebarCategory(ctx context.Context, s *model.Session, userID, teamID, categoryID string) (*model.SidebarCategory, error) {
	cats, err := a.SidebarCategories(ctx, s, userID, teamID)
	if err != nil {
		return nil, err
	}
	if c := findCategory(cats.Categories, categoryID); c != nil {
		return c, nil
	}
	return nil, errNoCategory()
}

func findCategory(cats []*model.SidebarCategory, id string) *model.SidebarCategory {
	for _, c := range cats {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// sidebarChannels keeps the ids of ids that the user is in, once each, in
// order: Mattermost drops the others without an error.
func sidebarChannels(ids []string, member map[string]bool) []string {
	out := []string{}
	for _, id := range ids {
		if member[id] && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// checkCategoryOwner refuses a category of the body naming another user or
// team than the URL.
func checkCategoryOwner(c *model.SidebarCategory, userID, teamID string) error {
	if (c.UserID != "" && c.UserID != userID) || (c.TeamID != "" && c.TeamID != teamID) {
		return model.ErrInvalidBody("category")
	}
	return nil
}

// unfavorite turns off the favorite_channel preference of those of ids that
// are favorites, as a channel moved to another category leaves favorites.
func (a *App) unfavorite(ctx context.Context, userID string, fav *model.SidebarCategory, ids []string) error {
	var prefs []model.Preference
	for _, id := range ids {
		if slices.Contains(fav.ChannelIDs, id) {
			prefs = append(prefs, model.Preference{UserID: userID, Category: "favorite_channel", Name: id, Value: "false"})
		}
	}
	if len(prefs) == 0 {
		return nil
	}
	return a.savePreferences(ctx, a.store, userID, prefs)
}

// CreateSidebarCategory adds a custom category, after favorites when they
// come first and else at the top, as Mattermost does; the channels it lists
// leave their category.
func (a *App) CreateSidebarCategory(ctx context.Context, s *model.Session, userID, teamID string, in *model.SidebarCategory) (*model.SidebarCategory, error) {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) {
		return nil, model.ErrForbidden()
	}
	if err := checkCategoryOwner(in, userID, teamID); err != nil {
		return nil, err
	}
	if in.DisplayName == "" {
		return nil, model.ErrInvalidBody("display_name")
	}
	cur, member, err := a.sidebar(ctx, s, userID, teamID)
	if err != nil {
		return nil, err
	}
	cat := &model.SidebarCategory{ID: model.NewID(), UserID: userID, TeamID: teamID, Type: model.SidebarCategoryCustom,
		DisplayName: in.DisplayName, Sorting: in.Sorting, Muted: in.Muted, Collapsed: in.Collapsed,
		ChannelIDs: sidebarChannels(in.ChannelIDs, member)}
	at := 0
	if len(cur.Categories) > 0 && cur.Categories[0].Type == model.SidebarCategoryFavorites {
		at = 1
	}
	save := make([]*model.SidebarCategory, 0, len(cur.Categories)+1)
	for _, c := range slices.Insert(slices.Clone(cur.Categories), at, cat) {
		row := *c
		row.SortOrder = int64(len(save)) * sidebarSortDistance
		if c != cat {
			row.ChannelIDs = nil
		}
		save = append(save, &row)
	}
	if err := a.store.SaveSidebarCategories(ctx, userID, teamID, save); err != nil {
		return nil, model.ErrInternal(err)
	}
	if err := a.unfavorite(ctx, userID, findCategory(cur.Categories, model.SidebarCategoryFavorites+"_"+userID+"_"+teamID), cat.ChannelIDs); err != nil {
		return nil, err
	}
	a.publish(ctx, model.NewEvent(model.EventSidebarCategoryCreated, model.Broadcast{UserID: userID}, map[string]any{"category_id": cat.ID}))
	return a.SidebarCategory(ctx, s, userID, teamID, cat.ID)
}

// UpdateSidebarCategories changes categories of the user's sidebar: their
// sorting, muted and collapsed flags, a custom category's name, and the
// channels they list (which leave their former category; those a custom
// category no longer lists go back to their default one). A category's type
// and sort order stay (the order has its own call), as in Mattermost.
func (a *App) UpdateSidebarCategories(ctx context.Context, s *model.Session, userID, teamID string, in []*model.SidebarCategory) ([]*model.SidebarCategory, error) {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) {
		return nil, model.ErrForbidden()
	}
	cur, member, err := a.sidebar(ctx, s, userID, teamID)
	if err != nil {
		return nil, err
	}
	fav := findCategory(cur.Categories, model.SidebarCategoryFavorites+"_"+userID+"_"+teamID)
	save := make([]*model.SidebarCategory, 0, len(in))
	var prefs []model.Preference
	var leaving []string // channels leaving favorites for another category
	for _, c := range in {
		if c == nil {
			return nil, model.ErrInvalidBody("categories")
		}
		if err := checkCategoryOwner(c, userID, teamID); err != nil {
			return nil, err
		}
		old := findCategory(cur.Categories, c.ID)
		if old == nil {
			return nil, errNoCategory()
		}
		row := *old
		row.Sorting, row.Collapsed = c.Sorting, c.Collapsed
		if old.Type != model.SidebarCategoryDirectMessages {
			// Mattermost's store keeps the direct messages category's flag.
			row.Muted = c.Muted
		}
		if old.Type == model.SidebarCategoryCustom && c.DisplayName != "" {
			row.DisplayName = c.DisplayName
		}
		// A body without channel_ids lists none, as in Mattermost, whose store
		// replaces a category's channels with the list whatever it holds: a
		// custom category or favorites is emptied, while channels and direct
		// messages still hold every channel no other category does.
		row.ChannelIDs = sidebarChannels(c.ChannelIDs, member)
		if old.Type == model.SidebarCategoryFavorites {
			for _, id := range old.ChannelIDs {
				if !slices.Contains(row.ChannelIDs, id) {
					prefs = append(prefs, model.Preference{UserID: userID, Category: "favorite_channel", Name: id, Value: "false"})
				}
			}
			for _, id := range row.ChannelIDs {
				prefs = append(prefs, model.Preference{UserID: userID, Category: "favorite_channel", Name: id, Value: "true"})
			}
		} else {
			leaving = append(leaving, row.ChannelIDs...)
		}
		save = append(save, &row)
	}
	if err := a.store.SaveSidebarCategories(ctx, userID, teamID, save); err != nil {
		return nil, model.ErrInternal(err)
	}
	if len(prefs) > 0 {
		if err := a.savePreferences(ctx, a.store, userID, prefs); err != nil {
			return nil, err
		}
	}
	if err := a.unfavorite(ctx, userID, fav, leaving); err != nil {
		return nil, err
	}
	after, err := a.SidebarCategories(ctx, s, userID, teamID)
	if err != nil {
		return nil, err
	}
	out := make([]*model.SidebarCategory, 0, len(save))
	for _, c := range save {
		out = append(out, findCategory(after.Categories, c.ID))
	}
	if js, err := json.Marshal(out); err == nil {
		// Mattermost sends the categories as a JSON string.
		a.publish(ctx, model.NewEvent(model.EventSidebarCategoryUpdated, model.Broadcast{UserID: userID},
			map[string]any{"updatedCategories": string(js)}))
	}
	mute, unmute := categoryMuting(cur.Categories, after.Categories)
	if err := a.setChannelsMuted(ctx, userID, mute, true); err != nil {
		// The categories are saved; as in Mattermost, a channel left as it
		// was is logged, not answered.
		a.log.ErrorContext(ctx, "mute channels to match their category", "user_id", userID, "err", err)
	}
	if err := a.setChannelsMuted(ctx, userID, unmute, false); err != nil {
		a.log.ErrorContext(ctx, "unmute channels to match their category", "user_id", userID, "err", err)
	}
	return out, nil
}

// categoryMuting lists the channels to mute and to unmute after a sidebar
// change, as Mattermost's muteChannelsForUpdatedCategories: those of a
// category muted or unmuted, and those moved between a muted and an unmuted
// category. Mattermost compares only the categories of the request; the whole
// sidebar is compared here, which is the same for its clients (they send both
// ends of a move) and also covers a channel sent back to its default category.
func categoryMuting(before, after []*model.SidebarCategory) (mute, unmute []string) {
	was := map[string]*model.SidebarCategory{}
	for _, c := range before {
		for _, id := range c.ChannelIDs {
			was[id] = c
		}
	}
	for _, c := range after {
		old := findCategory(before, c.ID)
		for _, id := range c.ChannelIDs {
			from := old
			if prev := was[id]; prev != nil && prev.ID != c.ID {
				from = prev
			}
			switch {
			case from == nil:
			case c.Muted && !from.Muted:
				mute = append(mute, id)
			case !c.Muted && from.Muted:
				unmute = append(unmute, id)
			}
		}
	}
	return mute, unmute
}

// setChannelsMuted mutes or unmutes the user's channels (their mark_unread
// notify prop: "mention" is muted, "all" not), telling the user's clients of
// each membership changed.
func (a *App) setChannelsMuted(ctx context.Context, userID string, ids []string, muted bool) error {
	mark := "all"
	if muted {
		mark = "mention"
	}
	for _, id := range ids {
		m, err := a.store.GetChannelMember(ctx, id, userID)
		if err != nil {
			return fmt.Errorf("channel %s: %w", id, err)
		}
		if m.NotifyProps["mark_unread"] == mark {
			continue
		}
		if m.NotifyProps == nil {
			m.NotifyProps = model.StringMap{}
		}
		m.NotifyProps["mark_unread"] = mark
		if err := a.saveChannelMember(ctx, a.store, m); err != nil {
			return fmt.Errorf("channel %s: %w", id, err)
		}
	}
	return nil
}

// UpdateSidebarCategory is UpdateSidebarCategories of the one category
// categoryID names.
func (a *App) UpdateSidebarCategory(ctx context.Context, s *model.Session, userID, teamID, categoryID string, in *model.SidebarCategory) (*model.SidebarCategory, error) {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) {
		return nil, model.ErrForbidden()
	}
	// Mattermost's updateCategoryForTeamForUser updates the category the URL
	// names whatever id the body carries.
	in.ID = categoryID
	out, err := a.UpdateSidebarCategories(ctx, s, userID, teamID, []*model.SidebarCategory{in})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// UpdateSidebarCategoryOrder sets the order of the user's categories; order
// must name each of them once.
func (a *App) UpdateSidebarCategoryOrder(ctx context.Context, s *model.Session, userID, teamID string, order []string) ([]string, error) {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) {
		return nil, model.ErrForbidden()
	}
	cur, _, err := a.sidebar(ctx, s, userID, teamID)
	if err != nil {
		return nil, err
	}
	if len(order) != len(cur.Categories) {
		return nil, model.ErrInvalidBody("order")
	}
	save := make([]*model.SidebarCategory, 0, len(order))
	for i, id := range order {
		c := findCategory(cur.Categories, id)
		if c == nil || slices.Contains(order[:i], id) {
			return nil, model.ErrInvalidBody("order")
		}
		row := *c
		row.SortOrder, row.ChannelIDs = int64(i)*sidebarSortDistance, nil
		save = append(save, &row)
	}
	if err := a.store.SaveSidebarCategories(ctx, userID, teamID, save); err != nil {
		return nil, model.ErrInternal(err)
	}
	a.publish(ctx, model.NewEvent(model.EventSidebarCategoryOrderUpdated, model.Broadcast{UserID: userID}, map[string]any{"order": order}))
	return order, nil
}

// DeleteSidebarCategory removes a custom category; its channels go back to
// their default category. A default category cannot be deleted.
func (a *App) DeleteSidebarCategory(ctx context.Context, s *model.Session, userID, teamID, categoryID string) error {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) {
		return model.ErrForbidden()
	}
	c, err := a.SidebarCategory(ctx, s, userID, teamID, categoryID)
	if err != nil {
		return err
	}
	if c.Type != model.SidebarCategoryCustom {
		return model.ErrInvalid("app.channel.sidebar_categories.app_error", "Cannot delete non-custom category.")
	}
	if err := a.store.DeleteSidebarCategory(ctx, userID, teamID, categoryID); err != nil {
		return model.ErrInternal(err)
	}
	a.publish(ctx, model.NewEvent(model.EventSidebarCategoryDeleted, model.Broadcast{UserID: userID}, map[string]any{"category_id": categoryID}))
	return nil
}
