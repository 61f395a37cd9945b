import { lazy, Suspense, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react'
import type { Team } from '@mattermost/types/teams'
import type { Channel } from '@mattermost/types/channels'
import type { UserProfile } from '@mattermost/types/users'
import type { Post } from '@mattermost/types/posts'
import { client, errMessage } from '../api'
import { createChannel, joinChannel, openDM } from '../actions'
import { getState, setState, useStore, channelTitle } from '../store'
import { navigate } from '../router'
import { slugify } from './Teams'
import { MembersModal, AddMembersModal, EditChannelModal, ChannelNotifyModal } from './ChannelManage'
import { InviteDialog } from './InviteDialog'

// Account settings and custom emoji load on first use (they are not needed for the first paint).
const Settings = lazy(() => import('./Settings').then((m) => ({ default: m.Settings })))
const EmojiManager = lazy(() => import('./EmojiManager').then((m) => ({ default: m.EmojiManager })))
const UserGroups = lazy(() => import('./UserGroups').then((m) => ({ default: m.UserGroups })))
import { renderMarkdown } from '../lib/markdown'
import { useDismiss } from './Popup'

export function openModal(name: string) { setState({ modal: name }) }
const close = () => setState({ modal: undefined })

export function Modal({ title, children, wide, onClose = close }: { title: string; children: ReactNode; wide?: boolean; onClose?: () => void }) {
  const ref = useRef<HTMLDivElement>(null)
  useDismiss([ref], onClose)
  useEffect(() => {
    const prev = document.activeElement as HTMLElement | null
    const el = ref.current!
    // The first field takes the focus (typing goes to the search box), else the first button after the title's close button.
    const first = el.querySelector<HTMLElement>('input:not([type=radio]):not([type=checkbox]), textarea, select, [data-autofocus]')
      || el.querySelector<HTMLElement>(':scope > :not(header) button, :scope > :not(header) [tabindex]') || el.querySelector<HTMLElement>('button')
    first?.focus()
    return () => prev?.focus?.()
  }, [])
  return <div className="modal-backdrop">
    <div ref={ref} className={`modal${wide ? ' wide' : ''}`} role="dialog" aria-modal="true" aria-label={title}
      onKeyDown={(e) => {
        if (e.key === 'Tab') { // keep focus inside
          const f = [...ref.current!.querySelectorAll<HTMLElement>('input, button, textarea, select, a[href]')].filter((x) => !x.hasAttribute('disabled'))
          if (!f.length) return
          if (e.shiftKey && document.activeElement === f[0]) { e.preventDefault(); f[f.length - 1].focus() }
          else if (!e.shiftKey && document.activeElement === f[f.length - 1]) { e.preventDefault(); f[0].focus() }
        }
      }}>
      <header><h2>{title}</h2><button className="icon" aria-label="Close" onClick={onClose}>✕</button></header>
      {children}
    </div>
  </div>
}

export function Modals({ team }: { team: Team }) {
  const modal = useStore((s) => s.modal)
  switch (modal) {
    case 'switcher': return <Switcher team={team} />
    case 'browse': return <Browse team={team} />
    case 'create': return <CreateChannel team={team} />
    case 'dm': return <NewDM team={team} />
    case 'settings': return <Suspense fallback={null}><Settings /></Suspense>
    case 'emoji': return <Suspense fallback={null}><EmojiManager /></Suspense>
    case 'groups': return <Suspense fallback={null}><UserGroups /></Suspense>
    case 'members': return <MembersModal />
    case 'channelNotify': return <ChannelNotifyModal />
    case 'addMembers': return <AddMembersModal />
    case 'rename': return <EditChannelModal key="rename" what="rename" />
    case 'editHeader': return <EditChannelModal key="header" what="header" />
    case 'editPurpose': return <EditChannelModal key="purpose" what="purpose" />
    case 'pinned': return <Pinned team={team} />
    case 'invite': return <InviteDialog team={team} />
    default: return null
  }
}

function Switcher({ team }: { team: Team }) {
  const st = useStore((s) => s)
  const [q, setQ] = useState('')
  const [sel, setSel] = useState(0)
  const list = Object.values(st.channels).filter((c) => st.members[c.id] && !c.delete_at && (c.team_id === team.id || !c.team_id))
    .map((c) => ({ c, t: channelTitle(c, st) }))
    .filter(({ c, t }) => !q || t.toLowerCase().includes(q.toLowerCase()) || c.name.includes(q.toLowerCase()))
    .sort((a, b) => (b.c.last_post_at || 0) - (a.c.last_post_at || 0)).slice(0, 12)
  const go = (c: Channel) => { close(); navigate(`/${team.name}/channels/${c.name}`) }
  return <Modal title="Switch channel">
    <input className="big" placeholder="Type a channel or person" aria-label="Channel name" value={q} onChange={(e) => { setQ(e.target.value); setSel(0) }}
      onKeyDown={(e) => {
        if (e.key === 'ArrowDown') { e.preventDefault(); setSel(Math.min(sel + 1, list.length - 1)) }
        if (e.key === 'ArrowUp') { e.preventDefault(); setSel(Math.max(sel - 1, 0)) }
        if (e.key === 'Enter' && list[sel]) go(list[sel].c)
      }} />
    <ul className="pick-list" role="listbox">
      {list.map(({ c, t }, i) => <li key={c.id} role="option" aria-selected={i === sel} className={i === sel ? 'sel' : ''} onClick={() => go(c)}>
        {c.type === 'D' ? '@' : c.type === 'P' ? '🔒' : '#'} {t}</li>)}
    </ul>
  </Modal>
}

function Browse({ team }: { team: Team }) {
  const members = useStore((s) => s.members)
  const [chans, setChans] = useState<Channel[] | null>(null)
  const [q, setQ] = useState('')
  const [err, setErr] = useState('')
  const [kind, setKind] = useState<'public' | 'archived'>('public') // Mattermost's "Archived channels" filter
  useEffect(() => {
    setChans(null)
    const list = kind === 'archived' ? client.getArchivedChannels(team.id, 0, 200) : client.getChannels(team.id, 0, 200)
    list.then(setChans).catch((e) => setErr(errMessage(e)))
  }, [team.id, kind])
  const list = (chans || []).filter((c) => !q || c.display_name.toLowerCase().includes(q.toLowerCase()))
  const view = (c: Channel) => { close(); navigate(`/${team.name}/channels/${c.name}`) }
  return <Modal title="Browse channels" wide>
    <div className="browse-filter">
      <input placeholder="Search channels" aria-label="Search channels" value={q} onChange={(e) => setQ(e.target.value)} />
      <select aria-label="Channel type" value={kind} onChange={(e) => setKind(e.target.value as 'public' | 'archived')}>
        <option value="public">Public channels</option>
        <option value="archived">Archived channels</option>
      </select>
    </div>
    {err && <p className="error">{err}</p>}
    {chans === null ? <p>Loading…</p> : <ul className="browse-list">
      {list.map((c) => <li key={c.id}>
        <span className="grow"><b>{c.delete_at ? '🗄 ' : c.type === 'P' ? '🔒 ' : '# '}{c.display_name}</b>{c.purpose && <small>{c.purpose}</small>}</span>
        {members[c.id] || c.delete_at ? <button onClick={() => view(c)}>View</button>
          : <button className="primary" onClick={async () => { try { await joinChannel(c.id); view(c) } catch (e) { setErr(errMessage(e)) } }}>Join</button>}
      </li>)}
      {list.length === 0 && <li>{kind === 'archived' ? 'No archived channels.' : 'No channels found.'}</li>}
    </ul>}
    <p><button className="link" onClick={() => openModal('create')}>Create a new channel</button></p>
  </Modal>
}

function CreateChannel({ team }: { team: Team }) {
  const [name, setName] = useState('')
  const [purpose, setPurpose] = useState('')
  const [priv, setPriv] = useState(false)
  const [err, setErr] = useState('')
  async function submit(e: FormEvent) {
    e.preventDefault()
    try {
      const ch = await createChannel(team.id, name.trim(), slugify(name) || 'channel', priv, purpose)
      close()
      navigate(`/${team.name}/channels/${ch.name}`)
    } catch (x) { setErr(errMessage(x)) }
  }
  return <Modal title="Create a channel">
    <form onSubmit={submit}>
      <label>Name<input name="channel_name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={64} /></label>
      {name && <p className="hint">URL: /{team.name}/channels/{slugify(name)}</p>}
      <label>Purpose (optional)<input value={purpose} onChange={(e) => setPurpose(e.target.value)} maxLength={250} /></label>
      <fieldset className="radios"><legend>Who can join</legend>
        <label className="check"><input type="radio" name="vis" checked={!priv} onChange={() => setPriv(false)} /> Public: anyone in the team</label>
        <label className="check"><input type="radio" name="vis" checked={priv} onChange={() => setPriv(true)} /> Private: by invitation</label>
      </fieldset>
      {err && <p className="error" role="alert">{err}</p>}
      <button className="primary">Create channel</button>
    </form>
  </Modal>
}

function NewDM({ team }: { team: Team }) {
  const [q, setQ] = useState('')
  const [users, setUsers] = useState<UserProfile[]>([])
  const [picked, setPicked] = useState<UserProfile[]>([])
  const [err, setErr] = useState('')
  useEffect(() => {
    const t = setTimeout(() => {
      client.autocompleteUsers(q, team.id, '', { limit: 20 }).then((r: any) => setUsers(r.users || [])).catch((e) => setErr(errMessage(e)))
    }, 150)
    return () => clearTimeout(t)
  }, [q, team.id])
  async function go() {
    try {
      const ch = await openDM(picked.map((u) => u.id))
      close()
      navigate(`/${team.name}/channels/${ch.name}`)
    } catch (e) { setErr(errMessage(e)) }
  }
  const me = getState().me!.id
  return <Modal title="Direct message">
    <input placeholder="Search people" aria-label="Search people" value={q} onChange={(e) => setQ(e.target.value)} />
    {picked.length > 0 && <p className="chips">{picked.map((u) => <button key={u.id} className="chip" onClick={() => setPicked(picked.filter((x) => x.id !== u.id))} aria-label={`Remove ${u.username}`}>@{u.username} ✕</button>)}</p>}
    <ul className="pick-list">
      {users.filter((u) => !picked.some((p) => p.id === u.id)).map((u) => <li key={u.id}><button className="plain" onClick={() => setPicked([...picked, u].slice(0, 7))}>
        @{u.username}{u.id === me ? ' (you)' : ''} <small>{[u.first_name, u.last_name].filter(Boolean).join(' ')}</small></button></li>)}
    </ul>
    {err && <p className="error">{err}</p>}
    <button className="primary" disabled={!picked.length} onClick={go}>Go</button>
  </Modal>
}

function Pinned({ team }: { team: Team }) {
  const channelId = useStore((s) => s.currentChannelId)
  const users = useStore((s) => s.users)
  const [posts, setPosts] = useState<Post[] | null>(null)
  useEffect(() => {
    if (!channelId) return
    client.getPinnedPosts(channelId).then((l) => setPosts(l.order.map((id) => l.posts[id]))).catch(() => setPosts([]))
  }, [channelId])
  return <Modal title="Pinned messages" wide>
    {posts === null ? <p>Loading…</p> : posts.length === 0 ? <p>No pinned messages yet.</p> :
      <ul className="pinned-list">{posts.map((p) => <li key={p.id}>
        <b>{users[p.user_id]?.username || '…'}</b> <small>{new Date(p.create_at).toLocaleString()}</small>
        <div className="md" dangerouslySetInnerHTML={{ __html: renderMarkdown(p.message, { teamName: team.name }) }} />
        <button className="link" onClick={() => { close(); navigate(`/${team.name}/pl/${p.id}`) }}>Jump</button>
      </li>)}</ul>}
  </Modal>
}
