package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/internal/config"
)

func configCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "config", Short: "Show, change and check the configuration",
		Long: `Show, change and check the configuration. Settings are named by their key in
the configuration file (see docs/configuration.md), e.g. max_users_per_team.`}
	c.AddCommand(configShowCmd(env), configGetCmd(env), configSetCmd(env), configValidateCmd(env))
	return c
}

// shown hides the password of a database URL.
func shown(key, value string) string {
	if key != "database" {
		return value
	}
	u, err := url.Parse(value)
	if err != nil || u.User == nil {
		return value
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

func configShowCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:     "show",
		Short:   "Print the configuration in force (file, environment and flags)",
		Example: "  parley config show\n  parley config show --json",
		Args:    cobra.NoArgs,
	}
	asJSON := c.Flags().Bool("json", false, "print as indented JSON")
	c.RunE = func(cmd *cobra.Command, args []string) error {
		cfg, err := env.Load()
		if err != nil {
			return err
		}
		cfg.Database = shown("database", cfg.Database)
		if *asJSON {
			return printJSON(cmd, cfg)
		}
		for _, s := range config.Settings() {
			v, _ := cfg.Get(s.Key)
			out(cmd, "%s: %s", s.Key, v)
		}
		return nil
	}
	return c
}

func configGetCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:     "get [setting]",
		Short:   "Print one setting",
		Example: "  parley config get max_users_per_team",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := env.Load()
			if err != nil {
				return err
			}
			v, err := cfg.Get(args[0])
			if err != nil {
				return fmt.Errorf("%s configuration setting is not in the file", args[0])
			}
			out(cmd, "%s: %q", args[0], shown(args[0], v))
			return nil
		},
	}
}

func configSetCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "set [setting] [value]",
		Short: "Change one setting in the configuration file",
		Long: `Change one setting in the configuration file named by --config (or
PARLEY_CONFIG), else /etc/parley/config.json when it exists, else
<data_dir>/config.json — the file the server reads and the configuration API
writes when it was started without --config. The file is created if needed;
the whole configuration is checked before anything is written. A running server
reads the file when it starts, or at once on SIGHUP or POST /api/v4/config/reload.`,
		Example: "  parley --config /etc/parley/config.json config set max_users_per_team 200\n  parley --data /srv/parley config set site_name Chat",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := env.ConfigPath()
			if path == "" {
				// Written as the data directory's owner, so that the server
				// can read it (root is switched to that account).
				cur, err := env.loadAsOwner()
				if err != nil {
					return err
				}
				if _, err := os.Stat(cur.DataDir); err != nil {
					return fmt.Errorf("no configuration file: give --config FILE or set PARLEY_CONFIG, or point --data at the server's data directory (%s: %w)", cur.DataDir, err)
				}
				path = filepath.Join(cur.DataDir, "config.json")
			}
			key, value := args[0], args[1]
			cfg, err := config.Load("", func(string) string { return "" })
			if err != nil {
				return err
			}
			raw := map[string]json.RawMessage{}
			b, err := os.ReadFile(path)
			switch {
			case errors.Is(err, fs.ErrNotExist):
			case err != nil:
				return err
			default:
				if cfg, err = config.Load(path, func(string) string { return "" }); err != nil {
					return err
				}
				if err := json.Unmarshal(b, &raw); err != nil {
					return fmt.Errorf("config file %s: %w", path, err)
				}
			}
			if _, err := cfg.Get(key); err != nil {
				return fmt.Errorf("unable to find a setting named: %s", key)
			}
			if err := cfg.Set(key, value); err != nil {
				return err
			}
			if err := cfg.Validate(); err != nil {
				return err
			}
			full, err := json.Marshal(cfg)
			if err != nil {
				return err
			}
			all := map[string]json.RawMessage{}
			if err := json.Unmarshal(full, &all); err != nil {
				return err
			}
			raw[key] = all[key]
			b, err = json.MarshalIndent(raw, "", "    ")
			if err != nil {
				return err
			}
			if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
				return err
			}
			value = shown(key, string(all[key]))
			// Recorded when there is a database to record it in: a new
			// installation is often configured before it has one.
			if a, closeFn, err := env.open(cmd, false); err == nil {
				a.ConfigChanged(cmd.Context(), session(), key, value)
				closeFn()
			}
			out(cmd, "Set %s to %s in %s", key, value, path)
			return nil
		},
	}
}

func configValidateCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:     "validate",
		Short:   "Check the configuration file, environment and flags",
		Example: "  parley --config /etc/parley/config.json config validate",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := env.Load(); err != nil {
				return err
			}
			out(cmd, "The document is valid")
			return nil
		},
	}
}
