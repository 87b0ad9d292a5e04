#!/usr/bin/env node
// Annual-report benchmark: the Pathways CLI against the same report computed in DuckDB.
//
//   node bench/annual/run.mjs --data DIR --year YYYY [--la CODE] [--pathways PATH] [--repeat N]
//
// Each side runs --repeat times (default 3), every run in a fresh process, and the best
// (lowest) load time, query time and peak memory of the runs are reported. The per-month
// counts of the two sides must be equal: the script prints MATCH, or DIFF and exits 1.
//
// Other options:
//   --rules PATH       rules file for the SQL (default data/rules.json); also passed to Pathways
//   --duckdb-only      run only the DuckDB side (no binary needed) and print its counts
//   --print-sql        print the generated load and report SQL and exit
//   --dump-status FILE write DuckDB's per-person status (month, person, outcome, winning
//                      activity) as CSV, to find the people behind a DIFF
//   --strict           also exit 3 when a performance target is missed
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

import {
  ACTIVITY_TYPES, OUTCOMES, codeTable, PEOPLE_TYPES, loadRules, loadSql, reportSql, snapshots, statusSql,
} from './sql.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const COUNT_FIELDS = ['cohort', 'custody', 'participating', 'eet_not_participating', 'neet', 'not_known'];
const TARGETS = { query: 25, load: 3, memoryMiB: 1024 };

function usage(msg) {
  if (msg) console.error(`run.mjs: ${msg}`);
  console.error('usage: node bench/annual/run.mjs --data DIR --year YYYY [--la CODE] [--pathways PATH] [--repeat N]\n' +
    '       [--rules PATH] [--duckdb-only] [--print-sql] [--dump-status FILE] [--strict]');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { repeat: 3, pathways: path.join(ROOT, 'build', 'pathways') };
  const flags = new Set(['--duckdb-only', '--print-sql', '--strict', '--worker']);
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (flags.has(a)) { opts[a.slice(2).replace(/-(.)/g, (_, c) => c.toUpperCase())] = true; continue; }
    const m = a.match(/^--([a-z-]+)(?:=(.*))?$/);
    if (!m) usage(`unexpected argument '${a}'`);
    const key = m[1].replace(/-(.)/g, (_, c) => c.toUpperCase());
    const value = m[2] !== undefined ? m[2] : argv[++i];
    if (value === undefined) usage(`${a} needs a value`);
    opts[key] = value;
  }
  if (!/^\d{4}$/.test(opts.year || '')) usage('--year YYYY is required');
  opts.year = Number(opts.year);
  opts.repeat = Number(opts.repeat);
  if (!Number.isInteger(opts.repeat) || opts.repeat < 1) usage('--repeat must be a positive integer');
  if (opts.la !== undefined && !/^[0-9A-Za-z]{1,10}$/.test(opts.la)) usage('--la must be an LA code');
  if (!opts.printSql) {
    if (!opts.data) usage('--data DIR is required');
    opts.data = path.resolve(opts.data);
    for (const f of ['people.csv', 'activities.csv'])
      if (!existsSync(path.join(opts.data, f))) usage(`${path.join(opts.data, f)} not found`);
  }
  opts.rulesPath = path.resolve(opts.rules || process.env.PATHWAYS_RULES || path.join(ROOT, 'data', 'rules.json'));
  return opts;
}

// ---------------------------------------------------------------------------------------
// CSV header (column order is free in the canonical folder, so the load SQL names columns
// from the file's own header).

function splitCsvLine(line) {
  const out = [];
  let cur = '', q = false;
  for (let i = 0; i < line.length; ++i) {
    const ch = line[i];
    if (q) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; ++i; }
      else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { out.push(cur); cur = ''; }
    else cur += ch;
  }
  out.push(cur);
  return out;
}

async function readHeader(file) {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 64 * 1024 });
  let buf = '';
  for await (const chunk of stream) {
    buf += chunk;
    if (buf.includes('\n')) break;
  }
  stream.destroy();
  let line = buf.split('\n')[0].replace(/\r$/, '');
  if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
  return splitCsvLine(line).map((h) => h.trim());
}

