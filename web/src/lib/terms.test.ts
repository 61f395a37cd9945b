import { describe, expect, it } from 'vitest'
import { mustAcceptTerms } from './terms'

describe('terms of service', () => {
  const on = { EnableCustomTermsOfService: 'true', CustomTermsOfServiceId: 'v2', CustomTermsOfServiceReAcceptancePeriod: '30' }
  const now = Date.UTC(2026, 0, 31)
  const dayMs = 24 * 3600 * 1000
  it('asks nothing while off, or with nothing published, or of nobody', () => {
    expect(mustAcceptTerms({}, { ...on, EnableCustomTermsOfService: 'false' }, now)).toBe(false)
    expect(mustAcceptTerms({}, {}, now)).toBe(false)
    expect(mustAcceptTerms({}, { ...on, CustomTermsOfServiceId: '' }, now)).toBe(false)
    expect(mustAcceptTerms(undefined, on, now)).toBe(false)
  })
  it('asks who never accepted, or accepted another version', () => {
    expect(mustAcceptTerms({}, on, now)).toBe(true)
    expect(mustAcceptTerms({ terms_of_service_id: 'v1', terms_of_service_create_at: now }, on, now)).toBe(true)
  })
  it('asks again once the re-acceptance period has passed', () => {
    expect(mustAcceptTerms({ terms_of_service_id: 'v2', terms_of_service_create_at: now - 29 * dayMs }, on, now)).toBe(false)
    expect(mustAcceptTerms({ terms_of_service_id: 'v2', terms_of_service_create_at: now - 31 * dayMs }, on, now)).toBe(true)
    // Without a period (a logged-out config has none) only the version counts.
    expect(mustAcceptTerms({ terms_of_service_id: 'v2', terms_of_service_create_at: 1 }, { ...on, CustomTermsOfServiceReAcceptancePeriod: '' }, now)).toBe(false)
  })
})
