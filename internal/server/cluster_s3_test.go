package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/s3test"
)

// Nodes of a cluster share one S3 bucket (a real S3 server) instead of a
// directory: a file uploaded through one node is served by another, and a
// permanent deletion on a third removes it from the bucket.
func TestClusterS3Files(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two server processes")
	}
	s3 := s3test.Start(t)
	bucket := s3.Bucket(t)
	c := newTestCluster(t)
	c.env = append(c.env, "MM_FILESETTINGS_DIRECTORY=", "MM_FILESETTINGS_DRIVERNAME=amazons3",
		"MM_FILESETTINGS_AMAZONS3ENDPOINT="+s3.Endpoint, "MM_FILESETTINGS_AMAZONS3SSL=false",
		"MM_FILESETTINGS_AMAZONS3BUCKET="+bucket, "MM_FILESETTINGS_AMAZONS3REGION="+s3test.Region,
		"MM_FILESETTINGS_AMAZONS3ACCESSKEYID="+s3test.AccessKey, "MM_FILESETTINGS_AMAZONS3SECRETACCESSKEY="+s3test.SecretKey,
		"MM_FILESETTINGS_AMAZONS3PATHPREFIX=cluster", "PARLEY_ENABLE_API_DELETION=true")
	n1, n2 := c.start("node1"), c.start("node2")
	admin := n1.srv.SignUp("admin")
	team := admin.CreateTeam("shared", true)
	ch := admin.CreateChannel(team.ID, "docs", "O")
	data := bytes.Repeat([]byte("shared bytes "), 1000)
	var up struct {
		FileInfos []struct{ ID string } `json:"file_infos"`
	}
	admin.Upload(ch.ID, apitest.FilePart{Name: "notes.txt", Data: data}).Expect(http.StatusCreated).JSON(&up)
	id := up.FileInfos[0].ID
	if r := admin.On(n2.srv).Get("/files/" + id).Expect(http.StatusOK); !bytes.Equal(r.Body, data) {
		t.Fatalf("node2 served %d bytes, want the %d uploaded on node1", len(r.Body), len(data))
	}
	if keys := strings.Join(s3.Keys(t, bucket), " "); !strings.Contains(keys, "cluster/f/"+id[:2]+"/"+id+"/original") {
		t.Fatalf("bucket holds %s", keys)
	}
	var p map[string]any
	admin.On(n2.srv).Post("/posts", map[string]any{"channel_id": ch.ID, "message": "notes", "file_ids": []string{id}}).
		Expect(http.StatusCreated).JSON(&p)
	admin.On(n2.srv).Delete("/channels/" + ch.ID + "?permanent=true").Expect(http.StatusOK)
	deadline := time.Now().Add(5 * time.Second)
	for strings.Contains(strings.Join(s3.Keys(t, bucket), " "), id) {
		if time.Now().After(deadline) {
			b, _ := json.Marshal(s3.Keys(t, bucket))
			t.Fatalf("after the deletion the bucket holds %s", b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	admin.Get("/files/" + id).Expect(http.StatusNotFound)
}
