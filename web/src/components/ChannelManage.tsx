// Channel management: members (list, add, remove), rename, header and
// purpose, convert to private, archive and unarchive, delete for good, leave.
// Everything goes through API v4; the server decides who may do what, and its
// error is shown where the action was asked for.
import { useEffect, useState, type FormEvent } from 'react'
import type { UserProfile } from '@mattermost/types/users'
import type { ChannelMembership } from '@mattermost/types/channels'
import { client, errMessage } from '../api'
import { getState, setState, upsert, useStore, channelTitle, type Ch } from '../store'
import { navigate } from '../router'
import { isAdmin, leaveChannel, rawFetch, showToast } from '../actions'
import { Modal, openModal } from './Modals'
import { Avatar } from './Avatar'
import { confirmDialog } from './Confirm'

const close = () => setState({ modal: undefined })

/** Keeps the store's copy of a channel in step with what the server answered. */
function putChannel(ch: Ch) {
  setState((s) => ({ channels: upsert(s.channels, [{ ...s.channels[ch.id], ...ch }]) }))
}

/** Whether the current user administers the channel (system admin or channel admin). */
export function canManage(channelId: string): boolean {
  const s = getState()
  return isAdmin(s.me) || (s.members[channelId]?.scheme_admin ?? false) || (s.members[channelId]?.roles || '').includes('channel_admin')
}

/** The channel menu's management items (used by ChannelView's "⋯" menu). */
export function ChannelManageItems({ ch, teamName }: { ch: Ch; teamName: string }) {
  const me = useStore((s) => s.me)
  const notify = !ch.delete_at && <button role="menuitem" onClick={() => openModal('channelNotify')}>Notification preferences</button>
  if (ch.type === 'D' || ch.type === 'G') return notify || null
  const archived = !!ch.delete_at
  const townSquare = ch.name === 'town-square'
  return <>
    {notify}
    <button role="menuitem" onClick={() => openModal('members')}>Members</button>
    {!archived && <>
      <button role="menuitem" onClick={() => openModal('addMembers')}>Add members</button>
      <button role="menuitem" onClick={() => openModal('editHeader')}>Edit channel header</button>
      <button role="menuitem" onClick={() => openModal('editPurpose')}>Edit channel purpose</button>
      <button role="menuitem" onClick={() => openModal('rename')}>Rename channel</button>
      {ch.type === 'O' && !townSquare && <button role="menuitem" onClick={() => convertToPrivate(ch)}>Convert to private channel</button>}
      {!townSquare && <button role="menuitem" onClick={() => archiveChannel(ch, teamName)}>Archive channel</button>}
    </>}
    {archived && <button role="menuitem" onClick={() => unarchiveChannel(ch)}>Unarchive channel</button>}
    {isAdmin(me) && !townSquare && <button role="menuitem" className="danger" onClick={() => deleteChannel(ch, teamName)}>Delete channel</button>}
    {!townSquare && !archived && <button role="menuitem" onClick={async () => {
      try { await leaveChannel(ch.id); navigate(`/${teamName}/channels/town-square`) } catch (e) { showToast(errMessage(e)) }
    }}>Leave channel</button>}
  </>
}

async function convertToPrivate(ch: Ch) {
  const ok = await confirmDialog({ title: `Convert ${ch.display_name} to a private channel?`, confirm: 'Yes, convert to private channel',
    message: 'When you convert a channel to private, its history and membership are kept. Only members can see and join it again. The change cannot be undone from here.' })
  if (!ok) return
  try { putChannel(await client.updateChannelPrivacy(ch.id, 'P') as Ch); showToast(`${ch.display_name} is now private.`) } catch (e) { showToast(errMessage(e)) }
}

