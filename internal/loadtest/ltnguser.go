package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// simUser is one simulated user of load-test-ng's SimulController with the
// state its memstore keeps (loadtest/store/memstore): what the webapp would
// hold in memory, which decides the next requests.
type simUser struct {
	r        *ltngRun
	i        int
	stop     context.CancelFunc
	rate     float64
	username string
	email    string
	password string

	mu        sync.Mutex
	token     string
	id        string
	config    map[string]string
	roles     []string
	teams     map[string]ltTeam // member of
	allTeams  []ltTeam
	team      string // current team id
	channels  map[string]*ltChannel
	members   map[string]bool // channel ids the user is a member of
	channel   string          // current channel id
	views     map[string]int64
	posts     []ltPost // newest last, at most 250 (MaxStoredPosts)
	users     map[string]string
	statuses  map[string]bool
	pictures  map[string]int
	prefs     []ltPref
	threads   map[string]*ltThread
	drafts    map[string][]ltDraft // team id → drafts
	reactions map[string][]ltReaction
	cats      map[string][]ltCategory // team id → sidebar categories
	cpaFields []string
	bookmarks map[string][]string
	ackPosts  []string
	sockets   *ltSocket
}

type ltTeam struct{ ID, Name string }

type ltChannel struct {
	ID, TeamID, Name, Type string
	Members                int64
}

type ltPost struct {
	ID        string `json:"id"`
	CreateAt  int64  `json:"create_at"`
	UpdateAt  int64  `json:"update_at"`
	UserID    string `json:"user_id"`
	ChannelID string `json:"channel_id"`
	RootID    string `json:"root_id"`
	Message   string `json:"message"`
	Type      string `json:"type"`
	DeleteAt  int64  `json:"delete_at"`
	Metadata  struct {
		Files []struct {
			ID              string `json:"id"`
			Extension       string `json:"extension"`
			HasPreviewImage bool   `json:"has_preview_image"`
		} `json:"files"`
		Priority *struct {
			RequestedAck *bool `json:"requested_ack"`
		} `json:"priority"`
	} `json:"metadata"`
}

type ltPostList struct {
	Order   []string          `json:"order"`
	Posts   map[string]ltPost `json:"posts"`
	HasNext *bool             `json:"has_next"`
}

type ltPref struct {
	UserID   string `json:"user_id"`
	Category string `json:"category"`
	Name     string `json:"name"`
	Value    string `json:"value"`
}

type ltThread struct {
	ID            string `json:"id"`
	UnreadReplies int64  `json:"unread_replies"`
	LastReplyAt   int64  `json:"last_reply_at"`
	Post          ltPost `json:"post"`
	lastUpdateAt  int64
}

type ltDraft struct{ ChannelID, RootID string }

type ltReaction struct{ UserID, Emoji string }

type ltCategory struct {
	ID          string   `json:"id"`
	UserID      string   `json:"user_id"`
	TeamID      string   `json:"team_id"`
	Type        string   `json:"type"`
	DisplayName string   `json:"display_name"`
	Sorting     string   `json:"sorting"`
	Muted       bool     `json:"muted"`
	Collapsed   bool     `json:"collapsed"`
	Channels    []string `json:"channel_ids"`
}

func newSimUser(r *ltngRun, i int, stop context.CancelFunc) *simUser {
	name := fmt.Sprintf("ltnguser%d", i)
	u := &simUser{r: r, i: i, stop: stop, rate: r.pickRate(), username: name,
		email: name + "@loadtest.example.com", password: fmt.Sprintf("ltng-password-%d", i)}
	u.clear()
	return u
}

// clear is ClearUserData: everything but the credentials.
func (u *simUser) clear() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.config, u.teams, u.allTeams, u.team, u.channel = map[string]string{}, map[string]ltTeam{}, nil, "", ""
	u.channels, u.members, u.views = map[string]*ltChannel{}, map[string]bool{}, map[string]int64{}
	u.posts, u.users, u.statuses, u.pictures, u.prefs = nil, map[string]string{}, map[string]bool{}, map[string]int{}, nil
	u.threads, u.drafts, u.reactions = map[string]*ltThread{}, map[string][]ltDraft{}, map[string][]ltReaction{}
	u.cats, u.bookmarks, u.ackPosts, u.roles, u.cpaFields = map[string][]ltCategory{}, map[string][]string{}, nil, nil, nil
}

// errExpected marks an answer the tool expects and handles (a login before
// sign-up, a permission check on a permalink): not counted as a failure.
type errExpected struct{ error }

// do sends one API request as model.Client4 does, decoding a JSON answer
// into out. A 304 is a success without a body. Every other non-2xx is a
// failure counted by route unless expect(status) says the tool expects it.
func (u *simUser) do(ctx context.Context, method, path string, hdr map[string]string, body, out any, expect ...int) (http.Header, error) {
	var rd io.Reader
	if raw, ok := body.(rawBody); ok {
		rd = bytes.NewReader(raw)
	} else if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.r.base+"/api/v4"+path, rd)
	if err != nil {
		return nil, err
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	u.mu.Lock()
	tok := u.token
	u.mu.Unlock()
	if tok != "" {
		req.Header.Set("Authorization", "BEARER "+tok)
	}
	route := method + " " + stripIDs(strings.SplitN(path, "?", 2)[0])
	resp, err := u.r.http.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			u.r.metrics.errs.Add(fmt.Errorf("%s: %w", route, err))
			u.r.errs.addKind(route + " network")
		}
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.Header, err
	}
	if resp.StatusCode == http.StatusNotModified {
		return resp.Header, nil
	}
	if resp.StatusCode >= 300 {
		e := newAPIError(resp.StatusCode, data)
		if slices.Contains(expect, resp.StatusCode) {
			return resp.Header, errExpected{e}
		}
		u.r.metrics.errs.addKind(fmt.Sprintf("%s %d %s", route, resp.StatusCode, e.ID))
		return resp.Header, e
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			u.r.metrics.errs.addKind(route + " undecodable answer")
			return resp.Header, fmt.Errorf("decode %s: %w", route, err)
		}
	}
	return resp.Header, nil
}

func (u *simUser) get(ctx context.Context, path string, out any) error {
	_, err := u.do(ctx, "GET", path, nil, nil, out)
	return err
}

func (u *simUser) send(ctx context.Context, method, path string, body, out any) error {
	_, err := u.do(ctx, method, path, nil, body, out)
	return err
}

// run is SimulController.Run: the two init actions, retried after an idle
// time until they succeed, then pick an action, run it, idle, forever.
func (u *simUser) run(ctx context.Context) {
	defer u.disconnect()
	if u.init(ctx) != nil {
		return
	}
	u.r.count("users_started")
	for {
		a := pickLTNGAction()
		if err := a.run(u, ctx); err != nil && ctx.Err() == nil {
			u.r.errs.addKind(a.name)
		}
		u.r.count("action " + a.name)
		if !u.r.wait(ctx, u.r.idle(u.rate)) {
			return
		}
	}
}

// init runs the two init actions, each retried after an idle time until it
// succeeds; it fails only when ctx ends.
func (u *simUser) init(ctx context.Context) error {
	for _, act := range []func(context.Context) error{u.loginOrSignUp, u.initialJoinTeam} {
		for {
			if !u.r.wait(ctx, u.r.idle(1)) {
				return ctx.Err()
			}
			err := act(ctx)
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			u.r.errs.addKind("init: " + stripIDs(err.Error()))
		}
	}
	return nil
}

// ltngAction is one entry of simulcontroller's getActionList.
type ltngAction struct {
	name string
	freq float64
	run  func(*simUser, context.Context) error
}

// ltngActions are the actions and frequencies of getActionList (controller.go)
// for a server of version ≥ 10.9 (Parley reports 11.7.0). Plugin actions are
// left out: no plugin is installed.
var ltngActions = []ltngAction{
	{"SwitchChannel", 6.5219, (*simUser).switchChannel},
	{"SwitchTeam", 0.0001, (*simUser).switchTeam},
	{"ScrollChannel", 1.9873, (*simUser).scrollChannel},
	{"OpenDirectOrGroupChannel", 0.9843, (*simUser).openDirectOrGroupChannel},
	{"UnreadCheck", 1, (*simUser).unreadCheck},
	{"CreatePost", 1, (*simUser).createPost},
	{"JoinChannel", 0.0049, (*simUser).joinChannel},
	{"SearchChannels", 0.0150, (*simUser).searchChannels},
	{"AddReaction", 0.1306, (*simUser).addReaction},
	{"FullReload", 0.0008, (*simUser).fullReload},
	{"CreateDirectChannel", 0.0055, (*simUser).createDirectChannel},
	{"LogoutLogin", 0.0006, (*simUser).logoutLogin},
	{"SearchUsers", 0.0320, (*simUser).searchUsers},
	{"SearchPosts", 0.0218, (*simUser).searchPosts},
	{"SearchPostsAllTeams", 0.0109, (*simUser).searchPostsAllTeams},
	{"CreatePostReminder", 0.0005, (*simUser).createPostReminder},
	{"EditPost", 0.0400, (*simUser).editPost},
	{"DeletePost", 0.0049, (*simUser).deletePost},
	{"UpdateCustomStatus", 0.0028, (*simUser).updateCustomStatus},
	{"RemoveCustomStatus", 0.0026, (*simUser).removeCustomStatus},
	{"CreateSidebarCategory", 0.0001, (*simUser).createSidebarCategory},
	{"UpdateSidebarCategory", 0.0040, (*simUser).updateSidebarCategory},
	{"UpdateCustomAttribute", 0.0040, (*simUser).updateCustomAttribute},
	{"SearchGroupChannels", 0.0204, (*simUser).searchGroupChannels},
	{"CreateGroupChannel", 0.0029, (*simUser).createGroupChannel},
	{"CreatePrivateChannel", 0.0002, (*simUser).createPrivateChannel},
	{"CreatePublicChannel", 0.0001, (*simUser).createPublicChannel},
	{"ViewGlobalThreads", 0.6023, (*simUser).viewGlobalThreads},
	{"FollowThread", 0.0005, (*simUser).followThread},
	{"UnfollowThread", 0.0050, (*simUser).unfollowThread},
	{"ViewThread", 0.2841, (*simUser).viewThread},
	{"MarkAllThreadsInTeamAsRead", 0.0001, (*simUser).markAllThreadsInTeamAsRead},
	{"UpdateThreadRead", 0.3236, (*simUser).updateThreadRead},
	{"CreateAckPost", 0.0001, (*simUser).createAckPost},
	{"AckToPost", 0.0001, (*simUser).ackToPost},
	{"CreatePersistentNotificationPost", 0.0001, (*simUser).createPersistentNotificationPost},
	{"ClickUserProfile", 0.03, (*simUser).openUserProfile},
	{"ClickPermalink", 0.3, (*simUser).openPermalink},
	{"ReconnectWebSocket", 0.144, (*simUser).reconnectWebSocket},
	{"GenerateUserReport", 0.0001, (*simUser).generateUserReport},
	{"UpsertDraft", 0.504, (*simUser).upsertDraft},
	{"GetDrafts", 0.037, (*simUser).getDrafts},
	{"DeleteDraft", 1.41, (*simUser).deleteDraft},
	{"AddChannelBookmark", 0.0003, (*simUser).addChannelBookmark},
	{"UpdateOrAddChannelBookark", 0.0002, (*simUser).updateBookmark},
	{"UpdateChannelBookarkSortOrder", 0.0002, (*simUser).updateBookmarksSortOrder},
	{"DeleteChannelBookark", 0.0001, (*simUser).deleteBookmark},
	{"CreateScheduledPost", 0.001, (*simUser).createScheduledPost},
	{"UpdateScheduledPost", 0.001, (*simUser).updateScheduledPost},
	{"DeleteScheduledPost", 0.001, (*simUser).deleteScheduledPost},
	{"SendScheduledPost", 0.001, (*simUser).sendScheduledPost},
}

