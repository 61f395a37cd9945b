// One single sign-on button of the login page.
export interface SsoButton {
  service: string
  label: string
  href: string
  color?: string
}

// ssoButtons lists the sign-on services the client config says are on, in
// Mattermost's order, each pointing at the server's GET /oauth/{service}/login
// (SAML: GET /login/sso/saml) under base (the site's path prefix).
export function ssoButtons(config: Record<string, string>, redirectTo = '', base = ''): SsoButton[] {
  const on = (key: string) => config[key] === 'true'
  const q = redirectTo.startsWith('/') && !redirectTo.startsWith('//') ? `?redirect_to=${encodeURIComponent(redirectTo)}` : ''
  const href = (service: string) => `${base}/oauth/${service}/login${q}`
  const out: SsoButton[] = []
  if (on('EnableSignUpWithGitLab')) out.push({ service: 'gitlab', label: 'GitLab', href: href('gitlab') })
  if (on('EnableSignUpWithGoogle')) out.push({ service: 'google', label: 'Google', href: href('google') })
  if (on('EnableSignUpWithOffice365')) out.push({ service: 'office365', label: 'Entra ID', href: href('office365') })
  if (on('EnableSignUpWithOpenId')) {
    out.push({ service: 'openid', label: config.OpenIdButtonText || 'OpenID', href: href('openid'), color: config.OpenIdButtonColor || undefined })
  }
  if (on('EnableSaml')) {
    out.push({ service: 'saml', label: config.SamlLoginButtonText || 'SAML', href: `${base}/login/sso/saml${q}`,
      color: config.SamlLoginButtonColor || undefined })
  }
  return out
}

// loginFieldLabel is the login id field's label: with LDAP on, the
// directory's name for it when the admin set one (LdapLoginFieldName).
export function loginFieldLabel(config: Record<string, string>): string {
  if (config.EnableLdap === 'true') return config.LdapLoginFieldName || 'Email, username or directory login'
  return 'Email or username'
}
