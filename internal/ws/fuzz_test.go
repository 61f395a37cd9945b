package ws

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/bus"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store/sqlstore"
)

// FuzzActionFrame feeds arbitrary client frames through the same decoding as
// the read loop and, for those that decode, through the action router of an
// authenticated connection on a real app: never a panic, and every refusal
// is a 4xx AppError (or the reference's 500 for an unknown action).
func FuzzActionFrame(f *testing.F) {
	ctx := context.Background()
	dir := f.TempDir()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := sqlstore.Open(ctx, "", dir, log)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	cfg := config.Default()
	cfg.DataDir = dir
	a := app.New(st, bus.NewLocal(), cfg, log)
	h := NewHub(a, log, DefaultOptions())
	f.Cleanup(h.Close)
	u, err := a.CreateUser(ctx, app.SystemSession(), &model.User{Username: "fuzz", Email: "fuzz@example.com", Password: "password-fuzz"}, "")
	if err != nil {
		f.Fatal(err)
	}
	_, sess, err := a.Login(ctx, app.LoginRequest{LoginID: "fuzz", Password: "password-fuzz"}, "fuzz")
	if err != nil {
		f.Fatal(err)
	}
	c := &conn{hub: h, id: model.NewID(), userID: u.ID, sess: sess}
	id := model.NewID()
	for _, seed := range []string{
		`{"seq":1,"action":"ping"}`, `{"seq":2,"action":"user_typing","data":{"channel_id":"` + id + `","parent_id":""}}`,
		`{"seq":3,"action":"get_statuses"}`, `{"seq":4,"action":"get_statuses_by_ids","data":{"user_ids":["` + u.ID + `"]}}`,
		`{"seq":5,"action":"user_update_active_status","data":{"user_is_active":true}}`, `{"seq":6,"action":"presence"}`,
		`{"seq":7,"action":"authentication_challenge","data":{"token":"x"}}`, `{"seq":-1,"action":""}`, `{"seq":1,"action":"nope"}`,
		`{"seq":1,"action":"user_typing","data":"str"}`, `{"seq":1e99}`, `[]`, `null`, `{"data":{"user_ids":[1,2]}}`, "\xff",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		var req request
		if json.Unmarshal(frame, &req) != nil || req.Action == "authentication_challenge" || req.Seq <= 0 || req.Action == "" {
			return // closed, ignored or refused by the read loop before any action runs
		}
		_, appErr := h.action(c, &req)
		if appErr == nil {
			return
		}
		if appErr.ID == "api.web_socket_router.bad_action.app_error" {
			return
		}
		if appErr.StatusCode < http.StatusBadRequest || appErr.StatusCode >= http.StatusInternalServerError {
			t.Fatalf("frame %q: %d %s", frame, appErr.StatusCode, appErr.ID)
		}
	})
}
