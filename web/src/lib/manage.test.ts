// Issue 23, the missing parts: preferences (clock, teammate names, sidebar),
// "/invite @bob" sent on the first Enter, custom emoji names, and the console's
// settings pages against Mattermost's configuration document.
import { describe, expect, it } from 'vitest'
import mattermostDefaults from '../../../internal/config/mattermost.json?raw'
import { prefMap, prefValue, teammateName } from './prefs'
import { timeLabel } from './time'
import { typedOut } from './mentions'
import { emojiNameRefusal } from './emojiname'
import { CONSOLE_PAGES } from './consolepages'

describe('preferences', () => {
  const prefs = prefMap([
    { category: 'display_settings', name: 'use_military_time', value: 'true' },
    { category: 'favorite_channel', name: 'c1', value: 'true' },
    { category: 'sidebar_settings', name: 'limit_visible_dms_gms', value: '15' },
  ])
  it('maps category:name to values and leaves favourites out', () => {
    expect(prefs).toEqual({ 'display_settings:use_military_time': 'true', 'sidebar_settings:limit_visible_dms_gms': '15' })
  })
  it("falls back to Mattermost's defaults", () => {
    expect(prefValue(prefs, 'militaryTime')).toBe('true')
    expect(prefValue(prefs, 'visibleDms')).toBe('15')
    expect(prefValue({}, 'nameFormat')).toBe('username')
    expect(prefValue({}, 'collapsedThreads')).toBe('on')
    expect(prefValue({}, 'unreadSection')).toBe('false')
  })
  it('later values replace earlier ones (preferences_changed)', () => {
    expect(prefMap([{ category: 'display_settings', name: 'use_military_time', value: 'false' }], prefs)['display_settings:use_military_time']).toBe('false')
  })
})

describe('teammate name display', () => {
  const u = { username: 'alice', first_name: 'Alice', last_name: 'Liddell', nickname: 'Al' }
  it('follows name_format', () => {
    expect(teammateName(u, 'username')).toBe('alice')
    expect(teammateName(u, 'full_name')).toBe('Alice Liddell')
    expect(teammateName(u, 'nickname_full_name')).toBe('Al')
    expect(teammateName({ ...u, nickname: '' }, 'nickname_full_name')).toBe('Alice Liddell')
    expect(teammateName({ username: 'bob' }, 'full_name')).toBe('bob')
  })
})

describe('clock display', () => {
  const ts = new Date(2026, 0, 2, 16, 5).getTime()
  it('shows a 24-hour time when use_military_time is on', () => {
    expect(timeLabel(ts, true)).toMatch(/16.05/)
    expect(timeLabel(ts, false)).not.toMatch(/16/)
  })
})

describe('Enter with a suggestion already typed out', () => {
  it('sends "/invite @bob" instead of accepting @bob again', () => {
    expect(typedOut('/invite @bob', 12, '@bob ')).toBe(true)
    expect(typedOut('/invite @bo', 11, '@bob ')).toBe(false)
    expect(typedOut('/echo', 5, '/echo ')).toBe(true)
    expect(typedOut('hi :smi', 7, ':smile: ')).toBe(false)
  })
})

describe('custom emoji names', () => {
  const taken = (n: string) => n === 'smile' || n === 'parrot'
  it("refuses what Mattermost refuses", () => {
    expect(emojiNameRefusal('', taken)).not.toBe('')
    expect(emojiNameRefusal('Has Space', taken)).not.toBe('')
    expect(emojiNameRefusal('x'.repeat(65), taken)).not.toBe('')
    expect(emojiNameRefusal('smile', taken)).toMatch(/already exists/)
    expect(emojiNameRefusal('party_parrot-2+', taken)).toBe('')
  })
})

describe('system console pages', () => {
  const defaults = JSON.parse(mattermostDefaults) as Record<string, Record<string, unknown>>
  const kindOf = (v: unknown) => (typeof v === 'boolean' ? 'bool' : typeof v === 'number' ? 'number' : Array.isArray(v) ? 'list' : 'string')
  it('names only settings of Mattermost’s configuration, with a matching kind', () => {
    for (const p of CONSOLE_PAGES) for (const f of p.fields) {
      const v = defaults[f.section]?.[f.name]
      expect(v, `${f.section}.${f.name}`).not.toBeUndefined()
      const want = f.kind === 'bool' || f.kind === 'number' || f.kind === 'list' ? f.kind : 'string'
      expect(kindOf(v), `${f.section}.${f.name}`).toBe(want)
    }
  })
  it('has the pages the issue asks for, each setting once', () => {
    expect(CONSOLE_PAGES.map((p) => p.id)).toEqual(expect.arrayContaining(['site', 'users_teams', 'authentication', 'email', 'notifications', 'threads', 'files', 'rate_limits', 'retention', 'compliance']))
    const all = CONSOLE_PAGES.flatMap((p) => p.fields.map((f) => `${f.section}.${f.name}`))
    expect(new Set(all).size).toBe(all.length)
  })
  it('offers the current value among a select’s options', () => {
    for (const p of CONSOLE_PAGES) for (const f of p.fields) if (f.kind === 'select') {
      expect(f.options!.map(([v]) => v), `${f.section}.${f.name}`).toContain(String(defaults[f.section][f.name]))
    }
  })
})
