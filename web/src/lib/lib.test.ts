import { describe, expect, it } from 'vitest'
import { renderMarkdown, isJumboEmoji, safeUrl } from './markdown'
import { parseMentions, mentionsUser, activeToken } from './mentions'
import { channelUnread, totals, tabTitle, applyPosted, applyViewed } from './unread'
import { continues } from './time'

describe('markdown', () => {
  it('renders emphasis, lists, quotes and line breaks', () => {
    const h = renderMarkdown('**bold** _it_ ~~gone~~\nnext\n\n- a\n- b\n\n> quoted')
    expect(h).toContain('<strong>bold</strong>')
    expect(h).toContain('<em>it</em>')
    expect(h).toContain('<del>gone</del>')
    expect(h).toContain('<br>')
    expect(h).toMatch(/<ul>\s*<li>a<\/li>/)
    expect(h).toContain('<blockquote>')
  })
  it('escapes raw HTML and drops dangerous links', () => {
    const h = renderMarkdown('<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>')
    expect(h).not.toContain('<script')
    expect(h).not.toContain('<img')
    const l = renderMarkdown('click [x](javascript:alert(1)) now')
    expect(l).not.toContain('href')
    expect(l).toContain('x')
    expect(h).toContain('&lt;script&gt;')
    expect(safeUrl('data:text/html,x')).toBeNull()
    expect(safeUrl('/team/pl/abc')).toBe('/team/pl/abc')
  })
  it('links open in a new tab, autolinks work', () => {
    const h = renderMarkdown('see https://example.com/a?b=1 and [docs](https://docs.example.com)')
    expect(h).toContain('<a href="https://example.com/a?b=1" target="_blank" rel="noopener noreferrer">')
    expect(h).toContain('>docs</a>')
  })
  it('code blocks keep their language and are escaped', () => {
    const h = renderMarkdown('```go\nfunc main() { a := "<b>" }\n```')
    expect(h).toContain('<code class="language-go">')
    expect(h).toContain('&lt;b&gt;')
    expect(renderMarkdown('use `@alice` here')).not.toContain('mention')
  })
  it('tables', () => {
    const h = renderMarkdown('| a | b |\n|---|:-:|\n| 1 | 2 |')
    expect(h).toContain('<table class="md-table">')
    expect(h).toContain('<th>a</th>')
    expect(h).toContain('<td style="text-align:center">2</td>')
  })
  it('emoji shortcodes, unknown names stay text', () => {
    const h = renderMarkdown('hi :smile: :nope_not_emoji: :+1:')
    expect(h).toContain('😄')
    expect(h).toContain('👍')
    expect(h).toContain(':nope_not_emoji:')
    expect(isJumboEmoji(':tada: :tada:')).toBe(true)
    expect(isJumboEmoji('hi :tada:')).toBe(false)
  })
  it('mentions are marked, mine highlighted, emails are not mentions', () => {
    const h = renderMarkdown('hey @Alice and @bob. mail bob@example.com @channel', { me: 'alice' })
    expect(h).toContain('<span class="mention mention-me" data-mention="alice">@alice</span>')
    expect(h).toContain('data-mention="bob">@bob</span>.')
    expect(h).not.toContain('data-mention="example.com"')
    expect(h).toContain('mention mention-me" data-mention="channel"')
  })
  it('a mention of one of my groups is mine', () => {
    const h = renderMarkdown('ping @dev-ops and @qa', { me: 'alice', groups: ['dev-ops'] })
    expect(h).toContain('<span class="mention mention-me mention-group" data-mention="dev-ops">@dev-ops</span>')
    expect(h).toContain('<span class="mention" data-mention="qa">@qa</span>')
  })
  it('channel links', () => {
    const h = renderMarkdown('go to ~town-square now', { teamName: 'staff' })
    expect(h).toContain('<a class="channel-link" data-channel="town-square" href="/staff/channels/town-square">~town-square</a>')
  })
})

describe('mentions', () => {
  it('parses names and trims punctuation', () => {
    expect(parseMentions('@alice, @bob. @carol-! x@y.z @a.b_c')).toEqual(['alice', 'bob', 'carol', 'a.b_c'])
  })
  it('ignores code', () => {
    expect(parseMentions('`@alice` ```\n@bob\n``` @carol')).toEqual(['carol'])
  })
  it('mentionsUser honours channel-wide and first name keys', () => {
    expect(mentionsUser('hi @Alice', { username: 'alice' })).toBe(true)
    expect(mentionsUser('hi @alicex', { username: 'alice' })).toBe(false)
    expect(mentionsUser('@here lunch', { username: 'alice' })).toBe(true)
    expect(mentionsUser('@here lunch', { username: 'alice', channelWide: false })).toBe(false)
    expect(mentionsUser('ask Alice', { username: 'al', firstName: 'alice' })).toBe(true)
  })
  it('activeToken finds the word being completed', () => {
    expect(activeToken('hello @al', 9)).toEqual({ trigger: '@', term: 'al', start: 6 })
    expect(activeToken('go ~to', 6)).toEqual({ trigger: '~', term: 'to', start: 3 })
    expect(activeToken('a:b', 3)).toBeNull()
    expect(activeToken('x :sm', 5)).toEqual({ trigger: ':', term: 'sm', start: 2 })
    expect(activeToken('mail@x', 6)).toBeNull()
  })
})

