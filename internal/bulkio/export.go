package bulkio

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/bulk"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// exportPostPage is how many root posts one query reads during export.
const exportPostPage = 1000

// ExportReport counts what an export wrote.
type ExportReport struct {
	Lines    int            `json:"lines"`
	Exported map[string]int `json:"exported"`
	Skipped  []string       `json:"skipped,omitempty"`
	Took     time.Duration  `json:"took"`
}

// ExportBulkZip writes the export as a zip: import.jsonl at the root and,
// under data/, the custom emoji images and, with attachments, the posts'
// files and the users' profile pictures: the layout `parley import bulk` and
// mmctl accept. Paths in the JSONL are relative to data/: a file's is its
// storage directory and its name (f/ab/<id>/report.pdf, so the import gets
// the name back), an emoji's emoji/<id>/image, a picture's
// users/<id>/<last_picture_update>.png, as Mattermost's archives.
func ExportBulkZip(ctx context.Context, a *app.App, s *model.Session, w io.Writer, attachments bool) (*ExportReport, error) {
	zw := zip.NewWriter(w)
	f, err := zw.Create("import.jsonl")
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	var files []exportFile
	rep, err := exportBulk(ctx, a, s, f, &exportOptions{attachments: attachments, emoji: true, files: &files})
	if err != nil {
		return nil, err
	}
	// The zip takes one entry at a time, so the files follow the JSONL; only
	// their keys were kept meanwhile.
	for _, ef := range files {
		if err := zipFile(ctx, a, zw, ef); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, model.ErrInternal(err)
	}
	return rep, nil
}

// exportFile is a stored object to copy into an export's data/.
type exportFile struct {
	key, path string
}

func zipFile(ctx context.Context, a *app.App, zw *zip.Writer, ef exportFile) error {
	obj, err := a.OpenObject(ctx, ef.key)
	if err != nil {
		return model.ErrInternal(err)
	}
	defer obj.Close()
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "data/" + ef.path, Method: zip.Deflate})
	if err != nil {
		return model.ErrInternal(err)
	}
	if _, err := io.Copy(w, obj); err != nil {
		return model.ErrInternal(err)
	}
	return nil
}

type exportOptions struct {
	attachments, emoji bool
	files              *[]exportFile
}

// ExportBulk writes every team, channel, user, bot, post and direct
// conversation in the bulk-import format, in the exporter's order (version,
// team, channel, user, bot, post, direct_channel, direct_post), so that the
// file imports into Parley or Mattermost. Posts are read a page at a time.
// A JSONL alone holds no files, so attachments and custom emoji (whose line
// needs its image) are left out and the report says so.
func ExportBulk(ctx context.Context, a *app.App, s *model.Session, out io.Writer) (*ExportReport, error) {
	return exportBulk(ctx, a, s, out, &exportOptions{})
}

func exportBulk(ctx context.Context, a *app.App, s *model.Session, out io.Writer, opt *exportOptions) (*ExportReport, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	start := time.Now()
	bw := bufio.NewWriterSize(out, 1<<20)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	rep := &ExportReport{Exported: map[string]int{}}
	write := func(kind string, l *bulk.Line) error {
		rep.Lines++
		rep.Exported[kind]++
		return enc.Encode(l)
	}
	e := &exporter{a: a, st: a.Bulk(), write: write, usernames: map[string]string{}, rep: rep, opt: opt}
	if err := e.run(ctx); err != nil {
		return nil, model.ErrInternal(err)
	}
	if err := bw.Flush(); err != nil {
		return nil, model.ErrInternal(err)
	}
	if e.authorlessPosts > 0 {
		rep.Skipped = append(rep.Skipped, fmt.Sprintf("posts without an author (system messages of command-line actions): %d", e.authorlessPosts))
	}
	delete(rep.Exported, "version")
	rep.Took = time.Since(start)
	return rep, nil
}

type exporter struct {
	a         *app.App
	st        app.BulkStore
	write     func(kind string, l *bulk.Line) error
	usernames map[string]string // user id → username
	teamNames map[string]string // team id → name
	rep       *ExportReport
	opt       *exportOptions
	// authorlessPosts counts the posts left out for having no author.
	authorlessPosts int
}

