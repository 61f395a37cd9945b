package bulkio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/bulk"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Batch sizes: how many lines of one type one transaction applies. Posts come
// in the thousands, so that a million posts take two hundred transactions:
// each pays a commit, a look-up of the batch's existing posts per channel and
// statements of a few hundred rows; at 5,000 lines a batch holds a few MB and
// the fixed costs are a small part of it. Other objects carry memberships and
// preferences, and users may carry a password to hash, so their batches are
// smaller.
//
// A count alone does not bound a batch: one line may be 16 MB of replies, so
// a hundred lines reached 2.7 GB and held SQLite's writer for a minute while
// other users' posts waited. A batch therefore also ends at importBatchBytes
// of JSONL, and on SQLite that byte budget adapts so that one batch's
// transaction holds the writer for about importWriterHold (PostgreSQL's
// writers do not wait for each other): after each batch it is rescaled by
// how long the batch took (between importMinBatchBytes and
// importBatchBytes). One line is the smallest batch, as it is all or nothing.
const (
	importPostBatch     = 5000
	importOtherBatch    = 100
	importBatchBytes    = 4 << 20
	importMinBatchBytes = 16 << 10
	importWriterHold    = 250 * time.Millisecond
	maxReportedErrs     = 1000
)

// ImportOptions steer a bulk import.
type ImportOptions struct {
	// Apply writes to the database; without it the file is only checked.
	Apply bool
	// Workers apply batches of one type in parallel (default: number of CPUs).
	Workers int
	// Progress, when set, is called about once a second with the running totals.
	Progress func(ImportProgress)
}

// ImportProgress is the running state of an import.
type ImportProgress struct {
	Lines   int
	Posts   int64
	Bytes   int64 // bytes of the JSONL read so far
	Total   int64 // size of the JSONL, 0 if unknown
	Elapsed time.Duration
}

// ImportReport says what an import did and did not do.
type ImportReport struct {
	Applied bool `json:"applied"`
	// Lines is how many lines were read.
	Lines int `json:"lines"`
	// Imported counts what was written, by kind (teams, channels, users, posts, replies, reactions…).
	Imported map[string]int64 `json:"imported"`
	// Skipped explains what the file holds that was not imported.
	Skipped []string `json:"skipped,omitempty"`
	// Errors lists the problems found (at most maxReportedErrs; ErrorCount has the total).
	Errors     []*bulk.Error `json:"errors,omitempty"`
	ErrorCount int           `json:"error_count"`
	// NotImported says which lines were left out after an error, in apply mode.
	NotImported string `json:"not_imported,omitempty"`
	// Batches is how many transactions wrote the import.
	Batches int64         `json:"batches"`
	Took    time.Duration `json:"took"`
}

func (r *ImportReport) addErr(errs ...*bulk.Error) {
	for _, e := range errs {
		r.ErrorCount++
		if len(r.Errors) < maxReportedErrs {
			r.Errors = append(r.Errors, e)
		}
	}
}

// importRun holds the state of one run: the caches that turn names into ids,
// shared by the workers, and the counters of the report.
type importRun struct {
	a       *app.App
	src     *bulk.Source
	mu      sync.Mutex
	teams   map[string]*model.Team    // name → team
	chans   map[string]*model.Channel // team/name → channel
	users   map[string]string         // username → id
	counts  map[string]*atomic.Int64
	skipped map[string]int
	// writeMu serialises transactions on SQLite, which has one writer: workers
	// queue here instead of spinning in SQLite's busy handler.
	writeMu sync.Mutex
	serial  bool
	// creatorID owns imported custom emoji: the admin who runs the import.
	creatorID string
	// postIDs names new posts in increasing order, so that they are appended
	// to the posts table's primary key instead of landing all over it.
	postIDs *model.IDSeq
	// analyzeAt is the count of imported posts at which the planner's
	// statistics are refreshed next; it doubles each time (analyzeMu).
	analyzeMu sync.Mutex
	analyzeAt int64
	// batchBytes is the JSONL bytes a batch gathers before it is applied; it
	// adapts to how long batches hold the writer (see importWriterHold).
	batchBytes atomic.Int64
	// batches counts the committed transactions.
	batches atomic.Int64
}

