// Account settings, in Mattermost's sections: Profile, Security,
// Notifications, Display and Sidebar. Loaded on first use (lazy in Modals).
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react'
import type { UserProfile } from '@mattermost/types/users'
import { client, errMessage } from '../api'
import { getState, setState, useStore, type State } from '../store'
import { rawFetch, patchMe } from '../actions'
import { PREF, prefValue, type PrefKey } from '../lib/prefs'
import { Modal } from './Modals'
import { Avatar } from './Avatar'
import { CrtSetting } from './ThreadsView'
import { disableWebPush, enableWebPush, webPushActive } from '../lib/webpush'

const TABS = [['profile', 'Profile'], ['security', 'Security'], ['notifications', 'Notifications'], ['display', 'Display'], ['sidebar', 'Sidebar']] as const
type Tab = typeof TABS[number][0]

function putMe(u: UserProfile) {
  setState((s) => ({ me: u, users: { ...s.users, [u.id]: u } }))
}


/** Saves one preference (PUT /users/{id}/preferences) and keeps it in the store at once. */
export async function savePref(key: PrefKey, value: string) {
  const me = getState().me!.id
  const [category, name] = PREF[key]
  const id = `${category}:${name}`
  const before = getState().prefs[id]
  setState((s) => ({ prefs: { ...s.prefs, [id]: value } })) // shown at once; put back if the server refuses
  try { await client.savePreferences(me, [{ user_id: me, category, name, value }]) } catch (e) {
    setState((s) => { const prefs = { ...s.prefs }; if (before === undefined) delete prefs[id]; else prefs[id] = before; return { prefs } })
    throw e
  }
}

/** A form's status line: what was saved, or what the server said. */
function useStatus(): [ReactNode, (f: () => Promise<unknown>, ok?: string) => Promise<void>] {
  const [msg, setMsg] = useState('')
  const [err, setErr] = useState('')
  const run = async (f: () => Promise<unknown>, ok = 'Saved.') => {
    setMsg(''); setErr('')
    try { await f(); setMsg(ok) } catch (e) { setErr(errMessage(e)) }
  }
  return [<>{msg && <p className="ok" role="status">{msg}</p>}{err && <p className="error" role="alert">{err}</p>}</>, run]
}

export function Settings() {
  const [tab, setTab] = useState<Tab>('profile')
  const refs = useRef<Record<string, HTMLButtonElement | null>>({})
  const move = (d: number) => {
    const i = TABS.findIndex(([id]) => id === tab)
    const next = TABS[(i + d + TABS.length) % TABS.length][0]
    setTab(next)
    refs.current[next]?.focus()
  }
  return <Modal title="Account settings" wide>
    <div className="settings">
      <div className="settings-tabs" role="tablist" aria-label="Settings sections" aria-orientation="vertical"
        onKeyDown={(e) => { if (e.key === 'ArrowDown') { e.preventDefault(); move(1) } if (e.key === 'ArrowUp') { e.preventDefault(); move(-1) } }}>
        {TABS.map(([id, label]) => <button key={id} ref={(el) => { refs.current[id] = el }} role="tab" id={`tab-${id}`} aria-selected={tab === id}
          aria-controls={`panel-${id}`} tabIndex={tab === id ? 0 : -1} onClick={() => setTab(id)}>{label}</button>)}
      </div>
      <div className="settings-panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'profile' ? <Profile /> : tab === 'security' ? <Security /> : tab === 'notifications' ? <Notifications />
          : tab === 'display' ? <Display /> : <SidebarPrefs />}
      </div>
    </div>
  </Modal>
}

