package sqlstore

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/search"
	"github.com/parley-chat/parley/internal/store"
)

// Search SQL is built from small parts, because the two dialects index text
// differently: SQLite asks FTS5 tables with a MATCH expression (a string), while
// PostgreSQL tests posts.search_vector against a tsquery (an SQL expression). A
// term becomes an index part, which narrows through the index, plus extra
// predicates where the index alone cannot tell (the # of a hashtag, the @ of a
// mention, substrings of text without spaces). Index parts of one query are
// merged, so a search asks its index once.

// sqlPart is a fragment of SQL with its arguments. An index part on SQLite
// also names the FTS5 table its MATCH expression is for.
type sqlPart struct {
	sql   string
	args  []any
	table string
}

// termSQL is one search term in one dialect.
type termSQL struct {
	index  *sqlPart // nil when the term has no index part
	extras []sqlPart
}

// pgLanguage is the text search configuration the vectors were built with.
const pgLanguage = `(SELECT language FROM search_settings WHERE id = 1)`

// cjkPredicatePG is search.CJKClass in a PostgreSQL regular expression; queries must
// repeat the predicate of the partial index idx_posts_cjk for the planner to use it.
const cjkPredicatePG = `p.message ~ '` + search.CJKClass + `'`

var postColsP = "p." + regexp.MustCompile(`,\s*`).ReplaceAllString(postCols, ", p.")

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ftsPhrase quotes text as an FTS5 string, which FTS5 tokenizes into a phrase.
func ftsPhrase(text string) string { return `"` + strings.ReplaceAll(text, `"`, `""`) + `"` }

func (s *SQLStore) term(t search.Term) termSQL {
	pg := s.driver == DriverPostgres
	var out termSQL
	if t.Kind != search.Hashtag && t.Kind != search.Mention && search.HasCJK(t.Text) {
		// No spaces to split on: match the substring, narrowed by the trigram index.
		if pg {
			out.extras = append(out.extras, sqlPart{sql: cjkPredicatePG + ` AND p.message ILIKE ? ESCAPE '\'`,
				args: []any{"%" + escapeLike(t.Text) + "%"}})
			return out
		}
		out.extras = append(out.extras, sqlPart{sql: `p.message LIKE ? ESCAPE '\'`, args: []any{"%" + escapeLike(t.Text) + "%"}})
		if utf8.RuneCountInString(t.Text) >= 3 { // trigrams need three characters
			out.extras = append(out.extras, sqlPart{sql: `p.id IN (SELECT post_id FROM post_search WHERE id IN
				(SELECT rowid FROM posts_cjk WHERE posts_cjk MATCH ?))`, args: []any{ftsPhrase(t.Text)}})
		}
		return out
	}
	switch {
	case t.Kind == search.Prefix && pg:
		parts := search.Words(t.Text)
		// 'simple': the unstemmed words of the vector.
		out.index = &sqlPart{sql: `to_tsquery('simple', unaccent(?))`, args: []any{"'" + strings.Join(parts, "' <-> '") + "':*"}}
	case t.Kind == search.Prefix:
		out.index = &sqlPart{sql: ftsPhrase(t.Text) + "*", table: "posts_words"}
	case pg:
		// Either the stemmed or the exact words: the language's stop words ("here",
		// "the") are dropped from the stemmed query, but are found as typed.
		out.index = &sqlPart{sql: `phraseto_tsquery(` + pgLanguage + `, unaccent(?)) || phraseto_tsquery('simple', unaccent(?))`,
			args: []any{t.Text, t.Text}}
	default:
		out.index = &sqlPart{sql: ftsPhrase(t.Text), table: "posts_fts"}
	}
	switch t.Kind {
	case search.Hashtag:
		out.extras = append(out.extras, sqlPart{sql: `(' ' || LOWER(p.hashtags) || ' ') LIKE ? ESCAPE '\'`,
			args: []any{"% " + escapeLike(strings.ToLower(t.Text)) + " %"}})
	case search.Mention:
		out.extras = append(out.extras, sqlPart{sql: `LOWER(p.message) LIKE ? ESCAPE '\'`,
			args: []any{"%" + escapeLike(strings.ToLower(t.Text)) + "%"}})
	}
	return out
}