// ltngWeights are pickAction's integer weights: frequency over the smallest.
var ltngWeights = func() []int {
	lo := math.Inf(1)
	for _, a := range ltngActions {
		lo = min(lo, a.freq)
	}
	w := make([]int, len(ltngActions))
	for i, a := range ltngActions {
		w[i] = int(math.Round(a.freq / lo))
	}
	return w
}()

func pickLTNGAction() *ltngAction {
	total := 0
	for _, w := range ltngWeights {
		total += w
	}
	x := rand.IntN(total)
	for i, w := range ltngWeights {
		if x < w {
			return &ltngActions[i]
		}
		x -= w
	}
	return &ltngActions[0]
}

var errSkip = errors.New("nothing to do")

// --- login, reload, team --------------------------------------------------

func (u *simUser) loginOrSignUp(ctx context.Context) error {
	if err := u.login(ctx); err != nil {
		var exp errExpected
		if !errors.As(err, &exp) {
			return err
		}
		// control.SignUp, then login again.
		if err := u.send(ctx, "POST", "/users", map[string]string{"email": u.email, "username": u.username, "password": u.password}, nil); err != nil {
			return err
		}
		u.r.count("signups")
		return u.login(ctx)
	}
	return u.fetchStaticAssets(ctx)
}

// login is control.Login and connect: the session, the client config, the
// teams and team members, the custom profile attribute fields, then the
// WebSocket.
func (u *simUser) login(ctx context.Context) error {
	var me struct {
		ID    string `json:"id"`
		Roles string `json:"roles"`
	}
	h, err := u.do(ctx, "POST", "/users/login", nil, map[string]string{"login_id": u.email, "password": u.password}, &me, http.StatusUnauthorized)
	if err != nil {
		return err
	}
	u.mu.Lock()
	u.token, u.id, u.roles = h.Get("Token"), me.ID, strings.Fields(me.Roles)
	u.mu.Unlock()
	if err := u.getClientConfig(ctx); err != nil {
		return err
	}
	if err := u.getAllTeams(ctx, 100); err != nil {
		return err
	}
	if err := u.getTeamMembersForUser(ctx); err != nil {
		return err
	}
	if u.flag("CustomProfileAttributes") {
		var fields []struct {
			ID string `json:"id"`
		}
		if err := u.get(ctx, "/custom_profile_attributes/fields", &fields); err != nil {
			return err
		}
		u.mu.Lock()
		u.cpaFields = u.cpaFields[:0]
		for _, f := range fields {
			u.cpaFields = append(u.cpaFields, f.ID)
		}
		u.mu.Unlock()
	}
	return u.connect(ctx)
}

func (u *simUser) getClientConfig(ctx context.Context) error {
	var cfg map[string]string
	if err := u.get(ctx, "/config/client?format=old", &cfg); err != nil {
		return err
	}
	u.mu.Lock()
	u.config = cfg
	u.mu.Unlock()
	return nil
}

func (u *simUser) cfgVal(k string) string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.config[k]
}

// flag is memstore.FeatureFlags: FeatureFlag<Name> of the client config.
func (u *simUser) flag(name string) bool {
	v, _ := strconv.ParseBool(u.cfgVal("FeatureFlag" + name))
	return v
}

func (u *simUser) collapsedThreads() bool {
	switch u.cfgVal("CollapsedThreads") {
	case "disabled":
		return false
	case "always_on":
		return true
	}
	on := u.cfgVal("CollapsedThreads") == "default_on"
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, p := range u.prefs {
		if p.Category == "display_settings" && p.Name == "collapsed_reply_threads" {
			return p.Value == "on" || p.Value == "true"
		}
	}
	return on
}

func (u *simUser) getAllTeams(ctx context.Context, perPage int) error {
	var teams []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	if err := u.get(ctx, fmt.Sprintf("/teams?page=0&per_page=%d", perPage), &teams); err != nil {
		return err
	}
	u.mu.Lock()
	u.allTeams = u.allTeams[:0]
	for _, t := range teams {
		u.allTeams = append(u.allTeams, ltTeam{t.ID, t.Name})
	}
	u.mu.Unlock()
	return nil
}

func (u *simUser) getTeamMembersForUser(ctx context.Context) error {
	var tms []struct {
		TeamID   string `json:"team_id"`
		DeleteAt int64  `json:"delete_at"`
	}
	if err := u.get(ctx, "/users/"+u.id+"/teams/members", &tms); err != nil {
		return err
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, tm := range tms {
		if tm.DeleteAt != 0 {
			continue
		}
		t := u.teams[tm.TeamID]
		t.ID = tm.TeamID
		for _, at := range u.allTeams {
			if at.ID == tm.TeamID {
				t.Name = at.Name
			}
		}
		u.teams[tm.TeamID] = t
	}
	return nil
}

// fetchStaticAssets is UserEntity.FetchStaticAssets: the page, then every
// link href and script src in it, with a client of its own (colly's). As
// there, only the page's failure counts: colly's visits from its HTML
// callbacks drop their errors.
func (u *simUser) fetchStaticAssets(ctx context.Context) error {
	get := func(link string) (string, error) {
		req, err := http.NewRequestWithContext(ctx, "GET", link, nil)
		if err != nil {
			return "", err
		}
		resp, err := u.r.assets.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if resp.StatusCode >= 400 {
			u.r.metrics.errs.addKind(fmt.Sprintf("GET %s %d (static asset)", stripIDs(req.URL.Path), resp.StatusCode))
			return "", fmt.Errorf("static asset %s: status %d", link, resp.StatusCode)
		}
		return string(b), err
	}
	page, err := get(u.r.base + "/")
	if err != nil {
		return err
	}
	base, _ := url.Parse(u.r.base + "/")
	seen := map[string]bool{}
	for _, m := range assetRE.FindAllStringSubmatch(page, -1) {
		ref, err := base.Parse(m[2])
		if err != nil || seen[ref.String()] || ref.Scheme != "http" && ref.Scheme != "https" {
			continue
		}
		seen[ref.String()] = true
		get(ref.String())
	}
	return nil
}

var assetRE = regexp.MustCompile(`<(link[^>]*\shref|script[^>]*\ssrc)=["']([^"']+)["']`)

func (u *simUser) initialJoinTeam(ctx context.Context) error {
	if err := u.reload(ctx, false); err != nil {
		return err
	}
	u.mu.Lock()
	team := u.team
	u.mu.Unlock()
	if team == "" {
		return u.joinTeam(ctx)
	}
	return nil
}

// reload is SimulController.reload: GET /users, control.Reload (the
// webapp's initial load), then the current team and channel.
func (u *simUser) reload(ctx context.Context, full bool) error {
	if full {
		u.disconnect()
		u.clearKeepSession()
		if err := u.connect(ctx); err != nil {
			return err
		}
		if err := u.fetchStaticAssets(ctx); err != nil {
			return err
		}
	}
	if _, err := u.getUsers(ctx, 0, 100); err != nil {
		return err
	}
	if err := u.controlReload(ctx); err != nil {
		return err
	}
	u.mu.Lock()
	team, ch := u.team, u.channels[u.channel]
	u.mu.Unlock()
	if team == "" {
		return u.switchTeamTo(ctx, u.randomTeam(false, true))
	}
	if err := u.loadTeam(ctx, team); err != nil {
		return err
	}
	if ch == nil {
		return u.switchChannel(ctx)
	}
	return u.viewChannel(ctx, ch)
}

// clearKeepSession is ClearUserData for a reload: the token stays.
func (u *simUser) clearKeepSession() {
	u.mu.Lock()
	tok, id := u.token, u.id
	u.mu.Unlock()
	u.clear()
	u.mu.Lock()
	u.token, u.id = tok, id
	u.mu.Unlock()
}

func (u *simUser) controlReload(ctx context.Context) error {
	var prefs []ltPref
	if err := u.get(ctx, "/users/"+u.id+"/preferences", &prefs); err != nil {
		return err
	}
	u.mu.Lock()
	u.prefs = prefs
	u.mu.Unlock()
	var dmUsers []string
	for _, p := range prefs {
		switch p.Category {
		case "direct_channel_show":
			dmUsers = append(dmUsers, p.Name)
		case "group_channel_show":
			if _, err := u.getUsers(ctx, 0, 8, "in_channel="+p.Name); err != nil {
				return err
			}
		}
	}
	u.mu.Lock()
	ch := u.channel
	u.mu.Unlock()
	if ch != "" {
		if err := u.send(ctx, "POST", "/channels/members/"+u.id+"/view", map[string]any{"channel_id": ch, "prev_channel_id": ""}, nil); err != nil {
			return err
		}
	}
	if slices.Contains(u.roles, "system_admin") {
		if err := u.get(ctx, "/config", nil); err != nil {
			return err
		}
	} else if err := u.getClientConfig(ctx); err != nil {
		return err
	}
	var me struct {
		ID    string `json:"id"`
		Roles string `json:"roles"`
	}
	if err := u.get(ctx, "/users/me", &me); err != nil {
		return err
	}
	u.mu.Lock()
	u.roles = strings.Fields(me.Roles)
	roles := slices.Clone(u.roles)
	u.mu.Unlock()
	if len(roles) > 0 {
		if err := u.send(ctx, "POST", "/roles/names", roles, nil); err != nil {
			return err
		}
	}
	if err := u.get(ctx, "/plugins/webapp", nil); err != nil {
		return err
	}
	if err := u.getAllTeams(ctx, 50); err != nil {
		return err
	}
	if err := u.get(ctx, "/users/"+u.id+"/teams", nil); err != nil {
		return err
	}
	if err := u.getTeamMembersForUser(ctx); err != nil {
		return err
	}
	u.mu.Lock()
	team := u.team
	_, member := u.teams[team]
	u.mu.Unlock()
	if team != "" {
		if member {
			if err := u.getChannelsForTeam(ctx, team, true); err != nil {
				return err
			}
			if err := u.getChannelMembersForUser(ctx, team); err != nil {
				return err
			}
		}
		if err := u.get(ctx, "/users/"+u.id+"/channels?last_delete_at=0", nil); err != nil {
			return err
		}
	}
	for page := 0; ; page++ {
		var cms []struct {
			ChannelID string `json:"channel_id"`
		}
		if err := u.get(ctx, fmt.Sprintf("/users/%s/channel_members?page=%d&per_page=200", u.id, page), &cms); err != nil {
			return err
		}
		u.mu.Lock()
		for _, cm := range cms {
			u.members[cm.ChannelID] = true
		}
		u.mu.Unlock()
		if len(cms) < 200 {
			break
		}
	}
	if err := u.get(ctx, "/users/"+u.id+"/teams/unread?include_collapsed_threads=false", nil); err != nil {
		return err
	}
	if len(dmUsers) > 0 {
		if err := u.getUsersByIDs(ctx, dmUsers, 0); err != nil {
			return err
		}
		if err := u.getStatuses(ctx, dmUsers); err != nil {
			return err
		}
	}
	if err := u.get(ctx, "/users/"+u.id+"/status", nil); err != nil {
		return err
	}
	if ch != "" {
		if err := u.getChannelStats(ctx, ch, true); err != nil {
			return err
		}
		if err := u.get(ctx, "/users/"+u.id+"/channels/"+ch+"/unread", nil); err != nil {
			return err
		}
	}
	return nil
}

func (u *simUser) getUsers(ctx context.Context, page, perPage int, query ...string) ([]string, error) {
	var users []struct {
		ID       string `json:"id"`
		Username string `json:"username"`
	}
	q := fmt.Sprintf("?page=%d&per_page=%d", page, perPage)
	if len(query) > 0 {
		q = "?" + query[0] + fmt.Sprintf("&page=%d&per_page=%d", page, perPage)
	}
	if err := u.get(ctx, "/users"+q, &users); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(users))
	u.mu.Lock()
	for _, x := range users {
		u.storeUser(x.ID, x.Username)
		ids = append(ids, x.ID)
	}
	u.mu.Unlock()
	return ids, nil
}

