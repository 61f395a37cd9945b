// WebSocket event handling against the store, with the browser globals stubbed.
import { beforeAll, describe, expect, it, vi } from 'vitest'

const mem: Record<string, string> = {}
vi.stubGlobal('localStorage', { getItem: (k: string) => mem[k] ?? null, setItem: (k: string, v: string) => { mem[k] = v }, removeItem: (k: string) => { delete mem[k] } })
vi.stubGlobal('document', { hasFocus: () => false, cookie: '' })
vi.stubGlobal('window', { location: { origin: 'http://x', protocol: 'http:', host: 'x', pathname: '/' }, addEventListener() {}, removeEventListener() {}, setTimeout, clearTimeout, setInterval, clearInterval })
vi.stubGlobal('location', { pathname: '/', search: '' })
vi.stubGlobal('history', { pushState() {}, replaceState() {} })
vi.stubGlobal('fetch', async () => new Response('[]', { status: 200, headers: { 'Content-Type': 'application/json' } }))

let A: typeof import('./actions')
let S: typeof import('./store')

const me = { id: 'me', username: 'alice', roles: 'system_user' }
const post = (id: string, o: Record<string, unknown> = {}) => ({ id, channel_id: 'c1', root_id: '', user_id: 'bob', message: 'hi', create_at: 1000, update_at: 1000, edit_at: 0, delete_at: 0, type: '', props: {}, metadata: {}, reply_count: 0, ...o })
const ev = (event: string, data: Record<string, unknown>, channel_id = 'c1') => ({ event, data, broadcast: { channel_id } })

beforeAll(async () => {
  S = await import('./store')
  A = await import('./actions')
  S.setState({
    me: me as any, currentChannelId: 'c2', currentTeamId: 't',
    users: { me: me as any, bob: { id: 'bob', username: 'bob' } as any },
    channels: {
      c1: { id: 'c1', type: 'O', name: 'town-square', team_id: 't', total_msg_count: 1, total_msg_count_root: 1 } as any,
      c2: { id: 'c2', type: 'O', name: 'off-topic', team_id: 't', total_msg_count: 0, total_msg_count_root: 0 } as any,
    },
    members: {
      c1: { channel_id: 'c1', user_id: 'me', msg_count: 1, msg_count_root: 1, mention_count: 0, mention_count_root: 0, notify_props: {} } as any,
      c2: { channel_id: 'c2', user_id: 'me', msg_count: 0, msg_count_root: 0, mention_count: 0, mention_count_root: 0, notify_props: {} } as any,
    },
    posts: { p0: post('p0', { create_at: 500, update_at: 500 }) as any },
    channelPosts: { c1: { order: ['p0'], atOldest: true, loading: false } },
  })
})