async function loadStatements(dir) {
  const people = path.join(dir, 'people.csv');
  const activities = path.join(dir, 'activities.csv');
  const ph = await readHeader(people);
  const ah = await readHeader(activities);
  for (const c of ['person_id', 'date_of_birth', 'la_code']) if (!ph.includes(c)) throw new Error(`${people}: no column ${c}`);
  for (const c of ['person_id', 'activity_code', 'start_date']) if (!ah.includes(c)) throw new Error(`${activities}: no column ${c}`);
  // Optional columns the query uses must exist even when the file leaves them out.
  const addMissing = (table, header, cols) => cols.filter((c) => !header.includes(c))
    .map((c) => `ALTER TABLE ${table} ADD COLUMN ${c} ${c.endsWith('_date') ? 'DATE' : 'VARCHAR'}`);
  return [
    loadSql('people', people, ph, PEOPLE_TYPES),
    ...addMissing('people', ph, ['cohort_status']),
    loadSql('activities', activities, ah, ACTIVITY_TYPES),
    ...addMissing('activities', ah, ['end_date', 'verified_date', 'review_date']),
  ];
}

// ---------------------------------------------------------------------------------------
// Memory of this process (Linux): peak and current resident set, MiB.

function procStatus() {
  try {
    const s = readFileSync('/proc/self/status', 'utf8');
    const kb = (k) => Number((s.match(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm')) || [])[1]) / 1024;
    return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
  } catch { return { hwm: NaN, rss: NaN }; }
}

// ---------------------------------------------------------------------------------------
// DuckDB side: one run in this process (invoked as a worker so each run starts clean and
// VmHWM is that run's peak).

async function duckdbWorker(opts) {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const rules = loadRules(opts.rulesPath);
  const base = procStatus();
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  const threads = (await con.runAndReadAll("SELECT current_setting('threads') AS t")).getRowObjectsJson()[0].t;
  const version = (await con.runAndReadAll('SELECT version() AS v')).getRowObjectsJson()[0].v;
  const afterOpen = procStatus();

  const statements = await loadStatements(opts.data);
  let t0 = performance.now();
  for (const s of statements) await con.run(s);
  const loadMs = performance.now() - t0;
  const sizes = (await con.runAndReadAll('SELECT (SELECT count(*) FROM people) AS people, (SELECT count(*) FROM activities) AS activities')).getRowObjectsJson()[0];
  const afterLoad = procStatus();
  // The query packs (start, last verification, row) into one BIGINT: rows must fit 29 bits.
  if (Number(sizes.activities) >= 2 ** 29) throw new Error('more than 2^29 activities: widen the key in sql.mjs');

  // Codes not in the rules would silently count as nothing: refuse them, as Pathways does.
  const codesSql = `SELECT DISTINCT activity_code FROM activities ORDER BY 1`;
  const known = new Set(codeTable(rules).map((c) => c.code));
  const present = (await con.runAndReadAll(codesSql)).getRowObjectsJson().map((r) => Number(r.activity_code));
  const unknown = present.filter((c) => !known.has(c));

  // The query runs twice on the loaded tables; the faster run counts (the first pays for
  // warming caches and allocator, which favours the Pathways side if counted).
  const sql = reportSql(rules, { year: opts.year, la: opts.la });
  const queryRuns = [];
  let rows;
  for (let i = 0; i < 2; ++i) {
    t0 = performance.now();
    rows = (await con.runAndReadAll(sql)).getRowObjectsJson();
    queryRuns.push(performance.now() - t0);
  }
  const queryMs = Math.min(...queryRuns);
  const end = procStatus();

  let memTags = [];
  try {
    memTags = (await con.runAndReadAll('SELECT tag, memory_usage_bytes FROM duckdb_memory() WHERE memory_usage_bytes > 0')).getRowObjectsJson();
  } catch { /* older DuckDB */ }

  if (opts.dumpStatus) {
    const st = (await con.runAndReadAll(statusSql(rules, { year: opts.year, la: opts.la }))).getRowObjectsJson();
    const lines = ['month,person_id,date_of_birth,outcome,start_date,last_verified,activities_line'];
    for (const r of st) lines.push([r.month, r.person_id, r.dob, OUTCOMES[Number(r.outcome)], r.start_date ?? '', r.last_verified ?? '', r.activities_line ?? ''].join(','));
    writeFileSync(opts.dumpStatus, lines.join('\n') + '\n');
  }

  const monthly = rows.map((r) => {
    const o = { month: r.month, snapshot_date: r.snapshot_date };
    for (const k of [...COUNT_FIELDS, 'pre16']) o[k] = Number(r[k]);
    return o;
  });
  return {
    version, threads: Number(threads), people: Number(sizes.people), activities: Number(sizes.activities),
    load_ms: loadMs, query_ms: queryMs, query_runs_ms: queryRuns, peak_rss_mb: end.hwm,
    base_rss_mb: afterOpen.rss, rss_after_load_mb: afterLoad.rss, node_base_rss_mb: base.rss,
    duckdb_memory: memTags.map((t) => ({ tag: t.tag, mb: Number(t.memory_usage_bytes) / 1048576 })),
    unknown_codes: unknown, monthly,
  };
}

function runProcess(cmd, args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [], err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({
      code, signal, wallMs: performance.now() - t0,
      stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'),
    }));
  });
}

