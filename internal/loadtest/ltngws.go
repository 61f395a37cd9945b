package loadtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

type atomicCounter = atomic.Int64

// rawBody is a request body sent as it is (a multipart upload).
type rawBody []byte

func newMultipart(w io.Writer) *multipart.Writer { return multipart.NewWriter(w) }

// ltngAttachment is a small PNG, as the tool attaches images from its assets.
func ltngAttachment() (string, []byte) {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 128, 255})
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return "test.png", b.Bytes()
}

// newID is model.NewId's shape: 26 lowercase base32 characters.
func newID() string {
	const alphabet = "ybndrfg8ejkmcpqxot1uwisza345h769"
	var b [26]byte
	rand.Read(b[:])
	for i := range b {
		b[i] = alphabet[b[i]%32]
	}
	return string(b[:])
}

// ltSocket is the user's WebSocket as userentity.listen keeps it: it
// reconnects with connection_id and sequence_number after a drop or a
// missed event, 3 s after a failure (longer after 7), like the webapp.
type ltSocket struct {
	u      *simUser
	cancel context.CancelFunc
	done   chan struct{}

	mu     sync.Mutex
	conn   *websocket.Conn
	seq    int64 // of the client's actions
	connID string
	srvSeq int64 // the next server event sequence expected
}

func (u *simUser) connect(ctx context.Context) error {
	u.mu.Lock()
	if u.sockets != nil {
		u.mu.Unlock()
		return errors.New("already connected")
	}
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s := &ltSocket{u: u, cancel: cancel, done: make(chan struct{})}
	u.sockets = s
	u.mu.Unlock()
	go func() {
		<-ctx.Done()
		cancel()
	}()
	go s.listen(sctx)
	go u.periodic(sctx)
	return nil
}

func (u *simUser) disconnect() {
	u.mu.Lock()
	s := u.sockets
	u.sockets = nil
	u.mu.Unlock()
	if s == nil {
		return
	}
	s.cancel()
	<-s.done
}

// wsSend sends a client action on the current connection, if any.
func (u *simUser) wsSend(action string, data map[string]any) error {
	u.mu.Lock()
	s := u.sockets
	u.mu.Unlock()
	if s == nil {
		return errors.New("user is not connected")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		return nil // reconnecting: the tool drops what it sends meanwhile
	}
	s.seq++
	b, _ := json.Marshal(map[string]any{"seq": s.seq, "action": action, "data": data})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.conn.Write(ctx, websocket.MessageText, b)
}

func (s *ltSocket) listen(ctx context.Context) {
	defer close(s.done)
	fails := 0
	for ctx.Err() == nil {
		s.mu.Lock()
		q := fmt.Sprintf("?connection_id=%s&sequence_number=%d", s.connID, s.srvSeq)
		s.mu.Unlock()
		s.u.mu.Lock()
		tok := s.u.token
		s.u.mu.Unlock()
		wsURL := "ws" + strings.TrimPrefix(s.u.r.base, "http") + "/api/v4/websocket" + q
		conn, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + tok}}})
		if err == nil {
			conn.SetReadLimit(1 << 22)
			s.u.r.count("ws_connects")
			s.mu.Lock()
			s.conn, s.seq = conn, 0
			s.mu.Unlock()
			err = s.read(ctx, conn)
			s.mu.Lock()
			s.conn = nil
			s.mu.Unlock()
			conn.CloseNow()
		}
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, errSeqMismatch) {
			s.u.r.count("ws_resumes_after_missed_event")
			continue
		}
		s.u.r.errs.addKind("websocket: " + stripIDs(errText(err)))
		fails++
		wait := 3 * time.Second
		if fails > 7 {
			wait = min(wait*time.Duration(fails*fails), 5*time.Minute)
		}
		if !s.u.r.wait(ctx, wait) {
			return
		}
	}
}

func errText(err error) string {
	if err == nil {
		return "closed by the server"
	}
	return err.Error()
}

var errSeqMismatch = errors.New("mismatch in server sequence number")