// combine joins index parts with AND or OR in the dialect's query language.
func (s *SQLStore) combine(parts []*sqlPart, or bool) *sqlPart {
	if len(parts) == 0 {
		return nil
	}
	op := " AND "
	switch {
	case s.driver == DriverPostgres && or:
		op = " || "
	case s.driver == DriverPostgres:
		op = " && "
	case or:
		op = " OR "
	}
	out := &sqlPart{table: parts[0].table}
	texts := make([]string, len(parts))
	for i, p := range parts {
		texts[i] = "(" + p.sql + ")"
		out.args = append(out.args, p.args...)
	}
	out.sql = strings.Join(texts, op)
	return out
}

// without removes the posts matching neg from pos, inside the index query.
func (s *SQLStore) without(pos, neg *sqlPart) *sqlPart {
	if s.driver == DriverPostgres {
		return &sqlPart{sql: "(" + pos.sql + ") && !!(" + neg.sql + ")", args: append(append([]any{}, pos.args...), neg.args...)}
	}
	return &sqlPart{sql: "(" + pos.sql + ") NOT (" + neg.sql + ")", table: pos.table}
}

// pgSearchKey is the expression of idx_posts_search_key (migration 00036):
// the post's vector and its channel as a lexeme no word makes.
const pgSearchKey = `(p.search_vector || array_to_tsvector(ARRAY[' ' || p.channel_id]))`

// pgMatchIn is the condition that p matches the index part idx and is in
// one of the channels: the tsquery ANDs the words with the channels' keys,
// so the index intersects the two, however common the words are elsewhere.
func pgMatchIn(idx *sqlPart, channels string, chanArgs []any) sqlPart {
	in := `(SELECT CAST(string_agg(quote_literal(' ' || ch.channel_id), ' | ') AS tsquery) FROM (` + channels + `) ch)`
	return sqlPart{sql: pgSearchKey + ` @@ ` + pgOnce("("+idx.sql+") && "+in), args: append(append([]any{}, idx.args...), chanArgs...)}
}

// matchCond turns an index part into a condition on p.
func (s *SQLStore) matchCond(idx *sqlPart) sqlPart {
	if s.driver == DriverPostgres {
		return sqlPart{sql: pgSearchKey + " @@ " + pgOnce(idx.sql), args: idx.args}
	}
	return sqlPart{sql: `p.id IN (SELECT post_id FROM post_search WHERE id IN
		(SELECT rowid FROM ` + idx.table + ` WHERE ` + idx.table + ` MATCH ?))`, args: []any{idx.sql}}
}

// pgOnce makes a tsquery expression a subquery, which PostgreSQL evaluates
// once: the expression itself (phraseto_tsquery and unaccent of the
// language read from search_settings) is not folded to a constant, so as a
// filter it was built again for every row tested, 20 µs a row (the
// channel-driven plan of a two-word search over 4,767 posts: 96-119 ms, and
// 5-6 ms once).
func pgOnce(query string) string { return "(SELECT " + query + ")" }

// cond is everything a term asks, as one condition on p.
func (s *SQLStore) cond(t termSQL) sqlPart {
	var parts []string
	var a []any
	if t.index != nil {
		m := s.matchCond(t.index)
		parts, a = append(parts, m.sql), append(a, m.args...)
	}
	for _, e := range t.extras {
		parts, a = append(parts, e.sql), append(a, e.args...)
	}
	return sqlPart{sql: "(" + strings.Join(parts, " AND ") + ")", args: a}
}

// byIndex groups the index parts of terms by the table they ask (one group on
// PostgreSQL), in first-seen order; ok is false if a term has extra predicates
// or no index part.
func byIndex(ts []termSQL) (groups [][]*sqlPart, ok bool) {
	ok = true
	at := map[string]int{}
	for _, t := range ts {
		if len(t.extras) > 0 || t.index == nil {
			ok = false
		}
		if t.index == nil {
			continue
		}
		i, seen := at[t.index.table]
		if !seen {
			i = len(groups)
			at[t.index.table] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], t.index)
	}
	return groups, ok
}