describe('unread state', () => {
  const ch = { id: 'c', type: 'O' as const, total_msg_count: 10, total_msg_count_root: 6 }
  const m = { msg_count: 7, msg_count_root: 4, mention_count: 2, mention_count_root: 1, notify_props: { mark_unread: 'all' } } as any
  it('counts roots with collapsed threads, all without', () => {
    expect(channelUnread(ch, m)).toEqual({ unread: true, msgs: 2, mentions: 1, muted: false })
    expect(channelUnread(ch, m, false)).toEqual({ unread: true, msgs: 3, mentions: 2, muted: false })
  })
  it('muted channels are not bold but keep mentions', () => {
    const u = channelUnread(ch, { ...m, notify_props: { mark_unread: 'mention' } })
    expect(u.unread).toBe(false)
    expect(u.mentions).toBe(1)
  })
  it('DM messages count as mentions', () => {
    expect(channelUnread({ ...ch, type: 'D' }, { ...m, mention_count_root: 0 }).mentions).toBe(2)
  })
  it('totals and title', () => {
    const t = totals([ch, { id: 'd', type: 'O', total_msg_count: 1 }], { c: m, d: { msg_count: 1, mention_count: 0, notify_props: {} } as any })
    expect(t).toEqual({ unreadChannels: 1, mentions: 1 })
    expect(tabTitle('Town Square - Parley', t)).toBe('(1) Town Square - Parley')
    expect(tabTitle('X', { unreadChannels: 2, mentions: 0 })).toBe('* X')
    expect(tabTitle('X', { unreadChannels: 0, mentions: 0 })).toBe('X')
  })
  it('applyPosted bumps totals, mentions, or reads when viewing', () => {
    const p = { create_at: 5, root_id: '', user_id: 'other' }
    const a = applyPosted(ch, m, p, { me: 'me', mentioned: true, viewing: false })
    expect(a.channel.total_msg_count).toBe(11)
    expect(a.channel.total_msg_count_root).toBe(7)
    expect(a.member!.mention_count).toBe(3)
    expect(channelUnread(a.channel, a.member).msgs).toBe(3)
    const b = applyPosted(ch, m, p, { me: 'me', mentioned: false, viewing: true })
    expect(channelUnread(b.channel, b.member).msgs).toBe(0)
    const own = applyPosted(ch, m, { ...p, user_id: 'me' }, { me: 'me', mentioned: false, viewing: false })
    expect(own.member!.msg_count).toBe(11)
    const reply = applyPosted(ch, m, { ...p, root_id: 'r' }, { me: 'me', mentioned: false, viewing: false })
    expect(reply.channel.total_msg_count_root).toBe(6)
    const join = applyPosted({ ...ch, last_post_at: 0 }, m, { ...p, type: 'system_join_channel' }, { me: 'me', mentioned: false, viewing: false })
    expect(join.channel.total_msg_count).toBe(10)
    expect(join.channel.last_post_at).toBe(5)
  })
  it('applyViewed clears', () => {
    const v = applyViewed(ch, m)
    expect(channelUnread(ch, v)).toMatchObject({ unread: false, msgs: 0, mentions: 0 })
  })
})

describe('grouping', () => {
  it('groups consecutive posts of one author within five minutes', () => {
    const t = new Date(2026, 0, 1, 12).getTime()
    expect(continues({ user_id: 'a', create_at: t }, { user_id: 'a', create_at: t + 60000 })).toBe(true)
    expect(continues({ user_id: 'a', create_at: t }, { user_id: 'b', create_at: t + 60000 })).toBe(false)
    expect(continues({ user_id: 'a', create_at: t }, { user_id: 'a', create_at: t + 6 * 60000 })).toBe(false)
    expect(continues(undefined, { user_id: 'a', create_at: t })).toBe(false)
  })
})

import { buildRows } from './rows'

describe('message rows', () => {
  const day1 = new Date(2026, 0, 1, 10).getTime(), day2 = new Date(2026, 0, 2, 10).getTime()
  const posts = {
    a: { id: 'a', user_id: 'u1', create_at: day1 },
    b: { id: 'b', user_id: 'u1', create_at: day1 + 60000 },
    c: { id: 'c', user_id: 'u2', create_at: day1 + 120000 },
    d: { id: 'd', user_id: 'u2', create_at: day2 },
    e: { id: 'e', user_id: 'me', create_at: day2 + 1000 },
  }
  const order = ['a', 'b', 'c', 'd', 'e']
  it('date separators and author groups', () => {
    const rows = buildRows(order, posts, 0, 'me')
    expect(rows.map((r) => r.kind === 'post' ? `${r.id}${r.cont ? '+' : ''}` : r.kind)).toEqual(['date', 'a', 'b+', 'c', 'date', 'd', 'e'])
  })
  it('the new-messages line goes before the first unread post of someone else, and breaks the group', () => {
    const rows = buildRows(order, posts, day1 + 30000, 'me')
    expect(rows.map((r) => r.kind === 'post' ? `${r.id}${r.cont ? '+' : ''}` : r.kind)).toEqual(['date', 'a', 'new', 'b', 'c', 'date', 'd', 'e'])
    expect(buildRows(order, posts, day2 + 500, 'me').some((r) => r.kind === 'new')).toBe(false)
  })
  it('skips posts not loaded', () => {
    expect(buildRows(['x', 'a'], posts, 0, 'me').map((r) => r.key)).toEqual([`d${new Date(day1).toDateString()}`, 'a'])
  })
})
