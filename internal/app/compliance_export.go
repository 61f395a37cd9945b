package app

import (
	"archive/zip"
	"bufio"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Compliance (message) export, in the three formats Mattermost writes: a CSV
// zip, an Actiance XML zip and a Global Relay zip of EML files. It reads
// what Mattermost's message export reads — the posts and edited-away
// versions changed in (from, to], system messages left out, and the channel
// membership history — channel by channel and page by page, so memory is
// bounded by one page and one channel's membership whatever the range.
// Attachments are listed in a spool file as posts stream and copied into the
// zip after the document that names them.

// ComplianceExportBatch is how many posts one page reads by default
// (MessageExportSettings.BatchSize).
const ComplianceExportBatch = 10000

// ComplianceExportOptions says what to export.
type ComplianceExportOptions struct {
	Format string
	// From and To bound the export: posts changed, members who joined or
	// left, in (From, To], Unix milliseconds.
	From, To int64
	// BatchSize is the posts one page reads (ComplianceExportBatch if 0).
	BatchSize int
	// Progress, when set, is told how many posts are written out of how many.
	Progress func(done, total int64)
}

// ComplianceExportReport counts what an export wrote.
type ComplianceExportReport struct {
	Format   string        `json:"format"`
	From     int64         `json:"from"`
	To       int64         `json:"to"`
	Channels int           `json:"channels"`
	Posts    int64         `json:"posts"`
	Joins    int           `json:"joins"`
	Leaves   int           `json:"leaves"`
	Files    int           `json:"files"`
	Warnings int           `json:"warnings"`
	Took     time.Duration `json:"-"`
}

// exportedPost is a post of a page with its files.
type exportedPost struct {
	*store.ExportPost
	files []*model.FileInfo
}

// kind classifies a post as Mattermost's export does ("" for a new post).
func (p *exportedPost) kind() string {
	switch {
	case p.OriginalID != "":
		return "EditedOriginalMsg"
	case p.DeleteAt > 0:
		return "Deleted"
	case p.UpdateAt > p.CreateAt && p.EditAt > 0:
		return "EditedNewMsg"
	case p.UpdateAt > p.CreateAt:
		return "UpdatedNoMsgChange"
	}
	return ""
}

func (p *exportedPost) userType() string {
	if p.IsBot {
		return "bot"
	}
	return "user"
}

// previewID is the post a permalink preview shows, as Mattermost's PreviewID.
func (p *exportedPost) previewID() string {
	s, _ := p.Props["previewed_post"].(string)
	return s
}

// exportFilePath names a file in Actiance exports and the zip, after the
// directory that holds its bytes.
func exportFilePath(f *model.FileInfo) string { return fileDir(f.ID) + "/" + f.Name }

// channelTypeName is Mattermost's ChannelTypeDisplayName.
func channelTypeName(t string) string {
	switch t {
	case model.ChannelOpen:
		return "public"
	case model.ChannelPrivate:
		return "private"
	case model.ChannelDirect:
		return "direct"
	case model.ChannelGroup:
		return "group"
	}
	return ""
}

// exportDisplayName is the channel display name exports show: Mattermost
// names direct and group messages by their kind.
func exportDisplayName(c *store.ExportChannel) string {
	switch c.Type {
	case model.ChannelDirect:
		return "Direct Message"
	case model.ChannelGroup:
		return "Group Message"
	}
	return c.DisplayName
}

// stay is a participant of a channel over the export window: a history stay,
// or an author with none (taken to be there from the start).
type stay struct {
	*model.ChannelMemberHistoryResult
	author bool
}

// channelStays returns the joins and leaves of a channel as Mattermost's
// GetJoinsAndLeavesForChannel: stays overlapping the window (not of users
// deleted before it), plus authors without one, joined at from.
func (a *App) channelStays(ctx context.Context, ch *store.ExportChannel, from, to int64) ([]stay, error) {
	hs, err := a.store.ChannelMemberHistory(ctx, ch.ID, from, to)
	if err != nil {
		return nil, err
	}
	authors, err := a.store.ExportAuthors(ctx, ch.ID, from, to)
	if err != nil {
		return nil, err
	}
	var out []stay
	joined := map[string]bool{}
	for _, h := range hs {
		if h.UserDeleteAt > 0 && h.UserDeleteAt < from {
			continue
		}
		out = append(out, stay{ChannelMemberHistoryResult: h})
		joined[h.UserID] = true
	}
	for _, au := range authors {
		if !joined[au.UserID] {
			au.JoinTime = from
			out = append(out, stay{ChannelMemberHistoryResult: au, author: true})
		}
	}
	return out, nil
}

// exportRun is one export in progress.
type exportRun struct {
	a     *App
	opt   ComplianceExportOptions
	rep   *ComplianceExportReport
	total int64
	// spool lists the attachments to copy into the zip: key, then zip path.
	spool *spool
}

// eachPost streams a channel's posts page by page, each with its files.
func (r *exportRun) eachPost(ctx context.Context, ch *store.ExportChannel, fn func(p *exportedPost) error) error {
	cur := store.ExportCursor{}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		page, err := r.a.store.ExportPosts(ctx, ch.ID, r.opt.From, r.opt.To, cur, r.opt.BatchSize)
		if err != nil {
			return model.ErrInternal(err)
		}
		var withFiles []string
		for _, p := range page {
			if len(p.FileIDs) > 0 && p.OriginalID == "" {
				withFiles = append(withFiles, p.ID)
			}
		}
		files, err := r.a.store.ExportFiles(ctx, withFiles)
		if err != nil {
			return model.ErrInternal(err)
		}
		for _, p := range page {
			if err := fn(&exportedPost{ExportPost: p, files: files[p.ID]}); err != nil {
				return err
			}
			r.rep.Posts++
		}
		if r.opt.Progress != nil {
			r.opt.Progress(r.rep.Posts, r.total)
		}
		if len(page) < r.opt.BatchSize {
			return nil
		}
		last := page[len(page)-1]
		cur = store.ExportCursor{UpdateAt: last.UpdateAt, ID: last.ID}
	}
}

