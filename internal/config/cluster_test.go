package config

import (
	"strings"
	"testing"
)

func TestClusterSettings(t *testing.T) {
	pg := "postgres://parley@db/parley"
	refused := []struct {
		env  map[string]string
		want string
	}{
		// SQLite is one node's file.
		{map[string]string{"PARLEY_CLUSTER_NATS_URL": "nats://nats:4222"}, "cluster mode needs PostgreSQL"},
		{map[string]string{"PARLEY_CLUSTER_NATS_URL": "nats://nats:4222", "PARLEY_DATABASE": "sqlite:/x.db"},
			"cluster mode needs PostgreSQL"},
		{map[string]string{"PARLEY_CLUSTER_NATS_URL": "http://nats:4222", "PARLEY_DATABASE": pg}, "cluster_nats_url"},
		{map[string]string{"MM_CLUSTERSETTINGS_ENABLE": "true", "PARLEY_DATABASE": pg}, "cluster_enable"},
		{map[string]string{"PARLEY_CLUSTER_NAME": "a.b", "PARLEY_DATABASE": pg}, "cluster_name"},
		{map[string]string{"PARLEY_NODE_NAME": "node 1", "PARLEY_DATABASE": pg}, "node_name"},
	}
	for _, tc := range refused {
		if _, err := Load("", env(tc.env)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want mention of %q", tc.env, err, tc.want)
		}
	}
	c, err := Load("", env(map[string]string{"PARLEY_CLUSTER_NATS_URL": "nats://nats:4222", "PARLEY_DATABASE": pg,
		"MM_CLUSTERSETTINGS_CLUSTERNAME": "chat", "PARLEY_NODE_NAME": "node-1", "MM_CLUSTERSETTINGS_ENABLE": "true"}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Clustered() || c.Cluster() != "chat" || c.Node() != "node-1" {
		t.Errorf("clustered %v, cluster %q, node %q", c.Clustered(), c.Cluster(), c.Node())
	}
	if d := Default(); d.Clustered() || d.Cluster() != "parley" || d.Node() == "" {
		t.Errorf("defaults: clustered %v, cluster %q, node %q", d.Clustered(), d.Cluster(), d.Node())
	}
}

func TestS3AndReplicaSettings(t *testing.T) {
	pg := "postgres://parley@db/parley"
	refused := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"MM_FILESETTINGS_DRIVERNAME": "azure"}, "file_driver"},
		{map[string]string{"MM_FILESETTINGS_DRIVERNAME": "amazons3"}, "s3_bucket"},
		{map[string]string{"PARLEY_FILE_DRIVER": "amazons3", "PARLEY_S3_BUCKET": "b", "PARLEY_S3_ENDPOINT": "https://s3.example.com"}, "s3_endpoint"},
		{map[string]string{"MM_FILESETTINGS_AMAZONS3UPLOADPARTSIZEBYTES": "1024"}, "s3_upload_part_size_bytes"},
		{map[string]string{"MM_SQLSETTINGS_DATASOURCEREPLICAS": pg}, "read replicas need a PostgreSQL database"},
		{map[string]string{"PARLEY_DATABASE": pg, "PARLEY_DATABASE_REPLICAS": "mysql://r"}, "database_replicas"},
	}
	for _, tc := range refused {
		if _, err := Load("", env(tc.env)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want mention of %q", tc.env, err, tc.want)
		}
	}
	c, err := Load("", env(map[string]string{"PARLEY_DATABASE": pg,
		"MM_SQLSETTINGS_DATASOURCEREPLICAS": "postgres://r1/parley postgres://r2/parley",
		"MM_FILESETTINGS_DRIVERNAME":        "amazons3", "MM_FILESETTINGS_AMAZONS3BUCKET": "files",
		"MM_FILESETTINGS_AMAZONS3ENDPOINT": "minio:9000", "MM_FILESETTINGS_AMAZONS3SSL": "false"}))
	if err != nil {
		t.Fatal(err)
	}
	if r := c.Replicas(); len(r) != 2 || r[1] != "postgres://r2/parley" || c.S3Bucket != "files" || c.S3SSL ||
		c.S3Endpoint != "minio:9000" || c.S3RequestTimeoutMS != 30000 {
		t.Errorf("replicas %q, s3 %+v", r, c)
	}
	if d := c.Mattermost(nil); string(d["SqlSettings"]["DataSourceReplicas"]) != `["postgres://r1/parley","postgres://r2/parley"]` ||
		string(d["FileSettings"]["DriverName"]) != `"amazons3"` {
		t.Errorf("in Mattermost's shape: %s, %s", d["SqlSettings"]["DataSourceReplicas"], d["FileSettings"]["DriverName"])
	}
}
