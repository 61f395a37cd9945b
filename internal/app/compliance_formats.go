package app

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/textproto"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// The Actiance XML elements, as Mattermost's actiance_export names them.
type (
	actianceJoin struct {
		XMLName          xml.Name `xml:"ParticipantEntered"`
		LoginName        string   `xml:"LoginName"`
		UserType         string   `xml:"UserType"`
		DateTimeUTC      int64    `xml:"DateTimeUTC"`
		CorporateEmailID string   `xml:"CorporateEmailID"`
	}
	actianceLeave struct {
		XMLName          xml.Name `xml:"ParticipantLeft"`
		LoginName        string   `xml:"LoginName"`
		UserType         string   `xml:"UserType"`
		DateTimeUTC      int64    `xml:"DateTimeUTC"`
		CorporateEmailID string   `xml:"CorporateEmailID"`
	}
	actianceMessage struct {
		XMLName            xml.Name `xml:"Message"`
		MessageID          string   `xml:"MessageId"`
		LoginName          string   `xml:"LoginName"`
		UserType           string   `xml:"UserType"`
		DateTimeUTC        int64    `xml:"DateTimeUTC"`
		UpdatedType        string   `xml:"UpdatedType,omitempty"`
		UpdatedDateTimeUTC int64    `xml:"UpdatedDateTimeUTC,omitempty"`
		EditedNewMsgID     string   `xml:"EditedNewMsgId,omitempty"`
		Content            string   `xml:"Content"`
		PreviewsPost       string   `xml:"PreviewsPost,omitempty"`
	}
	actianceUploadStart struct {
		XMLName      xml.Name `xml:"FileTransferStarted"`
		LoginName    string   `xml:"LoginName"`
		DateTimeUTC  int64    `xml:"DateTimeUTC"`
		UserFileName string   `xml:"UserFileName"`
		FileName     string   `xml:"FileName"`
	}
	actianceUploadStop struct {
		XMLName      xml.Name `xml:"FileTransferEnded"`
		LoginName    string   `xml:"LoginName"`
		DateTimeUTC  int64    `xml:"DateTimeUTC"`
		UserFileName string   `xml:"UserFileName"`
		FileName     string   `xml:"FileName"`
		Status       string   `xml:"Status"`
	}
)