// tuneBatch rescales the batch byte budget after a batch of size bytes held
// the writer for took.
func (run *importRun) tuneBatch(size int64, took time.Duration) {
	if took <= 0 || size <= 0 {
		return
	}
	next := int64(float64(size) * float64(importWriterHold) / float64(took))
	// Grow gently, shrink at once: one slow batch is what the live server feels.
	next = min(next, 2*run.batchBytes.Load())
	run.batchBytes.Store(min(max(next, importMinBatchBytes), importBatchBytes))
}

// postsWritten is how many posts, replies and direct posts the committed
// batches wrote.
func (run *importRun) postsWritten() int64 {
	return run.counts["posts"].Load() + run.counts["replies"].Load() + run.counts["direct_posts"].Load()
}

// firstAnalyze is the count of imported posts of the first statistics refresh:
// by then a table that was empty has changed beyond what its plans assumed.
const firstAnalyze = 10000

// analyze refreshes the statistics of the posts table each time the import
// has doubled the posts it wrote. PostgreSQL plans the look-ups of existing
// posts from column statistics gathered when the table was much smaller (or
// empty, on a first import), and autovacuum refreshes them on its own
// schedule; ANALYZE reads a sample, so its cost does not grow with the table.
// A failed refresh costs speed, not data, so it is logged and the import
// goes on.
func (run *importRun) analyze(ctx context.Context) {
	n := run.postsWritten()
	run.analyzeMu.Lock()
	defer run.analyzeMu.Unlock()
	if n < run.analyzeAt {
		return
	}
	run.analyzeAt = 2 * n
	if err := run.a.Bulk().AnalyzePosts(ctx); err != nil && ctx.Err() == nil {
		run.a.Log().WarnContext(ctx, "import: refresh statistics", "err", err)
	}
}

// importer applies one batch. Its counts reach the run's totals only when the
// batch's transaction commits, so the report never counts what was rolled back.
type importer struct {
	*importRun
	counts  map[string]int
	skipped map[string]int
}

func (im *importer) count(kind string, n int) { im.counts[kind] += n }

func (im *importer) skip(what string, n int) { im.skipped[what] += n }

// commit adds a batch's counts to the run's totals.
func (run *importRun) commit(im *importer) {
	run.batches.Add(1)
	for k, n := range im.counts {
		run.counts[k].Add(int64(n))
	}
	run.mu.Lock()
	for k, n := range im.skipped {
		run.skipped[k] += n
	}
	run.mu.Unlock()
}

func (run *importRun) batch() *importer {
	return &importer{importRun: run, counts: map[string]int{}, skipped: map[string]int{}}
}

func (run *importRun) skip(what string, n int) {
	run.mu.Lock()
	run.skipped[what] += n
	run.mu.Unlock()
}

var importKinds = []string{"teams", "channels", "users", "bots", "posts", "replies", "reactions", "flags",
	"direct_channels", "direct_posts", "preferences", "team_memberships", "channel_memberships", "attachments", "emoji", "thread_followers"}

// ImportBulk checks (and with opt.Apply, imports) a bulk-import file. An
// import is all or nothing for every rule a line can break: the whole file is
// checked first, as in check mode, and nothing is written unless it has no
// problem. Then it is read again, as a stream: lines of one type are gathered
// into batches, each applied in one transaction by one of the workers; when
// the type changes, all batches of the previous type finish first, because a
// line may only use objects of earlier blocks. Should a batch still fail to
// be written (the database, a file that cannot be read), the run stops there:
// the report says from which line nothing was imported, and running the
// import again continues, as an import updates what it finds.
func ImportBulk(ctx context.Context, a *app.App, s *model.Session, src *bulk.Source, opt ImportOptions) (*ImportReport, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	if !opt.Apply {
		return importBulk(ctx, a, src, opt, s.UserID)
	}
	start := time.Now()
	check := opt
	check.Apply = false
	rep, err := importBulk(ctx, a, src, check, s.UserID)
	if err != nil {
		return nil, err
	}
	if rep.ErrorCount > 0 {
		rep.NotImported = "every line (the whole file is checked before anything is written)"
		return rep, nil
	}
	if err := src.Rewind(); err != nil {
		return nil, model.ErrInternal(fmt.Errorf("rewind the import file: %w", err))
	}
	rep, err = importBulk(ctx, a, src, opt, s.UserID)
	if rep != nil {
		rep.Took = time.Since(start)
	}
	return rep, err
}

