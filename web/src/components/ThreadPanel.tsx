import { useEffect, useRef } from 'react'
import { useStore, setState, channelTitle } from '../store'
import { continues } from '../lib/time'
import { PostItem } from './PostItem'
import { Composer, TypingLine } from './Composer'
import { readOnlyReason, ReadOnlyNotice } from './ChannelView'

export function ThreadPanel({ rootId, teamName }: { rootId: string; teamName: string }) {
  const root = useStore((s) => s.posts[rootId])
  const replies = useStore((s) => s.threads[rootId])
  const posts = useStore((s) => s.posts)
  const ch = useStore((s) => (root ? s.channels[root.channel_id] : undefined))
  const st = useStore((s) => s)
  const hasSearch = useStore((s) => !!s.rhsSearch)
  const end = useRef<HTMLDivElement>(null)
  useEffect(() => { end.current?.scrollIntoView({ block: 'end' }) }, [replies?.length])
  return <aside className="rhs" aria-label="Thread">
    <header className="rhs-head">
      {hasSearch && <button className="icon" aria-label="Back to search results" title="Back to search results" onClick={() => setState({ rhsRootId: undefined })}>←</button>}
      <h2>Thread {ch && <small>{channelTitle(ch, st)}</small>}</h2>
      <button className="icon" aria-label="Close thread" onClick={() => setState({ rhsRootId: undefined })}>✕</button>
    </header>
    <div className="rhs-body">
      {!root ? <p className="empty">Loading…</p> : <>
        <PostItem id={rootId} cont={false} teamName={teamName} inThread />
        <div className="reply-count">{root.reply_count || 0} {root.reply_count === 1 ? 'reply' : 'replies'}</div>
        {(replies || []).map((id, i) => <PostItem key={id} id={id} teamName={teamName} inThread cont={i > 0 && continues(posts[replies![i - 1]], posts[id])} />)}
      </>}
      <div ref={end} />
    </div>
    {root && <>
      <TypingLine channelId={root.channel_id} rootId={rootId} />
      {ch && readOnlyReason(ch, st) ? <ReadOnlyNotice channelId={ch.id} teamName={teamName} />
        : <Composer key={rootId} channelId={root.channel_id} rootId={rootId} placeholder="Reply…" />}
    </>}
  </aside>
}
