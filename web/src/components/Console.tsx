import { useEffect, useState } from 'react'
import type { UserProfile } from '@mattermost/types/users'
import { client, errMessage } from '../api'
import { navigate } from '../router'
import { useStore } from '../store'
import { lastTeamPath } from './App'

export function Console({ section }: { section: string }) {
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
  return <div className="console">
    <nav className="console-nav" aria-label="System console">
      <h1>System console</h1>
      <a href="/admin_console/users" aria-current={section === 'users' ? 'page' : undefined} onClick={(e) => { e.preventDefault(); navigate('/admin_console/users') }}>Users</a>
      <button className="link" onClick={() => navigate(lastTeamPath())}>← Back to chat</button>
    </nav>
    <main className="console-main">
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
    </main>
  </div>
}