function Profile() {
  const me = useStore((s) => s.me!)
  const [first, setFirst] = useState(me.first_name || '')
  const [last, setLast] = useState(me.last_name || '')
  const [nick, setNick] = useState(me.nickname || '')
  const [position, setPosition] = useState(me.position || '')
  const [status, run] = useStatus()
  const file = useRef<HTMLInputElement>(null)
  const save = (e: FormEvent) => {
    e.preventDefault()
    run(() => patchMe({ first_name: first, last_name: last, nickname: nick, position }), 'Profile saved.')
  }
  const upload = (f: File) => run(async () => {
    if (!/^image\/(png|jpeg|gif|bmp|webp)$/.test(f.type)) throw new Error('Use a PNG, JPEG, GIF, BMP or WebP image.')
    await client.uploadProfileImage(me.id, f)
    putMe(await client.getMe())
  }, 'Profile picture updated.')
  const remove = () => run(async () => { await client.setDefaultProfileImage(me.id); putMe({ ...(await client.getMe()), last_picture_update: 0 }) }, 'Profile picture removed.')
  return <>
    <h3>Profile</h3>
    <div className="picture-row">
      <Avatar userId={me.id} size={72} />
      <div>
        <input ref={file} type="file" accept="image/png,image/jpeg,image/gif,image/bmp,image/webp" hidden aria-hidden="true" tabIndex={-1} className="picture-input"
          onChange={(e) => { const f = e.target.files?.[0]; if (f) upload(f); e.target.value = '' }} />
        <button onClick={() => file.current?.click()}>Upload profile picture</button>
        {!!me.last_picture_update && <button className="link" onClick={remove}>Remove picture</button>}
      </div>
    </div>
    <form onSubmit={save} aria-label="Profile">
      <div className="row2">
        <label>First name<input value={first} onChange={(e) => setFirst(e.target.value)} maxLength={64} /></label>
        <label>Last name<input value={last} onChange={(e) => setLast(e.target.value)} maxLength={64} /></label>
      </div>
      <div className="row2">
        <label>Nickname<input value={nick} onChange={(e) => setNick(e.target.value)} maxLength={64} /></label>
        <label>Position<input value={position} onChange={(e) => setPosition(e.target.value)} maxLength={128} /></label>
      </div>
      <p className="hint">Username @{me.username} · email {me.email}</p>
      <button className="primary">Save profile</button>
    </form>
    {status}
  </>
}

interface Session { id: string; create_at: number; last_activity_at: number; device_id?: string; props?: Record<string, string> }

