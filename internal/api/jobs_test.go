package api_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
)

// importZip builds an import zip: lines as data.jsonl, files under data/.
func importZip(t *testing.T, lines []string, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("data.jsonl")
	w.Write([]byte(strings.Join(lines, "\n") + "\n"))
	for name, b := range files {
		w, _ := zw.Create("data/" + name)
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var jobHeader = []string{
	`{"type":"version","version":1}`,
	`{"type":"team","team":{"name":"moved","display_name":"Moved","type":"O"}}`,
	`{"type":"channel","channel":{"team":"moved","name":"dev","display_name":"Dev","type":"O"}}`,
	`{"type":"user","user":{"username":"ann","email":"ann@example.com","teams":[{"name":"moved","channels":[{"name":"dev"}]}]}}`,
}

func uploadImport(c *apitest.Client, data []byte) string {
	var out map[string]string
	c.Raw("POST", "/imports?filename=data.zip", "application/zip", data).Expect(http.StatusCreated).JSON(&out)
	return out["name"]
}

// waitJob polls a job until it reaches one of the statuses.
func waitJob(t *testing.T, c *apitest.Client, id string, statuses ...string) *model.Job {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var j model.Job
		c.Get("/jobs/" + id).Expect(http.StatusOK).JSON(&j)
		for _, s := range statuses {
			if j.Status == s {
				return &j
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still %s (%v), want %v", id, j.Status, j.Data, statuses)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestImportExportJobs(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")

		// Only system admins.
		bob.Post("/jobs", map[string]any{"type": "export_process"}).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		bob.Get("/imports").ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		bob.Get("/exports").ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		bob.Raw("POST", "/imports?filename=x.zip", "application/zip", []byte("PK")).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		bob.Get("/jobs/type/export_process").ExpectError(http.StatusForbidden, "api.context.permissions.app_error")

		// Bad requests.
		admin.Post("/jobs", map[string]any{"type": "data_retention"}).ExpectError(http.StatusBadRequest, "app.job.create.type.app_error")
		admin.Post("/jobs", map[string]any{"type": "import_process"}).ExpectError(http.StatusBadRequest, "app.job.import_file.invalid.app_error")
		admin.Post("/jobs", map[string]any{"type": "import_process", "data": map[string]string{"import_file": "../../etc/x.zip"}}).
			ExpectError(http.StatusBadRequest, "app.job.import_file.invalid.app_error")
		admin.Post("/jobs", map[string]any{"type": "import_process", "data": map[string]string{"import_file": "nope.zip"}}).
			ExpectError(http.StatusBadRequest, "app.job.import_file.not_found.app_error")
		admin.Raw("POST", "/imports?filename=data.jsonl", "application/json", []byte("{}")).
			ExpectError(http.StatusBadRequest, "app.import.upload.not_zip.app_error")
		admin.Get("/jobs/"+model.NewID()).ExpectError(http.StatusNotFound, "app.job.get.app_error")
		admin.Get("/exports/nope.zip").ExpectError(http.StatusNotFound, "app.export.file.not_found.app_error")
		admin.Get("/exports/..%2Fimport").Expect(http.StatusNotFound)

		// A good import, with an attachment.
		lines := append(append([]string{}, jobHeader...),
			`{"type":"post","post":{"team":"moved","channel":"dev","user":"ann","message":"notes","create_at":1700000000000,"attachments":[{"path":"files/n.txt"}]}}`)
		name := uploadImport(admin, importZip(t, lines, map[string][]byte{"files/n.txt": []byte("notes\n")}))
		if !strings.HasSuffix(name, "_data.zip") {
			t.Fatalf("upload name %q", name)
		}
		var names []string
		admin.Get("/imports").Expect(http.StatusOK).JSON(&names)
		if len(names) != 1 || names[0] != name {
			t.Fatalf("imports %v", names)
		}
		var j model.Job
		admin.Post("/jobs", map[string]any{"type": "import_process", "data": map[string]string{"import_file": name}}).
			Expect(http.StatusCreated).JSON(&j)
		if j.Type != model.JobTypeImportProcess || (j.Status != model.JobStatusPending && j.Status != model.JobStatusInProgress) {
			t.Fatalf("created job %+v", j)
		}
		done := waitJob(t, admin, j.ID, model.JobStatusSuccess, model.JobStatusError)
		if done.Status != model.JobStatusSuccess || done.Progress != 100 || !strings.Contains(done.Data["report"], `"attachments":1`) {
			t.Fatalf("import job %+v", done)
		}
		admin.Get("/imports").Expect(http.StatusOK).JSON(&names)
		if len(names) != 0 {
			t.Fatalf("imported file kept: %v", names)
		}

		// A bad line ends the job in error, with its line number.
		bad := append(append([]string{}, jobHeader...),
			`{"type":"post","post":{"team":"moved","channel":"nowhere","user":"ann","message":"x","create_at":1700000000000}}`)
		admin.Post("/jobs", map[string]any{"type": "import_process", "data": map[string]string{"import_file": uploadImport(admin, importZip(t, bad, nil))}}).
			Expect(http.StatusCreated).JSON(&j)
		failed := waitJob(t, admin, j.ID, model.JobStatusSuccess, model.JobStatusError)
		if failed.Status != model.JobStatusError || failed.Data["line_number"] != "5" || !strings.Contains(failed.Data["error"], "channel") {
			t.Fatalf("failing import job %+v", failed)
		}
		// A missing attachment too.
		missing := append(append([]string{}, jobHeader...),
			`{"type":"post","post":{"team":"moved","channel":"dev","user":"ann","message":"y","create_at":1700000000000,"attachments":[{"path":"gone.txt"}]}}`)
		admin.Post("/jobs", map[string]any{"type": "import_process", "data": map[string]string{"import_file": uploadImport(admin, importZip(t, missing, nil))}}).
			Expect(http.StatusCreated).JSON(&j)
		failed = waitJob(t, admin, j.ID, model.JobStatusSuccess, model.JobStatusError)
		if failed.Status != model.JobStatusError || failed.Data["line_number"] != "5" || !strings.Contains(failed.Data["error"], "gone.txt") {
			t.Fatalf("missing attachment job %+v", failed)
		}
		admin.Post("/jobs/"+j.ID+"/cancel", nil).ExpectError(http.StatusBadRequest, "app.job.cancel.finished.app_error")

		// Export, list, download, delete.
		admin.Post("/jobs", map[string]any{"type": "export_process"}).Expect(http.StatusCreated).JSON(&j)
		exp := waitJob(t, admin, j.ID, model.JobStatusSuccess, model.JobStatusError)
		if exp.Status != model.JobStatusSuccess || exp.Data["export_file"] != j.ID+".zip" {
			t.Fatalf("export job %+v", exp)
		}
		admin.Get("/exports").Expect(http.StatusOK).JSON(&names)
		if len(names) != 1 || names[0] != j.ID+".zip" {
			t.Fatalf("exports %v", names)
		}
		r := admin.Get("/exports/" + names[0]).Expect(http.StatusOK)
		zr, err := zip.NewReader(bytes.NewReader(r.Body), int64(len(r.Body)))
		if err != nil {
			t.Fatal(err)
		}
		found := map[string]bool{}
		for _, f := range zr.File {
			found[f.Name] = true
			if f.Name == "import.jsonl" {
				rc, _ := f.Open()
				var b bytes.Buffer
				b.ReadFrom(rc)
				if !strings.Contains(b.String(), `"message":"notes","create_at":1700000000000,"attachments":[{"path":"f/`) {
					t.Errorf("export lacks the imported post: %s", b.String())
				}
			}
		}
		if !found["import.jsonl"] || len(found) != 2 {
			t.Fatalf("export zip holds %v", found)
		}
		var list []*model.Job
		admin.Get("/jobs/type/import_process?page=0&per_page=2").Expect(http.StatusOK).JSON(&list)
		if len(list) != 2 || list[0].CreateAt < list[1].CreateAt {
			t.Fatalf("jobs by type, page 0: %d", len(list))
		}
		admin.Get("/jobs/type/import_process?page=1&per_page=2").Expect(http.StatusOK).JSON(&list)
		if len(list) != 1 {
			t.Fatalf("jobs by type, page 1: %d", len(list))
		}
		admin.Delete("/exports/" + names[0]).Expect(http.StatusOK)
		admin.Get("/exports/"+names[0]).ExpectError(http.StatusNotFound, "app.export.file.not_found.app_error")
	})
}

// TestImportJobCancel: a running import stops when canceled; what its
// committed batches wrote stays, the rest is not written.
func TestImportJobCancel(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		lines := append([]string{}, jobHeader...)
		for i := range 60000 {
			lines = append(lines, fmt.Sprintf(`{"type":"post","post":{"team":"moved","channel":"dev","user":"ann","message":"m %d","create_at":%d}}`,
				i, 1700000000000+int64(i)))
		}
		name := uploadImport(admin, importZip(t, lines, nil))
		var j model.Job
		admin.Post("/jobs", map[string]any{"type": "import_process", "data": map[string]string{"import_file": name}}).
			Expect(http.StatusCreated).JSON(&j)
		waitJob(t, admin, j.ID, model.JobStatusInProgress)
		admin.Post("/jobs/"+j.ID+"/cancel", nil).Expect(http.StatusOK)
		got := waitJob(t, admin, j.ID, model.JobStatusCanceled, model.JobStatusSuccess, model.JobStatusError)
		if got.Status != model.JobStatusCanceled {
			t.Fatalf("job %+v", got)
		}
		var names []string
		admin.Get("/imports").Expect(http.StatusOK).JSON(&names)
		if len(names) != 1 {
			t.Fatalf("a canceled import's file is kept: %v", names)
		}
		if n, _ := strconv.Atoi(got.Data["line_number"]); n != 0 {
			t.Fatalf("canceled job reports a bad line: %v", got.Data)
		}
	})
}

