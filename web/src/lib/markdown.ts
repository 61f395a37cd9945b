// Markdown as Mattermost renders it: CommonMark + GFM tables, strikethrough and
// autolinks, a newline is a line break, raw HTML is shown as text, links open in
// a new tab, :emoji: shortcodes become emoji, @mentions and ~channels are marked.
// Code blocks carry their language; highlighting is applied lazily (highlight.ts).
import { Marked, type Tokens } from 'marked'
import { emojiChar, customEmoji, customEmojiUrl, isEmoji } from './emoji'
import { CHANNEL_WIDE, trimPunct } from './mentions'

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

export function safeUrl(href: string): string | null {
  const h = href.trim()
  if (/^(https?:|mailto:)/i.test(h)) return h
  if (/^[/#]/.test(h) && !h.startsWith('//')) return h
  if (/^[a-z][a-z0-9+.-]*:/i.test(h)) return null // javascript:, data:, ...
  return null
}

export interface RenderOptions {
  me?: string // username: mentions of me get highlighted
  groups?: string[] // names of my groups: their mentions are mine too
  teamName?: string // for ~channel links
}

let opts: RenderOptions = {}

const mention = {
  name: 'mention',
  level: 'inline' as const,
  start(src: string) {
    const m = /(^|[^\w@.+-])@[a-z0-9]/i.exec(src)
    return m ? m.index + m[1].length : undefined
  },
  tokenizer(src: string) {
    const m = /^@([a-z0-9][a-z0-9._-]*)/i.exec(src)
    if (!m) return undefined
    const name = trimPunct(m[1])
    return { type: 'mention', raw: '@' + name, name: name.toLowerCase() }
  },
  renderer(t: Tokens.Generic) {
    const n = t.name as string
    const wide = CHANNEL_WIDE.includes(n)
    const group = !!opts.groups?.includes(n)
    const me = opts.me && (n === opts.me.toLowerCase() || wide || group)
    return `<span class="mention${me ? ' mention-me' : ''}${group ? ' mention-group' : ''}" data-mention="${escapeHtml(n)}">@${escapeHtml(n)}</span>`
  },
}

const channelLink = {
  name: 'channelLink',
  level: 'inline' as const,
  start(src: string) {
    const m = /(^|[^\w~])~[a-z0-9]/i.exec(src)
    return m ? m.index + m[1].length : undefined
  },
  tokenizer(src: string) {
    const m = /^~([a-z0-9][a-z0-9_-]*)/i.exec(src)
    if (!m) return undefined
    const name = m[1].replace(/[-_]+$/, '')
    return { type: 'channelLink', raw: '~' + name, name: name.toLowerCase() }
  },
  renderer(t: Tokens.Generic) {
    const n = escapeHtml(t.name as string)
    const href = opts.teamName ? `/${escapeHtml(opts.teamName)}/channels/${n}` : '#'
    return `<a class="channel-link" data-channel="${n}" href="${href}">~${n}</a>`
  },
}

const emoji = {
  name: 'emoji',
  level: 'inline' as const,
  start(src: string) {
    const m = /:[a-z0-9_+-]+:/i.exec(src)
    return m ? m.index : undefined
  },
  tokenizer(src: string) {
    const m = /^:([a-z0-9_+-]+):/i.exec(src)
    if (!m) return undefined
    const name = m[1].toLowerCase()
    const ch = emojiChar(name)
    if (ch) return { type: 'emoji', raw: m[0], name, char: ch }
    const c = customEmoji(name)
    if (c) return { type: 'emoji', raw: m[0], name, custom: c.id }
    return undefined
  },
  renderer(t: Tokens.Generic) {
    if (t.custom) return `<img class="emoji custom-emoji" src="${escapeHtml(customEmojiUrl(t.custom as string))}" alt=":${escapeHtml(t.name)}:" title=":${escapeHtml(t.name)}:">`
    return `<span class="emoji" title=":${escapeHtml(t.name)}:" role="img" aria-label="${escapeHtml(t.name)}">${t.char}</span>`
  },
}

const md = new Marked({ gfm: true, breaks: true })
md.use({
  extensions: [mention, channelLink, emoji],
  renderer: {
    html(t: Tokens.HTML | Tokens.Tag) {
      return escapeHtml(t.text ?? t.raw)
    },
    link(t: Tokens.Link) {
      const href = safeUrl(t.href)
      const text = this.parser.parseInline(t.tokens)
      if (!href) return text
      const ext = /^(https?:|mailto:)/i.test(href)
      return `<a href="${escapeHtml(href)}"${ext ? ' target="_blank" rel="noopener noreferrer"' : ''}>${text}</a>`
    },
    image(t: Tokens.Image) {
      const href = safeUrl(t.href)
      const alt = escapeHtml(t.text || t.href)
      if (!href) return alt
      return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${alt}</a>`
    },
    code(t: Tokens.Code) {
      const lang = (t.lang || '').trim().split(/\s+/)[0].toLowerCase()
      const cls = lang ? ` class="language-${escapeHtml(lang)}"` : ''
      return `<pre class="code-block"><code${cls}>${escapeHtml(t.text)}</code></pre>\n`
    },
    heading(t: Tokens.Heading) {
      return `<h${t.depth} class="md-h">${this.parser.parseInline(t.tokens)}</h${t.depth}>\n`
    },
    table(t: Tokens.Table) {
      const cell = (c: Tokens.TableCell, tag: string) => {
        const a = c.align ? ` style="text-align:${c.align}"` : ''
        return `<${tag}${a}>${this.parser.parseInline(c.tokens)}</${tag}>`
      }
      const head = '<tr>' + t.header.map((c) => cell(c, 'th')).join('') + '</tr>'
      const rows = t.rows.map((r) => '<tr>' + r.map((c) => cell(c, 'td')).join('') + '</tr>').join('')
      return `<div class="table-wrap"><table class="md-table"><thead>${head}</thead><tbody>${rows}</tbody></table></div>\n`
    },
  },
})

/** Renders a message to HTML that is safe to insert (raw HTML is escaped, URLs filtered). */
export function renderMarkdown(text: string, o: RenderOptions = {}): string {
  opts = o
  try {
    return md.parse(text, { async: false }) as string
  } finally {
    opts = {}
  }
}

/** True if the message is only emoji (1–3): Mattermost shows them large. */
export function isJumboEmoji(text: string): boolean {
  const t = text.trim()
  if (!t) return false
  const parts = t.split(/\s+/)
  return parts.length <= 3 && parts.every((p) => /^:[a-z0-9_+-]+:$/i.test(p) && isEmoji(p.slice(1, -1).toLowerCase()))
}
