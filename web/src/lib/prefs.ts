// Mattermost's user preferences the client reads (category and name as the
// official web app stores them with PUT /users/{id}/preferences).
export interface Pref { user_id: string; category: string; name: string; value: string }

export const PREF = {
  militaryTime: ['display_settings', 'use_military_time'],
  nameFormat: ['display_settings', 'name_format'],
  collapsedThreads: ['display_settings', 'collapsed_reply_threads'],
  messageDisplay: ['display_settings', 'message_display'],
  unreadSection: ['sidebar_settings', 'show_unread_section'],
  visibleDms: ['sidebar_settings', 'limit_visible_dms_gms'],
  emailInterval: ['notifications', 'email_interval'],
} as const satisfies Record<string, readonly [string, string]>

export type PrefKey = keyof typeof PREF

export const prefId = (category: string, name: string) => `${category}:${name}`

/** The preferences as a map of "category:name" → value, skipping favourites (kept apart). */
export function prefMap(list: Pick<Pref, 'category' | 'name' | 'value'>[], into: Record<string, string> = {}): Record<string, string> {
  const out = { ...into }
  for (const p of list) if (p.category !== 'favorite_channel') out[prefId(p.category, p.name)] = p.value
  return out
}

/** A preference's value, or Mattermost's default for it. */
export function prefValue(prefs: Record<string, string>, key: PrefKey): string {
  const [c, n] = PREF[key]
  const v = prefs[prefId(c, n)]
  if (v !== undefined) return v
  return ({ militaryTime: 'false', nameFormat: 'username', collapsedThreads: 'on', messageDisplay: 'clean', unreadSection: 'false', visibleDms: '40', emailInterval: '900' } as Record<PrefKey, string>)[key]
}

type Named = { username: string; first_name?: string; last_name?: string; nickname?: string }

/** The name shown for a teammate under Mattermost's "Teammate name display" (name_format). */
export function teammateName(u: Named | undefined, format: string): string {
  if (!u) return ''
  const full = [u.first_name, u.last_name].filter(Boolean).join(' ')
  if (format === 'nickname_full_name') return u.nickname || full || u.username
  if (format === 'full_name') return full || u.username
  return u.username
}