// writeActiance writes actiance_export.xml — a FileDump with one
// Conversation per channel: who was there from the start, the messages with
// their file transfers, who left, as Mattermost's — and the attachments at
// the paths its FileName elements give.
func (r *exportRun) writeActiance(ctx context.Context, zw *zip.Writer, chs []*store.ExportChannel) error {
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: "actiance_export.xml", Method: zip.Deflate})
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(fw, 64<<10)
	if _, err := bw.WriteString(xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(bw)
	enc.Indent("", "  ")
	root := xml.StartElement{Name: xml.Name{Local: "FileDump"},
		Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns:xsi"}, Value: "http://www.w3.org/2001/XMLSchema-instance"}}}
	if err := enc.EncodeToken(root); err != nil {
		return err
	}
	for _, ch := range chs {
		if err := r.actianceConversation(ctx, enc, ch); err != nil {
			return err
		}
	}
	if err := enc.EncodeToken(root.End()); err != nil {
		return err
	}
	if err := enc.Flush(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return r.copySpooledFiles(ctx, zw)
}

func (r *exportRun) actianceConversation(ctx context.Context, enc *xml.Encoder, ch *store.ExportChannel) error {
	stays, err := r.a.channelStays(ctx, ch, r.opt.From, r.opt.To)
	if err != nil {
		return model.ErrInternal(err)
	}
	conv := xml.StartElement{Name: xml.Name{Local: "Conversation"},
		Attr: []xml.Attr{{Name: xml.Name{Local: "Perspective"}, Value: ch.DisplayName}}}
	if err := enc.EncodeToken(conv); err != nil {
		return err
	}
	if err := enc.EncodeElement(channelTypeName(ch.Type)+" - "+ch.Name+" - "+ch.ID, xml.StartElement{Name: xml.Name{Local: "RoomID"}}); err != nil {
		return err
	}
	if err := enc.EncodeElement(r.opt.From, xml.StartElement{Name: xml.Name{Local: "StartTimeUTC"}}); err != nil {
		return err
	}
	joins, leaves := actianceParticipants(stays, r.opt.To)
	for _, j := range joins {
		if err := enc.Encode(j); err != nil {
			return err
		}
	}
	r.rep.Joins += len(joins)
	err = r.eachPost(ctx, ch, func(p *exportedPost) error {
		for _, el := range r.actianceElements(p) {
			if err := enc.Encode(el); err != nil {
				return err
			}
		}
		for _, f := range p.files {
			if err := r.spool.add(fileKey(f.ID, "original"), exportFilePath(f)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, l := range leaves {
		if err := enc.Encode(l); err != nil {
			return err
		}
	}
	r.rep.Leaves += len(leaves)
	if err := enc.EncodeElement(r.opt.To, xml.StartElement{Name: xml.Name{Local: "EndTimeUTC"}}); err != nil {
		return err
	}
	return enc.EncodeToken(conv.End())
}

// actianceParticipants returns the ParticipantEntered and ParticipantLeft
// elements: one entry per stay at its join time, one leave per leave in the
// window, and a leave at the window's end for whoever is still there, each
// list by time then address, as Mattermost's buildChannelExport.
func actianceParticipants(stays []stay, to int64) ([]actianceJoin, []actianceLeave) {
	var joins []actianceJoin
	var leaves []actianceLeave
	type last struct {
		at  int64
		typ string
	}
	still := map[string]last{}
	for _, st := range stays {
		ut := "user"
		if st.IsBot {
			ut = "bot"
		}
		joins = append(joins, actianceJoin{LoginName: st.UserEmail, UserType: ut, DateTimeUTC: st.JoinTime, CorporateEmailID: st.UserEmail})
		if v, ok := still[st.UserEmail]; !ok || st.JoinTime > v.at {
			still[st.UserEmail] = last{st.JoinTime, ut}
		}
	}
	for _, st := range stays {
		if st.LeaveTime == nil || *st.LeaveTime > to {
			continue
		}
		ut := "user"
		if st.IsBot {
			ut = "bot"
		}
		leaves = append(leaves, actianceLeave{LoginName: st.UserEmail, UserType: ut, DateTimeUTC: *st.LeaveTime, CorporateEmailID: st.UserEmail})
		if *st.LeaveTime > still[st.UserEmail].at {
			delete(still, st.UserEmail)
		}
	}
	for email, v := range still {
		leaves = append(leaves, actianceLeave{LoginName: email, UserType: v.typ, DateTimeUTC: to, CorporateEmailID: email})
	}
	slices.SortFunc(joins, func(x, y actianceJoin) int {
		if x.DateTimeUTC != y.DateTimeUTC {
			return compareInt64(x.DateTimeUTC, y.DateTimeUTC)
		}
		return strings.Compare(x.LoginName, y.LoginName)
	})
	slices.SortFunc(leaves, func(x, y actianceLeave) int {
		if x.DateTimeUTC != y.DateTimeUTC {
			return compareInt64(x.DateTimeUTC, y.DateTimeUTC)
		}
		return strings.Compare(x.LoginName, y.LoginName)
	})
	return joins, leaves
}

func compareInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// actianceElements are a post's elements: the message (for a post deleted
// in the window and created in it, first as created, then as deleted), and
// for each file its transfer start and end, and its deletion.
func (r *exportRun) actianceElements(p *exportedPost) []any {
	msg := func(kind string, updateAt int64, content string) actianceMessage {
		m := actianceMessage{MessageID: p.ID, LoginName: p.UserEmail, UserType: p.userType(), DateTimeUTC: p.CreateAt,
			UpdatedType: kind, Content: content, PreviewsPost: p.previewID()}
		if kind != "" {
			m.UpdatedDateTimeUTC = updateAt
		}
		if kind == "EditedOriginalMsg" {
			m.EditedNewMsgID = p.OriginalID
		}
		return m
	}
	var out []any
	switch k := p.kind(); k {
	case "Deleted":
		if p.CreateAt >= r.opt.From {
			out = append(out, msg("", 0, p.Message))
		}
		out = append(out, msg(k, p.DeleteAt, "delete "+p.Message))
	case "":
		out = append(out, msg("", 0, p.Message))
	default:
		out = append(out, msg(k, p.UpdateAt, p.Message))
	}
	var stops, deletes []any
	for _, f := range p.files {
		out = append(out, actianceUploadStart{LoginName: p.UserEmail, DateTimeUTC: p.CreateAt, UserFileName: f.Name,
			FileName: exportFilePath(f)})
		stops = append(stops, actianceUploadStop{LoginName: p.UserEmail, DateTimeUTC: p.CreateAt, UserFileName: f.Name,
			FileName: exportFilePath(f), Status: "Completed"})
		if f.DeleteAt > 0 && p.DeleteAt > 0 {
			deletes = append(deletes, msg("FileDeleted", p.DeleteAt, "delete "+exportFilePath(f)))
		}
	}
	return append(append(out, stops...), deletes...)
}

// grMaxEmailBytes is where Mattermost starts another email for a channel.
const grMaxEmailBytes = 250 << 20

// writeGlobalRelay writes one EML per channel, "<channel> - (<id>) - <n>.eml",
// as Mattermost's Global Relay export: a summary, a participants table with
// their message counts, the messages and file uploads, in HTML and plain
// text, with the files attached. Messages go to spool files as they stream,
// so only the participants are held in memory.
func (r *exportRun) writeGlobalRelay(ctx context.Context, zw *zip.Writer, chs []*store.ExportChannel) error {
	for _, ch := range chs {
		if err := r.globalRelayChannel(ctx, zw, ch); err != nil {
			return err
		}
	}
	return nil
}

// grParticipant is a row of the participants table.
type grParticipant struct {
	stay
	join, leave int64
}

// grEmail is one EML in the making.
type grEmail struct {
	html, text *os.File
	hw, tw     *bufio.Writer
	bytes      int64
	counts     map[string]int
	files      []*model.FileInfo
}

func newGREmail() (*grEmail, error) {
	h, err := os.CreateTemp("", "parley-gr-html-*")
	if err != nil {
		return nil, err
	}
	t, err := os.CreateTemp("", "parley-gr-text-*")
	if err != nil {
		h.Close()
		os.Remove(h.Name())
		return nil, err
	}
	return &grEmail{html: h, text: t, hw: bufio.NewWriter(h), tw: bufio.NewWriter(t), counts: map[string]int{}}, nil
}

func (e *grEmail) remove() {
	for _, f := range []*os.File{e.html, e.text} {
		f.Close()
		os.Remove(f.Name())
	}
}

// grMessage is one entry of the messages list.
type grMessage struct {
	id, sent, username, userID, postUsername, userType, email, message, previews string
	updateType, updateTime, editedNewMsgID                                       string
}

func (e *grEmail) add(m grMessage) error {
	var b strings.Builder
	esc := html.EscapeString
	b.WriteString("\n<li class=\"message\">\n")
	fmt.Fprintf(&b, "    <span class=\"post_id\">%s</span>\n", esc(m.id))
	fmt.Fprintf(&b, "    <span class=\"sent_time\">%s</span>\n", esc(m.sent))
	fmt.Fprintf(&b, "    <span class=\"username\">@%s</span>\n", esc(m.username))
	fmt.Fprintf(&b, "    <span class=\"userid\">%s</span>\n", esc(m.userID))
	fmt.Fprintf(&b, "    <span class=\"postusername\">%s</span>\n", esc(m.postUsername))
	fmt.Fprintf(&b, "    <span class=\"usertype\">%s</span>\n", esc(m.userType))
	fmt.Fprintf(&b, "    <span class=\"email\">(%s)</span>\n", esc(m.email))
	fmt.Fprintf(&b, "    <span class=\"message\">%s</span>", esc(m.message))
	if m.previews != "" {
		fmt.Fprintf(&b, "\n    <span class=\"previews_post\">%s</span>", esc(m.previews))
	}
	if m.updateType != "" {
		fmt.Fprintf(&b, "\n    <span class=\"update_type\">%s</span>\n    <span class=\"update_time\">%s</span>\n    <span class=\"edited_new_msg_id\">%s</span>",
			esc(m.updateType), esc(m.updateTime), esc(m.editedNewMsgID))
	}
	b.WriteString("\n</li>\n")
	if _, err := e.hw.WriteString(b.String()); err != nil {
		return err
	}
	line := "* " + m.id + " " + m.sent + " @" + m.username + " " + m.userID + " " + m.postUsername + " " + m.userType +
		" (" + m.email + ") " + m.message
	if m.previews != "" {
		line += " " + m.previews
	}
	if m.updateType != "" {
		line += " " + m.updateType + " " + m.updateTime + " " + m.editedNewMsgID
	}
	_, err := e.tw.WriteString(line + "\n")
	return err
}

// grTime is Mattermost's TimestampConvert: RFC 3339, to the second, UTC.
func grTime(ms int64) string { return time.Unix(ms/1000, 0).UTC().Format(time.RFC3339) }

// grDuration writes a duration, rounded to the minute, as durafmt does
// ("1 day 2 hours 3 minutes", "0 seconds").
func grDuration(ms int64) string {
	d := (time.Duration(ms) * time.Millisecond).Round(time.Minute)
	if d <= 0 {
		return "0 seconds"
	}
	var parts []string
	for _, u := range []struct {
		name string
		d    time.Duration
	}{{"week", 7 * 24 * time.Hour}, {"day", 24 * time.Hour}, {"hour", time.Hour}, {"minute", time.Minute}} {
		if n := d / u.d; n > 0 {
			d -= n * u.d
			name := u.name
			if n > 1 {
				name += "s"
			}
			parts = append(parts, strconv.FormatInt(int64(n), 10)+" "+name)
		}
	}
	return strings.Join(parts, " ")
}

func (r *exportRun) globalRelayChannel(ctx context.Context, zw *zip.Writer, ch *store.ExportChannel) error {
	stays, err := r.a.channelStays(ctx, ch, r.opt.From, r.opt.To)
	if err != nil {
		return model.ErrInternal(err)
	}
	var people []grParticipant
	for _, st := range stays {
		p := grParticipant{stay: st, join: max(st.JoinTime, r.opt.From), leave: r.opt.To}
		if st.LeaveTime != nil && *st.LeaveTime < r.opt.To {
			p.leave = *st.LeaveTime
			r.rep.Leaves++
		}
		r.rep.Joins++
		people = append(people, p)
	}
	slices.SortStableFunc(people, func(x, y grParticipant) int { return strings.Compare(x.Username, y.Username) })
	if len(people) == 0 {
		return nil
	}
	batch := 0
	e, err := newGREmail()
	if err != nil {
		return err
	}
	defer func() { e.remove() }()
	err = r.eachPost(ctx, ch, func(p *exportedPost) error {
		size := int64(len(p.Message))
		if p.kind() == "Deleted" {
			size = 0
		}
		for _, f := range p.files {
			size += f.Size
		}
		if e.bytes > 0 && e.bytes+size > grMaxEmailBytes {
			if err := r.writeEML(ctx, zw, ch, people, e, batch); err != nil {
				return err
			}
			e.remove()
			batch++
			if e, err = newGREmail(); err != nil {
				return err
			}
		}
		e.bytes += size
		return r.grPost(e, p)
	})
	if err != nil {
		return err
	}
	return r.writeEML(ctx, zw, ch, people, e, batch)
}

// grPost adds a post's message (none for a deleted post, as Mattermost
// leaves those out of Global Relay) and a line per file.
func (r *exportRun) grPost(e *grEmail, p *exportedPost) error {
	base := grMessage{id: p.ID, sent: grTime(p.CreateAt), username: p.Username, userID: p.UserID, userType: p.userType(),
		email: p.UserEmail, previews: p.previewID()}
	if k := p.kind(); k != "Deleted" {
		m := base
		m.message = p.Message
		if s, _ := p.Props[model.PropOverrideUsername].(string); s != "" {
			m.postUsername = "@" + s
		} else if s, _ := p.Props["webhook_display_name"].(string); s != "" {
			m.postUsername = "@" + s
		}
		if k != "" {
			m.updateType, m.updateTime = k, grTime(p.UpdateAt)
			if k == "EditedOriginalMsg" {
				m.editedNewMsgID = p.OriginalID
			}
		}
		if err := e.add(m); err != nil {
			return err
		}
		e.counts[p.UserID]++
	}
	for _, f := range p.files {
		m := base
		m.id, m.previews = "", ""
		m.sent, m.message = grTime(f.CreateAt), "Uploaded file "+f.Name
		if f.DeleteAt != 0 {
			m.sent, m.message = grTime(f.DeleteAt), "Deleted file "+f.Name
		}
		if err := e.add(m); err != nil {
			return err
		}
		e.files = append(e.files, f)
	}
	return nil
}

// writeEML assembles one email into the zip: headers as Mattermost sets
// them, the text and HTML alternatives, then the attachments.
func (r *exportRun) writeEML(ctx context.Context, zw *zip.Writer, ch *store.ExportChannel, people []grParticipant, e *grEmail, batch int) error {
	if err := e.hw.Flush(); err != nil {
		return err
	}
	if err := e.tw.Flush(); err != nil {
		return err
	}
	name := exportDisplayName(ch)
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("%s - (%s) - %d.eml", model.SanitizeFileName(name), ch.ID, batch),
		Method: zip.Deflate})
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(fw, 64<<10)
	var emails []string
	for _, p := range people {
		emails = append(emails, p.UserEmail)
	}
	mw := multipart.NewWriter(bw)
	enc := func(s string) string { return mime.BEncoding.Encode("utf-8", s) }
	hdr := []struct{ k, v string }{
		{"Auto-Submitted", "auto-generated"},
		{"Content-Transfer-Encoding", "8bit"},
		{"Date", time.Unix(r.opt.To/1000, 0).UTC().Format(time.RFC1123Z)},
		{"From", emails[0]},
		{"MIME-Version", "1.0"},
		{"Precedence", "bulk"},
		{"Subject", enc("Mattermost Compliance Export: " + name)},
		{"To", strings.Join(emails, ",")},
		{"X-GlobalRelay-MsgType", "Mattermost"},
		{"X-Mattermost-ChannelID", enc(ch.ID)},
		{"X-Mattermost-ChannelName", enc(name)},
		{"X-Mattermost-ChannelType", enc(channelTypeName(ch.Type))},
		{"Content-Type", "multipart/mixed; boundary=" + mw.Boundary()},
	}
	for _, h := range hdr {
		if _, err := bw.WriteString(h.k + ": " + h.v + "\r\n"); err != nil {
			return err
		}
	}
	if _, err := bw.WriteString("\r\n"); err != nil {
		return err
	}
	altBoundary := multipart.NewWriter(io.Discard).Boundary()
	part, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"multipart/alternative; boundary=" + altBoundary}})
	if err != nil {
		return err
	}
	alt := multipart.NewWriter(part)
	if err := alt.SetBoundary(altBoundary); err != nil {
		return err
	}
	head, tail := r.grFrame(ch, people, e)
	for _, body := range []struct {
		typ        string
		head, tail string
		f          *os.File
	}{
		{"text/plain", grText(ch, name, people, e, r), "", e.text},
		{"text/html", head, tail, e.html},
	} {
		w, err := alt.CreatePart(textproto.MIMEHeader{"Content-Type": {body.typ + "; charset=UTF-8"},
			"Content-Transfer-Encoding": {"quoted-printable"}})
		if err != nil {
			return err
		}
		qp := quotedprintable.NewWriter(w)
		if _, err := io.WriteString(qp, body.head); err != nil {
			return err
		}
		if _, err := body.f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		if _, err := io.Copy(qp, body.f); err != nil {
			return err
		}
		if _, err := io.WriteString(qp, body.tail); err != nil {
			return err
		}
		if err := qp.Close(); err != nil {
			return err
		}
	}
	if err := alt.Close(); err != nil {
		return err
	}
	for _, f := range e.files {
		obj, err := r.a.files.Open(ctx, fileKey(f.ID, "original"))
		if err != nil {
			r.rep.Warnings++
			continue
		}
		typ := f.MimeType
		if typ == "" {
			typ = "application/octet-stream"
		}
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {mime.FormatMediaType(typ, map[string]string{"name": f.Name})},
			"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": f.Name})},
			"Content-Transfer-Encoding": {"base64"},
		})
		if err == nil {
			err = copyBase64(w, obj)
		}
		obj.Close()
		if err != nil {
			return err
		}
		r.rep.Files++
	}
	if err := mw.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