async function archiveChannel(ch: Ch, teamName: string) {
  const ok = await confirmDialog({ title: 'Archive channel', confirm: 'Archive', danger: true,
    message: `Archiving ~${ch.name} removes it from the sidebar. Its messages stay readable from Browse channels → Archived channels. Archive it?` })
  if (!ok) return
  try { await client.deleteChannel(ch.id); putChannel({ ...ch, delete_at: Date.now() }); navigate(`/${teamName}/channels/${ch.name}`) } catch (e) { showToast(errMessage(e)) }
}

async function unarchiveChannel(ch: Ch) {
  try { putChannel({ ...(await client.unarchiveChannel(ch.id) as Ch), delete_at: 0 }); showToast(`${ch.display_name} is active again.`) } catch (e) { showToast(errMessage(e)) }
}

async function deleteChannel(ch: Ch, teamName: string) {
  const ok = await confirmDialog({ title: 'Delete channel', confirm: 'Delete for good', danger: true,
    message: `Delete ~${ch.name} and all its messages for good? This cannot be undone.` })
  if (!ok) return
  try {
    await rawFetch(`${client.getChannelRoute(ch.id)}?permanent=true`, { method: 'delete' })
    setState((s) => { const channels = { ...s.channels }; delete channels[ch.id]; return { channels } })
    navigate(`/${teamName}/channels/town-square`)
  } catch (e) { showToast(errMessage(e)) }
}

/** "Members": everyone in the channel, with Remove for those who may manage it. */
export function MembersModal() {
  const channelId = useStore((s) => s.currentChannelId!)
  const ch = useStore((s) => s.channels[channelId])
  const me = useStore((s) => s.me!)
  const [users, setUsers] = useState<UserProfile[] | null>(null)
  const [roles, setRoles] = useState<Record<string, ChannelMembership>>({})
  const [q, setQ] = useState('')
  const [err, setErr] = useState('')
  const [tick, setTick] = useState(0)
  useEffect(() => {
    Promise.all([client.getProfilesInChannel(channelId, 0, 200), client.getChannelMembers(channelId, 0, 200)])
      .then(([u, m]) => {
        setUsers(u)
        setRoles(Object.fromEntries(m.map((x) => [x.user_id, x])))
        setState((s) => ({ users: upsert(s.users, u) }))
      })
      .catch((e) => setErr(errMessage(e)))
  }, [channelId, tick])
  if (!ch) return null
  const manage = canManage(channelId) && !ch.delete_at
  const shown = (users || []).filter((u) => !q || [u.username, u.first_name, u.last_name, u.nickname].join(' ').toLowerCase().includes(q.toLowerCase()))
    .sort((a, b) => a.username.localeCompare(b.username))
  async function remove(u: UserProfile) {
    setErr('')
    try { await client.removeFromChannel(u.id, channelId); setTick((t) => t + 1) } catch (e) { setErr(errMessage(e)) }
  }
  return <Modal title={`${channelTitle(ch)} members`} wide>
    <div className="browse-filter">
      <input type="search" placeholder="Search members" aria-label="Search members" value={q} onChange={(e) => setQ(e.target.value)} />
      {!ch.delete_at && ch.type !== 'D' && ch.type !== 'G' && <button className="primary" onClick={() => openModal('addMembers')}>Add members</button>}
    </div>
    {err && <p className="error" role="alert">{err}</p>}
    {users === null ? <p>Loading…</p> : <ul className="member-list" aria-label="Members">
      {shown.map((u) => {
        const admin = roles[u.id]?.scheme_admin || (roles[u.id]?.roles || '').includes('channel_admin')
        return <li key={u.id} data-username={u.username}>
          <Avatar userId={u.id} size={32} />
          <span className="grow"><b>@{u.username}</b>{u.id === me.id ? ' (you)' : ''} <small>{[u.first_name, u.last_name].filter(Boolean).join(' ')}{u.nickname ? ` (${u.nickname})` : ''}</small></span>
          {admin && <span className="role-tag">Channel admin</span>}
          {manage && u.id !== me.id && ch.name !== 'town-square' && <button onClick={() => remove(u)} aria-label={`Remove @${u.username} from the channel`}>Remove</button>}
        </li>
      })}
      {shown.length === 0 && <li>No members match.</li>}
    </ul>}
  </Modal>
}

