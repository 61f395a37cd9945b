import { useEffect, useRef, useState, type FormEvent } from 'react'
import { acceptPendingInvite, login, pendingInvite, signup } from '../actions'
import { errMessage } from '../api'
import { navigate } from '../router'
import { setState, useStore } from '../store'
import { loginFieldLabel } from '../lib/sso'
import { SsoButtons } from './SsoButtons'

function Brand() {
  const site = useStore((s) => s.config.SiteName) || 'Parley'
  return <div className="brand"><span className="logo" aria-hidden="true">💬</span><h1>{site}</h1></div>
}

export function Login() {
  const noAccounts = useStore((s) => s.config.NoAccounts === 'true')
  const forgotLink = useStore((s) => s.config.PasswordEnableForgotLink === 'true')
  const idLabel = useStore((s) => loginFieldLabel(s.config))
  const [id, setId] = useState('')
  const [pw, setPw] = useState('')
  const [err, setErr] = useState('')
  const [busy, setBusy] = useState(false)
  async function submit(e: FormEvent) {
    e.preventDefault()
    setErr(''); setBusy(true); setState({ toast: undefined })
    const inv = pendingInvite()
    // Back to the invitation once logged in, where the team is joined.
    if (inv.token || inv.inviteId) sessionStorage.setItem('parley.redirect', '/signup_user_complete/' + location.search)
    try { await login(id.trim(), pw) } catch (x) { setErr(errMessage(x)) } finally { setBusy(false) }
  }
  return <main className="auth">
    <Brand />
    {noAccounts && <p className="notice">This server has no accounts yet. <a href="/signup_user_complete" onClick={(e) => { e.preventDefault(); navigate('/signup_user_complete') }}>Create the first one</a>: it becomes the system admin.</p>}
    <form onSubmit={submit} aria-label="Log in">
      <h2>Log in</h2>
      <label>{idLabel}<input name="login_id" autoComplete="username" value={id} onChange={(e) => setId(e.target.value)} required autoFocus /></label>
      <label>Password<input name="password" type="password" autoComplete="current-password" value={pw} onChange={(e) => setPw(e.target.value)} required /></label>
      {err && <p className="error" role="alert">{err}</p>}
      <button className="primary" disabled={busy}>{busy ? 'Logging in…' : 'Log in'}</button>
      {forgotLink && <p className="alt"><a href="/reset_password" onClick={(e) => { e.preventDefault(); navigate('/reset_password') }}>Forgot password?</a></p>}
      <p className="alt">No account? <a href="/signup_user_complete" onClick={(e) => { e.preventDefault(); navigate('/signup_user_complete' + location.search) }}>Create one</a></p>
      <SsoButtons />
    </form>
  </main>
}

export function Signup() {
  const noAccounts = useStore((s) => s.config.NoAccounts === 'true')
  const invite = pendingInvite()
  const [email, setEmail] = useState(invite.email)
  const [username, setUsername] = useState('')
  const [pw, setPw] = useState('')
  const [err, setErr] = useState('')
  const [busy, setBusy] = useState(false)
  async function submit(e: FormEvent) {
    e.preventDefault()
    setErr(''); setBusy(true)
    try { await signup(username.trim().toLowerCase(), email.trim(), pw) } catch (x) { setErr(errMessage(x)) } finally { setBusy(false) }
  }
  return <main className="auth">
    <Brand />
    <form onSubmit={submit} aria-label="Create account">
      <h2>Create your account</h2>
      {noAccounts && <p className="notice">You are the first: this account will administer the server.</p>}
      {invite.token && <p className="notice">You were invited to a team: your account joins it.</p>}
      <label>Email<input name="email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} readOnly={!!invite.token && !!invite.email} required autoFocus /></label>
      <label>Username<input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required pattern="[A-Za-z][A-Za-z0-9._\-]{2,21}" title="3–22 characters: letters, digits, . _ -, starting with a letter" /></label>
      <label>Password<input name="password" type="password" autoComplete="new-password" value={pw} onChange={(e) => setPw(e.target.value)} required minLength={5} /></label>
      {err && <p className="error" role="alert">{err}</p>}
      <button className="primary" disabled={busy}>{busy ? 'Creating…' : 'Create account'}</button>
      <p className="alt">Already have one? <a href="/login" onClick={(e) => { e.preventDefault(); navigate('/login' + location.search) }}>Log in</a></p>
    </form>
  </main>
}

/** A logged-in member followed an invitation link. */
export function AcceptInvite() {
  const started = useRef(false)
  useEffect(() => {
    if (started.current) return
    started.current = true
    acceptPendingInvite()
  }, [])
  return <div className="splash" aria-busy="true">Joining the team…</div>
}