// ComplianceExport writes a compliance export of the range as a zip to w.
func (a *App) ComplianceExport(ctx context.Context, s *model.Session, w io.Writer, opt ComplianceExportOptions) (*ComplianceExportReport, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	start := time.Now()
	switch opt.Format {
	case model.ComplianceExportCSV, model.ComplianceExportActiance, model.ComplianceExportGlobalRelay:
	default:
		return nil, model.NewAppError(http.StatusBadRequest, "ent.compliance.bad_export_type.appError",
			"Unknown export format "+strconv.Quote(opt.Format)+": use csv, actiance or globalrelay-zip.")
	}
	if opt.From < 0 || opt.To <= opt.From {
		return nil, model.NewAppError(http.StatusBadRequest, "app.compliance.export.range.app_error",
			"The export range is empty: exportTo must be after exportFrom.")
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = ComplianceExportBatch
	}
	total, err := a.store.CountExportPosts(ctx, opt.From, opt.To)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	chs, err := a.store.ExportChannels(ctx, opt.From, opt.To)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	sp, err := newSpool()
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	defer sp.remove()
	r := &exportRun{a: a, opt: opt, total: total, spool: sp,
		rep: &ComplianceExportReport{Format: opt.Format, From: opt.From, To: opt.To, Channels: len(chs)}}
	zw := zip.NewWriter(w)
	switch opt.Format {
	case model.ComplianceExportCSV:
		err = r.writeCSV(ctx, zw, chs)
	case model.ComplianceExportActiance:
		err = r.writeActiance(ctx, zw, chs)
	default:
		err = r.writeGlobalRelay(ctx, zw, chs)
	}
	if err == nil {
		err = zw.Close()
	}
	detail := fmt.Sprintf("format=%s from=%d to=%d posts=%d", opt.Format, opt.From, opt.To, r.rep.Posts)
	a.audit(ctx, s, model.AuditComplianceExport, "", "", err == nil, detail)
	if err != nil {
		return r.rep, asAppError(err)
	}
	r.rep.Took = time.Since(start)
	a.log.InfoContext(ctx, "compliance export written", "format", opt.Format, "from", opt.From, "to", opt.To,
		"channels", r.rep.Channels, "posts", r.rep.Posts, "files", r.rep.Files, "warnings", r.rep.Warnings)
	return r.rep, nil
}

func asAppError(err error) error {
	var ae *model.AppError
	if errors.As(err, &ae) {
		return ae
	}
	return model.ErrInternal(err)
}

