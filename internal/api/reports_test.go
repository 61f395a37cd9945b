package api_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
)

// The system console's user report: admins only, paged by a cursor, with
// Mattermost's filters and post figures, and its count.
func TestUserReport(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		ann, bob := s.SignUp("ann"), s.SignUp("bob")
		team := ann.CreateTeam("reporting", true)
		ch := ann.CreateChannel(team.ID, "report-room", "O")
		ann.CreatePost(ch.ID, "one", "")
		ann.CreatePost(ch.ID, "two", "")
		report := func(q url.Values) []model.UserReport {
			t.Helper()
			var rows []model.UserReport
			admin.Get("/reports/users?" + q.Encode()).Expect(http.StatusOK).JSON(&rows)
			return rows
		}
		names := func(rows []model.UserReport) []string {
			out := []string{}
			for _, r := range rows {
				out = append(out, r.Username)
			}
			return out
		}
		rows := report(url.Values{"sort_column": {"Username"}, "page_size": {"2"}})
		if got := names(rows); len(got) != 2 || got[0] != "admin" || got[1] != "ann" {
			t.Fatalf("first page %v", got)
		}
		if rows[1].TotalPosts != 2 || rows[1].DaysActive != 1 || rows[1].LastPostDate == 0 || rows[1].DisplayName == "" ||
			rows[1].LastLoginAt == 0 || rows[1].Email == "" || rows[1].CreateAt == 0 {
			t.Fatalf("ann's row %+v", rows[1])
		}
		next := report(url.Values{"sort_column": {"Username"}, "page_size": {"2"}, "from_column_value": {"ann"}, "from_id": {ann.UserID}})
		if got := names(next); len(got) != 1 || got[0] != "bob" {
			t.Fatalf("next page %v", got)
		}
		prev := report(url.Values{"sort_column": {"Username"}, "page_size": {"2"}, "direction": {"prev"},
			"from_column_value": {"bob"}, "from_id": {bob.UserID}})
		if got := names(prev); len(got) != 2 || got[0] != "admin" || got[1] != "ann" {
			t.Fatalf("previous page %v", got)
		}
		if got := names(report(url.Values{"team_filter": {team.ID}})); len(got) != 1 || got[0] != "ann" {
			t.Fatalf("team filter %v", got)
		}
		if got := names(report(url.Values{"role_filter": {"system_admin"}, "sort_direction": {"desc"}})); len(got) != 1 || got[0] != "admin" {
			t.Fatalf("role filter %v", got)
		}
		if got := names(report(url.Values{"search_term": {"bo"}, "date_range": {"last_30_days"}})); len(got) != 1 || got[0] != "bob" {
			t.Fatalf("search %v", got)
		}
		if got := report(url.Values{"date_range": {"previous_month"}, "search_term": {"ann"}}); len(got) != 1 || got[0].TotalPosts != 0 {
			t.Fatalf("previous month %+v", got)
		}
		var n int64
		admin.Get("/reports/users/count?has_no_team=true").Expect(http.StatusOK).JSON(&n)
		if n != 2 {
			t.Fatalf("count without a team = %d", n)
		}

		for _, bad := range []string{"page_size=101", "page_size=0", "sort_column=Password", "sort_direction=up",
			"direction=back", "date_range=forever", "team_filter=nope", "from_id=nope",
			"sort_column=CreateAt&from_id=" + ann.UserID + "&from_column_value=yesterday", "hide_active=true&hide_inactive=true"} {
			admin.Get("/reports/users?"+bad).ExpectError(http.StatusBadRequest, "api.context.invalid_url_param.app_error")
		}
		ann.Get("/reports/users").ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		ann.Get("/reports/users/count").ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
	})
}

