// End-to-end test: a real Parley on a random 127.0.0.1 port, driven through
// Debian's Chromium with playwright-core. Two users in two browser contexts.
// Usage: node e2e/run.mjs [path/to/parley]  (default ../bin/parley, built by `make build`)
// Screenshots go to web/test-results/.
import { spawn } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createServer as createHttpServer } from 'node:http'
import { gzipSync, deflateSync } from 'node:zlib'
import { createHmac } from 'node:crypto'
import { createRequire } from 'node:module'
import { chromium } from 'playwright-core'
import { freePort } from './util.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const bin = process.argv[2] || join(here, '../../bin/parley')
const shots = join(here, '../test-results')
mkdirSync(shots, { recursive: true })
const T = 15000 // generous: without the WebSocket the client polls every 4 s
const t0 = Date.now()
let step = ''
const log = (m) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`)


// A stand-in web page with OpenGraph tags, for link previews (allowed as an internal host below).
// It also stands in for an integration behind a message button (POST /action).
const site = createHttpServer((req, res) => {
  if (req.method === 'POST' && req.url === '/action') {
    let body = ''
    req.on('data', (c) => { body += c })
    req.on('end', () => {
      const click = JSON.parse(body || '{}')
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ update: { message: `Deploy approved by @${click.user_name} (${click.context?.ticket})` }, ephemeral_text: 'Thanks, deploying now.' }))
    })
    return
  }
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
  res.end('<!doctype html><html><head><meta property="og:site_name" content="Parley Docs"><meta property="og:title" content="Release notes 2.0">' +
    '<meta property="og:description" content="Files, search, custom emoji and integrations in the web client."></head><body>hi</body></html>')
})
await new Promise((r) => site.listen(0, '127.0.0.1', r))
const siteUrl = `http://127.0.0.1:${site.address().port}/notes`
const port = await freePort()
const data = mkdtempSync(join(tmpdir(), 'parley-e2e-'))
const base = `http://127.0.0.1:${port}`
let server
let serverLog = ''
async function startServer() {
  server = spawn(bin, ['--listen', `127.0.0.1:${port}`, '--data', data], { stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PARLEY_ALLOWED_INTERNAL_HOSTS: '127.0.0.1', PARLEY_ENABLE_API_DELETION: 'true' } })
  server.stdout.on('data', (d) => (serverLog += d))
  server.stderr.on('data', (d) => (serverLog += d))
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${base}/api/v4/system/ping`)).ok) break } catch { /* not yet */ }
    if (i > 100) { server.kill('SIGTERM'); throw new Error('parley did not start:\n' + serverLog) }
    await new Promise((r) => setTimeout(r, 100))
  }
}
async function stopServer() {
  const exited = new Promise((r) => server.once('exit', r))
  server.kill('SIGTERM')
  await exited
}
await startServer()
log(`parley on ${base}`)

// playwright-core gives every launch a fresh, empty user-data-dir of its own.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
}).catch((e) => { server?.kill('SIGTERM'); throw e })

let failed = false
const dumpPages = []
const results = []
async function check(name, fn) {
  step = name
  const s = Date.now()
  try { await fn(); results.push(`ok   ${name} (${Date.now() - s} ms)`); log(`ok ${name}`) } catch (e) {
    failed = true
    results.push(`FAIL ${name}: ${e.message.split('\n')[0]}`)
    log(`FAIL ${name}: ${e.stack}`)
    for (const [i, pg] of dumpPages.entries()) await pg.screenshot({ path: join(shots, `FAIL-${i ? 'bob' : 'alice'}.png`) }).catch(() => {})
    for (const pg of dumpPages) {
      const st = await pg.evaluate(() => { const s = window.parley?.getState(); return s && JSON.stringify({ socket: s.socket, cur: s.currentChannelId, channels: Object.values(s.channels).map((c) => [c.name, c.total_msg_count, c.total_msg_count_root]), members: Object.values(s.members).map((m) => [m.channel_id, m.msg_count, m.msg_count_root, m.mention_count, m.mention_count_root]), order: ((cp) => cp && { n: cp.order.length, atOldest: cp.atOldest, atNewest: cp.atNewest, first: cp.order.slice(0, 3).map((id) => s.posts[id]?.message.slice(0, 30)) })(s.channelPosts[s.currentChannelId]) }) }).catch((x) => String(x))
      log(`state: ${st}`)
    }
    throw e
  }
}
const shot = async (page, name) => page.screenshot({ path: join(shots, `${name}.png`) })

// A small PNG (a colour gradient) built by hand, so the test needs no image files.
function png(w, h) {
  const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0 })
  const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0 }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length)
    const td = Buffer.concat([Buffer.from(type), data])
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td))
    return Buffer.concat([len, td, c])
  }
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2
  const raw = Buffer.alloc((w * 3 + 1) * h)
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const o = y * (w * 3 + 1) + 1 + x * 3
    raw[o] = (x * 255 / w) | 0; raw[o + 1] = (y * 255 / h) | 0; raw[o + 2] = 180
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))])
}
// axe-core, injected into the page: no serious or critical violation is allowed on the main screens.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const axeReport = []
async function axe(page, screen) {
  if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ content: axeSource })
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] })
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')})`)
  })
  axeReport.push(`${screen}: ${found.length ? found.length + ' serious/critical' : 'none serious or critical'}`)
  // Reported at the end with the others (one run shows every screen's findings), and the run fails.
  if (found.length) { failed = true; results.push(`FAIL axe on ${screen}:\n  ${found.join('\n  ')}`); log(`axe on ${screen}:\n  ${found.join('\n  ')}`) }
}
// RFC 6238 TOTP (30 s, 6 digits, SHA-1), as an authenticator app computes it from the MFA secret.
function totp(secret, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const c of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0')
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)))
  const counter = Buffer.alloc(8); counter.writeBigUInt64BE(BigInt(Math.floor(at / 30000)))
  const h = createHmac('sha1', key).update(counter).digest()
  const o = h[h.length - 1] & 0xf
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, '0')
}
const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n')
// The server rate-limits each user (50 requests a second by default): wait and retry on 429.
async function postRetry(url, init) {
  for (let i = 0; ; i++) {
    const r = await fetch(url, init)
    if (r.status !== 429 || i > 50) return r
    await new Promise((res) => setTimeout(res, 100 + Math.random() * 200))
  }
}
async function apiLogin(user) {
  const r = await fetch(`${base}/api/v4/users/login`, { method: 'POST', body: JSON.stringify({ login_id: user, password: 'secret123' }) })
  return { Authorization: `Bearer ${r.headers.get('token')}` }
}

