package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/internal/bus"
)

func clusterCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "cluster", Short: "Inspect the cluster this node belongs to",
		Long: "Inspect the cluster of nodes sharing PostgreSQL and NATS (docs/cluster.md)."}
	c.AddCommand(clusterStatusCmd(env))
	return c
}

func clusterStatusCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "status",
		Short: "List the cluster's nodes heard from in the last 15 seconds",
		Long: "List the nodes of the cluster named by cluster_name, as GET /api/v4/cluster/status does: name, " +
			"whether it leads (runs the background jobs), version, schema version, configuration hash, address, " +
			"host name and open WebSocket connections. Nodes whose configuration hashes differ run different settings.",
		Example: "  parley cluster status\n  parley cluster status --json",
		Args:    cobra.NoArgs,
	}
	asJSON := c.Flags().Bool("json", false, "print the nodes as a JSON array (Mattermost's ClusterInfo fields)")
	c.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg, err := env.loadAsOwner()
		if err != nil {
			return err
		}
		if !cfg.Clustered() {
			// As GET /api/v4/cluster/status answers on a single node.
			if *asJSON {
				return printJSON(cmd, []bus.NodeInfo{})
			}
			out(cmd, "Cluster mode is off (cluster_nats_url, PARLEY_CLUSTER_NATS_URL, is empty): this is a single node")
			return nil
		}
		ctx, cancel := context.WithTimeout(cmd.Context(), 10*time.Second)
		defer cancel()
		nodes, err := bus.ReadNodes(ctx, cfg.ClusterNATSURL, cfg.Cluster())
		if err != nil {
			return fmt.Errorf("cluster %s: %w", cfg.Cluster(), err)
		}
		if nodes == nil {
			nodes = []bus.NodeInfo{}
		}
		slices.SortFunc(nodes, func(x, y bus.NodeInfo) int { return strings.Compare(x.ID, y.ID) })
		if *asJSON {
			return printJSON(cmd, nodes)
		}
		if len(nodes) == 0 {
			out(cmd, "No node of cluster %s is running", cfg.Cluster())
			return nil
		}
		w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "NODE\tLEADER\tVERSION\tSCHEMA\tCONFIG\tADDRESS\tHOST\tSOCKETS\tLAST SEEN")
		for _, n := range nodes {
			leader := ""
			if n.Leader {
				leader = "yes"
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%.8s\t%s\t%s\t%d\t%s ago\n", n.ID, leader, n.Version, n.SchemaVersion,
				n.ConfigHash, n.IPAddress, n.Hostname, n.WebSockets,
				time.Since(time.UnixMilli(n.LastSeenAt)).Round(time.Second))
		}
		return w.Flush()
	}
	return c
}
