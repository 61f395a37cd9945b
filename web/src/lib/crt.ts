/** Collapsed reply threads: on for the user when the server's CollapsedThreads
 * allows it and their display_settings/collapsed_reply_threads preference
 * (where the server lets them choose) does not say otherwise. */
export function crtEnabled(config: Record<string, string>, pref?: string): boolean {
  switch (config.CollapsedThreads) {
    case 'always_on': return true
    case 'default_off': return pref === 'on'
    case 'default_on': return pref !== 'off'
    default: return false
  }
}

/** Whether the user may turn collapsed threads on and off. */
export function crtChoosable(config: Record<string, string>): boolean {
  return config.CollapsedThreads === 'default_on' || config.CollapsedThreads === 'default_off'
}
