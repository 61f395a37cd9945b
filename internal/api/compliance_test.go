package api_test

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

// conversation is a known exchange in channel "deals": ann was there before
// the window; in it bob joins, ann posts and edits, bob posts and deletes,
// ann shares a file, bob leaves.
type conversation struct {
	team                  *model.Team
	ch                    *model.Channel
	ann, bob              *apitest.Client
	from, to              int64
	edited, deleted, file *model.Post
	fileInfo              *model.FileInfo
	fileBody              []byte
}

func tick() { time.Sleep(5 * time.Millisecond) }

func buildConversation(t *testing.T, s *apitest.Server) *conversation {
	t.Helper()
	cv := &conversation{fileBody: []byte("quarterly numbers\n")}
	cv.ann = s.SignUp("ann")
	cv.bob = s.SignUp("bob")
	cv.team = cv.ann.CreateTeam("staff", true)
	cv.ch = cv.ann.CreateChannel(cv.team.ID, "deals", "O")
	cv.ann.AddToTeam(cv.team.ID, cv.bob.UserID)
	tick()
	cv.from = model.Now()
	tick()
	cv.bob.Post("/channels/"+cv.ch.ID+"/members", map[string]string{"user_id": cv.bob.UserID}).Expect(http.StatusCreated)
	tick()
	cv.edited = cv.ann.CreatePost(cv.ch.ID, "hello", "")
	tick()
	cv.ann.Put("/posts/"+cv.edited.ID+"/patch", map[string]string{"message": "hello, world"}).Expect(http.StatusOK)
	tick()
	cv.deleted = cv.bob.CreatePost(cv.ch.ID, "secret", "")
	tick()
	cv.bob.Delete("/posts/" + cv.deleted.ID).Expect(http.StatusOK)
	tick()
	var up struct {
		FileInfos []*model.FileInfo `json:"file_infos"`
	}
	cv.ann.Upload(cv.ch.ID, apitest.FilePart{Name: "report.txt", Data: cv.fileBody}).Expect(http.StatusCreated).JSON(&up)
	cv.fileInfo = up.FileInfos[0]
	var p model.Post
	cv.ann.Post("/posts", map[string]any{"channel_id": cv.ch.ID, "message": "see file", "file_ids": []string{cv.fileInfo.ID}}).
		Expect(http.StatusCreated).JSON(&p)
	cv.file = &p
	tick()
	cv.bob.Delete("/channels/" + cv.ch.ID + "/members/" + cv.bob.UserID).Expect(http.StatusOK)
	tick()
	cv.to = model.Now()
	return cv
}

// runExport runs a message_export job over the conversation's window and
// returns the downloaded zip.
func runExport(t *testing.T, cv *conversation, format string) *zip.Reader {
	t.Helper()
	var j model.Job
	cv.ann.Post("/jobs", map[string]any{"type": "message_export", "data": map[string]string{"export_type": format,
		"job_start_time": strconv.FormatInt(cv.from, 10), "job_end_time": strconv.FormatInt(cv.to, 10)}}).
		Expect(http.StatusCreated).JSON(&j)
	done := waitJob(t, cv.ann, j.ID, model.JobStatusSuccess, model.JobStatusError)
	if done.Status != model.JobStatusSuccess || done.Data["messages_exported"] != "4" || done.Data["is_downloadable"] != "true" {
		t.Fatalf("job: %s %v", done.Status, done.Data)
	}
	body := cv.ann.Get("/jobs/" + j.ID + "/download").Expect(http.StatusOK).Body
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	return zr
}

func zipEntry(t *testing.T, zr *zip.Reader, name string) []byte {
	t.Helper()
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	t.Fatalf("no %s in the zip: %v", name, names)
	return nil
}

func TestComplianceExports(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		cv := buildConversation(t, s)
		// Bad input: an unknown format, a time that is no number.
		cv.ann.Post("/jobs", map[string]any{"type": "message_export", "data": map[string]string{"export_type": "pdf"}}).
			ExpectError(http.StatusBadRequest, "ent.compliance.bad_export_type.appError")
		cv.ann.Post("/jobs", map[string]any{"type": "message_export", "data": map[string]string{"job_start_time": "yesterday"}}).
			ExpectError(http.StatusBadRequest, "app.job.message_export.time.app_error")
		cv.bob.Post("/jobs", map[string]any{"type": "message_export"}).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")

		t.Run("csv", func(t *testing.T) { checkCSV(t, cv, runExport(t, cv, "csv")) })
		t.Run("actiance", func(t *testing.T) { checkActiance(t, cv, runExport(t, cv, "actiance")) })
		t.Run("globalrelay", func(t *testing.T) { checkGlobalRelay(t, cv, runExport(t, cv, "globalrelay-zip")) })
	}, func(c *config.Config) { c.MessageExportDownloadExportResults = true })
}

