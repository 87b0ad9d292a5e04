// Browser tests of the web application: each role signs in and does its daily work, role
// denials, the dashboard changing after an activity is recorded, keyboard use, 320 px
// layout, and axe-core with zero violations on every page.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { AS_OF, browser, expectNoViolations, newPage, pageFor, server, signIn, useServerAndBrowser } from './harness.mjs'

useServerAndBrowser()


// GET a JSON endpoint with the page's session.
async function api (page, path) {
  const r = await page.request.get(server.url + path.replace(/^\//, ''))
  return { status: r.status(), body: r.headers()['content-type']?.includes('json') ? await r.json() : await r.text() }
}

describe('signing in', () => {
  test('the sign-in page is accessible and works by keyboard alone', async () => {
    const page = await newPage(browser)
    await page.goto(server.url)
    assert.match(page.url(), /\/sign-in/)
    await expectNoViolations(page, 'sign-in')
    // Skip link first, then the form fields in order; Enter submits.
    await page.keyboard.press('Tab')
    assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Skip to main content')
    await page.focus('#username')
    await page.keyboard.type(server.accounts.viewer.username)
    await page.keyboard.press('Tab')
    assert.equal(await page.evaluate(() => document.activeElement.id), 'password')
    await page.keyboard.type('not the password at all')
    await page.keyboard.press('Enter')
    await page.waitForSelector('.govuk-error-summary')
    assert.match(await page.textContent('.govuk-error-summary'), /Enter a correct username and password/)
    assert.match(await page.title(), /^Error: /)
    await expectNoViolations(page, 'sign-in with an error')
    await page.context().close()
  })

  test('a first sign-in must change the one-time password, and the new password is checked', async () => {
    const page = await newPage(browser)
    const account = server.accounts.viewer
    await page.goto(server.url + 'sign-in')
    await page.fill('#username', account.username)
    await page.fill('#password', account.password)
    await page.click('button:has-text("Sign in")')
    assert.match(page.url(), /\/account\/password$/)
    await expectNoViolations(page, 'change password')
    // Other pages are refused until the password is changed.
    await page.goto(server.url + 'reports')
    assert.match(page.url(), /\/account\/password$/)
    await page.fill('#current_password', account.password)
    await page.fill('#new_password', 'short')
    await page.click('button:has-text("Change password")')
    assert.match(await page.textContent('.govuk-error-summary'), /12 characters/)
    await expectNoViolations(page, 'change password with an error')
    await page.context().close()
  })
})

describe('every role', () => {
  for (const role of ['admin', 'data_officer', 'manager', 'coach', 'school', 'viewer']) {
    test(`${role} sees the dashboard with figures, a chart and no violations`, async () => {
      const page = await pageFor(role)
      await page.goto(server.url)
      assert.equal(await page.textContent('h1').then((t) => t.includes('Participation dashboard')), true)
      const cards = await page.locator('.app-card').count()
      assert.equal(cards, 4)
      await page.waitForFunction(() => document.getElementById('trend-chart')?.width > 0)
      await expectNoViolations(page, `dashboard as ${role}`)
      const nav = await page.locator('.govuk-service-navigation__link').allTextContents()
      const has = (label) => nav.some((t) => t.trim() === label)
      assert.equal(has('People'), ['admin', 'data_officer', 'coach', 'school'].includes(role), `People link for ${role}`)
      assert.equal(has('Users'), role === 'admin', `Users link for ${role}`)
      assert.equal(has('Upload'), ['admin', 'data_officer'].includes(role), `Upload link for ${role}`)
    })
  }
})

describe('data officer', () => {
  test('finds a young person with a misspelt name, opens the record and records an activity; the dashboard changes', async () => {
    const page = await pageFor('data_officer')
    // Somebody not known at the end of the dashboard's month, from the API.
    const before = await api(page, '/api/dashboard')
    assert.equal(before.status, 200)
    const queue = await api(page, '/api/not-known')
    const target = queue.body.people.find((p) => p.not_known && p.academic_age === 17)
    assert.ok(target, 'somebody not known in the queue')
    const misspelt = target.family_name.length > 4 ? target.family_name.slice(0, -2) + target.family_name.slice(-1) + target.family_name.slice(-2, -1) : target.family_name
    await page.goto(server.url + 'people')
    await expectNoViolations(page, 'people search')
    await page.fill('#q', `${target.given_name} ${misspelt}`)
    await page.keyboard.press('Enter')
    await page.waitForSelector('table.govuk-table')
    await expectNoViolations(page, 'search results')
    await page.click(`a[href="/people/${target.person_id}"]`)
    assert.match(await page.textContent('h1'), new RegExp(target.family_name))
    assert.match(await page.textContent('main'), /Not known/)
    await expectNoViolations(page, 'person page')
    // Bad input first: GOV.UK error summary, nothing stored.
    await page.click('a:has-text("Record an activity")')
    await expectNoViolations(page, 'record an activity')
    await page.selectOption('#activity_code', '540')
    await page.fill('#start_date-day', '31')
    await page.fill('#start_date-month', '2')
    await page.fill('#start_date-year', '2026')
    await page.click('button:has-text("Save activity")')
    await page.waitForSelector('.govuk-error-summary')
    assert.match(await page.textContent('.govuk-error-summary'), /real date/)
    await expectNoViolations(page, 'record an activity with an error')
    // The error summary links to the field.
    await page.click('.govuk-error-summary a')
    assert.equal(await page.evaluate(() => document.activeElement.id), 'start_date-day')
    // Then a valid NEET activity starting in October, confirmed in October.
    const month = before.body.month // YYYY-MM
    await page.fill('#start_date-day', '1')
    await page.fill('#start_date-month', month.slice(5))
    await page.fill('#start_date-year', month.slice(0, 4))
    await page.fill('#verified_date-day', '20')
    await page.fill('#verified_date-month', month.slice(5))
    await page.fill('#verified_date-year', month.slice(0, 4))
    await page.selectOption('#neet_reason', 'supported')
    await page.click('button:has-text("Save activity")')
    await page.waitForSelector('.govuk-notification-banner--success')
    assert.match(await page.textContent('.moj-timeline'), /540/)
    assert.match(await page.textContent('main'), /NEET/)
    await expectNoViolations(page, 'person page after recording')
    // The person's API record and the dashboard show it.
    const person = await api(page, `/api/people/${target.person_id}`)
    assert.equal(person.body.current.activity_code, '540')
    const afterDash = await api(page, '/api/dashboard')
    assert.equal(afterDash.body.headline.not_known, before.body.headline.not_known - 1, 'one fewer not known')
    assert.equal(afterDash.body.headline.neet, before.body.headline.neet + 1, 'one more NEET')
    await page.goto(server.url)
    const nkCard = await page.locator('.app-card').nth(1).textContent()
    assert.match(nkCard, new RegExp((afterDash.body.headline.not_known_pct).toFixed(1).replace('.', '\\.') + '%'))
  })

  test('confirms a current activity with one button', async () => {
    const page = await pageFor('data_officer')
    const results = await api(page, '/api/people?q=smith')
    const someone = results.body.results.find((r) => r.status === 'Participating')
    assert.ok(someone)
    await page.goto(server.url + `people/${someone.person_id}`)
    await page.click('button:has-text("Confirm current activity today")')
    await page.waitForSelector('.govuk-notification-banner--success')
    const person = await api(page, `/api/people/${someone.person_id}`)
    assert.equal(person.body.current.last_verified, AS_OF)
  })

  test('works through the not-known queue, reports and downloads', async () => {
    const page = await pageFor('data_officer')
    await page.goto(server.url + 'not-known')
    assert.ok(await page.locator('tbody tr').count() > 0)
    await expectNoViolations(page, 'not-known queue')
    await page.goto(server.url + 'reports?month=2026-01')
    assert.match(await page.textContent('main'), /Statutory snapshot, end of 2026-01/)
    await expectNoViolations(page, 'reports')
    const csv = await page.request.get(server.url + 'reports/statutory.csv?month=2026-01')
    assert.equal(csv.status(), 200)
    assert.match(await csv.text(), /neet/i)
    const xlsx = await page.request.get(server.url + 'reports/annual.xlsx?year=2025')
    assert.equal(xlsx.status(), 200)
    const bytes = await xlsx.body()
    assert.equal(bytes.subarray(0, 2).toString(), 'PK')
    const bad = await page.request.get(server.url + 'reports/statutory.csv?month=2026-13')
    assert.equal(bad.status(), 400)
  })

  test('uploads files with errors and gets the error report; nothing is stored', async () => {
    const page = await pageFor('data_officer')
    await page.goto(server.url + 'upload')
    await expectNoViolations(page, 'upload')
    await page.setInputFiles('#people', { name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from('person_id,given_name,family_name,date_of_birth,la_code\nX1,Ann,Lee,2009-02-30,890\n') })
    await page.setInputFiles('#activities', { name: 'activities.csv', mimeType: 'text/csv', buffer: Buffer.from('person_id,activity_code,start_date\nX1,999,2026-09-01\n') })
    await page.click('button:has-text("Check and upload")')
    await page.waitForSelector('.govuk-error-summary')
    const text = await page.textContent('main')
    assert.match(text, /Nothing was stored/)
    assert.match(text, /2009-02-30/)
    await expectNoViolations(page, 'upload error report')
    const link = await page.getAttribute('a:has-text("Download the error report")', 'href')
    const report = await page.request.get(server.url + link.replace(/^\//, ''))
    assert.match(await report.text(), /^file,line,column,value,reason/)
    const search = await api(page, '/api/people?q=X1')
    assert.equal(search.body.results.length, 0)
  })
})

describe('role denials', () => {
  test('a school user sees only its own pupils', async () => {
    const page = await pageFor('school')
    const school = server.accounts.school.school
    const officer = await pageFor('data_officer')
    const all = await api(officer, '/api/people?q=smith')
    const other = all.body.results.find((r) => r.school_id && r.school_id !== school)
    const own = all.body.results.find((r) => r.school_id === school)
    assert.ok(other && own, 'pupils of the school and of another school')
    assert.equal((await api(page, `/api/people/${other.person_id}`)).status, 404)
    assert.equal((await api(page, `/api/people/${own.person_id}`)).status, 200)
    const mine = await api(page, '/api/people?q=smith')
    assert.ok(mine.body.results.length > 0)
    assert.ok(mine.body.results.every((r) => r.school_id === school), 'search results only from the school')
    await page.goto(server.url + `people/${other.person_id}`)
    assert.match(await page.textContent('h1'), /Page not found/)
    const r = await page.request.post(server.url + `api/people/${other.person_id}/activities`, {
      headers: { 'X-CSRF-Token': (await api(page, '/api/session')).body.csrf_token },
      data: { activity_code: '540', start_date: '2026-10-01' }
    })
    assert.equal(r.status(), 404)
  })

  test('a coach sees only their caseload', async () => {
    const page = await pageFor('coach')
    const officer = await pageFor('data_officer')
    const all = await api(officer, '/api/people?q=smith')
    const coach = server.accounts.coach.coach
    let outside = null
    for (const r of all.body.results) {
      const p = await api(officer, `/api/people/${r.person_id}`)
      if (p.body.coach_id !== coach) { outside = r; break }
    }
    assert.ok(outside)
    assert.equal((await api(page, `/api/people/${outside.person_id}`)).status, 404)
    const queue = await api(page, '/api/not-known')
    for (const p of queue.body.people) {
      const detail = await api(page, `/api/people/${p.person_id}`)
      assert.equal(detail.body.coach_id, coach)
    }
  })

  test('a viewer and a manager see aggregates only, never names', async () => {
    for (const role of ['viewer', 'manager']) {
      const page = await pageFor(role)
      assert.equal((await api(page, '/api/people?q=smith')).status, 403)
      assert.equal((await api(page, '/api/people/P0000007')).status, 403)
      assert.equal((await api(page, '/api/not-known')).status, 403)
      assert.equal((await api(page, '/api/reports/statutory?month=2026-01')).status, 200)
      await page.goto(server.url + 'people')
      assert.match(await page.textContent('h1'), /do not have access/)
      await expectNoViolations(page, `forbidden page as ${role}`)
    }
  })

  test('only an admin manages users and reads the audit log', async () => {
    for (const role of ['data_officer', 'manager', 'coach', 'school', 'viewer']) {
      const page = await pageFor(role)
      assert.equal((await api(page, '/api/users')).status, 403, role)
      assert.equal((await api(page, '/api/audit')).status, 403, role)
    }
  })

  test('requests without a session or a CSRF token are refused', async () => {
    const page = await newPage(browser)
    assert.equal((await api(page, '/api/people?q=smith')).status, 401)
    assert.equal((await api(page, '/api/dashboard')).status, 401)
    const officer = await pageFor('data_officer')
    const r = await officer.request.post(server.url + 'api/people/P0000007/activities', {
      data: { activity_code: '540', start_date: '2026-10-01' }
    })
    assert.equal(r.status(), 403)
    await page.context().close()
  })
})

describe('administration', () => {
  test('the admin adds a user, and the audit log shows who read which record', async () => {
    const page = await pageFor('admin')
    await page.goto(server.url + 'admin/users')
    await expectNoViolations(page, 'users')
    await page.fill('#username', 'new-school-user')
    await page.selectOption('#role', 'school')
    await page.click('button:has-text("Add user")')
    await page.waitForSelector('.govuk-error-summary')
    assert.match(await page.textContent('.govuk-error-summary'), /school/i)
    await page.fill('#username', 'new-school-user')
    await page.selectOption('#role', 'school')
    await page.fill('#school_id', 'SCH001')
    await page.click('button:has-text("Add user")')
    await page.waitForSelector('.govuk-notification-banner--success')
    await expectNoViolations(page, 'user added')
    await page.goto(server.url + `admin/audit?username=${server.accounts.data_officer.username}&action=read`)
    const text = await page.textContent('main')
    assert.match(text, /person P\d+/)
    await expectNoViolations(page, 'audit log')
  })
})

describe('engagement coaching', () => {
  test('the monthly activity report shows Year 11 and Year 12 panels; a coach sees only their own figures', async () => {
    const officer = await pageFor('data_officer')
    await officer.goto(server.url + 'coaching/monthly?month=2026-02')
    const headings = await officer.locator('h2.govuk-heading-m').allTextContents()
    assert.deepEqual(headings.map((h) => h.trim()), ['Year 11', 'Year 12'])
    await expectNoViolations(officer, 'monthly activity report')
    const all = await api(officer, '/api/reports/monthly-activity?month=2026-02')
    assert.ok(all.body.year11.caseload > 0, 'a caseload in February')
    const coach = await pageFor('coach')
    const mine = await api(coach, '/api/reports/monthly-activity?month=2026-02&coach=SOMEONE-ELSE')
    const direct = await api(officer, `/api/reports/monthly-activity?month=2026-02&coach=${server.accounts.coach.coach}`)
    assert.deepEqual(mine.body, direct.body, "a coach's filter is always their own")
    assert.ok(mine.body.year11.caseload + mine.body.year12.caseload < all.body.year11.caseload + all.body.year12.caseload)
    await coach.goto(server.url + 'coaching/monthly?month=2026-02')
    assert.equal(await coach.locator('#coach').count(), 0, 'no coach filter for a coach')
    await expectNoViolations(coach, 'monthly activity report as a coach')
    await coach.click('a:has-text("caseload over the last 12 months")')
    await coach.waitForURL(/coaching\/dashboard/)
    await coach.waitForLoadState('load')
    assert.equal(await coach.locator('table').count(), 2)
    assert.equal(await coach.locator('table').first().locator('tbody tr').count(), 12)
    await expectNoViolations(coach, 'coaching dashboard')
  })
})

describe('a coach', () => {
  test('records a contact and a session from the caseload page and sees the monthly report change', async () => {
    const page = await pageFor('coach')
    await page.goto(server.url + 'coaching/caseload')
    await expectNoViolations(page, 'caseload')
    const caseload = await api(page, '/api/caseload')
    const someone = caseload.body.people.find((p) => p.academic_age === 15 || p.academic_age === 16)
    assert.ok(someone, 'a Year 11 or 12 young person on the caseload')
    const month = AS_OF.slice(0, 7)
    const before = await api(page, `/api/reports/monthly-activity?month=${month}`)
    const panel = someone.academic_age === 15 ? 'year11' : 'year12'
    await page.click(`a[href="/people/${someone.person_id}"]`)
    await expectNoViolations(page, 'person page with coaching')
    // A date in the future is refused with an error summary.
    await page.fill('#contact_date-day', '1')
    await page.fill('#contact_date-month', '1')
    await page.fill('#contact_date-year', '2030')
    await page.click('button:has-text("Save contact")')
    await page.waitForSelector('.govuk-error-summary')
    await expectNoViolations(page, 'contact with an error')
    await page.fill('#contact_date-day', AS_OF.slice(8, 10))
    await page.fill('#contact_date-month', AS_OF.slice(5, 7))
    await page.fill('#contact_date-year', AS_OF.slice(0, 4))
    await page.click('button:has-text("Save")')
    await page.waitForSelector('.govuk-notification-banner--success')
    await page.selectOption('#session_number', '7')
    await page.fill('#session_date-day', AS_OF.slice(8, 10))
    await page.fill('#session_date-month', AS_OF.slice(5, 7))
    await page.fill('#session_date-year', AS_OF.slice(0, 4))
    await page.selectOption('#session_mode', 'virtual')
    await page.click('button:has-text("Save session")')
    await page.waitForSelector('.govuk-notification-banner--success')
    await page.selectOption('#assessment_kind', 'pass')
    await page.fill('#assessment_date-day', AS_OF.slice(8, 10))
    await page.fill('#assessment_date-month', AS_OF.slice(5, 7))
    await page.fill('#assessment_date-year', AS_OF.slice(0, 4))
    await page.click('button:has-text("Save assessment")')
    await page.waitForSelector('.govuk-notification-banner--success')
    await expectNoViolations(page, 'person page after recording coaching')
    const text = await page.textContent('main')
    assert.match(text, /PASS assessment/)
    assert.match(text, /Contact with the young person/)
    assert.match(text, /Session 7: End of term review/)
    const after = await api(page, `/api/reports/monthly-activity?month=${month}`)
    assert.equal(after.body[panel].engaged, before.body[panel].engaged + 1, 'one more young person engaged this month')
    if (panel === 'year11') assert.ok(after.body.year11.sessions_completed_pct['7'] > before.body.year11.sessions_completed_pct['7'])
  })
})

describe('layout', () => {
  test('pages fit a 320 px wide screen', async () => {
    const page = await newPage(browser, { viewport: { width: 320, height: 640 } })
    await signIn(page, server.url, { ...server.accounts.data_officer })
    for (const path of ['', 'people?q=smith', 'not-known', 'reports?month=2026-01']) {
      await page.goto(server.url + path)
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
      assert.ok(overflow <= 0, `${path || 'dashboard'} is ${overflow}px too wide at 320px`)
    }
    await page.context().close()
  })
})
