package loadtest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"
)

// SetupConfig sizes the population: Users members of one team, all in each of
// Channels channels.
type SetupConfig struct {
	URL      string
	Users    int
	Channels int
	// MemberOf is how many of the channels each user joins (0: all), so that a
	// post reaches a share of the connections as in a real organisation.
	MemberOf int
	Team     string
	// Admin is "username:password" of a system admin; empty creates ltadmin,
	// which becomes admin on a fresh server.
	Admin string
}

// Env is what setup leaves for the other scenarios.
type Env struct {
	Admin    *Client
	TeamID   string
	Channels []string // channel ids
	Users    []*Client
	memberOf int
}

// UserChannels lists the channels user i joined.
func (e *Env) UserChannels(i int) []string {
	if e.memberOf <= 0 || e.memberOf >= len(e.Channels) {
		return e.Channels
	}
	out := make([]string, e.memberOf)
	for j := range out {
		out[j] = e.Channels[(i+j)%len(e.Channels)]
	}
	return out
}

func userName(i int) string     { return fmt.Sprintf("ltuser%d", i) }
func userPassword(i int) string { return fmt.Sprintf("lt-password-%d", i) }

// Setup creates (or finds) the team, channels and users, and logs the users in.
// Running it twice reuses what exists.
func Setup(ctx context.Context, cfg SetupConfig) (*Env, error) {
	if cfg.Team == "" {
		cfg.Team = "loadtest"
	}
	hc := newHTTPClient(64)
	admin := &Client{Base: strings.TrimRight(cfg.URL, "/"), HTTP: hc}
	user, pass := "ltadmin", "lt-admin-password"
	if cfg.Admin != "" {
		var ok bool
		if user, pass, ok = strings.Cut(cfg.Admin, ":"); !ok {
			return nil, fmt.Errorf("--admin wants username:password")
		}
	} else if _, err := admin.Do(ctx, "POST", "/users", map[string]string{"username": user,
		"email": user + "@loadtest.example.com", "password": pass}, nil); err != nil && !isAPIError(err, http.StatusBadRequest) {
		return nil, fmt.Errorf("create admin: %w", err)
	}
	if err := admin.Login(ctx, user, pass); err != nil {
		return nil, err
	}
	env := &Env{Admin: admin, memberOf: cfg.MemberOf}
	var team struct {
		ID string `json:"id"`
	}
	if _, err := admin.Do(ctx, "GET", "/teams/name/"+cfg.Team, nil, &team); err != nil {
		if _, err := admin.Do(ctx, "POST", "/teams", map[string]any{"name": cfg.Team, "display_name": "Load test",
			"type": "O", "allow_open_invite": true}, &team); err != nil {
			return nil, fmt.Errorf("create team: %w", err)
		}
	}
	env.TeamID = team.ID
	for i := range cfg.Channels {
		name := fmt.Sprintf("lt-channel-%d", i)
		var ch struct {
			ID string `json:"id"`
		}
		if _, err := admin.Do(ctx, "GET", "/teams/"+team.ID+"/channels/name/"+name, nil, &ch); err != nil {
			if _, err := admin.Do(ctx, "POST", "/channels", map[string]string{"team_id": team.ID, "name": name,
				"display_name": name, "type": "O"}, &ch); err != nil {
				return nil, fmt.Errorf("create channel %s: %w", name, err)
			}
		}
		env.Channels = append(env.Channels, ch.ID)
	}
	env.Users = make([]*Client, cfg.Users)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	var mu sync.Mutex
	for i := range cfg.Users {
		g.Go(func() error {
			c := &Client{Base: admin.Base, HTTP: hc}
			// Log in first: on a rerun every user exists, and a create that
			// fails on a duplicate still costs the server a password hash.
			if err := c.Login(gctx, userName(i), userPassword(i)); err != nil {
				_, err := c.Do(gctx, "POST", "/users", map[string]string{"username": userName(i),
					"email": userName(i) + "@loadtest.example.com", "password": userPassword(i)}, nil)
				if err != nil && !isAPIError(err, http.StatusBadRequest) {
					return fmt.Errorf("create %s: %w", userName(i), err)
				}
				if err := c.Login(gctx, userName(i), userPassword(i)); err != nil {
					return err
				}
			}
			if _, err := admin.Do(gctx, "POST", "/teams/"+team.ID+"/members", map[string]string{"team_id": team.ID, "user_id": c.UserID}, nil); err != nil {
				return fmt.Errorf("add %s to team: %w", userName(i), err)
			}
			for _, ch := range env.UserChannels(i) {
				if _, err := c.Do(gctx, "POST", "/channels/"+ch+"/members", map[string]string{"user_id": c.UserID}, nil); err != nil {
					return fmt.Errorf("join channel: %w", err)
				}
			}
			mu.Lock()
			env.Users[i] = c
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return env, nil
}
