import { useEffect, useState, type FormEvent } from 'react'
import { client, errMessage } from '../api'
import { navigate } from '../router'
import { useStore } from '../store'

function Brand() {
  const site = useStore((s) => s.config.SiteName) || 'Parley'
  return <div className="brand"><span className="logo" aria-hidden="true">💬</span><h1>{site}</h1></div>
}

function ToLogin({ text = 'Back to log in' }: { text?: string }) {
  return <p className="alt"><a href="/login" onClick={(e) => { e.preventDefault(); navigate('/login') }}>{text}</a></p>
}

// ForgotPassword asks for the address a reset link goes to. The server answers
// alike whether or not the address has an account, and so does this page.
export function ForgotPassword() {
  const [email, setEmail] = useState('')
  const [sent, setSent] = useState(false)
  const [err, setErr] = useState('')
  const [busy, setBusy] = useState(false)
  async function submit(e: FormEvent) {
    e.preventDefault()
    setErr(''); setBusy(true)
    try { await client.sendPasswordResetEmail(email.trim()); setSent(true) } catch (x) { setErr(errMessage(x)) } finally { setBusy(false) }
  }
  return <main className="auth">
    <Brand />
    <form onSubmit={submit} aria-label="Reset password">
      <h2>Reset your password</h2>
      {sent
        ? <p className="notice" role="status">If an account uses {email.trim()}, a mail with a reset link is on its way. The link works once, within 24 hours.</p>
        : <>
          <p>Enter the email address of your account; we will mail you a link to choose a new password.</p>
          <label>Email<input name="email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoFocus /></label>
          {err && <p className="error" role="alert">{err}</p>}
          <button className="primary" disabled={busy}>{busy ? 'Sending…' : 'Send reset link'}</button>
        </>}
      <ToLogin />
    </form>
  </main>
}

// ResetPasswordComplete is where the mailed link lands:
// /reset_password_complete?token=…, as Mattermost's.
export function ResetPasswordComplete() {
  const token = new URLSearchParams(location.search).get('token') || ''
  const [pw, setPw] = useState('')
  const [again, setAgain] = useState('')
  const [done, setDone] = useState(false)
  const [err, setErr] = useState('')
  const [busy, setBusy] = useState(false)
  async function submit(e: FormEvent) {
    e.preventDefault()
    if (pw !== again) { setErr('The two passwords differ.'); return }
    setErr(''); setBusy(true)
    try { await client.resetUserPassword(token, pw); setDone(true) } catch (x) { setErr(errMessage(x)) } finally { setBusy(false) }
  }
  return <main className="auth">
    <Brand />
    <form onSubmit={submit} aria-label="Choose a new password">
      <h2>Choose a new password</h2>
      {done
        ? <><p className="notice" role="status">Your password is changed, and every session of your account has ended. Log in with the new password.</p><ToLogin text="Log in" /></>
        : <>
          <label>New password<input name="new_password" type="password" autoComplete="new-password" value={pw} onChange={(e) => setPw(e.target.value)} required autoFocus /></label>
          <label>Repeat it<input name="confirm_password" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} required /></label>
          {err && <p className="error" role="alert">{err}</p>}
          <button className="primary" disabled={busy || !token}>{busy ? 'Saving…' : 'Change password'}</button>
          {!token && <p className="error" role="alert">This link has no token; ask for a new one.</p>}
          <ToLogin />
        </>}
    </form>
  </main>
}

// VerifyEmail is where the address verification mail lands:
// /do_verify_email?token=…&email=…, as Mattermost's. It confirms once, on load.
export function VerifyEmail() {
  const token = new URLSearchParams(location.search).get('token') || ''
  const [state, setState] = useState<'busy' | 'done' | string>('busy')
  useEffect(() => {
    client.verifyUserEmail(token).then(() => setState('done'), (x) => setState(errMessage(x)))
  }, [token])
  return <main className="auth">
    <Brand />
    <form aria-label="Verify email" onSubmit={(e) => e.preventDefault()}>
      <h2>Verify your email</h2>
      {state === 'busy' && <p aria-busy="true">Checking the link…</p>}
      {state === 'done' && <p className="notice" role="status">Your address is verified. You can log in now.</p>}
      {state !== 'busy' && state !== 'done' && <p className="error" role="alert">{state}</p>}
      <ToLogin text="Log in" />
    </form>
  </main>
}
