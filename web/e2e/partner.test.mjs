// Browser tests of partner feeds: a data officer imports a school's cohort check, sees a file
// with a problem refused with a report, sees what matched and what waits for review, and
// applies the uncertain row to the right young person. axe-core finds no violations.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { expectNoViolations, pageFor, server, useServerAndBrowser } from './harness.mjs'

useServerAndBrowser()

const header = 'school_id,check_date,upn,uln,given_name,family_name,date_of_birth,gender,ethnicity,postcode,year_group,sen_status,characteristics,intended_destination,la_code\n'

// Two Year 11 pupils (academic age 15 in 2026-27, so born September 2010 to August 2011)
// with UPNs and schools, found through the people search by date of birth.
async function twoYear11Pupils (page) {
  const found = []
  for (let day = 1; day <= 28; ++day) {
    const q = `2011-01-${String(day).padStart(2, '0')}`
    const res = await page.request.get(server.url + 'api/people?q=' + q)
    const body = await res.json()
    for (const p of body.results) {
      if (p.academic_age === 15 && p.upn && p.school_id && !found.some((f) => f.person_id === p.person_id)) found.push(p)
      if (found.length === 2) return found
    }
  }
  throw new Error('no two Year 11 pupils with UPNs found')
}

function row (p, upn, checkDate = '2026-11-10') {
  return `${p.school_id},${checkDate},${upn},,${p.given_name},${p.family_name},${p.date_of_birth},,,,11,,,310,\n`
}