// textConds turns the terms of a search into conditions on p, asking each
// index once where the logic allows; the combined index parts of the
// positive terms come back apart, for searchPosts to turn into conditions.
func (s *SQLStore) textConds(q *store.PostSearch, narrow []*sqlPart) (out []sqlPart, posIndex []*sqlPart) {
	pos := make([]termSQL, len(q.Terms))
	for i, t := range q.Terms {
		pos[i] = s.term(t)
		if narrow[i] != nil {
			pos[i].extras = append(pos[i].extras, *narrow[i])
		}
	}
	neg := make([]termSQL, len(q.Excluded))
	for i, t := range q.Excluded {
		neg[i] = s.term(t)
	}
	posGroups, posPure := byIndex(pos)
	switch {
	case len(pos) == 0:
	case q.Or && (!posPure || len(posGroups) > 1):
		ors := make([]string, len(pos))
		var a []any
		for i, t := range pos {
			c := s.cond(t)
			ors[i], a = c.sql, append(a, c.args...)
		}
		out = append(out, sqlPart{sql: "(" + strings.Join(ors, " OR ") + ")", args: a})
	default:
		for _, g := range posGroups {
			posIndex = append(posIndex, s.combine(g, q.Or))
		}
		if !q.Or {
			for _, t := range pos {
				out = append(out, t.extras...)
			}
		}
	}
	negGroups, negPure := byIndex(neg)
	if negPure {
		for _, g := range negGroups {
			negIndex := s.combine(g, true)
			if i := slices.IndexFunc(posIndex, func(p *sqlPart) bool { return p.table == negIndex.table }); i >= 0 {
				posIndex[i] = s.without(posIndex[i], negIndex)
				continue
			}
			m := s.matchCond(negIndex)
			out = append(out, sqlPart{sql: "NOT " + m.sql, args: m.args})
		}
	} else {
		for _, t := range neg {
			c := s.cond(t)
			out = append(out, sqlPart{sql: "NOT " + c.sql, args: c.args})
		}
	}
	return out, posIndex
}