try {
  // bypassCSP: only so that axe-core can be injected into the page (the server's CSP forbids inline scripts).
  const ctxA = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true })
  const ctxB = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true })
  const a = await ctxA.newPage()
  const b = await ctxB.newPage()
  dumpPages.push(a, b)
  for (const [n, p] of [['alice', a], ['bob', b]]) {
    p.on('pageerror', (e) => { log(`${n} page error: ${e.message}`); failed = true })
    p.on('console', (m) => { if (m.type() === 'error' && !/websocket|Failed to load resource/i.test(m.text())) log(`${n} console: ${m.text()}`) })
    p.setDefaultTimeout(T)
    if (process.env.E2E_DEBUG_WS) p.on('websocket', (w) => {
      w.on('framesent', (f) => log(`${n} ws> ${String(f.payload).slice(0, 200)}`))
      w.on('framereceived', (f) => log(`${n} ws< ${String(f.payload).slice(0, 200)}`))
    })
  }

  let firstLoad
  await check('first account signs up and is led to create the first team', async () => {
    await a.goto(base + '/')
    await a.waitForURL('**/login')
    firstLoad = await a.evaluate(() => {
      const res = performance.getEntriesByType('resource').filter((r) => r.initiatorType === 'script' || r.name.endsWith('.js'))
      const nav = performance.getEntriesByType('navigation')[0]
      return { js: res.map((r) => ({ name: r.name.split('/').pop(), bytes: r.encodedBodySize })), domContentLoaded: Math.round(nav.domContentLoadedEventEnd) }
    })
    await axe(a, 'login')
    await a.getByText('Create the first one').click()
    await a.getByLabel('Email').fill('alice@example.com')
    await a.getByLabel('Username').fill('alice')
    await a.getByLabel('Password').fill('secret123')
    await shot(a, '01-signup')
    await a.getByRole('button', { name: 'Create account' }).click()
    await a.getByText('Create your first team').waitFor()
    await a.getByLabel('Team name').fill('Staff')
    await shot(a, '02-first-team')
    await a.getByRole('button', { name: 'Create team' }).click()
    await a.waitForURL('**/staff/channels/town-square')
    await a.locator('#channel-title').getByText('Town Square').waitFor()
  })

  await check('second user signs up and joins the team', async () => {
    await b.goto(base + '/signup_user_complete')
    await b.getByLabel('Email').fill('bob@example.com')
    await b.getByLabel('Username').fill('bob')
    await b.getByLabel('Password').fill('secret123')
    await b.getByRole('button', { name: 'Create account' }).click()
    // The Join button sits beside the team's name, not over it.
    const name = await b.locator('.team-list li b').filter({ hasText: 'Staff' }).boundingBox()
    const join = await b.getByRole('button', { name: 'Join' }).boundingBox()
    if (!name || !join || join.x < name.x + name.width) throw new Error(`Join button covers the team name: ${JSON.stringify({ name, join })}`)
    await shot(b, '02a-join-team')
    await b.getByRole('button', { name: 'Join' }).click()
    await b.waitForURL('**/staff/channels/town-square')
  })

  const post = async (page, text, box = '#composer') => {
    await page.locator(box).fill(text)
    await page.locator(box).press('Enter')
  }
  const postEl = (page, text) => page.locator('.post .body').filter({ hasText: text })

  await check('messages arrive in real time', async () => {
    await post(a, 'Hello @bob, welcome to **Parley**!')
    await postEl(b, 'welcome to Parley').waitFor()
    await post(b, 'Thanks alice :tada:')
    await postEl(a, 'Thanks alice 🎉').waitFor()
    await shot(b, '03-chat')
  })

  await check('markdown renders as Mattermost does', async () => {
    await post(a, '```go\nfunc main() {\n\tfmt.Println("hi")\n}\n```')
    await post(a, '| lang | stars |\n|---|---:|\n| Go | 5 |\n| TS | 4 |')
    await post(a, '> a quote\n\n- one\n- two\n\nsee https://example.com and ~off-topic for more')
    await b.locator('.post .body table').waitFor()
    await b.locator('.post .body pre code.hljs').waitFor()
    await b.locator('.post .body a.channel-link').waitFor()
    await shot(b, '04-markdown')
  })

  await check('unread channel is bold with a mention badge', async () => {
    await b.locator('a.ch[data-channel="off-topic"]').click()
    await b.waitForURL('**/channels/off-topic')
    await post(a, 'ping @bob: are you there?')
    const ts = b.locator('a.ch[data-channel="town-square"]')
    await ts.locator('.badge').getByText('1').waitFor()
    if (!(await ts.getAttribute('class')).includes('unread')) throw new Error('town-square is not bold')
    await b.waitForFunction(() => document.title.startsWith('(1)'))
    await shot(b, '05-unread-badge')
  })

  await check('opening the channel shows the new-messages line and clears the badge', async () => {
    const s = Date.now()
    await b.locator('a.ch[data-channel="town-square"]').click()
    await postEl(b, 'are you there?').waitFor()
    log(`channel switch rendered in ${Date.now() - s} ms (click to post visible, incl. Playwright overhead)`)
    await b.locator('.new-sep').waitFor()
    await b.locator('a.ch[data-channel="town-square"] .badge').waitFor({ state: 'detached' })
    await shot(b, '06-new-messages-line')
  })

  await check('reply in a thread, reply count on the root', async () => {
    const root = b.locator('.post').filter({ hasText: 'are you there?' })
    await root.hover()
    await root.getByRole('button', { name: 'Reply' }).click()
    await b.locator('.rhs').waitFor()
    const box = b.locator('.rhs textarea')
    await box.fill('Yes, replying in the thread')
    await box.press('Enter')
    await b.locator('.rhs .post .body').filter({ hasText: 'replying in the thread' }).waitFor()
    await a.locator('.post').filter({ hasText: 'are you there?' }).getByRole('button', { name: /1 reply/ }).click()
    await a.locator('.rhs .post .body').filter({ hasText: 'replying in the thread' }).waitFor()
    await shot(a, '07-thread')
  })

  await check('Threads view: unread badge, mark read, unfollow', async () => {
    await a.locator('#threads-btn').click()
    const item = a.locator('.threads-view .thread-item').filter({ hasText: 'are you there?' })
    await item.getByLabel('1 new replies').waitFor()
    await shot(a, '07b-threads-view')
    await item.getByRole('button', { name: 'Mark read' }).click()
    await item.getByLabel('1 new replies').waitFor({ state: 'detached' })
    await item.getByRole('button', { name: 'Unfollow' }).click()
    await item.waitFor({ state: 'detached' })
    await a.locator('#threads-btn').click()
  })

  await check('reactions toggle and show live', async () => {
    const p = a.locator('.post').filter({ hasText: 'Thanks alice' }).first()
    await p.hover()
    await p.getByRole('button', { name: 'Add reaction' }).first().click()
    await a.getByRole('dialog', { name: 'Pick a reaction' }).getByRole('button', { name: '+1', exact: true }).click()
    await b.locator('.post').filter({ hasText: 'Thanks alice' }).locator('.reaction').filter({ hasText: '👍' }).waitFor()
    await shot(b, '08-reaction')
  })

  await check('typing indicator (needs the WebSocket)', async () => {
    const live = await a.locator('.sock-open').count() && await b.locator('.sock-open').count()
    if (!live) { log('skipped: WebSocket not available on this server'); return }
    await b.locator('#composer').pressSequentially('typing something', { delay: 20 })
    await a.getByText('bob is typing…').waitFor()
    await b.locator('#composer').fill('')
  })

  await check('Up edits the last message; edits and deletes show live', async () => {
    await a.locator('.rhs').getByRole('button', { name: 'Close thread' }).click()
    await post(a, 'this will be edited')
    await postEl(b, 'this will be edited').waitFor()
    await a.locator('#composer').press('ArrowUp')
    const edit = a.getByLabel('Edit message')
    await edit.fill('this was edited')
    await edit.press('Enter')
    await postEl(b, 'this was edited').waitFor()
    await b.locator('.post').filter({ hasText: 'this was edited' }).locator('.edited').waitFor()
    await post(a, 'a mistake to delete')
    await postEl(b, 'a mistake to delete').waitFor()
    a.on('dialog', () => { throw new Error('the browser confirm() was used') })
    const m = a.locator('.post').filter({ hasText: 'a mistake to delete' })
    await m.hover()
    await m.getByRole('button', { name: 'More actions' }).click()
    // The newest message's menu opens inside the viewport, above the composer, every item clickable.
    const menu = a.getByRole('menu', { name: 'Message actions' })
    await menu.evaluate((el) => { const r = el.getBoundingClientRect(); if (r.top < 0 || r.bottom > innerHeight) throw new Error(`menu outside the viewport: ${r.top}-${r.bottom} of ${innerHeight}`) })
    for (const name of ['Edit', 'Pin to channel', 'Copy link', 'Delete']) await menu.getByRole('menuitem', { name }).click({ trial: true, timeout: 3000 })
    await shot(a, '09a-menu')
    await menu.getByRole('menuitem', { name: 'Delete' }).click()
    const confirmDlg = a.getByRole('dialog', { name: 'Confirm Post Delete' })
    await confirmDlg.getByText('Are you sure you want to delete this message?').waitFor()
    await shot(a, '09b-confirm-delete')
    await confirmDlg.getByRole('button', { name: 'Delete' }).click()
    await postEl(b, 'a mistake to delete').waitFor({ state: 'detached' })
    await shot(b, '09-edited')
  })

  await check('drafts are kept per channel', async () => {
    await b.locator('#composer').fill('half-written thought')
    await b.locator('a.ch[data-channel="off-topic"]').click()
    await b.waitForURL('**/off-topic')
    await b.locator('a.ch[data-channel="town-square"]').click()
    await b.waitForURL('**/town-square')
    if ((await b.locator('#composer').inputValue()) !== 'half-written thought') throw new Error('draft lost')
    // Switching between channels already loaded, timed inside the page: click to
    // the first animation frame where the other channel's messages are shown.
    const times = []
    for (const [from, to, text] of [['town-square', 'off-topic', null], ['off-topic', 'town-square', 'welcome to Parley'], ['town-square', 'off-topic', null], ['off-topic', 'town-square', 'welcome to Parley']]) {
      if (!text) { await b.locator(`a.ch[data-channel="${to}"]`).click(); await b.waitForURL(`**/${to}`); await b.waitForTimeout(200); continue }
      times.push(await b.evaluate(([to, text]) => new Promise((res) => {
        const t = performance.now()
        document.querySelector(`a.ch[data-channel="${to}"]`).click()
        const tick = () => {
          const ok = [...document.querySelectorAll('.post .body')].some((e) => e.textContent.includes(text))
          if (ok && document.querySelector('#channel-title')?.textContent.includes('Town Square')) res(Math.round(performance.now() - t))
          else requestAnimationFrame(tick)
        }
        requestAnimationFrame(tick)
      }), [to, text]))
    }
    log(`switch to an already loaded channel, measured in the page: ${times.join(' ms, ')} ms`)
    await b.locator('#composer').fill('')
  })

  await check('after a reload everything is still there', async () => {
    await b.reload()
    await postEl(b, 'welcome to Parley').waitFor()
    await postEl(b, 'this was edited').waitFor()
    await b.locator('.post').filter({ hasText: 'are you there?' }).getByRole('button', { name: /1 reply/ }).waitFor()
    await b.locator('.post').filter({ hasText: 'Thanks alice' }).locator('.reaction').filter({ hasText: '👍' }).waitFor()
    if (await postEl(b, 'a mistake to delete').count()) throw new Error('deleted post came back')
    await shot(b, '10-after-reload')
  })

  await check('files: drop then remove, upload an image and a PDF; the other user sees a thumbnail and a card', async () => {
    // Drag and drop a file onto the channel, then remove it before sending.
    const dt = await a.evaluateHandle(() => { const d = new DataTransfer(); d.items.add(new File(['some notes'], 'notes.txt', { type: 'text/plain' })); return d })
    await a.locator('section.channel').dispatchEvent('dragenter', { dataTransfer: dt })
    await a.locator('.drop-overlay').waitFor()
    await a.locator('section.channel').dispatchEvent('drop', { dataTransfer: dt })
    await a.locator('.upload.done[data-upload-name="notes.txt"]').waitFor()
    await a.getByRole('button', { name: 'Remove notes.txt' }).click()
    await a.locator('.upload').waitFor({ state: 'detached' })
    // The paper clip: an image and a PDF at once.
    await a.locator('input.file-input').setInputFiles([
      { name: 'gradient.png', mimeType: 'image/png', buffer: png(480, 300) },
      { name: 'report.pdf', mimeType: 'application/pdf', buffer: pdf },
    ])
    await a.locator('.upload.done').nth(1).waitFor()
    await shot(a, '16-uploads')
    await post(a, 'the quarterly numbers')
    const p = b.locator('.post').filter({ hasText: 'the quarterly numbers' })
    const img = p.locator('.file-image img')
    await img.waitFor()
    await b.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle())
    // The list stayed at the bottom when the image loaded: the newest post is above the composer.
    await b.waitForFunction(() => {
      const last = [...document.querySelectorAll('.channel .post')].pop(), box = document.querySelector('.channel .composer')
      return last && box && last.getBoundingClientRect().bottom <= box.getBoundingClientRect().top + 1
    }, null, { timeout: 3000 }).catch(() => { throw new Error('the newest post sits under the composer after its image loaded') })
    await p.locator('.file-card[data-file-name="report.pdf"]').getByText(/PDF ·/).waitFor()
    await shot(b, '17-files')
    await p.getByRole('button', { name: 'Open image gradient.png' }).click()
    const pv = b.getByRole('dialog', { name: 'Preview of gradient.png' })
    await b.waitForFunction(() => { const i = document.querySelector('.preview-img'); return i && i.complete && i.naturalWidth > 0 })
    await shot(b, '18-preview')
    await b.keyboard.press('Escape')
    await pv.waitFor({ state: 'detached' })
    // Playwright scrolled the list to click the image; back to the bottom, as a reader would.
    await b.locator('.posts').evaluate((el) => { const sc = el.querySelector('[data-virtuoso-scroller]') || el; sc.scrollTop = sc.scrollHeight })
  })

  await check('custom emoji: added live, rendered, in the picker', async () => {
    const H = await apiLogin('alice')
    const fd = new FormData()
    fd.append('image', new Blob([png(64, 64)], { type: 'image/png' }), 'parrot.png')
    fd.append('emoji', JSON.stringify({ name: 'partyparrot', creator_id: (await (await fetch(`${base}/api/v4/users/me`, { headers: H })).json()).id }))
    const r = await fetch(`${base}/api/v4/emoji`, { method: 'POST', headers: H, body: fd })
    if (r.status !== 200) throw new Error(`create emoji: ${r.status} ${await r.text()}`)
    await b.waitForFunction(() => !!window.parley?.getState().customEmoji.partyparrot)
    await b.locator('#composer').fill('so good :partypa')
    await b.locator('.autocomplete').getByText(':partyparrot:').click()
    await b.locator('#composer').press('Enter')
    const p = a.locator('.post').filter({ has: a.locator('img.custom-emoji[alt=":partyparrot:"]') })
    await p.waitFor()
    await p.hover()
    await p.getByRole('button', { name: 'Add reaction' }).first().click()
    const dlg = a.getByRole('dialog', { name: 'Pick a reaction' })
    await dlg.getByLabel('Search emoji').fill('partyp')
    await dlg.getByRole('button', { name: 'partyparrot' }).click()
    await b.locator('.post .reaction img.custom-emoji').waitFor()
    await shot(b, '19-custom-emoji')
  })

  await check('incoming webhook: a Slack attachment arrives live with its overrides and BOT badge', async () => {
    const H = await apiLogin('alice')
    const ch = await (await fetch(`${base}/api/v4/teams/name/staff/channels/name/town-square`, { headers: H })).json()
    const hr = await fetch(`${base}/api/v4/hooks/incoming`, { method: 'POST', headers: H, body: JSON.stringify({ channel_id: ch.id, display_name: 'CI builds' }) })
    if (hr.status !== 201) throw new Error(`create hook: ${hr.status} ${await hr.text()}`)
    const hook = await hr.json()
    const r = await fetch(`${base}/hooks/${hook.id}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({
      text: 'Build finished for <https://example.com/pr/7|PR 7>',
      attachments: [{ fallback: 'Build 128 failed', color: 'danger', pretext: 'Nightly pipeline', author_name: 'ci', title: 'Build #128 failed',
        title_link: 'https://ci.example.com/128', text: 'Step **test** exited with code 1',
        fields: [{ title: 'Branch', value: 'main', short: true }, { title: 'Duration', value: '4m 12s', short: true }, { title: 'Failing test', value: '`TestUpload`', short: false }],
        footer: 'Parley CI', ts: Math.floor(Date.now() / 1000) }],
    }) })
    if (r.status !== 200) throw new Error(`post to hook: ${r.status} ${await r.text()}`)
    const p = b.locator('.post').filter({ hasText: 'Build #128 failed' })
    await p.locator('.attachment[data-color="#a30200"]').waitFor()
    await p.locator('.bot-badge').waitFor()
    await p.locator('.author').getByText('CI builds').waitFor()
    await p.locator('.att-fields').getByText('4m 12s').waitFor()
    await p.locator('.att-title a[href="https://ci.example.com/128"]').waitFor()
    await shot(b, '20-webhook')
  })

  await check('message button: a click reaches the integration, which updates the post for everyone', async () => {
    const H = await apiLogin('alice')
    const ch = await (await fetch(`${base}/api/v4/teams/name/staff/channels/name/town-square`, { headers: H })).json()
    const hook = await (await fetch(`${base}/api/v4/hooks/incoming`, { method: 'POST', headers: H, body: JSON.stringify({ channel_id: ch.id }) })).json()
    const origin = new URL(siteUrl).origin
    const r = await fetch(`${base}/hooks/${hook.id}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({
      text: 'Deploy request for release 2.0',
      attachments: [{ text: 'Ticket OPS-42', actions: [{ name: 'Approve', style: 'primary', integration: { url: `${origin}/action`, context: { ticket: 'OPS-42' } } }] }],
    }) })
    if (r.status !== 200) throw new Error(`post to hook: ${r.status} ${await r.text()}`)
    const p = b.locator('.post').filter({ hasText: 'Deploy request for release 2.0' })
    await p.getByRole('button', { name: 'Approve' }).click()
    await a.locator('.post').filter({ hasText: 'Deploy approved by @bob (OPS-42)' }).waitFor()
    await b.locator('.post.ephemeral').filter({ hasText: 'Thanks, deploying now.' }).waitFor()
    await shot(b, '20b-button')
  })

  await check('link preview: the card appears when the server has fetched the page', async () => {
    await post(a, `the notes are out: ${siteUrl}`)
    const p = b.locator('.post').filter({ hasText: 'the notes are out' })
    await p.locator('.link-preview').getByText('Release notes 2.0').waitFor()
    await p.locator('.link-preview .lp-site').getByText('Parley Docs').waitFor()
    await shot(b, '20a-link-preview')
  })

  await check('slash commands: autocomplete, /me, an ephemeral answer, an unknown command', async () => {
    await b.locator('#composer').fill('/ec')
    await b.locator('.autocomplete').getByText('/echo').waitFor()
    await b.locator('#composer').press('Tab')
    if ((await b.locator('#composer').inputValue()) !== '/echo ') throw new Error('autocomplete did not complete /echo')
    await b.locator('#composer').fill('/me waves at everyone')
    await b.locator('#composer').press('Enter')
    await a.locator('.post .body em').filter({ hasText: 'waves at everyone' }).waitFor()
    await post(b, '/echo "echoed by the server"')
    await postEl(a, 'echoed by the server').waitFor()
    await post(b, '/echo')
    const eph = b.locator('.post.ephemeral').filter({ hasText: 'to echo back text' })
    await eph.getByText('(Only visible to you)').waitFor()
    await post(b, '/nosuchcommand now')
    await b.locator('.composer-error').waitFor()
    if ((await b.locator('#composer').inputValue()) !== '/nosuchcommand now') throw new Error('failed command was not kept in the box')
    await shot(b, '21-slash')
    await b.locator('#composer').fill('')
    await b.waitForTimeout(300)
    if (await postEl(a, 'to echo back text').count()) throw new Error('ephemeral message reached another user')
  })

  await check('create a channel and a direct message', async () => {
    await a.getByRole('button', { name: 'Create channel' }).click()
    await a.getByLabel('Name').fill('Design Review')
    await a.getByRole('button', { name: 'Create channel' }).last().click()
    await a.waitForURL('**/channels/design-review')
    await a.getByRole('button', { name: 'Start a direct message' }).click()
    await a.getByRole('dialog').getByRole('button', { name: /@bob/ }).click()
    await a.getByRole('dialog').getByRole('button', { name: 'Go' }).click()
    await a.waitForURL(/channels\/[a-z0-9]+__[a-z0-9]+/)
    await post(a, 'a private word')
    const dm = b.locator('a.ch').filter({ hasText: 'alice' })
    await dm.locator('.badge').waitFor()
    await shot(b, '11-dm-badge')
  })

  await check('phone-sized screen and dark theme', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 760 }, colorScheme: 'dark', isMobile: true, hasTouch: true })
    await ctx.addCookies((await ctxB.cookies()))
    const m = await ctx.newPage()
    await m.goto(base + '/staff/channels/town-square')
    await postEl(m, 'echoed by the server').waitFor()
    await shot(m, '12-phone-dark')
    await m.getByRole('button', { name: 'Open channel list' }).click()
    await m.locator('.nav-open').waitFor()
    await m.waitForTimeout(400) // the drawer slides in
    await shot(m, '13-phone-sidebar')
    // Account settings on a phone: the sections become a row above the panel, inside the screen.
    await m.locator('.me-btn').click()
    await m.getByRole('menuitem', { name: 'Account settings' }).click()
    const dlg = m.getByRole('dialog', { name: 'Account settings' })
    await dlg.getByRole('tab', { name: 'Notifications' }).click()
    const wide = await dlg.evaluate((el) => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > innerWidth)
    if (wide) throw new Error('account settings overflow a phone screen')
    await shot(m, '13b-phone-settings')
    await ctx.close()
  })

  await check('account settings: profile, dark theme', async () => {
    await a.locator('.me-btn').click()
    await a.getByRole('menuitem', { name: 'Account settings' }).click()
    const dlg = a.getByRole('dialog', { name: 'Account settings' })
    await dlg.getByLabel('First name').fill('Alice')
    await dlg.getByLabel('Last name').fill('Liddell')
    await dlg.getByRole('button', { name: 'Save profile' }).click()
    await dlg.getByText('Profile saved.').waitFor()
    await dlg.getByRole('tab', { name: 'Display' }).click()
    await dlg.getByLabel('Dark').check()
    await a.waitForFunction(() => document.documentElement.dataset.theme === 'dark')
    await shot(a, '13a-settings-dark')
    await axe(a, 'account settings (dark)')
    await dlg.getByLabel('Follow the system').check()
    await a.keyboard.press('Escape')
    await dlg.waitFor({ state: 'detached' })
  })

  await check('history: a long channel scrolls back to its first post in a virtualised list', async () => {
    const login = await fetch(`${base}/api/v4/users/login`, { method: 'POST', body: JSON.stringify({ login_id: 'alice', password: 'secret123' }) })
    const H = { Authorization: `Bearer ${login.headers.get('token')}` }
    const ch = await (await fetch(`${base}/api/v4/teams/name/staff/channels/name/off-topic`, { headers: H })).json()
    const N = 600
    for (let i = 0; i < N; i += 20) {
      const rs = await Promise.all(Array.from({ length: 20 }, (_, j) => postRetry(`${base}/api/v4/posts`, { method: 'POST', headers: H,
        body: JSON.stringify({ channel_id: ch.id, message: `history message ${i + j}${(i + j) % 7 === 0 ? '\nwith a second line' : ''}` }) })))
      const bad = rs.find((r) => r.status !== 201)
      if (bad) throw new Error(`creating history: ${bad.status}`)
    }
    await b.locator('a.ch[data-channel="off-topic"]').click()
    await b.waitForURL('**/off-topic')
    await b.locator('.post').first().waitFor()
    const s = Date.now()
    let maxDom = 0
    for (let k = 0; k < 200; k++) {
      maxDom = Math.max(maxDom, await b.locator('.post').count())
      if (await b.getByText('Beginning of').count()) { log(`reached the beginning after ${k} scrolls`); break }
      await b.locator('.posts').evaluate((el) => { const sc = el.querySelector('[data-virtuoso-scroller]') || el; sc.scrollTop = 0 })
      await b.waitForTimeout(100)
    }
    await postEl(b, /^history message 0(?!\d)/).waitFor()
    log(`scrolled back through ${N} posts in ${Date.now() - s} ms; at most ${maxDom} posts in the DOM`)
    if (maxDom > 150) throw new Error(`list not virtualised: ${maxDom} posts in the DOM`)
    await shot(b, '14a-history-top')
  })

  await check('after the server restarts, the client reconnects and catches up without a reload', async () => {
    await b.locator('a.ch[data-channel="town-square"]').click()
    await b.waitForURL('**/town-square')
    await stopServer()
    await startServer()
    // Post through the API at once, before the browser's socket is back.
    const login = await fetch(`${base}/api/v4/users/login`, { method: 'POST', body: JSON.stringify({ login_id: 'alice', password: 'secret123' }) })
    const token = login.headers.get('token')
    const H = { Authorization: `Bearer ${token}` }
    const ch = await (await fetch(`${base}/api/v4/teams/name/staff/channels/name/town-square`, { headers: H })).json()
    const r = await fetch(`${base}/api/v4/posts`, { method: 'POST', headers: H, body: JSON.stringify({ channel_id: ch.id, message: 'posted while you were away' }) })
    if (r.status !== 201) throw new Error(`post: ${r.status}`)
    await postEl(b, 'posted while you were away').waitFor({ timeout: 20000 })
  })

  await check('search finds an old message and jumps to it in context', async () => {
    // alice never opened off-topic: the jump loads the channel around the post.
    await a.locator('a.ch[data-channel="town-square"]').click()
    await a.waitForURL('**/town-square')
    await postEl(a, 'echoed by the server').waitFor()
    const box = a.getByRole('searchbox', { name: 'Search messages' })
    await box.fill('"history message 7" in:off-topic')
    await box.press('Enter')
    const res = a.locator('.search-results .result').filter({ hasText: 'history message 7' })
    await res.first().waitFor()
    if ((await a.locator('.search-results .result').count()) !== 1) throw new Error(`expected 1 result, got ${await a.locator('.search-results .result').count()}`)
    await res.locator('mark.search-hit').first().waitFor()
    await shot(a, '22-search')
    await res.getByRole('button', { name: 'Jump', exact: true }).click()
    await a.waitForURL('**/channels/off-topic')
    const hit = a.locator('.post.highlight').filter({ hasText: /history message 7(?!\d)/ })
    await hit.waitFor()
    await hit.evaluate((el) => { const r = el.getBoundingClientRect(); if (r.bottom < 0 || r.top > innerHeight) throw new Error('highlighted post is off screen') })
    await postEl(a, /history message 6(?!\d)/).waitFor()
    await postEl(a, /history message 8(?!\d)/).waitFor()
    await a.getByRole('button', { name: /Jump to recent/ }).waitFor()
    await shot(a, '23-jump')
    // A permalink to an old post works from a fresh load too.
    const id = await hit.getAttribute('data-post-id')
    await b.goto(`${base}/staff/pl/${id}`)
    await b.waitForURL('**/channels/off-topic')
    await b.locator('.post.highlight').filter({ hasText: /history message 7(?!\d)/ }).waitFor()
    await a.getByRole('button', { name: /Jump to recent/ }).click()
    await postEl(a, /history message 599/).waitFor()
  })

  await check('menus and dialogs: Escape and outside clicks close them; Ctrl+K types into the search; task lists', async () => {
    await a.locator('.me-btn').click()
    const acct = a.getByRole('menu', { name: 'Account menu' })
    await acct.waitFor()
    await a.keyboard.press('Escape')
    await acct.waitFor({ state: 'detached' })
    await a.locator('.me-btn').click()
    await acct.waitFor()
    await a.locator('#channel-title').click()
    await acct.waitFor({ state: 'detached' })
    await a.locator('#composer').click()
    await a.keyboard.press('Control+k')
    await a.getByRole('dialog', { name: 'Switch channel' }).waitFor()
    await a.keyboard.type('town')
    const q = await a.getByRole('textbox', { name: 'Channel name' }).inputValue()
    if (q !== 'town') throw new Error(`switcher box holds ${JSON.stringify(q)}`)
    await a.keyboard.press('Escape')
    await a.getByRole('dialog', { name: 'Switch channel' }).waitFor({ state: 'detached' })
    await post(a, '- [ ] write the tests\n- [x] read the issue')
    const checkbox = a.locator('.post .body input[type=checkbox]').last()
    await checkbox.waitFor() // the post may render a moment after it is sent
    // The pending post is replaced by the server's copy: the box found may be
    // gone by the time it is measured, so measure the one there then.
    let box = null
    for (let i = 0; !box && i < 50; i++) {
      box = await checkbox.boundingBox()
      if (!box) await a.waitForTimeout(100)
    }
    if (!box || box.width > 30) throw new Error(`task checkbox is ${box?.width} px wide`)
    await shot(a, '23-task-list')
  })

  await check('archived channels: live for members, read-only with a banner, in Browse; unknown URLs say so; system texts', async () => {
    const HA = await apiLogin('alice'), HB = await apiLogin('bob')
    const meA = await (await fetch(`${base}/api/v4/users/me`, { headers: HA })).json()
    const meB = await (await fetch(`${base}/api/v4/users/me`, { headers: HB })).json()
    const team = await (await fetch(`${base}/api/v4/teams/name/staff`, { headers: HA })).json()
    const mk = async (H, name, type) => (await (await postRetry(`${base}/api/v4/channels`, { method: 'POST', headers: H, body: JSON.stringify({ team_id: team.id, name, display_name: name.replace('-', ' '), type }) })).json())
    const old = await mk(HA, 'old-plans', 'O')
    await postRetry(`${base}/api/v4/channels/${old.id}/members`, { method: 'POST', headers: HA, body: JSON.stringify({ user_id: meB.id }) })
    await postRetry(`${base}/api/v4/posts`, { method: 'POST', headers: HA, body: JSON.stringify({ channel_id: old.id, message: 'the old plan' }) })
    await mk(HB, 'secret-plans', 'P') // private, alice is not in it: listed in alice's system console
    await b.goto(`${base}/staff/channels/old-plans`)
    await postEl(b, 'the old plan').waitFor()
    await b.locator('.post.system').filter({ hasText: '@bob added to the channel by @alice.' }).waitFor()
    // Archived elsewhere (as from the command line): bob's open channel turns read-only at once.
    const r = await fetch(`${base}/api/v4/channels/${old.id}`, { method: 'DELETE', headers: HA })
    if (!r.ok) throw new Error(`archive: ${r.status}`)
    await b.getByText('You are viewing an archived channel. New messages cannot be posted.').waitFor()
    if (await b.locator('.channel #composer').count()) throw new Error('the composer is still there')
    await postEl(b, 'the old plan').waitFor()
    await shot(b, '24-archived-live')
    await b.getByRole('button', { name: 'Close channel' }).click()
    await b.waitForURL('**/channels/town-square')
    // Found again in Browse channels, under Archived channels, and opened read-only.
    await b.getByRole('button', { name: 'Browse channels' }).click()
    const dlg = b.getByRole('dialog', { name: 'Browse channels' })
    await dlg.getByRole('combobox', { name: 'Channel type' }).selectOption('archived')
    await dlg.locator('li').filter({ hasText: 'old plans' }).getByRole('button', { name: 'View' }).click()
    await b.waitForURL('**/channels/old-plans')
    await b.getByText('You are viewing an archived channel.', { exact: false }).waitFor()
    await postEl(b, 'the old plan').waitFor()
    // A fresh load of its URL opens it too (it used to land on Town Square).
    await b.goto(`${base}/staff/channels/old-plans`)
    await postEl(b, 'the old plan').waitFor()
    await b.getByText('You are viewing an archived channel.', { exact: false }).waitFor()
    await shot(b, '25-archived-url')
    await b.goto(`${base}/staff/channels/no-such-channel`)
    await b.waitForURL('**/channels/town-square')
    await b.getByRole('status').filter({ hasText: 'Channel not found' }).waitFor()
    await shot(b, '26-not-found')
    // A DM with a deactivated user: no composer, Mattermost's notice.
    const carol = await (await postRetry(`${base}/api/v4/users`, { method: 'POST', body: JSON.stringify({ username: 'carol', email: 'carol@example.com', password: 'secret123' }) })).json()
    await postRetry(`${base}/api/v4/teams/${team.id}/members`, { method: 'POST', headers: HA, body: JSON.stringify({ team_id: team.id, user_id: carol.id }) })
    const dm = await (await postRetry(`${base}/api/v4/channels/direct`, { method: 'POST', headers: HA, body: JSON.stringify([meA.id, carol.id]) })).json()
    await postRetry(`${base}/api/v4/posts`, { method: 'POST', headers: HA, body: JSON.stringify({ channel_id: dm.id, message: 'bye carol' }) })
    await fetch(`${base}/api/v4/users/${carol.id}`, { method: 'DELETE', headers: HA })
    await a.goto(`${base}/staff/channels/${dm.name}`)
    await postEl(a, 'bye carol').waitFor()
    await a.getByText('You are viewing an archived channel with a deactivated user.', { exact: false }).waitFor()
    if (await a.locator('.channel #composer').count()) throw new Error('the DM composer is still there')
    await shot(a, '27-dm-deactivated')
  })

  await check('deleted for good: a channel leaves its viewers to Town Square; an erased user\'s DM and posts', async () => {
    const HA = await apiLogin('alice')
    const meB = await (await fetch(`${base}/api/v4/users/me`, { headers: await apiLogin('bob') })).json()
    const team = await (await fetch(`${base}/api/v4/teams/name/staff`, { headers: HA })).json()
    const doomed = await (await postRetry(`${base}/api/v4/channels`, { method: 'POST', headers: HA, body: JSON.stringify({ team_id: team.id, name: 'doomed', display_name: 'Doomed', type: 'O' }) })).json()
    await postRetry(`${base}/api/v4/channels/${doomed.id}/members`, { method: 'POST', headers: HA, body: JSON.stringify({ user_id: meB.id }) })
    await postRetry(`${base}/api/v4/posts`, { method: 'POST', headers: HA, body: JSON.stringify({ channel_id: doomed.id, message: 'soon gone' }) })
    await b.goto(`${base}/staff/channels/doomed`)
    await postEl(b, 'soon gone').waitFor()
    const r = await fetch(`${base}/api/v4/channels/${doomed.id}?permanent=true`, { method: 'DELETE', headers: HA })
    if (!r.ok) throw new Error(`permanent delete: ${r.status} ${await r.text()}`)
    await b.waitForURL('**/channels/town-square')
    await b.getByRole('status').filter({ hasText: 'The channel Doomed was deleted.' }).waitFor()
    if (await postEl(b, 'soon gone').count()) throw new Error('the deleted channel\'s post is still shown')
    await shot(b, '28-channel-deleted')
    // An erased user (anonymised): the DM is "Deleted user" without a box, their posts "(message deleted)".
    const dave = await (await postRetry(`${base}/api/v4/users`, { method: 'POST', body: JSON.stringify({ username: 'dave', email: 'dave@example.com', password: 'secret123' }) })).json()
    await postRetry(`${base}/api/v4/teams/${team.id}/members`, { method: 'POST', headers: HA, body: JSON.stringify({ team_id: team.id, user_id: dave.id }) })
    const HD = await apiLogin('dave')
    const meA = await (await fetch(`${base}/api/v4/users/me`, { headers: HA })).json()
    const dm = await (await postRetry(`${base}/api/v4/channels/direct`, { method: 'POST', headers: HD, body: JSON.stringify([dave.id, meA.id]) })).json()
    await postRetry(`${base}/api/v4/posts`, { method: 'POST', headers: HD, body: JSON.stringify({ channel_id: dm.id, message: 'words of dave' }) })
    const e = await fetch(`${base}/api/v4/users/${dave.id}?permanent=true&anonymize=true`, { method: 'DELETE', headers: HA })
    if (!e.ok) throw new Error(`erase: ${e.status} ${await e.text()}`)
    await a.goto(`${base}/staff/channels/${dm.name}`)
    await a.locator('#channel-title').filter({ hasText: 'Deleted user' }).waitFor()
    await a.locator('.channel .deleted-text').filter({ hasText: '(message deleted)' }).waitFor()
    await a.getByText('You are viewing an archived channel with a deactivated user.', { exact: false }).waitFor()
    if (await a.locator('.channel #composer').count()) throw new Error('the DM composer is still there')
    await shot(a, '29-dm-erased')
  })

  await check('channel management: members from the count, add and remove, /invite, rename, header, purpose, private, archive, unarchive, leave, delete', async () => {
    const HA = await apiLogin('alice')
    const team = await (await fetch(`${base}/api/v4/teams/name/staff`, { headers: HA })).json()
    await postRetry(`${base}/api/v4/channels`, { method: 'POST', headers: HA, body: JSON.stringify({ team_id: team.id, name: 'project-x', display_name: 'Project X', type: 'O' }) })
    await a.goto(`${base}/staff/channels/project-x`)
    await a.locator('#channel-title').getByText('Project X').waitFor()
    await axe(a, 'channel view')
    // The member count opens the member list.
    await a.getByRole('button', { name: '1 member', exact: true }).click()
    let dlg = a.getByRole('dialog', { name: 'Project X members' })
    await dlg.locator('li[data-username="alice"]').waitFor()
    await dlg.getByRole('button', { name: 'Add members' }).click()
    dlg = a.getByRole('dialog', { name: 'Add people to Project X' })
    await dlg.getByLabel('Search for people').fill('bo')
    await dlg.getByRole('button', { name: /@bob/ }).click()
    await shot(a, '30-add-members')
    await dlg.getByRole('button', { name: 'Add', exact: true }).click()
    await dlg.waitFor({ state: 'detached' })
    await b.locator('a.ch[data-channel="project-x"]').waitFor() // live for bob
    await a.locator('.post.system').filter({ hasText: '@bob added to the channel by @alice.' }).waitFor()
    await a.getByRole('button', { name: '2 members', exact: true }).click()
    dlg = a.getByRole('dialog', { name: 'Project X members' })
    await dlg.locator('li[data-username="bob"]').waitFor()
    await shot(a, '31-members')
    await axe(a, 'member list')
    await dlg.getByRole('button', { name: 'Remove @bob from the channel' }).click()
    await dlg.locator('li[data-username="bob"]').waitFor({ state: 'detached' })
    await a.keyboard.press('Escape')
    await b.locator('a.ch[data-channel="project-x"]').waitFor({ state: 'detached' })
    // "/invite @bob": typed out in full, the first Enter runs the command.
    await a.locator('#composer').pressSequentially('/invite @bob', { delay: 15 })
    await a.locator('.autocomplete li').filter({ hasText: '@bob' }).waitFor()
    await a.locator('#composer').press('Enter')
    await b.locator('a.ch[data-channel="project-x"]').waitFor()
    await a.waitForFunction(() => document.querySelector('#composer').value === '') // one Enter: added, and the box emptied
    const menu = async (item) => {
      await a.getByRole('button', { name: 'Channel menu' }).click()
      await a.getByRole('menu', { name: 'Channel menu' }).getByRole('menuitem', { name: item }).click()
    }
    await menu('Rename channel')
    dlg = a.getByRole('dialog', { name: 'Rename channel' })
    await dlg.getByLabel('Display name').fill('Project Y')
    await dlg.getByLabel('URL').fill('project-y')
    await dlg.getByRole('button', { name: 'Save' }).click()
    await a.waitForURL('**/channels/project-y')
    await b.locator('a.ch[data-channel="project-y"]').getByText('Project Y').waitFor()
    await menu('Edit channel header')
    dlg = a.getByRole('dialog', { name: 'Edit header for Project Y' })
    await dlg.getByLabel('Header').fill('Plans for the next release')
    await dlg.getByRole('button', { name: 'Save' }).click()
    await a.locator('.channel-head .purpose').getByText('Plans for the next release').waitFor()
    await menu('Edit channel purpose')
    dlg = a.getByRole('dialog', { name: 'Edit purpose for Project Y' })
    await dlg.getByLabel('Purpose').fill('Where project Y is planned')
    await dlg.getByRole('button', { name: 'Save' }).click()
    await dlg.waitFor({ state: 'detached' })
    const ch = await (await fetch(`${base}/api/v4/teams/name/staff/channels/name/project-y`, { headers: HA })).json()
    if (ch.header !== 'Plans for the next release' || ch.purpose !== 'Where project Y is planned') throw new Error(`header/purpose not saved: ${JSON.stringify([ch.header, ch.purpose])}`)
    await menu('Convert to private channel')
    await a.getByRole('dialog', { name: /Convert Project Y to a private channel/ }).getByRole('button', { name: 'Yes, convert to private channel' }).click()
    await a.locator('#channel-title').getByText('🔒', { exact: false }).waitFor()
    await b.goto(`${base}/staff/channels/project-y`)
    await b.locator('#channel-title').getByText('🔒', { exact: false }).waitFor()
    await shot(b, '32-private')
    await menu('Archive channel')
    await a.getByRole('dialog', { name: 'Archive channel' }).getByRole('button', { name: 'Archive' }).click()
    await a.getByText('You are viewing an archived channel.', { exact: false }).waitFor()
    await b.getByText('You are viewing an archived channel.', { exact: false }).waitFor()
    await menu('Unarchive channel')
    await a.locator('.channel #composer').waitFor()
    await b.goto(`${base}/staff/channels/project-y`)
    await b.locator('.channel #composer').waitFor()
    // bob leaves from the menu; alice (a system admin) deletes the channel for good.
    await b.getByRole('button', { name: 'Channel menu' }).click()
    const bm = b.getByRole('menu', { name: 'Channel menu' })
    if (await bm.getByRole('menuitem', { name: 'Delete channel' }).count()) throw new Error('a member is offered Delete channel')
    await bm.getByRole('menuitem', { name: 'Leave channel' }).click()
    await b.waitForURL('**/channels/town-square')
    await b.locator('a.ch[data-channel="project-y"]').waitFor({ state: 'detached' })
    await menu('Delete channel')
    await shot(a, '33-delete-channel')
    await a.getByRole('dialog', { name: 'Delete channel' }).getByRole('button', { name: 'Delete for good' }).click()
    await a.waitForURL('**/channels/town-square')
    const gone = await fetch(`${base}/api/v4/teams/name/staff/channels/name/project-y?include_deleted=true`, { headers: HA })
    if (gone.status !== 404) throw new Error(`deleted channel still answers ${gone.status}`)
  })

  await check('notification preferences per channel (notify_props of the membership)', async () => {
    await b.getByRole('button', { name: 'Channel menu' }).click()
    await b.getByRole('menu', { name: 'Channel menu' }).getByRole('menuitem', { name: 'Notification preferences' }).click()
    const dlg = b.getByRole('dialog', { name: 'Notification preferences for Town Square' })
    await dlg.locator('fieldset').filter({ hasText: 'Desktop notifications' }).getByLabel('Nothing').check()
    await dlg.locator('fieldset').filter({ hasText: 'Email notifications' }).getByLabel('Off').check()
    await shot(b, '34-channel-notify')
    await axe(b, 'channel notification preferences')
    await dlg.getByRole('button', { name: 'Done' }).click()
    const HB = await apiLogin('bob')
    const me = await (await fetch(`${base}/api/v4/users/me`, { headers: HB })).json()
    const ts = await (await fetch(`${base}/api/v4/teams/name/staff/channels/name/town-square`, { headers: HB })).json()
    const m = await (await fetch(`${base}/api/v4/channels/${ts.id}/members/${me.id}`, { headers: HB })).json()
    if (m.notify_props.desktop !== 'none' || m.notify_props.email !== 'false') throw new Error(`notify_props: ${JSON.stringify(m.notify_props)}`)
  })

  await check('account settings: picture, position, clock, teammate names, language, timezone, notifications, sidebar, sessions, MFA with QR', async () => {
    await a.locator('.me-btn').click()
    await a.getByRole('menuitem', { name: 'Account settings' }).click()
    const dlg = a.getByRole('dialog', { name: 'Account settings' })
    await dlg.getByLabel('Position').fill('Chief planner')
    await dlg.getByRole('button', { name: 'Save profile' }).click()
    await dlg.getByText('Profile saved.').waitFor()
    await dlg.locator('input.picture-input').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png(96, 96) })
    await dlg.getByText('Profile picture updated.').waitFor()
    await dlg.locator('.picture-row .avatar img').waitFor()
    await shot(a, '35-settings-profile')
    await dlg.getByRole('tab', { name: 'Display' }).click()
    await dlg.getByLabel('24-hour clock', { exact: false }).check()
    await dlg.getByLabel('Show first and last name').check()
    await dlg.getByLabel('Language').selectOption('de')
    // Both timezone changes are saved before the next tab changes the profile again.
    const tzSaved = []
    const onPatch = (r) => { if (r.request().method() === 'PUT' && r.url().endsWith('/users/me/patch')) tzSaved.push(r) }
    a.on('response', onPatch)
    await dlg.getByLabel('Automatic', { exact: false }).uncheck()
    await dlg.getByLabel('Manual timezone').selectOption('Europe/Berlin')
    for (let i = 0; tzSaved.length < 2 && i < 100; i++) await a.waitForTimeout(50)
    a.off('response', onPatch)
    await shot(a, '36-settings-display')
    await dlg.getByRole('tab', { name: 'Notifications' }).click()
    await dlg.locator('fieldset').filter({ hasText: 'Email notifications' }).getByLabel('Never').check()
    await dlg.locator('fieldset').filter({ hasText: 'Mobile push' }).getByLabel('Nothing').check()
    await dlg.getByText('Saved.').waitFor()
    await axe(a, 'account settings (notifications)')
    await dlg.getByRole('tab', { name: 'Sidebar' }).click()
    await dlg.locator('fieldset').filter({ hasText: 'direct messages to show' }).getByLabel('10', { exact: true }).check()
    await dlg.getByText('Saved.').waitFor()
    await dlg.getByRole('tab', { name: 'Security' }).click()
    await dlg.locator('table.sessions tbody tr').first().waitFor()
    await dlg.getByRole('button', { name: 'Set up MFA' }).click()
    await dlg.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor()
    const secret = await dlg.locator('.mfa code').textContent()
    await shot(a, '37-settings-mfa')
    await axe(a, 'account settings (security)')
    const HA = await apiLogin('alice') // logged in before MFA is on: with it, a login needs a code
    await dlg.getByLabel('Code').fill(totp(secret))
    await dlg.getByRole('button', { name: 'Activate' }).click()
    await dlg.getByText('Multi-factor authentication is on.').waitFor()
    let me = await (await fetch(`${base}/api/v4/users/me`, { headers: HA })).json()
    if (!me.mfa_active) throw new Error('mfa_active is not set')
    await dlg.getByRole('button', { name: 'Remove MFA' }).click()
    await dlg.getByText('Multi-factor authentication is off.').waitFor()
    me = await (await fetch(`${base}/api/v4/users/me`, { headers: await apiLogin('alice') })).json()
    const prefs = await (await fetch(`${base}/api/v4/users/me/preferences`, { headers: HA })).json()
    const pref = (c, n) => prefs.find((p) => p.category === c && p.name === n)?.value
    const want = { position: 'Chief planner', locale: 'de', tz: 'Europe/Berlin', email: 'false', push: 'none', clock: 'true', names: 'full_name', dms: '10', pic: true }
    const got = { position: me.position, locale: me.locale, tz: me.timezone?.manualTimezone, email: me.notify_props.email, push: me.notify_props.push,
      clock: pref('display_settings', 'use_military_time'), names: pref('display_settings', 'name_format'), dms: pref('sidebar_settings', 'limit_visible_dms_gms'), pic: me.last_picture_update > 0 }
    if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`saved settings: ${JSON.stringify(got)}`)
    await a.keyboard.press('Escape')
    await dlg.waitFor({ state: 'detached' })
    // The clock and the name display apply to the messages at once.
    await post(a, 'a message at a 24-hour time')
    const p = a.locator('.post').filter({ hasText: 'a message at a 24-hour time' })
    await p.locator('.author').getByText('Alice Liddell').waitFor()
    const t = await p.locator('.post-head time').textContent()
    if (/AM|PM/i.test(t)) throw new Error(`12-hour time with use_military_time on: ${t}`)
    await b.locator('.post').filter({ hasText: 'a message at a 24-hour time' }).locator('.avatar img').first().waitFor() // alice's picture for bob
    await shot(b, '38-picture-for-bob')
  })

  await check('custom emoji: add with an image, seen live by the other user, delete', async () => {
    await a.locator('.me-btn').click()
    await a.getByRole('menuitem', { name: 'Custom emoji' }).click()
    const dlg = a.getByRole('dialog', { name: 'Custom emoji' })
    await dlg.getByLabel('Name').fill('e2e_logo')
    await dlg.getByLabel('Image').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png(32, 32) })
    await dlg.getByRole('button', { name: 'Add emoji' }).click()
    await dlg.getByText(':e2e_logo: added.').waitFor()
    await dlg.locator('tr[data-emoji="e2e_logo"]').getByText('@alice').waitFor()
    await b.waitForFunction(() => !!window.parley.getState().customEmoji.e2e_logo)
    await dlg.getByLabel('Name').fill('Bad Name')
    await dlg.getByRole('button', { name: 'Add emoji' }).click()
    await dlg.getByRole('alert').getByText('Use lowercase letters', { exact: false }).waitFor()
    await shot(a, '39-custom-emoji')
    await axe(a, 'custom emoji')
    await dlg.getByRole('button', { name: 'Delete :e2e_logo:' }).click()
    await a.getByRole('dialog', { name: 'Delete custom emoji' }).getByRole('button', { name: 'Delete' }).click()
    await dlg.locator('tr[data-emoji="e2e_logo"]').waitFor({ state: 'detached' })
    const r = await fetch(`${base}/api/v4/emoji/name/e2e_logo`, { headers: await apiLogin('alice') })
    if (r.status !== 404) throw new Error(`deleted emoji answers ${r.status}`)
    await a.keyboard.press('Escape')
  })

  await check('user groups: create one, add a member, @group autocompletes and mentions the member', async () => {
    await a.locator('.me-btn').click()
    await a.getByRole('menuitem', { name: 'User groups' }).click()
    let dlg = a.getByRole('dialog', { name: 'User groups' })
    await dlg.getByLabel('Display name').fill('Code Reviewers')
    await dlg.getByRole('button', { name: 'Create group' }).click()
    dlg = a.getByRole('dialog', { name: '@code-reviewers members' })
    await dlg.getByLabel('Username').fill('bob')
    await dlg.getByRole('button', { name: 'Add member' }).click()
    await dlg.locator('tr[data-member="bob"]').waitFor()
    await shot(a, '39a-user-group-members')
    await axe(a, 'user group members')
    await b.waitForFunction(() => window.parley.getState().myGroups.includes('code-reviewers'))
    await dlg.getByRole('button', { name: '← All groups' }).click()
    dlg = a.getByRole('dialog', { name: 'User groups' })
    await dlg.locator('tr[data-group="code-reviewers"]').getByText('1', { exact: true }).waitFor()
    await shot(a, '39b-user-groups')
    await axe(a, 'user groups')
    await a.keyboard.press('Escape')
    await dlg.waitFor({ state: 'detached' })
    await a.locator('#composer').pressSequentially('please look @code-r', { delay: 15 })
    const item = a.locator('.autocomplete li').filter({ hasText: '@code-reviewers' })
    await item.getByText('Code Reviewers · 1 member').waitFor()
    await shot(a, '39c-group-autocomplete')
    await item.click()
    if ((await a.locator('#composer').inputValue()) !== 'please look @code-reviewers ') throw new Error('autocomplete did not complete @code-reviewers')
    await a.locator('#composer').press('Enter')
    const mine = b.locator('.post.mentioned').filter({ hasText: 'please look' })
    await mine.locator('.mention.mention-me.mention-group').waitFor()
    await shot(b, '39d-group-mention')
  })

  await check('system console: settings pages on /api/v4/config, environment-locked settings read-only', async () => {
    await a.goto(base + '/admin_console/site')
    const form = a.getByRole('form', { name: 'Site configuration' })
    await form.getByLabel('Site name').fill('Parley E2E')
    await form.getByRole('button', { name: 'Save' }).click()
    await a.getByText('Settings saved.').waitFor()
    const cc = await (await fetch(`${base}/api/v4/config/client?format=old`)).json()
    if (cc.SiteName !== 'Parley E2E') throw new Error(`SiteName after save: ${cc.SiteName}`)
    await shot(a, '40-console-site')
    await axe(a, 'system console (site)')
    for (const [link, title] of [['Users and teams', 'Users and teams'], ['Authentication', 'Authentication'], ['Email', 'Email'], ['Notifications', 'Notifications'],
      ['Threads', 'Threads'], ['File storage', 'File storage'], ['Rate limiting', 'Rate limiting'], ['Data retention policies', 'Data retention policies'], ['Compliance', 'Compliance']]) {
      await a.getByRole('navigation', { name: 'System console' }).getByRole('link', { name: link, exact: true }).click()
      await a.getByRole('form', { name: title }).locator('.setting-row').first().waitFor()
    }
    await a.getByRole('link', { name: 'Rate limiting' }).click()
    const rl = a.getByRole('form', { name: 'Rate limiting' })
    await rl.getByLabel('Maximum burst size').fill('120')
    await rl.getByRole('button', { name: 'Save' }).click()
    await a.getByText('Settings saved.').waitFor()
    const cfg = await (await fetch(`${base}/api/v4/config`, { headers: await apiLogin('alice') })).json()
    if (cfg.RateLimitSettings.MaxBurst !== 120) throw new Error(`MaxBurst after save: ${cfg.RateLimitSettings.MaxBurst}`)
    // PARLEY_ENABLE_API_DELETION is set for this server: shown, but not editable.
    await a.getByRole('link', { name: 'Users and teams' }).click()
    const row = a.locator('.setting-row[data-setting="ServiceSettings.EnableAPIUserDeletion"]')
    await row.getByText('Set by an environment variable', { exact: false }).waitFor()
    if (!(await row.getByLabel('True').isDisabled())) throw new Error('an environment-locked setting is editable')
    await shot(a, '41-console-env-locked')
    await axe(a, 'system console (users and teams)')
  })

  await check('custom terms of service: published in the console, accepted by the admin, declined then accepted by a user', async () => {
    await a.goto(base + '/admin_console/custom_terms_of_service')
    const form = a.getByRole('form', { name: 'Custom terms of service' })
    await form.locator('.setting-row[data-setting="SupportSettings.CustomTermsOfServiceEnabled"]').getByLabel('True').check()
    await form.getByRole('button', { name: 'Save' }).click()
    await a.getByText('Settings saved.').waitFor()
    // On, but nothing published: nobody is stopped.
    const editor = a.getByRole('form', { name: 'Terms of service text' })
    await editor.getByLabel('Text (Markdown)').fill('# House rules\n\nBy using this server you agree to:\n\n1. Be **kind** to each other.\n2. Keep customer data in *private* channels.')
    await editor.getByRole('button', { name: 'Publish' }).click()
    // The admin has not accepted the version they published either.
    await a.getByRole('heading', { name: 'Terms of Service', exact: true }).waitFor()
    await a.locator('.terms-text strong').getByText('kind').waitFor() // rendered as Markdown
    await shot(a, '42-terms-of-service')
    await axe(a, 'terms of service')
    await a.getByRole('button', { name: 'Accept' }).click()
    await a.getByRole('form', { name: 'Terms of service text' }).waitFor() // back where they were
    const meA = await (await fetch(`${base}/api/v4/users/me`, { headers: await apiLogin('alice') })).json()
    const cc = await (await fetch(`${base}/api/v4/config/client?format=old`)).json()
    if (!cc.CustomTermsOfServiceId || meA.terms_of_service_id !== cc.CustomTermsOfServiceId) throw new Error(`alice accepted ${meA.terms_of_service_id}, in force ${cc.CustomTermsOfServiceId}`)

    // Bob meets them on his next load; declining logs him out, accepting lets him in.
    await b.reload()
    await b.getByRole('heading', { name: 'Terms of Service', exact: true }).waitFor()
    await b.getByRole('button', { name: 'Decline' }).click()
    await b.waitForURL('**/login')
    await b.locator('input[name=login_id]').fill('bob')
    await b.locator('input[name=password]').fill('secret123')
    await b.getByRole('button', { name: 'Log in' }).click()
    await b.getByRole('heading', { name: 'Terms of Service', exact: true }).waitFor()
    await b.getByRole('button', { name: 'Accept' }).click()
    await b.locator('#channel-title').waitFor()
    const acc = await (await fetch(`${base}/api/v4/users/me/terms_of_service`, { headers: await apiLogin('bob') })).json()
    if (acc.terms_of_service_id !== cc.CustomTermsOfServiceId) throw new Error(`bob's acceptance: ${JSON.stringify(acc)}`)
    await b.reload()
    await b.locator('#channel-title').waitFor() // accepted: not asked again
    if (await b.getByRole('heading', { name: 'Terms of Service', exact: true }).count()) throw new Error('asked again after accepting')
  })

  await check('admin deactivates a user in the console and the user is logged out', async () => {
    await a.goto(base + '/admin_console/users')
    const row = a.locator('tr[data-username="bob"]')
    await row.getByRole('button', { name: 'Deactivate' }).click()
    await row.getByText('Deactivated').waitFor()
    await shot(a, '14-console')
    await axe(a, 'system console (users)')
    await a.getByRole('link', { name: 'Channels' }).click()
    await a.locator('tr').filter({ hasText: 'secret plans' }).getByText('Private').waitFor() // private channels are listed
    const row2 = a.locator('tr').filter({ hasText: 'Design Review' })
    await row2.getByRole('button', { name: 'Archive' }).click()
    await row2.getByText('Archived').waitFor()
    await shot(a, '14b-console-channels')
    await row2.getByRole('button', { name: 'Restore' }).click()
    await row2.getByText('Active').waitFor()
    await b.waitForURL('**/login', { timeout: 20000 })
    await shot(b, '15-logged-out')
  })

  const dist = join(here, '../dist/assets')
  const js = readdirSync(dist).filter((f) => f.startsWith('index-') && f.endsWith('.js'))
  const gz = js.reduce((n, f) => n + gzipSync(readFileSync(join(dist, f))).length, 0)
  log(`accessibility (axe-core): ${axeReport.join('; ')}`)
  log(`initial JS: ${js.join(', ')}: ${(gz / 1024).toFixed(1)} KB gzipped; first load DOMContentLoaded ${firstLoad?.domContentLoaded} ms`)
  if (gz >= 200 * 1024) { failed = true; results.push(`FAIL initial JS is ${(gz / 1024).toFixed(1)} KB gzipped, over 200 KB`) }
} catch (e) {
  failed = true
} finally {
  await browser.close().catch(() => {})
  server?.kill('SIGTERM')
  site.close()
  rmSync(data, { recursive: true, force: true })
  console.log(results.join('\n'))
  if (failed) { console.log(`e2e FAILED at: ${step}\nserver log tail:\n${serverLog.split('\n').slice(-20).join('\n')}`); process.exitCode = 1 }
  else console.log(`e2e passed in ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots in ${shots}`)
}