// grFrame is the HTML around the messages: the summary and the participants.
func (r *exportRun) grFrame(ch *store.ExportChannel, people []grParticipant, e *grEmail) (string, string) {
	esc := html.EscapeString
	var b strings.Builder
	b.WriteString("\r\n<html><body>\n<h1>Mattermost Compliance Export</h1>\n\n<h2>Conversation Summary</h2>\n<div class=\"summary-list\">\n    <ul>\n")
	for _, kv := range [][2]string{{"TeamId", ch.TeamID}, {"TeamName", ch.TeamName}, {"TeamDisplayName", ch.TeamDisplayName},
		{"ChannelId", ch.ID}, {"ChannelName", ch.Name}, {"ChannelDisplayName", exportDisplayName(ch)},
		{"Started", grTime(r.opt.From)}, {"Ended", grTime(r.opt.To)}, {"Duration", grDuration(r.opt.To - r.opt.From)}} {
		fmt.Fprintf(&b, "        <li><span class=\"bold\">%s:</span>%s</li>\n", kv[0], esc(kv[1]))
	}
	b.WriteString("    </ul>\n</div>\n<table class=\"participants\">\n    <tr>\n" +
		"        <th class=\"userid\">UserId<br></th>\n        <th class=\"username\">Username<br></th>\n" +
		"        <th class=\"usertype\">UserType<br></th>\n        <th class=\"email\">Email</th>\n" +
		"        <th class=\"joined\">Joined</th>\n        <th class=\"left\">Left</th>\n" +
		"        <th class=\"duration\">Duration</th>\n        <th class=\"messages\">Messages</th>\n    </tr>\n")
	for _, p := range people {
		fmt.Fprintf(&b, "<tr>\n    <td class=\"userid\">%s</td>\n    <td class=\"username\">@%s</td>\n    <td class=\"usertype\">%s</td>\n"+
			"    <td class=\"email\">%s</td>\n    <td class=\"joined\">%s</td>\n    <td class=\"left\">%s</td>\n"+
			"    <td class=\"duration\">%s</td>\n    <td class=\"messages\">%d</td>\n</tr>\n",
			esc(p.UserID), esc(p.Username), participantType(p.stay), esc(p.UserEmail), grTime(p.join), grTime(p.leave),
			grDuration(p.leave-p.join), e.counts[p.UserID])
	}
	b.WriteString("</table>\n\n<h2>Messages</h2>\n<div class=\"message-list\">\n    <ul>\n")
	tail := "    </ul>\n</div>\n\n<p>Exported on " + grTime(model.Now()) + "</p>\n</body></html>"
	return b.String(), tail
}

