import { useEffect, useState } from 'react'
import { client, errMessage } from '../api'
import { openThread, rawFetch } from '../actions'
import { useStore } from '../store'
import { crtEnabled } from '../lib/crt'

type Thread = {
  id: string; reply_count: number; last_reply_at: number; last_viewed_at: number
  unread_replies: number; unread_mentions: number; is_following: boolean
  post: { id: string; message: string; user_id: string }
  participants: { id: string; username?: string }[]
}
type ThreadList = { total: number; total_unread_threads: number; total_unread_mentions: number; threads: Thread[] }

const base = (teamId: string) => `${client.getBaseRoute()}/users/me/teams/${teamId}/threads`

// Through the client, which sends the session's CSRF token.
const call = <T,>(method: string, url: string): Promise<T> => rawFetch(url, { method }) as Promise<T>

/** The client config as a session sees it: the store's may be the one
 * fetched before login, which does not say CollapsedThreads. */
export function useSessionConfig(): Record<string, string> {
  const stored = useStore((s) => s.config)
  const me = useStore((s) => s.me)
  const [fetched, setFetched] = useState<Record<string, string>>()
  useEffect(() => {
    if (!me || stored.CollapsedThreads) return
    call<Record<string, string>>('GET', `${client.getBaseRoute()}/config/client?format=old`).then(setFetched, () => {})
  }, [me?.id, stored.CollapsedThreads])
  return stored.CollapsedThreads ? stored : fetched || stored
}

/** The preference that turns collapsed threads on or off for the user. */
export function useCrtPref(): [string | undefined, (v: 'on' | 'off') => Promise<void>] {
  const me = useStore((s) => s.me)
  const [pref, setPref] = useState<string>()
  useEffect(() => {
    if (!me) return
    client.getMyPreferences().then((ps) => setPref((ps as unknown as { category: string; name: string; value: string }[]).find((p) => p.category === 'display_settings' && p.name === 'collapsed_reply_threads')?.value), () => {})
  }, [me?.id])
  async function save(v: 'on' | 'off') {
    await client.savePreferences(me!.id, [{ user_id: me!.id, category: 'display_settings', name: 'collapsed_reply_threads', value: v }])
    setPref(v)
  }
  return [pref, save]
}

/** The Threads button of the sidebar: followed threads of the team, with
 * unread and mention badges, follow/unfollow and mark read. */
export function ThreadsButton({ teamId }: { teamId: string }) {
  const config = useSessionConfig()
  const [pref] = useCrtPref()
  const [open, setOpen] = useState(false)
  const [list, setList] = useState<ThreadList>()
  const [err, setErr] = useState('')
  const load = () => call<ThreadList>('GET', `${base(teamId)}?per_page=25&extended=true`).then(setList, (e) => setErr(errMessage(e)))
  useEffect(() => { if (crtEnabled(config, pref)) load() }, [teamId, open, config.CollapsedThreads, pref])
  if (!crtEnabled(config, pref)) return null
  const act = (method: string, path: string) => call(method, `${base(teamId)}/${path}`).then(load, (e) => setErr(errMessage(e)))
  return <>
    <button id="threads-btn" className="switcher-btn" aria-expanded={open} onClick={() => setOpen(!open)}>
      Threads{list?.total_unread_threads ? <span className="badge" aria-label={`${list.total_unread_threads} unread threads`}>{list.total_unread_threads}</span> : null}
      {list?.total_unread_mentions ? <span className="badge mention" aria-label={`${list.total_unread_mentions} mentions`}>@{list.total_unread_mentions}</span> : null}
    </button>
    {open && <section className="threads-view" aria-label="Threads">
      <header><h3>Followed threads</h3>
        <button onClick={() => act('PUT', 'read')}>Mark all read</button></header>
      {err && <p className="error" role="alert">{err}</p>}
      {list && list.threads.length === 0 && <p className="empty">No followed threads yet.</p>}
      <ul>
        {list?.threads.map((t) => <li key={t.id} className={`thread-item${t.unread_replies ? ' unread' : ''}`} data-thread={t.id}>
          <button className="thread-open" onClick={() => { openThread(t.id); setOpen(false) }}>
            <span className="thread-msg">{t.post.message.slice(0, 120) || '(no text)'}</span>
            <span className="thread-meta">{t.reply_count} {t.reply_count === 1 ? 'reply' : 'replies'}
              {t.participants.length ? ' · ' + t.participants.map((p) => '@' + (p.username || p.id.slice(0, 6))).join(', ') : ''}</span>
          </button>
          {t.unread_replies > 0 && <span className="badge" aria-label={`${t.unread_replies} new replies`}>{t.unread_replies}</span>}
          {t.unread_mentions > 0 && <span className="badge mention" aria-label={`${t.unread_mentions} mentions`}>@{t.unread_mentions}</span>}
          {t.unread_replies > 0 && <button className="thread-read" onClick={() => act('PUT', `${t.id}/read/${Date.now()}`)}>Mark read</button>}
          <button className="thread-follow" onClick={() => act(t.is_following ? 'DELETE' : 'PUT', `${t.id}/following`)}>{t.is_following ? 'Unfollow' : 'Follow'}</button>
        </li>)}
      </ul>
    </section>}
  </>
}

/** The account setting: collapsed reply threads on or off, where the server lets users choose. */
export function CrtSetting() {
  const config = useSessionConfig()
  const [pref, save] = useCrtPref()
  const [err, setErr] = useState('')
  if (config.CollapsedThreads !== 'default_on' && config.CollapsedThreads !== 'default_off') return null
  const on = crtEnabled(config, pref)
  return <fieldset className="radios"><legend>Collapsed reply threads</legend>
    {(['on', 'off'] as const).map((v) => <label key={v} className="check"><input type="radio" name="crt" checked={on === (v === 'on')}
      onChange={() => save(v).catch((e) => setErr(errMessage(e)))} /> {v === 'on' ? 'On: replies stay in their thread and the Threads view' : 'Off: replies show in the channel'}</label>)}
    {err && <p className="error" role="alert">{err}</p>}
  </fieldset>
}