// storeUser keeps at most 500 users (MaxStoredUsers); u.mu is held.
func (u *simUser) storeUser(id, name string) {
	if _, ok := u.users[id]; !ok && len(u.users) >= 500 {
		for k := range u.users {
			delete(u.users, k)
			break
		}
	}
	u.users[id] = name
}

func (u *simUser) getUsersByIDs(ctx context.Context, ids []string, since int64) error {
	var users []struct {
		ID       string `json:"id"`
		Username string `json:"username"`
	}
	q := ""
	if since != 0 {
		q = "?since=" + strconv.FormatInt(since, 10)
	}
	if err := u.send(ctx, "POST", "/users/ids"+q, ids, &users); err != nil {
		return err
	}
	u.mu.Lock()
	for _, x := range users {
		u.storeUser(x.ID, x.Username)
	}
	u.mu.Unlock()
	return nil
}

func (u *simUser) getStatuses(ctx context.Context, ids []string) error {
	var st []struct {
		UserID string `json:"user_id"`
	}
	if err := u.send(ctx, "POST", "/users/status/ids", ids, &st); err != nil {
		return err
	}
	u.mu.Lock()
	for _, s := range st {
		u.statuses[s.UserID] = true
	}
	u.mu.Unlock()
	return nil
}

func (u *simUser) getChannelsForTeam(ctx context.Context, team string, includeDeleted bool) error {
	var chans []struct {
		ID     string `json:"id"`
		TeamID string `json:"team_id"`
		Name   string `json:"name"`
		Type   string `json:"type"`
	}
	if err := u.get(ctx, fmt.Sprintf("/users/%s/teams/%s/channels?include_deleted=%t", u.id, team, includeDeleted), &chans); err != nil {
		return err
	}
	u.mu.Lock()
	for _, c := range chans {
		old := u.channels[c.ID]
		ch := &ltChannel{ID: c.ID, TeamID: c.TeamID, Name: c.Name, Type: c.Type}
		if old != nil {
			ch.Members = old.Members
		}
		u.channels[c.ID] = ch
	}
	u.mu.Unlock()
	return nil
}

func (u *simUser) getChannelMembersForUser(ctx context.Context, team string) error {
	var cms []struct {
		ChannelID string `json:"channel_id"`
	}
	if err := u.get(ctx, "/users/"+u.id+"/teams/"+team+"/channels/members", &cms); err != nil {
		return err
	}
	u.mu.Lock()
	for _, cm := range cms {
		u.members[cm.ChannelID] = true
	}
	u.mu.Unlock()
	return nil
}

func (u *simUser) getChannelStats(ctx context.Context, ch string, excludeFiles bool) error {
	var st struct {
		MemberCount int64 `json:"member_count"`
	}
	if err := u.get(ctx, fmt.Sprintf("/channels/%s/stats?exclude_files_count=%t", ch, excludeFiles), &st); err != nil {
		return err
	}
	u.mu.Lock()
	if c := u.channels[ch]; c != nil {
		c.Members = st.MemberCount
	}
	u.mu.Unlock()
	return nil
}