// importBulk is one pass over the file: a check, or an import.
func importBulk(ctx context.Context, a *app.App, src *bulk.Source, opt ImportOptions, creatorID string) (*ImportReport, error) {
	start := time.Now()
	im := &importRun{a: a, src: src, teams: map[string]*model.Team{}, chans: map[string]*model.Channel{}, users: map[string]string{},
		counts: map[string]*atomic.Int64{}, skipped: map[string]int{}, serial: a.Bulk().DriverName() == "sqlite", creatorID: creatorID,
		postIDs: model.NewIDSeq(), analyzeAt: firstAnalyze}
	im.batchBytes.Store(importBatchBytes)
	for _, k := range importKinds {
		im.counts[k] = &atomic.Int64{}
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	rep := &ImportReport{Applied: opt.Apply, Imported: map[string]int64{}}
	checker := bulk.NewChecker(im.lookup(ctx))
	cr := &countingReader{r: src.Reader()}
	sc := bulk.NewScanner(cr)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		sem      = make(chan struct{}, workers)
		failMu   sync.Mutex
		failure  *bulk.Error
		failFrom int // first line of the failing batch
	)
	fail := func(e *bulk.Error, from int) {
		failMu.Lock()
		if failure == nil || e.Line < failure.Line {
			failure, failFrom = e, from
		}
		failMu.Unlock()
		cancel()
	}
	failed := func() bool {
		failMu.Lock()
		defer failMu.Unlock()
		return failure != nil
	}
	var batch []*bulkLine
	var batchSize int64
	var blockType string
	flush := func() {
		if len(batch) == 0 {
			return
		}
		b := batch
		batch, batchSize = nil, 0
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if e := im.batch().applyBatch(ctx, b); e != nil {
				fail(e, b[0].n)
			}
		}()
	}
	lastProgress := time.Now()
	for {
		raw, n, err := sc.Next()
		if errors.Is(err, io.EOF) {
			if n == 0 {
				rep.addErr(&bulk.Error{Line: 1, Field: "type", ID: "app.import.process_import_data_file_version_line.invalid_version.error",
					Message: "the file is empty: the first line must be the version line"})
			}
			break
		}
		if err != nil {
			var be *bulk.Error
			if !errors.As(err, &be) {
				be = &bulk.Error{Line: n, ID: "app.import.bulk_import.file_scan.error", Message: err.Error()}
			}
			rep.addErr(be)
			break
		}
		rep.Lines = n
		if ctx.Err() != nil {
			break
		}
		l, err := bulk.Decode(raw, n)
		var errs []*bulk.Error
		if err != nil {
			errs = []*bulk.Error{err.(*bulk.Error)}
		} else {
			errs = checker.Check(l, n)
			if len(errs) == 0 && !opt.Apply {
				errs = append(im.checkFiles(l, n), im.checkArchived(ctx, l, n)...)
			}
		}
		if len(errs) > 0 {
			rep.addErr(errs...)
			if opt.Apply {
				// The pending batch is the failing one only if the bad line
				// belongs to it; a finished block is still written.
				from := n
				if len(batch) > 0 && l != nil && batch[0].l.Type == l.Type {
					from = batch[0].n
				} else {
					flush()
				}
				// The batches before it commit before the cancel stops the rest.
				wg.Wait()
				fail(errs[0], from)
				break
			}
			continue
		}
		if opt.Progress != nil && time.Since(lastProgress) >= time.Second {
			lastProgress = time.Now()
			opt.Progress(ImportProgress{Lines: n, Posts: im.counts["posts"].Load() + im.counts["direct_posts"].Load(),
				Bytes: cr.n.Load(), Total: src.Size, Elapsed: time.Since(start)})
		}
		if !opt.Apply {
			im.note(l)
			continue
		}
		// The barrier between blocks: a block's lines may need every line of
		// the block before committed (posts their users), also when that
		// block's last batch was flushed full and the pending batch is empty.
		if blockType != "" && blockType != l.Type {
			flush()
			wg.Wait()
			if failed() {
				break
			}
		}
		blockType = l.Type
		batch = append(batch, &bulkLine{l: l, n: n, size: int64(len(raw))})
		batchSize += int64(len(raw))
		size := importOtherBatch
		if l.Type == bulk.TypePost || l.Type == bulk.TypeDirectPost {
			size = importPostBatch
		}
		if len(batch) >= size || batchSize >= im.batchBytes.Load() {
			flush()
		}
	}
	if opt.Apply && !failed() {
		flush()
	}
	wg.Wait()
	if opt.Apply && failure != nil {
		if len(rep.Errors) == 0 || rep.Errors[len(rep.Errors)-1] != failure {
			rep.addErr(failure)
		}
		rep.NotImported = fmt.Sprintf("lines %d and after (the batch holding line %d, and the rest of the file)", failFrom, failure.Line)
	}
	if opt.Apply {
		// Also after a failure: what the committed batches imported must be found.
		if _, err := a.Bulk().IndexDeferredPosts(context.WithoutCancel(ctx)); err != nil {
			return nil, model.ErrInternal(err)
		}
	}
	if opt.Apply && im.postsWritten() > 0 {
		if err := a.Bulk().RecountChannels(context.WithoutCancel(ctx)); err != nil {
			return nil, model.ErrInternal(err)
		}
	}
	rep.Batches = im.batches.Load()
	for k, c := range im.counts {
		if v := c.Load(); v > 0 {
			rep.Imported[k] = v
		}
	}
	for what, n := range im.skipped {
		rep.Skipped = append(rep.Skipped, fmt.Sprintf("%s: %d", what, n))
	}
	sort.Strings(rep.Skipped)
	sort.SliceStable(rep.Errors, func(i, j int) bool { return rep.Errors[i].Line < rep.Errors[j].Line })
	rep.Took = time.Since(start)
	return rep, nil
}