/** "Add members": people of the team who are not in the channel yet. */
export function AddMembersModal() {
  const channelId = useStore((s) => s.currentChannelId!)
  const teamId = useStore((s) => s.currentTeamId!)
  const ch = useStore((s) => s.channels[channelId])
  const [q, setQ] = useState('')
  const [found, setFound] = useState<UserProfile[]>([])
  const [picked, setPicked] = useState<UserProfile[]>([])
  const [err, setErr] = useState('')
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    const t = setTimeout(() => {
      client.getProfilesNotInChannel(teamId, channelId, false, 0, 100).then((all) => {
        const term = q.trim().toLowerCase().replace(/^@/, '')
        setFound(all.filter((u) => !u.delete_at && (!term || [u.username, u.first_name, u.last_name, u.nickname].join(' ').toLowerCase().includes(term))))
      }).catch((e) => setErr(errMessage(e)))
    }, 150)
    return () => clearTimeout(t)
  }, [q, teamId, channelId])
  if (!ch) return null
  async function add() {
    setErr(''); setBusy(true)
    try {
      for (const u of picked) await client.addToChannel(u.id, channelId)
      close()
      showToast(`${picked.map((u) => '@' + u.username).join(', ')} added to ${channelTitle(ch)}.`)
    } catch (e) { setErr(errMessage(e)) } finally { setBusy(false) }
  }
  return <Modal title={`Add people to ${channelTitle(ch)}`}>
    <input type="search" placeholder="Search for people" aria-label="Search for people" value={q} onChange={(e) => setQ(e.target.value)} />
    {picked.length > 0 && <p className="chips">{picked.map((u) => <button key={u.id} className="chip" onClick={() => setPicked(picked.filter((x) => x.id !== u.id))} aria-label={`Remove ${u.username}`}>@{u.username} ✕</button>)}</p>}
    <ul className="pick-list" aria-label="People">
      {found.filter((u) => !picked.some((p) => p.id === u.id)).slice(0, 20).map((u) => <li key={u.id}><button className="plain" onClick={() => setPicked([...picked, u])}>
        @{u.username} <small>{[u.first_name, u.last_name].filter(Boolean).join(' ')}</small></button></li>)}
      {found.length === 0 && <li>Everyone in the team is already here.</li>}
    </ul>
    {err && <p className="error" role="alert">{err}</p>}
    <div className="dialog-buttons">
      <button onClick={close}>Cancel</button>
      <button className="primary" disabled={!picked.length || busy} onClick={add}>Add</button>
    </div>
  </Modal>
}

