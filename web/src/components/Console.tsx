import { Fragment, useEffect, useState } from 'react'
import type { UserProfile } from '@mattermost/types/users'
import type { Team } from '@mattermost/types/teams'
import type { Channel } from '@mattermost/types/channels'
import { client, errMessage, errStatus } from '../api'
import { navigate } from '../router'
import { useStore } from '../store'
import { lastTeamPath } from './App'
import { confirmDialog } from './Confirm'
import { loadClientConfig, rawFetch } from '../actions'
import { CONSOLE_PAGES } from '../lib/consolepages'
import { ConsoleSettings } from './ConsoleSettings'

export function Console({ section }: { section: string }) {
  const link = (id: string, label: string) => <a href={`/admin_console/${id}`} aria-current={section === id ? 'page' : undefined}
    onClick={(e) => { e.preventDefault(); navigate(`/admin_console/${id}`) }}>{label}</a>
  return <div className="console">
    <nav className="console-nav" aria-label="System console">
      <h1>System console</h1>
      <span className="nav-group" aria-hidden="true">User management</span>
      {link('users', 'Users')}
      {link('teams', 'Teams')}
      {link('channels', 'Channels')}
      <span className="nav-group" aria-hidden="true">Settings</span>
      {CONSOLE_PAGES.map((p) => <Fragment key={p.id}>{link(p.id, p.title)}</Fragment>)}
      <button className="link" onClick={() => navigate(lastTeamPath())}>← Back to chat</button>
    </nav>
    <main className="console-main">
      {section === 'custom_terms_of_service' ? <><ConsoleSettings page={section} /><TermsEditor /></>
        : CONSOLE_PAGES.some((p) => p.id === section) ? <ConsoleSettings page={section} />
        : section === 'teams' ? <Teams /> : section === 'channels' ? <Channels /> : <Users />}
    </main>
  </div>
}

function useAct(): [string, string, number, (label: string, f: () => Promise<unknown>) => Promise<void>] {
  const [err, setErr] = useState('')
  const [msg, setMsg] = useState('')
  const [tick, setTick] = useState(0)
  async function act(label: string, f: () => Promise<unknown>) {
    setErr(''); setMsg('')
    try { await f(); setMsg(label); setTick((t) => t + 1) } catch (e) { setErr(errMessage(e)) }
  }
  return [msg, err, tick, act]
}

function Teams() {
  const [teams, setTeams] = useState<Team[] | null>(null)
  const [msg, err, tick, act] = useAct()
  useEffect(() => {
    client.getTeams(0, 200, false, false, false).then((t) => setTeams(Array.isArray(t) ? t : t.teams)).catch(() => setTeams([]))
  }, [tick])
  return <>
    <h2>Teams</h2>
    {msg && <p className="ok" role="status">{msg}</p>}
    {err && <p className="error" role="alert">{err}</p>}
    {teams === null ? <p>Loading…</p> : <table className="users-table">
      <thead><tr><th>Team</th><th>Address</th><th>Who can join</th><th><span className="sr-only">Actions</span></th></tr></thead>
      <tbody>{teams.map((t) => <tr key={t.id}>
        <td><b>{t.display_name}</b></td><td>/{t.name}</td><td>{t.allow_open_invite ? 'Anyone' : 'Invited people'}</td>
        <td><div className="actions">
          <button onClick={() => act(`${t.display_name}: ${t.allow_open_invite ? 'invite only' : 'open'}`, () => client.patchTeam({ id: t.id, allow_open_invite: !t.allow_open_invite } as any))}>{t.allow_open_invite ? 'Make invite-only' : 'Open to all'}</button>
          <button onClick={async () => { if (await confirmDialog({ title: 'Archive team', message: `Archive ${t.display_name}? Its members lose access to it.`, confirm: 'Archive', danger: true })) act(`${t.display_name} archived`, () => client.deleteTeam(t.id)) }}>Archive</button>
        </div></td>
      </tr>)}</tbody>
    </table>}
  </>
}

function Channels() {
  const ids = useStore((s) => s.myTeamIds)
  const teams = useStore((s) => s.teams)
  const myTeams = ids.map((id) => teams[id]).filter(Boolean)
  const [teamId, setTeamId] = useState(myTeams[0]?.id || '')
  const [chans, setChans] = useState<Channel[] | null>(null)
  const [msg, err, tick, act] = useAct()
  useEffect(() => {
    if (!teamId) return
    // Public, private (GET /teams/{id}/channels/private, for admins) and archived, each once.
    const priv = (rawFetch(`${client.getTeamRoute(teamId)}/channels/private?page=0&per_page=200`, { method: 'get' }) as Promise<Channel[]>).catch(() => [])
    Promise.all([client.getChannels(teamId, 0, 200), priv, client.getArchivedChannels(teamId, 0, 200).catch(() => [])])
      .then((lists) => setChans([...new Map(lists.flat().map((c) => [c.id, c])).values()].sort((a, b) => a.display_name.localeCompare(b.display_name))))
      .catch(() => setChans([]))
  }, [teamId, tick])
  return <>
    <h2>Channels</h2>
    <label>Team <select value={teamId} onChange={(e) => setTeamId(e.target.value)}>{myTeams.map((t) => <option key={t.id} value={t.id}>{t.display_name}</option>)}</select></label>
    {msg && <p className="ok" role="status">{msg}</p>}
    {err && <p className="error" role="alert">{err}</p>}
    {chans === null ? <p>Loading…</p> : <table className="users-table">
      <thead><tr><th>Channel</th><th>Type</th><th>Status</th><th><span className="sr-only">Actions</span></th></tr></thead>
      <tbody>{chans.map((c) => <tr key={c.id}>
        <td><b>{c.display_name}</b> <small>~{c.name}</small></td><td>{c.type === 'P' ? 'Private' : 'Public'}</td><td>{c.delete_at ? 'Archived' : 'Active'}</td>
        <td><div className="actions">{c.name !== 'town-square' && (c.delete_at
          ? <button onClick={() => act(`${c.display_name} restored`, () => client.unarchiveChannel(c.id))}>Restore</button>
          : <button onClick={() => act(`${c.display_name} archived`, () => client.deleteChannel(c.id))}>Archive</button>)}</div></td>
      </tr>)}</tbody>
    </table>}
  </>
}

