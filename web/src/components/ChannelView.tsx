import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { Virtuoso, type VirtuosoHandle } from 'react-virtuoso'
import { client } from '../api'
import { loadOlder, loadNewer, loadLatest, toggleFavorite, toggleMute } from '../actions'
import { ChannelManageItems } from './ChannelManage'
import { SearchBox } from './SearchPanel'
import { useStore, channelTitle, getState, setState, dmPartner, type Ch, type State } from '../store'
import { navigate } from '../router'
import { dayLabel } from '../lib/time'
import { buildRows, type Row } from '../lib/rows'
import { PostItem } from './PostItem'
import { Composer, TypingLine } from './Composer'
import { openModal } from './Modals'
import { Popup } from './Popup'

export function ChannelView({ channelId, teamName, onMenu }: { channelId: string; teamName: string; onMenu: () => void }) {
  const ch = useStore((s) => s.channels[channelId])
  const st = useStore((s) => s)
  const [stats, setStats] = useState<{ member_count: number; pinnedpost_count?: number } | null>(null)
  const [menu, setMenu] = useState(false)
  const menuRef = useRef<HTMLButtonElement>(null)
  // Member count: refreshed when someone joins or leaves (a system post arrives).
  const sysPosts = useStore((s) => (s.channelPosts[channelId]?.order || []).filter((id) => s.posts[id]?.type?.startsWith('system_')).length)
  useEffect(() => {
    client.getChannelStats(channelId).then((x) => setStats(x as any)).catch(() => {})
  }, [channelId, sysPosts])
  if (!ch) return null
  const title = channelTitle(ch, st)
  const fav = !!st.favorites[channelId]
  const muted = st.members[channelId]?.notify_props?.mark_unread === 'mention'
  return <section className="channel" aria-labelledby="channel-title">
    <header className="channel-head">
      <button className="icon hamburger" aria-label="Open channel list" onClick={onMenu}>☰</button>
      <div className="grow head-text">
        <h1 id="channel-title">{ch.type === 'P' ? '🔒 ' : ch.type === 'O' ? '# ' : ''}{title}
          <button className={`icon star${fav ? ' on' : ''}`} aria-pressed={fav} aria-label={fav ? 'Remove from favorites' : 'Add to favorites'} title="Favorite" onClick={() => toggleFavorite(channelId)}>{fav ? '★' : '☆'}</button>
        </h1>
        <p className="purpose">
          {stats && ch.type !== 'D' && <button className="count link" title="Members" aria-label={`${stats.member_count} member${stats.member_count === 1 ? '' : 's'}`} onClick={() => openModal('members')}>👤 {stats.member_count}</button>}
          {muted && <span className="muted-tag">muted</span>}
          {ch.header || ch.purpose}
        </p>
      </div>
      <SearchBox />
      <button className="icon" aria-label="Pinned messages" title="Pinned messages" onClick={() => openModal('pinned')}>📌{stats?.pinnedpost_count ? <small>{stats.pinnedpost_count}</small> : null}</button>
      <div className="menu-wrap">
        <button ref={menuRef} className="icon" aria-label="Channel menu" aria-haspopup="menu" aria-expanded={menu} onClick={() => setMenu(!menu)}>⋯</button>
        {menu && <Popup anchor={menuRef} align="right" label="Channel menu" onClose={() => setMenu(false)} onClick={() => setMenu(false)}>
          <button role="menuitem" onClick={() => toggleMute(channelId)}>{muted ? 'Unmute channel' : 'Mute channel'}</button>
          <button role="menuitem" onClick={() => toggleFavorite(channelId)}>{fav ? 'Remove from favorites' : 'Add to favorites'}</button>
          <ChannelManageItems ch={ch} teamName={teamName} />
        </Popup>}
      </div>
    </header>
    <PostList channelId={channelId} teamName={teamName} />
    <TypingLine channelId={channelId} rootId="" />
    {readOnlyReason(ch, st) ? <ReadOnlyNotice channelId={channelId} teamName={teamName} />
      : <Composer channelId={channelId} rootId="" placeholder={`Write to ${ch.type === 'D' ? '@' : ch.type === 'G' ? '' : '~'}${title}`} />}
  </section>
}

/** Why nothing can be posted in a channel: it is archived, or it is a DM with a deactivated or erased user. */
export function readOnlyReason(ch: Ch, st: State): 'archived' | 'deactivated' | '' {
  if (ch.delete_at) return 'archived'
  const partner = dmPartner(ch, st)
  if (partner && partner !== st.me?.id && (!st.users[partner] || st.users[partner].delete_at)) return 'deactivated'
  return ''
}

/** Mattermost's notice in place of the message box. */
export function ReadOnlyNotice({ channelId, teamName }: { channelId: string; teamName: string }) {
  const why = useStore((s) => (s.channels[channelId] ? readOnlyReason(s.channels[channelId], s) : ''))
  return <div className="archived-notice" role="status">
    {why === 'deactivated' ? <p>You are viewing an archived channel with a <b>deactivated user</b>. New messages cannot be posted.</p>
      : <p>You are viewing an <b>archived channel</b>. New messages cannot be posted.</p>}
    <button className="primary" onClick={() => navigate(`/${teamName}/channels/town-square`)}>Close channel</button>
  </div>
}

const START = 1_000_000

