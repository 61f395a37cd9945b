// Helpers the end-to-end scripts share.
import { createServer } from 'node:net'

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)) }) })
}

/** Polls fn every 100 ms until it returns something truthy, which it returns. */
export async function until(what, fn, tries = 150) {
  for (let i = 0; ; i++) {
    try { const v = await fn(); if (v) return v } catch { /* not yet */ }
    if (i >= tries) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
