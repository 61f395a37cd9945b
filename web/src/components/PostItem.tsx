import { memo, useEffect, useMemo, useRef, useState, type RefObject } from 'react'
import { prefValue, teammateName } from '../lib/prefs'
import type { Post } from '@mattermost/types/posts'
import { useStore, getState, setState } from '../store'
import { renderMarkdown, isJumboEmoji } from '../lib/markdown'
import { timeLabel, dayLabel } from '../lib/time'
import { emojiChar, QUICK_EMOJI, EMOJI, customEmoji, customEmojiUrl } from '../lib/emoji'
import { byline } from '../lib/integrations'
import { FileList, Attachments, LinkPreviewCard } from './PostExtras'
import { deletePost, editPost, isAdmin, openThread, togglePin, toggleReaction, sendPost } from '../actions'
import { navigate } from '../router'
import { Avatar } from './Avatar'
import { systemText, isEmptyPost, DELETED } from '../lib/system'
import { Popup } from './Popup'
import { confirmDialog } from './Confirm'

/** Mattermost's "Confirm Post Delete" dialog, then the delete. */
export async function confirmDeletePost(id: string) {
  if (await confirmDialog({ title: 'Confirm Post Delete', message: 'Are you sure you want to delete this message?', confirm: 'Delete', danger: true })) await deletePost(id)
}