func checkCSV(t *testing.T, cv *conversation, zr *zip.Reader) {
	r := csv.NewReader(bytes.NewReader(zipEntry(t, zr, "posts.csv")))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := []string{"Post Creation Time", "Team Id", "Team Name", "Team Display Name", "Channel Id", "Channel Name",
		"Channel Display Name", "Channel Type", "User Id", "User Email", "Username", "Post Id", "Edited By Post Id",
		"Replied to Post Id", "Post Message", "Post Type", "User Type", "Previews Post Id"}
	if !slices.Equal(rows[0], header) {
		t.Fatalf("header %q", rows[0])
	}
	var deals [][]string
	for _, row := range rows[1:] {
		if row[4] == cv.ch.ID {
			deals = append(deals, row)
		}
	}
	chanCols := []string{cv.team.ID, "staff", "Staff", cv.ch.ID, "deals", "deals", "public"}
	ann := []string{cv.ann.UserID, "ann@example.com", "ann"}
	bob := []string{cv.bob.UserID, "bob@example.com", "bob"}
	join := func(c ...[]string) []string { return slices.Concat(c...) }
	// Rows whose time is known; the bob rows' times are checked after.
	var version []string
	for _, row := range deals {
		if row[12] == cv.edited.ID {
			version = row
		}
	}
	if version == nil {
		t.Fatalf("no row for the text the edit replaced: %q", deals)
	}
	want := [][]string{
		join([]string{i64(cv.from)}, chanCols, ann, []string{"", "", "", "User ann (ann@example.com) was already in the channel", "previously-joined", "user", ""}),
		join([]string{"*"}, chanCols, bob, []string{"", "", "", "User bob (bob@example.com) joined the channel", "enter", "user", ""}),
		join([]string{i64(cv.edited.CreateAt)}, chanCols, ann, []string{cv.edited.ID, "", "", "hello, world", "message", "user", ""}),
		join([]string{i64(cv.edited.CreateAt)}, chanCols, ann, []string{version[11], cv.edited.ID, "", "hello", "message", "user", ""}),
		join([]string{i64(cv.deleted.CreateAt)}, chanCols, bob, []string{cv.deleted.ID, "", "", "secret", "message", "user", ""}),
		join([]string{"*"}, chanCols, bob, []string{cv.deleted.ID, "", "", "delete secret", "message", "user", ""}),
		join([]string{i64(cv.file.CreateAt)}, chanCols, ann, []string{cv.file.ID, "", "", "see file", "message", "user", ""}),
		join([]string{i64(cv.file.CreateAt)}, chanCols, ann, []string{cv.file.ID, "", "",
			"report.txt (files/" + cv.file.ID + "/" + cv.fileInfo.ID + "-report.txt)", "attachment", "user"}),
		join([]string{"*"}, chanCols, bob, []string{"", "", "", "User bob (bob@example.com) leaved the channel", "leave", "user", ""}),
	}
	if len(deals) != len(want) {
		t.Fatalf("%d rows for deals, want %d:\n%q", len(deals), len(want), deals)
	}
	// The edit's two rows share a time and may come in either order.
	if deals[2][11] != cv.edited.ID {
		deals[2], deals[3] = deals[3], deals[2]
	}
	for i := range want {
		got := slices.Clone(deals[i])
		if want[i][0] == "*" {
			n, err := strconv.ParseInt(got[0], 10, 64)
			if err != nil || n <= cv.from || n > cv.to {
				t.Errorf("row %d time %q not in the window", i, got[0])
			}
			got[0] = "*"
		}
		if !slices.Equal(got, want[i]) {
			t.Errorf("row %d:\n got %q\nwant %q", i, got, want[i])
		}
	}
	if b := zipEntry(t, zr, "files/"+cv.file.ID+"/"+cv.fileInfo.ID+"-report.txt"); !bytes.Equal(b, cv.fileBody) {
		t.Errorf("attachment %q", b)
	}
	var meta struct {
		Channels map[string]struct {
			ChannelName   string
			MessagesCount int
		}
		MessagesCount, AttachmentsCount int
		StartTime, EndTime              int64
	}
	if err := json.Unmarshal(zipEntry(t, zr, "metadata.json"), &meta); err != nil {
		t.Fatal(err)
	}
	if meta.Channels[cv.ch.ID].MessagesCount != 4 || meta.AttachmentsCount != 1 || meta.StartTime != cv.from || meta.EndTime != cv.to {
		t.Errorf("metadata %+v", meta)
	}
}

