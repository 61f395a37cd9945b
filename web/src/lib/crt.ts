/** Collapsed reply threads: on for the user when the server's CollapsedThreads
 * (default_on when the config does not say) allows it and their display_settings/collapsed_reply_threads preference
 * (where the server lets them choose) does not say otherwise. */
export function crtEnabled(config: Record<string, string>, pref?: string): boolean {
  switch (config.CollapsedThreads) {
    case 'always_on': return true
    case 'default_off': return pref === 'on'
    case 'default_on': return pref !== 'off'
    case 'disabled': return false
    // Not said (the config fetched before login): as the server's default.
    default: return pref !== 'off'
  }
}

/** Whether the user may turn collapsed threads on and off. */
export function crtChoosable(config: Record<string, string>): boolean {
  return config.CollapsedThreads === 'default_on' || config.CollapsedThreads === 'default_off'
}
