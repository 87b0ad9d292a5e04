// The annual report in DuckDB SQL, generated from the rules file (data/rules.json) so the
// activity codes, their categories and lapse rules live in one place.
//
// Definitions: shared/spec/domain.md sections 2-5 and shared/spec/formats.md.
//   academic age on D  = age on 31 August before the academic year (1 Sep - 31 Aug) containing D
//   cohort on D        = academic age 16-17, cohort_status P or G (empty = P), resident
//                        (la_code = --la when given), minus custody (710 current on D)
//   current on D       = start_date <= D, end_date empty or >= D, not lapsed
//   last verification  = latest of start_date and verified_date that is on or before D
//   lapse              = the earlier of the review_date rule and the code's rule (never, next_september,
//                        months N, academic_age A)
//   winner             = latest start_date, then latest last verification, then later file row
import { readFileSync } from 'node:fs';

// Outcome of a person on a snapshot date; the numbers are what the SQL computes.
export const OUTCOMES = ['participating', 'eet_not_participating', 'neet', 'custody', 'not_known', 'pre16'];
const OUT = Object.fromEntries(OUTCOMES.map((name, i) => [name, i]));

const LAPSE_KINDS = { never: 0, next_september: 1, months: 2, academic_age: 3 };

// One row per activity code (current and legacy): code, outcome, lapse kind, lapse value.
export function codeTable(rules) {
  const groups = rules.groups;
  const lapseOf = (l, where) => {
    if (!l || !(l.kind in LAPSE_KINDS)) throw new Error(`rules: ${where}: unknown lapse kind ${l && l.kind}`);
    const value = l.kind === 'months' ? l.months : l.kind === 'academic_age' ? l.age : 0;
    if ((l.kind === 'months' || l.kind === 'academic_age') && !Number.isInteger(value))
      throw new Error(`rules: ${where}: lapse ${l.kind} needs an integer value`);
    return { kind: l.kind, value };
  };
  const rows = new Map();
  for (const c of rules.activity_codes) {
    const g = groups[c.group];
    if (!g) throw new Error(`rules: code ${c.code}: unknown group ${c.group}`);
    let outcome;
    switch (g.category) {
      case 'eet': outcome = c.participating ? 'participating' : 'eet_not_participating'; break;
      case 'neet': outcome = 'neet'; break;
      case 'custody': outcome = 'custody'; break;
      case 'not_known': outcome = 'not_known'; break;
      case 'pre16': outcome = 'pre16'; break;
      default: throw new Error(`rules: group ${c.group}: unknown category ${g.category}`);
    }
    const lapse = c.lapse ? lapseOf(c.lapse, `code ${c.code}`) : lapseOf(g.lapse, `group ${c.group}`);
    rows.set(c.code, { code: c.code, outcome, lapse, group: c.group, legacy: false });
  }
  // A legacy code counts exactly as the code it maps to (group, participation, lapse rule),
  // as src/domain/rules.cc does.
  for (const c of rules.legacy_codes || []) {
    const target = rows.get(c.maps_to);
    if (!target) throw new Error(`rules: legacy code ${c.code} maps to unknown code ${c.maps_to}`);
    rows.set(c.code, { ...target, code: c.code, legacy: true, maps_to: c.maps_to });
  }
  return [...rows.values()].sort((a, b) => a.code - b.code);
}

