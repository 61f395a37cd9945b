// Unread state of channels and teams, computed from the server's counters the
// way Mattermost does: a channel is unread when its message total is above what
// the member has read; mentions are counted by the server (and bumped live).

export interface Unread { unread: boolean; msgs: number; mentions: number; muted: boolean }

type Notify = { notify_props?: { mark_unread?: string } | Record<string, unknown> }

export function isMuted(m?: Notify): boolean {
  return (m?.notify_props as { mark_unread?: string } | undefined)?.mark_unread === 'mention'
}

type Ch = { id: string; type: string; total_msg_count: number; total_msg_count_root?: number; delete_at?: number }
type Mem = Notify & { msg_count: number; mention_count: number; msg_count_root?: number; mention_count_root?: number }

/** Unread state of one channel. With collapsed threads, only root posts count. */
export function channelUnread(ch: Ch, m: Mem | undefined, crt = true): Unread {
  if (!m) return { unread: false, msgs: 0, mentions: 0, muted: false }
  const useRoot = crt && typeof ch.total_msg_count_root === 'number' && typeof m.msg_count_root === 'number'
  const total = useRoot ? ch.total_msg_count_root! : ch.total_msg_count
  const read = useRoot ? m.msg_count_root! : m.msg_count
  const msgs = Math.max(0, (total || 0) - (read || 0))
  const mentions = Math.max(0, (useRoot && typeof m.mention_count_root === 'number' ? m.mention_count_root : m.mention_count) || 0)
  const muted = isMuted(m)
  // A DM message always counts as a mention, as in Mattermost.
  const dm = ch.type === 'D' ? Math.max(mentions, msgs) : mentions
  return { unread: !muted && msgs > 0, msgs, mentions: dm, muted }
}

export interface Totals { unreadChannels: number; mentions: number }

export function totals(channels: Ch[], members: Record<string, Mem | undefined>, crt = true): Totals {
  let unreadChannels = 0, mentions = 0
  for (const c of channels) {
    if (c.delete_at) continue
    const u = channelUnread(c, members[c.id], crt)
    if (u.unread) unreadChannels++
    mentions += u.mentions
  }
  return { unreadChannels, mentions }
}

/** Tab title like Mattermost: "(3) Town Square - Staff Parley", "* ..." when only unreads. */
export function tabTitle(base: string, t: Totals, otherTeamsUnread = false): string {
  if (t.mentions > 0) return `(${t.mentions}) ${base}`
  if (t.unreadChannels > 0 || otherTeamsUnread) return `* ${base}`
  return base
}

// Membership messages the server does not count, as in Mattermost: a join
// moves last_post_at but leaves the channel read.
const uncounted = new Set(['system_join_leave', 'system_add_remove', 'system_join_channel', 'system_leave_channel',
  'system_join_team', 'system_leave_team', 'system_add_to_channel', 'system_remove_from_channel',
  'system_add_to_team', 'system_remove_from_team'])

/** Counters after a new post arrived in a channel. */
export function applyPosted<C extends Ch & { last_post_at?: number }, M extends Mem>(
  ch: C, m: M | undefined, post: { create_at: number; root_id: string; user_id: string; type?: string },
  opts: { me: string; mentioned: boolean; viewing: boolean },
): { channel: C; member: M | undefined } {
  const isRoot = !post.root_id
  const n = uncounted.has(post.type || '') ? 0 : 1
  const channel = {
    ...ch,
    total_msg_count: (ch.total_msg_count || 0) + n,
    total_msg_count_root: typeof ch.total_msg_count_root === 'number' ? ch.total_msg_count_root + (isRoot ? n : 0) : ch.total_msg_count_root,
    last_post_at: Math.max(ch.last_post_at || 0, post.create_at),
  }
  if (!m) return { channel, member: m }
  const member = { ...m }
  if (opts.viewing || post.user_id === opts.me) {
    member.msg_count = channel.total_msg_count
    if (typeof member.msg_count_root === 'number' && typeof channel.total_msg_count_root === 'number') member.msg_count_root = channel.total_msg_count_root
  } else if (opts.mentioned) {
    member.mention_count = (member.mention_count || 0) + 1
    if (typeof member.mention_count_root === 'number' && isRoot) member.mention_count_root += 1
  }
  return { channel, member }
}

/** Counters after the user viewed the channel. */
export function applyViewed<C extends Ch, M extends Mem>(ch: C, m: M): M {
  return {
    ...m,
    msg_count: ch.total_msg_count,
    msg_count_root: typeof ch.total_msg_count_root === 'number' ? ch.total_msg_count_root : m.msg_count_root,
    mention_count: 0,
    mention_count_root: typeof m.mention_count_root === 'number' ? 0 : m.mention_count_root,
    last_viewed_at: Date.now(),
  } as M
}
