// Loading, mutations and live updates. Everything the UI does to the server goes
// through here; the WebSocket (or, while it is unavailable, polling) keeps the
// store current.
import type { Post, PostList } from '@mattermost/types/posts'
import { prefMap, prefId, type Pref } from './lib/prefs'
import type { UserProfile } from '@mattermost/types/users'
import type { Reaction } from '@mattermost/types/reactions'
import { client, ws, wsUrl, hasSessionCookie, errStatus, errMessage } from './api'
import { getState, setState, resetState, upsert, type Ch, type Mem, type State } from './store'
import { navigate } from './router'
import { applyPosted, applyViewed } from './lib/unread'
import { mentionsUser } from './lib/mentions'
import { setCustomEmoji, type CustomEmoji } from './lib/emoji'
import { searchBody, mapResults } from './lib/search'
import { parseSlash, gotoTarget } from './lib/integrations'
import type { FileInfo } from './lib/files'

const s = getState
export const rawFetch = (url: string, options: any): Promise<unknown> => (client as any).doFetch(url, options)

// ---------- boot, auth ----------

export async function boot() {
  try { await loadClientConfig() } catch { /* server unreachable: the login page says so when used */ }
  if (hasSessionCookie()) {
    try { await loadMe() } catch { /* 401: logged out */ }
  }
  setState({ booted: true })
}

export async function loadMe() {
  const [me, teams, teamMembers, prefs] = await Promise.all([
    client.getMe(), client.getMyTeams(), client.getMyTeamMembers(),
    client.getMyPreferences().catch(() => [] as any),
  ])
  const terms = { terms_of_service_id: me.terms_of_service_id, terms_of_service_create_at: me.terms_of_service_create_at }
  const favorites: Record<string, boolean> = {}
  for (const p of (prefs as unknown as { category: string; name: string; value: string }[]) || []) {
    if (p.category === 'favorite_channel' && p.value === 'true') favorites[p.name] = true
  }
  setState({
    me, terms, users: upsert(s().users, [me]), teams: upsert(s().teams, teams), myTeamIds: teams.map((t) => t.id),
    teamMembers: Object.fromEntries(teamMembers.map((m) => [m.team_id, m])), favorites,
    prefs: prefMap((prefs as unknown as Pref[]) || []),
  })
  refreshTeamUnreads()
  loadCustomEmoji()
  loadMyGroups()
  startLive()
}

// ---------- custom user groups ----------

export function groupsEnabled(): boolean {
  return s().config.EnableCustomGroups === 'true'
}

/** The names of my groups, so that posts naming one are shown as mentioning me. */
export async function loadMyGroups() {
  const me = s().me
  if (!me || !groupsEnabled()) return
  try {
    const gs = await client.getGroupsByUserId(me.id)
    setState({ myGroups: gs.filter((g) => g.allow_reference && !g.delete_at).map((g) => g.name) })
  } catch { /* groups are optional */ }
}

// ---------- custom emoji ----------

export function addCustomEmoji(list: CustomEmoji[]) {
  const fresh = list.filter((e) => e && e.name && e.id && s().customEmoji[e.name]?.id !== e.id)
  if (!fresh.length) return
  const map = { ...s().customEmoji }
  for (const e of fresh) map[e.name] = { id: e.id, name: e.name }
  setCustomEmoji(map)
  setState({ customEmoji: map })
}

export async function loadCustomEmoji() {
  if (s().config.EnableCustomEmoji === 'false') return
  try {
    for (let page = 0; page < 10; page++) {
      const list = await client.getCustomEmojis(page, 200, 'name')
      addCustomEmoji(list as CustomEmoji[])
      if (list.length < 200) break
    }
  } catch { /* custom emoji are optional */ }
}

export async function login(loginId: string, password: string) {
  await client.login(loginId, password)
  // The logged-in client config has more (the terms of service's
  // re-acceptance period among it) than the one the login page had.
  await loadClientConfig()
  await loadMe()
}

export async function loadClientConfig() {
  const cfg = (await rawFetch(`${client.getBaseRoute()}/config/client?format=old`, { method: 'get' })) as Record<string, string>
  setState({ config: cfg })
}

/** The user's answer to the terms of service in force: accepting lets them in, declining logs them out. */
export async function answerTerms(termsId: string, accepted: boolean) {
  await client.updateMyTermsOfServiceStatus(termsId, accepted)
  if (!accepted) return logout()
  setState({ terms: { terms_of_service_id: termsId, terms_of_service_create_at: Date.now() } })
}

/**
 * The invitation an email link (/signup_user_complete/?d=…&t=…) or an invite
 * link (?id=…) carries: signing up or logging in from it joins the team.
 */
export function pendingInvite(): { token: string; inviteId: string; email: string; team: string } {
  const q = new URLSearchParams(location.search)
  let d: { email?: string; name?: string } = {}
  try { d = JSON.parse(q.get('d') || '{}') } catch { /* not an invitation */ }
  return { token: q.get('t') || '', inviteId: q.get('id') || '', email: d.email || '', team: d.name || '' }
}

export async function signup(username: string, email: string, password: string) {
  const inv = pendingInvite()
  await client.createUser({ username, email, password } as UserProfile, inv.token, inv.inviteId)
  // The invitation is used up: land in its team, not back on the link.
  if (inv.token || inv.inviteId) history.replaceState(null, '', inv.team ? `/${inv.team}` : '/')
  await login(username, password)
}

