// The rows of a channel's message list: date separators, the "new messages"
// line and posts, each post flagged when it continues the previous author's group.
import { sameDay, continues } from './time'

export type Row = { key: string; kind: 'date'; ts: number } | { key: string; kind: 'new' } | { key: string; kind: 'post'; id: string; cont: boolean }

export function buildRows(order: string[], posts: Record<string, { id: string; user_id: string; create_at: number; type?: string }>, newLineAt: number, me: string): Row[] {
  const rows: Row[] = []
  let prev: (typeof posts)[string] | undefined
  let newDone = !newLineAt
  for (const id of order) {
    const p = posts[id]
    if (!p) continue
    if (!prev || !sameDay(prev.create_at, p.create_at)) {
      rows.push({ key: `d${new Date(p.create_at).toDateString()}`, kind: 'date', ts: p.create_at })
      prev = undefined
    }
    let brk = false
    if (!newDone && p.create_at > newLineAt && p.user_id !== me) {
      rows.push({ key: 'new', kind: 'new' })
      newDone = true
      brk = true
    }
    rows.push({ key: p.id, kind: 'post', id: p.id, cont: !brk && continues(prev, p) })
    prev = p
  }
  return rows
}