// checkArchived, in check mode, finds what the operations would refuse in a
// team archived in the database (a file cannot archive one): a new channel,
// or a new member.
func (im *importRun) checkArchived(ctx context.Context, l *bulk.Line, n int) []*bulk.Error {
	archived := func(name string) (*model.Team, bool) {
		t, err := im.team(ctx, im.a.Bulk(), name)
		return t, err == nil && t.DeleteAt > 0
	}
	var out []*bulk.Error
	switch {
	case l.Channel != nil:
		if t, ok := archived(*l.Channel.Team); ok {
			if _, err := im.a.Bulk().GetChannelByName(ctx, t.ID, *l.Channel.Name, true); errors.Is(err, store.ErrNotFound) {
				out = append(out, &bulk.Error{Line: n, Field: "channel.team", ID: model.ErrInvalidBody("team_id").ID,
					Message: fmt.Sprintf("team %s is archived: it gets no new channels", t.Name)})
			}
		}
	case l.User != nil && l.User.Teams != nil:
		for i, ut := range *l.User.Teams {
			t, ok := archived(*ut.Name)
			if !ok {
				continue
			}
			m, err := im.memberOf(ctx, t.ID, *l.User.Username)
			if err != nil || m.DeleteAt > 0 {
				out = append(out, &bulk.Error{Line: n, Field: fmt.Sprintf("user.teams[%d].name", i), ID: "app.team.join_user_to_team.archived.app_error",
					Message: fmt.Sprintf("team %s is archived: it gets no new members", t.Name)})
			}
		}
	}
	return out
}

// memberOf is the team membership of a stored user.
func (im *importRun) memberOf(ctx context.Context, teamID, username string) (*model.TeamMember, error) {
	uid, err := im.userID(ctx, im.a.Bulk(), username)
	if err != nil {
		return nil, err
	}
	return im.a.Bulk().GetTeamMember(ctx, teamID, uid)
}