// addFile queues a stored object for data/ and returns its path there.
func (e *exporter) addFile(key, path string) string {
	*e.opt.files = append(*e.opt.files, exportFile{key: key, path: path})
	return path
}

// emoji writes the custom emoji, after the posts as Mattermost's exporter
// does (reactions hold only names, so the order does not matter on import).
func (e *exporter) emoji(ctx context.Context) error {
	for page := 0; ; page++ {
		es, err := e.st.ListEmoji(ctx, store.Page{Offset: page * 200, Limit: 200}, false)
		if err != nil {
			return err
		}
		if len(es) > 0 && !e.opt.emoji {
			e.rep.Skipped = appendOnce(e.rep.Skipped, "custom emoji not exported: a JSONL file holds no images (export a zip)")
			return nil
		}
		for _, em := range es {
			img := e.addFile(app.EmojiObjectKey(em.ID), app.EmojiObjectKey(em.ID))
			if err := e.write("emoji", &bulk.Line{Type: bulk.TypeEmoji, Emoji: &bulk.Emoji{Name: bulk.Ptr(em.Name), Image: &img}}); err != nil {
				return err
			}
		}
		if len(es) < 200 {
			return nil
		}
	}
}

func (e *exporter) run(ctx context.Context) error {
	if err := e.write("version", &bulk.Line{Type: bulk.TypeVersion, Version: bulk.Ptr(1),
		Info: &bulk.VersionInfo{Generator: "parley", Version: app.MattermostVersion, Created: time.Now().UTC().Format(time.RFC3339)}}); err != nil {
		return err
	}
	teams, err := e.st.ListAllTeams(ctx)
	if err != nil {
		return err
	}
	e.teamNames = map[string]string{}
	var chans []*model.Channel
	for _, t := range teams {
		e.teamNames[t.ID] = t.Name
		if err := e.write("teams", &bulk.Line{Type: bulk.TypeTeam, Team: &bulk.Team{Name: &t.Name, DisplayName: &t.DisplayName,
			Type: &t.Type, Description: &t.Description, AllowOpenInvite: &t.AllowOpenInvite}}); err != nil {
			return err
		}
	}
	for _, t := range teams {
		cs, err := e.st.ListTeamChannels(ctx, t.ID)
		if err != nil {
			return err
		}
		slices.SortFunc(cs, func(a, b *model.Channel) int { return cmpStr(a.Name, b.Name) })
		for _, c := range cs {
			cl := &bulk.Channel{Team: &t.Name, Name: &c.Name, DisplayName: &c.DisplayName, Type: &c.Type, Header: &c.Header, Purpose: &c.Purpose}
			if c.DeleteAt > 0 {
				cl.DeletedAt = &c.DeleteAt
			}
			if err := e.write("channels", &bulk.Line{Type: bulk.TypeChannel, Channel: cl}); err != nil {
				return err
			}
		}
		chans = append(chans, cs...)
	}
	chanByID := map[string]*model.Channel{}
	for _, c := range chans {
		chanByID[c.ID] = c
	}
	var bots []*model.User
	for page := 0; ; page++ {
		us, err := e.st.ListUsers(ctx, store.UserFilter{}, store.Page{Offset: page * 200, Limit: 200})
		if err != nil {
			return err
		}
		for _, u := range us {
			e.usernames[u.ID] = u.Username
			if u.IsBot {
				bots = append(bots, u)
				continue
			}
			l, err := e.user(ctx, u, chanByID)
			if err != nil {
				return err
			}
			if err := e.write("users", l); err != nil {
				return err
			}
		}
		if len(us) < 200 {
			break
		}
	}
	for _, u := range bots {
		b := &bulk.Bot{Username: &u.Username, Owner: bulk.Ptr(e.usernames[u.Props[BotOwnerProp]]), DisplayName: &u.FirstName,
			Description: &u.BotDescription}
		if *b.Owner == "" {
			b.Owner = &u.Username
		}
		if u.DeleteAt > 0 {
			b.DeleteAt = &u.DeleteAt
		}
		if err := e.write("bots", &bulk.Line{Type: bulk.TypeBot, Bot: b}); err != nil {
			return err
		}
	}
	for _, c := range chans {
		if err := e.posts(ctx, c, nil); err != nil {
			return err
		}
	}
	if err := e.emoji(ctx); err != nil {
		return err
	}
	var directs []*model.Channel
	for after := ""; ; {
		cs, err := e.st.ListGroupAndDirectChannels(ctx, after, 500)
		if err != nil {
			return err
		}
		directs = append(directs, cs...)
		if len(cs) < 500 {
			break
		}
		after = cs[len(cs)-1].ID
	}
	members := map[string][]string{}
	for _, c := range directs {
		ids, err := e.st.ChannelMemberIDs(ctx, c.ID)
		if err != nil {
			return err
		}
		names := make([]string, 0, len(ids))
		for _, id := range ids {
			names = append(names, e.usernames[id])
		}
		slices.Sort(names)
		if len(names) == 1 { // a DM with oneself
			names = append(names, names[0])
		}
		members[c.ID] = names
		dc := &bulk.DirectChannel{Members: &names}
		if c.Header != "" {
			dc.Header = &c.Header
		}
		var fav []string
		for _, id := range ids {
			if p, err := e.st.GetPreference(ctx, id, "favorite_channel", c.ID); err == nil && p.Value == "true" {
				fav = append(fav, e.usernames[id])
			}
		}
		if len(fav) > 0 {
			slices.Sort(fav)
			dc.FavoritedBy = &fav
		}
		if err := e.write("direct_channels", &bulk.Line{Type: bulk.TypeDirectChannel, DirectChannel: dc}); err != nil {
			return err
		}
	}
	for _, c := range directs {
		m := members[c.ID]
		if err := e.posts(ctx, c, m); err != nil {
			return err
		}
	}
	return nil
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (e *exporter) user(ctx context.Context, u *model.User, chanByID map[string]*model.Channel) (*bulk.Line, error) {
	d := &bulk.User{Username: &u.Username, Email: &u.Email, Nickname: &u.Nickname, FirstName: &u.FirstName, LastName: &u.LastName,
		Position: &u.Position, Roles: &u.Roles, Locale: &u.Locale}
	if u.AuthService != "" && u.AuthData != nil {
		d.AuthService, d.AuthData = &u.AuthService, u.AuthData
	}
	if u.DeleteAt > 0 {
		d.DeleteAt = &u.DeleteAt
	}
	if u.LastPictureUpdate > 0 && e.opt.attachments {
		key := app.ProfileImageObjectKey(u.ID, u.LastPictureUpdate)
		// A picture whose bytes are gone is left out rather than failing the export.
		if obj, err := e.a.OpenObject(ctx, key); err == nil {
			obj.Close()
			d.ProfileImage = bulk.Ptr(e.addFile(key, key))
			e.rep.Exported["profile_images"]++
		} else {
			e.rep.Skipped = appendOnce(e.rep.Skipped, "profile images whose bytes could not be read")
		}
	}
	np := &bulk.UserNotifyProps{}
	for i, f := range []**string{&np.Desktop, &np.DesktopSound, &np.Email, &np.Mobile, &np.MobilePushStatus, &np.ChannelTrigger,
		&np.CommentsTrigger, &np.MentionKeys} {
		if v, ok := u.NotifyProps[userNotifyKeys[i][1]]; ok {
			*f = bulk.Ptr(v)
		}
	}
	d.NotifyProps = np
	prefs, err := e.st.GetPreferences(ctx, u.ID, "")
	if err != nil {
		return nil, err
	}
	favorite := map[string]bool{}
	teamTheme := map[string]string{}
	for _, p := range prefs {
		switch {
		case p.Category == "favorite_channel" && p.Value == "true":
			favorite[p.Name] = true
			continue
		case p.Category == "theme" && p.Name != "":
			teamTheme[p.Name] = p.Value
			continue
		}
		for _, up := range userPrefs {
			name := up.name
			if up.category == "tutorial_step" {
				name = u.ID
			}
			if up.category != p.Category || name != p.Name {
				continue
			}
			v := p.Value
			if up.key == "email_interval" {
				for k, secs := range emailIntervalSeconds {
					if secs == v {
						v = k
					}
				}
			}
			// New accounts get tutorial step 0 on import; the format has no such value.
			if up.key == "tutorial_step" && v == "0" {
				continue
			}
			*up.get(d) = bulk.Ptr(v)
		}
	}
	tms, err := e.st.UserTeamMembers(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	cms, err := e.st.UserChannelMembers(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	var teams []bulk.UserTeam
	slices.SortFunc(tms, func(a, b *model.TeamMember) int { return cmpStr(e.teamNames[a.TeamID], e.teamNames[b.TeamID]) })
	slices.SortFunc(cms, func(a, b *model.ChannelMember) int {
		return cmpStr(nameOf(chanByID[a.ChannelID]), nameOf(chanByID[b.ChannelID]))
	})
	for _, tm := range tms {
		if tm.DeleteAt > 0 {
			continue
		}
		name := e.teamNames[tm.TeamID]
		ut := bulk.UserTeam{Name: &name, Roles: bulk.Ptr(tm.RolesString())}
		if th, ok := teamTheme[tm.TeamID]; ok {
			ut.Theme = &th
		}
		var chs []bulk.UserChannel
		for _, cm := range cms {
			c := chanByID[cm.ChannelID]
			if c == nil || c.TeamID != tm.TeamID {
				continue
			}
			uc := bulk.UserChannel{Name: &c.Name, Roles: bulk.Ptr(cm.RolesString())}
			np := &bulk.ChannelNotifyProps{}
			for i, f := range []**string{&np.Desktop, &np.Mobile, &np.MarkUnread, &np.Email, &np.IgnoreChannelMentions, &np.ChannelAutoFollowThreads} {
				if v, ok := cm.NotifyProps[channelNotifyKeys[i][1]]; ok {
					*f = bulk.Ptr(v)
				}
			}
			uc.NotifyProps = np
			if favorite[c.ID] {
				uc.Favorite = bulk.Ptr(true)
			}
			chs = append(chs, uc)
		}
		if len(chs) > 0 {
			ut.Channels = &chs
		}
		teams = append(teams, ut)
	}
	if len(teams) > 0 {
		d.Teams = &teams
	}
	return &bulk.Line{Type: bulk.TypeUser, User: d}, nil
}

func nameOf(c *model.Channel) string {
	if c == nil {
		return ""
	}
	return c.Name
}

// posts writes a channel's threads; members set means a DM or group channel.
func (e *exporter) posts(ctx context.Context, c *model.Channel, members []string) error {
	var afterAt int64
	afterID := ""
	for {
		roots, err := e.st.ExportRootPosts(ctx, c.ID, afterAt, afterID, exportPostPage)
		if err != nil {
			return err
		}
		if len(roots) == 0 {
			return nil
		}
		ids := make([]string, 0, len(roots))
		for _, p := range roots {
			ids = append(ids, p.ID)
		}
		replies, err := e.st.ExportReplies(ctx, ids)
		if err != nil {
			return err
		}
		all := slices.Clone(ids)
		byRoot := map[string][]*model.Post{}
		for _, r := range replies {
			byRoot[r.RootID] = append(byRoot[r.RootID], r)
			all = append(all, r.ID)
		}
		reactions, err := e.st.ListReactionsForPosts(ctx, all)
		if err != nil {
			return err
		}
		flagged, err := e.st.FlaggedBy(ctx, all)
		if err != nil {
			return err
		}
		files, err := e.files(ctx, append(slices.Clone(roots), replies...))
		if err != nil {
			return err
		}
		followers, err := e.st.ThreadMemberships(ctx, ids)
		if err != nil {
			return err
		}
		for _, p := range roots {
			if e.authorless(p, len(byRoot[p.ID])) {
				continue
			}
			body := e.body(p, reactions[p.ID], flagged[p.ID], files[p.ID])
			if fs := followers[p.ID]; len(fs) > 0 {
				tf := make([]bulk.ThreadFollower, 0, len(fs))
				for _, m := range fs {
					tf = append(tf, bulk.ThreadFollower{User: bulk.Ptr(e.usernames[m.UserID]), LastViewed: bulk.Ptr(m.LastViewed),
						UnreadMentions: bulk.Ptr(m.UnreadMentions)})
				}
				body.ThreadFollowers = &tf
				e.rep.Exported["thread_followers"] += len(tf)
			}
			var reps []bulk.PostBody
			for _, r := range byRoot[p.ID] {
				if !e.authorless(r, 0) {
					reps = append(reps, e.body(r, reactions[r.ID], flagged[r.ID], files[r.ID]))
				}
			}
			var l *bulk.Line
			if members != nil {
				dp := &bulk.DirectPost{ChannelMembers: &members, PostBody: body}
				if len(reps) > 0 {
					dp.Replies = &reps
				}
				l = &bulk.Line{Type: bulk.TypeDirectPost, DirectPost: dp}
			} else {
				team := e.teamNames[c.TeamID]
				post := &bulk.Post{Team: &team, Channel: &c.Name, PostBody: body}
				if len(reps) > 0 {
					post.Replies = &reps
				}
				l = &bulk.Line{Type: bulk.TypePost, Post: post}
			}
			kind := "posts"
			if members != nil {
				kind = "direct_posts"
			}
			if err := e.write(kind, l); err != nil {
				return err
			}
			e.rep.Exported["replies"] += len(reps)
		}
		last := roots[len(roots)-1]
		afterAt, afterID = last.CreateAt, last.ID
	}
}

// authorless reports whether p has no author the export names, and counts
// it (with its n replies) as left out: system messages made from the command
// line by earlier versions have an empty author, and a post line without
// a user is refused by every importer.
func (e *exporter) authorless(p *model.Post, n int) bool {
	if e.usernames[p.UserID] != "" {
		return false
	}
	e.authorlessPosts += 1 + n
	return true
}

// files loads the live files of the posts that have any, when the export
// carries them.
func (e *exporter) files(ctx context.Context, posts []*model.Post) (map[string][]*model.FileInfo, error) {
	var ids []string
	for _, p := range posts {
		if len(p.FileIDs) > 0 {
			ids = append(ids, p.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	if !e.opt.attachments {
		e.rep.Skipped = appendOnce(e.rep.Skipped, "attachments not exported (use --attachments)")
		return nil, nil
	}
	return e.st.FileInfosForPosts(ctx, ids)
}

func (e *exporter) body(p *model.Post, reactions []*model.Reaction, flaggedBy []string, files []*model.FileInfo) bulk.PostBody {
	b := bulk.PostBody{User: bulk.Ptr(e.usernames[p.UserID]), Message: &p.Message, CreateAt: &p.CreateAt}
	if p.Type != "" {
		b.Type = &p.Type
	}
	if len(p.Props) > 0 {
		b.Props = &p.Props
	}
	if p.EditAt > 0 {
		b.EditAt = &p.EditAt
	}
	if p.IsPinned {
		b.IsPinned = bulk.Ptr(true)
	}
	if len(reactions) > 0 {
		rs := make([]bulk.Reaction, 0, len(reactions))
		for _, r := range reactions {
			rs = append(rs, bulk.Reaction{User: bulk.Ptr(e.usernames[r.UserID]), EmojiName: bulk.Ptr(r.EmojiName), CreateAt: bulk.Ptr(r.CreateAt)})
		}
		b.Reactions = &rs
	}
	if len(flaggedBy) > 0 {
		names := make([]string, 0, len(flaggedBy))
		for _, id := range flaggedBy {
			names = append(names, e.usernames[id])
		}
		slices.Sort(names)
		b.FlaggedBy = &names
	}
	if len(files) > 0 {
		// The post's file_ids keep the order the files were attached in.
		slices.SortStableFunc(files, func(a, b *model.FileInfo) int {
			return slices.Index(p.FileIDs, a.ID) - slices.Index(p.FileIDs, b.ID)
		})
		atts := make([]bulk.Attachment, 0, len(files))
		for _, f := range files {
			atts = append(atts, bulk.Attachment{Path: bulk.Ptr(e.addFile(app.FileObjectKey(f.ID), app.FileObjectDir(f.ID)+"/"+f.Name))})
		}
		b.Attachments = &atts
		e.rep.Exported["attachments"] += len(files)
	}
	return b
}

func appendOnce(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