// randomTeam picks a team: memberOf (or not), and not the current one.
func (u *simUser) randomTeam(notMember, notCurrent bool) string {
	u.mu.Lock()
	defer u.mu.Unlock()
	var ids []string
	if notMember {
		for _, t := range u.allTeams {
			if _, ok := u.teams[t.ID]; !ok {
				ids = append(ids, t.ID)
			}
		}
	} else {
		for id := range u.teams {
			if !notCurrent || id != u.team {
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		return ""
	}
	slices.Sort(ids)
	return ids[rand.IntN(len(ids))]
}

func (u *simUser) joinTeam(ctx context.Context) error {
	if err := u.getAllTeams(ctx, 100); err != nil {
		return err
	}
	if _, err := u.getUsers(ctx, 0, 100); err != nil {
		return err
	}
	team := u.randomTeam(true, false)
	if team == "" {
		return u.switchTeam(ctx)
	}
	if err := u.send(ctx, "POST", "/teams/"+team+"/members", map[string]string{"team_id": team, "user_id": u.id}, nil); err != nil {
		return err
	}
	u.mu.Lock()
	u.teams[team] = ltTeam{ID: team}
	u.mu.Unlock()
	return u.switchTeamTo(ctx, team)
}

// loadTeam is the webapp's team load (REST: GraphQL is off).
func (u *simUser) loadTeam(ctx context.Context, team string) error {
	crt := u.collapsedThreads()
	if err := u.get(ctx, fmt.Sprintf("/users/%s/teams/unread?include_collapsed_threads=%t", u.id, crt), nil); err != nil {
		return err
	}
	if err := u.get(ctx, "/users/"+u.id+"/teams/"+team+"/threads?totalsOnly=true", nil); err != nil {
		return err
	}
	var cats struct {
		Categories []ltCategory `json:"categories"`
	}
	if err := u.get(ctx, "/users/"+u.id+"/teams/"+team+"/channels/categories", &cats); err != nil {
		return err
	}
	u.mu.Lock()
	u.cats[team] = cats.Categories
	u.mu.Unlock()
	if err := u.getStatuses(ctx, []string{u.id}); err != nil {
		return err
	}
	return u.get(ctx, "/posts/scheduled/team/"+team+"?includeDirectChannels=true", nil)
}

func (u *simUser) switchTeam(ctx context.Context) error {
	return u.switchTeamTo(ctx, u.randomTeam(false, true))
}

func (u *simUser) switchTeamTo(ctx context.Context, team string) error {
	if team == "" {
		return nil
	}
	if err := u.loadTeam(ctx, team); err != nil {
		return err
	}
	u.mu.Lock()
	u.team = team
	u.mu.Unlock()
	return u.switchChannel(ctx)
}

// randomChannel is memstore.RandomChannel in the current team with the
// given types; notCurrent leaves out the current channel.
func (u *simUser) randomChannel(member, notMember bool, types string) *ltChannel {
	u.mu.Lock()
	defer u.mu.Unlock()
	var out []*ltChannel
	for _, c := range u.channels {
		if !strings.Contains(types, c.Type) || c.ID == u.channel && member {
			continue
		}
		if (c.Type == "O" || c.Type == "P") && c.TeamID != u.team {
			continue
		}
		if member && !u.members[c.ID] || notMember && u.members[c.ID] {
			continue
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil
	}
	slices.SortFunc(out, func(a, b *ltChannel) int { return strings.Compare(a.ID, b.ID) })
	c := *out[rand.IntN(len(out))]
	return &c
}

func (u *simUser) current() (team string, ch *ltChannel) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if c := u.channels[u.channel]; c != nil {
		cc := *c
		ch = &cc
	}
	return u.team, ch
}

// --- channels --------------------------------------------------------------

func (u *simUser) switchChannel(ctx context.Context) error {
	ch := u.randomChannel(true, false, "OP")
	if ch == nil {
		// A new user's first switch lands here: the team load fetches no
		// channels. The tool errs the same way (memstore's "channel store is
		// empty") and its init retry's reload fetches them, as here.
		return errors.New("switchChannel: no channel to switch to")
	}
	if err := u.viewChannel(ctx, ch); err != nil {
		return err
	}
	u.mu.Lock()
	u.channel = ch.ID
	u.mu.Unlock()
	if u.flag("ChannelBookmarks") {
		var bms []struct {
			ID string `json:"id"`
		}
		if err := u.get(ctx, "/channels/"+ch.ID+"/bookmarks?bookmarks_since=0", &bms); err != nil {
			return err
		}
		u.mu.Lock()
		u.bookmarks[ch.ID] = u.bookmarks[ch.ID][:0]
		for _, b := range bms {
			u.bookmarks[ch.ID] = append(u.bookmarks[ch.ID], b.ID)
		}
		u.mu.Unlock()
	}
	return nil
}

// viewChannel is simulcontroller's viewChannel: view the current channel,
// fetch the posts around the last unread (or since the last view), the
// posters' statuses, users, pictures and mentions, the channel stats,
// the DM/GM preferences, then view the new channel.
func (u *simUser) viewChannel(ctx context.Context, ch *ltChannel) error {
	crt := u.collapsedThreads()
	_, cur := u.current()
	prev := ""
	if cur != nil {
		prev = cur.ID
		if err := u.send(ctx, "POST", "/channels/members/"+u.id+"/view", map[string]any{"channel_id": cur.ID, "collapsed_threads_supported": crt}, nil); err != nil {
			return err
		}
	}
	u.mu.Lock()
	view := u.views[ch.ID]
	u.mu.Unlock()
	var ids []string
	var err error
	if view == 0 {
		ids, err = u.getPosts(ctx, fmt.Sprintf("/users/%s/channels/%s/posts/unread?limit_before=30&limit_after=30&collapsedThreads=%t", u.id, ch.ID, crt))
	} else {
		ids, err = u.getPosts(ctx, fmt.Sprintf("/channels/%s/posts?since=%d&collapsedThreads=%t", ch.ID, view, crt))
	}
	if err != nil {
		return err
	}
	if err := u.fetchPostsInfo(ctx, ids); err != nil {
		return err
	}
	if err := u.getChannelStats(ctx, ch.ID, rand.Float64() >= 0.01); err != nil {
		return err
	}
	if ch.Type == "D" || ch.Type == "G" {
		cat := map[string]string{"D": "direct_channel_show", "G": "group_channel_show"}[ch.Type]
		prefs := []ltPref{{u.id, cat, ch.ID, "true"}, {u.id, "channel_open_time", ch.ID, time.Now().Format(time.RFC3339)}}
		if err := u.send(ctx, "PUT", "/users/"+u.id+"/preferences", prefs, nil); err != nil {
			return err
		}
	}
	if err := u.send(ctx, "POST", "/channels/members/"+u.id+"/view", map[string]any{"channel_id": ch.ID, "prev_channel_id": prev, "collapsed_threads_supported": crt}, nil); err != nil {
		return err
	}
	u.mu.Lock()
	u.views[ch.ID] = time.Now().UnixMilli()
	u.mu.Unlock()
	return nil
}

// getPosts fetches a post list, keeps its posts and returns its order.
func (u *simUser) getPosts(ctx context.Context, path string) ([]string, error) {
	var pl ltPostList
	if err := u.get(ctx, path, &pl); err != nil {
		return nil, err
	}
	u.mu.Lock()
	for _, id := range pl.Order {
		if p, ok := pl.Posts[id]; ok {
			u.storePost(p)
		}
	}
	u.mu.Unlock()
	return pl.Order, nil
}

// storePost keeps the newest 250 posts (MaxStoredPosts); u.mu is held.
func (u *simUser) storePost(p ltPost) {
	if p.DeleteAt != 0 {
		return
	}
	for i := range u.posts {
		if u.posts[i].ID == p.ID {
			u.posts[i] = p
			return
		}
	}
	u.posts = append(u.posts, p)
	if len(u.posts) > 250 {
		u.posts = u.posts[len(u.posts)-250:]
	}
	if p.Metadata.Priority != nil && p.Metadata.Priority.RequestedAck != nil && *p.Metadata.Priority.RequestedAck {
		u.ackPosts = append(u.ackPosts, p.ID)
	}
}

func (u *simUser) post(id string) (ltPost, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, p := range u.posts {
		if p.ID == id {
			return p, true
		}
	}
	return ltPost{}, false
}

// channelPosts lists the stored posts of a channel, oldest first.
func (u *simUser) channelPosts(ch string) []ltPost {
	u.mu.Lock()
	defer u.mu.Unlock()
	var out []ltPost
	for _, p := range u.posts {
		if p.ChannelID == ch {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b ltPost) int { return int(a.CreateAt - b.CreateAt) })
	return out
}

// currentChannelPost is the current channel and a random stored post of it
// (by byUser, when set): what most post actions start from.
func (u *simUser) currentChannelPost(byUser string) (*ltChannel, ltPost, bool) {
	_, ch := u.current()
	if ch == nil {
		return nil, ltPost{}, false
	}
	p, ok := u.randomPost(ch.ID, byUser, false)
	return ch, p, ok
}

func (u *simUser) randomPost(ch, byUser string, replyOnly bool) (ltPost, bool) {
	var ps []ltPost
	for _, p := range u.channelPosts(ch) {
		// memstore's random posts are never system messages.
		if p.Type == "" && (byUser == "" || p.UserID == byUser) && (!replyOnly || p.RootID != "") {
			ps = append(ps, p)
		}
	}
	if len(ps) == 0 {
		return ltPost{}, false
	}
	return ps[rand.IntN(len(ps))], true
}

// fetchPostsInfo is simulcontroller's fetchPostsInfo.
func (u *simUser) fetchPostsInfo(ctx context.Context, ids []string) error {
	var missUsers, missStatuses, missPictures, missNames []string
	seen := map[string]bool{}
	for _, id := range ids {
		p, ok := u.post(id)
		if !ok {
			continue
		}
		if name := mentionRE.FindString(p.Message); name != "" && !seen["@"+name] {
			seen["@"+name] = true
			missNames = append(missNames, name[1:])
		}
		for _, f := range p.Metadata.Files {
			if f.Extension != "png" && f.Extension != "jpg" {
				continue
			}
			if err := u.get(ctx, "/files/"+f.ID+"/thumbnail", nil); err != nil {
				return err
			}
			if f.HasPreviewImage {
				if err := u.get(ctx, "/files/"+f.ID+"/preview", nil); err != nil {
					return err
				}
			}
		}
		if seen[p.UserID] {
			continue
		}
		seen[p.UserID] = true
		missPictures = append(missPictures, p.UserID)
		u.mu.Lock()
		if !u.statuses[p.UserID] {
			missStatuses = append(missStatuses, p.UserID)
		}
		if _, ok := u.users[p.UserID]; !ok {
			missUsers = append(missUsers, p.UserID)
		}
		u.mu.Unlock()
	}
	if len(missStatuses) > 0 {
		if err := u.getStatuses(ctx, missStatuses); err != nil {
			return err
		}
	}
	if len(missUsers) > 0 {
		if err := u.getUsersByIDs(ctx, missUsers, 0); err != nil {
			return err
		}
	}
	if err := u.profileImages(ctx, missPictures); err != nil {
		return err
	}
	if len(missNames) > 0 {
		return u.send(ctx, "POST", "/users/usernames", missNames, nil)
	}
	return nil
}

var mentionRE = regexp.MustCompile(`@[a-z0-9_.-]+`)

// profileImages is getProfileImageForUsers: the image with the last ETag
// seen as If-None-Match; the tool parses the answer's ETag as an integer.
func (u *simUser) profileImages(ctx context.Context, ids []string) error {
	for _, id := range ids {
		u.mu.Lock()
		last := u.pictures[id]
		u.mu.Unlock()
		h, err := u.do(ctx, "GET", "/users/"+id+"/image", map[string]string{"If-None-Match": strconv.Itoa(last)}, nil, nil)
		if err != nil {
			return err
		}
		if et := h.Get("ETag"); et != "" {
			n, err := strconv.Atoi(et)
			if err != nil {
				u.r.metrics.errs.addKind(fmt.Sprintf("GET /users/:id/image ETag %q is not an integer", et))
				return fmt.Errorf("profile image ETag %q is not an integer", et)
			}
			last = n
		} else {
			last = 0
		}
		u.mu.Lock()
		u.pictures[id] = last
		u.mu.Unlock()
	}
	return nil
}

func (u *simUser) openDirectOrGroupChannel(ctx context.Context) error {
	ch := u.randomChannel(true, false, "DG")
	if ch == nil {
		return nil
	}
	return u.viewChannel(ctx, ch)
}

func (u *simUser) unreadCheck(ctx context.Context) error {
	team, ch := u.current()
	if team == "" || ch == nil {
		return errors.New("unreadCheck: current team and channel should be set")
	}
	if err := u.getChannelsForTeam(ctx, team, true); err != nil {
		return err
	}
	if err := u.getChannelMembersForUser(ctx, team); err != nil {
		return err
	}
	return u.send(ctx, "POST", "/channels/members/"+u.id+"/view", map[string]any{"channel_id": ch.ID, "collapsed_threads_supported": u.collapsedThreads()}, nil)
}

func (u *simUser) joinChannel(ctx context.Context) error {
	team, _ := u.current()
	var chans []struct {
		ID     string `json:"id"`
		TeamID string `json:"team_id"`
		Name   string `json:"name"`
		Type   string `json:"type"`
	}
	if err := u.get(ctx, "/teams/"+team+"/channels?page=0&per_page=100", &chans); err != nil {
		return err
	}
	u.mu.Lock()
	for _, c := range chans {
		if u.channels[c.ID] == nil {
			u.channels[c.ID] = &ltChannel{ID: c.ID, TeamID: c.TeamID, Name: c.Name, Type: c.Type}
		}
	}
	u.mu.Unlock()
	ch := u.randomChannel(false, true, "O")
	if ch == nil {
		return nil
	}
	return u.addChannelMember(ctx, ch.ID, u.id)
}

func (u *simUser) addChannelMember(ctx context.Context, ch, user string) error {
	if err := u.send(ctx, "POST", "/channels/"+ch+"/members", map[string]string{"user_id": user}, nil); err != nil {
		return err
	}
	if user == u.id {
		u.mu.Lock()
		u.members[ch] = true
		u.mu.Unlock()
	}
	return nil
}

func (u *simUser) scrollChannel(ctx context.Context) error {
	_, ch := u.current()
	if ch == nil {
		return nil
	}
	posts := u.channelPosts(ch.ID)
	if len(posts) == 0 {
		return nil
	}
	crt := u.collapsedThreads()
	postID := posts[0].ID
	for range rand.IntN(5) + 1 {
		ids, err := u.getPosts(ctx, fmt.Sprintf("/channels/%s/posts?page=0&per_page=30&before=%s&collapsedThreads=%t&include_deleted=false", ch.ID, postID, crt))
		if err != nil {
			return err
		}
		if err := u.fetchPostsInfo(ctx, ids); err != nil {
			return err
		}
		// The tool continues from the newest stored post (sorted newest first).
		if ps := u.channelPosts(ch.ID); len(ps) > 0 {
			postID = ps[len(ps)-1].ID
		}
		if !u.r.wait(ctx, time.Duration(1+rand.IntN(10))*time.Second) {
			return nil
		}
	}
	return nil
}

// --- posts -----------------------------------------------------------------

func (u *simUser) sendTypingIfEnabled(ctx context.Context, ch *ltChannel) error {
	maxN, err := strconv.ParseInt(u.cfgVal("MaxNotificationsPerChannel"), 10, 64)
	if err != nil {
		return err
	}
	typing, err := strconv.ParseBool(u.cfgVal("EnableUserTypingMessages"))
	if err != nil {
		return err
	}
	u.mu.Lock()
	members := int64(0)
	if c := u.channels[ch.ID]; c != nil {
		members = c.Members
	}
	u.mu.Unlock()
	if members < maxN && typing {
		return u.wsSend("user_typing", map[string]any{"channel_id": ch.ID, "parent_id": ""})
	}
	return nil
}

// createMessage is simulcontroller's createMessage: a mention (typed with
// autocomplete) one time in ten, a link one in ten, a permalink one in a
// hundred, then 1–69 words (1–47 for a reply).
func (u *simUser) createMessage(ctx context.Context, ch *ltChannel, reply bool) (string, error) {
	msg := ""
	if rand.Float64() < 0.10 {
		name := u.randomUsername()
		if name != "" {
			if err := u.emulateMention(ctx, ch, name); err != nil {
				return "", err
			}
			msg += "@" + name + " "
		}
	}
	if rand.Float64() < 0.10 {
		msg += " " + ltngLinks[rand.IntN(len(ltngLinks))] + " "
	}
	if rand.Float64() < 0.01 {
		u.mu.Lock()
		var pid string
		if p := u.posts; len(p) > 0 {
			if x := p[rand.IntN(len(p))]; x.Type == "" {
				pid = x.ID
			}
		}
		teamName := u.teams[u.team].Name
		u.mu.Unlock()
		if pid != "" {
			msg += " " + u.cfgVal("SiteURL") + "/" + teamName + "/pl/" + pid + " "
		}
	}
	avg := 35
	if reply {
		avg = 24
	}
	n := rand.IntN(avg*2-2) + 1
	words := make([]string, n)
	for i := range words {
		words[i] = ltngWords[rand.IntN(len(ltngWords))]
	}
	return msg + strings.Join(words, " "), nil
}

var ltngLinks = []string{"https://github.com/mattermost/mattermost", "https://www.youtube.com/watch?v=-5jompIK9bk", "https://mattermost.com"}

var ltngWords = strings.Fields(`lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore
et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo consequat duis
aute irure in reprehenderit voluptate velit esse cillum fugiat nulla pariatur excepteur sint occaecat cupidatat non proident sunt
culpa qui officia deserunt mollit anim id est laborum team channel deploy release meeting review build server client update`)

func (u *simUser) randomUsername() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	names := make([]string, 0, len(u.users))
	for id, n := range u.users {
		if id != u.id && n != "" {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return ""
	}
	slices.Sort(names)
	return names[rand.IntN(len(names))]
}

// emulateTyping is control.EmulateUserTyping: one call per typed rune at
// 100–300 ms a rune, with a mistyped rune 15% of the time; cb returns true
// to stop.
func (u *simUser) emulateTyping(ctx context.Context, text string, cb func(term string) (bool, error)) error {
	speed := time.Duration(100+rand.IntN(200)) * time.Millisecond
	runes := []rune(text)
	term := ""
	for i, r := range runes {
		if !u.r.wait(ctx, speed) {
			return ctx.Err()
		}
		term += string(r)
		if done, err := cb(term); err != nil || done {
			return err
		}
		if rand.Float32() < 0.15 && i < len(runes)-1 {
			if !u.r.wait(ctx, speed) {
				return ctx.Err()
			}
			if done, err := cb(term + "a"); err != nil || done {
				return err
			}
		}
	}
	return nil
}

var userSuffixRE = regexp.MustCompile(`\d+$`)

func (u *simUser) emulateMention(ctx context.Context, ch *ltChannel, name string) error {
	typed := userSuffixRE.FindString(name)
	prefix := ""
	if typed == "" {
		typed = name
	} else {
		prefix = strings.TrimSuffix(name, typed)
	}
	cutoff := len(prefix) + 2
	if len(typed)/2 > 0 {
		cutoff += rand.IntN(len(typed) / 2)
	}
	return u.emulateTyping(ctx, typed, func(term string) (bool, error) {
		term = prefix + term
		var res struct {
			Users []struct {
				ID string `json:"id"`
			} `json:"users"`
			OutOfChannel []struct {
				ID string `json:"id"`
			} `json:"out_of_channel"`
		}
		q := url.Values{"in_team": {ch.TeamID}, "in_channel": {ch.ID}, "name": {term}, "limit": {"100"}}
		if err := u.get(ctx, "/users/autocomplete?"+q.Encode(), &res); err != nil {
			return false, err
		}
		ids := map[string]bool{}
		for _, x := range append(res.Users, res.OutOfChannel...) {
			ids[x.ID] = true
		}
		if err := u.profileImages(ctx, sortedKeys(ids)); err != nil {
			return false, err
		}
		return len(ids) == 1 || len(term) == cutoff, nil
	})
}

func (u *simUser) createPost(ctx context.Context) error {
	_, ch := u.current()
	if ch == nil {
		return errors.New("createPost: no current channel")
	}
	return u.createPostIn(ctx, ch)
}

func (u *simUser) createPostIn(ctx context.Context, ch *ltChannel) error {
	if err := u.sendTypingIfEnabled(ctx, ch); err != nil {
		return err
	}
	reply := rand.Float64() < u.r.cfg.PercentReplies
	urgent := !reply && rand.Float64() < u.r.cfg.PercentUrgentPosts
	files := rand.Float64() < 0.02
	msg, err := u.createMessage(ctx, ch, reply)
	if err != nil {
		return err
	}
	post := map[string]any{"message": msg, "channel_id": ch.ID, "create_at": time.Now().Unix() * 1000}
	if reply {
		p, ok := u.randomPost(ch.ID, "", false)
		if !ok {
			return nil
		}
		root := p.RootID
		if root == "" {
			root = p.ID
		}
		post["root_id"] = root
	}
	if files {
		ids, err := u.uploadFiles(ctx, ch.ID)
		if err != nil {
			return err
		}
		post["file_ids"] = ids
	}
	if urgent {
		post["metadata"] = map[string]any{"priority": map[string]any{"priority": "urgent", "requested_ack": false, "persistent_notifications": false}}
	}
	var created ltPost
	if err := u.send(ctx, "POST", "/posts", post, &created); err != nil {
		return err
	}
	u.mu.Lock()
	u.storePost(created)
	u.mu.Unlock()
	return nil
}

// uploadFiles is control._attachFilesToObj: 1 to 4 files in one channel.
func (u *simUser) uploadFiles(ctx context.Context, ch string) ([]string, error) {
	var ids []string
	for range 1 + rand.IntN(4) {
		var body bytes.Buffer
		w := newMultipart(&body)
		if err := w.WriteField("channel_id", ch); err != nil {
			return nil, err
		}
		name, data := ltngAttachment()
		part, err := w.CreateFormFile("files", name)
		if err != nil {
			return nil, err
		}
		part.Write(data)
		w.Close()
		var out struct {
			FileInfos []struct {
				ID string `json:"id"`
			} `json:"file_infos"`
		}
		if _, err := u.do(ctx, "POST", "/files", map[string]string{"Content-Type": w.FormDataContentType()}, rawBody(body.Bytes()), &out); err != nil {
			return nil, err
		}
		for _, f := range out.FileInfos {
			ids = append(ids, f.ID)
		}
	}
	return ids, nil
}

func (u *simUser) addReaction(ctx context.Context) error {
	_, p, ok := u.currentChannelPost("")
	if !ok {
		return nil
	}
	emoji := ltngEmoji[rand.IntN(len(ltngEmoji))]
	u.mu.Lock()
	rs := u.reactions[p.ID]
	u.mu.Unlock()
	uniq := map[string]bool{emoji: true}
	for _, r := range rs {
		if r.UserID == u.id && r.Emoji == emoji {
			return nil
		}
		uniq[r.Emoji] = true
	}
	limit, err := strconv.Atoi(u.cfgVal("UniqueEmojiReactionLimitPerPost"))
	if err != nil {
		return err
	}
	if limit != 0 && len(uniq) >= limit {
		return nil
	}
	return u.send(ctx, "POST", "/reactions", map[string]string{"user_id": u.id, "post_id": p.ID, "emoji_name": emoji}, nil)
}

// ltngEmoji is control's emoji list without its custom one (give_back_money,
// which `ltagent init` uploads). The tool sends the names with their colons,
// which Mattermost refuses for a reaction (and the tool ignores that
// error); reactions here use the bare names, so they are saved.
var ltngEmoji = strings.Fields(`grinning slightly_smiling_face smile sunglasses innocent hugging_face shushing_face
face_with_finger_covering_closed_lips thinking_face thinking zipper_mouth_face face_with_raised_eyebrow
face_with_one_eyebrow_raised neutral_face expressionless no_mouth smirk unamused face_with_rolling_eyes roll_eyes
grimacing lying_face relieved pensive sleepy drooling_face sleeping mask`)

func (u *simUser) editPost(ctx context.Context) error {
	ch, p, ok := u.currentChannelPost(u.id)
	if !ok {
		return nil
	}
	msg, err := u.createMessage(ctx, ch, p.RootID != "")
	if err != nil {
		return err
	}
	return u.send(ctx, "PUT", "/posts/"+p.ID+"/patch", map[string]string{"message": msg}, nil)
}

func (u *simUser) deletePost(ctx context.Context) error {
	_, p, ok := u.currentChannelPost(u.id)
	if !ok {
		return nil
	}
	if err := u.send(ctx, "DELETE", "/posts/"+p.ID, nil, nil); err != nil {
		return err
	}
	u.dropPost(p.ID)
	return nil
}

func (u *simUser) dropPost(id string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.posts = slices.DeleteFunc(u.posts, func(p ltPost) bool { return p.ID == id || p.RootID == id })
}

func (u *simUser) createPostReminder(ctx context.Context) error {
	_, p, ok := u.currentChannelPost("")
	if !ok {
		return nil
	}
	return u.send(ctx, "POST", "/users/"+u.id+"/posts/"+p.ID+"/reminder", map[string]any{"user_id": u.id, "post_id": p.ID,
		"target_time": time.Now().Add(10 * time.Minute).Unix()}, nil)
}

// createAckPost and createPersistentNotificationPost are control's: a
// priority post in a random channel of a random team the user is in.
func (u *simUser) createAckPost(ctx context.Context) error {
	return u.priorityPost(ctx, "Priority Post Lorem ipsum dolor sit amet, consectetur adipiscing elit",
		map[string]any{"priority": "urgent", "requested_ack": true})
}

func (u *simUser) createPersistentNotificationPost(ctx context.Context) error {
	name := u.randomUsername()
	if name == "" {
		return nil
	}
	return u.priorityPost(ctx, "@"+name+" Persistent Notification Post Lorem ipsum dolor sit amet",
		map[string]any{"priority": "urgent", "requested_ack": false, "persistent_notifications": true})
}

func (u *simUser) priorityPost(ctx context.Context, msg string, prio map[string]any) error {
	ch := u.randomChannel(true, false, "OP")
	if ch == nil {
		return nil
	}
	var created ltPost
	if err := u.send(ctx, "POST", "/posts", map[string]any{"message": msg, "channel_id": ch.ID, "create_at": time.Now().UnixMilli(),
		"metadata": map[string]any{"priority": prio}}, &created); err != nil {
		return err
	}
	u.mu.Lock()
	u.storePost(created)
	u.mu.Unlock()
	return nil
}

func (u *simUser) ackToPost(ctx context.Context) error {
	u.mu.Lock()
	var id string
	if len(u.ackPosts) > 0 {
		id = u.ackPosts[rand.IntN(len(u.ackPosts))]
	}
	u.mu.Unlock()
	if id == "" {
		return nil
	}
	return u.send(ctx, "POST", "/users/"+u.id+"/posts/"+id+"/ack", nil, nil)
}

// --- direct and group channels ---------------------------------------------

func (u *simUser) usersListAndPictures(ctx context.Context) error {
	ids, err := u.getUsers(ctx, 0, 100)
	if err != nil {
		return err
	}
	return u.profileImages(ctx, ids)
}

func (u *simUser) randomUsers(n int) []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	var ids []string
	for id := range u.users {
		if id != u.id {
			ids = append(ids, id)
		}
	}
	if len(ids) < n {
		return nil
	}
	slices.Sort(ids)
	rand.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	return ids[:n]
}

func (u *simUser) storeChannel(c ltChannel) *ltChannel {
	u.mu.Lock()
	defer u.mu.Unlock()
	cc := c
	u.channels[c.ID] = &cc
	u.members[c.ID] = true
	out := cc
	return &out
}

type ltChannelJSON struct {
	ID     string `json:"id"`
	TeamID string `json:"team_id"`
	Name   string `json:"name"`
	Type   string `json:"type"`
}

func (u *simUser) createDirectChannel(ctx context.Context) error {
	if err := u.usersListAndPictures(ctx); err != nil {
		return err
	}
	other := u.randomUsers(1)
	if other == nil {
		return nil
	}
	var ch ltChannelJSON
	if err := u.send(ctx, "POST", "/channels/direct", []string{u.id, other[0]}, &ch); err != nil {
		return err
	}
	if err := u.get(ctx, "/channels/"+ch.ID, nil); err != nil {
		return err
	}
	if err := u.get(ctx, "/channels/"+ch.ID+"/members/"+u.id, nil); err != nil {
		return err
	}
	c := u.storeChannel(ltChannel{ID: ch.ID, TeamID: ch.TeamID, Name: ch.Name, Type: ch.Type})
	if err := u.viewChannel(ctx, c); err != nil {
		return err
	}
	return u.createPost(ctx)
}

func (u *simUser) createGroupChannel(ctx context.Context) error {
	if err := u.usersListAndPictures(ctx); err != nil {
		return err
	}
	others := u.randomUsers(2)
	if others == nil {
		return nil
	}
	var ch ltChannelJSON
	if err := u.send(ctx, "POST", "/channels/group", others, &ch); err != nil {
		return err
	}
	c := u.storeChannel(ltChannel{ID: ch.ID, TeamID: ch.TeamID, Name: ch.Name, Type: ch.Type})
	if err := u.viewChannel(ctx, c); err != nil {
		return err
	}
	return u.createPost(ctx)
}

func (u *simUser) createChannel(ctx context.Context, typ string) error {
	team := u.randomTeam(false, false)
	if team == "" {
		return nil
	}
	name := newID()
	var ch ltChannelJSON
	if err := u.send(ctx, "POST", "/channels", map[string]string{"name": name, "display_name": "Channel " + name, "team_id": team, "type": typ}, &ch); err != nil {
		return err
	}
	u.storeChannel(ltChannel{ID: ch.ID, TeamID: ch.TeamID, Name: ch.Name, Type: ch.Type})
	// openAddMembersDialog.
	if err := u.get(ctx, "/teams/"+team+"/stats", nil); err != nil {
		return err
	}
	in, err := u.getUsers(ctx, 0, 50, "in_channel="+ch.ID)
	if err != nil {
		return err
	}
	notIn, err := u.getUsers(ctx, 0, 100, "in_team="+team+"&not_in_channel="+ch.ID+"&cursor_id=")
	if err != nil {
		return err
	}
	if err := u.getStatuses(ctx, in); err != nil {
		return err
	}
	if err := u.getStatuses(ctx, notIn); err != nil {
		return err
	}
	if err := u.send(ctx, "POST", "/channels/members/"+u.id+"/view", map[string]any{"channel_id": ch.ID, "collapsed_threads_supported": u.collapsedThreads()}, nil); err != nil {
		return err
	}
	if typ == "P" {
		n := 1 + rand.IntN(4)
		if len(notIn) >= n {
			rand.Shuffle(len(notIn), func(i, j int) { notIn[i], notIn[j] = notIn[j], notIn[i] })
			for _, id := range notIn[:n] {
				if err := u.addChannelMember(ctx, ch.ID, id); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (u *simUser) createPublicChannel(ctx context.Context) error  { return u.createChannel(ctx, "O") }
func (u *simUser) createPrivateChannel(ctx context.Context) error { return u.createChannel(ctx, "P") }

// --- search ----------------------------------------------------------------

func (u *simUser) searchChannels(ctx context.Context) error {
	ch := u.randomChannel(false, false, "OPDG")
	if ch == nil || ch.Name == "" {
		return nil
	}
	n := min(4, len(ch.Name))
	return u.emulateTyping(ctx, ch.Name[:1+rand.IntN(n)], func(term string) (bool, error) {
		return false, u.send(ctx, "POST", "/channels/search?system_console=false", map[string]string{"term": term}, nil)
	})
}

func (u *simUser) searchUsers(ctx context.Context) error {
	name := u.randomUsername()
	if name == "" {
		return nil
	}
	return u.emulateTyping(ctx, name, func(term string) (bool, error) {
		return false, u.send(ctx, "POST", "/users/search", map[string]any{"term": term, "limit": 100}, nil)
	})
}

func (u *simUser) searchGroupChannels(ctx context.Context) error {
	name := u.randomUsername()
	if name == "" {
		return nil
	}
	n := min(4, len(name))
	return u.emulateTyping(ctx, name[:1+rand.IntN(n)], func(string) (bool, error) {
		// The tool searches the whole username at each keystroke.
		return false, u.send(ctx, "POST", "/channels/group/search", map[string]string{"term": name}, nil)
	})
}

func (u *simUser) searchPosts(ctx context.Context) error {
	team, _ := u.current()
	return u.searchPostsForTeam(ctx, team)
}

func (u *simUser) searchPostsAllTeams(ctx context.Context) error {
	return u.searchPostsForTeam(ctx, "")
}

// searchPostsForTeam is simulcontroller's searchPostsForTeam with
// control.GeneratePostsSearchTerm.
func (u *simUser) searchPostsForTeam(ctx context.Context, team string) error {
	var terms []string
	if team != "" {
		if rand.Float64() < 0.2 {
			if name := u.randomUsername(); name != "" {
				terms = append(terms, "from:"+name)
				u.emulateTyping(ctx, name, func(term string) (bool, error) {
					var res struct {
						Users []struct {
							ID string `json:"id"`
						} `json:"users"`
					}
					q := url.Values{"in_team": {team}, "name": {term}, "limit": {"25"}}
					if err := u.get(ctx, "/users/autocomplete?"+q.Encode(), &res); err != nil {
						return false, err
					}
					ids := make([]string, len(res.Users))
					for i, x := range res.Users {
						ids[i] = x.ID
					}
					return len(ids) == 1, u.profileImages(ctx, ids)
				})
			}
		}
		if rand.Float64() < 0.2 {
			if ch := u.randomChannel(true, false, "OP"); ch != nil {
				terms = append(terms, "in:"+ch.Name)
				u.emulateTyping(ctx, ch.Name, func(term string) (bool, error) {
					var chans []json.RawMessage
					err := u.get(ctx, "/teams/"+team+"/channels/search_autocomplete?name="+url.QueryEscape(term), &chans)
					return len(chans) == 1, err
				})
			}
		}
	}
	if rand.Float64() < 0.2 {
		t := time.Now().Add(-time.Duration(rand.IntN(7)) * 24 * time.Hour).Format("2006-01-02")
		terms = append(terms, []string{"on:", "before:", "after:"}[rand.IntN(3)]+t)
	}
	if rand.Float64() < 0.2 {
		terms = append(terms, "-"+ltngWords[rand.IntN(len(ltngWords))])
	}
	phrase := rand.Float64() < 0.2
	words := make([]string, 1+rand.IntN(4))
	for i := range words {
		words[i] = ltngWords[rand.IntN(len(ltngWords))]
	}
	w := strings.Join(words, " ")
	if phrase {
		w = `"` + w + `"`
	}
	terms = append(terms, w)
	path := "/posts/search"
	if team != "" {
		path = "/teams/" + team + "/posts/search"
	}
	return u.send(ctx, "POST", path, map[string]any{"terms": strings.Join(terms, " "), "is_or_search": false}, nil)
}

// --- threads ---------------------------------------------------------------

type ltThreadList struct {
	Threads []*ltThread `json:"threads"`
}

func (u *simUser) getThreads(ctx context.Context, team string, unread bool, before string) ([]*ltThread, error) {
	q := url.Values{"per_page": {"25"}, "threadsOnly": {"true"}}
	if unread {
		q.Set("unread", "true")
	}
	if before != "" {
		q.Set("before", before)
	}
	var tl ltThreadList
	if err := u.get(ctx, "/users/"+u.id+"/teams/"+team+"/threads?"+q.Encode(), &tl); err != nil {
		return nil, err
	}
	u.mu.Lock()
	for _, t := range tl.Threads {
		if old := u.threads[t.ID]; old != nil {
			t.lastUpdateAt = old.lastUpdateAt
		}
		if len(u.threads) >= 250 && u.threads[t.ID] == nil {
			for k := range u.threads {
				delete(u.threads, k)
				break
			}
		}
		u.threads[t.ID] = t
	}
	u.mu.Unlock()
	return tl.Threads, nil
}

// threadsSorted is memstore.ThreadsSorted: newest reply first.
func (u *simUser) threadsSorted(unreadOnly bool) []*ltThread {
	u.mu.Lock()
	defer u.mu.Unlock()
	var out []*ltThread
	for _, t := range u.threads {
		if !unreadOnly || t.UnreadReplies > 0 {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b *ltThread) int { return int(b.LastReplyAt - a.LastReplyAt) })
	return out
}

func (u *simUser) randomThread() *ltThread {
	ts := u.threadsSorted(false)
	if len(ts) == 0 {
		return nil
	}
	t := *ts[rand.IntN(len(ts))]
	return &t
}

func (u *simUser) viewGlobalThreads(ctx context.Context) error {
	if !u.collapsedThreads() {
		return nil
	}
	team, _ := u.current()
	for _, unread := range []bool{false, true} {
		threads := u.threadsSorted(unread)
		if len(threads) == 0 {
			var err error
			if threads, err = u.getThreads(ctx, team, unread, ""); err != nil {
				return err
			}
			if len(threads) == 0 {
				return nil
			}
		}
		oldest := threads[len(threads)-1].ID
		for range rand.IntN(3) + 1 {
			threads, err := u.getThreads(ctx, team, unread, oldest)
			if err != nil {
				return err
			}
			if len(threads) == 0 {
				break
			}
			oldest = threads[len(threads)-1].ID
			if !u.r.wait(ctx, time.Duration(1+rand.IntN(10))*time.Second) {
				return nil
			}
		}
	}
	return nil
}

func (u *simUser) followThread(ctx context.Context) error {
	if !u.collapsedThreads() {
		return nil
	}
	_, ch := u.current()
	if ch == nil {
		return nil
	}
	p, ok := u.randomPost(ch.ID, "", true)
	if !ok {
		if p, ok = u.randomPost(ch.ID, "", false); !ok {
			return nil
		}
	}
	id := p.RootID
	if id == "" {
		id = p.ID
	}
	return u.send(ctx, "PUT", "/users/"+u.id+"/teams/"+u.teamOf(ch)+"/threads/"+id+"/following", nil, nil)
}

// teamOf is the channel's team, or the current team for a DM or GM (whose
// team_id is empty), as the tool sends channel.TeamId.
func (u *simUser) teamOf(ch *ltChannel) string {
	if ch.TeamID != "" {
		return ch.TeamID
	}
	team, _ := u.current()
	return team
}

// threadChannel finds the thread's channel in the store or fetches it.
func (u *simUser) threadChannel(ctx context.Context, t *ltThread) (*ltChannel, error) {
	u.mu.Lock()
	c := u.channels[t.Post.ChannelID]
	u.mu.Unlock()
	if c != nil {
		cc := *c
		return &cc, nil
	}
	var ch ltChannelJSON
	if err := u.get(ctx, "/channels/"+t.Post.ChannelID, &ch); err != nil {
		return nil, err
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	cc := &ltChannel{ID: ch.ID, TeamID: ch.TeamID, Name: ch.Name, Type: ch.Type}
	u.channels[ch.ID] = cc
	out := *cc
	return &out, nil
}

func (u *simUser) unfollowThread(ctx context.Context) error {
	if !u.collapsedThreads() {
		return nil
	}
	t := u.randomThread()
	if t == nil {
		return nil
	}
	ch, err := u.threadChannel(ctx, t)
	if err != nil {
		return err
	}
	return u.send(ctx, "DELETE", "/users/"+u.id+"/teams/"+u.teamOf(ch)+"/threads/"+t.ID+"/following", nil, nil)
}

func (u *simUser) viewThread(ctx context.Context) error {
	if !u.collapsedThreads() {
		return nil
	}
	t := u.randomThread()
	if t == nil {
		team, _ := u.current()
		threads, err := u.getThreads(ctx, team, false, "")
		if err != nil {
			return err
		}
		if len(threads) == 0 {
			return nil
		}
		t = threads[0]
	}
	q := url.Values{"collapsedThreads": {"true"}, "direction": {"down"}, "perPage": {"60"}}
	updatesOnly := t.lastUpdateAt != 0
	if updatesOnly {
		q.Set("updatesOnly", "true")
		q.Set("fromUpdateAt", strconv.FormatInt(t.lastUpdateAt, 10))
	}
	var latest int64 = -1
	for hasNext := true; hasNext; {
		var pl ltPostList
		if err := u.get(ctx, "/posts/"+t.ID+"/thread?"+q.Encode(), &pl); err != nil {
			return err
		}
		if len(pl.Order) == 0 {
			return nil
		}
		hasNext = pl.HasNext != nil && *pl.HasNext
		u.mu.Lock()
		for _, id := range pl.Order {
			if p, ok := pl.Posts[id]; ok {
				u.storePost(p)
				latest = max(latest, p.UpdateAt)
			}
		}
		u.mu.Unlock()
		newest := pl.Posts[pl.Order[len(pl.Order)-1]]
		if updatesOnly {
			q.Set("fromUpdateAt", strconv.FormatInt(newest.UpdateAt, 10))
		} else {
			q.Set("fromCreateAt", strconv.FormatInt(newest.CreateAt, 10))
		}
		q.Set("fromPost", newest.ID)
		if ctx.Err() != nil {
			return nil
		}
	}
	u.mu.Lock()
	if st := u.threads[t.ID]; st != nil {
		st.lastUpdateAt = latest
	}
	u.mu.Unlock()
	return nil
}

func (u *simUser) markAllThreadsInTeamAsRead(ctx context.Context) error {
	if !u.collapsedThreads() {
		return nil
	}
	team, _ := u.current()
	return u.send(ctx, "PUT", "/users/"+u.id+"/teams/"+team+"/threads/read", nil, nil)
}

func (u *simUser) updateThreadRead(ctx context.Context) error {
	if !u.collapsedThreads() {
		return nil
	}
	t := u.randomThread()
	if t == nil {
		team, _ := u.current()
		q := url.Values{"per_page": {"25"}}
		var tl ltThreadList
		if err := u.get(ctx, "/users/"+u.id+"/teams/"+team+"/threads?"+q.Encode(), &tl); err != nil {
			return err
		}
		if len(tl.Threads) == 0 {
			return nil
		}
		u.mu.Lock()
		for _, x := range tl.Threads {
			u.threads[x.ID] = x
		}
		u.mu.Unlock()
		t = u.randomThread()
	}
	ch, err := u.threadChannel(ctx, t)
	if err != nil {
		return err
	}
	return u.send(ctx, "PUT", fmt.Sprintf("/users/%s/teams/%s/threads/%s/read/%d", u.id, u.teamOf(ch), t.ID, t.Post.CreateAt), nil, nil)
}

// --- profile, permalink, reconnect, report -----------------------------------

func (u *simUser) openUserProfile(ctx context.Context) error {
	team, _ := u.current()
	ch, p, ok := u.currentChannelPost("")
	if !ok {
		return nil
	}
	if err := u.get(ctx, "/channels/"+ch.ID+"/members/"+p.UserID, nil); err != nil {
		return err
	}
	if u.flag("CustomProfileAttributes") {
		if err := u.get(ctx, "/users/"+p.UserID+"/custom_profile_attributes", nil); err != nil {
			return err
		}
	}
	if ch.TeamID != "" {
		team = ch.TeamID
	}
	return u.get(ctx, "/teams/"+team+"/members/"+p.UserID, nil)
}

var permalinkRE = regexp.MustCompile(`/pl/([a-z0-9]{26})`)

func (u *simUser) openPermalink(ctx context.Context) error {
	team, cur := u.current()
	if cur == nil {
		return nil
	}
	var pid string
	for _, p := range u.channelPosts(cur.ID) {
		if m := permalinkRE.FindStringSubmatch(p.Message); m != nil {
			pid = m[1]
		}
	}
	if pid == "" {
		return nil
	}
	q := url.Values{"direction": {"down"}, "perPage": {"25"}}
	if u.collapsedThreads() {
		q.Set("collapsedThreads", "true")
	}
	ids, err := u.getPosts(ctx, "/posts/"+pid+"/thread?"+q.Encode())
	if err != nil || len(ids) == 0 {
		return err
	}
	oldest, _ := u.post(ids[0])
	ch, err := u.threadChannel(ctx, &ltThread{Post: oldest})
	if err != nil {
		return err
	}
	u.mu.Lock()
	member := u.members[ch.ID]
	u.mu.Unlock()
	if !member {
		if _, err := u.do(ctx, "GET", "/channels/"+ch.ID+"/members/"+u.id, nil, nil, nil, http.StatusForbidden); err != nil {
			var exp errExpected
			if !errors.As(err, &exp) {
				return err
			}
			if ch.Type != "P" {
				if err := u.addChannelMember(ctx, ch.ID, u.id); err != nil {
					return err
				}
			}
		}
	}
	if err := u.getChannelsForTeam(ctx, team, false); err != nil {
		return err
	}
	if err := u.getChannelMembersForUser(ctx, team); err != nil {
		return err
	}
	if err := u.viewChannel(ctx, ch); err != nil {
		return err
	}
	u.mu.Lock()
	u.channel = ch.ID
	u.mu.Unlock()
	return nil
}

func (u *simUser) reconnectWebSocket(ctx context.Context) error {
	team, ch := u.current()
	if team != "" {
		if err := u.getChannelsForTeam(ctx, team, false); err != nil {
			return err
		}
		if err := u.getChannelMembersForUser(ctx, team); err != nil {
			return err
		}
		if ch == nil {
			return nil
		}
		posts := u.channelPosts(ch.ID)
		if len(posts) > 0 {
			crt := u.collapsedThreads()
			if _, err := u.getPosts(ctx, fmt.Sprintf("/channels/%s/posts?since=%d&collapsedThreads=%t", ch.ID, posts[len(posts)-1].CreateAt, crt)); err != nil {
				return err
			}
			ids := map[string]bool{}
			for _, p := range posts {
				ids[p.UserID] = true
			}
			u.mu.Lock()
			for _, p := range u.prefs {
				if p.Category == "direct_channel_show" {
					ids[p.Name] = true
				}
			}
			u.mu.Unlock()
			if err := u.getStatuses(ctx, sortedKeys(ids)); err != nil {
				return err
			}
		}
		if err := u.get(ctx, fmt.Sprintf("/users/%s/teams/unread?include_collapsed_threads=%t", u.id, u.collapsedThreads()), nil); err != nil {
			return err
		}
	}
	if err := u.get(ctx, "/plugins/webapp", nil); err != nil {
		return err
	}
	u.mu.Lock()
	ids := make([]string, 0, len(u.users))
	for id := range u.users {
		ids = append(ids, id)
	}
	u.mu.Unlock()
	if len(ids) == 0 {
		return nil
	}
	return u.getUsersByIDs(ctx, ids, time.Now().UnixMilli())
}

func (u *simUser) generateUserReport(ctx context.Context) error {
	u.mu.Lock()
	admin := slices.Contains(u.roles, "system_admin")
	u.mu.Unlock()
	if !admin {
		return nil
	}
	q := url.Values{"sort_column": {"Username"}, "page_size": {"50"}}
	for {
		var rep []struct {
			ID       string `json:"id"`
			Username string `json:"username"`
		}
		if err := u.get(ctx, "/reports/users?"+q.Encode(), &rep); err != nil {
			return err
		}
		if len(rep) < 50 {
			return nil
		}
		q.Set("from_column_value", rep[len(rep)-1].Username)
		q.Set("from_id", rep[len(rep)-1].ID)
	}
}

func (u *simUser) fullReload(ctx context.Context) error { return u.reload(ctx, true) }

func (u *simUser) logoutLogin(ctx context.Context) error {
	u.disconnect()
	if err := u.send(ctx, "POST", "/users/logout", nil, nil); err != nil {
		u.r.errs.addKind("logout")
	}
	u.clear()
	u.mu.Lock()
	u.token = ""
	u.mu.Unlock()
	if err := u.login(ctx); err != nil {
		u.r.errs.addKind("login")
	}
	return u.reload(ctx, false)
}

// --- statuses, preferences, categories, attributes ---------------------------

func (u *simUser) updateCustomStatus(ctx context.Context) error {
	return u.send(ctx, "PUT", "/users/"+u.id+"/status/custom", map[string]any{"emoji": ":" + ltngEmoji[rand.IntN(len(ltngEmoji))] + ":",
		"text": ltngWords[rand.IntN(len(ltngWords))], "duration": "thirty_minutes",
		"expires_at": time.Now().UTC().Add(30 * time.Minute).Format(time.RFC3339)}, nil)
}

func (u *simUser) removeCustomStatus(ctx context.Context) error {
	return u.send(ctx, "DELETE", "/users/"+u.id+"/status/custom", nil, nil)
}

func (u *simUser) createSidebarCategory(ctx context.Context) error {
	team, _ := u.current()
	var cat ltCategory
	if err := u.send(ctx, "POST", "/users/"+u.id+"/teams/"+team+"/channels/categories", map[string]any{"user_id": u.id, "team_id": team,
		"display_name": "category" + ltngWords[rand.IntN(len(ltngWords))]}, &cat); err != nil {
		return err
	}
	u.mu.Lock()
	u.cats[team] = append(u.cats[team], cat)
	u.mu.Unlock()
	return nil
}

func (u *simUser) updateSidebarCategory(ctx context.Context) error {
	team, _ := u.current()
	u.mu.Lock()
	cats := u.cats[team]
	u.mu.Unlock()
	if len(cats) == 0 {
		return errors.New("updateSidebarCategory: no categories")
	}
	c1, c2 := cats[rand.IntN(len(cats))], cats[rand.IntN(len(cats))]
	if c1.ID == c2.ID || len(c1.Channels) <= 1 {
		return nil
	}
	i := rand.IntN(len(c1.Channels))
	moved := c1.Channels[i]
	c1.Channels = append(slices.Clone(c1.Channels[:i]), c1.Channels[i+1:]...)
	c2.Channels = append(slices.Clone(c2.Channels), moved)
	var out []ltCategory
	if err := u.send(ctx, "PUT", "/users/"+u.id+"/teams/"+team+"/channels/categories", []ltCategory{c1, c2}, &out); err != nil {
		return err
	}
	u.mu.Lock()
	for j, c := range u.cats[team] {
		switch c.ID {
		case c1.ID:
			u.cats[team][j] = c1
		case c2.ID:
			u.cats[team][j] = c2
		}
	}
	u.mu.Unlock()
	return nil
}

func (u *simUser) updateCustomAttribute(ctx context.Context) error {
	u.mu.Lock()
	var field string
	if len(u.cpaFields) > 0 {
		field = u.cpaFields[rand.IntN(len(u.cpaFields))]
	}
	u.mu.Unlock()
	if field == "" {
		return nil
	}
	return u.send(ctx, "PATCH", "/custom_profile_attributes/values", map[string]string{field: ltngWords[rand.IntN(len(ltngWords))]}, nil)
}

// --- drafts, bookmarks, scheduled posts ---------------------------------------

func (u *simUser) draftsEnabled() bool {
	v, _ := strconv.ParseBool(u.cfgVal("AllowSyncedDrafts"))
	return v
}

func (u *simUser) getDrafts(ctx context.Context) error {
	if !u.draftsEnabled() {
		return nil
	}
	team, _ := u.current()
	return u.get(ctx, "/users/"+u.id+"/teams/"+team+"/drafts", nil)
}

func (u *simUser) upsertDraft(ctx context.Context) error {
	if !u.draftsEnabled() {
		return nil
	}
	team, ch := u.current()
	if ch == nil {
		return nil
	}
	root := ""
	if rand.Float64() < 0.87 {
		p, ok := u.randomPost(ch.ID, "", false)
		if !ok {
			return nil
		}
		if root = p.RootID; root == "" {
			root = p.ID
		}
	}
	if err := u.sendTypingIfEnabled(ctx, ch); err != nil {
		return err
	}
	msg, err := u.createMessage(ctx, ch, false)
	if err != nil {
		return err
	}
	draft := map[string]any{"message": msg, "channel_id": ch.ID, "root_id": root, "create_at": time.Now().UnixMilli(), "user_id": u.id}
	if rand.Float64() < 0.02 {
		ids, err := u.uploadFiles(ctx, ch.ID)
		if err != nil {
			return err
		}
		draft["file_ids"] = ids
	}
	if err := u.send(ctx, "POST", "/drafts", draft, nil); err != nil {
		return err
	}
	u.mu.Lock()
	u.drafts[team] = append(u.drafts[team], ltDraft{ch.ID, root})
	u.mu.Unlock()
	return nil
}

// deleteDraft deletes a random stored draft of the team: the tool keys its
// drafts by root id (or channel id) and sends that key as the root id with
// the current channel's id.
func (u *simUser) deleteDraft(ctx context.Context) error {
	if !u.draftsEnabled() {
		return nil
	}
	team, ch := u.current()
	if ch == nil {
		return nil
	}
	u.mu.Lock()
	ds := u.drafts[team]
	var key string
	if len(ds) > 0 {
		k := rand.IntN(len(ds))
		key = ds[k].RootID
		if key == "" {
			key = ds[k].ChannelID
		}
		u.drafts[team] = slices.Delete(ds, k, k+1)
	}
	u.mu.Unlock()
	if key == "" {
		return nil
	}
	return u.send(ctx, "DELETE", "/users/"+u.id+"/channels/"+ch.ID+"/drafts/"+key, nil, nil)
}

func (u *simUser) addChannelBookmark(ctx context.Context) error {
	if !u.flag("ChannelBookmarks") {
		return nil
	}
	_, ch := u.current()
	if ch == nil {
		return nil
	}
	b := map[string]any{"channel_id": ch.ID, "display_name": ltngWords[rand.IntN(len(ltngWords))], "type": "link",
		"link_url": ltngLinks[rand.IntN(len(ltngLinks))]}
	if rand.Float64() < 0.1 {
		b["emoji"] = ":" + ltngEmoji[rand.IntN(len(ltngEmoji))] + ":"
	}
	if rand.IntN(2) == 0 {
		ids, err := u.uploadFiles(ctx, ch.ID)
		if err != nil {
			return err
		}
		b["type"], b["file_id"] = "file", ids[0]
		delete(b, "link_url")
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := u.send(ctx, "POST", "/channels/"+ch.ID+"/bookmarks", b, &out); err != nil {
		return err
	}
	u.mu.Lock()
	u.bookmarks[ch.ID] = append(u.bookmarks[ch.ID], out.ID)
	u.mu.Unlock()
	return nil
}

func (u *simUser) randomBookmark(minN int) (string, string, int) {
	_, ch := u.current()
	if ch == nil {
		return "", "", 0
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	bs := u.bookmarks[ch.ID]
	if len(bs) < minN {
		return "", "", 0
	}
	return ch.ID, bs[rand.IntN(len(bs))], len(bs)
}

func (u *simUser) updateBookmark(ctx context.Context) error {
	if !u.flag("ChannelBookmarks") {
		return nil
	}
	ch, id, _ := u.randomBookmark(1)
	if id == "" {
		return u.addChannelBookmark(ctx)
	}
	return u.send(ctx, "PATCH", "/channels/"+ch+"/bookmarks/"+id, map[string]any{"display_name": ltngWords[rand.IntN(len(ltngWords))]}, nil)
}

func (u *simUser) deleteBookmark(ctx context.Context) error {
	if !u.flag("ChannelBookmarks") {
		return nil
	}
	ch, id, _ := u.randomBookmark(1)
	if id == "" {
		return nil
	}
	if err := u.send(ctx, "DELETE", "/channels/"+ch+"/bookmarks/"+id, nil, nil); err != nil {
		return err
	}
	u.mu.Lock()
	u.bookmarks[ch] = slices.DeleteFunc(u.bookmarks[ch], func(s string) bool { return s == id })
	u.mu.Unlock()
	return nil
}

func (u *simUser) updateBookmarksSortOrder(ctx context.Context) error {
	if !u.flag("ChannelBookmarks") {
		return nil
	}
	ch, id, n := u.randomBookmark(2)
	if id == "" {
		return nil
	}
	return u.send(ctx, "POST", "/channels/"+ch+"/bookmarks/"+id+"/sort_order", rand.Int64N(int64(n)), nil)
}

func (u *simUser) scheduledPostsEnabled() bool {
	v, _ := strconv.ParseBool(u.cfgVal("ScheduledPosts"))
	return v
}

// The scheduled-post actions do nothing while the server's ScheduledPosts
// setting is off (Parley's default, as Mattermost's), as in the tool.
func (u *simUser) createScheduledPost(ctx context.Context) error {
	if !u.scheduledPostsEnabled() {
		return nil
	}
	_, ch := u.current()
	if ch == nil {
		return nil
	}
	msg, err := u.createMessage(ctx, ch, false)
	if err != nil {
		return err
	}
	at := time.Now().Add(48*time.Hour + time.Duration(rand.Int64N(int64(8*24*time.Hour)))).UnixMilli()
	return u.send(ctx, "POST", "/posts/schedule", map[string]any{"message": msg, "channel_id": ch.ID, "create_at": time.Now().UnixMilli(), "scheduled_at": at}, nil)
}

func (u *simUser) updateScheduledPost(ctx context.Context) error { return u.scheduledPostsOff() }
func (u *simUser) deleteScheduledPost(ctx context.Context) error { return u.scheduledPostsOff() }
func (u *simUser) sendScheduledPost(ctx context.Context) error   { return u.scheduledPostsOff() }

// scheduledPostsOff: the update, delete and send actions need a stored
// scheduled post, which only exists with the setting on.
func (u *simUser) scheduledPostsOff() error { return nil }
