// End-to-end test of address verification and password reset in the browser:
// a real Parley sending through a real SMTP server (mailpit, built by
// scripts/test-deps.sh), driven through Debian's Chromium. The user follows
// the verification link mailed at sign-up, asks for a reset link on the login
// page, follows it from the mail (read through mailpit's HTTP API), sets a new
// password and logs in with it. Then she invites bob by mail, and bob signs
// up from the mailed link (his address filled in) and lands in her team.
// Last, she invites two more and a non-address from "Invite people".
// Usage: node e2e/reset.mjs [path/to/parley]  (default ../bin/parley)
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { freePort, until } from './util.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const bin = process.argv[2] || join(here, '../../bin/parley')
const shots = join(here, '../test-results')
mkdirSync(shots, { recursive: true })
const mailpit = process.env.PARLEY_MAILPIT ||
  join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'parley', 'mailpit-v1.27.11', 'mailpit')
if (!existsSync(mailpit)) throw new Error(`no mailpit at ${mailpit}: run scripts/test-deps.sh`)


const [port, smtpPort, mailApiPort] = [await freePort(), await freePort(), await freePort()]
const data = mkdtempSync(join(tmpdir(), 'parley-e2e-reset-'))
const base = `http://127.0.0.1:${port}`
const mailApi = `http://127.0.0.1:${mailApiPort}/api/v1`
const procs = []
function run(cmd, args, env) {
  const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  let out = ''
  p.stdout.on('data', (d) => (out += d)); p.stderr.on('data', (d) => (out += d))
  procs.push(p)
  return () => out
}
const mailLog = run(mailpit, ['--smtp', `127.0.0.1:${smtpPort}`, '--listen', `127.0.0.1:${mailApiPort}`,
  '--database', join(data, 'mailpit.db'), '--quiet', '--smtp-disable-rdns'])
