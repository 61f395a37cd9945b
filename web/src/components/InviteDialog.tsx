// "Invite people": email invitations to the team (POST
// /teams/{id}/invite/email?graceful=true), with each address's result.
import { useEffect, useState, type FormEvent } from 'react'
import type { Team } from '@mattermost/types/teams'
import { client, errMessage } from '../api'
import { rawFetch } from '../actions'
import { useStore } from '../store'
import { Modal } from './Modals'

type Result = { email: string; error: { message: string; id: string } | null }

/** Splits what was typed or pasted into addresses: commas, semicolons, spaces, lines. */
export function splitAddresses(s: string): string[] {
  return [...new Set(s.split(/[\s,;]+/).map((a) => a.trim()).filter(Boolean))]
}

/**
 * Whether the member may invite by mail to the team: invitations on, and
 * both permissions the server asks for (invite_user, add_user_to_team) in
 * one of their roles there.
 */
export function useCanInvite(team: Team): boolean {
  const on = useStore((s) => s.config.EnableEmailInvitations === 'true')
  const me = useStore((s) => s.me)
  const [can, setCan] = useState(false)
  useEffect(() => {
    setCan(false)
    if (!on || !me) return
    let live = true
    ;(async () => {
      const member = await client.getTeamMember(team.id, me.id)
      const roles = await client.getRolesByNames([...me.roles.split(' '), ...member.roles.split(' ')].filter(Boolean))
      const perms = new Set(roles.flatMap((r) => r.permissions))
      if (live) setCan(perms.has('invite_user') && perms.has('add_user_to_team'))
    })().catch(() => { if (live) setCan(false) })
    return () => { live = false }
  }, [on, me, team.id])
  return can
}

export function InviteDialog({ team }: { team: Team }) {
  const [text, setText] = useState('')
  const [results, setResults] = useState<Result[]>()
  const [err, setErr] = useState('')
  const [busy, setBusy] = useState(false)
  const send = async (e: FormEvent) => {
    e.preventDefault()
    const emails = splitAddresses(text)
    setErr(''); setResults(undefined)
    if (!emails.length) { setErr('Enter at least one email address.'); return }
    setBusy(true)
    try {
      const r = await rawFetch(`${client.getTeamRoute(team.id)}/invite/email?graceful=true`, { method: 'post', body: JSON.stringify(emails) }) as Result[]
      setResults(r)
      // What failed stays in the box to be corrected; what was sent leaves it.
      setText(r.filter((x) => x.error).map((x) => x.email).join('\n'))
    } catch (e) { setErr(errMessage(e)) } finally { setBusy(false) }
  }
  const sent = results?.filter((r) => !r.error).length || 0
  return <Modal title={`Invite people to ${team.display_name}`}>
    <form onSubmit={send} aria-label="Invite by email">
      <label>Email addresses (separated by commas, spaces or lines)
        <textarea value={text} onChange={(e) => setText(e.target.value)} rows={4} placeholder="ann@example.com, bob@example.com" /></label>
      <button disabled={busy}>{busy ? 'Sending…' : 'Send invitations'}</button>
    </form>
    {err && <p className="error" role="alert">{err}</p>}
    {results && <div role="status">
      <p>{sent === results.length ? `${sent} invitation${sent === 1 ? '' : 's'} sent.` : `${sent} of ${results.length} invitations sent.`}</p>
      <ul className="invite-results" aria-label="Invitation results">
        {results.map((r) => <li key={r.email} className={r.error ? 'error' : 'ok'}>
          {r.error ? '✗' : '✓'} {r.email}{r.error ? `: ${r.error.message}` : ': sent'}</li>)}
      </ul>
    </div>}
  </Modal>
}