// read handles events until the connection ends: userentity.wsEventHandler
// (sequence check, posts and reactions into the store) and simulcontroller's
// wsEventHandler (acks, missing channel members, typing users' statuses).
func (s *ltSocket) read(ctx context.Context, conn *websocket.Conn) error {
	u := s.u
	for {
		_, data, err := conn.Read(ctx)
		if err != nil {
			return err
		}
		var ev struct {
			Event     string          `json:"event"`
			Data      json.RawMessage `json:"data"`
			Seq       int64           `json:"seq"`
			Broadcast struct {
				ChannelID string `json:"channel_id"`
			} `json:"broadcast"`
		}
		if json.Unmarshal(data, &ev) != nil || ev.Event == "" {
			continue // a reply to an action
		}
		var d map[string]any
		json.Unmarshal(ev.Data, &d)
		s.mu.Lock()
		if ev.Event == "hello" {
			if id, _ := d["connection_id"].(string); id != "" {
				if s.connID != "" && s.connID != id {
					s.srvSeq = 0
				}
				s.connID = id
			}
		}
		if ev.Seq != s.srvSeq {
			s.mu.Unlock()
			return errSeqMismatch
		}
		s.srvSeq = ev.Seq + 1
		s.mu.Unlock()
		u.r.count("ws_events")
		switch ev.Event {
		case "posted", "post_edited", "post_deleted":
			var p ltPost
			raw, _ := d["post"].(string)
			if json.Unmarshal([]byte(raw), &p) != nil {
				u.r.errs.addKind("websocket: " + ev.Event + " without a post")
				continue
			}
			u.mu.Lock()
			switch {
			case ev.Event == "post_deleted":
				u.posts = deletePosts(u.posts, p.ID)
			case u.channel == p.ChannelID:
				u.storePost(p)
			}
			member := u.members[p.ChannelID]
			u.mu.Unlock()
			if ev.Event != "posted" {
				continue
			}
			if ack, _ := d["should_ack"].(bool); ack {
				u.wsSend("posted_notify_ack", map[string]any{"post_id": p.ID, "user_agent": "LoadTest", "status": "success", "reason": "", "data": ""})
			}
			if !member {
				go func() {
					if u.get(ctx, "/channels/"+p.ChannelID+"/members/"+u.id, nil) == nil {
						u.mu.Lock()
						u.members[p.ChannelID] = true
						u.mu.Unlock()
					}
				}()
			}
		case "reaction_added", "reaction_removed":
			var r struct {
				UserID    string `json:"user_id"`
				PostID    string `json:"post_id"`
				EmojiName string `json:"emoji_name"`
			}
			raw, _ := d["reaction"].(string)
			if json.Unmarshal([]byte(raw), &r) != nil {
				continue
			}
			u.mu.Lock()
			rs := u.reactions[r.PostID]
			if ev.Event == "reaction_added" {
				if len(rs) < 10 {
					u.reactions[r.PostID] = append(rs, ltReaction{r.UserID, r.EmojiName})
				}
			} else {
				u.reactions[r.PostID] = deleteReaction(rs, r.UserID, r.EmojiName)
			}
			u.mu.Unlock()
		case "typing":
			id, _ := d["user_id"].(string)
			if id == "" {
				continue
			}
			u.mu.Lock()
			_, known := u.users[id]
			hasStatus := u.statuses[id]
			u.mu.Unlock()
			switch {
			case known && !hasStatus:
				go u.getStatuses(ctx, []string{id})
			case !known:
				go func() {
					if u.getUsersByIDs(ctx, []string{id}, 0) == nil {
						u.getStatuses(ctx, []string{id})
					}
				}()
			}
		}
	}
}

func deletePosts(ps []ltPost, id string) []ltPost {
	out := ps[:0]
	for _, p := range ps {
		if p.ID != id {
			out = append(out, p)
		}
	}
	return out
}

func deleteReaction(rs []ltReaction, user, emoji string) []ltReaction {
	out := rs[:0]
	for _, r := range rs {
		if r.UserID != user || r.Emoji != emoji {
			out = append(out, r)
		}
	}
	return out
}

// periodic is simulcontroller's periodicActions: every 60 s the statuses of
// the current channel's posters and the DM users, and every 60 s the
// client performance report.
func (u *simUser) periodic(ctx context.Context) {
	start := time.Now()
	// The first report carries the client id and labels; the tool then
	// resets it to a bare start time (userentity.SubmitPerformanceReport).
	report := map[string]any{"client_id": newID(), "labels": map[string]string{"platform": "other", "agent": "other"}}
	for {
		if !u.r.wait(ctx, 60*time.Second) {
			return
		}
		if err := u.statusesOfChannel(ctx); err != nil && ctx.Err() == nil {
			u.r.errs.addKind("getUsersStatuses")
		}
		end := time.Now()
		report["version"], report["start"], report["end"] = "0.1.0", start.UnixMilli(), end.UnixMilli()
		start = end
		if err := u.send(ctx, "POST", "/client_perf", report, nil); err != nil && ctx.Err() == nil {
			u.r.errs.addKind("submitPerformanceReport")
		}
		report = map[string]any{}
	}
}

func (u *simUser) statusesOfChannel(ctx context.Context) error {
	_, ch := u.current()
	if ch == nil {
		return nil
	}
	posts := u.channelPosts(ch.ID)
	ids := []string{u.id}
	seen := map[string]bool{u.id: true}
	for i := len(posts) - 1; i >= 0 && i >= len(posts)-60; i-- {
		if id := posts[i].UserID; id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	u.mu.Lock()
	for _, p := range u.prefs {
		if p.Category == "direct_channel_show" {
			ids = append(ids, p.Name)
		}
	}
	u.mu.Unlock()
	return u.getStatuses(ctx, ids)
}