const parleyLog = run(bin, ['--listen', `127.0.0.1:${port}`, '--data', data], {
  PARLEY_SMTP_SERVER: '127.0.0.1', PARLEY_SMTP_PORT: String(smtpPort), PARLEY_FEEDBACK_EMAIL: 'parley@example.com',
  PARLEY_SITE_URL: base, PARLEY_REQUIRE_EMAIL_VERIFICATION: 'true', PARLEY_ENABLE_EMAIL_INVITATIONS: 'true',
})
let browser
let failed = false
try {
  await until('mailpit', async () => (await fetch(`${mailApi}/messages`)).ok).catch((e) => { throw new Error(`${e.message}\n${mailLog()}`) })
  await until('parley', async () => (await fetch(`${base}/api/v4/system/ping`)).ok).catch((e) => { throw new Error(`${e.message}\n${parleyLog()}`) })
  const signup = await fetch(`${base}/api/v4/users`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'alice', email: 'alice@example.com', password: 'old-password-1' }) })
  if (signup.status !== 201) throw new Error(`sign-up: ${signup.status}`)

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  const page = await browser.newPage()
  page.setDefaultTimeout(15000)
  const mailTo = (subject, to = 'alice@example.com') => until(`the mail "${subject}"`, async () => {
    const list = await (await fetch(`${mailApi}/messages`)).json()
    const m = list.messages?.find((m) => m.Subject.includes(subject) && m.To?.some((t) => t.Address === to))
    return m && (await fetch(`${mailApi}/message/${m.ID}`)).json()
  })
  const verify = (await mailTo('You joined')).Text.match(/https?:\/\/\S+\/do_verify_email\?\S+/)?.[0]
  if (!verify) throw new Error('no verification link')
  await page.goto(verify)
  await page.getByRole('status').filter({ hasText: 'Your address is verified' }).waitFor()
  await page.screenshot({ path: join(shots, 'reset-00-verified.png') })
  await page.goto(base + '/login')
  await page.getByRole('link', { name: 'Forgot password?' }).click()
  await page.getByLabel('Email').fill('alice@example.com')
  await page.getByRole('button', { name: 'Send reset link' }).click()
  await page.getByRole('status').filter({ hasText: 'a mail with a reset link is on its way' }).waitFor()
  await page.screenshot({ path: join(shots, 'reset-01-sent.png') })

  const full = await mailTo('Reset your password')
  const link = full.Text.match(/https?:\/\/\S+\/reset_password_complete\?token=[0-9a-f]{64}/)?.[0]
  if (!link) throw new Error(`no reset link in ${JSON.stringify(full.Text)}`)
  await page.goto(link)
  await page.getByLabel('New password', { exact: true }).fill('new-password-2')
  await page.getByLabel('Repeat it').fill('new-password-2')
  await page.getByRole('button', { name: 'Change password' }).click()
  await page.getByRole('status').filter({ hasText: 'Your password is changed' }).waitFor()
  await page.screenshot({ path: join(shots, 'reset-02-changed.png') })

  await page.getByRole('link', { name: 'Log in' }).click()
  await page.getByLabel('Email or username').fill('alice')
  await page.getByLabel('Password', { exact: true }).fill('new-password-2')
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  await page.screenshot({ path: join(shots, 'reset-03-logged-in.png') })
  console.log('ok   address verification and password reset through the browser')

  const login = await fetch(`${base}/api/v4/users/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login_id: 'alice', password: 'new-password-2' }) })
  const auth = { 'Content-Type': 'application/json', Authorization: `Bearer ${login.headers.get('Token')}` }
  const team = await (await fetch(`${base}/api/v4/teams`, { method: 'POST', headers: auth,
    body: JSON.stringify({ name: 'crew', display_name: 'Crew', type: 'I' }) })).json()
  const invited = await fetch(`${base}/api/v4/teams/${team.id}/invite/email`, { method: 'POST', headers: auth, body: JSON.stringify(['bob@example.com']) })
  if (invited.status !== 200) throw new Error(`invite: ${invited.status} ${await invited.text()}`)
  const invite = (await mailTo('invited you to join Crew', 'bob@example.com')).Text.match(/https?:\/\/\S+\/signup_user_complete\/\?\S+/)?.[0]
  if (!invite) throw new Error('no invitation link')
  const bobPage = await (await browser.newContext()).newPage()
  bobPage.setDefaultTimeout(15000)
  await bobPage.goto(invite)
  const email = bobPage.getByLabel('Email')
  if (await email.inputValue() !== 'bob@example.com') throw new Error(`invited address not filled in: ${await email.inputValue()}`)
  await bobPage.getByLabel('Username').fill('bob')
  await bobPage.getByLabel('Password').fill('bob-password-1')
  await bobPage.getByRole('button', { name: 'Create account' }).click()
  await bobPage.waitForURL((u) => u.pathname.startsWith('/crew'))
  await bobPage.screenshot({ path: join(shots, 'reset-04-invited.png') })
  console.log('ok   sign-up from an email invitation through the browser')

  // Carol has an account already: from the invitation she logs in and joins.
  await fetch(`${base}/api/v4/users`, { method: 'POST', headers: auth,
    body: JSON.stringify({ username: 'carol', email: 'carol@example.com', password: 'carol-password-1', email_verified: true }) })
  await fetch(`${base}/api/v4/teams/${team.id}/invite/email`, { method: 'POST', headers: auth, body: JSON.stringify(['carol@example.com']) })
  const invite2 = (await mailTo('invited you to join Crew', 'carol@example.com')).Text.match(/https?:\/\/\S+\/signup_user_complete\/\?\S+/)?.[0]
  if (!invite2) throw new Error('no invitation link for carol')
  const carolPage = await (await browser.newContext()).newPage()
  carolPage.setDefaultTimeout(15000)
  await carolPage.goto(invite2)
  await carolPage.getByRole('link', { name: 'Log in' }).click()
  await carolPage.getByLabel('Email or username').fill('carol')
  await carolPage.getByLabel('Password', { exact: true }).fill('carol-password-1')
  await carolPage.getByRole('button', { name: 'Log in' }).click()
  await carolPage.waitForURL((u) => u.pathname.startsWith('/crew'))
  console.log('ok   log in from an email invitation joins the team')

  // Alice invites two people from "Invite people" in the team menu; one
  // address is not one: each gets its own result, the good one its mail.
  await page.goto(base + '/crew')
  await page.getByRole('button', { name: /@alice/ }).click()
  await page.getByRole('menuitem', { name: 'Invite people' }).click()
  await page.getByLabel(/Email addresses/).fill('dave@example.com, not-an-address\nerin@example.com')
  await page.getByRole('button', { name: 'Send invitations' }).click()
  const results = page.getByRole('list', { name: 'Invitation results' })
  await results.waitFor()
  const lines = await results.getByRole('listitem').allTextContents()
  await page.screenshot({ path: join(shots, 'reset-05-invite-dialog.png') })
  if (lines.length !== 3 || !lines.some((l) => l.startsWith('✓ dave@example.com')) || !lines.some((l) => l.startsWith('✓ erin@example.com'))
    || !lines.some((l) => l.startsWith('✗ not-an-address:'))) throw new Error(`invitation results: ${JSON.stringify(lines)}`)
  if (!(await page.getByRole('status').filter({ hasText: '2 of 3 invitations sent.' }).count())) throw new Error('no summary of the invitations')
  if (await page.getByLabel(/Email addresses/).inputValue() !== 'not-an-address') throw new Error('the failed address is not left to correct')
  await mailTo('invited you to join Crew', 'dave@example.com')
  await mailTo('invited you to join Crew', 'erin@example.com')
  console.log('ok   "Invite people" mails each address and shows each result')
} catch (e) {
  failed = true
  console.log(`FAIL password reset through the browser: ${e.stack}`)
} finally {
  await browser?.close()
  for (const p of procs) p.kill('SIGTERM')
  rmSync(data, { recursive: true, force: true })
}
process.exit(failed ? 1 : 0)