// The report's last_login_at is the user's last login, Mattermost's
// Users.LastLogin: a logout keeps it, a personal access token's use is no
// login.
func TestUserReportLastLogin(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		cat := s.SignUp("cat")
		lastLogin := func() int64 {
			t.Helper()
			var rows []model.UserReport
			admin.Get("/reports/users?search_term=cat").Expect(http.StatusOK).JSON(&rows)
			if len(rows) != 1 {
				t.Fatalf("rows %+v", rows)
			}
			return rows[0].LastLoginAt
		}
		first := lastLogin()
		if first == 0 {
			t.Fatal("no last login after a login")
		}
		cat.Post("/users/logout", nil).Expect(http.StatusOK)
		if got := lastLogin(); got != first {
			t.Fatalf("after logout %d, want %d", got, first)
		}
		var tok struct {
			Token string `json:"token"`
		}
		admin.Post("/users/"+cat.UserID+"/tokens", map[string]string{"description": "bot"}).Expect(http.StatusOK).JSON(&tok)
		pat := s.Anon()
		pat.Token = tok.Token
		time.Sleep(2 * time.Millisecond)
		pat.Get("/users/me").Expect(http.StatusOK)
		if got := lastLogin(); got != first {
			t.Fatalf("after a token's use %d, want %d", got, first)
		}
		time.Sleep(2 * time.Millisecond)
		s.Login("cat", "password-cat")
		if got := lastLogin(); got <= first {
			t.Fatalf("after a new login %d, want > %d", got, first)
		}
	})
}

// The export of the user report: the system bot tells the admin it started,
// then sends the CSV (Mattermost's columns, the filters applied) in their DM.
func TestUserReportExport(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		dee := s.SignUp("dee")
		s.SignUp("dex")
		dee.Post("/reports/users/export", nil).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		admin.Post("/reports/users/export?date_range=forever", nil).ExpectError(http.StatusBadRequest, "api.context.invalid_url_param.app_error")
		var ok map[string]string
		admin.Post("/reports/users/export?search_term=de&date_range=last_30_days", nil).Expect(http.StatusOK).JSON(&ok)
		if ok["status"] != "OK" {
			t.Fatalf("answer %v", ok)
		}
		bot, list := systemBotDM(t, admin)
		if len(list.Order) != 2 {
			t.Fatalf("DM posts: %+v", list)
		}
		started, done := list.Posts[list.Order[1]], list.Posts[list.Order[0]]
		if started.UserID != bot.ID || !strings.Contains(started.Message, "started") || len(started.FileIDs) != 0 {
			t.Fatalf("first post %+v", started)
		}
		if done.UserID != bot.ID || len(done.FileIDs) != 1 {
			t.Fatalf("second post %+v", done)
		}
		body := admin.Get("/files/" + done.FileIDs[0]).Expect(http.StatusOK).Body
		recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatalf("CSV %q: %v", body, err)
		}
		if len(recs) != 3 || strings.Join(recs[0], ",") != "Id,Username,Email,CreateAt,Name,Roles,LastLogin,LastStatusAt,LastPostDate,DaysActive,TotalPosts" ||
			recs[1][1] != "dee" || recs[2][1] != "dex" || recs[1][0] != dee.UserID || recs[1][6] == "" || recs[1][10] != "0" {
			t.Fatalf("CSV %q", recs)
		}
		// Times are Go's time.Time String in the server's local zone, as
		// Mattermost's UserReport.ToReport writes them.
		var u model.User
		admin.Get("/users/" + dee.UserID).Expect(http.StatusOK).JSON(&u)
		if want := time.UnixMilli(u.CreateAt).String(); recs[1][3] != want {
			t.Fatalf("CreateAt %q, want %q", recs[1][3], want)
		}
		at, err := time.Parse("2006-01-02 15:04:05.999999999 -0700 MST", recs[1][6])
		if err != nil {
			t.Fatalf("LastLogin %q: %v", recs[1][6], err)
		}
		_, off := at.Zone()
		if _, local := at.In(time.Local).Zone(); off != local {
			t.Fatalf("LastLogin %q is not in the local zone", recs[1][6])
		}
	})
}
