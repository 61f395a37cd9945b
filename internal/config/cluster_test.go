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
