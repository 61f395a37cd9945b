import { useState, type FormEvent } from 'react'
import { client, errMessage } from '../api'
import { getState, setState, useStore, type State } from '../store'
import { Modal } from './Modals'
import { CrtSetting } from './ThreadsView'

export function Settings() {
  const me = useStore((s) => s.me!)
  const theme = useStore((s) => s.theme)
  const [first, setFirst] = useState(me.first_name || '')
  const [last, setLast] = useState(me.last_name || '')
  const [nick, setNick] = useState(me.nickname || '')
  const [cur, setCur] = useState('')
  const [pw, setPw] = useState('')
  const [msg, setMsg] = useState('')
  const [err, setErr] = useState('')
  const [perm, setPerm] = useState(typeof Notification !== 'undefined' ? Notification.permission : 'denied')
  async function saveProfile(e: FormEvent) {
    e.preventDefault(); setErr(''); setMsg('')
    try {
      const u = await client.patchMe({ first_name: first, last_name: last, nickname: nick })
      setState((s) => ({ me: u, users: { ...s.users, [u.id]: u } }))
      setMsg('Profile saved.')
    } catch (x) { setErr(errMessage(x)) }
  }
  async function savePw(e: FormEvent) {
    e.preventDefault(); setErr(''); setMsg('')
    try { await client.updateUserPassword(getState().me!.id, cur, pw); setCur(''); setPw(''); setMsg('Password changed.') } catch (x) { setErr(errMessage(x)) }
  }
  async function saveDesktop(v: string) {
    setErr('')
    try {
      const u = await client.patchMe({ notify_props: { ...me.notify_props, desktop: v } as any })
      setState((s) => ({ me: u, users: { ...s.users, [u.id]: u } }))
    } catch (x) { setErr(errMessage(x)) }
  }
  const setTheme = (t: State['theme']) => { localStorage.setItem('parley.theme', t); setState({ theme: t }) }
  return <Modal title="Account settings" wide>
    <form onSubmit={saveProfile} aria-label="Profile">
      <h3>Profile</h3>
      <div className="row2">
        <label>First name<input value={first} onChange={(e) => setFirst(e.target.value)} maxLength={64} /></label>
        <label>Last name<input value={last} onChange={(e) => setLast(e.target.value)} maxLength={64} /></label>
      </div>
      <label>Nickname<input value={nick} onChange={(e) => setNick(e.target.value)} maxLength={64} /></label>
      <button className="primary">Save profile</button>
    </form>
    <form onSubmit={savePw} aria-label="Password">
      <h3>Password</h3>
      <div className="row2">
        <label>Current password<input type="password" autoComplete="current-password" value={cur} onChange={(e) => setCur(e.target.value)} required /></label>
        <label>New password<input type="password" autoComplete="new-password" value={pw} onChange={(e) => setPw(e.target.value)} required minLength={5} /></label>
      </div>
      <button>Change password</button>
    </form>
    <fieldset className="radios"><legend>Theme</legend>
      {(['system', 'light', 'dark'] as const).map((t) => <label key={t} className="check"><input type="radio" name="theme" checked={theme === t} onChange={() => setTheme(t)} /> {t === 'system' ? 'Follow the system' : t === 'light' ? 'Light' : 'Dark'}</label>)}
    </fieldset>
    <CrtSetting />
    <h3>Notifications</h3>
    <fieldset className="radios"><legend>Desktop notifications for</legend>
      {([['all', 'All new messages'], ['mention', 'Mentions and direct messages'], ['none', 'Nothing']] as const).map(([v, l]) =>
        <label key={v} className="check"><input type="radio" name="desktop" checked={(me.notify_props?.desktop || 'mention') === v} onChange={() => saveDesktop(v)} /> {l}</label>)}
    </fieldset>
    {perm === 'granted' ? <p>Desktop notifications are on for mentions and direct messages.</p>
      : perm === 'denied' ? <p>Desktop notifications are blocked in this browser.</p>
        : <button onClick={() => Notification.requestPermission().then(setPerm)}>Turn on desktop notifications</button>}
    {msg && <p className="ok" role="status">{msg}</p>}
    {err && <p className="error" role="alert">{err}</p>}
  </Modal>
}
