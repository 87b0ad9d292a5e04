// Test harness for the browser tests: starts `pathways serve --demo` on a fresh SQLite store
// in a temporary folder, reads the demo accounts it prints, and drives Debian's Chromium
// with playwright-core. axe-core checks each page for accessibility violations.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import assert from 'node:assert/strict'
import { after, before } from 'node:test'
import { chromium } from 'playwright-core'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '..', '..')
export const binary = process.env.PATHWAYS_BINARY || join(root, 'build', 'pathways')
export const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium'
// A fixed "today" so the figures do not depend on when the tests run (the demo data is as
// of 31 October 2026).
export const AS_OF = '2026-11-15'
const axeSource = readFileSync(join(here, '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8')

// Starts the server; resolves to { url, accounts: {role: {username, password, extra}}, stop() }.
export async function startServer () {
  const dir = mkdtempSync(join(tmpdir(), 'pathways-e2e-'))
  const child = spawn(binary, ['serve', '--demo', '--db', `sqlite:${join(dir, 'store.db')}`, '--port', '0',
    '--as-of', AS_OF, '--assets', join(root, 'web', 'dist'), '--no-access-log'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.on('data', (d) => { out += d })
  child.stderr.on('data', (d) => { err += d })
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 120 s:\n${out}\n${err}`)), 120000)
    const check = () => {
      const m = out.match(/running at (http:\/\/[^/\s]+\/)/)
      if (m) { clearTimeout(timer); resolve(m[1]) }
    }
    child.stdout.on('data', check)
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}):\n${out}\n${err}`)) })
  })
  const accounts = {}
  for (const m of out.matchAll(/^\s+(demo-\S+)\s+(\S+)\s+password (\S+)(?:\s+\((school|coach) (\S+)\))?/gm)) {
    accounts[m[2]] = { username: m[1], password: m[3], [m[4] || 'none']: m[5] }
  }
  return {
    url,
    accounts,
    output: () => out + err,
    async stop () {
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

export async function launchBrowser () {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage']
  })
}

// A new browser context (its own cookies) with a page that records console errors, such as
// Content-Security-Policy violations, so tests can assert there were none.
export async function newPage (browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options })
  const page = await context.newPage()
  page.consoleErrors = []
  page.on('console', (msg) => { if (msg.type() === 'error') page.consoleErrors.push(msg.text()) })
  page.on('pageerror', (e) => page.consoleErrors.push(String(e)))
  return page
}

// Runs axe-core (WCAG 2.0-2.2 A and AA, best practices) on the page; returns the violations.
export async function axe (page) {
  await page.evaluate(axeSource)
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] })
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }))
  })
  return result
}

// Signs in with the account's one-time password and sets a new one, as a first-time user
// does; afterwards the account's password is the new one.
export async function signIn (page, base, account) {
  await page.goto(base + 'sign-in')
  await page.fill('#username', account.username)
  await page.fill('#password', account.password)
  await page.click('button:has-text("Sign in")')
  if (page.url().endsWith('/account/password')) {
    const next = account.password + '-changed-' + Math.random().toString(36).slice(2, 8)
    await page.fill('#current_password', account.password)
    await page.fill('#new_password', next)
    await page.click('button:has-text("Change password")')
    account.password = next
    await page.goto(base)
  }
}

// One demo server and one browser shared by a test file's tests: call useServerAndBrowser()
// at the top of the file; `server` and `browser` are set before the first test runs.
export let server = null
export let browser = null
const signedIn = {}

export function useServerAndBrowser () {
  before(async () => {
    server = await startServer()
    for (const role of ['admin', 'data_officer', 'manager', 'coach', 'school', 'viewer']) {
      assert.ok(server.accounts[role], `demo account for ${role} printed:\n${server.output()}`)
    }
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
    await server?.stop()
  })
}

// A page signed in as the demo account of `role`, made once per role and test file.
export async function pageFor (role) {
  if (!signedIn[role]) {
    const page = await newPage(browser)
    await signIn(page, server.url, server.accounts[role])
    signedIn[role] = page
  }
  return signedIn[role]
}

// Fails the test on any axe violation or console error (4xx responses a test asked for aside).
export async function expectNoViolations (page, what) {
  await page.waitForLoadState('load')
  const violations = await axe(page)
  assert.deepEqual(violations, [], `axe violations on ${what} (${page.url()}):\n${JSON.stringify(violations, null, 2)}`)
  assert.deepEqual(page.consoleErrors.filter((e) => !/the server responded with a status of 4\d\d/.test(e)), [], `console errors on ${what}`)
}
