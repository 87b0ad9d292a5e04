// Browser tests of early identification: the scheduled at-risk register, a school moderating
// its own list (remove and add with a reason, sign off, then download), what other roles may
// see, the audit trail, and axe-core with zero violations on every page.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { browser, expectNoViolations, newPage, pageFor, server, useServerAndBrowser } from './harness.mjs'

useServerAndBrowser()

describe('at-risk registers', () => {
  test('the LA sees the scheduled register and its counts by school', async () => {
    const page = await pageFor('data_officer')
    await page.goto(server.url + 'risk')
    await expectNoViolations(page, 'early identification')
    // The demo's "today" is 15 November 2026: the 1 November register has been produced.
    const text = await page.textContent('main')
    assert.match(text, /Register 1/)
    assert.match(text, /1 November 2026/)
    assert.match(text, /Scheduled/)
    await page.click('a:has-text("Register 1")')
    await expectNoViolations(page, 'register counts by school')
    const school = server.accounts.school.school
    assert.ok(await page.isVisible(`a:has-text("${school}")`), 'a link to the school list')
    assert.match(await page.textContent('main'), /Not yet moderated/)
  })

  test('a school removes and adds pupils with reasons, signs off, and only then downloads', async () => {
    const page = await pageFor('school')
    const school = server.accounts.school.school
    await page.goto(server.url + 'risk')
    assert.match(page.url(), new RegExp(`/risk/registers/1/schools/${school}$`))
    await expectNoViolations(page, 'school list')
    const listed = async () => Number((await page.textContent('main')).match(/([\d,]+) pupils on the list/)[1].replace(',', ''))
    const before = await listed()
    assert.ok(before > 0)

    // The list cannot be shared before moderation.
    const early = await page.request.get(server.url + `risk/registers/1/schools/${school}/list.csv`)
    assert.equal(early.status(), 409)

    // A decision without a reason is refused with an error summary.
    const removeOption = await page.$eval('#remove-person option:nth-child(1)', (o) => o.value)
    await page.selectOption('#remove-person', removeOption)
    await page.click('button:has-text("Remove from the list")')
    await page.waitForSelector('.govuk-error-summary')
    assert.match(await page.title(), /^Error: /)
    assert.match(await page.textContent('.govuk-error-summary'), /Enter the reason/)
    await expectNoViolations(page, 'school list with an error')
    await page.click('.govuk-error-summary a')
    assert.equal(await page.evaluate(() => document.activeElement.id), 'remove-reason')

    // With a reason it is recorded, and the pupil shows as removed.
    await page.selectOption('#remove-person', removeOption)
    await page.fill('#remove-reason', 'Attendance dip was a hospital stay; now attending full time')
    await page.click('button:has-text("Remove from the list")')
    await page.waitForSelector('.govuk-notification-banner--success')
    assert.equal(await listed(), before - 1)
    assert.match(await page.textContent('main'), /hospital stay/)

    // The pupil's own page shows the register entry and the school's decision.
    const person = await newPage(browser)
    await person.context().addCookies(await page.context().cookies())
    await person.goto(server.url + 'people/' + removeOption)
    const personText = await person.textContent('main')
    assert.match(personText, /Early identification/)
    assert.match(personText, /Removed by the school: Attendance dip was a hospital stay/)
    assert.match(personText, /RONI score/)
    await expectNoViolations(person, 'person page with a register entry')
    await person.context().close()

    // Add a pupil the score missed.
    const addOption = await page.$eval('#add-person option:nth-child(1)', (o) => o.value)
    await page.selectOption('#add-person', addOption)
    await page.fill('#add-reason', 'Young carer for a parent since the spring term')
    await page.click('button:has-text("Add to the list")')
    await page.waitForSelector('.govuk-notification-banner--success')
    assert.equal(await listed(), before)
    assert.match(await page.textContent('main'), /Added by school/)
    await expectNoViolations(page, 'school list after moderation')

    // Sign off: the forms go and the list can be downloaded.
    await page.click('button:has-text("Sign off this list")')
    await page.waitForSelector('.govuk-notification-banner--success')
    assert.equal(await page.isVisible('#remove-person'), false)
    const csv = await page.request.get(server.url + `risk/registers/1/schools/${school}/list.csv`)
    assert.equal(csv.status(), 200)
    const body = await csv.text()
    assert.match(body.split('\n')[0], /^register,academic_year,data_date,criteria_version,person_id/)
    assert.match(body, new RegExp(`${removeOption},.*,removed,`))
    assert.match(body, new RegExp(`${addOption},.*,added,`))
    assert.equal(body.trim().split('\n').length - 1, before + 1, 'every listed pupil plus the added one')
    await expectNoViolations(page, 'signed-off list')
  })

  test('a school never sees another school\'s list', async () => {
    const page = await pageFor('school')
    const other = server.accounts.school.school === 'SCH001' ? 'SCH002' : 'SCH001'
    const r = await page.goto(server.url + `risk/registers/1/schools/${other}`)
    assert.equal(r.status(), 404)
    const csv = await page.request.get(server.url + `risk/registers/1/schools/${other}/list.csv`)
    assert.equal(csv.status(), 404)
    const post = await page.request.post(server.url + `risk/registers/1/schools/${other}/signoff`, { form: {} })
    assert.notEqual(post.status(), 200)
  })

  test('managers see counts but no names; coaches see no lists', async () => {
    const manager = await pageFor('manager')
    await manager.goto(server.url + 'risk/registers/1')
    await expectNoViolations(manager, 'register counts for a manager')
    assert.equal(await manager.isVisible('main table a'), false, 'no links to named lists')
    const r = await manager.goto(server.url + `risk/registers/1/schools/${server.accounts.school.school}`)
    assert.equal(r.status(), 403)
    const coach = await pageFor('coach')
    const c = await coach.goto(server.url + `risk/registers/1/schools/${server.accounts.school.school}`)
    assert.equal(c.status(), 404)
    // Only the LA produces registers.
    const produce = await manager.request.post(server.url + 'risk/registers', { form: {} })
    assert.equal(produce.status(), 403)
  })

  test('anyone can see which indicators predicted NEET, as a chart and a table', async () => {
    const page = await pageFor('viewer')
    await page.goto(server.url + 'risk/indicators')
    await expectNoViolations(page, 'indicator analysis')
    const text = await page.textContent('main')
    // Halton's question, answered for the newest cohort with a known outcome (Year 11 in 2024-25).
    assert.match(text, /\d+ of \d+ young people NEET in Year 12 \(2025-26\)/)
    assert.match(text, /Attendance below 90%/)
    const api = await (await page.request.get(server.url + 'api/risk/indicators')).json()
    const attendance = api.indicators.find((i) => i.id === 'attendance_below_90')
    assert.ok(attendance.relative_risk > 1.5, `attendance below 90% raises the risk (${attendance.relative_risk})`)
    assert.ok(attendance.rr_ci_low < attendance.relative_risk && attendance.relative_risk < attendance.rr_ci_high)
    // The chart was drawn (Chart.js sized the canvas).
    await page.waitForFunction(() => document.getElementById('rr-chart').width > 0)
    // An older cohort by the year filter.
    await page.selectOption('#year', String(api.observed_cohorts[0]))
    await page.click('button:has-text("Show")')
    assert.match(page.url(), new RegExp(`year=${api.observed_cohorts[0]}`))
    assert.match(await page.textContent('main'), /young people NEET in Year 12/)
    await page.screenshot({ path: '/tmp/risk-indicators.png', fullPage: true })
  })

  test('moderation and reading lists are audited', async () => {
    const page = await pageFor('admin')
    const r = await page.request.get(server.url + 'api/audit?action=moderate')
    assert.equal(r.status(), 200)
    const entries = (await r.json()).entries
    assert.ok(entries.length >= 2, 'two decisions recorded')
    assert.ok(entries.every((e) => e.username === server.accounts.school.username))
    const reads = await (await page.request.get(server.url + 'api/audit?action=sign_off')).json()
    assert.equal(reads.entries.length, 1)
  })
})