// copySpooledFiles copies the listed attachments into the zip; a file whose
// bytes are missing becomes a line of warning.txt, as Mattermost's.
func (r *exportRun) copySpooledFiles(ctx context.Context, zw *zip.Writer) error {
	var missing []string
	err := r.spool.each(func(key, name string) error {
		obj, err := r.a.files.Open(ctx, key)
		if err != nil {
			missing = append(missing, "Warning:File missing for post; cannot copy file to archive - "+name)
			return nil
		}
		defer obj.Close()
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			return err
		}
		_, err = io.Copy(fw, obj)
		r.rep.Files++
		return err
	})
	if err != nil {
		return err
	}
	r.rep.Warnings = len(missing)
	if len(missing) > 0 {
		fw, err := zw.Create("warning.txt")
		if err != nil {
			return err
		}
		for _, m := range missing {
			if _, err := io.WriteString(fw, m+"\n"); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeCSV writes posts.csv with Mattermost's columns, the attachments under
// files/<post id>/<file id>-<name>, and metadata.json. A channel's join and
// leave rows are merged among its posts by time.
func (r *exportRun) writeCSV(ctx context.Context, zw *zip.Writer, chs []*store.ExportChannel) error {
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: "posts.csv", Method: zip.Deflate})
	if err != nil {
		return err
	}
	cw := csv.NewWriter(fw)
	if err := cw.Write([]string{"Post Creation Time", "Team Id", "Team Name", "Team Display Name", "Channel Id", "Channel Name",
		"Channel Display Name", "Channel Type", "User Id", "User Email", "Username", "Post Id", "Edited By Post Id",
		"Replied to Post Id", "Post Message", "Post Type", "User Type", "Previews Post Id"}); err != nil {
		return err
	}
	meta := csvMetadata{Channels: map[string]*csvMetadataChannel{}}
	for _, ch := range chs {
		mc := &csvMetadataChannel{TeamID: ch.TeamID, TeamName: ch.TeamName, TeamDisplayName: ch.TeamDisplayName, ChannelID: ch.ID,
			ChannelName: ch.Name, ChannelDisplayName: exportDisplayName(ch), ChannelType: ch.Type,
			RoomID: channelTypeName(ch.Type) + " - " + ch.ID, StartTime: r.opt.From, EndTime: r.opt.To}
		meta.Channels[ch.ID] = mc
		events, err := r.csvMemberRows(ctx, ch)
		if err != nil {
			return model.ErrInternal(err)
		}
		base := func(at int64) []string {
			return []string{strconv.FormatInt(at, 10), ch.TeamID, ch.TeamName, ch.TeamDisplayName, ch.ID, ch.Name,
				exportDisplayName(ch), channelTypeName(ch.Type)}
		}
		next := 0
		flush := func(until int64) error {
			for ; next < len(events) && events[next].at <= until; next++ {
				if err := cw.Write(append(base(events[next].at), events[next].cols...)); err != nil {
					return err
				}
			}
			return nil
		}
		err = r.eachPost(ctx, ch, func(p *exportedPost) error {
			if err := flush(p.CreateAt); err != nil {
				return err
			}
			typ := p.Type
			if typ == "" {
				typ = "message"
			}
			row := func(at int64, msg string) []string {
				return append(base(at), p.UserID, p.UserEmail, p.Username, p.ID, p.OriginalID, p.RootID, msg, typ,
					p.userType(), p.previewID())
			}
			if err := cw.Write(row(p.CreateAt, p.Message)); err != nil {
				return err
			}
			if p.kind() == "Deleted" {
				if err := cw.Write(row(p.DeleteAt, "delete "+p.Message)); err != nil {
					return err
				}
			}
			mc.MessagesCount++
			meta.MessagesCount++
			for _, f := range p.files {
				name := "files/" + p.ID + "/" + f.ID + "-" + f.Name
				at, what := p.CreateAt, "attachment"
				if f.DeleteAt > 0 && p.DeleteAt > 0 {
					at, what = p.DeleteAt, "deleted attachment"
				}
				att := row(at, "")[:14]
				if err := cw.Write(append(att, f.Name+" ("+name+")", what, p.userType())); err != nil {
					return err
				}
				if err := r.spool.add(fileKey(f.ID, "original"), name); err != nil {
					return err
				}
				mc.AttachmentsCount++
				meta.AttachmentsCount++
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := flush(r.opt.To); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	if err := r.copySpooledFiles(ctx, zw); err != nil {
		return err
	}
	meta.StartTime, meta.EndTime = r.opt.From, r.opt.To
	mw, err := zw.Create("metadata.json")
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return err
	}
	_, err = mw.Write(b)
	return err
}

// csvMetadata is Mattermost's metadata.json (Go field names, as it has them).
type csvMetadata struct {
	Channels         map[string]*csvMetadataChannel
	MessagesCount    int
	AttachmentsCount int
	StartTime        int64
	EndTime          int64
}

type csvMetadataChannel struct {
	TeamID             string `json:"TeamId"`
	TeamName           string
	TeamDisplayName    string
	ChannelID          string `json:"ChannelId"`
	ChannelName        string
	ChannelDisplayName string
	ChannelType        string
	RoomID             string `json:"RoomId"`
	StartTime          int64
	EndTime            int64
	MessagesCount      int
	AttachmentsCount   int
}

// csvEvent is a join or leave row: its time and the columns after the
// channel's.
type csvEvent struct {
	at   int64
	cols []string
}

// csvMemberRows returns a channel's join and leave rows by time: "enter" for
// a join in the window, "previously-joined" (at the window's start) for one
// before it, "leave" for a leave in it, with Mattermost's wording.
func (r *exportRun) csvMemberRows(ctx context.Context, ch *store.ExportChannel) ([]csvEvent, error) {
	stays, err := r.a.channelStays(ctx, ch, r.opt.From, r.opt.To)
	if err != nil {
		return nil, err
	}
	var out []csvEvent
	row := func(at int64, st stay, msg, typ string) csvEvent {
		ut := "user"
		if st.IsBot {
			ut = "bot"
		}
		return csvEvent{at: at, cols: []string{st.UserID, st.UserEmail, st.Username, "", "", "", msg, typ, ut, ""}}
	}
	for _, st := range stays {
		if st.JoinTime <= r.opt.From {
			out = append(out, row(r.opt.From, st, fmt.Sprintf("User %s (%s) was already in the channel", st.Username, st.UserEmail),
				"previously-joined"))
		} else {
			out = append(out, row(st.JoinTime, st, fmt.Sprintf("User %s (%s) joined the channel", st.Username, st.UserEmail), "enter"))
		}
		r.rep.Joins++
		if st.LeaveTime != nil && *st.LeaveTime <= r.opt.To {
			out = append(out, row(*st.LeaveTime, st, fmt.Sprintf("User %s (%s) leaved the channel", st.Username, st.UserEmail), "leave"))
			r.rep.Leaves++
		}
	}
	slices.SortStableFunc(out, func(x, y csvEvent) int { return cmp.Compare(x.at, y.at) })
	return out, nil
}

// spool is a temporary file of (key, name) pairs written as posts stream and
// read back once, so that an export's attachments take no memory.
type spool struct {
	f *os.File
	w *bufio.Writer
}

func newSpool() (*spool, error) {
	f, err := os.CreateTemp("", "parley-export-spool-*")
	if err != nil {
		return nil, err
	}
	return &spool{f: f, w: bufio.NewWriter(f)}, nil
}

func (s *spool) add(key, name string) error {
	_, err := s.w.WriteString(strconv.Quote(key) + " " + strconv.Quote(name) + "\n")
	return err
}

// each reads back the pairs added since the last each, then empties the spool.
func (s *spool) each(fn func(key, name string) error) error {
	if err := s.w.Flush(); err != nil {
		return err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	sc := bufio.NewScanner(s.f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		key, rest, err := unquotePrefix(line)
		if err != nil {
			return err
		}
		name, _, err := unquotePrefix(rest[1:])
		if err != nil {
			return err
		}
		if err := fn(key, name); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if err := s.f.Truncate(0); err != nil {
		return err
	}
	_, err := s.f.Seek(0, io.SeekStart)
	return err
}

func unquotePrefix(s string) (string, string, error) {
	q, err := strconv.QuotedPrefix(s)
	if err != nil {
		return "", "", err
	}
	v, err := strconv.Unquote(q)
	return v, s[len(q):], err
}

func (s *spool) remove() {
	s.f.Close()
	os.Remove(s.f.Name())
}