async function duckdbRun(opts) {
  const args = [fileURLToPath(import.meta.url), '--worker', '--data', opts.data, '--year', String(opts.year),
    '--rules', opts.rulesPath];
  if (opts.la !== undefined) args.push('--la', opts.la);
  if (opts.dumpStatus) args.push('--dump-status', opts.dumpStatus);
  const r = await runProcess(process.execPath, args);
  if (r.code !== 0) throw new Error(`DuckDB run failed (exit ${r.code ?? r.signal}):\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

// ---------------------------------------------------------------------------------------
// Pathways side.

async function pathwaysRun(opts) {
  const args = ['report', 'annual', '--data', opts.data, '--year', String(opts.year)];
  if (opts.la !== undefined) args.push('--la', opts.la);
  if (opts.rules) args.push('--rules', opts.rulesPath);
  args.push('--format', 'json', '--timings');
  const r = await runProcess(opts.pathways, args);
  const cmdline = `${opts.pathways} ${args.join(' ')}`;
  if (r.code !== 0) throw new Error(`Pathways failed (exit ${r.code ?? r.signal}): ${cmdline}\n${r.stderr}`);
  const m = r.stderr.match(/^timings: (\{.*\})\s*$/m);
  if (!m) throw new Error(`Pathways printed no 'timings: {...}' line on stderr: ${cmdline}\n${r.stderr}`);
  const timings = JSON.parse(m[1]);
  let report;
  try { report = JSON.parse(r.stdout); } catch (e) {
    throw new Error(`Pathways stdout is not JSON (${e.message}): ${cmdline}\n${r.stdout.slice(0, 2000)}`);
  }
  if (!Array.isArray(report.monthly)) throw new Error(`Pathways JSON has no "monthly" array: ${cmdline}`);
  return { ...timings, wall_ms: r.wallMs, report, cmdline };
}

// ---------------------------------------------------------------------------------------
// Measures and comparison.

function annualFrom(monthly) {
  const pct = (n, d) => (d ? (100 * n) / d : 0);
  const by = Object.fromEntries(monthly.map((m) => [m.month, m]));
  const snaps = monthly.slice(0, 3);
  const mean = (f) => snaps.reduce((s, m) => s + f(m), 0) / snaps.length;
  const march = monthly[3];
  return {
    neet_pct: mean((m) => pct(m.neet, m.cohort)),
    not_known_pct: mean((m) => pct(m.not_known, m.cohort)),
    neet_nk_pct: mean((m) => pct(m.neet + m.not_known, m.cohort)),
    participation_pct: pct(march.participating, march.cohort),
    by,
  };
}

function compare(expectedMonths, pw) {
  const problems = [];
  const got = new Map(pw.report.monthly.map((m) => [m.month, m]));
  for (const e of expectedMonths) {
    const g = got.get(e.month);
    if (!g) { problems.push(`${e.month}: missing from Pathways "monthly"`); continue; }
    if (g.snapshot_date !== e.snapshot_date)
      problems.push(`${e.month}: snapshot_date Pathways ${g.snapshot_date}, DuckDB ${e.snapshot_date}`);
    for (const f of COUNT_FIELDS)
      if (Number(g[f]) !== e[f]) problems.push(`${e.month} ${f}: Pathways ${g[f]}, DuckDB ${e[f]} (Pathways ${Number(g[f]) - e[f] >= 0 ? '+' : ''}${Number(g[f]) - e[f]})`);
  }
  if (got.size !== expectedMonths.length)
    problems.push(`Pathways "monthly" has ${got.size} months (${[...got.keys()].join(', ')}), expected ${expectedMonths.length}`);
  // The annual percentages follow from the counts; check Pathways computes them the same way.
  const a = annualFrom(expectedMonths);
  for (const f of ['neet_pct', 'not_known_pct', 'neet_nk_pct', 'participation_pct']) {
    const v = Number(pw.report[f]);
    if (!(Math.abs(v - a[f]) <= 1e-9 * Math.max(1, Math.abs(a[f]))))
      problems.push(`annual ${f}: Pathways ${pw.report[f]}, from DuckDB counts ${a[f]}`);
  }
  return problems;
}

const fmtNum = (v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ')).join('\n');
}

function countsTable(monthly) {
  const cols = ['month', 'snapshot', ...COUNT_FIELDS, 'pre16'];
  return table([cols, ...monthly.map((m) => [m.month, m.snapshot_date, ...COUNT_FIELDS.map((f) => m[f]), m.pre16 ?? ''])]);
}

const best = (runs, key) => Math.min(...runs.map((r) => Number(r[key])));

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.worker) {
    process.stdout.write(JSON.stringify(await duckdbWorker(opts)) + '\n');
    return;
  }
  const rules = loadRules(opts.rulesPath);
  if (opts.printSql) {
    const load = opts.data ? await loadStatements(opts.data) : ['-- (pass --data DIR to see the load statements)'];
    console.log(load.map((s) => s + ';').join('\n') + '\n\n' + reportSql(rules, { year: opts.year, la: opts.la }) + ';');
    return;
  }

  const snaps = snapshots(opts.year);
  console.log(`annual report ${opts.year}-${String((opts.year + 1) % 100).padStart(2, '0')}: snapshots ${snaps.map((s) => s.date).join(', ')}`);
  console.log(`data ${opts.data}${opts.la !== undefined ? `, LA ${opts.la}` : ', every person resident'}, rules ${opts.rulesPath}, best of ${opts.repeat}`);

  const load0 = os.loadavg()[0];
  if (!opts.duckdbOnly && !existsSync(opts.pathways))
    usage(`Pathways binary ${opts.pathways} not found (build it, or pass --pathways PATH)`);
  // The two sides take turns, so a change in background load affects both alike.
  const duck = [];
  const pw = [];
  for (let i = 0; i < opts.repeat; ++i) {
    duck.push(await duckdbRun({ ...opts, dumpStatus: i === 0 ? opts.dumpStatus : undefined }));
    if (!opts.duckdbOnly) pw.push(await pathwaysRun(opts));
  }
  const d0 = duck[0];
  console.log(`DuckDB ${d0.version}, ${d0.threads} threads: ${d0.people} people, ${d0.activities} activities`);
  if (d0.unknown_codes.length) {
    console.error(`activities.csv has codes not in the rules: ${d0.unknown_codes.join(', ')}`);
    process.exit(2);
  }
  for (const r of duck.slice(1))
    if (JSON.stringify(r.monthly) !== JSON.stringify(d0.monthly)) throw new Error('DuckDB gave different counts on different runs');
  if (opts.dumpStatus) console.log(`per-person status written to ${opts.dumpStatus}`);

  if (opts.duckdbOnly) {
    console.log('\nDuckDB counts (pre16 = of the not known, people whose current activity is a pre-16 code)');
    console.log(countsTable(d0.monthly));
    const a = annualFrom(d0.monthly);
    console.log(`\nannual: neet_pct ${a.neet_pct}, not_known_pct ${a.not_known_pct}, neet_nk_pct ${a.neet_nk_pct}, participation_pct (March) ${a.participation_pct}`);
    console.log(table([['', 'DuckDB'], ['load ms', fmtNum(best(duck, 'load_ms'))], ['query ms', fmtNum(best(duck, 'query_ms'))],
      ['peak RSS MiB', fmtNum(best(duck, 'peak_rss_mb'))]]));
    return;
  }

  for (const r of pw.slice(1))
    if (JSON.stringify(r.report.monthly) !== JSON.stringify(pw[0].report.monthly)) throw new Error('Pathways gave different counts on different runs');
  console.log(`Pathways: ${pw[0].cmdline}`);

  // 1. Counts.
  const problems = compare(d0.monthly, pw[0]);
  console.log('\nper-month counts (DuckDB)');
  console.log(countsTable(d0.monthly));
  if (d0.monthly.some((m) => m.pre16 > 0))
    console.log('note: pre16 = people aged 16-17 whose current activity is a pre-16 code (kept current by a review_date), counted as not known');
  const a = annualFrom(d0.monthly);
  console.log(`annual: neet_pct ${fmtNum(a.neet_pct, 3)}, not_known_pct ${fmtNum(a.not_known_pct, 3)}, ` +
    `neet_nk_pct ${fmtNum(a.neet_nk_pct, 3)}, participation_pct ${fmtNum(a.participation_pct, 3)} (March)`);
  if (problems.length) {
    console.log('\nDIFF');
    console.log(problems.map((p) => `  ${p}`).join('\n'));
    console.log('\nPathways monthly:');
    console.log(countsTable(pw[0].report.monthly));
    if (!opts.dumpStatus) console.log('(rerun with --dump-status FILE for the status DuckDB gives each person, to find who differs)');
  } else {
    console.log('\nMATCH: Pathways and DuckDB agree on every count of the four snapshots and on the annual percentages');
  }

  // 2. Performance.
  const p = { load: best(pw, 'load_ms'), query: best(pw, 'query_ms'), mem: best(pw, 'peak_rss_mb'), wall: best(pw, 'wall_ms') };
  const d = { load: best(duck, 'load_ms'), query: best(duck, 'query_ms'), mem: best(duck, 'peak_rss_mb'), base: best(duck, 'base_rss_mb') };
  const loadRatio = d.load / p.load;
  const queryRatio = d.query / p.query;
  const verdict = (ok) => (ok ? 'met' : 'MISSED');
  const ok = { query: queryRatio >= TARGETS.query, load: loadRatio >= TARGETS.load, mem: p.mem < TARGETS.memoryMiB };
  console.log(`\nperformance (best of ${opts.repeat}; ratio = DuckDB / Pathways)`);
  console.log(table([
    ['', 'Pathways', 'DuckDB', 'ratio', 'target', ''],
    ['load ms', fmtNum(p.load), fmtNum(d.load), `${fmtNum(loadRatio, 2)}x`, `>= ${TARGETS.load}x`, verdict(ok.load)],
    ['query ms', fmtNum(p.query, 2), fmtNum(d.query, 2), `${fmtNum(queryRatio, 2)}x`, `>= ${TARGETS.query}x`, verdict(ok.query)],
    ['peak memory MiB', fmtNum(p.mem), fmtNum(d.mem), `${fmtNum(d.mem / p.mem, 2)}x`, `Pathways < ${TARGETS.memoryMiB}`, verdict(ok.mem)],
  ]));
  console.log(`Pathways wall time per run (process start to exit, best): ${fmtNum(p.wall)} ms`);
  console.log(`DuckDB query = faster of two runs on the loaded tables (first runs: ${duck.map((r) => fmtNum(r.query_runs_ms[0])).join(', ')} ms)`);
  console.log(`DuckDB memory = VmHWM of its node worker process, including node + DuckDB at rest (${fmtNum(d.base)} MiB before loading)`);
  const tags = d0.duckdb_memory.map((t) => `${t.tag} ${fmtNum(t.mb)}`).join(', ');
  if (tags) console.log(`DuckDB buffer manager after the query (MiB): ${tags}`);

  const cpus = os.cpus().length;
  console.log(`machine: ${cpus} cores, ${fmtNum(os.totalmem() / 2 ** 30)} GiB; 1-minute load average ${fmtNum(load0, 2)} at start, ${fmtNum(os.loadavg()[0], 2)} at end`);
  if (load0 > cpus * 0.5)
    console.log('WARNING: the machine was busy with other work when the run started; timings are not reliable');
  if (problems.length) process.exit(1);
  if (opts.strict && !(ok.query && ok.load && ok.mem)) process.exit(3);
}

main().catch((e) => {
  console.error(`run.mjs: ${e.message}`);
  process.exit(2);
});