function PostList({ channelId, teamName }: { channelId: string; teamName: string }) {
  const cp = useStore((s) => s.channelPosts[channelId])
  const posts = useStore((s) => s.posts)
  const newLineAt = useStore((s) => s.newLineAt[channelId] || 0)
  const me = useStore((s) => s.me!.id)
  const highlightId = useStore((s) => s.highlightId)
  const rows = useMemo(() => buildRows(cp?.order || [], posts, newLineAt, me), [cp?.order, posts, newLineAt, me])
  const firstIndex = useRef(START)
  const prevFirstPost = useRef<{ key: string; idx: number } | null>(null)
  const ref = useRef<VirtuosoHandle>(null)
  // Whether the reader is at the bottom, from the last scroll (growth below the view does not
  // scroll, so an image that loads late does not count as the reader having scrolled up).
  const atBottom = useRef(true)
  const scroller = useRef<HTMLElement | null>(null)
  const [scrollEl, setScrollEl] = useState<HTMLElement | null>(null)
  const setScroller = useCallback((el: HTMLElement | Window | null) => { // stable: Virtuoso calls a new one on every render
    const h = el instanceof HTMLElement ? el : null
    scroller.current = h
    setScrollEl(h)
  }, [])
  const stickToBottom = () => {
    const el = scroller.current
    if (!el || !atBottom.current || getState().channelPosts[channelId]?.atNewest === false) return
    el.scrollTop = el.scrollHeight
    ref.current?.scrollToIndex({ index: 'LAST', align: 'end' })
  }
  useEffect(() => {
    const el = scrollEl
    if (!el) return
    const onScroll = () => { atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80 }
    const onLoad = (e: Event) => { if ((e.target as HTMLElement).tagName === 'IMG') requestAnimationFrame(stickToBottom) }
    el.addEventListener('scroll', onScroll, { passive: true })
    el.addEventListener('load', onLoad, true) // load does not bubble: listen in the capture phase
    return () => { el.removeEventListener('scroll', onScroll); el.removeEventListener('load', onLoad, true) }
  }, [scrollEl])
  // Older rows were prepended: shift firstItemIndex so the view stays put.
  const firstPostIdx = rows.findIndex((r) => r.kind === 'post')
  if (prevFirstPost.current && firstPostIdx >= 0 && rows[firstPostIdx].key !== prevFirstPost.current.key) {
    const at = rows.findIndex((r) => r.key === prevFirstPost.current!.key)
    if (at > prevFirstPost.current.idx) firstIndex.current -= at - prevFirstPost.current.idx
  }
  prevFirstPost.current = firstPostIdx >= 0 ? { key: rows[firstPostIdx].key, idx: firstPostIdx } : null

  useEffect(() => {
    if (!highlightId) return
    const i = rows.findIndex((r) => r.key === highlightId)
    if (i >= 0) {
      ref.current?.scrollToIndex({ index: i, align: 'center' })
      const t = setTimeout(() => setState({ highlightId: undefined }), 3000)
      return () => clearTimeout(t)
    }
  }, [highlightId, rows.length])

  const jumpBack = cp?.atNewest === false && <button className="jump-recent" onClick={async () => {
    await loadLatest(channelId)
    requestAnimationFrame(() => ref.current?.scrollToIndex({ index: 'LAST', align: 'end' }))
  }}>Jump to recent messages ↓</button>
  if (!cp || (cp.loading && !cp.order.length)) return <div className="posts loading" aria-busy="true">Loading messages…</div>
  if (!rows.length) return <div className="posts empty-channel"><p>This is the start of the channel. Say hello!</p></div>
  const newIdx = rows.findIndex((r) => r.kind === 'new')
  const hiIdx = highlightId ? rows.findIndex((r) => r.key === highlightId) : -1
  return <><Virtuoso
    ref={ref}
    className="posts"
    role="log"
    aria-label="Messages"
    aria-live="polite"
    data={rows}
    firstItemIndex={firstIndex.current}
    initialTopMostItemIndex={hiIdx >= 0 ? { index: hiIdx, align: 'center' } : newIdx > 0 ? { index: newIdx, align: 'center' } : rows.length - 1}
    alignToBottom
    followOutput={(atBottom) => (atBottom || lastIsMine(rows, me) ? 'auto' : false)}
    atBottomThreshold={80} // near the bottom counts: late-measured rows (code, images) leave it a few pixels short
    scrollerRef={setScroller}
    // A post at the bottom grew (reactions, a link preview, an image): stay at the bottom.
    totalListHeightChanged={stickToBottom}
    startReached={() => loadOlder(channelId)}
    endReached={() => loadNewer(channelId)}
    increaseViewportBy={{ top: 600, bottom: 300 }}
    defaultItemHeight={52}
    initialItemCount={Math.min(rows.length, 16)}
    computeItemKey={(_, r) => r.key}
    components={{ Header: () => cp.atOldest ? <div className="intro">Beginning of <b>{channelTitle(getState().channels[channelId])}</b></div> : <div className="intro">Loading older messages…</div> }}
    itemContent={(_, r) => r.kind === 'date' ? <div className="date-sep" role="separator"><span>{dayLabel(r.ts)}</span></div>
      : r.kind === 'new' ? <div className="new-sep" role="separator" aria-label="New messages"><span>New messages</span></div>
        : <PostItem id={r.id} cont={r.cont} teamName={teamName} highlighted={r.id === highlightId} />}
  />{jumpBack}</>
}

function lastIsMine(rows: Row[], me: string) {
  const last = rows[rows.length - 1]
  return last?.kind === 'post' && getState().posts[last.id]?.user_id === me
}