/** A logged-in member opened an invitation link: join its team, then go there. */
export async function acceptPendingInvite() {
  const inv = pendingInvite()
  let to = '/'
  try {
    const m = await client.addToTeamFromInvite(inv.token, inv.inviteId)
    await loadMe()
    const t = s().teams[m.team_id]
    if (t) to = `/${t.name}`
  } catch (x) { showToast(errMessage(x)) }
  navigate(to, true)
}

export async function logout() {
  try { await client.logout() } catch { /* already gone */ }
  stopLive()
  resetState()
  navigate('/login')
}

/** A short notice at the bottom of the screen. */
export function showToast(text: string, ms = 6000) {
  setState({ toast: text })
  setTimeout(() => { if (s().toast === text) setState({ toast: undefined }) }, ms)
}

function setChannelDeleteAt(channelId: string, deleteAt: number) {
  const ch = s().channels[channelId]
  if (ch) setState((st) => ({ channels: { ...st.channels, [channelId]: { ...ch, delete_at: deleteAt } } }))
}

/**
 * channel_deleted: an archived channel stays open read-only when the server
 * lets archived channels be viewed; a channel deleted for good (or not
 * viewable) is dropped, and whoever had it open goes to Town Square.
 */
export async function onChannelDeleted(channelId: string, deleteAt: number, permanent: boolean) {
  const ch = s().channels[channelId]
  if (!ch) return
  let viewable = !permanent && s().config.ExperimentalViewArchivedChannels !== 'false'
  if (viewable) {
    setChannelDeleteAt(channelId, deleteAt)
    viewable = await client.getChannel(channelId).then((c) => { setState((st) => ({ channels: upsert(st.channels, [c as Ch]) })); return true }, () => false)
  }
  if (viewable) return
  const wasOpen = s().currentChannelId === channelId
  setState((st) => {
    const channels = { ...st.channels }, members = { ...st.members }, channelPosts = { ...st.channelPosts }
    delete channels[channelId]; delete members[channelId]; delete channelPosts[channelId]
    const rhsGone = st.rhsRootId && st.posts[st.rhsRootId]?.channel_id === channelId
    return { channels, members, channelPosts, rhsRootId: rhsGone ? undefined : st.rhsRootId, currentChannelId: wasOpen ? undefined : st.currentChannelId }
  })
  const team = s().teams[s().currentTeamId || '']
  if (wasOpen && team) {
    showToast(`The channel ${ch.display_name || ch.name} was ${permanent ? 'deleted' : 'archived'}.`)
    navigate(`/${team.name}/channels/town-square`, true)
  }
}

/** Any 401 means the session is gone: back to the login page. */
export function onApiError(e: unknown) {
  if (errStatus(e) === 401 && s().me) {
    stopLive()
    resetState()
    setState({ toast: 'Your session has ended. Please log in again.' })
    navigate('/login')
    return true
  }
  return false
}

// ---------- teams and channels ----------

export async function refreshTeamUnreads() {
  try {
    const list = await client.getMyTeamUnreads(true)
    setState({ teamUnread: Object.fromEntries(list.map((u: any) => [u.team_id, { msgs: u.msg_count, mentions: u.mention_count }])) })
  } catch (e) { onApiError(e) }
}

export async function createTeam(displayName: string, name: string, open: boolean) {
  const t = await client.createTeam({ display_name: displayName, name, type: open ? 'O' : 'I', allow_open_invite: open } as any)
  await loadMe()
  return t
}

export async function joinTeam(teamId: string) {
  await client.addToTeam(teamId, s().me!.id)
  await loadMe()
}

const loadedTeams = new Set<string>()
const seenGMs = new Set<string>()

export async function loadTeamChannels(teamId: string, force = false) {
  if (loadedTeams.has(teamId) && !force) return
  loadedTeams.add(teamId)
  try {
    const [channels, members] = await Promise.all([client.getMyChannels(teamId), client.getMyChannelMembers(teamId)])
    const me = s().me!.id
    setState((st) => ({
      channels: upsert(st.channels, channels as Ch[]),
      members: { ...st.members, ...Object.fromEntries(members.map((m) => [m.channel_id, m as Mem])) },
    }))
    // Correct the viewed channel: the server may count our own reads differently.
    const cur = s().currentChannelId
    if (cur && s().members[cur] && document.hasFocus()) setState((st) => ({ members: { ...st.members, [cur]: applyViewed(st.channels[cur], st.members[cur]) } }))
    const ids = new Set<string>()
    for (const c of channels) {
      if (c.type === 'D') c.name.split('__').forEach((id) => id !== me && ids.add(id))
    }
    await ensureUsers([...ids])
    const gms = channels.filter((c) => c.type === 'G' && !seenGMs.has(c.id)).map((c) => c.id)
    gms.forEach((id) => seenGMs.add(id))
    if (gms.length) {
      try {
        const byCh = await client.getProfilesInGroupChannels(gms) as Record<string, UserProfile[]>
        setState((st) => ({ users: upsert(st.users, Object.values(byCh).flat()) }))
      } catch { /* names fall back to display_name */ }
    }
    if (!force) refreshStatuses()
  } catch (e) {
    loadedTeams.delete(teamId)
    if (!onApiError(e)) throw e
  }
}

