// Message search: the request, the results, and highlighting of matched words.
import { escapeHtml } from './markdown'

export interface SearchResult { order: string[]; posts: Record<string, any>; matches: Record<string, string[]> }

/** The request body for POST /teams/{id}/posts/search; terms pass through as typed. */
export function searchBody(terms: string, now = new Date()) {
  return { terms: terms.trim(), is_or_search: false, time_zone_offset: -now.getTimezoneOffset() * 60, include_deleted_channels: false, page: 0, per_page: 60 }
}

/** Results newest first, without deleted posts, with their matched words. */
export function mapResults(list: any): SearchResult {
  const posts = list?.posts || {}
  const order: string[] = (list?.order || []).filter((id: string) => posts[id] && !posts[id].delete_at)
  const matches: Record<string, string[]> = {}
  for (const id of order) matches[id] = (list?.matches?.[id] || []).filter((w: unknown) => typeof w === 'string' && w)
  return { order, posts, matches }
}

/** Words to highlight when the server sent no matches: the plain words of the query. */
export function termWords(terms: string): string[] {
  const out: string[] = []
  const re = /(-?)"([^"]*)"?|(\S+)/g
  let m: RegExpExecArray | null
  while ((m = re.exec(terms))) {
    if (m[1]) continue // excluded
    if (m[2] !== undefined) { out.push(...m[2].split(/\s+/).filter(Boolean)); continue }
    const w = m[3]
    if (w.startsWith('-') || /^-?(from|in|on|before|after):/i.test(w) || w.startsWith('~')) continue
    out.push(w.replace(/^[#@]/, ''))
  }
  return out.filter(Boolean)
}

/**
 * Wraps the matched words in <mark> in rendered (safe) HTML, touching text only,
 * never tags or attributes. A trailing * matches any word with that prefix.
 */
export function highlightHtml(html: string, words: string[]): string {
  const parts = words.map((w) => w.trim()).filter(Boolean).map((w) => {
    const prefix = w.endsWith('*')
    const core = escapeHtml(prefix ? w.slice(0, -1) : w).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    return core ? core + (prefix ? '[\\p{L}\\p{N}_]*' : '') : ''
  }).filter(Boolean)
  if (!parts.length) return html
  parts.sort((a, b) => b.length - a.length)
  const re = new RegExp(`(?<![\\p{L}\\p{N}_])(${parts.join('|')})(?![\\p{L}\\p{N}_])`, 'giu')
  const mark = (text: string) => text.split(/(&[#a-z0-9]+;)/i).map((t) => (t.startsWith('&') && t.endsWith(';') ? t : t.replace(re, '<mark class="search-hit">$1</mark>'))).join('')
  return html.split(/(<[^>]*>)/).map((seg) => (seg.startsWith('<') ? seg : mark(seg))).join('')
}
