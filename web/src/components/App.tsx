import { lazy, Suspense, useEffect, type ReactNode } from 'react'
import { useStore, setState } from '../store'
import { navigate, parseRoute, usePath } from '../router'
import { AcceptInvite, Login, Signup } from './Auth'
import { ForgotPassword, ResetPasswordComplete, VerifyEmail } from './PasswordReset'
import { CreateTeam, SelectTeam } from './Teams'
import { TeamView } from './TeamView'
import { isAdmin, pendingInvite } from '../actions'
import { ConfirmDialog } from './Confirm'
import { TermsOfService } from './TermsOfService'
import { mustAcceptTerms } from '../lib/terms'
import { resumeWebPush } from '../lib/webpush'

// The system console is for admins only: loaded when opened.
const Console = lazy(() => import('./Console').then((m) => ({ default: m.Console })))

export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, true), [to])
  return null
}

function useTheme() {
  const theme = useStore((s) => s.theme)
  useEffect(() => {
    const mq = window.matchMedia('(prefers-color-scheme: dark)')
    const apply = () => {
      const dark = theme === 'dark' || (theme === 'system' && mq.matches)
      document.documentElement.dataset.theme = dark ? 'dark' : 'light'
    }
    apply()
    mq.addEventListener('change', apply)
    return () => mq.removeEventListener('change', apply)
  }, [theme])
}

export function lastTeamPath(): string {
  const last = localStorage.getItem('parley.lastTeam')
  return last ? `/${last}` : '/select_team'
}

export function App() {
  useTheme()
  const booted = useStore((s) => s.booted)
  const me = useStore((s) => s.me)
  const myTeamIds = useStore((s) => s.myTeamIds)
  const teams = useStore((s) => s.teams)
  const toast = useStore((s) => s.toast)
  const termsDue = useStore((s) => mustAcceptTerms(s.me && s.terms, s.config))
  const path = usePath()
  useEffect(() => { if (me?.id) resumeWebPush() }, [me?.id])
  if (!booted) return <div className="splash" aria-busy="true">Loading…</div>
  const r = parseRoute(path)
  let page: ReactNode
  if (!me) {
    if (r.kind === 'signup') page = <Signup />
    else if (r.kind === 'reset_password') page = <ForgotPassword />
    else if (r.kind === 'reset_password_complete') page = <ResetPasswordComplete />
    else if (r.kind === 'do_verify_email') page = <VerifyEmail />
    else {
      if (r.kind !== 'login' && r.kind !== 'root') sessionStorage.setItem('parley.redirect', path)
      page = r.kind === 'login' ? <Login /> : <Redirect to="/login" />
    }
  } else if (termsDue) {
    page = <TermsOfService />
  } else {
    const firstTeam = myTeamIds.map((id) => teams[id]).filter(Boolean).sort((a, b) => a.display_name.localeCompare(b.display_name))[0]
    const home = () => {
      const saved = sessionStorage.getItem('parley.redirect')
      if (saved) { sessionStorage.removeItem('parley.redirect'); return saved }
      const last = localStorage.getItem('parley.lastTeam')
      if (last && myTeamIds.some((id) => teams[id]?.name === last)) return `/${last}`
      return firstTeam ? `/${firstTeam.name}` : '/select_team'
    }
    switch (r.kind) {
      case 'signup': {
        const inv = pendingInvite()
        page = inv.token || inv.inviteId ? <AcceptInvite /> : <Redirect to={home()} />
        break
      }
      case 'login': case 'root': case 'reset_password': case 'reset_password_complete': case 'do_verify_email': page = <Redirect to={home()} />; break
      case 'select_team': page = <SelectTeam />; break
      case 'create_team': page = <CreateTeam />; break
      // /_redirect/pl/<post> (mail and Web Push links to a DM): the post in the team last used.
      case 'permalink': page = r.team === '_redirect' ? <Redirect to={`${home()}/pl/${r.postId}`} /> : <TeamView route={r} />; break
      case 'console': page = isAdmin(me) ? <Suspense fallback={<div className="splash">Loading…</div>}><Console section={r.section} /></Suspense> : <Redirect to={home()} />; break
      default: page = <TeamView route={r} />
    }
  }
  return <>
    {page}
    <ConfirmDialog />
    {toast && <div className="toast" role="status" onClick={() => setState({ toast: undefined })}>{toast}</div>}
  </>
}
