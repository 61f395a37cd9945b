// Message search: the box in the channel header and the results in the right panel.
import { useState } from 'react'
import { useStore, getState, setState, channelTitle } from '../store'
import { jumpToPost, searchPosts } from '../actions'
import { navigate } from '../router'
import { renderMarkdown } from '../lib/markdown'
import { highlightHtml, termWords } from '../lib/search'
import { dayLabel, timeLabel } from '../lib/time'
import { errMessage } from '../api'
import { byline } from '../lib/integrations'

export function SearchBox() {
  const current = useStore((s) => s.rhsSearch?.terms || '')
  const [q, setQ] = useState(current)
  return <form className="search-box" role="search" onSubmit={(e) => { e.preventDefault(); if (q.trim()) { setState({ rhsRootId: undefined }); searchPosts(q) } }}>
    <input type="search" aria-label="Search messages" placeholder="Search" value={q} onChange={(e) => setQ(e.target.value)}
      title='Words, "phrases", -excluded, prefix*, from:user, in:channel, on:/before:/after:YYYY-MM-DD, #hashtag'
      onKeyDown={(e) => { if (e.key === 'Escape') { setQ(''); (e.target as HTMLInputElement).blur() } }} />
  </form>
}

/** Goes to a post in its channel, loading the channel around it. */
export async function goToPost(postId: string, teamName: string) {
  try {
    const cid = await jumpToPost(postId)
    const ch = getState().channels[cid]
    if (ch) navigate(`/${teamName}/channels/${ch.name}`)
  } catch (e) {
    setState({ toast: `Cannot open that message: ${errMessage(e)}` })
    setTimeout(() => setState({ toast: undefined }), 3000)
  }
}

export function SearchPanel({ teamName }: { teamName: string }) {
  const sr = useStore((s) => s.rhsSearch!)
  const posts = useStore((s) => s.posts)
  const users = useStore((s) => s.users)
  const channels = useStore((s) => s.channels)
  const config = useStore((s) => s.config)
  const me = useStore((s) => s.me!)
  useStore((s) => Object.keys(s.customEmoji).length)
  const fallback = termWords(sr.terms)
  let lastDay = ''
  return <aside className="rhs search-results" aria-label="Search results">
    <header className="rhs-head">
      <h2>Search results <small>{sr.terms}</small></h2>
      <button className="icon" aria-label="Close search results" onClick={() => setState({ rhsSearch: undefined })}>✕</button>
    </header>
    <div className="rhs-body" aria-busy={sr.loading}>
      {sr.loading ? <p className="empty">Searching…</p>
        : sr.error ? <p className="error" role="alert">{sr.error}</p>
          : !sr.order.length ? <div className="empty"><p><b>No results for “{sr.terms}”</b></p><p className="hint">Try other words, a prefix like <code>depl*</code>, or fewer filters.</p></div>
            : <>
              <p className="result-count">{sr.order.length}{sr.order.length >= 60 ? '+' : ''} {sr.order.length === 1 ? 'result' : 'results'}</p>
              <ul className="result-list">
                {sr.order.map((id) => {
                  const p = posts[id]
                  if (!p) return null
                  const ch = channels[p.channel_id]
                  const day = dayLabel(p.create_at)
                  const sep = day !== lastDay
                  lastDay = day
                  const words = sr.matches[id]?.length ? sr.matches[id] : fallback
                  const html = highlightHtml(renderMarkdown(p.message, { me: me.username, teamName }), words)
                  const by = byline(p, users[p.user_id], config)
                  return <li key={id} className="result" data-post-id={id}>
                    {sep && <div className="date-sep" role="separator"><span>{day}</span></div>}
                    <div className="result-ch"><span className="grow">{ch ? (ch.type === 'D' ? '@' : ch.type === 'P' ? '🔒 ' : '~') + channelTitle(ch) : '…'}{p.root_id ? <small> · reply</small> : null}</span>
                      <button className="link jump" onClick={() => goToPost(id, teamName)}>Jump</button></div>
                    <button className="result-main plain" onClick={() => goToPost(id, teamName)} aria-label={`Jump to message by ${by.name}`}>
                      <span className="post-head"><span className="author">{by.name}</span>{by.bot && <span className="bot-badge">BOT</span>}<span className="time">{timeLabel(p.create_at)}</span></span>
                      <span className="body md" dangerouslySetInnerHTML={{ __html: html }} />
                      {(p.metadata as any)?.files?.length ? <small className="hint">📎 {(p.metadata as any).files.map((f: any) => f.name).join(', ')}</small> : null}
                    </button>
                  </li>
                })}
              </ul>
            </>}
    </div>
  </aside>
}