func participantType(st stay) string {
	if st.IsBot {
		return "bot"
	}
	return "user"
}

// grText is the head of the plain-text alternative, the same facts as the
// HTML's summary and participants.
func grText(ch *store.ExportChannel, name string, people []grParticipant, e *grEmail, r *exportRun) string {
	var b strings.Builder
	b.WriteString("Mattermost Compliance Export\n\nConversation Summary\n")
	for _, kv := range [][2]string{{"TeamId", ch.TeamID}, {"TeamName", ch.TeamName}, {"TeamDisplayName", ch.TeamDisplayName},
		{"ChannelId", ch.ID}, {"ChannelName", ch.Name}, {"ChannelDisplayName", name},
		{"Started", grTime(r.opt.From)}, {"Ended", grTime(r.opt.To)}, {"Duration", grDuration(r.opt.To - r.opt.From)}} {
		b.WriteString("* " + kv[0] + ":" + kv[1] + "\n")
	}
	b.WriteString("\nUserId | Username | UserType | Email | Joined | Left | Duration | Messages\n")
	for _, p := range people {
		fmt.Fprintf(&b, "%s | @%s | %s | %s | %s | %s | %s | %d\n", p.UserID, p.Username, participantType(p.stay), p.UserEmail,
			grTime(p.join), grTime(p.leave), grDuration(p.leave-p.join), e.counts[p.UserID])
	}
	b.WriteString("\nMessages\n")
	return b.String()
}

// copyBase64 writes r base64-encoded in lines of 76 characters (RFC 2045).
func copyBase64(w io.Writer, r io.Reader) error {
	lw := &lineWrapper{w: w}
	enc := base64.NewEncoder(base64.StdEncoding, lw)
	if _, err := io.Copy(enc, r); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\r\n")
	return err
}

type lineWrapper struct {
	w   io.Writer
	col int
}

func (l *lineWrapper) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		chunk := min(76-l.col, len(p))
		if _, err := l.w.Write(p[:chunk]); err != nil {
			return n, err
		}
		n += chunk
		l.col += chunk
		p = p[chunk:]
		if l.col == 76 {
			if _, err := io.WriteString(l.w, "\r\n"); err != nil {
				return n, err
			}
			l.col = 0
		}
	}
	return n, nil
}