function Users() {
  const me = useStore((s) => s.me!)
  const [q, setQ] = useState('')
  const [users, setUsers] = useState<UserProfile[] | null>(null)
  const [err, setErr] = useState('')
  const [msg, setMsg] = useState('')
  const [tick, setTick] = useState(0)
  useEffect(() => {
    const t = setTimeout(() => {
      const p = q.trim() ? client.searchUsers(q.trim(), { allow_inactive: true, limit: 100 }) : client.getProfiles(0, 200, { sort: '' })
      p.then(setUsers).catch((e) => setErr(errMessage(e)))
    }, 150)
    return () => clearTimeout(t)
  }, [q, tick])
  async function act(label: string, f: () => Promise<unknown>) {
    setErr(''); setMsg('')
    try { await f(); setMsg(label); setTick(tick + 1) } catch (e) { setErr(errMessage(e)) }
  }
  return <>
      <h2>Users</h2>
      <input type="search" placeholder="Search by username, name or email" aria-label="Search users" value={q} onChange={(e) => setQ(e.target.value)} />
      {msg && <p className="ok" role="status">{msg}</p>}
      {err && <p className="error" role="alert">{err}</p>}
      {users === null ? <p>Loading…</p> : <table className="users-table">
        <thead><tr><th>User</th><th>Email</th><th>Role</th><th>Status</th><th><span className="sr-only">Actions</span></th></tr></thead>
        <tbody>{users.map((u) => {
          const admin = u.roles.includes('system_admin')
          const active = !u.delete_at
          return <tr key={u.id} data-username={u.username}>
            <td><b>@{u.username}</b> <small>{[u.first_name, u.last_name].filter(Boolean).join(' ')}</small></td>
            <td>{u.email}</td>
            <td>{admin ? 'System admin' : 'Member'}</td>
            <td>{active ? 'Active' : 'Deactivated'}</td>
            <td>{u.id !== me.id && <div className="actions">
              {active ? <button onClick={() => act(`@${u.username} deactivated`, () => client.updateUserActive(u.id, false))}>Deactivate</button>
                : <button onClick={() => act(`@${u.username} activated`, () => client.updateUserActive(u.id, true))}>Activate</button>}
              {admin ? <button onClick={() => act(`@${u.username} is a member`, () => client.updateUserRoles(u.id, 'system_user'))}>Remove admin</button>
                : <button onClick={() => act(`@${u.username} is an admin`, () => client.updateUserRoles(u.id, 'system_user system_admin'))}>Make admin</button>}
              <button onClick={() => act(`Sessions of @${u.username} revoked`, () => client.revokeAllSessionsForUser(u.id))}>Revoke sessions</button>
            </div>}</td>
          </tr>
        })}</tbody>
      </table>}
  </>
}

// The text of the custom terms of service: each publish is a new version
// (POST /api/v4/terms_of_service) that every user must accept again, so it
// is saved apart from the settings above, on purpose.
function TermsEditor() {
  const [text, setText] = useState<string | null>(null)
  const [published, setPublished] = useState('')
  const [loadErr, setLoadErr] = useState('')
  const [msg, err, , act] = useAct()
  useEffect(() => {
    // 404: nothing published yet.
    client.getTermsOfService().then((t) => { setText(t.text); setPublished(t.text) })
      .catch((e) => { setText(''); if (errStatus(e) !== 404) setLoadErr(errMessage(e)) })
  }, [])
  return <form aria-label="Terms of service text" className="terms-editor" onSubmit={(e) => {
    e.preventDefault()
    act('New version of the terms of service published.', async () => {
      const t = await client.createTermsOfService(text || '')
      setPublished(t.text)
      await loadClientConfig()
    })
  }}>
    <h3>Terms of service text</h3>
    {text === null ? <p>Loading…</p> : <>
      <label htmlFor="terms-text" className="setting-label">Text (Markdown)</label>
      <textarea id="terms-text" rows={14} value={text} onChange={(e) => setText(e.target.value)} aria-describedby="terms-text-help" />
      <small className="hint" id="terms-text-help">{published ? 'Publishing a changed text makes a new version, which every user must accept again.' : 'No terms of service are published yet.'}</small>
      {(err || loadErr) && <p className="error" role="alert">{err || loadErr}</p>}
      <div className="save-bar">
        <button className="primary" disabled={!text?.trim() || text === published}>Publish</button>
        {msg && <span className="ok" role="status">{msg}</span>}
      </div>
    </>}
  </form>
}