// A job left running by a server that stopped (no heartbeat for a minute)
// ends in error, or canceled if a cancel was asked, instead of showing
// in_progress forever; a job with a fresh heartbeat is left alone.
func TestStaleJobsEnd(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		st := s.Store
		ctx := context.Background()
		now := model.Now()
		job := func(status string, beat int64) string {
			j := &model.Job{ID: model.NewID(), Type: model.JobTypeExportProcess, CreateAt: now - 3*60_000, StartAt: now - 3*60_000,
				LastActivityAt: beat, Status: status, Data: model.StringMap{}}
			if err := st.SaveJob(ctx, j); err != nil {
				t.Fatal(err)
			}
			return j.ID
		}
		crashed := job(model.JobStatusInProgress, now-2*60_000)
		canceling := job(model.JobStatusCancelRequested, now-2*60_000)
		alive := job(model.JobStatusInProgress, now+60_000) // its node beats on
		// Creating a job wakes the job loop, which looks for stale jobs first.
		var next model.Job
		admin.Post("/jobs", map[string]any{"type": "export_process"}).Expect(http.StatusCreated).JSON(&next)
		j := waitJob(t, admin, crashed, model.JobStatusError)
		if !strings.Contains(j.Data["error"], "stopped") {
			t.Errorf("stale job's error = %q", j.Data["error"])
		}
		waitJob(t, admin, canceling, model.JobStatusCanceled)
		waitJob(t, admin, next.ID, model.JobStatusSuccess)
		var j2 model.Job
		admin.Get("/jobs/" + alive).Expect(http.StatusOK).JSON(&j2)
		if j2.Status != model.JobStatusInProgress {
			t.Errorf("job with a recent heartbeat ended: %s %v", j2.Status, j2.Data)
		}
	})
}