/** Removed from a channel (by someone else, or by leaving in another tab): it leaves the sidebar, and whoever had it open goes to Town Square. */
function onRemovedFromChannel(channelId: string, removerId?: string) {
  const ch = s().channels[channelId]
  setState((st) => { const members = { ...st.members }; delete members[channelId]; return { members } })
  if (s().currentChannelId !== channelId || !ch || ch.type === 'D' || ch.type === 'G') return
  const team = s().teams[ch.team_id]?.name
  if (removerId && removerId !== s().me?.id) showToast(`You were removed from ${ch.display_name}.`)
  if (team) navigate(`/${team}/channels/town-square`, true)
}

/** Background refresh of the current team's channels: never throws. */
function refreshChannels() {
  const team = s().currentTeamId
  if (team) loadTeamChannels(team, true).catch(() => {})
}

/** Authors, and the users a system message names by id (old posts carry no usernames). */
function postUserIds(posts: Post[]): string[] {
  return posts.flatMap((p) => [p.user_id, p.props?.userId, p.props?.addedUserId, p.props?.removedUserId].filter((x): x is string => typeof x === 'string'))
}

export async function ensureUsers(ids: string[]) {
  const missing = [...new Set(ids)].filter((id) => id && !s().users[id])
  if (!missing.length) return
  try {
    const users = await client.getProfilesByIds(missing)
    setState((st) => ({ users: upsert(st.users, users) }))
  } catch (e) { onApiError(e) }
}

export async function refreshStatuses() {
  const ids = Object.keys(s().users)
  if (!ids.length) return
  try {
    const st = await client.getStatusesByIds(ids)
    setState({ statuses: { ...s().statuses, ...Object.fromEntries(st.map((x) => [x.user_id, x.status])) } })
  } catch { /* presence is optional */ }
}

export async function createChannel(teamId: string, displayName: string, name: string, priv: boolean, purpose: string) {
  const ch = await client.createChannel({ team_id: teamId, display_name: displayName, name, type: priv ? 'P' : 'O', purpose } as any)
  await addChannelLocally(ch.id)
  return ch as Ch
}

export async function joinChannel(channelId: string) {
  await client.addToChannel(s().me!.id, channelId)
  await addChannelLocally(channelId)
}

async function addChannelLocally(channelId: string) {
  const [ch, m] = await Promise.all([client.getChannel(channelId), client.getChannelMember(channelId, s().me!.id)])
  setState((st) => ({ channels: upsert(st.channels, [ch as Ch]), members: { ...st.members, [ch.id]: m as Mem } }))
  if (ch.type === 'D') await ensureUsers(ch.name.split('__'))
}

export async function leaveChannel(channelId: string) {
  await client.removeFromChannel(s().me!.id, channelId)
  setState((st) => {
    const members = { ...st.members }
    delete members[channelId]
    return { members }
  })
}

export async function openDM(userIds: string[]) {
  const me = s().me!.id
  const others = userIds.filter((u) => u !== me)
  const ch = others.length <= 1 ? await client.createDirectChannel([me, others[0] || me]) : await client.createGroupChannel([me, ...others])
  await addChannelLocally(ch.id)
  return ch as Ch
}

export async function toggleFavorite(channelId: string) {
  const me = s().me!.id
  const on = !s().favorites[channelId]
  const pref = [{ user_id: me, category: 'favorite_channel', name: channelId, value: 'true' }]
  if (on) await client.savePreferences(me, pref)
  else await client.deletePreferences(me, pref)
  setState((st) => ({ favorites: { ...st.favorites, [channelId]: on } }))
}

export async function toggleMute(channelId: string) {
  const m = s().members[channelId]
  const mark_unread = m.notify_props?.mark_unread === 'mention' ? 'all' : 'mention'
  await client.updateChannelNotifyProps({ channel_id: channelId, user_id: s().me!.id, mark_unread })
  setState((st) => ({ members: { ...st.members, [channelId]: { ...m, notify_props: { ...m.notify_props, mark_unread } } as Mem } }))
}

// ---------- posts ----------

const PAGE = 60

function isRoot(p: Post) { return !p.root_id }

