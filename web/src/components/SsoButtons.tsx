import { basePath } from '../api'
import { ssoButtons } from '../lib/sso'
import { useStore } from '../store'

// SsoButtons are the login page's single sign-on buttons, one per service
// the server has on; each is a plain link, since the sign-in is a chain of
// browser redirects through the provider.
export function SsoButtons() {
  const config = useStore((s) => s.config)
  const buttons = ssoButtons(config, new URLSearchParams(window.location.search).get('redirect_to') ?? '', basePath)
  if (buttons.length === 0) return null
  return <div className="sso" aria-label="Single sign-on">
    <p className="alt">or</p>
    {buttons.map((b) => <a key={b.service} className="button sso-button" href={b.href}
      style={b.color ? { backgroundColor: b.color, color: '#fff' } : undefined}>Log in with {b.label}</a>)}
  </div>
}