export const PostItem = memo(function PostItem({ id, cont, teamName, inThread, highlighted }: { id: string; cont: boolean; teamName: string; inThread?: boolean; highlighted?: boolean }) {
  const p = useStore((s) => s.posts[id])
  const author = useStore((s) => (p ? s.users[p.user_id] : undefined))
  const me = useStore((s) => s.me!)
  const editing = useStore((s) => s.editingId === id)
  const [picker, setPicker] = useState(false)
  const [menu, setMenu] = useState(false)
  const bodyRef = useRef<HTMLDivElement>(null)
  const moreRef = useRef<HTMLButtonElement>(null)
  const pickRef = useRef<HTMLButtonElement>(null)
  const addRef = useRef<HTMLButtonElement>(null)
  const pickFrom = useRef<HTMLElement | null>(null)
  const config = useStore((s) => s.config)
  const military = useStore((s) => prefValue(s.prefs, 'militaryTime') === 'true')
  const nameFormat = useStore((s) => prefValue(s.prefs, 'nameFormat'))
  const emojiCount = useStore((s) => Object.keys(s.customEmoji).length)
  const myGroups = useStore((s) => s.myGroups)
  const isSystem = !!p?.type && p.type.startsWith('system_') && p.type !== 'system_ephemeral'
  // A string, so the post re-renders when a user it names by id is loaded.
  const sysText = useStore((s) => (p && isSystem ? systemText(p, (uid) => s.users[uid]?.username) : ''))
  const html = useMemo(() => (p && !isSystem ? renderMarkdown(p.message, { me: me.username, teamName, groups: myGroups }) : ''), [p?.message, isSystem, me.username, teamName, emojiCount, myGroups])
  useEffect(() => {
    if (bodyRef.current?.querySelector('pre code[class*="language-"]')) {
      const el = bodyRef.current
      import('../lib/highlight').then((h) => h.highlightIn(el))
    }
  }, [html])
  if (!p) return null
  const pending = !!p.pending_post_id && p.id === p.pending_post_id
  const failed = (p as any).failed
  if (isSystem) {
    return <div className="post system" data-post-id={p.id}><span className="sys-text">{sysText}</span><time dateTime={new Date(p.create_at).toISOString()}>{timeLabel(p.create_at, military)}</time></div>
  }
  const mine = p.user_id === me.id
  const canEdit = mine
  const canDelete = mine || isAdmin(me)
  const reactions = p.metadata?.reactions || []
  const groups = new Map<string, string[]>()
  for (const r of reactions) groups.set(r.emoji_name, [...(groups.get(r.emoji_name) || []), r.user_id])
  const mentionMe = html.includes('mention-me')
  const link = `${location.origin}/${teamName}/pl/${p.id}`
  const when = new Date(p.create_at)
  const ephemeral = p.type === 'system_ephemeral'
  const by = byline(p, author, config)
  if (!by.webhook && author) by.name = teammateName(author, nameFormat)
  const files = ((p.metadata as any)?.files || []) as any[]
  const attachments = (p.props as any)?.attachments
  return <article className={`post${cont ? ' cont' : ''}${mentionMe ? ' mentioned' : ''}${pending ? ' pending' : ''}${highlighted ? ' highlight' : ''}${ephemeral ? ' ephemeral' : ''}`}
    data-post-id={p.id} aria-label={`${author?.username || 'someone'} at ${timeLabel(p.create_at, military)}`} tabIndex={-1}>
    <div className="gutter">
      {cont ? <time className="hover-time" dateTime={when.toISOString()}>{timeLabel(p.create_at, military)}</time>
        : by.iconUrl ? <img className="avatar avatar-img" src={by.iconUrl} alt="" width={36} height={36} referrerPolicy="no-referrer" />
          : ephemeral ? <span className="avatar avatar-system" aria-hidden="true">P</span> : <Avatar userId={p.user_id} />}
    </div>
    <div className="post-main">
      {!cont && <div className="post-head">
        <span className="author">{ephemeral && !by.webhook ? 'System' : by.name}</span>
        {(by.bot || ephemeral) && <span className="bot-badge" title={by.webhook ? 'Posted by an integration' : 'Bot account'}>BOT</span>}
        <a className="time" href={`/${teamName}/pl/${p.id}`} title={`${dayLabel(p.create_at)} ${when.toLocaleString()}`}
          onClick={(e) => { e.preventDefault(); navigate(`/${teamName}/pl/${p.id}`) }}><time dateTime={when.toISOString()}>{timeLabel(p.create_at, military)}</time></a>
        {p.is_pinned && <span className="pinned-tag">📌 Pinned</span>}
        {ephemeral && <span className="ephemeral-tag">(Only visible to you)</span>}
      </div>}
      {cont && p.is_pinned && <span className="pinned-tag">📌 Pinned</span>}
      {editing ? <EditBox post={p} /> :
        <div ref={bodyRef} className={`body md${isJumboEmoji(p.message) ? ' jumbo' : ''}`} onClick={onBodyClick} dangerouslySetInnerHTML={{ __html: p.edit_at ? withEdited(html) : html }} />}
      {!editing && isEmptyPost(p) && <p className="deleted-text">{DELETED}</p>}
      {attachments && <Attachments raw={attachments} teamName={teamName} postId={p.id} />}
      {!attachments && <LinkPreviewCard post={p} />}
      {files.length > 0 && <FileList files={files} />}
      {failed && <p className="error">Not sent. <button className="link" onClick={() => retry(p)}>Retry</button></p>}
      {groups.size > 0 && <div className="reactions" role="group" aria-label="Reactions">
        {[...groups].map(([name, users]) => {
          const on = users.includes(me.id)
          const names = users.map((u) => (u === me.id ? 'you' : getState().users[u]?.username || 'someone')).join(', ')
          return <button key={name} className={`reaction${on ? ' on' : ''}`} aria-pressed={on} title={`${names} reacted with :${name}:`}
            aria-label={`${name} reaction by ${names}`} onClick={() => toggleReaction(p.id, name)}><EmojiGlyph name={name} /> <span>{users.length}</span></button>
        })}
        <button ref={addRef} className="reaction add" aria-label="Add reaction" onClick={() => { pickFrom.current = addRef.current; setPicker(!picker) }}>☺+</button>
      </div>}
      {!inThread && !p.root_id && (p.reply_count || 0) > 0 && <button className="replies" onClick={() => openThread(p.id)}>💬 {p.reply_count} {p.reply_count === 1 ? 'reply' : 'replies'}</button>}
    </div>
    {!pending && !ephemeral && <div className="post-actions" role="toolbar" aria-label="Message actions">
      <button ref={pickRef} className="icon" aria-label="Add reaction" title="Add reaction" onClick={() => { pickFrom.current = pickRef.current; setPicker(!picker) }}>☺</button>
      {!inThread && <button className="icon" aria-label="Reply" title="Reply" onClick={() => openThread(p.root_id || p.id)}>↩</button>}
      <button ref={moreRef} className="icon" aria-label="More actions" aria-haspopup="menu" aria-expanded={menu} title="More" onClick={() => setMenu(!menu)}>⋯</button>
      {menu && <Popup anchor={moreRef} align="right" label="Message actions" onClose={() => setMenu(false)} onClick={() => setMenu(false)}>
        {canEdit && <button role="menuitem" onClick={() => setState({ editingId: p.id })}>Edit</button>}
        <button role="menuitem" onClick={() => togglePin(p.id)}>{p.is_pinned ? 'Unpin' : 'Pin to channel'}</button>
        <button role="menuitem" onClick={() => { navigator.clipboard?.writeText(link).catch(() => {}); setState({ toast: 'Link copied' }); setTimeout(() => setState({ toast: undefined }), 1500) }}>Copy link</button>
        {canDelete && <button role="menuitem" className="danger" onClick={() => confirmDeletePost(p.id)}>Delete</button>}
      </Popup>}
    </div>}
    {picker && <EmojiPicker anchor={pickFrom} onPick={(n) => { toggleReaction(p.id, n); setPicker(false) }} onClose={() => setPicker(false)} />}
  </article>
})