function mergePosts(list: PostList | { posts: Record<string, Post>; order: string[] }, channelId?: string, opts: { atOldest?: boolean; atNewest?: boolean; replaceOrder?: boolean } = {}) {
  const posts = Object.values(list.posts || {})
  const emojis = posts.flatMap((p) => (p.metadata?.emojis || []) as unknown as CustomEmoji[])
  if (emojis.length) addCustomEmoji(emojis)
  setState((st) => {
    const nextPosts = { ...st.posts }
    const threads = { ...st.threads }
    const cp = { ...st.channelPosts }
    const deleted: Post[] = []
    for (const p of posts) {
      if (p.delete_at) { deleted.push(p); continue }
      const old = nextPosts[p.id]
      if (old && old.update_at > p.update_at) continue
      nextPosts[p.id] = p
      if (p.root_id && threads[p.root_id] && !threads[p.root_id].includes(p.id)) {
        threads[p.root_id] = insertSorted(threads[p.root_id], p, nextPosts)
      }
    }
    const byChannel = new Map<string, Post[]>()
    for (const p of posts) if (!p.delete_at && isRoot(p)) byChannel.set(p.channel_id, [...(byChannel.get(p.channel_id) || []), p])
    if (channelId && !byChannel.has(channelId)) byChannel.set(channelId, [])
    for (const [cid, roots] of byChannel) {
      const cur = cp[cid]
      if (!cur && cid !== channelId) continue // not loaded yet: it will be fetched when opened
      let order = opts.replaceOrder || !cur ? [] : cur.order.slice()
      // Latest page replacing the order: keep posts that arrived live while it was fetched.
      if (opts.replaceOrder && cur && cid === channelId && opts.atNewest) {
        const newest = Math.max(0, ...roots.map((r) => r.create_at))
        order = cur.order.filter((id) => nextPosts[id] && nextPosts[id].create_at > newest && !roots.some((r) => r.id === id))
      }
      for (const r of roots) if (!order.includes(r.id)) order = insertSorted(order, r, nextPosts)
      const atNewest = cid === channelId && opts.atNewest !== undefined ? opts.atNewest : cur?.atNewest
      if (atNewest === false && cid !== channelId) continue // a window on older posts: live posts wait for "newer"
      cp[cid] = { order, atOldest: cid === channelId && opts.atOldest !== undefined ? opts.atOldest : cur?.atOldest ?? false, atNewest, loading: false }
    }
    for (const d of deleted) removePostFrom(d, nextPosts, cp, threads)
    return { posts: nextPosts, channelPosts: cp, threads }
  })
  ensureUsers(postUserIds(posts))
}

function insertSorted(order: string[], p: Post, posts: Record<string, Post>): string[] {
  const out = order.slice()
  let i = out.length
  while (i > 0 && (posts[out[i - 1]]?.create_at ?? 0) > p.create_at) i--
  out.splice(i, 0, p.id)
  return out
}

function removePostFrom(p: Post, posts: Record<string, Post>, cp: Record<string, State['channelPosts'][string]>, threads: Record<string, string[]>) {
  delete posts[p.id]
  const c = cp[p.channel_id]
  if (c && c.order.includes(p.id)) cp[p.channel_id] = { ...c, order: c.order.filter((id) => id !== p.id) }
  if (p.root_id && threads[p.root_id]) {
    threads[p.root_id] = threads[p.root_id].filter((id) => id !== p.id)
    const root = posts[p.root_id]
    if (root) posts[root.id] = { ...root, reply_count: Math.max(0, (root.reply_count || 1) - 1) }
  }
  if (!p.root_id) delete threads[p.id]
}

export async function loadLatest(channelId: string) {
  setState((st) => ({ channelPosts: { ...st.channelPosts, [channelId]: { order: st.channelPosts[channelId]?.order || [], atOldest: false, loading: true } } }))
  try {
    const list = await client.getPosts(channelId, 0, PAGE, false, true, false)
    mergePosts(list, channelId, { atOldest: list.order.length < PAGE, atNewest: true, replaceOrder: true })
  } catch (e) {
    onApiError(e)
    setState((st) => ({ channelPosts: { ...st.channelPosts, [channelId]: { order: [], atOldest: true, loading: false } } }))
  }
}

const olderInFlight = new Set<string>()

export async function loadOlder(channelId: string) {
  const cp = s().channelPosts[channelId]
  if (!cp || cp.atOldest || olderInFlight.has(channelId) || !cp.order.length) return
  olderInFlight.add(channelId)
  try {
    const list = await client.getPostsBefore(channelId, cp.order[0], 0, PAGE, false, true, false)
    mergePosts(list, channelId, { atOldest: list.order.length < PAGE })
  } catch (e) { onApiError(e) } finally { olderInFlight.delete(channelId) }
}

const newerInFlight = new Set<string>()

/** After a jump to an older post: the next page towards the present. */
export async function loadNewer(channelId: string) {
  const cp = s().channelPosts[channelId]
  if (!cp || cp.atNewest !== false || newerInFlight.has(channelId) || !cp.order.length) return
  newerInFlight.add(channelId)
  try {
    const list = await client.getPostsAfter(channelId, cp.order[cp.order.length - 1], 0, PAGE, false, true, false)
    mergePosts(list, channelId, { atNewest: list.order.length < PAGE })
  } catch (e) { onApiError(e) } finally { newerInFlight.delete(channelId) }
}

/**
 * Shows a post in its channel: when it is not among the loaded posts, the
 * channel is loaded around it (a page before and after) and newer pages come
 * as one scrolls down. Replies open their thread. Returns the channel id.
 */
export async function jumpToPost(postId: string): Promise<string> {
  const p = s().posts[postId]?.id && !s().posts[postId].pending_post_id ? s().posts[postId] : await client.getPost(postId)
  const rootId = p.root_id || p.id
  const cid = p.channel_id
  const cp = s().channelPosts[cid]
  if (!cp || !cp.order.includes(rootId)) {
    const half = PAGE / 2
    const [before, after, root] = await Promise.all([
      client.getPostsBefore(cid, rootId, 0, half, false, true, false),
      client.getPostsAfter(cid, rootId, 0, half, false, true, false),
      p.root_id ? client.getPost(rootId) : Promise.resolve(p),
    ])
    mergePosts({ posts: { ...before.posts, ...after.posts, [root.id]: root }, order: [] }, cid,
      { replaceOrder: true, atOldest: before.order.length < half, atNewest: after.order.length < half })
  }
  if (!s().channels[cid]) {
    try { const ch = await client.getChannel(cid); setState((st) => ({ channels: upsert(st.channels, [ch as Ch]) })) } catch { /* shown by the route */ }
  }
  setState({ highlightId: rootId })
  if (p.root_id) openThread(p.root_id)
  return cid
}