describe('partner feeds', () => {
  test('a data officer imports a cohort check, is told of problems, and decides the uncertain row', async () => {
    const page = await pageFor('data_officer')
    await page.goto(server.url + 'partner')
    await expectNoViolations(page, 'partner feeds')
    assert.match(await page.textContent('main'), /Review queue/)

    // Nothing chosen: an error summary.
    await page.click('button:has-text("Check and import")')
    await page.waitForSelector('.govuk-error-summary')
    assert.match(await page.textContent('.govuk-error-summary'), /Select which feed the file is/)
    await expectNoViolations(page, 'partner feeds with errors')

    const [a, b] = await twoYear11Pupils(page)
    // B's UPN as the school sends it differs from ours: the match is uncertain.
    const otherUpn = (b.upn[0] === 'Z' ? 'Y' : 'Z') + b.upn.slice(1)

    // A file with an impossible date is refused whole, with a report.
    await page.check('#feed')
    await page.setInputFiles('#file', { name: 'cohort.csv', mimeType: 'text/csv', buffer: Buffer.from(header + row(a, a.upn) + row(b, otherUpn, '2026-11-31')) })
    await page.click('button:has-text("Check and import")')
    await page.waitForSelector('.govuk-error-summary')
    let text = await page.textContent('main')
    assert.match(text, /Nothing was stored/)
    assert.match(text, /2026-11-31/)
    await expectNoViolations(page, 'partner feed problems')
    const link = await page.getAttribute('a:has-text("Download the error report")', 'href')
    const report = await page.request.get(server.url + link.replace(/^\//, ''))
    assert.match(await report.text(), /^file,line,column,value,reason\ncohort\.csv,3,check_date,2026-11-31,/)

    // The corrected file: A matches on UPN, B waits for review.
    await page.goto(server.url + 'partner')
    await page.check('#feed')
    await page.setInputFiles('#file', { name: 'cohort.csv', mimeType: 'text/csv', buffer: Buffer.from(header + row(a, a.upn) + row(b, otherUpn)) })
    await page.click('button:has-text("Check and import")')
    await page.waitForSelector('.govuk-notification-banner--success')
    text = (await page.textContent('main')).replace(/\s+/g, ' ')
    assert.match(text, /Feed imported/)
    assert.match(text, /Matched on UPN or ULN\s*1(?!\d)/)
    assert.match(text, /Sent to the review queue\s*1(?!\d)/)
    await expectNoViolations(page, 'partner feed imported')

    await page.click('a:has-text("Decide the rows in the review queue")')
    await expectNoViolations(page, 'review queue')
    text = await page.textContent('main')
    assert.match(text, new RegExp(`${b.given_name} ${b.family_name}`))
    assert.match(text, new RegExp(otherUpn))
    // Apply it to B (by keyboard: focus the button, press Enter).
    await page.focus(`button:has-text("Apply"):has(span:has-text("(${b.person_id})"))`)
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')])
    assert.ok(await page.isVisible('.govuk-notification-banner--success'), page.url() + '\n' + await page.textContent('main'))
    text = await page.textContent('main')
    assert.match(text, new RegExp(`cohort.csv, line 3: applied to ${b.person_id}\\.`))
    assert.match(text, /The review queue is empty/)
    await expectNoViolations(page, 'review decided')

  })

  test('a row can become a new record; likely duplicates are listed and downloadable', async () => {
    const page = await pageFor('data_officer')
    const [a] = await twoYear11Pupils(page)
    const otherUpn = (a.upn[0] === 'X' ? 'W' : 'X') + a.upn.slice(1)
    await page.goto(server.url + 'partner')
    await page.check('#feed')
    await page.setInputFiles('#file', { name: 'cohort2.csv', mimeType: 'text/csv', buffer: Buffer.from(header + row(a, otherUpn)) })
    await page.click('button:has-text("Check and import")')
    await page.waitForSelector('.govuk-notification-banner--success')
    await page.goto(server.url + 'partner/reviews')
    await page.click('button:has-text("Create a new record")')
    await page.waitForSelector('.govuk-notification-banner--success')
    const done = await page.textContent('.govuk-notification-banner--success')
    assert.match(done, /a new record/)
    const created = done.match(/applied to (\S+) \(a new record\)/)[1]
    assert.notEqual(created, a.person_id)
    const found = await (await page.request.get(server.url + 'api/people?q=' + otherUpn)).json()
    assert.deepEqual(found.results.map((p) => p.person_id), [created])

    await page.goto(server.url + 'partner')
    await page.click('a:has-text("Likely duplicates")')
    await expectNoViolations(page, 'likely duplicates')
    const caption = await page.textContent('caption')
    const pairs = Number(caption.match(/(\d+) pairs?/)[1])
    assert.ok(pairs > 0, caption)
    const csv = await page.request.get(server.url + 'partner/duplicates.csv')
    assert.equal(csv.status(), 200)
    const lines = (await csv.text()).trim().split('\n')
    assert.match(lines[0], /^person_id_a,/)
    assert.equal(lines.length, pairs + 1)
  })

  test('malformed and hostile files are refused with a report, and nothing is stored', async () => {
    const page = await pageFor('data_officer')
    const cases = [
      ['an unterminated quote', header + 'SCH001,2026-11-10,"A123,,Amy,Lee,2011-01-01,,,,11,,,310,890\n', /quote/i],
      ['invalid UTF-8', Buffer.concat([Buffer.from(header + 'SCH001,2026-11-10,A12345678901Z,,'), Buffer.from([0xff, 0xfe]), Buffer.from(',Lee,2011-01-01,,,,11,,,310,890\n')]), /UTF-8/],
      ['a formula and SQL in names', header + "SCH001,2026-11-10,A12345678901Z,,\"=HYPERLINK(\"\"x\"\")\",'); DROP TABLE people;--,2011-13-01,,,,11,,,310,890\n", /2011-13-01/],
      ['a header only of unknown columns', 'foo,bar\n1,2\n', /required column is missing/]
    ]
    for (const [what, content, reason] of cases) {
      await page.goto(server.url + 'partner')
      await page.check('#feed')
      await page.setInputFiles('#file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.isBuffer(content) ? content : Buffer.from(content) })
      await page.click('button:has-text("Check and import")')
      await page.waitForSelector('.govuk-error-summary')
      const text = await page.textContent('main')
      assert.match(text, /Nothing was stored/, what)
      assert.match(text, reason, what)
      await expectNoViolations(page, `refused file: ${what}`)
    }
    const res = await page.request.get(server.url + 'api/people?q=' + encodeURIComponent('DROP TABLE'))
    assert.equal((await res.json()).results.length, 0)
  })

  test('other roles cannot import feeds or see the queue', async () => {
    for (const role of ['school', 'coach', 'manager', 'viewer']) {
      const page = await pageFor(role)
      for (const path of ['partner', 'partner/reviews', 'partner/duplicates']) {
        const res = await page.request.get(server.url + path)
        assert.equal(res.status(), 403, `${role} ${path}`)
      }
    }
  })
})
