// User groups (Mattermost's custom groups): the list, a new group (POST
// /groups), and a group's members, added by username or removed; @name of a
// group mentions its members in a channel.
import { useEffect, useState, type FormEvent } from 'react'
import type { Group } from '@mattermost/types/groups'
import type { UserProfile } from '@mattermost/types/users'
import { client, errMessage } from '../api'
import { loadMyGroups, rawFetch } from '../actions'
import { Modal } from './Modals'
import { confirmDialog } from './Confirm'

/** A group name from a display name, as Mattermost's webapp suggests one. */
export function groupNameFrom(display: string): string {
  return display.trim().toLowerCase().replace(/\s+/g, '-').replace(/[^a-z0-9._-]/g, '').slice(0, 64)
}

export function UserGroups() {
  const [list, setList] = useState<Group[] | null>(null)
  const [open, setOpen] = useState<Group | null>(null)
  const [display, setDisplay] = useState('')
  const [name, setName] = useState('')
  const [err, setErr] = useState('')
  const [msg, setMsg] = useState('')
  const [tick, setTick] = useState(0)
  useEffect(() => {
    client.getGroups({ filter_allow_reference: true, include_member_count: true, per_page: 200 }).then(setList, (e) => setErr(errMessage(e)))
  }, [tick])
  async function create(e: FormEvent) {
    e.preventDefault(); setErr(''); setMsg('')
    const n = name.trim() || groupNameFrom(display)
    try {
      const g = await client.createGroupWithUserIds({ name: n, display_name: display.trim(), source: 'custom', allow_reference: true, user_ids: [] } as any)
      setDisplay(''); setName('')
      setMsg(`@${g.name} created.`)
      setTick((t) => t + 1)
      setOpen(g)
    } catch (x) { setErr(errMessage(x)) }
  }
  if (open) return <GroupMembers group={open} onBack={() => { setOpen(null); setTick((t) => t + 1) }} />
  return <Modal title="User groups" wide>
    <form onSubmit={create} aria-label="Create a group" className="emoji-add">
      <label>Display name<input value={display} onChange={(e) => setDisplay(e.target.value)} placeholder="Support team" maxLength={128} required /></label>
      <label>Mention name<input value={name} onChange={(e) => setName(e.target.value.toLowerCase())} placeholder={groupNameFrom(display) || 'support-team'} maxLength={64} /></label>
      <button className="primary">Create group</button>
    </form>
    {msg && <p className="ok" role="status">{msg}</p>}
    {err && <p className="error" role="alert">{err}</p>}
    {list === null ? <p>Loading…</p> : <table className="users-table">
      <thead><tr><th>Group</th><th>Mention</th><th>Members</th><th><span className="sr-only">Actions</span></th></tr></thead>
      <tbody>{list.map((g) => <tr key={g.id} data-group={g.name}>
        <td>{g.display_name}</td>
        <td>@{g.name}</td>
        <td>{g.member_count ?? 0}</td>
        <td><button onClick={() => setOpen(g)} aria-label={`Members of @${g.name}`}>Members</button></td>
      </tr>)}
        {list.length === 0 && <tr><td colSpan={4}>No user groups yet.</td></tr>}
      </tbody>
    </table>}
  </Modal>
}

function GroupMembers({ group, onBack }: { group: Group; onBack: () => void }) {
  const [members, setMembers] = useState<UserProfile[] | null>(null)
  const [username, setUsername] = useState('')
  const [err, setErr] = useState('')
  const [tick, setTick] = useState(0)
  useEffect(() => {
    rawFetch(`${client.getBaseRoute()}/groups/${group.id}/members?per_page=200`, { method: 'get' })
      .then((r) => setMembers((r as { members: UserProfile[] }).members), (e) => setErr(errMessage(e)))
  }, [group.id, tick])
  async function add(e: FormEvent) {
    e.preventDefault(); setErr('')
    try {
      const u = await client.getUserByUsername(username.trim().replace(/^@/, '').toLowerCase())
      await client.addUsersToGroup(group.id, [u.id])
      setUsername('')
      setTick((t) => t + 1)
      loadMyGroups()
    } catch (x) { setErr(errMessage(x)) }
  }
  async function remove(u: UserProfile) {
    setErr('')
    try { await client.removeUsersFromGroup(group.id, [u.id]); setTick((t) => t + 1); loadMyGroups() } catch (x) { setErr(errMessage(x)) }
  }
  async function archive() {
    if (!await confirmDialog({ title: 'Archive group', message: `Archive @${group.name}? It no longer mentions anyone.`, confirm: 'Archive', danger: true })) return
    try { await client.archiveGroup(group.id); loadMyGroups(); onBack() } catch (x) { setErr(errMessage(x)) }
  }
  return <Modal title={`@${group.name} members`} wide>
    <p><button onClick={onBack}>← All groups</button> {group.display_name}</p>
    <form onSubmit={add} aria-label="Add a member" className="emoji-add">
      <label>Username<input value={username} onChange={(e) => setUsername(e.target.value)} placeholder="alice" required /></label>
      <span />
      <button className="primary">Add member</button>
    </form>
    {err && <p className="error" role="alert">{err}</p>}
    {members === null ? <p>Loading…</p> : <table className="users-table">
      <thead><tr><th>Member</th><th><span className="sr-only">Actions</span></th></tr></thead>
      <tbody>{members.map((u) => <tr key={u.id} data-member={u.username}>
        <td>@{u.username}</td>
        <td><button onClick={() => remove(u)} aria-label={`Remove @${u.username}`}>Remove</button></td>
      </tr>)}
        {members.length === 0 && <tr><td colSpan={2}>No members yet.</td></tr>}
      </tbody>
    </table>}
    <p><button className="danger" onClick={archive}>Archive group</button></p>
  </Modal>
}