export async function openChannel(channelId: string) {
  const st = s()
  const ch = st.channels[channelId]
  const m = st.members[channelId]
  const unread = ch && m && (ch.total_msg_count > m.msg_count)
  setState({ currentChannelId: channelId, newLineAt: { ...st.newLineAt, [channelId]: unread ? m.last_viewed_at : 0 } })
  if (!st.channelPosts[channelId]) loadLatest(channelId)
  else catchUpChannel(channelId)
  markViewed(channelId)
}

let viewTimer: number | undefined
// The previous channel is not sent as prev_channel_id: it was kept read while
// open, and marking it read on leaving would swallow posts that raced the switch.
export function markViewed(channelId: string) {
  const st = s()
  const m = st.members[channelId]
  if (!m) return
  setState({ members: { ...st.members, [channelId]: applyViewed(st.channels[channelId], m) } })
  clearTimeout(viewTimer)
  viewTimer = window.setTimeout(() => {
    rawFetch(`${client.getChannelsRoute()}/members/me/view`, {
      method: 'post', body: JSON.stringify({ channel_id: channelId, prev_channel_id: '', collapsed_threads_supported: true }),
    }).catch(onApiError)
    refreshTeamUnreads()
  }, 150)
}

export async function openThread(rootId: string | undefined) {
  setState({ rhsRootId: rootId })
  if (!rootId) return
  try {
    const list = await client.getPostThread(rootId, false, false, false)
    const replies = Object.values(list.posts).filter((p) => p.root_id === rootId && !p.delete_at).sort((a, b) => a.create_at - b.create_at)
    setState((st) => ({ threads: { ...st.threads, [rootId]: replies.map((p) => p.id) } }))
    mergePosts(list)
  } catch (e) { onApiError(e) }
}

export async function sendPost(channelId: string, message: string, rootId = '', files: FileInfo[] = []) {
  const me = s().me!
  lastTyping.delete(`${channelId}:${rootId}`) // the next keystroke announces typing again
  const pending = `${me.id}:${Date.now()}`
  const now = Date.now()
  const fileIds = files.map((f) => f.id)
  const draft = { id: pending, pending_post_id: pending, channel_id: channelId, root_id: rootId, message, user_id: me.id,
    create_at: now, update_at: now, edit_at: 0, delete_at: 0, type: '', props: {}, metadata: files.length ? { files } : {}, file_ids: fileIds,
    reply_count: 0, is_pinned: false } as unknown as Post
  addLivePost(draft, false, true)
  try {
    const p = await client.createPost({ channel_id: channelId, message, root_id: rootId, pending_post_id: pending, ...(fileIds.length ? { file_ids: fileIds } : {}) } as any)
    replacePending(pending, p)
  } catch (e) {
    if (onApiError(e)) return
    setState((st) => ({ posts: { ...st.posts, [pending]: { ...st.posts[pending], failed: true } as any } }))
  }
}

function replacePending(pending: string, p: Post) {
  setState((st) => {
    const posts = { ...st.posts }
    delete posts[pending]
    const already = !!posts[p.id]
    posts[p.id] = already && posts[p.id].update_at > p.update_at ? posts[p.id] : p
    const swap = (arr: string[]) => already ? arr.filter((x) => x !== pending) : arr.map((x) => (x === pending ? p.id : x))
    const cp = { ...st.channelPosts }
    const c = cp[p.channel_id]
    if (c) cp[p.channel_id] = { ...c, order: swap(c.order) }
    const threads = { ...st.threads }
    if (p.root_id && threads[p.root_id]) threads[p.root_id] = swap(threads[p.root_id])
    return { posts, channelPosts: cp, threads }
  })
}

/** A post that arrived live (event, poll or our own optimistic one). */
function addLivePost(p: Post, mentioned: boolean, own = false) {
  const st = s()
  if (st.posts[p.id]) { mergePosts({ posts: { [p.id]: p }, order: [p.id] }); return }
  // Our own post echoed back before the POST returned.
  if (p.pending_post_id && st.posts[p.pending_post_id] && !own) { replacePending(p.pending_post_id, p); return }
  setState((st2) => {
    const posts = { ...st2.posts, [p.id]: p }
    const cp = { ...st2.channelPosts }
    const threads = { ...st2.threads }
    if (!p.root_id) {
      const c = cp[p.channel_id]
      if (c && c.atNewest !== false) cp[p.channel_id] = { ...c, order: insertSorted(c.order, p, posts) }
    } else {
      if (threads[p.root_id]) threads[p.root_id] = insertSorted(threads[p.root_id], p, posts)
      const root = posts[p.root_id]
      if (root && p.type !== 'system_ephemeral') posts[root.id] = { ...root, reply_count: (root.reply_count || 0) + 1, last_reply_at: p.create_at }
    }
    let { channels, members } = st2
    const ch = channels[p.channel_id]
    if (ch && !own) {
      const viewing = st2.currentChannelId === p.channel_id && document.hasFocus()
      const r = applyPosted(ch, members[p.channel_id], p, { me: st2.me!.id, mentioned, viewing })
      channels = { ...channels, [ch.id]: r.channel }
      if (r.member) members = { ...members, [ch.id]: r.member }
    }
    return { posts, channelPosts: cp, threads, channels, members }
  })
  ensureUsers(postUserIds([p]))
  if (!own) {
    const cur = s().currentChannelId
    if (cur === p.channel_id && document.hasFocus()) markViewed(cur)
    else if (p.user_id !== s().me?.id) notify(p, mentioned)
    if (!s().channels[p.channel_id]) refreshChannels()
    refreshTeamUnreads()
  }
}

