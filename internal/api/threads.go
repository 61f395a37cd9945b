package api

import (
	"strconv"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Collapsed reply threads: a user's followed threads in a team.
func (h *Handler) threadRoutes() {
	h.get("/users/{user_id}/teams/{team_id}/threads", h.userThreads)
	h.put("/users/{user_id}/teams/{team_id}/threads/read", h.readAllThreads)
	h.get("/users/{user_id}/teams/{team_id}/threads/{thread_id}", h.userThread)
	h.put("/users/{user_id}/teams/{team_id}/threads/{thread_id}/read/{timestamp:name}", h.readThread)
	h.post("/users/{user_id}/teams/{team_id}/threads/{thread_id}/set_unread/{post_id}", h.setThreadUnread)
	h.put("/users/{user_id}/teams/{team_id}/threads/{thread_id}/following", h.followThread)
	h.delete("/users/{user_id}/teams/{team_id}/threads/{thread_id}/following", h.unfollowThread)
}

// defaultThreadsPerPage is Mattermost's page size for thread lists.
const defaultThreadsPerPage = 30

func (h *Handler) userThreads(c *Context) error {
	userID, teamID, err := c.userTeamParams()
	if err != nil {
		return err
	}
	q := app.ThreadsQuery{Extended: c.boolQuery("extended"), TotalsOnly: c.boolQuery("totalsOnly"),
		ThreadsOnly: c.boolQuery("threadsOnly")}
	q.Deleted, q.Unread = c.boolQuery("deleted"), c.boolQuery("unread")
	if q.Since, err = c.int64Query("since"); err != nil {
		return err
	}
	for name, dst := range map[string]*string{"before": &q.Before, "after": &q.After} {
		if v := c.query(name); v != "" {
			if !model.IsValidID(v) {
				return model.ErrInvalidURLParam(name)
			}
			*dst = v
		}
	}
	// Current clients send per_page, older ones pageSize.
	perPage := defaultThreadsPerPage
	for _, name := range []string{"pageSize", "per_page"} {
		if v := c.query(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return model.ErrInvalidURLParam(name)
			}
			perPage = min(n, 200)
		}
	}
	if perPage == 0 {
		perPage = defaultThreadsPerPage
	}
	page, err := c.int64Query("page")
	if err != nil {
		return err
	}
	q.Page = store.Page{Offset: int(page) * perPage, Limit: perPage}
	out, err := c.app.UserThreads(c.ctx, c.Session, userID, teamID, q)
	if err != nil {
		return err
	}
	return c.ok(out)
}

// threadParams reads {user_id}, {team_id} and {thread_id}.
func (c *Context) threadParams() (userID, teamID, threadID string, err error) {
	if userID, teamID, err = c.userTeamParams(); err != nil {
		return "", "", "", err
	}
	threadID, err = c.idParam("thread_id")
	return userID, teamID, threadID, err
}

func (h *Handler) userThread(c *Context) error {
	userID, teamID, threadID, err := c.threadParams()
	if err != nil {
		return err
	}
	t, err := c.app.UserThread(c.ctx, c.Session, userID, teamID, threadID, c.boolQuery("extended"))
	if err != nil {
		return err
	}
	return c.ok(t)
}

func (h *Handler) readThread(c *Context) error {
	userID, teamID, threadID, err := c.threadParams()
	if err != nil {
		return err
	}
	ts, err := strconv.ParseInt(c.param("timestamp"), 10, 64)
	if err != nil || ts < 0 {
		return model.ErrInvalidURLParam("timestamp")
	}
	t, err := c.app.ReadThread(c.ctx, c.Session, userID, teamID, threadID, ts)
	if err != nil {
		return err
	}
	return c.ok(t)
}

func (h *Handler) setThreadUnread(c *Context) error {
	userID, teamID, threadID, err := c.threadParams()
	if err != nil {
		return err
	}
	postID, err := c.idParam("post_id")
	if err != nil {
		return err
	}
	t, err := c.app.SetThreadUnread(c.ctx, c.Session, userID, teamID, threadID, postID)
	if err != nil {
		return err
	}
	return c.ok(t)
}

func (h *Handler) followThread(c *Context) error   { return h.setFollowing(c, true) }
func (h *Handler) unfollowThread(c *Context) error { return h.setFollowing(c, false) }

func (h *Handler) setFollowing(c *Context, follow bool) error {
	userID, teamID, threadID, err := c.threadParams()
	if err != nil {
		return err
	}
	if err := c.app.FollowThread(c.ctx, c.Session, userID, teamID, threadID, follow); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) readAllThreads(c *Context) error {
	userID, teamID, err := c.userTeamParams()
	if err != nil {
		return err
	}
	if err := c.app.ReadAllThreads(c.ctx, c.Session, userID, teamID); err != nil {
		return err
	}
	return c.statusOK()
}
