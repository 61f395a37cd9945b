import { useSyncExternalStore } from 'react'

const subs = new Set<() => void>()
window.addEventListener('popstate', () => subs.forEach((f) => f()))

export function navigate(path: string, replace = false) {
  if (path === location.pathname + location.search) return
  if (replace) history.replaceState(null, '', path)
  else history.pushState(null, '', path)
  subs.forEach((f) => f())
}

export function usePath(): string {
  return useSyncExternalStore((f) => { subs.add(f); return () => subs.delete(f) }, () => location.pathname)
}

export type Route =
  | { kind: 'login' } | { kind: 'signup' } | { kind: 'select_team' } | { kind: 'create_team' }
  | { kind: 'reset_password' } | { kind: 'reset_password_complete' } | { kind: 'do_verify_email' }
  | { kind: 'console'; section: string } | { kind: 'root' }
  | { kind: 'channel'; team: string; channel: string }
  | { kind: 'dm'; team: string; username: string }
  | { kind: 'permalink'; team: string; postId: string }
  | { kind: 'team'; team: string }

export function parseRoute(path: string): Route {
  const p = path.replace(/\/+$/, '').split('/').filter(Boolean).map(decodeURIComponent)
  if (!p.length) return { kind: 'root' }
  switch (p[0]) {
    case 'login': return { kind: 'login' }
    case 'signup_user_complete': case 'signup': return { kind: 'signup' }
    case 'reset_password': return { kind: 'reset_password' }
    case 'reset_password_complete': return { kind: 'reset_password_complete' }
    case 'do_verify_email': return { kind: 'do_verify_email' }
    case 'select_team': return { kind: 'select_team' }
    case 'create_team': return { kind: 'create_team' }
    case 'admin_console': return { kind: 'console', section: p[1] || 'users' }
  }
  if (p[1] === 'channels' && p[2]) return { kind: 'channel', team: p[0], channel: p[2] }
  if (p[1] === 'messages' && p[2]?.startsWith('@')) return { kind: 'dm', team: p[0], username: p[2].slice(1) }
  if (p[1] === 'pl' && p[2]) return { kind: 'permalink', team: p[0], postId: p[2] }
  return { kind: 'team', team: p[0] }
}
