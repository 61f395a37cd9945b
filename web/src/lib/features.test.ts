import { describe, expect, it } from 'vitest'
import { formatSize, fileKind, isImage, uploadRefusal } from './files'
import { normalizeAttachments, attachmentColor, byline, linkPreview, parseSlash, suggestCommands, gotoTarget } from './integrations'
import { searchBody, mapResults, termWords, highlightHtml } from './search'
import { renderMarkdown, isJumboEmoji } from './markdown'
import { setCustomEmoji, searchAllEmoji } from './emoji'
import { continues } from './time'

describe('files', () => {
  it('formats sizes', () => {
    expect(formatSize(512)).toBe('512 B')
    expect(formatSize(1536)).toBe('1.5 KB')
    expect(formatSize(250 * 1024)).toBe('250 KB')
    expect(formatSize(3.2 * 1024 * 1024)).toBe('3.2 MB')
  })
  it('knows kinds and images', () => {
    expect(fileKind({ name: 'report.PDF', extension: '' }).kind).toBe('pdf')
    expect(fileKind({ name: 'x', extension: 'xlsx' }).kind).toBe('spreadsheet')
    expect(fileKind({ name: 'noext', extension: '' }).kind).toBe('file')
    expect(isImage({ mime_type: 'image/png', has_preview_image: true })).toBe(true)
    expect(isImage({ mime_type: 'image/svg+xml', has_preview_image: false })).toBe(false)
    expect(isImage({ mime_type: 'application/pdf' } as any)).toBe(false)
  })
  it('refuses what the server would', () => {
    const cfg = { EnableFileAttachments: 'true', MaxFileSize: '1000' }
    expect(uploadRefusal({ name: 'a', size: 10 }, cfg)).toBeNull()
    expect(uploadRefusal({ name: 'big.bin', size: 2000 }, cfg)).toMatch(/big.bin is larger than/)
    expect(uploadRefusal({ name: 'e', size: 0 }, cfg)).toMatch(/empty/)
    expect(uploadRefusal({ name: 'a', size: 10 }, { EnableFileAttachments: 'false' })).toMatch(/disabled/)
  })
})

describe('message attachments', () => {
  it('maps Slack fields, colors and pairs short fields', () => {
    const [a] = normalizeAttachments([{
      fallback: 'fb', color: 'danger', pretext: 'pre', author_name: 'CI', author_link: 'https://ci.example.com', author_icon: 'javascript:alert(1)',
      title: 'Build 42', title_link: 'https://ci.example.com/42', text: 'failed', image_url: 'https://img.example.com/a.png', thumb_url: 'data:image/png;base64,xx',
      footer: 'ci', ts: 1700000000,
      fields: [{ title: 'A', value: '1', short: true }, { title: 'B', value: '2', short: true }, { title: 'Long', value: 'x', short: false }, { title: 'C', value: 3, short: true }],
    }])
    expect(a.color).toBe('#a30200')
    expect(a.authorIcon).toBeNull() // javascript: dropped
    expect(a.thumbUrl).toBeNull() // data: dropped
    expect(a.titleLink).toBe('https://ci.example.com/42')
    expect(a.fields.map((r) => r.map((f) => f.title))).toEqual([['A', 'B'], ['Long'], ['C']])
    expect(a.fields[2][0].value).toBe('3')
    expect(a.ts).toBe(1700000000000)
  })
  it('accepts hex colors with or without #, ignores junk', () => {
    expect(attachmentColor('36a64f')).toBe('#36a64f')
    expect(attachmentColor('#FFF')).toBe('#FFF')
    expect(attachmentColor('red; background:url(x)')).toBe('')
    expect(normalizeAttachments('nope')).toEqual([])
    expect(normalizeAttachments([null, 5, {}])).toHaveLength(1)
  })
  it('keeps buttons and menus that have an id, and their options', () => {
    const [a] = normalizeAttachments([{ text: 'Deploy?', actions: [
      { id: 'ok', name: 'Approve', style: 'primary' },
      { name: 'no id: the server names every action, so this one is junk' },
      { id: 'env', name: 'Env', type: 'select', options: [{ text: 'Prod', value: 'prod' }, null] },
    ] }])
    expect(a.actions).toEqual([
      { id: 'ok', name: 'Approve', style: 'primary', options: null },
      { id: 'env', name: 'Env', style: '', options: [{ text: 'Prod', value: 'prod' }] },
    ])
  })
})

describe('byline', () => {
  const user = { username: 'alice' }
  it('uses webhook overrides when allowed', () => {
    const p = { props: { from_webhook: 'true', override_username: 'ci-bot', override_icon_url: 'https://x/icon.png' } }
    expect(byline(p, user, {})).toEqual({ name: 'ci-bot', iconUrl: 'https://x/icon.png', bot: true, webhook: true })
    expect(byline(p, user, { EnablePostUsernameOverride: 'false', EnablePostIconOverride: 'false' }).name).toBe('alice')
    expect(byline({ props: { from_webhook: 'true', webhook_display_name: 'Deploys' } }, user).name).toBe('Deploys')
  })
  it('marks bots and leaves people alone', () => {
    expect(byline({ props: { from_bot: 'true' } }, { username: 'b' }).bot).toBe(true)
    expect(byline({ props: {} }, { username: 'b', is_bot: true }).bot).toBe(true)
    expect(byline({ props: { override_username: 'fake' } }, user)).toEqual({ name: 'alice', iconUrl: null, bot: false, webhook: false })
  })
  it('does not group a webhook post under its owner', () => {
    const t = 1_700_000_000_000
    expect(continues({ user_id: 'u', create_at: t }, { user_id: 'u', create_at: t + 1000, props: { from_webhook: 'true' } })).toBe(false)
    expect(continues({ user_id: 'u', create_at: t }, { user_id: 'u', create_at: t + 1000 })).toBe(true)
  })
})