export async function editPost(id: string, message: string) {
  const p = await client.patchPost({ id, message })
  mergePosts({ posts: { [p.id]: p }, order: [p.id] })
}

export async function deletePost(id: string) {
  const p = s().posts[id]
  await client.deletePost(id)
  if (p) removePost(p)
}

function removePost(p: Post) {
  setState((st) => {
    const posts = { ...st.posts }
    const cp = { ...st.channelPosts }
    const threads = { ...st.threads }
    removePostFrom(p, posts, cp, threads)
    return { posts, channelPosts: cp, threads, rhsRootId: st.rhsRootId === p.id ? undefined : st.rhsRootId }
  })
}

export async function togglePin(id: string) {
  const p = s().posts[id]
  if (p.is_pinned) await client.unpinPost(id)
  else await client.pinPost(id)
  setState((st) => ({ posts: { ...st.posts, [id]: { ...st.posts[id], is_pinned: !p.is_pinned } } }))
}

export async function toggleReaction(postId: string, emoji: string) {
  const me = s().me!.id
  const p = s().posts[postId]
  const has = (p.metadata?.reactions || []).some((r) => r.user_id === me && r.emoji_name === emoji)
  const r = { user_id: me, post_id: postId, emoji_name: emoji, create_at: Date.now() } as Reaction
  applyReaction(r, !has)
  try {
    if (has) await client.removeReaction(me, postId, emoji)
    else await client.addReaction(me, postId, emoji)
  } catch (e) {
    applyReaction(r, has)
    onApiError(e)
  }
}

function applyReaction(r: Reaction, add: boolean) {
  setState((st) => {
    const p = st.posts[r.post_id]
    if (!p) return {}
    const list = (p.metadata?.reactions || []).filter((x) => !(x.user_id === r.user_id && x.emoji_name === r.emoji_name))
    if (add) list.push(r)
    return { posts: { ...st.posts, [p.id]: { ...p, has_reactions: list.length > 0, metadata: { ...p.metadata, reactions: list } } } }
  })
}

// ---------- slash commands ----------

const commandCache = new Map<string, Promise<any[]>>()

/** The team's commands for the composer's autocomplete (built-ins and custom). */
export function teamCommands(teamId: string): Promise<any[]> {
  let c = commandCache.get(teamId)
  if (!c) {
    c = client.getAutocompleteCommandsList(teamId, 0, 200).then((l) => l as any[], () => { commandCache.delete(teamId); return [] })
    commandCache.set(teamId, c)
  }
  return c
}

/** Runs "/trigger args" through the server; follows goto_location. True if it was a command. */
export async function runCommand(channelId: string, text: string, rootId = ''): Promise<boolean> {
  if (!parseSlash(text)) return false
  lastTyping.delete(`${channelId}:${rootId}`)
  const ch = s().channels[channelId]
  const teamId = ch?.team_id || s().currentTeamId || ''
  const r = await client.executeCommand(text.trim(), { channel_id: channelId, team_id: teamId, root_id: rootId, parent_id: rootId } as any) as any
  const t = r?.goto_location ? gotoTarget(r.goto_location, location.origin) : null
  if (t && 'internal' in t) navigate(t.internal)
  else if (t) window.open(t.external, '_blank', 'noopener,noreferrer')
  if (/^\/(join|leave|msg|invite|kick|remove|header|purpose|rename|mute)\b/i.test(text.trim())) refreshChannels()
  return true
}

/** Sends a click on a message button (or a menu choice) to the post's integration; follows goto_location. */
export async function doPostAction(postId: string, actionId: string, selected = '') {
  const r = await client.doPostAction(postId, actionId, selected) as any
  const t = r?.goto_location ? gotoTarget(r.goto_location, location.origin) : null
  if (t && 'internal' in t) navigate(t.internal)
  else if (t) window.open(t.external, '_blank', 'noopener,noreferrer')
}

/** An ephemeral post (a command's answer only we see): shown until reload. */
function addEphemeral(p: Post) {
  p = { ...p, type: 'system_ephemeral' as any, pending_post_id: '' } as Post
  addLivePost(p, false, true)
}

// ---------- search ----------

