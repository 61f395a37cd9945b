// Mention parsing as Mattermost does it: @username (letters, digits, . _ -),
// not inside a word (so email addresses are not mentions), a trailing dot or
// dash is punctuation, and @channel / @all / @here notify everyone.

export const CHANNEL_WIDE = ['channel', 'all', 'here']

const MENTION_RE = /(^|[^\w@.+-])@([a-z0-9][a-z0-9._-]*)/gi

/** Every @name in the text (lower-cased, trailing punctuation dropped), in order, unique. */
export function parseMentions(text: string): string[] {
  const out: string[] = []
  const stripped = stripCode(text)
  for (const m of stripped.matchAll(MENTION_RE)) {
    const name = trimPunct(m[2].toLowerCase())
    if (name && !out.includes(name)) out.push(name)
  }
  return out
}

export function trimPunct(name: string): string {
  return name.replace(/[._-]+$/, '')
}

/** Removes fenced and inline code, where mentions do not count. */
export function stripCode(text: string): string {
  return text.replace(/```[\s\S]*?(```|$)/g, ' ').replace(/`[^`\n]*`/g, ' ')
}

export interface MentionKeys {
  username: string
  channelWide?: boolean // @channel/@all/@here notify this user (default true)
  firstName?: string // first name is a mention key when enabled
}

/** Whether a message mentions the user. */
export function mentionsUser(text: string, keys: MentionKeys): boolean {
  const names = parseMentions(text)
  const u = keys.username.toLowerCase()
  if (names.includes(u)) return true
  if (keys.channelWide !== false && names.some((n) => CHANNEL_WIDE.includes(n))) return true
  if (keys.firstName) {
    const fn = keys.firstName.toLowerCase()
    const words = stripCode(text).toLowerCase().split(/[^\p{L}\p{N}_]+/u)
    if (words.includes(fn)) return true
  }
  return false
}

/** The word being typed at the caret that starts with @, ~ or : (for autocomplete). */
export function activeToken(text: string, caret: number): { trigger: '@' | '~' | ':'; term: string; start: number } | null {
  const before = text.slice(0, caret)
  const m = /(^|\s)([@~:])([\w.+-]*)$/.exec(before)
  if (!m) return null
  const trigger = m[2] as '@' | '~' | ':'
  if (trigger === ':' && m[3].length < 2) return null
  return { trigger, term: m[3], start: caret - m[3].length - 1 }
}

/** Whether the word at the caret is already the suggestion (so Enter has nothing left to complete). */
export function typedOut(text: string, caret: number, suggestion: string): boolean {
  const want = suggestion.trim()
  if (text.trim() === want) return true
  const tok = activeToken(text, caret)
  return !!tok && text.slice(tok.start, caret).trim().toLowerCase() === want.toLowerCase()
}