describe('link previews', () => {
  it('shows an opengraph embed with a title', () => {
    const lp = linkPreview({ metadata: { embeds: [{ type: 'opengraph', url: 'https://go.dev/x', data: { title: 'Go', description: 'lang', images: [{ url: 'https://go.dev/i.png' }] } }] } })
    expect(lp).toEqual({ url: 'https://go.dev/x', title: 'Go', description: 'lang', site: 'go.dev', image: 'https://go.dev/i.png' })
    expect(linkPreview({ metadata: { embeds: [{ type: 'opengraph', url: 'https://a', data: {} }] } })).toBeNull()
    expect(linkPreview({ metadata: { embeds: [{ type: 'opengraph', url: 'javascript:x', data: { title: 't' } }] } })).toBeNull()
    expect(linkPreview({})).toBeNull()
  })
})

describe('slash commands', () => {
  it('parses commands and leaves other messages alone', () => {
    expect(parseSlash('/echo "hi there" 2')).toEqual({ trigger: 'echo', args: '"hi there" 2' })
    expect(parseSlash('  /ME waves\nand more ')).toEqual({ trigger: 'me', args: 'waves\nand more' })
    expect(parseSlash('/shrug')).toEqual({ trigger: 'shrug', args: '' })
    expect(parseSlash('//not a command')).toBeNull()
    expect(parseSlash('/ space')).toBeNull()
    expect(parseSlash('hello /echo')).toBeNull()
  })
  it('suggests commands for a partial trigger only', () => {
    const cmds = [{ trigger: 'echo' }, { trigger: 'away' }, { trigger: 'email' }, { trigger: 'echo' }]
    expect(suggestCommands('/e', cmds).map((c) => c.trigger)).toEqual(['echo', 'email'])
    expect(suggestCommands('/', cmds)).toHaveLength(3)
    expect(suggestCommands('/echo hi', cmds)).toEqual([])
    expect(suggestCommands('e', cmds)).toEqual([])
  })
  it('follows goto_location inside the app, opens others outside', () => {
    const o = 'http://chat.example.com'
    expect(gotoTarget('/staff/channels/dev', o)).toEqual({ internal: '/staff/channels/dev' })
    expect(gotoTarget('http://chat.example.com/staff/pl/abc', o)).toEqual({ internal: '/staff/pl/abc' })
    expect(gotoTarget('https://example.org/x', o)).toEqual({ external: 'https://example.org/x' })
    expect(gotoTarget('javascript:alert(1)', o)).toBeNull()
    expect(gotoTarget('', o)).toBeNull()
  })
})

describe('search', () => {
  it('passes the terms through with the time zone', () => {
    const b = searchBody(' from:alice "deploy failed" ', new Date())
    expect(b.terms).toBe('from:alice "deploy failed"')
    expect(typeof b.time_zone_offset).toBe('number')
  })
  it('maps results newest first, dropping deleted posts', () => {
    const r = mapResults({ order: ['b', 'a', 'gone', 'x'], posts: { a: { id: 'a' }, b: { id: 'b' }, gone: { id: 'gone', delete_at: 5 } }, matches: { a: ['deploy'], b: null } })
    expect(r.order).toEqual(['b', 'a'])
    expect(r.matches).toEqual({ a: ['deploy'], b: [] })
    expect(mapResults(null).order).toEqual([])
  })
  it('extracts plain words from a query', () => {
    expect(termWords('deploy* from:bob -nope "big win" in:dev #release ~x @carol')).toEqual(['deploy*', 'big', 'win', 'release', 'carol'])
  })
  it('highlights matched words in text, never in tags', () => {
    const html = renderMarkdown('Deploy the [deploy link](https://deploy.example.com) redeploy deployment')
    const out = highlightHtml(html, ['deploy'])
    expect(out).toContain('<mark class="search-hit">Deploy</mark> the')
    expect(out).toContain('href="https://deploy.example.com"')
    expect(out).toContain('><mark class="search-hit">deploy</mark> link</a>')
    expect(out).toContain(' redeploy deployment')
    expect(highlightHtml('<p>deployment ok</p>', ['depl*'])).toBe('<p><mark class="search-hit">deployment</mark> ok</p>')
    expect(highlightHtml('<p>a &amp; b</p>', ['amp'])).toBe('<p>a &amp; b</p>') // entities stay whole
    expect(highlightHtml('<p>#release notes</p>', ['release'])).toBe('<p>#<mark class="search-hit">release</mark> notes</p>')
    expect(highlightHtml('<p>x</p>', ['(', ''])).toBe('<p>x</p>')
  })
})

describe('custom emoji', () => {
  it('renders known custom emoji as images and offers them in autocomplete', () => {
    setCustomEmoji({ parrot: { id: 'e1', name: 'parrot' } })
    expect(renderMarkdown('hi :parrot: :nope:')).toContain('<img class="emoji custom-emoji" src="/api/v4/emoji/e1/image" alt=":parrot:"')
    expect(renderMarkdown(':nope:')).toContain(':nope:')
    expect(isJumboEmoji(':parrot: :+1:')).toBe(true)
    expect(searchAllEmoji('par')).toContain('parrot')
    setCustomEmoji({})
    expect(renderMarkdown(':parrot:')).not.toContain('<img')
  })
})
