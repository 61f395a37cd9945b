package ws

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
)

// request is a client action (reference §3.2).
type request struct {
	Seq    int64           `json:"seq"`
	Action string          `json:"action"`
	Data   json.RawMessage `json:"data"`
}

// reply answers one request; it carries no event seq (reference §3.3).
type reply struct {
	Status   string          `json:"status"`
	SeqReply int64           `json:"seq_reply,omitempty"`
	Data     any             `json:"data,omitempty"`
	Error    *model.AppError `json:"error,omitempty"`
}

func invalidParam(name string) *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "api.websocket_handler.invalid_param.app_error",
		"Invalid "+name+" parameter.")
}

// challenge authenticates an unauthenticated socket by data.token.
func (h *Hub) challenge(s *socket, req *request, resumeID, resumeSeq string) (*conn, error) {
	var d struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(req.Data, &d); err != nil || d.Token == "" {
		return nil, errors.New("authentication_challenge without a token")
	}
	sess, err := h.app.SocketSession(h.ctx, d.Token)
	if ae := (*model.AppError)(nil); errors.As(err, &ae) && ae.ID == app.ErrMFASetupRequired().ID {
		// Told why, as the API tells them, before the socket closes.
		if rerr := s.fail(req.Seq, ae); rerr != nil {
			return nil, rerr
		}
		return nil, err
	} else if err != nil {
		return nil, err
	}
	if err := s.reply(reply{Status: "OK", SeqReply: req.Seq}); err != nil {
		return nil, err
	}
	return h.attach(s, sess, resumeID, resumeSeq)
}

// act answers one action on socket s of connection c (nil before
// authentication). Only a failed write is returned: it ends the socket.
func (h *Hub) act(s *socket, c *conn, req *request) error {
	if c == nil {
		// Mattermost sends its error through the hub, which drops messages for
		// a socket that is not registered yet: the client hears nothing.
		return nil
	}
	if req.Seq <= 0 {
		return s.fail(req.Seq, model.NewAppError(http.StatusBadRequest, "api.web_socket_router.bad_seq.app_error",
			"Invalid sequence for WebSocket message."))
	}
	if req.Action == "" {
		return s.fail(req.Seq, model.NewAppError(http.StatusBadRequest, "api.web_socket_router.no_action.app_error",
			"No websocket action."))
	}
	data, appErr := h.action(c, req)
	if appErr != nil {
		return s.fail(req.Seq, appErr)
	}
	return s.reply(reply{Status: "OK", SeqReply: req.Seq, Data: data})
}

// action runs one authenticated action and returns the reply's data.
func (h *Hub) action(c *conn, req *request) (any, *model.AppError) {
	switch req.Action {
	case "ping":
		return map[string]any{"text": "pong", "version": app.MattermostVersion, "server_time": model.Now(),
			"node_id": ""}, nil
	case "user_typing":
		var d struct {
			ChannelID string `json:"channel_id"`
			ParentID  string `json:"parent_id"`
		}
		if json.Unmarshal(req.Data, &d) != nil || !model.IsValidID(d.ChannelID) {
			return nil, invalidParam("channel_id")
		}
		if d.ParentID != "" && !model.IsValidID(d.ParentID) {
			return nil, invalidParam("parent_id")
		}
		h.activity(c.userID)
		// Over the limit, the action is answered OK as usual and nothing is
		// broadcast: typing is a hint, and a client has nothing to retry.
		cfg := h.app.Config()
		if !c.typingAllowed(cfg.RateLimitEnabled, cfg.RateLimitPerSec, cfg.RateLimitBurst, time.Now()) {
			if h.opts.Metrics != nil {
				h.opts.Metrics.EventDropped("typing_throttled")
			}
			return nil, nil
		}
		if err := h.app.UserTyping(h.ctx, c.sess, c.userID, d.ChannelID, d.ParentID); err != nil {
			return nil, invalidParam("channel_id")
		}
		return nil, nil
	case "get_statuses":
		return h.statuses(h.connectedUsers())
	case "get_statuses_by_ids":
		var d struct {
			UserIDs []string `json:"user_ids"`
		}
		if json.Unmarshal(req.Data, &d) != nil || len(d.UserIDs) == 0 {
			return nil, invalidParam("user_ids")
		}
		for _, id := range d.UserIDs {
			if !model.IsValidID(id) {
				return nil, invalidParam("user_ids")
			}
		}
		return h.statuses(d.UserIDs)
	case "user_update_active_status":
		var d struct {
			Active *bool `json:"user_is_active"`
		}
		if json.Unmarshal(req.Data, &d) != nil || d.Active == nil {
			return nil, invalidParam("user_is_active")
		}
		// Inactivity is left to the hub's away timer, which measures the same thing.
		if *d.Active {
			h.activity(c.userID)
		}
		return nil, nil
	case "presence":
		h.activity(c.userID)
		return nil, nil
	case "posted_notify_ack":
		return nil, nil
	}
	return nil, model.NewAppError(http.StatusInternalServerError, "api.web_socket_router.bad_action.app_error",
		"Unknown WebSocket action.")
}

func (h *Hub) statuses(ids []string) (any, *model.AppError) {
	m, err := h.app.StatusMap(h.ctx, ids)
	if err != nil {
		var ae *model.AppError
		if errors.As(err, &ae) {
			return nil, ae
		}
		return nil, model.ErrInternal(err)
	}
	return m, nil
}

// connectedUsers lists the users with a connection to this node: get_statuses
// answers for them, as Mattermost answers from its status cache.
func (h *Hub) connectedUsers() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	ids := make([]string, 0, len(h.users))
	for id := range h.users {
		ids = append(ids, id)
	}
	return ids
}

func (s *socket) fail(seq int64, e *model.AppError) error {
	out := *e
	out.DetailedError = ""
	return s.reply(reply{Status: "FAIL", SeqReply: seq, Error: &out})
}

// reply writes a response directly: replies take no event number and need no
// queue (batchConn serialises the writers of a socket).
func (s *socket) reply(r reply) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return s.out.writeFrames(func(buf []byte) []byte {
		return append(appendTextHeader(buf, len(b)), b...)
	})
}