func i64(n int64) string { return strconv.FormatInt(n, 10) }

type xParticipant struct {
	LoginName, UserType, CorporateEmailID string
	DateTimeUTC                           int64
}

type xMessage struct {
	MessageId, LoginName, UserType, UpdatedType, EditedNewMsgId, Content, PreviewsPost string
	DateTimeUTC, UpdatedDateTimeUTC                                                    int64
}

type xFile struct {
	LoginName, UserFileName, FileName, Status string
	DateTimeUTC                               int64
}

type xConversation struct {
	Perspective string `xml:"Perspective,attr"`
	RoomID      string
	Start       int64          `xml:"StartTimeUTC"`
	End         int64          `xml:"EndTimeUTC"`
	Entered     []xParticipant `xml:"ParticipantEntered"`
	Left        []xParticipant `xml:"ParticipantLeft"`
	Messages    []xMessage     `xml:"Message"`
	Started     []xFile        `xml:"FileTransferStarted"`
	Ended       []xFile        `xml:"FileTransferEnded"`
}

func checkActiance(t *testing.T, cv *conversation, zr *zip.Reader) {
	data := zipEntry(t, zr, "actiance_export.xml")
	if !bytes.HasPrefix(data, []byte(xml.Header)) {
		t.Errorf("no XML header: %.60s", data)
	}
	var dump struct {
		XMLName       xml.Name        `xml:"FileDump"`
		Conversations []xConversation `xml:"Conversation"`
	}
	if err := xml.Unmarshal(data, &dump); err != nil {
		t.Fatal(err)
	}
	var c *xConversation
	for i := range dump.Conversations {
		if strings.HasSuffix(dump.Conversations[i].RoomID, cv.ch.ID) {
			c = &dump.Conversations[i]
		}
	}
	if c == nil {
		t.Fatalf("no conversation for deals: %+v", dump)
	}
	if c.Perspective != "deals" || c.RoomID != "public - deals - "+cv.ch.ID || c.Start != cv.from || c.End != cv.to {
		t.Errorf("conversation %q %q %d %d", c.Perspective, c.RoomID, c.Start, c.End)
	}
	if len(c.Entered) != 2 || c.Entered[0].LoginName != "ann@example.com" || c.Entered[0].DateTimeUTC >= cv.from ||
		c.Entered[0].CorporateEmailID != "ann@example.com" || c.Entered[0].UserType != "user" ||
		c.Entered[1].LoginName != "bob@example.com" || c.Entered[1].DateTimeUTC <= cv.from {
		t.Errorf("entered %+v", c.Entered)
	}
	if len(c.Left) != 2 || c.Left[0].LoginName != "bob@example.com" || c.Left[0].DateTimeUTC >= cv.to ||
		c.Left[1].LoginName != "ann@example.com" || c.Left[1].DateTimeUTC != cv.to {
		t.Errorf("left %+v", c.Left)
	}
	byKey := map[string]xMessage{}
	for _, m := range c.Messages {
		byKey[m.MessageId+"/"+m.UpdatedType] = m
	}
	if len(c.Messages) != 5 {
		t.Errorf("%d messages, want 5: %+v", len(c.Messages), c.Messages)
	}
	newMsg := byKey[cv.edited.ID+"/EditedNewMsg"]
	if newMsg.Content != "hello, world" || newMsg.DateTimeUTC != cv.edited.CreateAt || newMsg.UpdatedDateTimeUTC <= cv.edited.CreateAt ||
		newMsg.LoginName != "ann@example.com" || newMsg.UserType != "user" {
		t.Errorf("edited message %+v", newMsg)
	}
	var orig xMessage
	for _, m := range c.Messages {
		if m.UpdatedType == "EditedOriginalMsg" {
			orig = m
		}
	}
	if orig.Content != "hello" || orig.EditedNewMsgId != cv.edited.ID || orig.MessageId == cv.edited.ID ||
		orig.UpdatedDateTimeUTC != newMsg.UpdatedDateTimeUTC {
		t.Errorf("original text %+v", orig)
	}
	if m := byKey[cv.deleted.ID+"/"]; m.Content != "secret" || m.UpdatedDateTimeUTC != 0 {
		t.Errorf("deleted post as created %+v", m)
	}
	if m := byKey[cv.deleted.ID+"/Deleted"]; m.Content != "delete secret" || m.UpdatedDateTimeUTC <= cv.deleted.CreateAt ||
		m.LoginName != "bob@example.com" {
		t.Errorf("deletion %+v", m)
	}
	if m := byKey[cv.file.ID+"/"]; m.Content != "see file" || m.DateTimeUTC != cv.file.CreateAt {
		t.Errorf("file post %+v", m)
	}
	path := "f/" + cv.fileInfo.ID[:2] + "/" + cv.fileInfo.ID + "/report.txt"
	if len(c.Started) != 1 || c.Started[0].UserFileName != "report.txt" || c.Started[0].FileName != path ||
		c.Started[0].DateTimeUTC != cv.file.CreateAt || len(c.Ended) != 1 || c.Ended[0].Status != "Completed" {
		t.Errorf("file transfers %+v %+v", c.Started, c.Ended)
	}
	if b := zipEntry(t, zr, path); !bytes.Equal(b, cv.fileBody) {
		t.Errorf("attachment %q", b)
	}
	// Element order within the conversation, as Actiance reads it.
	dec := xml.NewDecoder(bytes.NewReader(data))
	var order []string
	depth, in := 0, false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 2 && e.Name.Local == "Conversation" {
				in = false
				for _, a := range e.Attr {
					in = in || (a.Name.Local == "Perspective" && a.Value == "deals")
				}
			}
			if depth == 3 && in {
				order = append(order, e.Name.Local)
			}
		case xml.EndElement:
			depth--
		}
	}
	compact := slices.Compact(slices.Clone(order))
	want := []string{"RoomID", "StartTimeUTC", "ParticipantEntered", "Message", "FileTransferStarted", "FileTransferEnded",
		"ParticipantLeft", "EndTimeUTC"}
	if !slices.Equal(compact, want) {
		t.Errorf("element order %v", order)
	}
}

