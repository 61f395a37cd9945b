// Web Push for the web client: the service worker (public/sw.js) shows the
// pushes the server sends while no Parley tab is open. The server publishes
// its VAPID key at /api/v4/parley/webpush and keeps this browser's
// subscription with the session (docs/notifications.md#web-push).
import { client } from '../api'
import { rawFetch } from '../actions'
import { navigate } from '../router'

const SUBSCRIBE_WAIT_S = 10
const route = () => `${client.getBaseRoute()}/parley/webpush`

export function webPushSupported(): boolean {
  return typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window
}

/** Registers the service worker (at the root, so its scope is the whole client) and routes its clicks. */
export function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((e) => console.warn('service worker:', e))
  navigator.serviceWorker.addEventListener('message', (e) => {
    const d = e.data as { type?: string; url?: string }
    if (d?.type === 'parley-open' && d.url) {
      const u = new URL(d.url)
      if (u.origin === location.origin) navigate(u.pathname + u.search)
    }
  })
}

function keyBytes(b64url: string): Uint8Array<ArrayBuffer> {
  const b64 = b64url.replace(/-/g, '+').replace(/_/g, '/')
  const raw = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4))
  const out = new Uint8Array(new ArrayBuffer(raw.length))
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i)
  return out
}

function sameKey(a: ArrayBuffer | null, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.length) return false
  const x = new Uint8Array(a)
  return x.every((v, i) => v === b[i])
}

async function serverKey(): Promise<string | undefined> {
  const info = await rawFetch(route(), { method: 'get' }) as { enabled: boolean; public_key: string }
  return info.enabled ? info.public_key : undefined
}

async function register(sub: PushSubscription) {
  await rawFetch(`${route()}/subscriptions`, { method: 'post', body: JSON.stringify(sub.toJSON()) })
}

export type WebPushResult = { on: boolean; message: string }

/**
 * Asks for the permission, subscribes with the browser's push service using
 * the server's key and stores the subscription on the server. Headless or
 * offline browsers cannot reach their push service: the message says so.
 */
export async function enableWebPush(): Promise<WebPushResult> {
  if (!webPushSupported()) return { on: false, message: 'This browser has no Web Push: notifications show only while Parley is open.' }
  const perm = await Notification.requestPermission()
  if (perm !== 'granted') return { on: false, message: 'Notifications are blocked for this site in the browser’s settings.' }
  const key = await serverKey()
  if (!key) return { on: false, message: 'Desktop notifications are on while Parley is open; this server sends no push when it is closed.' }
  const reg = await navigator.serviceWorker.ready
  const appKey = keyBytes(key)
  let sub = await reg.pushManager.getSubscription()
  if (sub && !sameKey(sub.options.applicationServerKey, appKey)) { await sub.unsubscribe(); sub = null } // another server's key
  try {
    if (!sub) {
      // A browser that cannot reach its push service may take minutes to
      // give up: after a while the page says so, and a late subscription is
      // still stored when it comes.
      const pending = reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: appKey })
      pending.then((late) => register(late)).catch(() => undefined)
      sub = await Promise.race([pending, new Promise<never>((_, no) => setTimeout(() => no(new Error(`no answer in ${SUBSCRIBE_WAIT_S} s`)), SUBSCRIBE_WAIT_S * 1000))])
    }
  } catch (e) {
    return { on: false, message: `Desktop notifications are on while Parley is open, but this browser could not subscribe with its push service (${(e as Error).message || e}), so none arrive while it is closed.` }
  }
  await register(sub)
  return { on: true, message: 'Desktop notifications are on, also while Parley is closed.' }
}

/** Ends this browser's subscription, here and on the server. */
export async function disableWebPush() {
  const reg = await navigator.serviceWorker.ready
  const sub = await reg.pushManager.getSubscription()
  if (!sub) return
  await rawFetch(`${route()}/subscriptions`, { method: 'delete', body: JSON.stringify({ endpoint: sub.endpoint }) }).catch(() => undefined)
  await sub.unsubscribe()
}

/** Whether this browser holds a push subscription. */
export async function webPushActive(): Promise<boolean> {
  if (!webPushSupported()) return false
  const reg = await navigator.serviceWorker.getRegistration('/')
  return !!(await reg?.pushManager.getSubscription())
}

/**
 * After a login, gives the new session the subscription this browser still
 * holds (the old session's ended with it), when the permission stands.
 */
export async function resumeWebPush() {
  if (!webPushSupported() || Notification.permission !== 'granted') return
  const reg = await navigator.serviceWorker.getRegistration('/')
  const sub = await reg?.pushManager.getSubscription()
  if (sub) await register(sub).catch((e) => console.warn('web push:', e))
}
