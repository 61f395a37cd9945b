import { describe, expect, it } from 'vitest'
import { crtChoosable, crtEnabled } from './crt'

describe('collapsed reply threads', () => {
  it('follows the server setting and the preference', () => {
    expect(crtEnabled({ CollapsedThreads: 'disabled' }, 'on')).toBe(false)
    expect(crtEnabled({ CollapsedThreads: 'always_on' }, 'off')).toBe(true)
    expect(crtEnabled({ CollapsedThreads: 'default_on' })).toBe(true)
    expect(crtEnabled({ CollapsedThreads: 'default_on' }, 'off')).toBe(false)
    expect(crtEnabled({ CollapsedThreads: 'default_off' })).toBe(false)
    expect(crtEnabled({ CollapsedThreads: 'default_off' }, 'on')).toBe(true)
    expect(crtEnabled({})).toBe(true)
    expect(crtChoosable({ CollapsedThreads: 'always_on' })).toBe(false)
    expect(crtChoosable({ CollapsedThreads: 'default_off' })).toBe(true)
  })
})