/** Rename (display name and URL), or edit the header or the purpose. */
export function EditChannelModal({ what }: { what: 'rename' | 'header' | 'purpose' }) {
  const channelId = useStore((s) => s.currentChannelId!)
  const ch = useStore((s) => s.channels[channelId])
  const teams = useStore((s) => s.teams)
  const [display, setDisplay] = useState(ch?.display_name || '')
  const [name, setName] = useState(ch?.name || '')
  const [text, setText] = useState((what === 'header' ? ch?.header : ch?.purpose) || '')
  const [err, setErr] = useState('')
  if (!ch) return null
  const teamName = teams[ch.team_id]?.name || ''
  async function submit(e: FormEvent) {
    e.preventDefault(); setErr('')
    const patch = what === 'rename' ? { display_name: display.trim(), name: ch.name === 'town-square' ? undefined : name.trim() }
      : what === 'header' ? { header: text } : { purpose: text }
    try {
      const up = await client.patchChannel(channelId, patch as any) as Ch
      putChannel(up)
      close()
      if (up.name !== ch.name && teamName) {
        localStorage.setItem(`parley.lastChannel.${teamName}`, up.name)
        navigate(`/${teamName}/channels/${up.name}`, true)
      }
    } catch (x) { setErr(errMessage(x)) }
  }
  const title = what === 'rename' ? 'Rename channel' : what === 'header' ? `Edit header for ${channelTitle(ch)}` : `Edit purpose for ${channelTitle(ch)}`
  return <Modal title={title}>
    <form onSubmit={submit}>
      {what === 'rename' ? <>
        <label>Display name<input value={display} onChange={(e) => setDisplay(e.target.value)} required maxLength={64} /></label>
        <label>URL<input value={name} disabled={ch.name === 'town-square'} onChange={(e) => setName(e.target.value.toLowerCase().replace(/[^a-z0-9_-]/g, '-'))} required maxLength={64} /></label>
        <p className="hint">/{teamName}/channels/{name}</p>
      </> : <label>{what === 'header' ? 'Header' : 'Purpose'}
        <textarea value={text} onChange={(e) => setText(e.target.value)} rows={3} maxLength={what === 'header' ? 1024 : 250} />
      </label>}
      {what === 'header' && <p className="hint">The header is shown next to the channel name; Markdown links work.</p>}
      {err && <p className="error" role="alert">{err}</p>}
      <div className="dialog-buttons">
        <button type="button" onClick={close}>Cancel</button>
        <button className="primary">Save</button>
      </div>
    </form>
  </Modal>
}

const CHANNEL_NOTIFY = [
  ['desktop', 'Desktop notifications', [['default', 'Use my account setting'], ['all', 'All new messages'], ['mention', 'Mentions'], ['none', 'Nothing']]],
  ['push', 'Mobile push notifications', [['default', 'Use my account setting'], ['all', 'All new messages'], ['mention', 'Mentions'], ['none', 'Nothing']]],
  ['email', 'Email notifications', [['default', 'Use my account setting'], ['true', 'On'], ['false', 'Off']]],
  ['ignore_channel_mentions', 'Ignore @channel, @here and @all', [['default', 'Use my account setting'], ['on', 'Yes'], ['off', 'No']]],
  ['mark_unread', 'Mark the channel unread for', [['all', 'All new messages'], ['mention', 'Only mentions (muted)']]],
] as const

/** "Notification preferences" of one channel: the member's notify_props (PUT …/members/{user_id}/notify_props). */
export function ChannelNotifyModal() {
  const channelId = useStore((s) => s.currentChannelId!)
  const ch = useStore((s) => s.channels[channelId])
  const m = useStore((s) => s.members[channelId])
  const [err, setErr] = useState('')
  if (!ch || !m) return null
  const np = (m.notify_props || {}) as Record<string, string>
  async function set(key: string, value: string) {
    setErr('')
    const put = (v: string) => setState((s) => ({ members: { ...s.members, [channelId]: { ...s.members[channelId], notify_props: { ...s.members[channelId].notify_props, [key]: v } } as any } }))
    const before = np[key]
    put(value) // shown at once; put back if the server refuses
    try {
      await client.updateChannelNotifyProps({ channel_id: channelId, user_id: getState().me!.id, [key]: value } as any)
    } catch (e) { put(before); setErr(errMessage(e)) }
  }
  return <Modal title={`Notification preferences for ${channelTitle(ch)}`}>
    {CHANNEL_NOTIFY.map(([key, legend, opts]) => <fieldset key={key} className="radios"><legend>{legend}</legend>
      {opts.map(([v, l]) => <label key={v} className="check"><input type="radio" name={`cn-${key}`} checked={(np[key] || (key === 'mark_unread' ? 'all' : 'default')) === v} onChange={() => set(key, v)} /> {l}</label>)}
    </fieldset>)}
    {err && <p className="error" role="alert">{err}</p>}
    <div className="dialog-buttons"><button className="primary" onClick={close}>Done</button></div>
  </Modal>
}
