// How posts from integrations look: Slack message attachments, webhook
// overrides, bot badges, link previews and slash commands in the composer.
import { safeUrl } from './markdown'

export interface AttachmentField { title: string; value: string; short: boolean }
export interface Attachment {
  fallback: string
  color: string
  pretext: string
  authorName: string
  authorLink: string | null
  authorIcon: string | null
  title: string
  titleLink: string | null
  text: string
  fields: AttachmentField[][] // rows: two short fields side by side, long fields alone
  imageUrl: string | null
  thumbUrl: string | null
  footer: string
  footerIcon: string | null
  ts: number | null // ms
  actions: AttachmentAction[]
}

/** A message button, or a menu when `options` is set. */
export interface AttachmentAction {
  id: string
  name: string
  style: string
  options: { text: string; value: string }[] | null
}

function normalizeActions(raw: unknown): AttachmentAction[] {
  if (!Array.isArray(raw)) return []
  return raw.filter((a: any) => a && typeof a === 'object' && str(a.id) !== '').map((a: any) => ({
    id: str(a.id),
    name: str(a.name) || str(a.id),
    style: str(a.style),
    options: a.type === 'select' && Array.isArray(a.options)
      ? a.options.filter((o: any) => o && typeof o === 'object').map((o: any) => ({ text: str(o.text), value: str(o.value) }))
      : null,
  }))
}

const NAMED_COLORS: Record<string, string> = { good: '#2eb886', warning: '#daa038', danger: '#a30200' }

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : ''
}

export function attachmentColor(c: unknown): string {
  const s = str(c).trim()
  if (NAMED_COLORS[s]) return NAMED_COLORS[s]
  if (/^#?[0-9a-f]{3}([0-9a-f]{3})?$/i.test(s)) return s.startsWith('#') ? s : '#' + s
  return ''
}

/** Only http(s) URLs for images and links; anything else is dropped. */
function webUrl(v: unknown): string | null {
  const u = safeUrl(str(v))
  return u && /^https?:/i.test(u) ? u : null
}

/** Normalises `props.attachments` (as any integration sent it) for rendering. */
export function normalizeAttachments(raw: unknown): Attachment[] {
  if (!Array.isArray(raw)) return []
  return raw.filter((a) => a && typeof a === 'object').map((a: any) => {
    const rows: AttachmentField[][] = []
    let pending: AttachmentField | null = null
    for (const f of Array.isArray(a.fields) ? a.fields : []) {
      if (!f || typeof f !== 'object') continue
      const field = { title: str(f.title), value: str(f.value), short: !!f.short }
      if (!field.title && !field.value) continue
      if (field.short) {
        if (pending) { rows.push([pending, field]); pending = null } else pending = field
      } else {
        if (pending) { rows.push([pending]); pending = null }
        rows.push([field])
      }
    }
    if (pending) rows.push([pending])
    let ts: number | null = null
    const rawTs = Number(a.ts)
    if (a.ts !== undefined && a.ts !== '' && Number.isFinite(rawTs) && rawTs > 0) ts = rawTs < 1e11 ? rawTs * 1000 : rawTs
    return {
      fallback: str(a.fallback), color: attachmentColor(a.color), pretext: str(a.pretext),
      authorName: str(a.author_name), authorLink: webUrl(a.author_link), authorIcon: webUrl(a.author_icon),
      title: str(a.title), titleLink: webUrl(a.title_link), text: str(a.text), fields: rows,
      imageUrl: webUrl(a.image_url), thumbUrl: webUrl(a.thumb_url), footer: str(a.footer), footerIcon: webUrl(a.footer_icon), ts,
      actions: normalizeActions(a.actions),
    }
  })
}

export interface Byline {
  name: string // shown as the author
  iconUrl: string | null // replaces the avatar
  bot: boolean // shows the BOT badge
  webhook: boolean
}

type PostLike = { props?: Record<string, unknown> | null }
type UserLike = { username: string; is_bot?: boolean } | undefined

/** Who a post appears to be from: webhook overrides and bots as Mattermost shows them. */
export function byline(p: PostLike, author: UserLike, cfg: Record<string, string> = {}): Byline {
  const props = p.props || {}
  const webhook = props.from_webhook === 'true' || props.from_webhook === true
  const fromBot = props.from_bot === 'true' || props.from_bot === true || !!author?.is_bot
  let name = author?.username || '…'
  let iconUrl: string | null = null
  if (webhook) {
    const o = str(props.override_username)
    if (o && cfg.EnablePostUsernameOverride !== 'false') name = o
    else if (str(props.webhook_display_name)) name = str(props.webhook_display_name)
    const icon = webUrl(props.override_icon_url) || (str(props.override_icon_url).startsWith('/') ? str(props.override_icon_url) : null)
    if (icon && cfg.EnablePostIconOverride !== 'false') iconUrl = icon
  }
  return { name, iconUrl, bot: fromBot || webhook, webhook }
}

export interface Embed { type: string; url: string; data?: any }

/** The OpenGraph preview of a post, if it has one worth showing. */
export function linkPreview(p: { metadata?: any }): { url: string; title: string; description: string; site: string; image: string | null } | null {
  const e = (p.metadata?.embeds || []).find((x: Embed) => x.type === 'opengraph' && x.data)
  if (!e) return null
  const d = e.data
  const url = webUrl(e.url)
  if (!url) return null
  const title = str(d.title)
  const description = str(d.description)
  if (!title && !description) return null
  const img = Array.isArray(d.images) ? d.images.map((i: any) => webUrl(i?.secure_url || i?.url)).find(Boolean) : null
  return { url, title, description, site: str(d.site_name) || new URL(url).hostname, image: img || null }
}

// ---------- slash commands ----------

/** A message that is a slash command: "/name rest". "//x" and "/ " are messages. */
export function parseSlash(text: string): { trigger: string; args: string } | null {
  const m = /^\/([^\s/][^\s]*)(?:\s+([\s\S]*))?$/.exec(text.trim())
  if (!m) return null
  return { trigger: m[1].toLowerCase(), args: (m[2] || '').trim() }
}

export interface CommandInfo { trigger: string; auto_complete_desc?: string; auto_complete_hint?: string; description?: string; display_name?: string }

/** Commands for the autocomplete of "/partial" at the start of the box. */
export function suggestCommands(text: string, commands: CommandInfo[], limit = 10): CommandInfo[] {
  const m = /^\/(\S*)$/.exec(text)
  if (!m) return []
  const q = m[1].toLowerCase()
  const seen = new Set<string>()
  return commands.filter((c) => c.trigger.toLowerCase().startsWith(q) && !seen.has(c.trigger) && !!seen.add(c.trigger))
    .sort((a, b) => a.trigger.localeCompare(b.trigger)).slice(0, limit)
}

/** Where a goto_location points: a path inside the app, or an outside URL. */
export function gotoTarget(loc: string, origin: string): { internal: string } | { external: string } | null {
  if (!loc) return null
  try {
    const u = new URL(loc, origin)
    if (u.origin === origin) return { internal: u.pathname + u.search + u.hash }
    if (/^https?:$/.test(u.protocol)) return { external: u.href }
  } catch { /* invalid */ }
  return null
}