export function loadRules(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

const pad = (n, w = 2) => String(n).padStart(w, '0');
function lastDay(y, m) { return new Date(Date.UTC(y, m, 0)).getUTCDate(); }

// The four snapshots of academic year `year`: end of Dec, Jan, Feb, Mar.
export function snapshots(year) {
  return [[year, 12], [year + 1, 1], [year + 1, 2], [year + 1, 3]].map(([y, m]) => ({
    month: `${y}-${pad(m)}`,
    date: `${y}-${pad(m)}-${pad(lastDay(y, m))}`,
  }));
}

const sqlString = (s) => `'${String(s).replaceAll("'", "''")}'`;

// Columns whose types we fix; every other column is read as VARCHAR.
export const PEOPLE_TYPES = { date_of_birth: 'DATE' };
export const ACTIVITY_TYPES = {
  activity_code: 'INTEGER', start_date: 'DATE', end_date: 'DATE', verified_date: 'DATE', review_date: 'DATE',
};

// CREATE TABLE ... AS SELECT * FROM read_csv(...) with the header's own column names.
// The table's rowid is the file order (insertion order is preserved), used as the last tie-break.
export function loadSql(table, path, header, types) {
  const cols = header.map((h) => `${sqlString(h)}: ${sqlString(types[h] || 'VARCHAR')}`).join(', ');
  return `CREATE TABLE ${table} AS SELECT * FROM read_csv(${sqlString(path)}, header = true, auto_detect = false, ` +
    `delim = ',', quote = '"', escape = '"', dateformat = '%Y-%m-%d', columns = {${cols}})`;
}

// The report query over tables people(person_id, date_of_birth, la_code, cohort_status, ...)
// and activities(person_id, activity_code, start_date, end_date, verified_date, review_date, ...).
// Returns one row per snapshot month with the counts; percentages are computed by the caller.
export function reportSql(rules, { year, la }) {
  const codes = codeTable(rules);
  const reviewRule = rules.review_date_rule !== false;
  const snaps = snapshots(year);
  const snapValues = snaps.map((s, i) => `(${i}, ${sqlString(s.month)}, DATE ${sqlString(s.date)})`).join(',\n    ');
  const codeValues = codes
    .map((c) => `(${c.code}, ${OUT[c.outcome]}, ${LAPSE_KINDS[c.lapse.kind]}, ${c.lapse.value})`)
    .join(',\n    ');
  const laFilter = la != null ? `\n    AND p.la_code = ${sqlString(la)}` : '';
  const count = (name) => `count(*) FILTER (WHERE outcome = ${OUT[name]}) AS ${name}`;
  // academic age on d of someone born on dob: (start year of d's academic year) - birth year,
  // minus one when the birthday (Sep-Dec) has not come round by 31 August.
  const acadAge = (dob, d) =>
    `(year(${d}) - CASE WHEN month(${d}) >= 9 THEN 0 ELSE 1 END - year(${dob}) - CASE WHEN month(${dob}) >= 9 THEN 1 ELSE 0 END)`;
  return `-- Pathways annual report ${year}-${pad((year + 1) % 100)} in DuckDB SQL, generated from the rules file.
-- outcomes: ${OUTCOMES.map((o, i) => `${i} ${o}`).join(', ')}
-- lapse kinds: ${Object.entries(LAPSE_KINDS).map(([k, v]) => `${v} ${k}`).join(', ')}
WITH
  snap(k, month, d) AS (VALUES
    ${snapValues}),
  codes(code, outcome, lapse_kind, lapse_value) AS (VALUES
    ${codeValues}),
  -- cohort on each snapshot date (custody still included; it is split off at the end);
  -- pid = the person's row, so the work after the one join on person_id is on integers
  cohort AS (
    SELECT s.k, s.d, p.rowid AS pid, p.person_id, p.date_of_birth AS dob
    FROM people p CROSS JOIN snap s
    WHERE coalesce(p.cohort_status, 'P') IN ('P', 'G')${laFilter}
      AND ${acadAge('p.date_of_birth', 's.d')} BETWEEN 16 AND 17),
  -- the activities of everyone in the cohort on some snapshot date (joined once, not per date)
  pa AS (
    SELECT pc.pid, a.activity_code, a.start_date, a.end_date, a.verified_date, a.review_date, a.rowid AS rn
    FROM (SELECT DISTINCT pid, person_id FROM cohort) pc JOIN activities a ON a.person_id = pc.person_id
    -- (rows that cannot be open on any snapshot date are dropped before the join)
    WHERE a.start_date <= DATE ${sqlString(snaps[snaps.length - 1].date)}
      AND (a.end_date IS NULL OR a.end_date >= DATE ${sqlString(snaps[0].date)})),
  -- activities started and not ended on d, with the last verification as of d
  open AS (
    SELECT c.k, c.pid, c.d, c.dob, k.outcome, k.lapse_kind, k.lapse_value,
           pa.start_date, pa.review_date, pa.rn,
           CASE WHEN pa.verified_date <= c.d AND pa.verified_date > pa.start_date
                THEN pa.verified_date ELSE pa.start_date END AS lv
    FROM pa
    JOIN codes k ON k.code = pa.activity_code
    JOIN cohort c ON c.pid = pa.pid
    WHERE pa.start_date <= c.d AND (pa.end_date IS NULL OR pa.end_date >= c.d)),
  -- not lapsed on d
  cur AS (
    SELECT * FROM open WHERE${reviewRule ? `
      (review_date IS NULL OR lv >= review_date OR d <= review_date) AND` : ''} CASE
      WHEN lapse_kind = 0 THEN true
      WHEN lapse_kind = 1 THEN d < make_date(year(lv) + CASE WHEN month(lv) >= 9 THEN 1 ELSE 0 END, 9, 1)
      WHEN lapse_kind = 2 THEN d < CAST(lv + to_months(lapse_value) AS DATE)
      WHEN lapse_kind = 3 THEN d < make_date(year(dob) + lapse_value + CASE WHEN month(dob) >= 9 THEN 1 ELSE 0 END, 9, 1)
    END),
  -- the winning activity: latest start, then latest verification, then later row in the file
  -- (the key (start_date, lv, rn) packed in one BIGINT: days since 1900 in 17 bits each,
  -- the row in 29 bits; about 20% faster than arg_max over a struct)
  win AS (
    SELECT k, pid,
           arg_max(outcome, (date_diff('day', DATE '1900-01-01', start_date)::BIGINT << 46)
                          | (date_diff('day', DATE '1900-01-01', lv)::BIGINT << 29) | rn) AS outcome
    FROM cur GROUP BY k, pid),
  known AS (
    SELECT k, ${['participating', 'eet_not_participating', 'neet', 'custody', 'pre16'].map(count).join(',\n              ')}
    FROM win GROUP BY k),
  total AS (SELECT k, count(*) AS n FROM cohort GROUP BY k)
-- everyone in the cohort without a winning activity is not known; a pre-16 code still
-- current at 16-17 (only possible through a review_date) also counts as not known, as in
-- src/report/participation.cc (pre16 reports how many such people)
SELECT s.month, strftime(s.d, '%Y-%m-%d') AS snapshot_date,
       coalesce(t.n, 0) - coalesce(w.custody, 0) AS cohort,
       coalesce(w.custody, 0) AS custody,
       coalesce(w.participating, 0) AS participating,
       coalesce(w.eet_not_participating, 0) AS eet_not_participating,
       coalesce(w.neet, 0) AS neet,
       coalesce(t.n, 0) - coalesce(w.participating + w.eet_not_participating + w.neet + w.custody, 0) AS not_known,
       coalesce(w.pre16, 0) AS pre16
FROM snap s LEFT JOIN total t ON t.k = s.k LEFT JOIN known w ON w.k = s.k
ORDER BY s.k`;
}

// Per-person status on one snapshot (for diagnosing differences): the winning activity.
export function statusSql(rules, { year, la }) {
  const q = reportSql(rules, { year, la });
  const cut = q.indexOf('  -- the winning activity');
  return q.slice(0, cut) + `  win AS (
    SELECT k, pid,
           arg_max({'outcome': outcome, 'start_date': start_date, 'lv': lv, 'rn': rn}, (start_date, lv, rn)) AS w
    FROM cur GROUP BY k, pid)
SELECT s.month, c.person_id, c.dob,
       coalesce(w.w.outcome, ${OUT.not_known}) AS outcome, w.w.start_date AS start_date, w.w.lv AS last_verified,
       w.w.rn + 2 AS activities_line
FROM cohort c JOIN snap s ON s.k = c.k LEFT JOIN win w ON w.k = c.k AND w.pid = c.pid
ORDER BY s.month, c.person_id`;
}