function Security() {
  const me = useStore((s) => s.me!)
  const config = useStore((s) => s.config)
  const [cur, setCur] = useState('')
  const [pw, setPw] = useState('')
  const [sessions, setSessions] = useState<Session[] | null>(null)
  const [tick, setTick] = useState(0)
  const [mfa, setMfa] = useState<{ secret: string; qr_code: string } | null>(null)
  const [code, setCode] = useState('')
  const [status, run] = useStatus()
  useEffect(() => { client.getSessions(me.id).then((l) => setSessions(l as unknown as Session[])).catch(() => setSessions([])) }, [me.id, tick])
  const savePw = (e: FormEvent) => {
    e.preventDefault()
    run(async () => { await client.updateUserPassword(me.id, cur, pw); setCur(''); setPw('') }, 'Password changed.')
  }
  const revoke = (id: string) => run(async () => { await client.revokeSession(me.id, id); setTick((t) => t + 1) }, 'Session revoked.')
  const startMfa = () => run(async () => setMfa(await client.generateMfaSecret(me.id) as any), 'Scan the code, then enter the number it shows.')
  const activate = (e: FormEvent) => {
    e.preventDefault()
    run(async () => { await client.updateUserMfa(me.id, true, code.trim()); setMfa(null); setCode(''); putMe(await client.getMe()) }, 'Multi-factor authentication is on.')
  }
  const deactivate = () => run(async () => { await client.updateUserMfa(me.id, false, ""); putMe(await client.getMe()) }, 'Multi-factor authentication is off.')
  const mfaOn = config.EnableMultifactorAuthentication === 'true'
  return <>
    <h3>Password</h3>
    {me.auth_service ? <p>You sign in with {me.auth_service}; the password is managed there.</p> : <form onSubmit={savePw} aria-label="Password">
      <div className="row2">
        <label>Current password<input type="password" autoComplete="current-password" value={cur} onChange={(e) => setCur(e.target.value)} required /></label>
        <label>New password<input type="password" autoComplete="new-password" value={pw} onChange={(e) => setPw(e.target.value)} required minLength={5} /></label>
      </div>
      <button>Change password</button>
    </form>}
    <h3>Multi-factor authentication</h3>
    {!mfaOn ? <p>Multi-factor authentication is not enabled on this server.</p>
      : me.mfa_active ? <p>On: signing in asks for a code from your authenticator app. <button onClick={deactivate}
        disabled={config.EnforceMultifactorAuthentication === 'true'}>Remove MFA</button></p>
        : mfa ? <form onSubmit={activate} aria-label="Activate MFA" className="mfa">
          <img src={`data:image/png;base64,${mfa.qr_code}`} alt="QR code for your authenticator app" width={160} height={160} />
          <p>Scan with an authenticator app (or enter the secret <code>{mfa.secret}</code>), then type the 6-digit code.</p>
          <label>Code<input inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} required pattern="[0-9]{6}" /></label>
          <button className="primary">Activate</button>
        </form>
          : <p><button onClick={startMfa}>Set up MFA</button></p>}
    <h3>Sessions</h3>
    {sessions === null ? <p>Loading…</p> : <table className="users-table sessions">
      <thead><tr><th>Device</th><th>Signed in</th><th>Last active</th><th><span className="sr-only">Actions</span></th></tr></thead>
      <tbody>{sessions.map((x) => <tr key={x.id}>
        <td>{[x.props?.browser, x.props?.os, x.props?.platform].filter(Boolean).join(' · ') || (x.device_id ? 'Mobile app' : 'Unknown')}</td>
        <td>{new Date(x.create_at).toLocaleString()}</td>
        <td>{new Date(x.last_activity_at).toLocaleString()}</td>
        <td><button onClick={() => revoke(x.id)}>Revoke</button></td>
      </tr>)}</tbody>
    </table>}
    {status}
  </>
}

const radios = (name: string, value: string, opts: readonly (readonly [string, string])[], onChange: (v: string) => void, legend: string) =>
  <fieldset className="radios"><legend>{legend}</legend>
    {opts.map(([v, l]) => <label key={v} className="check"><input type="radio" name={name} checked={value === v} onChange={() => onChange(v)} /> {l}</label>)}
  </fieldset>