// SearchPosts bound to a read replica (LagTolerant) confirms on the primary
// what the replica found, so that a replica's lag never shows a post
// deleted, or of a channel left, moments ago: the replica does the text
// search, the primary checks a page of ids.
func (s *SQLStore) SearchPosts(ctx context.Context, q *store.PostSearch) ([]*model.Post, error) {
	found, err := s.searchPosts(ctx, q)
	if s.primary == nil || err != nil || len(found) == 0 {
		return found, err
	}
	ids := make([]any, len(found))
	for i, p := range found {
		ids[i] = p.ID
	}
	channels, chanArgs := searchChannels(q)
	rows, err := s.primary.query(ctx, `SELECT id FROM posts WHERE id IN (`+in(len(ids))+`) AND delete_at = 0
		AND channel_id IN (`+channels+`)`, append(ids, chanArgs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	live := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		live[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := found[:0]
	for _, p := range found {
		if live[p.ID] {
			out = append(out, p)
		}
	}
	return out, nil
}

func (s *SQLStore) searchPosts(ctx context.Context, q *store.PostSearch) ([]*model.Post, error) {
	return s.searchPostsPlanned(ctx, q, s.searchScoped, pgKeyedChannelsMax)
}

// searchPlan tells whether a search is driven from the posts of the searched
// channels (true) or from the text index; keyed: the index is asked with
// the channels (pgMatchIn).
type searchPlan func(ctx context.Context, posIndex []*sqlPart, channels string, chanArgs []any, keyed bool) (bool, error)

// keyedMax is pgKeyedChannelsMax but in tests.
func (s *SQLStore) searchPostsPlanned(ctx context.Context, q *store.PostSearch, plan searchPlan, keyedMax int) ([]*model.Post, error) {
	var where []string
	var a []any
	add := func(sql string, args ...any) {
		where = append(where, sql)
		a = append(a, args...)
	}
	// Membership is the whole permission rule: channels the user left, and
	// private channels and DMs they were never in, are never searched. The
	// channel filters narrow this list; names are matched here rather than
	// resolved by the app, so a name shared by several teams or by a channel the
	// user is not in cannot widen the results.
	channels, chanArgs := searchChannels(q)
	narrow := make([]*sqlPart, len(q.Terms))
	byPairs := false
	for i, t := range q.Terms {
		var err error
		if narrow[i], err = s.phrasePairs(ctx, t); err != nil {
			return nil, err
		}
		byPairs = byPairs || narrow[i] != nil
	}
	conds, posIndex := s.textConds(q, narrow)
	// A phrase's pairs already bound the rows read; counting the matches
	// through the words' index would cost what the pairs saved.
	scoped, keyed := false, false
	if !byPairs {
		var err error
		if s.driver == DriverPostgres && len(posIndex) > 0 {
			var n int
			if err := s.queryRow(ctx, `SELECT COUNT(*) FROM (`+channels+`) ch`, chanArgs...).Scan(&n); err != nil {
				return nil, fmt.Errorf("search channels: %w", err)
			}
			keyed = n <= keyedMax
		}
		if scoped, err = plan(ctx, posIndex, channels, chanArgs, keyed); err != nil {
			return nil, err
		}
	}
	switch {
	case s.driver == DriverPostgres && len(q.Terms) > 0 && !scoped:
		// An expression on channel_id keeps PostgreSQL from AND-ing the text
		// index with the channel index: reading every post id of the user's
		// channels costs far more than filtering the text matches.
		add(`(p.channel_id || '') = ANY(ARRAY(`+channels+`))`, chanArgs...)
	case s.driver == DriverPostgres:
		add(`p.channel_id = ANY(ARRAY(`+channels+`))`, chanArgs...)
	default:
		add(`p.channel_id IN (`+channels+`)`, chanArgs...)
	}
	add(`p.delete_at = 0`)
	add(`p.type NOT LIKE 'system\_%' ESCAPE '\'`)
	if len(q.FromUsernames) > 0 {
		add(`p.user_id IN (SELECT id FROM users WHERE username IN (`+in(len(q.FromUsernames))+`))`, args(nil, q.FromUsernames)...)
	}
	if len(q.ExcludedUsernames) > 0 {
		add(`p.user_id NOT IN (SELECT id FROM users WHERE username IN (`+in(len(q.ExcludedUsernames))+`))`,
			args(nil, q.ExcludedUsernames)...)
	}
	if q.After > 0 {
		add(`p.create_at > ?`, q.After)
	}
	if q.Before > 0 {
		add(`p.create_at < ?`, q.Before)
	}
	for _, c := range conds {
		add(c.sql, c.args...)
	}
	for _, idx := range posIndex {
		switch {
		case !scoped && keyed:
			c := pgMatchIn(idx, channels, chanArgs)
			add(c.sql, c.args...)
		case !scoped && !byPairs:
			c := s.matchCond(idx)
			add(c.sql, c.args...)
		case s.driver == DriverPostgres:
			// An expression on the vector keeps PostgreSQL on the channel
			// index (each of the channels' posts is tested) or on the pairs'
			// index: the words' own lists, for common words, are long (the
			// two commonest of a million posts: 140 ms to intersect, and
			// then 1,522 of the 15,838 posts hold the phrase).
			add(`(p.search_vector || '') @@ `+pgOnce(idx.sql), idx.args...)
		default:
			// FTS5 walks its matches, and each is looked up in the set of
			// the channels' post keys, one range of idx_post_search_channel
			// (migration 00033; deleted posts have left the text indexes).
			// +rowid: not as a rowid constraint, which FTS5 would answer by
			// a query per key.
			add(`p.id IN (SELECT post_id FROM post_search WHERE id IN
				(SELECT rowid FROM `+idx.table+` WHERE `+idx.table+` MATCH ? AND +rowid IN
					(SELECT id FROM post_search WHERE channel_id IN (`+channels+`))))`, append([]any{idx.sql}, chanArgs...)...)
		}
	}
	return s.posts(ctx, `SELECT `+postColsP+` FROM posts p
		WHERE `+strings.Join(where, " AND ")+` ORDER BY p.create_at DESC, p.id DESC`+limitOffset(q.Page), a...)
}

// searchScoped tells whether a search should be driven from the posts of the
// channels searched rather than from the text index: when the first index
// part matches more than a quarter as many posts as those channels hold (by
// their counters, checked). On SQLite the matches are those in every
// channel: matching the index and then reading each match's row to find its
// channel costs a row per match, so a pair of common words in channels the
// searcher is not in (41,000 matches for 2,000 posts of theirs) took half a
// second; counting the matches, up to the bound, costs no rows. On
// PostgreSQL, keyed (up to pgKeyedChannelsMax channels), the index holds
// the channel (migration 00036), so the index-driven plan reads the
// searched channels' matches only, and those are counted; the count reads
// rows too, so it is only asked for up to searchScopedMax posts in the
// channels.
func (s *SQLStore) searchScoped(ctx context.Context, posIndex []*sqlPart, channels string, chanArgs []any, keyed bool) (bool, error) {
	if len(posIndex) == 0 {
		return false, nil
	}
	var inScope int64
	if err := s.queryRow(ctx, `SELECT COALESCE(SUM(total_msg_count), 0) FROM channels WHERE id IN (`+channels+`)`,
		chanArgs...).Scan(&inScope); err != nil {
		return false, fmt.Errorf("search scope: %w", err)
	}
	pg := s.driver == DriverPostgres
	if pg && inScope > searchScopedMax {
		return false, nil
	}
	bound := inScope/4 + 1
	idx := posIndex[0]
	q, a := `SELECT COUNT(*) FROM (SELECT 1 FROM `+idx.table+` WHERE `+idx.table+` MATCH ? LIMIT ?) m`, []any{idx.sql, bound}
	if pg {
		// Keyed, the matches in the searched channels only (the
		// index-driven plan reads no others).
		m := s.matchCond(idx)
		if keyed {
			m = pgMatchIn(idx, channels, chanArgs)
		}
		q, a = `SELECT COUNT(*) FROM (SELECT 1 FROM posts p WHERE `+m.sql+` LIMIT ?) m`, append(append([]any{}, m.args...), bound)
	}
	var matches int64
	if err := s.queryRow(ctx, q, a...).Scan(&matches); err != nil {
		return false, fmt.Errorf("search scope: %w", err)
	}
	if matches < bound {
		return false, nil
	}
	// The counters may be behind the posts (a database filled around the
	// store has them at 0): the channels must hold no more posts than
	// searchScopedSlack allows beyond what they say, which costs no more to
	// learn than the channel-driven search itself.
	limit := 2*inScope + searchScopedSlack
	var held int64
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM posts WHERE channel_id IN (`+channels+`)
		AND delete_at = 0 LIMIT ?) h`, append(append([]any{}, chanArgs...), limit+1)...).Scan(&held); err != nil {
		return false, fmt.Errorf("search scope: %w", err)
	}
	return held <= limit, nil
}

// searchScopedSlack is what the channels of a search may hold beyond their
// counters for the channel-driven plan (twice as many, and this many more).
// The counters leave out join and leave messages, as Mattermost's do, so a
// channel holds a message per member more than it says: demanding no more
// than the counters sent the load test's two-word searches (5,546 posts
// counted, 5,697 held) through the index, reading each of 45,000 matches'
// rows, 0.7–2 s. A counter of 0 for a million posts still fails the check.
const searchScopedSlack = 1000

// pgKeyedChannelsMax bounds the channels of a search whose keys PostgreSQL
// ANDs into the tsquery: each is a posting list the index opens, in the
// count and in the search. In the benchmark (2,500 posts a channel) 20 cost
// 0.3 ms a query, and 200 (250 posts each) 12–41 ms, more than reading the
// matches of other channels did; above the bound the channels filter the
// rows, as before migration 00036.
const pgKeyedChannelsMax = 20

// searchScopedMax bounds the posts of the searched channels for which
// PostgreSQL searches them one by one (about 1 µs each, rows in cache).
const searchScopedMax = 50_000

// phrasePairs narrows a phrase on PostgreSQL through idx_posts_search_pairs
// (migration 00029): a post holding the phrase holds each pair of its
// neighbouring lexemes, in the stemmed or the unstemmed half of its vector as
// the phrase's tsquery has it. nil when the term is no phrase, or when a half
// of the query would match without a pair of neighbours (a single lexeme
// left once stop words are dropped, or words apart), so the pairs cannot
// tell.
func (s *SQLStore) phrasePairs(ctx context.Context, t search.Term) (*sqlPart, error) {
	if s.driver != DriverPostgres || (t.Kind != search.Phrase && t.Kind != search.Word) ||
		search.HasCJK(t.Text) || len(search.Words(t.Text)) < 2 {
		return nil, nil
	}
	var stemmedLen, plainLen int
	var stemmed, plain string
	err := s.queryRow(ctx, `SELECT length(e), CAST(post_word_pairs(e) AS text), length(w), CAST(post_word_pairs(w) AS text)
		FROM (SELECT to_tsvector(`+pgLanguage+`, unaccent(?)) AS e, to_tsvector('simple', unaccent(?)) AS w) v`,
		t.Text, t.Text).Scan(&stemmedLen, &stemmed, &plainLen, &plain)
	if err != nil {
		return nil, fmt.Errorf("phrase pairs: %w", err)
	}
	var ors []string
	var a []any
	for _, half := range []struct {
		lexemes int
		pairs   string
	}{{stemmedLen, stemmed}, {plainLen, plain}} {
		switch {
		case half.lexemes == 0: // matches nothing: stop words only
		case half.pairs == "{}":
			return nil, nil
		default:
			ors, a = append(ors, `p.search_pairs @> CAST(? AS integer[])`), append(a, half.pairs)
		}
	}
	if len(ors) == 0 {
		return nil, nil
	}
	return &sqlPart{sql: "(" + strings.Join(ors, " OR ") + ")", args: a}, nil
}

// searchChannels is the subquery of the channels a search looks in.
func searchChannels(q *store.PostSearch) (string, []any) {
	chans := []string{`cm.user_id = ?`}
	chanArgs := []any{q.UserID}
	if q.TeamID != "" {
		chans, chanArgs = append(chans, `(c.team_id = ? OR c.team_id = '')`), append(chanArgs, q.TeamID)
	}
	if !q.IncludeDeletedChannels {
		chans = append(chans, `c.delete_at = 0`)
	}
	if len(q.InChannels) > 0 {
		chans, chanArgs = append(chans, `c.name IN (`+in(len(q.InChannels))+`)`), args(chanArgs, q.InChannels)
	}
	if len(q.ExcludedChannels) > 0 {
		chans, chanArgs = append(chans, `c.name NOT IN (`+in(len(q.ExcludedChannels))+`)`), args(chanArgs, q.ExcludedChannels)
	}
	return `SELECT cm.channel_id FROM channel_members cm JOIN channels c ON c.id = cm.channel_id WHERE ` +
		strings.Join(chans, " AND "), chanArgs
}

var languageName = regexp.MustCompile(`^[a-z_]+$`)

func (s *SQLStore) ConfigureSearch(ctx context.Context, language string) error {
	if !languageName.MatchString(language) {
		return fmt.Errorf("search_language: %q is not a language name such as english or simple", language)
	}
	if s.driver == DriverPostgres {
		return s.configurePostgresSearch(ctx, language)
	}
	// FTS5 ships one stemmer, Porter's for English; other languages are matched
	// word for word, still folding case and accents.
	tokenizer := "unicode61 remove_diacritics 2"
	switch language {
	case "english":
		tokenizer = "porter " + tokenizer
	case "simple":
	default:
		return fmt.Errorf("search_language: SQLite stems only english; use simple for word-for-word matching of %s, or PostgreSQL", language)
	}
	var cur string
	if err := s.queryRow(ctx, `SELECT language FROM search_settings WHERE id = 1`).Scan(&cur); err != nil {
		return fmt.Errorf("search_language: read current: %w", err)
	}
	if cur == language {
		return nil
	}
	return s.Tx(ctx, func(tx store.Store) error {
		t := tx.(*SQLStore)
		for _, q := range []string{
			`DROP TABLE posts_fts`,
			`CREATE VIRTUAL TABLE posts_fts USING fts5(message, content='', contentless_delete=1, tokenize='` + tokenizer + `')`,
			`INSERT INTO posts_fts (rowid, message)
				SELECT ps.id, p.message FROM post_search ps JOIN posts p ON p.id = ps.post_id WHERE p.delete_at = 0`,
		} {
			if _, err := t.exec(ctx, q); err != nil {
				return fmt.Errorf("search_language: rebuild index: %w", err)
			}
		}
		_, err := t.exec(ctx, `UPDATE search_settings SET language = ? WHERE id = 1`, language)
		return err
	})
}

func (s *SQLStore) configurePostgresSearch(ctx context.Context, language string) error {
	var same bool
	err := s.queryRow(ctx, `SELECT language = CAST(? AS regconfig) FROM search_settings WHERE id = 1`, language).Scan(&same)
	if err != nil {
		return fmt.Errorf("search_language: PostgreSQL has no text search configuration %q (see \\dF in psql): %w", language, err)
	}
	if same {
		return nil
	}
	return s.Tx(ctx, func(tx store.Store) error {
		t := tx.(*SQLStore)
		if _, err := t.exec(ctx, `UPDATE search_settings SET language = CAST(? AS regconfig) WHERE id = 1`, language); err != nil {
			return err
		}
		// As the trigger posts_search_vector builds them.
		_, err := t.exec(ctx, `UPDATE posts SET search_vector = to_tsvector(CAST(? AS regconfig), unaccent(message))
			|| to_tsvector('simple', unaccent(message)) WHERE delete_at = 0`, language)
		if err == nil {
			_, err = t.exec(ctx, `UPDATE posts SET search_pairs = post_word_pairs(search_vector) WHERE delete_at = 0`)
		}
		if err != nil {
			return fmt.Errorf("search_language: rebuild index: %w", err)
		}
		return nil
	})
}

// extraScan scans a row's leading columns with an existing scan function and
// the trailing ones into extra.
type extraScan struct {
	r     scanner
	extra []any
}

func (e extraScan) Scan(dest ...any) error { return e.r.Scan(append(dest, e.extra...)...) }

var channelColsC = "c." + regexp.MustCompile(`,\s*`).ReplaceAllString(channelCols, ", c.")

// channelSearchFilter adds the team, type and archive conditions of q on
// channels aliased c.
func channelSearchFilter(q *model.ChannelSearch, where []string, a []any) ([]string, []any) {
	if len(q.TeamIDs) > 0 {
		where = append(where, `c.team_id IN (`+in(len(q.TeamIDs))+`)`)
		a = args(a, q.TeamIDs)
	}
	switch {
	case q.Public && !q.Private:
		where = append(where, `c.type = 'O'`)
	case q.Private && !q.Public:
		where = append(where, `c.type = 'P'`)
	}
	switch {
	case q.Deleted:
		where = append(where, `c.delete_at > 0`)
	case !q.IncludeDeleted:
		where = append(where, `c.delete_at = 0`)
	}
	return where, a
}

func (s *SQLStore) SearchAllChannels(ctx context.Context, q *model.ChannelSearch, p store.Page) ([]*model.ChannelWithTeamData, int64, error) {
	like := "%" + likePrefix(q.Term)
	where := []string{`c.type IN ('O', 'P')`, `(LOWER(c.name) LIKE ? ESCAPE '\' OR LOWER(c.display_name) LIKE ? ESCAPE '\')`}
	a := []any{like, like}
	where, a = channelSearchFilter(q, where, a)
	if q.ExcludeDefaultChannels {
		where = append(where, `c.name NOT IN ('town-square', 'off-topic')`)
	}
	from := ` FROM channels c JOIN teams t ON t.id = c.team_id WHERE ` + strings.Join(where, " AND ")
	var total int64
	if err := s.queryRow(ctx, `SELECT COUNT(*)`+from, a...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	rows, err := s.query(ctx, `SELECT `+channelColsC+`, t.display_name, t.name, t.update_at`+from+
		` ORDER BY c.display_name, c.id`+limitOffset(p), a...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*model.ChannelWithTeamData{}
	for rows.Next() {
		var d model.ChannelWithTeamData
		c, err := scanChannel(extraScan{rows, []any{&d.TeamDisplayName, &d.TeamName, &d.TeamUpdateAt}})
		if err != nil {
			return nil, 0, err
		}
		d.Channel = *c
		out = append(out, &d)
	}
	return out, total, rows.Err()
}