// note records, in check mode, what apply mode would skip.
func (im *importRun) note(l *bulk.Line) {
	switch l.Type {
	case bulk.TypeScheme, bulk.TypeRole:
		im.skip(skipSchemes, 1)
	}
}

// What the report says Parley leaves out.
const (
	skipSchemes = "schemes and roles skipped (validated): Parley has built-in roles only"
	skipDirect  = "direct channels skipped: wrong number of members"
)

// bodies returns the post bodies of a post or direct post line, replies included.
func bodies(l *bulk.Line) []*bulk.PostBody {
	var root *bulk.PostBody
	var replies *[]bulk.PostBody
	switch {
	case l.Post != nil:
		root, replies = &l.Post.PostBody, l.Post.Replies
	case l.DirectPost != nil:
		root, replies = &l.DirectPost.PostBody, l.DirectPost.Replies
	default:
		return nil
	}
	out := []*bulk.PostBody{root}
	if replies != nil {
		for i := range *replies {
			out = append(out, &(*replies)[i])
		}
	}
	return out
}

type bulkLine struct {
	l    *bulk.Line
	n    int
	size int64 // bytes of JSONL
}

type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// lookup answers the checker's question "does this exist already?" from the database.
func (im *importRun) lookup(ctx context.Context) bulk.Lookup {
	return func(kind, key string) bool {
		var err error
		switch kind {
		case bulk.KindTeam:
			_, err = im.teamID(ctx, im.a.Bulk(), key)
		case bulk.KindUser:
			_, err = im.userID(ctx, im.a.Bulk(), key)
		case bulk.KindChannel:
			team, name, _ := cutSlash(key)
			_, err = im.channel(ctx, im.a.Bulk(), team, name)
		}
		return err == nil
	}
}