func checkGlobalRelay(t *testing.T, cv *conversation, zr *zip.Reader) {
	raw := zipEntry(t, zr, "deals - ("+cv.ch.ID+") - 0.eml")
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	h := msg.Header
	for k, v := range map[string]string{"From": "ann@example.com", "To": "ann@example.com,bob@example.com",
		"Subject": "Mattermost Compliance Export: deals", "X-Globalrelay-Msgtype": "Mattermost",
		"X-Mattermost-Channelname": "deals", "X-Mattermost-Channelid": cv.ch.ID, "X-Mattermost-Channeltype": "public",
		"Auto-Submitted": "auto-generated", "Precedence": "bulk"} {
		if got := h.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	if d, err := h.Date(); err != nil || d.Unix() != cv.to/1000 {
		t.Errorf("Date %v %v", d, err)
	}
	_, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var text, html string
	var attached []byte
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		typ, ps, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		switch {
		case typ == "multipart/alternative":
			ar := multipart.NewReader(p, ps["boundary"])
			for {
				ap, err := ar.NextRawPart()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				b, err := io.ReadAll(quotedprintable.NewReader(ap))
				if err != nil {
					t.Fatal(err)
				}
				b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
				if strings.HasPrefix(ap.Header.Get("Content-Type"), "text/html") {
					html = string(b)
				} else {
					text = string(b)
				}
			}
		default:
			if p.FileName() != "report.txt" {
				t.Errorf("attachment named %q", p.FileName())
			}
			if p.Header.Get("Content-Transfer-Encoding") != "base64" {
				t.Errorf("attachment encoding %q", p.Header.Get("Content-Transfer-Encoding"))
			}
			attached, _ = io.ReadAll(base64.NewDecoder(base64.StdEncoding, p))
		}
	}
	if !bytes.Equal(attached, cv.fileBody) {
		t.Errorf("attachment %q", attached)
	}
	for _, want := range []string{
		"<li><span class=\"bold\">ChannelId:</span>" + cv.ch.ID + "</li>",
		"<li><span class=\"bold\">TeamName:</span>staff</li>",
		"<td class=\"username\">@ann</td>",
		"<td class=\"email\">bob@example.com</td>",
		"<span class=\"message\">hello, world</span>",
		"<span class=\"update_type\">EditedNewMsg</span>",
		"<span class=\"message\">hello</span>",
		"<span class=\"edited_new_msg_id\">" + cv.edited.ID + "</span>",
		"<span class=\"message\">Uploaded file report.txt</span>",
		"<span class=\"message\">see file</span>",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q:\n%s", want, html)
		}
	}
	if strings.Contains(html, "secret") || strings.Contains(text, "secret") {
		t.Errorf("a deleted message is in the Global Relay export")
	}
	// Participants with their message counts: ann three (the edit's two
	// versions and the file post), bob none left.
	if !strings.Contains(text, "@ann | user | ann@example.com") || !strings.Contains(text, "| 3\n") ||
		!strings.Contains(text, "@bob | user | bob@example.com") || !strings.Contains(text, "| 0\n") {
		t.Errorf("participants in text:\n%s", text)
	}
}
