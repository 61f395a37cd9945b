package storetest

import (
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func testIntegrations(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	tm, tm2 := f.team(), f.team()
	c, c2 := f.channel(tm.ID, "O"), f.channel(tm.ID, "O")
	u, u2 := f.user(), f.user()
	all := store.Page{Limit: 100}

	t.Run("IncomingWebhooks", func(t *testing.T) {
		mk := func(teamID, userID string, at int64) *model.IncomingWebhook {
			h := &model.IncomingWebhook{ID: model.NewID(), CreateAt: at, UpdateAt: at, UserID: userID, ChannelID: c.ID,
				TeamID: teamID, DisplayName: "hook", Description: "d", Username: "bot", IconURL: "https://x/i.png", ChannelLocked: true}
			must(t, s.SaveIncomingWebhook(ctx, h))
			return h
		}
		h1, h2, h3 := mk(tm.ID, u.ID, 20), mk(tm.ID, u2.ID, 10), mk(tm2.ID, u.ID, 30)
		sameJSON(t, "GetIncomingWebhook", get(s.GetIncomingWebhook(ctx, h1.ID))(t), h1)
		wantErr(t, "GetIncomingWebhook of nothing", second(s.GetIncomingWebhook(ctx, model.NewID())), store.ErrNotFound)
		wantErr(t, "SaveIncomingWebhook again", s.SaveIncomingWebhook(ctx, h1), store.ErrConflict)
		hIDs := func(hs []*model.IncomingWebhook) []string {
			return ids(hs, func(h *model.IncomingWebhook) string { return h.ID })
		}
		sameIDs(t, "ListIncomingWebhooks of a team, oldest first", hIDs(get(s.ListIncomingWebhooks(ctx, tm.ID, "", all))(t)), []string{h2.ID, h1.ID})
		sameIDs(t, "ListIncomingWebhooks of a user", hIDs(get(s.ListIncomingWebhooks(ctx, "", u.ID, all))(t)), []string{h1.ID, h3.ID})
		sameIDs(t, "ListIncomingWebhooks of both", hIDs(get(s.ListIncomingWebhooks(ctx, tm.ID, u.ID, all))(t)), []string{h1.ID})
		sameIDs(t, "ListIncomingWebhooks paged", hIDs(get(s.ListIncomingWebhooks(ctx, tm.ID, "", store.Page{Offset: 1, Limit: 1}))(t)), []string{h1.ID})
		sameIDs(t, "ListIncomingWebhooks of everyone", only(hIDs(get(s.ListIncomingWebhooks(ctx, "", "", store.Page{Limit: 100000}))(t)), []string{h1.ID, h2.ID, h3.ID}),
			[]string{h2.ID, h1.ID, h3.ID})

		h1.ChannelID, h1.DisplayName, h1.ChannelLocked, h1.UpdateAt = c2.ID, "renamed", false, 40
		upd := *h1
		upd.UserID, upd.CreateAt = u2.ID, 1 // not UpdateIncomingWebhook's to change
		must(t, s.UpdateIncomingWebhook(ctx, &upd))
		sameJSON(t, "after UpdateIncomingWebhook", get(s.GetIncomingWebhook(ctx, h1.ID))(t), h1)

		must(t, s.DeleteIncomingWebhook(ctx, h1.ID, 50))
		wantErr(t, "GetIncomingWebhook after delete", second(s.GetIncomingWebhook(ctx, h1.ID)), store.ErrNotFound)
		wantErr(t, "DeleteIncomingWebhook again", s.DeleteIncomingWebhook(ctx, h1.ID, 60), store.ErrNotFound)
		wantErr(t, "UpdateIncomingWebhook of a deleted hook", s.UpdateIncomingWebhook(ctx, h1), store.ErrNotFound)
		sameIDs(t, "ListIncomingWebhooks after delete", hIDs(get(s.ListIncomingWebhooks(ctx, tm.ID, "", all))(t)), []string{h2.ID})
	})

	t.Run("OutgoingWebhooks", func(t *testing.T) {
		mk := func(teamID, channelID, creatorID string, at int64) *model.OutgoingWebhook {
			h := &model.OutgoingWebhook{ID: model.NewID(), Token: model.NewID(), CreateAt: at, UpdateAt: at, CreatorID: creatorID,
				ChannelID: channelID, TeamID: teamID, TriggerWords: []string{"deploy", "ship"}, TriggerWhen: model.TriggerWordsStartsWith,
				CallbackURLs: []string{"https://example.com/hook"}, DisplayName: "out", Description: "d",
				ContentType: "application/json", Username: "bot", IconURL: "https://x/i.png"}
			must(t, s.SaveOutgoingWebhook(ctx, h))
			return h
		}
		h1, h2, h3 := mk(tm.ID, c.ID, u.ID, 20), mk(tm.ID, "", u2.ID, 10), mk(tm2.ID, "", u.ID, 30)
		sameJSON(t, "GetOutgoingWebhook", get(s.GetOutgoingWebhook(ctx, h1.ID))(t), h1)
		wantErr(t, "GetOutgoingWebhook of nothing", second(s.GetOutgoingWebhook(ctx, model.NewID())), store.ErrNotFound)
		wantErr(t, "SaveOutgoingWebhook again", s.SaveOutgoingWebhook(ctx, h1), store.ErrConflict)
		hIDs := func(hs []*model.OutgoingWebhook) []string {
			return ids(hs, func(h *model.OutgoingWebhook) string { return h.ID })
		}
		sameIDs(t, "ListOutgoingWebhooks of a team, oldest first", hIDs(get(s.ListOutgoingWebhooks(ctx, tm.ID, "", "", all))(t)), []string{h2.ID, h1.ID})
		sameIDs(t, "ListOutgoingWebhooks of a channel", hIDs(get(s.ListOutgoingWebhooks(ctx, "", c.ID, "", all))(t)), []string{h1.ID})
		sameIDs(t, "ListOutgoingWebhooks of a creator", hIDs(get(s.ListOutgoingWebhooks(ctx, "", "", u.ID, all))(t)), []string{h1.ID, h3.ID})
		sameIDs(t, "ListOutgoingWebhooks paged", hIDs(get(s.ListOutgoingWebhooks(ctx, tm.ID, "", "", store.Page{Offset: 1, Limit: 5}))(t)), []string{h1.ID})

		h1.Token, h1.ChannelID, h1.TriggerWords, h1.TriggerWhen, h1.CallbackURLs = model.NewID(), "", []string{"go"}, model.TriggerWordsExactMatch, []string{"https://a", "https://b"}
		h1.DisplayName, h1.UpdateAt = "renamed", 40
		upd := *h1
		upd.CreatorID, upd.TeamID = u2.ID, tm2.ID
		must(t, s.UpdateOutgoingWebhook(ctx, &upd))
		sameJSON(t, "after UpdateOutgoingWebhook", get(s.GetOutgoingWebhook(ctx, h1.ID))(t), h1)

		must(t, s.DeleteOutgoingWebhook(ctx, h1.ID, 50))
		wantErr(t, "GetOutgoingWebhook after delete", second(s.GetOutgoingWebhook(ctx, h1.ID)), store.ErrNotFound)
		wantErr(t, "DeleteOutgoingWebhook again", s.DeleteOutgoingWebhook(ctx, h1.ID, 60), store.ErrNotFound)
		wantErr(t, "UpdateOutgoingWebhook of a deleted hook", s.UpdateOutgoingWebhook(ctx, h1), store.ErrNotFound)
	})

	t.Run("Commands", func(t *testing.T) {
		mk := func(teamID, creatorID, trigger string) *model.Command {
			c := &model.Command{ID: model.NewID(), Token: model.NewID(), CreateAt: 10, UpdateAt: 10, CreatorID: creatorID,
				TeamID: teamID, Trigger: trigger, Method: model.CommandMethodPost, Username: "bot", IconURL: "https://x/i.png",
				AutoComplete: true, AutoCompleteDesc: "desc", AutoCompleteHint: "[x]", DisplayName: "Cmd", Description: "d",
				URL: "https://example.com/cmd"}
			must(t, s.SaveCommand(ctx, c))
			return c
		}
		zed, abc, theirs := mk(tm.ID, u.ID, "zed"), mk(tm.ID, u2.ID, "abc"), mk(tm2.ID, u.ID, "mid")
		sameJSON(t, "GetCommand", get(s.GetCommand(ctx, zed.ID))(t), zed)
		wantErr(t, "GetCommand of nothing", second(s.GetCommand(ctx, model.NewID())), store.ErrNotFound)
		wantErr(t, "SaveCommand again", s.SaveCommand(ctx, zed), store.ErrConflict)
		cIDs := func(cs []*model.Command) []string { return ids(cs, func(c *model.Command) string { return c.ID }) }
		sameIDs(t, "TeamCommands, by trigger", cIDs(get(s.TeamCommands(ctx, tm.ID))(t)), []string{abc.ID, zed.ID})
		byTeam := []string{zed.ID, theirs.ID}
		if tm2.ID < tm.ID {
			byTeam = []string{theirs.ID, zed.ID}
		}
		sameIDs(t, "CreatorCommands, by team and trigger", cIDs(get(s.CreatorCommands(ctx, u.ID))(t)), byTeam)

		zed.Trigger, zed.URL, zed.AutoComplete, zed.UpdateAt, zed.Token = "zzz", "https://example.com/2", false, 20, model.NewID()
		upd := *zed
		upd.CreatorID, upd.CreateAt = u2.ID, 1
		must(t, s.UpdateCommand(ctx, &upd))
		sameJSON(t, "after UpdateCommand", get(s.GetCommand(ctx, zed.ID))(t), zed)

		must(t, s.DeleteCommand(ctx, zed.ID, 30))
		wantErr(t, "GetCommand after delete", second(s.GetCommand(ctx, zed.ID)), store.ErrNotFound)
		wantErr(t, "DeleteCommand again", s.DeleteCommand(ctx, zed.ID, 40), store.ErrNotFound)
		wantErr(t, "UpdateCommand of a deleted command", s.UpdateCommand(ctx, zed), store.ErrNotFound)
		sameIDs(t, "TeamCommands after delete", cIDs(get(s.TeamCommands(ctx, tm.ID))(t)), []string{abc.ID})
	})

	t.Run("Bots", func(t *testing.T) {
		owner := f.user()
		gone := f.user(func(u *model.User) { u.DeleteAt = 1 })
		mk := func(prefix, ownerID string, deleted int64) *model.Bot {
			bu := f.user(func(u *model.User) { u.Username = prefix + u.Username; u.IsBot = true })
			b := &model.Bot{UserID: bu.ID, Username: bu.Username, DisplayName: bu.FirstName, Description: "a bot",
				OwnerID: ownerID, LastIconUpdate: 3, CreateAt: 10, UpdateAt: 10, DeleteAt: deleted}
			must(t, s.SaveBot(ctx, b))
			return b
		}
		b1, b2, orphan, off := mk("a", owner.ID, 0), mk("b", owner.ID, 0), mk("c", gone.ID, 0), mk("d", owner.ID, 5)
		sameJSON(t, "GetBot: names from the user", get(s.GetBot(ctx, b1.UserID, false))(t), b1)
		wantErr(t, "GetBot of a deleted bot", second(s.GetBot(ctx, off.UserID, false)), store.ErrNotFound)
		sameJSON(t, "GetBot of a deleted bot, deleted too", get(s.GetBot(ctx, off.UserID, true))(t), off)
		wantErr(t, "GetBot of a user who is no bot", second(s.GetBot(ctx, owner.ID, true)), store.ErrNotFound)
		wantErr(t, "SaveBot again", s.SaveBot(ctx, b1), store.ErrConflict)
		bIDs := func(bs []*model.Bot) []string { return ids(bs, func(b *model.Bot) string { return b.UserID }) }
		sameIDs(t, "ListBots of an owner, by username", bIDs(get(s.ListBots(ctx, owner.ID, false, false, all))(t)), []string{b1.UserID, b2.UserID})
		sameIDs(t, "ListBots with deleted ones", bIDs(get(s.ListBots(ctx, owner.ID, true, false, all))(t)), []string{b1.UserID, b2.UserID, off.UserID})
		sameIDs(t, "ListBots paged", bIDs(get(s.ListBots(ctx, owner.ID, true, false, store.Page{Offset: 1, Limit: 1}))(t)), []string{b2.UserID})
		mine := []string{b1.UserID, b2.UserID, orphan.UserID, off.UserID}
		sameIDs(t, "ListBots orphaned", only(bIDs(get(s.ListBots(ctx, "", false, true, store.Page{Limit: 100000}))(t)), mine), []string{orphan.UserID})

		b1.Description, b1.OwnerID, b1.LastIconUpdate, b1.UpdateAt, b1.DeleteAt = "new", gone.ID, 9, 20, 30
		must(t, s.UpdateBot(ctx, b1))
		sameJSON(t, "after UpdateBot", get(s.GetBot(ctx, b1.UserID, true))(t), b1)
		wantErr(t, "UpdateBot of nothing", s.UpdateBot(ctx, &model.Bot{UserID: model.NewID()}), store.ErrNotFound)
	})

	t.Run("LinkMetadata", func(t *testing.T) {
		a, b := "https://example.com/"+name("a"), "https://example.com/"+name("b")
		must(t, s.SaveLinkMetadata(ctx, a, 10, []byte(`{"title":"A"}`)))
		must(t, s.SaveLinkMetadata(ctx, a, 20, []byte(`{"title":"A2"}`)))
		must(t, s.SaveLinkMetadata(ctx, b, 10, []byte(`{}`)))
		got := get(s.LinkMetadata(ctx, []string{a, b, "https://example.com/none"}))(t)
		if len(got) != 2 || string(got[a]) != `{"title":"A2"}` || string(got[b]) != `{}` {
			t.Errorf("LinkMetadata = %q", got)
		}
		if n := len(get(s.LinkMetadata(ctx, nil))(t)); n != 0 {
			t.Errorf("LinkMetadata of none: %d", n)
		}
	})

	t.Run("CommandWebhooks", func(t *testing.T) {
		h := &model.CommandWebhook{ID: model.NewID(), CreateAt: 100, CommandID: model.NewID(), UserID: u.ID, ChannelID: c.ID, TeamID: tm.ID, RootID: model.NewID()}
		must(t, s.SaveCommandWebhook(ctx, h))
		wantErr(t, "SaveCommandWebhook again", s.SaveCommandWebhook(ctx, h), store.ErrConflict)
		for i := 1; i <= 2; i++ {
			got := get(s.UseCommandWebhook(ctx, h.ID, 100, 2))(t)
			want := *h
			want.UseCount = i
			sameJSON(t, "UseCommandWebhook", got, &want)
		}
		wantErr(t, "UseCommandWebhook past its uses", second(s.UseCommandWebhook(ctx, h.ID, 100, 2)), store.ErrNotFound)
		wantErr(t, "UseCommandWebhook of an expired hook", second(s.UseCommandWebhook(ctx, h.ID, 101, 5)), store.ErrNotFound)
		wantErr(t, "UseCommandWebhook of nothing", second(s.UseCommandWebhook(ctx, model.NewID(), 0, 5)), store.ErrNotFound)
		young := &model.CommandWebhook{ID: model.NewID(), CreateAt: 200, CommandID: h.CommandID, UserID: u.ID, ChannelID: c.ID, TeamID: tm.ID}
		must(t, s.SaveCommandWebhook(ctx, young))
		must(t, s.DeleteCommandWebhooksBefore(ctx, 150))
		wantErr(t, "UseCommandWebhook after DeleteCommandWebhooksBefore", second(s.UseCommandWebhook(ctx, h.ID, 0, 5)), store.ErrNotFound)
		get(s.UseCommandWebhook(ctx, young.ID, 0, 5))(t)
	})
}
