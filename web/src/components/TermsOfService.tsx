// The custom terms of service, full page, before anything else once the
// server asks for them (lib/terms): Accept lets the user in, Decline logs
// them out, as in Mattermost's apps.
import { useEffect, useState } from 'react'
import type { TermsOfService as Terms } from '@mattermost/types/terms_of_service'
import { client, errMessage } from '../api'
import { answerTerms, loadClientConfig, logout } from '../actions'
import { useStore } from '../store'
import { renderMarkdown } from '../lib/markdown'

export function TermsOfService() {
  const site = useStore((s) => s.config.SiteName) || 'Parley'
  const inForce = useStore((s) => s.config.CustomTermsOfServiceId)
  const [terms, setTerms] = useState<Terms | null>(null)
  const [err, setErr] = useState('')
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    client.getTermsOfService().then(setTerms).catch((e) => setErr(errMessage(e)))
  }, [inForce])
  async function answer(accepted: boolean) {
    if (!terms) return
    setErr(''); setBusy(true)
    try {
      await answerTerms(terms.id, accepted)
      // A newer version published meanwhile: the config names it, and asks again.
      if (accepted && terms.id !== inForce) await loadClientConfig()
    } catch (e) { setErr(errMessage(e)) } finally { setBusy(false) }
  }
  return <main className="auth wide terms" aria-labelledby="terms-title">
    <div className="brand"><span className="logo" aria-hidden="true">💬</span><h1>{site}</h1></div>
    <section className="terms-card">
      <h2 id="terms-title">Terms of Service</h2>
      <p className="hint">Please read and accept the terms of service to continue.</p>
      {terms === null ? (!err && <p aria-busy="true">Loading…</p>)
        : <div className="md terms-text" role="region" tabIndex={0} aria-label="Terms of service text" dangerouslySetInnerHTML={{ __html: renderMarkdown(terms.text) }} />}
      {err && <p className="error" role="alert">{err}</p>}
      <div className="terms-actions">
        <button onClick={() => answer(false)} disabled={busy || !terms}>Decline</button>
        <button className="primary" onClick={() => answer(true)} disabled={busy || !terms}>Accept</button>
        {!terms && err && <button className="link" onClick={() => logout()}>Log out</button>}
      </div>
    </section>
  </main>
}
