// End-to-end test of the installable client and its Web Push subscription,
// in Debian's Chromium against a real Parley: the manifest is linked and
// valid (Chromium's own parser, through the DevTools protocol), the service
// worker registers at the root and shows a push delivered to it, and
// "Enable desktop notifications" asks the browser's PushManager to subscribe
// with the server's VAPID key. Headless Chromium here cannot reach Google's
// push service, so the subscription may fail: then the page must say so and
// the server holds none; if it succeeds, the server must hold it.
// Usage: node e2e/webpush.mjs [path/to/parley]  (default ../bin/parley)
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { freePort, until } from './util.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const bin = process.argv[2] || join(here, '../../bin/parley')
const shots = join(here, '../test-results')
mkdirSync(shots, { recursive: true })

const expect = (ok, what) => { if (!ok) throw new Error(what) }

const port = await freePort()
const data = mkdtempSync(join(tmpdir(), 'parley-e2e-webpush-'))
const base = `http://127.0.0.1:${port}`
let out = ''
const server = spawn(bin, ['--listen', `127.0.0.1:${port}`, '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] })
server.stdout.on('data', (d) => (out += d)); server.stderr.on('data', (d) => (out += d))
let browser, profile
let failed = false
const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-component-update', '--disable-sync']
async function login(page) {
  await page.goto(base + '/login')
  await page.getByLabel('Email or username').fill('alice')
  await page.getByLabel('Password', { exact: true }).fill('alice-password-1')
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.waitForURL((u) => u.pathname.startsWith('/crew'))
}
try {
  await until('parley', async () => (await fetch(`${base}/api/v4/system/ping`)).ok).catch((e) => { throw new Error(`${e.message}\n${out}`) })
  const api = async (path, opts = {}, token) => fetch(`${base}/api/v4${path}`, { ...opts,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) } })
  await api('/users', { method: 'POST', body: JSON.stringify({ username: 'alice', email: 'alice@example.com', password: 'alice-password-1' }) })
  const token = (await api('/users/login', { method: 'POST', body: JSON.stringify({ login_id: 'alice', password: 'alice-password-1' }) })).headers.get('Token')
  await api('/teams', { method: 'POST', body: JSON.stringify({ name: 'crew', display_name: 'Crew', type: 'O' }) }, token)
  const vapid = await (await api('/parley/webpush', {}, token)).json()
  expect(vapid.enabled && vapid.public_key.length === 87, `web push info ${JSON.stringify(vapid)}`)

  // The service worker's headers, as browsers need them.
  const sw = await fetch(`${base}/sw.js`)
  expect(sw.ok && sw.headers.get('content-type').startsWith('text/javascript') && sw.headers.get('cache-control') === 'no-cache'
    && sw.headers.get('service-worker-allowed') === '/', `sw.js headers ${[...sw.headers]}`)

  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: chromiumArgs })
  const ctx = await browser.newContext()
  await ctx.grantPermissions(['notifications'], { origin: base })
  let page = await ctx.newPage()
  page.setDefaultTimeout(15000)
  const cdp = await ctx.newCDPSession(page)
  const registrations = []
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations))
  await cdp.send('ServiceWorker.enable')
  await login(page)

  const manifest = await cdp.send('Page.getAppManifest')
  expect(manifest.url === `${base}/manifest.webmanifest`, `manifest url ${manifest.url}`)
  expect(manifest.errors.length === 0, `manifest errors ${JSON.stringify(manifest.errors)}`)
  const m = JSON.parse(manifest.data)
  expect(m.name === 'Parley' && m.display === 'standalone' && m.start_url === '/' && m.icons.some((i) => i.sizes === '512x512'), `manifest ${manifest.data}`)
  for (const icon of m.icons) {
    const r = await fetch(new URL(icon.src, manifest.url))
    expect(r.ok && r.headers.get('content-type') === icon.type, `icon ${icon.src}: ${r.status} ${r.headers.get('content-type')}`)
  }
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope)
  expect(scope === `${base}/`, `service worker scope ${scope}`)
  console.log('ok   the manifest is valid and the service worker registers at the root')

  // A push delivered to the worker (as the push service would) becomes a
  // notification tagged with the post.
  const reg = await until('the worker registration', () => registrations.find((r) => r.scopeURL === `${base}/` && !r.isDeleted))
  await cdp.send('ServiceWorker.deliverPushMessage', { origin: base, registrationId: reg.registrationId,
    data: JSON.stringify({ title: '@bob', body: 'lunch?', channel_id: 'c1', post_id: 'p1', url: '/crew/pl/p1' }) })
  const shown = await until('the notification', () => page.evaluate(async () => {
    const n = await (await navigator.serviceWorker.ready).getNotifications()
    return n.length && n.map((x) => ({ title: x.title, body: x.body, tag: x.tag, url: x.data?.url }))
  }))
  expect(shown[0].title === '@bob' && shown[0].body === 'lunch?' && shown[0].tag === 'p1' && shown[0].url === `${base}/crew/pl/p1`,
    `notification ${JSON.stringify(shown)}`)
  console.log('ok   the service worker shows a pushed message')

  // The settings flow, in a persistent profile: an off-the-record
  // context (as above) refuses every push subscription outright.
  profile = await chromium.launchPersistentContext(join(data, 'chromium'), { executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: chromiumArgs })
  await profile.grantPermissions(['notifications'], { origin: base })
  // Records the key the client hands to PushManager.subscribe, whatever
  // the push service then answers.
  await profile.addInitScript(() => {
    const orig = PushManager.prototype.subscribe
    PushManager.prototype.subscribe = function (opts) {
      const k = new Uint8Array(opts.applicationServerKey)
      window.__subscribeKey = btoa(String.fromCharCode(...k)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
      return orig.call(this, opts)
    }
  })
  page = await profile.newPage()
  page.setDefaultTimeout(15000)
  await login(page)
  await page.evaluate(() => navigator.serviceWorker.ready)
  await page.getByRole('button', { name: /@alice/ }).click()
  // This server has email invitations off: no one is offered the dialog.
  await page.getByRole('menuitem', { name: 'Account settings' }).waitFor()
  expect(!(await page.getByRole('menuitem', { name: 'Invite people' }).count()), '"Invite people" offered with email invitations off')
  await page.getByRole('menuitem', { name: 'Account settings' }).click()
  await page.getByRole('tab', { name: 'Notifications' }).click()
  await page.getByRole('button', { name: 'Enable desktop notifications' }).click()
  const status = page.locator('.desktop-push [role=status]')
  await status.waitFor({ timeout: 30000 }) // the client gives the push service 10 s
  const said = await status.textContent()
  await page.screenshot({ path: join(shots, 'webpush-01-settings.png') })
  const key = await page.evaluate(() => window.__subscribeKey)
  expect(key === vapid.public_key, `subscribe was called with ${key}, the server's key is ${vapid.public_key}`)
  const stored = await page.evaluate(async () => (await fetch('/api/v4/parley/webpush/subscriptions', { headers: { 'X-Requested-With': 'XMLHttpRequest' } })).json())
  if (said.includes('also while Parley is closed')) {
    const endpoint = await page.evaluate(async () => (await (await navigator.serviceWorker.ready).pushManager.getSubscription())?.endpoint)
    expect(stored.length === 1 && stored[0].endpoint === endpoint, `subscribed, but the server holds ${JSON.stringify(stored)}`)
    console.log(`ok   subscribed with the server's VAPID key; the server holds ${endpoint.slice(0, 40)}…`)
  } else {
    expect(said.includes('could not subscribe with its push service'), `unexpected message: ${said}`)
    expect(stored.length === 0, `subscription failed, but the server holds ${JSON.stringify(stored)}`)
    console.log(`ok   subscribe was called with the server's VAPID key; the push service was out of reach and the page says so: ${said}`)
  }
} catch (e) {
  failed = true
  console.log(`FAIL web push in the browser: ${e.stack}`)
} finally {
  await profile?.close()
  await browser?.close()
  server.kill('SIGTERM')
  rmSync(data, { recursive: true, force: true })
}
process.exit(failed ? 1 : 0)