func cutSlash(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func (im *importRun) teamID(ctx context.Context, st app.BulkStore, name string) (string, error) {
	t, err := im.team(ctx, st, name)
	if err != nil {
		return "", err
	}
	return t.ID, nil
}

func (im *importRun) team(ctx context.Context, st app.BulkStore, name string) (*model.Team, error) {
	im.mu.Lock()
	t, ok := im.teams[name]
	im.mu.Unlock()
	if ok {
		return t, nil
	}
	t, err := st.GetTeamByName(ctx, name)
	if err != nil {
		return nil, err
	}
	im.mu.Lock()
	im.teams[name] = t
	im.mu.Unlock()
	return t, nil
}

func (im *importRun) userID(ctx context.Context, st app.BulkStore, name string) (string, error) {
	im.mu.Lock()
	id, ok := im.users[name]
	im.mu.Unlock()
	if ok {
		return id, nil
	}
	u, err := st.GetUserByUsername(ctx, name)
	if err != nil {
		return "", err
	}
	im.mu.Lock()
	im.users[name] = u.ID
	im.mu.Unlock()
	return u.ID, nil
}

func (im *importRun) channel(ctx context.Context, st app.BulkStore, team, name string) (*model.Channel, error) {
	key := team + "/" + name
	im.mu.Lock()
	ch, ok := im.chans[key]
	im.mu.Unlock()
	if ok {
		return ch, nil
	}
	teamID, err := im.teamID(ctx, st, team)
	if err != nil {
		return nil, err
	}
	ch, err = st.GetChannelByName(ctx, teamID, name, true)
	if err != nil {
		return nil, err
	}
	im.mu.Lock()
	im.chans[key] = ch
	im.mu.Unlock()
	return ch, nil
}

// applyBatch writes one batch of same-type lines in one transaction.
func (im *importer) applyBatch(ctx context.Context, b []*bulkLine) *bulk.Error {
	// Password hashing is slow on purpose; it runs before the write lock.
	hashes := map[int]string{}
	for _, bl := range b {
		if bl.l.User != nil && bl.l.User.Password != nil {
			h, err := app.HashPassword(*bl.l.User.Password)
			if err != nil {
				return &bulk.Error{Line: bl.n, Field: "user.password", ID: "app.import.import_user.save_failed.error", Message: err.Error()}
			}
			hashes[bl.n] = h
		}
	}
	if im.serial {
		im.writeMu.Lock()
		defer im.writeMu.Unlock()
	}
	if ctx.Err() != nil {
		return nil
	}
	var lineErr *bulk.Error
	held := time.Now()
	err := im.a.InBatch(ctx, func(tx *app.Batch) error {
		var e *bulk.Error
		switch b[0].l.Type {
		case bulk.TypePost, bulk.TypeDirectPost:
			e = im.applyPosts(ctx, tx, b)
		default:
			for _, bl := range b {
				if e = im.applyLine(ctx, tx, bl, hashes[bl.n]); e != nil {
					break
				}
			}
		}
		if e != nil {
			lineErr = e
			return e
		}
		return nil
	})
	if lineErr != nil && ctx.Err() != nil {
		return nil // stopped by another batch's failure, which is the one reported
	}
	if lineErr != nil {
		return lineErr
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return &bulk.Error{Line: b[0].n, ID: "app.import.bulk_import.save_failed.error",
			Message: fmt.Sprintf("the batch of lines %d–%d could not be written: %v", b[0].n, b[len(b)-1].n, err)}
	}
	var size int64
	for _, bl := range b {
		size += bl.size
	}
	if im.serial {
		// Only SQLite's one writer makes a long batch everyone's wait.
		im.tuneBatch(size, time.Since(held))
	}
	im.commit(im)
	if b[0].l.Type == bulk.TypePost || b[0].l.Type == bulk.TypeDirectPost {
		im.analyze(ctx)
	}
	return nil
}

func (im *importer) applyLine(ctx context.Context, tx *app.Batch, bl *bulkLine, hash string) *bulk.Error {
	l := bl.l
	switch l.Type {
	case bulk.TypeVersion:
		return nil
	case bulk.TypeScheme, bulk.TypeRole:
		im.skip(skipSchemes, 1)
		return nil
	case bulk.TypeEmoji:
		return im.importEmoji(ctx, tx, bl)
	case bulk.TypeTeam:
		return im.importTeam(ctx, tx, bl)
	case bulk.TypeChannel:
		return im.importChannel(ctx, tx, bl)
	case bulk.TypeUser:
		return im.importUser(ctx, tx, bl, hash)
	case bulk.TypeBot:
		return im.importBot(ctx, tx, bl)
	case bulk.TypeDirectChannel:
		return im.importDirectChannel(ctx, tx, bl)
	}
	return nil
}

func internalErr(bl *bulkLine, field string, err error) *bulk.Error {
	return &bulk.Error{Line: bl.n, Field: field, ID: "app.import.bulk_import.save_failed.error", Message: err.Error()}
}

func notFound(bl *bulkLine, field, id, what string) *bulk.Error {
	return &bulk.Error{Line: bl.n, Field: field, ID: id, Message: what + " not found"}
}

func modelErr(bl *bulkLine, field string, ae *model.AppError) *bulk.Error {
	return &bulk.Error{Line: bl.n, Field: field, ID: ae.ID, Message: ae.Message}
}

// opErr reports the error of an operation: a rule it enforced as that rule's
// error, anything else as a failed write.
func opErr(bl *bulkLine, field string, err error) *bulk.Error {
	var ae *model.AppError
	if errors.As(err, &ae) && ae.StatusCode < 500 {
		return modelErr(bl, field, ae)
	}
	return internalErr(bl, field, err)
}

// userErr is opErr for a user line, naming the address another account has.
func userErr(bl *bulkLine, u *model.User, err error) *bulk.Error {
	var ae *model.AppError
	if errors.As(err, &ae) && ae.ID == "app.user.save.email_exists.app_error" {
		return &bulk.Error{Line: bl.n, Field: "user.email", ID: "app.import.import_user.save_failed.error",
			Message: fmt.Sprintf("email %q belongs to another user", u.Email)}
	}
	return opErr(bl, "user", err)
}
