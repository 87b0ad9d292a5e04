// Browser tests of the monthly recording day and the NEET vulnerable group panel: a coach
// does the month's recording (confirms a status, records a NEET reason, records a contact and
// sees the progress change), a school refers a pupil, LA staff record the panel's decision;
// axe-core finds no violations on any of the new pages, and the actions work by keyboard.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { expectNoViolations, pageFor, server, useServerAndBrowser } from './harness.mjs'

useServerAndBrowser()

// "12 of 31 confirmed this month" -> [12, 31]
async function progress (page) {
  const text = await page.textContent('#progress')
  const m = text.match(/(\d+) of (\d+) confirmed this month/)
  assert.ok(m, `progress heading: ${text}`)
  return [Number(m[1]), Number(m[2])]
}

async function noContactCount (page) {
  const row = page.locator('.govuk-summary-list__row', { hasText: 'No contact with the young person this month' })
  return Number((await row.locator('dd').textContent()).trim())
}

describe('the monthly recording day', () => {
  test('a coach sees the month\'s return, due on the recording day, with its progress', async () => {
    const page = await pageFor('coach')
    await page.goto(server.url + 'coaching/recording')
    assert.match(await page.textContent('main'), /The return for November 2026 is due on 23 November 2026/)
    const [done, total] = await progress(page)
    assert.ok(total > 0, 'the demo coach has a caseload')
    assert.ok(done < total, 'something to confirm')
    await expectNoViolations(page, 'monthly recording')
    // The navigation leads here.
    assert.equal(await page.locator('nav a[href="/coaching/recording"]').count(), 1)
  })

  test('confirms a status in one action, by keyboard', async () => {
    const page = await pageFor('coach')
    await page.goto(server.url + 'coaching/recording')
    const [before] = await progress(page)
    const confirm = page.locator('button:has-text("Confirm")').first()
    const label = (await confirm.textContent()).trim()
    // Reachable with Tab from the top of the page.
    await page.locator('body').focus()
    let reached = false
    for (let i = 0; i < 300 && !reached; i++) {
      await page.keyboard.press('Tab')
      reached = await page.evaluate(() => document.activeElement?.tagName === 'BUTTON' && /^Confirm/.test(document.activeElement.textContent.trim()))
    }
    assert.ok(reached, 'a Confirm button is reachable by keyboard')
    assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), label)
    await Promise.all([page.waitForURL(/confirmed=/), page.keyboard.press('Enter')])
    await page.waitForSelector('.govuk-notification-banner--success')
    assert.match(await page.textContent('.govuk-notification-banner'), /Status confirmed/)
    const [after] = await progress(page)
    assert.equal(after, before + 1)
    await expectNoViolations(page, 'monthly recording after confirming')
  })

  test('records a new NEET status with its reason, and a contact', async () => {
    const page = await pageFor('coach')
    await page.goto(server.url + 'coaching/recording')
    const [before, total] = await progress(page)
    const noContactBefore = await noContactCount(page)
    // A young person still to confirm and without contact this month, if there is one.
    const rows = page.locator('table tbody tr', { hasText: 'To confirm' })
    assert.ok(await rows.count() > 0, 'someone still to confirm')
    let row = rows.filter({ hasText: 'No contact' }).first()
    const withoutContact = await row.count() > 0
    if (!withoutContact) row = rows.first()
    await Promise.all([page.waitForURL(/\/coaching\/recording\/people\//), row.locator('a:has-text("Update")').click()])
    await expectNoViolations(page, 'recording a young person')
    await page.selectOption('#activity_code', '619')
    await page.fill('#start_date-day', '15')
    await page.fill('#start_date-month', '11')
    await page.fill('#start_date-year', '2026')
    await page.selectOption('#neet_reason', 'not_ready')
    await Promise.all([page.waitForURL(/recorded=/), page.click('button:has-text("Save status")')])
    assert.match(await page.textContent('.govuk-notification-banner'), /Status recorded/)
    const [afterStatus] = await progress(page)
    assert.equal(afterStatus, before + 1)
    assert.equal((await progress(page))[1], total)
    assert.match(await page.textContent('table'), /Not ready for work or learning/)

    // The same young person: a contact today, recorded by keyboard.
    const recorded = new URL(page.url()).searchParams.get('recorded')
    await page.goto(server.url + 'coaching/recording/people/' + recorded)
    await page.focus('#contact_date-day')
    assert.equal(await page.inputValue('#contact_date-day'), '15', 'the date defaults to today')
    await page.selectOption('#contact_with', 'young_person')
    await page.selectOption('#contact_mode', 'phone')
    await page.focus('button:has-text("Save contact")')
    await Promise.all([page.waitForURL(/contact=/), page.keyboard.press('Enter')])
    assert.match(await page.textContent('.govuk-notification-banner'), /Contact recorded/)
    assert.equal(await noContactCount(page), withoutContact ? noContactBefore - 1 : noContactBefore)
    await expectNoViolations(page, 'monthly recording after a status and a contact')
  })

  test('shows an error summary for a status that is not valid', async () => {
    const page = await pageFor('coach')
    await page.goto(server.url + 'coaching/recording')
    await Promise.all([page.waitForURL(/\/coaching\/recording\/people\//), page.locator('a:has-text("Update")').first().click()])
    await page.selectOption('#activity_code', '230')
    await page.fill('#start_date-day', '31')
    await page.fill('#start_date-month', '2')
    await page.fill('#start_date-year', '2026')
    await page.selectOption('#neet_reason', 'unwilling')
    await page.click('button:has-text("Save status")')
    await page.waitForSelector('.govuk-error-summary')
    assert.match(await page.title(), /^Error: /)
    await expectNoViolations(page, 'recording with errors')
  })

  test('a data officer chooses a coach; a school may not use the page', async () => {
    const officer = await pageFor('data_officer')
    await officer.goto(server.url + `coaching/recording?coach=${server.accounts.coach.coach}`)
    await progress(officer)
    await expectNoViolations(officer, 'monthly recording as a data officer')
    const school = await pageFor('school')
    const r = await school.goto(server.url + 'coaching/recording')
    assert.equal(r.status(), 403)
  })
})

describe('the NEET vulnerable group panel', () => {
  test('a school refers one of its Year 11 pupils; the form shows its errors', async () => {
    const page = await pageFor('school')
    await page.goto(server.url + 'panel')
    await expectNoViolations(page, 'panel referrals as a school')
    await Promise.all([page.waitForURL(/\/panel\/refer$/), page.click('a:has-text("Refer a pupil")')])
    await expectNoViolations(page, 'referral form')
    await page.click('button:has-text("Refer the pupil")')
    await page.waitForSelector('.govuk-error-summary')
    assert.match(await page.title(), /^Error: /)
    const summary = await page.textContent('.govuk-error-summary')
    assert.match(summary, /Select the pupil to refer/)
    assert.match(summary, /Select a RAG rating/)
    assert.match(summary, /Enter the reason for the referral/)
    await expectNoViolations(page, 'referral form with errors')
    // By keyboard: the error summary's link moves focus to the field.
    const options = await page.locator('#person_id option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean))
    assert.ok(options.length > 0, 'the school has Year 11 pupils')
    await page.selectOption('#person_id', options[0])
    await page.focus('#rag')
    await page.keyboard.press('Space')
    assert.equal(await page.isChecked('#rag'), true)
    await page.fill('#reason', 'Attendance below 80% and no application for September')
    await Promise.all([page.waitForURL(/referred=/), page.click('button:has-text("Refer the pupil")')])
    assert.match(await page.textContent('.govuk-notification-banner'), /Referral made/)
    assert.match(await page.textContent('table'), /Attendance below 80%/)
    await expectNoViolations(page, 'panel referrals after referring')
  })

  test('LA staff record the panel decision; the progression report has no violations', async () => {
    const page = await pageFor('data_officer')
    await page.goto(server.url + 'panel')
    await Promise.all([page.waitForURL(/\/panel\/referrals\//), page.locator('a:has-text("Record the decision")').first().click()])
    await expectNoViolations(page, 'panel decision')
    await page.selectOption('#decision', 'allocate_coach')
    await page.fill('#actions', 'Engagement coach to meet the pupil before half term')
    await Promise.all([page.waitForURL(/decided=/), page.click('button:has-text("Save the decision")')])
    assert.match(await page.textContent('.govuk-notification-banner'), /Panel decision recorded/)
    await page.goto(server.url + 'panel/report?year=2025')
    assert.match(await page.textContent('#progression'), /\d+(\.\d)?% progressed into EET/)
    await expectNoViolations(page, 'panel progression report')
  })
})

describe('the coaching dashboard', () => {
  test('shows the caseload over twelve months as charts and tables, without violations', async () => {
    const page = await pageFor('manager')
    await page.goto(server.url + 'coaching/dashboard')
    await expectNoViolations(page, 'coaching dashboard')
    for (const panel of ['Year 11', 'Year 12']) {
      const rows = await page.$$(`.app-table-scroll[aria-label="${panel}"] tbody tr`)
      assert.equal(rows.length, 12, `${panel}: one row per month`)
    }
    // Chart.js drew both charts from the tables.
    await page.waitForFunction(() => [...document.querySelectorAll('canvas.app-coaching-chart')].every((c) => c.width > 0))
    assert.equal(await page.$$eval('canvas.app-coaching-chart', (cs) => cs.length), 2)
    const drawn = await page.$$eval('canvas.app-coaching-chart', (cs) => cs.map((c) => window.Chart.getChart(c)?.data.datasets[0].data.length))
    assert.deepEqual(drawn, [12, 12])
  })
})
