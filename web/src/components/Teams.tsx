import { useEffect, useState, type FormEvent } from 'react'
import type { Team } from '@mattermost/types/teams'
import { client, errMessage } from '../api'
import { createTeam, joinTeam, logout, isAdmin } from '../actions'
import { navigate } from '../router'
import { useStore } from '../store'

export function slugify(s: string): string {
  return s.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64)
}

export function SelectTeam() {
  const me = useStore((s) => s.me)
  const myTeamIds = useStore((s) => s.myTeamIds)
  const [teams, setTeams] = useState<Team[] | null>(null)
  const [err, setErr] = useState('')
  useEffect(() => {
    client.getTeams(0, 200).then((t) => setTeams((Array.isArray(t) ? t : t.teams).filter((x) => !myTeamIds.includes(x.id)))).catch((e) => setErr(errMessage(e)))
  }, [myTeamIds])
  const admin = isAdmin(me)
  if (teams && !teams.length && !myTeamIds.length && admin) return <CreateTeam first />
  return <main className="auth wide">
    <h1>Teams</h1>
    <p>Signed in as <b>@{me?.username}</b>. <button className="link" onClick={logout}>Log out</button></p>
    {err && <p className="error" role="alert">{err}</p>}
    <h2>Teams you can join</h2>
    {teams === null ? <p>Loading…</p> : teams.length === 0 ? <p>No other teams are open to join. Ask an admin for an invitation.</p> :
      <ul className="team-list">{teams.map((t) => <li key={t.id}>
        <span className="team-icon" aria-hidden="true">{t.display_name.slice(0, 2)}</span>
        <span className="grow"><b>{t.display_name}</b>{t.description && <small>{t.description}</small>}</span>
        <button className="primary" onClick={async () => { try { await joinTeam(t.id); navigate(`/${t.name}`) } catch (e) { setErr(errMessage(e)) } }}>Join</button>
      </li>)}</ul>}
    <p><button onClick={() => navigate('/create_team')}>Create a team</button>
      {myTeamIds.length > 0 && <button className="link" onClick={() => navigate('/')}>Back</button>}</p>
  </main>
}

export function CreateTeam({ first }: { first?: boolean }) {
  const [name, setName] = useState('')
  const [open, setOpen] = useState(true)
  const [err, setErr] = useState('')
  const [busy, setBusy] = useState(false)
  async function submit(e: FormEvent) {
    e.preventDefault()
    setErr(''); setBusy(true)
    try {
      const t = await createTeam(name.trim(), slugify(name) || 'team', open)
      navigate(`/${t.name}/channels/town-square`)
    } catch (x) { setErr(errMessage(x)) } finally { setBusy(false) }
  }
  return <main className="auth">
    <form onSubmit={submit} aria-label="Create a team">
      <h2>{first ? 'Create your first team' : 'Create a team'}</h2>
      {first && <p className="notice">Welcome! You are the system admin. A team holds channels; everyone joins one to chat.</p>}
      <label>Team name<input name="team_name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={64} autoFocus /></label>
      {name && <p className="hint">Address: /{slugify(name)}</p>}
      <label className="check"><input type="checkbox" checked={open} onChange={(e) => setOpen(e.target.checked)} /> Anyone on this server can join</label>
      {err && <p className="error" role="alert">{err}</p>}
      <button className="primary" disabled={busy}>Create team</button>
      {!first && <button type="button" className="link" onClick={() => history.back()}>Cancel</button>}
    </form>
  </main>
}