let searchSeq = 0
export async function searchPosts(terms: string) {
  const teamId = s().currentTeamId
  if (!teamId || !terms.trim()) return
  const my = ++searchSeq
  setState({ rhsSearch: { terms, loading: true, order: [], matches: {} } })
  try {
    const list = await client.searchPostsWithParams(teamId, searchBody(terms) as any)
    if (my !== searchSeq) return
    const r = mapResults(list)
    const posts = Object.values(r.posts) as Post[]
    const emojis = posts.flatMap((p) => (p.metadata?.emojis || []) as unknown as CustomEmoji[])
    if (emojis.length) addCustomEmoji(emojis)
    // Results go into the post map only (not into channel orders: they are not contiguous).
    setState((st) => {
      const next = { ...st.posts }
      for (const p of posts) if (!next[p.id] || next[p.id].update_at < p.update_at) next[p.id] = p
      return { posts: next, rhsSearch: { terms, loading: false, order: r.order, matches: r.matches } }
    })
    ensureUsers(postUserIds(posts))
    const missing = [...new Set(posts.map((p) => p.channel_id))].filter((id) => !s().channels[id])
    for (const id of missing) client.getChannel(id).then((ch) => setState((st) => ({ channels: upsert(st.channels, [ch as Ch]) })), () => {})
  } catch (e) {
    if (my !== searchSeq || onApiError(e)) return
    setState({ rhsSearch: { terms, loading: false, order: [], matches: {}, error: (e as Error).message || 'Search failed' } })
  }
}

// ---------- typing ----------

const lastTyping = new Map<string, number>()
export function sendTyping(channelId: string, parentId = '') {
  const now = Date.now()
  const key = `${channelId}:${parentId}`
  if (now - (lastTyping.get(key) || 0) < 3000) return
  lastTyping.set(key, now)
  if (s().socket === 'open') ws.userTyping(channelId, parentId)
  else rawFetch(`${client.getUserRoute('me')}/typing`, { method: 'post', body: JSON.stringify({ channel_id: channelId, parent_id: parentId }) }).catch(() => {})
}

function setTyping(channelId: string, parentId: string, userId: string) {
  const key = parentId ? `${channelId}:${parentId}` : channelId
  setState((st) => ({ typing: { ...st.typing, [key]: { ...(st.typing[key] || {}), [userId]: Date.now() + 5000 } } }))
  ensureUsers([userId])
  setTimeout(() => setState((st) => ({ typing: { ...st.typing } })), 5100)
}

function clearTyping(channelId: string, parentId: string, userId: string) {
  const key = parentId ? `${channelId}:${parentId}` : channelId
  const t = s().typing[key]
  if (t?.[userId]) {
    const n = { ...t }
    delete n[userId]
    setState((st) => ({ typing: { ...st.typing, [key]: n } }))
  }
}

// ---------- notifications ----------

function notify(p: Post, mentioned: boolean) {
  const ch = s().channels[p.channel_id]
  const level = s().me?.notify_props?.desktop || 'mention'
  if (!ch || level === 'none') return
  if (level !== 'all' && !(mentioned || ch.type === 'D' || ch.type === 'G')) return
  if (s().members[p.channel_id]?.notify_props?.mark_unread === 'mention' && !mentioned) return
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || document.hasFocus()) return
  const u = s().users[p.user_id]
  try {
    const n = new Notification(u ? `@${u.username}` : 'New message', { body: p.message.slice(0, 200), tag: p.id })
    n.onclick = () => { window.focus(); n.close() }
  } catch { /* unsupported */ }
}

// ---------- live: WebSocket with polling fallback ----------

let started = false
let listening = false
let pollTimer: number | undefined
let lastSync = 0

export function startLive() {
  if (started) return
  started = true
  setState({ socket: 'connecting' })
  if (!listening) {
    listening = true
    ws.addMessageListener(handleEvent)
    ws.addFirstConnectListener(() => setState({ socket: 'open' }))
    ws.addReconnectListener(() => { setState({ socket: 'open' }); catchUp() })
    ws.addMissedMessageListener(() => catchUp())
    ws.addCloseListener(() => setState({ socket: 'closed' }))
    ws.addErrorListener(() => setState({ socket: 'closed' }))
  }
  ws.initialize(wsUrl())
  pollTimer = window.setInterval(poll, 4000)
  window.addEventListener('focus', onFocus)
}

export function stopLive() {
  if (!started) return
  started = false
  ws.close()
  clearInterval(pollTimer)
  window.removeEventListener('focus', onFocus)
  loadedTeams.clear()
}

function onFocus() {
  const cur = s().currentChannelId
  if (cur) markViewed(cur)
}

let polls = 0
/** While the socket is down, refetch what events would have told us. */
async function poll() {
  polls++
  if (polls % 15 === 0) refreshStatuses()
  if (s().socket === 'open') return
  await catchUp()
}

let catching = false
export async function catchUp() {
  if (catching || !s().me) return
  catching = true
  try {
    const team = s().currentTeamId
    if (team) await loadTeamChannels(team, true)
    const cur = s().currentChannelId
    if (cur) await catchUpChannel(cur)
    const root = s().rhsRootId
    if (root && s().posts[root]) await openThread(root)
    refreshTeamUnreads()
    lastSync = Date.now()
  } catch (e) { onApiError(e) } finally { catching = false }
}

async function catchUpChannel(channelId: string) {
  const st = s()
  const cp = st.channelPosts[channelId]
  if (!cp || cp.atNewest === false) return
  let since = 0
  for (const p of Object.values(st.posts)) if (p.channel_id === channelId && !p.pending_post_id) since = Math.max(since, p.update_at)
  since = since || lastSync || Date.now() - 60000
  try {
    const list = await client.getPostsSince(channelId, since, false, true, false)
    for (const p of Object.values(list.posts || {})) {
      if (p.delete_at) { if (s().posts[p.id]) removePost(p); continue }
      if (s().posts[p.id]) mergePosts({ posts: { [p.id]: p }, order: [] })
      else addLivePost(p, false)
    }
  } catch (e) { onApiError(e) }
}

