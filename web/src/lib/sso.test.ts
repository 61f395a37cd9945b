import { describe, expect, it } from 'vitest'
import { loginFieldLabel, ssoButtons } from './sso'

describe('login page sign-on buttons', () => {
  it('shows only the services the client config turns on', () => {
    expect(ssoButtons({})).toEqual([])
    expect(ssoButtons({ EnableSignUpWithOpenId: 'false', EnableSignUpWithGoogle: 'false' })).toEqual([])
    const b = ssoButtons({ EnableSignUpWithOpenId: 'true', OpenIdButtonText: 'Company SSO', OpenIdButtonColor: '#123456',
      EnableSignUpWithGoogle: 'true' })
    expect(b.map((x) => x.service)).toEqual(['google', 'openid'])
    expect(b[1]).toEqual({ service: 'openid', label: 'Company SSO', href: '/oauth/openid/login', color: '#123456' })
  })
  it('shows the SAML button, which goes to /login/sso/saml', () => {
    const b = ssoButtons({ EnableSaml: 'true', SamlLoginButtonText: 'Company login', SamlLoginButtonColor: '#34a28b',
      EnableSignUpWithOpenId: 'true' }, '/staff/channels/town-square', '/chat')
    expect(b.map((x) => x.service)).toEqual(['openid', 'saml'])
    expect(b[1]).toEqual({ service: 'saml', label: 'Company login', color: '#34a28b',
      href: '/chat/login/sso/saml?redirect_to=%2Fstaff%2Fchannels%2Ftown-square' })
    expect(ssoButtons({ EnableSaml: 'true' }, '//evil.example')[0]).toEqual({ service: 'saml', label: 'SAML', href: '/login/sso/saml', color: undefined })
  })
  it('keeps redirect_to local', () => {
    expect(ssoButtons({ EnableSignUpWithGitLab: 'true' }, '/staff/channels/town-square')[0].href)
      .toBe('/oauth/gitlab/login?redirect_to=%2Fstaff%2Fchannels%2Ftown-square')
    expect(ssoButtons({ EnableSignUpWithGitLab: 'true' }, '//evil.example')[0].href).toBe('/oauth/gitlab/login')
  })
  it('names the login field after the directory when LDAP is on', () => {
    expect(loginFieldLabel({})).toBe('Email or username')
    expect(loginFieldLabel({ EnableLdap: 'true' })).toBe('Email, username or directory login')
    expect(loginFieldLabel({ EnableLdap: 'true', LdapLoginFieldName: 'AD username' })).toBe('AD username')
  })
})