function Notifications() {
  const me = useStore((s) => s.me!)
  const np = (me.notify_props || {}) as unknown as Record<string, string>
  const [status, run] = useStatus()
  const [keys, setKeys] = useState(np.mention_keys || '')
  const batching = useStore((s) => s.config.EnableEmailBatching === 'true')
  const autoReplies = useStore((s) => s.config.ExperimentalEnableAutomaticReplies === 'true')
  const interval = useStore((s) => prefValue(s.prefs, 'emailInterval'))
  const [reply, setReply] = useState(np.auto_responder_message || '')
  const set = (patch: Record<string, string>) => run(async () => {
    const before = getState().me!
    putMe({ ...before, notify_props: { ...before.notify_props, ...patch } as any }) // shown at once; put back if the server refuses
    try { await patchMe({ notify_props: { ...np, ...patch } as any }) } catch (e) { putMe(before); throw e }
  })
  return <>
    <h3>Notifications</h3>
    {radios('desktop', np.desktop || 'mention', [['all', 'All new messages'], ['mention', 'Mentions, direct messages and keywords'], ['none', 'Nothing']], (v) => set({ desktop: v }), 'Desktop notifications for')}
    <DesktopPush />
    {radios('sound', np.desktop_sound || 'true', [['true', 'On'], ['false', 'Off']], (v) => set({ desktop_sound: v }), 'Notification sound')}
    {batching
      // Mattermost's choice: email_interval in seconds ("30" is immediately); never also turns the email prop off.
      ? radios('email', np.email === 'false' ? '0' : interval === '0' ? '900' : interval, [['30', 'Immediately'], ['900', 'Every 15 minutes'], ['3600', 'Every hour'], ['0', 'Never']],
        (v) => run(async () => { await savePref('emailInterval', v); await set({ email: String(v !== '0') }) }), 'Email notifications for mentions and direct messages')
      : radios('email', np.email || 'true', [['true', 'Immediately'], ['false', 'Never']], (v) => set({ email: v }), 'Email notifications for mentions and direct messages')}
    {radios('push', np.push || 'mention', [['all', 'All new messages'], ['mention', 'Mentions, direct messages and keywords'], ['none', 'Nothing']], (v) => set({ push: v }), 'Mobile push notifications for')}
    {radios('comments', np.comments || 'never', [['any', 'Any reply in threads I started or took part in'], ['root', 'Replies to threads I started'], ['never', 'Only mentions']], (v) => set({ comments: v }), 'Reply notifications')}
    <form aria-label="Keywords" onSubmit={(e) => { e.preventDefault(); set({ mention_keys: keys.split(',').map((k) => k.trim()).filter(Boolean).join(',') }) }}>
      <label>Keywords that trigger notifications (comma-separated)<input value={keys} onChange={(e) => setKeys(e.target.value)} maxLength={1024} /></label>
      <label className="check"><input type="checkbox" checked={np.first_name === 'true'} onChange={(e) => set({ first_name: String(e.target.checked) })} /> My first name, case-sensitive</label>
      <label className="check"><input type="checkbox" checked={np.channel !== 'false'} onChange={(e) => set({ channel: String(e.target.checked) })} /> Channel-wide mentions (@channel, @all, @here)</label>
      <button>Save keywords</button>
    </form>
    {autoReplies && <form aria-label="Automatic replies" onSubmit={(e) => { e.preventDefault(); set({ auto_responder_message: reply, auto_responder_active: 'true' }) }}>
      <label className="check"><input type="checkbox" checked={np.auto_responder_active === 'true'} onChange={(e) => set({ auto_responder_active: String(e.target.checked), auto_responder_message: reply })} /> Automatic replies to direct messages (sets you out of office)</label>
      <label>Reply<textarea value={reply} onChange={(e) => setReply(e.target.value)} maxLength={200} placeholder="Hello, I am out of office and unable to respond to messages." /></label>
      <button>Save reply</button>
    </form>}
    <p className="hint">Each channel can differ: “Notification preferences” in the channel’s menu.</p>
    {status}
  </>
}

/** This browser's desktop notifications: the permission, and the Web Push subscription that brings them while Parley is closed. */
function DesktopPush() {
  const [perm, setPerm] = useState(typeof Notification !== 'undefined' ? Notification.permission : 'denied')
  const [active, setActive] = useState<boolean>()
  const [msg, setMsg] = useState('')
  const [busy, setBusy] = useState(false)
  useEffect(() => { webPushActive().then(setActive).catch(() => setActive(false)) }, [])
  const act = (f: () => Promise<void>) => async () => {
    setBusy(true); setMsg('')
    try { await f() } catch (e) { setMsg(errMessage(e)) } finally { setBusy(false) }
    if (typeof Notification !== 'undefined') setPerm(Notification.permission)
    setActive(await webPushActive().catch(() => false))
  }
  const enable = act(async () => setMsg((await enableWebPush()).message))
  const disable = act(async () => { await disableWebPush(); setMsg('This browser gets no push any more; notifications show while Parley is open.') })
  return <div className="desktop-push">
    {perm === 'denied' ? <p className="hint">Desktop notifications are blocked for this site in the browser’s settings.</p>
      : active ? <><p className="hint">This browser shows desktop notifications, also while Parley is closed.</p>
        <button onClick={disable} disabled={busy}>Turn off push for this browser</button></>
        : <button onClick={enable} disabled={busy}>Enable desktop notifications</button>}
    {msg && <p className="hint" role="status">{msg}</p>}
  </div>
}