describe('websocket events', () => {
  it('posted: adds the post and makes the channel unread with a mention', async () => {
    const { channelUnread } = await import('./lib/unread')
    A.handleEvent(ev('posted', { post: JSON.stringify(post('p1', { message: 'hey @alice' })), mentions: JSON.stringify(['me']), channel_type: 'O' }))
    const st = S.getState()
    expect(st.channelPosts.c1.order).toEqual(['p0', 'p1'])
    expect(channelUnread(st.channels.c1, st.members.c1)).toMatchObject({ unread: true, msgs: 1, mentions: 1 })
  })
  it('posted twice (event and poll) counts once', () => {
    A.handleEvent(ev('posted', { post: JSON.stringify(post('p1', { message: 'hey @alice' })), channel_type: 'O' }))
    expect(S.getState().channelPosts.c1.order).toEqual(['p0', 'p1'])
    expect(S.getState().channels.c1.total_msg_count).toBe(2)
  })
  it('a reply bumps the root reply count but not the root unread count', () => {
    A.handleEvent(ev('posted', { post: JSON.stringify(post('r1', { root_id: 'p1', create_at: 1100, update_at: 1100 })), channel_type: 'O' }))
    const st = S.getState()
    expect(st.posts.p1.reply_count).toBe(1)
    expect(st.channelPosts.c1.order).toEqual(['p0', 'p1'])
    expect(st.channels.c1.total_msg_count_root).toBe(2)
    expect(st.channels.c1.total_msg_count).toBe(3)
  })
  it('post_edited replaces the message', () => {
    A.handleEvent(ev('post_edited', { post: JSON.stringify(post('p1', { message: 'edited', edit_at: 2000, update_at: 2000 })) }))
    expect(S.getState().posts.p1.message).toBe('edited')
  })
  it('reaction_added / reaction_removed', () => {
    const r = { user_id: 'bob', post_id: 'p1', emoji_name: 'smile', create_at: 3 }
    A.handleEvent(ev('reaction_added', { reaction: JSON.stringify(r) }))
    expect(S.getState().posts.p1.metadata.reactions).toHaveLength(1)
    A.handleEvent(ev('reaction_added', { reaction: JSON.stringify(r) }))
    expect(S.getState().posts.p1.metadata.reactions).toHaveLength(1)
    A.handleEvent(ev('reaction_removed', { reaction: JSON.stringify(r) }))
    expect(S.getState().posts.p1.metadata.reactions).toHaveLength(0)
  })
  it('typing shows for the channel or the thread', () => {
    A.handleEvent(ev('typing', { user_id: 'bob', parent_id: '' }))
    A.handleEvent(ev('typing', { user_id: 'bob', parent_id: 'p1' }))
    const t = S.getState().typing
    expect(Object.keys(t.c1)).toEqual(['bob'])
    expect(Object.keys(t['c1:p1'])).toEqual(['bob'])
  })
  it('channel_viewed (from another tab) clears the unread state', async () => {
    const { channelUnread } = await import('./lib/unread')
    A.handleEvent(ev('channel_viewed', { channel_id: 'c1' }, ''))
    const st = S.getState()
    expect(channelUnread(st.channels.c1, st.members.c1)).toMatchObject({ unread: false, msgs: 0, mentions: 0 })
  })
  it('post_deleted removes the post', () => {
    A.handleEvent(ev('post_deleted', { post: JSON.stringify(post('p1', { delete_at: 5 })) }))
    expect(S.getState().channelPosts.c1.order).toEqual(['p0'])
    expect(S.getState().posts.p1).toBeUndefined()
  })
  it('emoji_added makes a custom emoji known', () => {
    A.handleEvent(ev('emoji_added', { emoji: JSON.stringify({ id: 'e1', name: 'parrot', creator_id: 'bob' }) }, ''))
    expect(S.getState().customEmoji.parrot).toEqual({ id: 'e1', name: 'parrot' })
  })
  it('ephemeral_message shows a post only here, without unread', () => {
    const before = S.getState().channels.c1.total_msg_count
    A.handleEvent(ev('ephemeral_message', { post: JSON.stringify(post('eph', { user_id: 'me', create_at: 9000, update_at: 9000, message: 'only you' })) }, ''))
    expect(S.getState().channelPosts.c1.order).toContain('eph')
    expect(S.getState().posts.eph.type).toBe('system_ephemeral')
    expect(S.getState().channels.c1.total_msg_count).toBe(before)
  })
  it('a post arriving while the latest page loads is kept', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => { release = r })
    vi.stubGlobal('fetch', async () => {
      await gate
      const body = { order: ['p0'], posts: { p0: post('p0', { create_at: 500, update_at: 500 }) } }
      return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } })
    })
    const loading = A.loadLatest('c1')
    A.handleEvent(ev('posted', { post: JSON.stringify(post('live', { create_at: 20000, update_at: 20000 })) }))
    release()
    await loading
    expect(S.getState().channelPosts.c1.order).toEqual(['p0', 'eph', 'live']) // the ephemeral post stays too
    expect(S.getState().channelPosts.c1.atNewest).toBe(true)
    vi.stubGlobal('fetch', async () => new Response('[]', { status: 200, headers: { 'Content-Type': 'application/json' } }))
  })
  it('user_updated of an earlier patch of mine does not undo a change whose patch is on its way', async () => {
    let answer: (r: Response) => void = () => {}
    vi.stubGlobal('fetch', () => new Promise<Response>((r) => { answer = r }))
    S.setState({ me: { ...me, notify_props: { email: 'false' } } as any }) // shown at once, as the settings do
    const patched = A.patchMe({ notify_props: { email: 'false' } as any })
    A.handleEvent(ev('user_updated', { user: { ...me, notify_props: { email: 'true' } } }, '')) // the timezone patch's event, late
    expect((S.getState().me as any).notify_props.email).toBe('false')
    answer(new Response(JSON.stringify({ ...me, notify_props: { email: 'false' } }), { status: 200, headers: { 'Content-Type': 'application/json' } }))
    await patched
    A.handleEvent(ev('user_updated', { user: { ...me, position: 'later' } }, '')) // none on its way: events apply again
    expect((S.getState().me as any).position).toBe('later')
    vi.stubGlobal('fetch', async () => new Response('[]', { status: 200, headers: { 'Content-Type': 'application/json' } }))
  })
  it('our own deactivation logs us out', () => {
    A.handleEvent(ev('user_updated', { user: { ...me, delete_at: 9 } }, ''))
    expect(S.getState().me).toBeUndefined()
  })

  it('channel_deleted: an archived channel stays readable; one deleted for good is dropped', async () => {
    S.setState((st) => ({
      channels: { ...st.channels, c3: { id: 'c3', type: 'O', name: 'gone', team_id: 't', total_msg_count: 0 } as any, c4: { id: 'c4', type: 'O', name: 'old', team_id: 't', total_msg_count: 0 } as any },
      members: { ...st.members, c3: { channel_id: 'c3', user_id: 'me' } as any, c4: { channel_id: 'c4', user_id: 'me' } as any },
      config: { ...st.config, ExperimentalViewArchivedChannels: 'true' },
    }))
    await A.onChannelDeleted('c4', 1234, false)
    expect(S.getState().channels.c4.delete_at).toBe(1234)
    await A.onChannelDeleted('c3', 1234, true)
    expect(S.getState().channels.c3).toBeUndefined()
    expect(S.getState().members.c3).toBeUndefined()
  })

  it('a DM with an erased user (not returned by the server) is titled "Deleted user"', () => {
    const dm = { id: 'd1', type: 'D', name: 'me__gone', display_name: '', team_id: '', total_msg_count: 0 } as any
    expect(S.channelTitle(dm)).toBe('Deleted user')
  })
})
