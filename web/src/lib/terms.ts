// Custom terms of service, decided as Mattermost's apps decide: with the
// feature on and a version in force, a user must accept it when the version
// they accepted is another one, or their acceptance is older than the
// re-acceptance period (days).
export interface TermsUser { terms_of_service_id?: string; terms_of_service_create_at?: number }

const day = 24 * 60 * 60 * 1000

export function mustAcceptTerms(user: TermsUser | undefined, config: Record<string, string>, now = Date.now()): boolean {
  if (!user || config.EnableCustomTermsOfService !== 'true') return false
  // On, but nothing published yet: there is nothing to accept.
  const current = config.CustomTermsOfServiceId
  if (!current) return false
  if (user.terms_of_service_id !== current) return true
  const days = parseInt(config.CustomTermsOfServiceReAcceptancePeriod, 10)
  if (!(days > 0)) return false
  return now - (user.terms_of_service_create_at || 0) > days * day
}