const LOCALES = [['en', 'English'], ['de', 'Deutsch'], ['es', 'Español'], ['fr', 'Français'], ['it', 'Italiano'], ['ja', '日本語'], ['ko', '한국어'], ['nl', 'Nederlands'],
  ['pl', 'Polski'], ['pt-BR', 'Português (Brasil)'], ['ru', 'Русский'], ['sv', 'Svenska'], ['tr', 'Türkçe'], ['uk', 'Українська'], ['zh-CN', '中文 (简体)'], ['zh-TW', '中文 (繁體)']] as const

function Display() {
  const me = useStore((s) => s.me!)
  const theme = useStore((s) => s.theme)
  const prefs = useStore((s) => s.prefs)
  const [status, run] = useStatus()
  const [zones, setZones] = useState<string[]>([])
  const tz = (me.timezone || {}) as Record<string, string>
  const [auto, setAuto] = useState(tz.useAutomaticTimezone !== 'false') // shown at once, saved in the background
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone
  useEffect(() => { (rawFetch(`${client.getBaseRoute()}/system/timezones`, { method: 'get' }) as Promise<string[]>).then(setZones).catch(() => setZones([])) }, [])
  const setTheme = (t: State['theme']) => { localStorage.setItem('parley.theme', t); setState({ theme: t }) }
  const pref = (key: PrefKey) => (v: string) => run(() => savePref(key, v))
  const setTz = (patch: Record<string, string>) => run(() => patchMe({ timezone: { useAutomaticTimezone: String(auto), automaticTimezone: browserZone, manualTimezone: tz.manualTimezone || '', ...patch } as any }))
  return <>
    <h3>Display</h3>
    {radios('theme', theme, [['system', 'Follow the system'], ['light', 'Light'], ['dark', 'Dark']], (v) => setTheme(v as State['theme']), 'Theme')}
    {radios('clock', prefValue(prefs, 'militaryTime'), [['false', '12-hour clock (example: 4:00 PM)'], ['true', '24-hour clock (example: 16:00)']], pref('militaryTime'), 'Clock display')}
    {radios('name_format', prefValue(prefs, 'nameFormat'), [['username', 'Show username'], ['nickname_full_name', 'Show nickname if one exists, otherwise first and last name'], ['full_name', 'Show first and last name']], pref('nameFormat'), 'Teammate name display')}
    <fieldset className="radios"><legend>Timezone</legend>
      <label className="check"><input type="checkbox" checked={auto} onChange={(e) => { setAuto(e.target.checked); setTz({ useAutomaticTimezone: String(e.target.checked) }) }} /> Automatic ({browserZone})</label>
      {!auto && <><label htmlFor="manual-timezone">Manual timezone</label><select id="manual-timezone" value={tz.manualTimezone || ''} onChange={(e) => setTz({ useAutomaticTimezone: 'false', manualTimezone: e.target.value })}>
        <option value="">Choose…</option>
        {zones.map((z) => <option key={z} value={z}>{z}</option>)}
      </select></>}
    </fieldset>
    <label>Language<select value={me.locale || 'en'} onChange={(e) => run(() => patchMe({ locale: e.target.value }))}>
      {LOCALES.map(([v, l]) => <option key={v} value={v} lang={v}>{l}</option>)}
    </select></label>
    <p className="hint">The language is used for emails and by the other Mattermost clients; this web client is in English.</p>
    {/* Last: it appears once the session's config has loaded, and would move what is below it. */}
    <CrtSetting />
    {status}
  </>
}

function SidebarPrefs() {
  const prefs = useStore((s) => s.prefs)
  const [status, run] = useStatus()
  const pref = (key: PrefKey) => (v: string) => run(() => savePref(key, v))
  return <>
    <h3>Sidebar</h3>
    {radios('unreads', prefValue(prefs, 'unreadSection'), [['true', 'On: unread channels in their own section at the top'], ['false', 'Off']], pref('unreadSection'), 'Group unread channels separately')}
    {radios('dms', prefValue(prefs, 'visibleDms'), [['10', '10'], ['15', '15'], ['20', '20'], ['40', '40']], pref('visibleDms'), 'Number of direct messages to show')}
    {status}
  </>
}
