export function sameDay(a: number, b: number): boolean {
  const x = new Date(a), y = new Date(b)
  return x.getFullYear() === y.getFullYear() && x.getMonth() === y.getMonth() && x.getDate() === y.getDate()
}

export function dayLabel(ts: number, now = Date.now()): string {
  if (sameDay(ts, now)) return 'Today'
  if (sameDay(ts, now - 86400000)) return 'Yesterday'
  const d = new Date(ts)
  const opts: Intl.DateTimeFormatOptions = { weekday: 'short', month: 'long', day: 'numeric' }
  if (d.getFullYear() !== new Date(now).getFullYear()) opts.year = 'numeric'
  return d.toLocaleDateString(undefined, opts)
}

/** A post's time; `military` is Mattermost's 24-hour clock setting. */
export function timeLabel(ts: number, military = false): string {
  return new Date(ts).toLocaleTimeString(undefined, military ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : { hour: 'numeric', minute: '2-digit', hour12: true })
}

type Groupable = { user_id: string; create_at: number; type?: string; props?: Record<string, unknown> | null }
const hookName = (p: Groupable) => (p.props?.from_webhook === 'true' || p.props?.from_webhook === true ? `hook:${p.props?.override_username || p.props?.webhook_display_name || ''}` : '')

/** Posts by the same author within 5 minutes (and same day, both roots or same thread) are grouped; webhook posts only with the same hook name. */
export function continues(prev: Groupable | undefined, p: Groupable): boolean {
  if (!prev) return false
  if ((prev.type || '').startsWith('system_') || (p.type || '').startsWith('system_')) return false
  if (hookName(prev) !== hookName(p)) return false
  return prev.user_id === p.user_id && p.create_at - prev.create_at < 5 * 60 * 1000 && sameDay(prev.create_at, p.create_at)
}
