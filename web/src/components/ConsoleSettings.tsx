// System console pages backed by the configuration API: GET /api/v4/config
// (Mattermost's shape, secrets masked), PUT /api/v4/config to save the whole
// document (the server keeps a masked secret as it was), and
// GET /api/v4/config/environment for the settings fixed by environment
// variables, which are shown read-only.
import { useEffect, useState, type ReactNode } from 'react'
import { client, errMessage } from '../api'
import { rawFetch } from '../actions'
import { setState } from '../store'
import { CONSOLE_PAGES, type Field } from '../lib/consolepages'

type Doc = Record<string, Record<string, unknown>>
type Env = Record<string, Record<string, boolean>>

export function ConsoleSettings({ page }: { page: string }) {
  const def = CONSOLE_PAGES.find((p) => p.id === page)!
  const [doc, setDoc] = useState<Doc | null>(null)
  const [env, setEnv] = useState<Env>({})
  const [draft, setDraft] = useState<Doc>({})
  const [err, setErr] = useState('')
  const [msg, setMsg] = useState('')
  const [saving, setSaving] = useState(false)
  useEffect(() => {
    setDoc(null); setDraft({}); setErr(''); setMsg('')
    Promise.all([
      rawFetch(`${client.getBaseRoute()}/config`, { method: 'get' }) as Promise<Doc>,
      (rawFetch(`${client.getBaseRoute()}/config/environment`, { method: 'get' }) as Promise<Env>).catch(() => ({})),
    ]).then(([d, e]) => { setDoc(d); setEnv(e || {}) }).catch((x) => setErr(errMessage(x)))
  }, [page])
  const value = (f: Field) => (draft[f.section] && f.name in draft[f.section] ? draft[f.section][f.name] : doc?.[f.section]?.[f.name])
  const change = (f: Field, v: unknown) => { setMsg(''); setDraft((d) => ({ ...d, [f.section]: { ...d[f.section], [f.name]: v } })) }
  const dirty = Object.keys(draft).length > 0
  async function save() {
    if (!doc) return
    setErr(''); setMsg(''); setSaving(true)
    const next: Doc = { ...doc }
    for (const [section, vals] of Object.entries(draft)) next[section] = { ...doc[section], ...vals }
    try {
      const saved = await rawFetch(`${client.getBaseRoute()}/config`, { method: 'put', body: JSON.stringify(next) }) as Doc
      setDoc(saved); setDraft({}); setMsg('Settings saved.')
      // The client's own view of the configuration (feature switches) follows at once.
      const cfg = await rawFetch(`${client.getBaseRoute()}/config/client?format=old`, { method: 'get' }) as Record<string, string>
      setState({ config: cfg })
    } catch (x) { setErr(errMessage(x)) } finally { setSaving(false) }
  }
  const present = def.fields.filter((f) => doc?.[f.section] && f.name in doc[f.section])
  return <>
    <h2>{def.title}</h2>
    {def.intro && <p className="hint">{def.intro}</p>}
    {err && <p className="error" role="alert">{err}</p>}
    {doc === null ? (!err && <p>Loading…</p>) : <form aria-label={def.title} onSubmit={(e) => { e.preventDefault(); save() }}>
      {present.map((f) => {
        const locked = !!env[f.section]?.[f.name]
        const id = `cfg-${f.section}-${f.name}`
        return <div key={id} className="setting-row" data-setting={`${f.section}.${f.name}`}>
          <div><label className="setting-label" htmlFor={id} id={`${id}-label`}>{f.label}</label></div>
          <div>
            <Input f={f} id={id} value={value(f)} disabled={locked} onChange={(v) => change(f, v)} />
            {f.help && <small className="hint" id={`${id}-help`}>{f.help}</small>}
            {locked && <span className="env-locked">Set by an environment variable (MM_{f.section.toUpperCase()}_{f.name.toUpperCase()} or its PARLEY_ name, or a command-line flag): it cannot be changed here.</span>}
          </div>
        </div>
      })}
      {present.length === 0 && <p>None of these settings are known to this server.</p>}
      <div className="save-bar">
        <button className="primary" disabled={!dirty || saving}>{saving ? 'Saving…' : 'Save'}</button>
        {msg && <span className="ok" role="status">{msg}</span>}
      </div>
    </form>}
  </>
}

function Input({ f, id, value, disabled, onChange }: { f: Field; id: string; value: unknown; disabled: boolean; onChange: (v: unknown) => void }): ReactNode {
  const described = f.help ? `${id}-help` : undefined
  switch (f.kind) {
    case 'bool':
      return <div role="radiogroup" aria-labelledby={`${id}-label`} className="bool">
        <label className="check"><input type="radio" id={id} name={id} checked={value === true} disabled={disabled} onChange={() => onChange(true)} /> True</label>{' '}
        <label className="check"><input type="radio" name={id} checked={value !== true} disabled={disabled} onChange={() => onChange(false)} /> False</label>
      </div>
    case 'number':
      return <input id={id} type="number" value={value === undefined || value === null ? '' : String(value)} disabled={disabled} aria-describedby={described}
        onChange={(e) => onChange(e.target.value === '' ? 0 : Number(e.target.value))} />
    case 'select':
      return <select id={id} value={String(value ?? '')} disabled={disabled} aria-describedby={described} onChange={(e) => onChange(e.target.value)}>
        {f.options!.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
      </select>
    case 'list':
      return <input id={id} value={Array.isArray(value) ? value.join(', ') : String(value ?? '')} disabled={disabled} aria-describedby={described}
        onChange={(e) => onChange(e.target.value.split(',').map((x) => x.trim()).filter(Boolean))} />
    default:
      return <input id={id} type={f.kind === 'secret' ? 'password' : 'text'} autoComplete="off" value={String(value ?? '')} disabled={disabled} aria-describedby={described}
        onChange={(e) => onChange(e.target.value)} />
  }
}
