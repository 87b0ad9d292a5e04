// Builds the front end into dist/: one stylesheet (GOV.UK Frontend + MOJ Frontend + ours),
// the scripts, and the images they use. Run with `npm run build` after `npm ci`.
// Everything comes from node_modules; nothing is fetched.
import { compile } from 'sass'
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const out = join(here, 'dist')
const mod = (p) => join(here, 'node_modules', p)

rmSync(out, { recursive: true, force: true })
mkdirSync(join(out, 'images'), { recursive: true })

// GDS Transport is licensed for GOV.UK only: drop its @font-face rules and its name from
// font stacks, leaving Arial.
const withoutTransport = (css) =>
  css.replace(/@font-face\{[^}]*GDS Transport[^}]*\}/g, '').replace(/"?GDS Transport"?,\s*/g, '')

const govuk = withoutTransport(readFileSync(mod('govuk-frontend/dist/govuk/govuk-frontend.min.css'), 'utf8'))
const moj = withoutTransport(readFileSync(mod('@ministryofjustice/frontend/moj/moj-frontend.min.css'), 'utf8'))
const ours = compile(join(here, 'src/app.scss'), { style: 'compressed' }).css
writeFileSync(join(out, 'app.css'), [govuk, moj, ours].join('\n').replace(/\/\*# sourceMappingURL=[^*]*\*\//g, ''))
if (/GDS Transport/.test(readFileSync(join(out, 'app.css'), 'utf8'))) throw new Error('GDS Transport left in app.css')

cpSync(mod('govuk-frontend/dist/govuk/govuk-frontend.min.js'), join(out, 'govuk-frontend.min.js'))
cpSync(mod('@ministryofjustice/frontend/moj/moj-frontend.min.js'), join(out, 'moj-frontend.min.js'))
cpSync(mod('chart.js/dist/chart.umd.min.js'), join(out, 'chart.umd.min.js'))
cpSync(mod('govuk-frontend/dist/govuk/assets/images'), join(out, 'images'), { recursive: true })
for (const f of ['init.js', 'app.js', 'dashboard.js', 'risk.js', 'coaching.js', 'favicon.svg']) cpSync(join(here, 'src', f), join(out, f))
console.log(`built ${out}`)