/** Puts the "(edited)" marker at the end of the last paragraph, as Mattermost does. */
function withEdited(html: string): string {
  const tag = '<span class="edited" title="Edited">(edited)</span>'
  const m = /<\/p>\s*$/.exec(html)
  return m ? html.slice(0, m.index) + ' ' + tag + html.slice(m.index) : html + tag
}

function retry(p: Post) {
  setState((st) => {
    const posts = { ...st.posts }
    delete posts[p.id]
    const cp = st.channelPosts[p.channel_id]
    return { posts, channelPosts: cp ? { ...st.channelPosts, [p.channel_id]: { ...cp, order: cp.order.filter((x) => x !== p.id) } } : st.channelPosts }
  })
  sendPost(p.channel_id, p.message, p.root_id, ((p.metadata as any)?.files || []))
}

function onBodyClick(e: React.MouseEvent) {
  const a = (e.target as HTMLElement).closest('a.channel-link') as HTMLAnchorElement | null
  if (a) { e.preventDefault(); navigate(a.getAttribute('href')!) }
  const m = (e.target as HTMLElement).closest('[data-mention]') as HTMLElement | null
  if (m && !['channel', 'all', 'here'].includes(m.dataset.mention!) && !m.classList.contains('mention-group')) {
    const team = location.pathname.split('/')[1]
    navigate(`/${team}/messages/@${m.dataset.mention}`)
  }
}

function EditBox({ post }: { post: Post }) {
  const [text, setText] = useState(post.message)
  const ref = useRef<HTMLTextAreaElement>(null)
  useEffect(() => { const t = ref.current!; t.focus(); t.setSelectionRange(t.value.length, t.value.length) }, [])
  const done = () => { setState({ editingId: undefined }); document.getElementById('composer')?.focus() }
  const save = async () => {
    const m = text.trim()
    if (!m) { done(); confirmDeletePost(post.id); return }
    if (m !== post.message) await editPost(post.id, m)
    done()
  }
  return <div className="edit-box">
    <textarea ref={ref} aria-label="Edit message" value={text} rows={Math.min(10, text.split('\n').length + 1)} onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); save() }
        if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); done() }
      }} />
    <div className="edit-hint">Enter to save · Esc to cancel <button className="link" onClick={save}>Save</button> <button className="link" onClick={done}>Cancel</button></div>
  </div>
}

/** A standard emoji as a character, a custom one as its image, an unknown one as :name:. */
export function EmojiGlyph({ name }: { name: string }) {
  useStore((s) => s.customEmoji[name]) // re-render when it arrives
  const ch = emojiChar(name)
  if (ch) return <>{ch}</>
  const c = customEmoji(name)
  if (c) return <img className="emoji custom-emoji" src={customEmojiUrl(c.id)} alt={`:${name}:`} />
  return <>{`:${name}:`}</>
}

export function EmojiPicker({ anchor, onPick, onClose }: { anchor: RefObject<HTMLElement | null>; onPick: (name: string) => void; onClose: () => void }) {
  const [q, setQ] = useState('')
  const custom = Object.keys(useStore((s) => s.customEmoji)).sort()
  const all = [...Object.keys(EMOJI), ...custom]
  const names = q ? all.filter((n) => n.includes(q.toLowerCase())).slice(0, 64)
    : [...QUICK_EMOJI, ...custom, ...Object.keys(EMOJI).filter((n) => !QUICK_EMOJI.includes(n))].slice(0, 64)
  return <Popup anchor={anchor} align="right" className="emoji-picker" role="dialog" label="Pick a reaction" onClose={onClose}>
    <input aria-label="Search emoji" placeholder="Search emoji" value={q} onChange={(e) => setQ(e.target.value)} autoFocus />
    <div className="emoji-grid">
      {names.map((n) => <button key={n} title={`:${n}:`} aria-label={n} onClick={() => onPick(n)}><EmojiGlyph name={n} /></button>)}
    </div>
  </Popup>
}