function parse<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T
}

export function handleEvent(msg: { event: string; data: any; broadcast: any }) {
  const d = msg.data || {}
  const me = s().me
  if (!me) return
  switch (msg.event) {
    case 'hello': setState({ socket: 'open' }); break
    case 'posted': {
      const p = parse<Post>(d.post)
      let mentioned = false
      if (d.mentions) mentioned = parse<string[]>(d.mentions).includes(me.id)
      else if (p.user_id !== me.id) mentioned = mentionsUser(p.message, { username: me.username })
      if (d.channel_type === 'D' && p.user_id !== me.id) mentioned = true
      addLivePost(p, mentioned)
      clearTyping(p.channel_id, p.root_id, p.user_id)
      break
    }
    case 'post_edited': {
      const p = parse<Post>(d.post)
      if (s().posts[p.id]) mergePosts({ posts: { [p.id]: p }, order: [] })
      break
    }
    case 'post_deleted': removePost(parse<Post>(d.post)); break
    case 'ephemeral_message': addEphemeral(parse<Post>(d.post)); break
    case 'emoji_added': addCustomEmoji([parse<CustomEmoji>(d.emoji)]); break
    case 'received_group': case 'group_member_add': case 'group_member_deleted': loadMyGroups(); break
    case 'reaction_added': applyReaction(parse<Reaction>(d.reaction), true); break
    case 'reaction_removed': applyReaction(parse<Reaction>(d.reaction), false); break
    case 'typing': if (d.user_id !== me.id) setTyping(msg.broadcast?.channel_id, d.parent_id || '', d.user_id); break
    case 'channel_viewed': {
      const ch = s().channels[d.channel_id], m = s().members[d.channel_id]
      if (ch && m) setState((st) => ({ members: { ...st.members, [ch.id]: applyViewed(ch, m) } }))
      refreshTeamUnreads()
      break
    }
    case 'multiple_channels_viewed':
      for (const id of Object.keys(d.channel_times || {})) {
        const ch = s().channels[id], m = s().members[id]
        if (ch && m) setState((st) => ({ members: { ...st.members, [id]: applyViewed(ch, m) } }))
      }
      break
    case 'status_change': setState((st) => ({ statuses: { ...st.statuses, [d.user_id]: d.status } })); break
    case 'channel_deleted': onChannelDeleted(d.channel_id, d.delete_at || Date.now(), !!d.permanent); break
    case 'channel_restored':
      setChannelDeleteAt(d.channel_id, 0)
      refreshChannels()
      break
    case 'channel_created': case 'direct_added': case 'group_added': case 'user_added': case 'channel_updated': case 'channel_converted':
      refreshChannels()
      break
    case 'user_removed':
      if ((d.user_id || msg.broadcast?.user_id) === me.id) {
        if (d.channel_id) onRemovedFromChannel(d.channel_id, d.remover_id)
        refreshChannels()
      }
      break
    case 'channel_member_updated': {
      const m = parse<Mem>(d.channelMember)
      if (m.user_id === me.id) setState((st) => ({ members: { ...st.members, [m.channel_id]: m } }))
      break
    }
    case 'user_updated': {
      const u = d.user as UserProfile
      if (u.id === me.id && u.delete_at) { onApiError({ status_code: 401 }); break }
      if (u.id === me.id && mePatches.inFlight > 0) break
      setState((st) => ({ users: upsert(st.users, [u]), me: u.id === me.id ? u : st.me }))
      break
    }
    case 'added_to_team': case 'leave_team': case 'update_team': case 'delete_team':
      loadMe().catch(onApiError)
      break
    case 'preferences_changed': case 'preference_changed': {
      const prefs = d.preferences ? parse<any[]>(d.preferences) : [parse<any>(d.preference)]
      for (const p of prefs) if (p.category === 'favorite_channel') setState((st) => ({ favorites: { ...st.favorites, [p.name]: p.value === 'true' } }))
      setState((st) => ({ prefs: prefMap(prefs, st.prefs) }))
      break
    }
    case 'preferences_deleted':
      for (const p of parse<any[]>(d.preferences)) {
        if (p.category === 'favorite_channel') setState((st) => ({ favorites: { ...st.favorites, [p.name]: false } }))
        else setState((st) => { const prefs = { ...st.prefs }; delete prefs[prefId(p.category, p.name)]; return { prefs } })
      }
      break
  }
}

export function isAdmin(u?: UserProfile) {
  return !!u && u.roles.split(' ').includes('system_admin')
}

// mePatches numbers the profile patches, so that the answer to an older one
// (a timezone change, say) cannot overwrite a newer change already shown, and
// counts those on their way: meanwhile my user_updated events are left out,
// as the event of an earlier patch would undo a change shown for a later one.
const mePatches = { sent: 0, inFlight: 0 }

/** PATCH /users/me, keeping the answer only if no later patch was sent meanwhile. */
export async function patchMe(patch: Partial<UserProfile>) {
  const n = ++mePatches.sent
  mePatches.inFlight++
  try {
    const u = await client.patchMe(patch)
    if (n === mePatches.sent) setState((s) => ({ me: u, users: { ...s.users, [u.id]: u } }))
  } finally { mePatches.inFlight-- }
}
