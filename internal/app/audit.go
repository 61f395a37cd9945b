package app

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// CommandLineSession is the system session of a command-line action by
// operator ("cli:root@host"), who is recorded as the actor of its changes.
func CommandLineSession(operator string) *model.Session {
	s := SystemSession()
	s.ID, s.Props["actor"] = "cli", operator
	return s
}

// audit records an action in the audit log: who (the user, or for the command
// line the operating-system user and host), from where (the client's address)
// and how (the session: an API session's id, "cli", or "system" for the
// server's own jobs). A failure to record is logged, not returned: the action
// itself has already happened (or failed) by then. The entry also goes to
// syslog when forwarding is on, recorded or not, so it is kept somewhere.
func (a *App) audit(ctx context.Context, s *model.Session, action, targetType, targetID string, success bool, details string) {
	e := &model.Audit{ID: model.NewID(), CreateAt: model.Now(), Action: action, TargetType: targetType, TargetID: targetID,
		Success: success, Details: details}
	e.IPAddress = ClientIP(ctx)
	if s != nil {
		e.ActorID, e.SessionID = s.UserID, s.ID
		if e.ActorID == "" {
			e.ActorID = s.Props["actor"]
		}
		if e.IPAddress == "" {
			e.IPAddress = s.Props["ip"]
		}
	}
	if err := a.store.SaveAudit(ctx, e); err != nil {
		a.log.WarnContext(ctx, "audit log", "action", action, "err", err)
	}
	a.forwardAudit(e)
}

// ConfigChanged records a change of a setting made outside the app (the
// command line edits the configuration file); value is as it may be shown.
func (a *App) ConfigChanged(ctx context.Context, s *model.Session, key, value string) {
	a.audit(ctx, s, model.AuditConfigChange, "config", key, true, key+"="+value)
}

type clientIPKey struct{}

// WithClientIP carries the address of the client a request came from (as the
// API resolved it, through trusted proxies) to the audit log and new sessions.
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientIPKey{}, ip)
}

// ClientIP is the address WithClientIP recorded; empty outside a request.
func ClientIP(ctx context.Context) string {
	ip, _ := ctx.Value(clientIPKey{}).(string)
	return ip
}

// AuditLogin logs in like Login and records the attempt, failed or not, with
// the caller's address (ClientIP).
func (a *App) AuditLogin(ctx context.Context, req LoginRequest, userAgent string) (*model.User, *model.Session, error) {
	u, s, err := a.Login(ctx, req, userAgent)
	who := &model.Session{}
	if err != nil {
		target := req.ID
		if target == "" {
			if found, ferr := a.lookupLogin(ctx, req.LoginID); ferr == nil {
				target = found.ID
			}
		}
		a.audit(ctx, who, model.AuditLoginFailed, "user", target, false, "login_id="+req.LoginID)
		return nil, nil, err
	}
	who.UserID, who.ID = u.ID, s.ID
	a.audit(ctx, who, model.AuditLogin, "user", u.ID, true, "")
	// The apps decide from the login answer whether to ask for the terms of
	// service; without it they ask again, which is safe, so the session stands.
	if err := a.addTermsOfService(ctx, u); err != nil {
		a.log.WarnContext(ctx, "terms of service of a login", "user", u.ID, "err", err)
	}
	return u, s, nil
}

func (a *App) lookupLogin(ctx context.Context, loginID string) (*model.User, error) {
	if u, err := a.store.GetUserByEmail(ctx, loginID); err == nil {
		return u, nil
	}
	return a.store.GetUserByUsername(ctx, loginID)
}

// Audits lists audit entries (system admins only).
func (a *App) Audits(ctx context.Context, s *model.Session, f store.AuditFilter) ([]*model.Audit, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	if f.Limit <= 0 || f.Limit > 10000 {
		f.Limit = 10000
	}
	if err := checkAuditRange(f); err != nil {
		return nil, err
	}
	out, err := a.store.ListAudits(ctx, f)
	return out, storeErr(err, nil)
}

func checkAuditRange(f store.AuditFilter) error {
	if f.Since > 0 && f.Until > 0 && f.Until <= f.Since {
		return model.NewAppError(http.StatusBadRequest, "app.audit.range.app_error", "The end of the range must come after its start.")
	}
	return nil
}

// AuditExportBatch is how many entries an audit export reads at a time.
const AuditExportBatch = 1000

// ExportAudits writes the entries f selects to w as JSON lines (one object
// a line, the fields of model.Audit), oldest first, reading batch entries at
// a time so that memory stays bounded whatever the size of the log. Without
// f.Until the export ends when it starts, so it does not chase entries added
// meanwhile. progress, if not nil, hears the count after each batch. The
// export is recorded in the audit log (audit.export) once written.
func (a *App) ExportAudits(ctx context.Context, s *model.Session, f store.AuditFilter, w io.Writer, batch int,
	progress func(written int64)) (int64, error) {
	if !a.IsAdmin(s) {
		return 0, model.ErrForbidden()
	}
	if err := checkAuditRange(f); err != nil {
		return 0, err
	}
	if batch <= 0 {
		batch = AuditExportBatch
	}
	if f.Until <= 0 {
		f.Until = model.Now() + 1
	}
	f.Limit, f.After = batch, &store.AuditCursor{}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false) // details hold URLs and <, > as written
	var n int64
	for {
		page, err := a.store.ListAudits(ctx, f)
		if err != nil {
			return n, storeErr(err, nil)
		}
		for _, e := range page {
			if err := enc.Encode(e); err != nil {
				return n, fmt.Errorf("write audit export: %w", err)
			}
			n++
		}
		if progress != nil {
			progress(n)
		}
		if len(page) < batch {
			break
		}
		last := page[len(page)-1]
		f.After = &store.AuditCursor{CreateAt: last.CreateAt, ID: last.ID}
	}
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("write audit export: %w", err)
	}
	targetType := "" // the whole log
	if f.UserID != "" {
		targetType = "user"
	}
	a.audit(ctx, s, model.AuditAuditExport, targetType, f.UserID, true,
		fmt.Sprintf("since=%d until=%d action=%s entries=%d", f.Since, f.Until, f.Action, n))
	return n, nil
}
