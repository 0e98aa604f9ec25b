// Checks that DuckDB's tables equal the pipeline's (scripts/bench runs it on
// the medium set before timing anything): attribution_by_campaign.csv and
// attribution_by_channel.csv, row by row keyed by (period, model, group),
// every column compared as printed — cents exactly, fractional
// opportunities to their 6 printed decimals, roi to 4.
//
//   node compare.mjs ETL_DIR DUCKDB_DIR
//
// Exit 0 when every row matches (prints a one-line summary), 1 with the
// first differences otherwise, 2 on a usage error. Also says whether the
// files are byte-identical (same rows, order, quoting and line ends).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// RFC 4180 records of a CSV text (quotes doubled inside quoted fields).
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c; i++; continue;
    }
    if (c === '"') { quoted = true; i++; continue; }
    if (c === ',') { row.push(field); field = ''; i++; continue; }
    if (c === '\r' || c === '\n') {
      row.push(field); field = '';
      rows.push(row); row = [];
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += c; i++;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

function compareTable(name, etlDir, duckDir, keyCols) {
  const a = readFileSync(join(etlDir, name), 'utf8');
  const b = readFileSync(join(duckDir, name), 'utf8');
  const [ha, ...ra] = parseCsv(a);
  const [hb, ...rb] = parseCsv(b);
  const problems = [];
  if (ha.join(',') !== hb.join(',')) problems.push(`header differs: ${ha} vs ${hb}`);
  const key = (r) => keyCols.map((k) => r[ha.indexOf(k)]).join(' | ');
  const mb = new Map(rb.map((r) => [key(r), r]));
  const seen = new Set();
  let diffs = 0;
  for (const r of ra) {
    const k = key(r);
    seen.add(k);
    const o = mb.get(k);
    if (!o) {
      if (diffs++ < 10) problems.push(`only in etl: ${k}`);
      continue;
    }
    const cols = ha.filter((h, j) => r[j] !== o[j]);
    if (cols.length && diffs++ < 10) {
      problems.push(`${k}: ${cols.map((h) => `${h} etl=${r[ha.indexOf(h)]} duckdb=${o[ha.indexOf(h)]}`).join(', ')}`);
    }
  }
  for (const r of rb) {
    const k = key(r);
    if (!seen.has(k) && diffs++ < 10) problems.push(`only in duckdb: ${k}`);
  }
  return { name, rows: ra.length, duckRows: rb.length, diffs, problems, identical: a === b };
}

function main() {
  const [etlDir, duckDir] = process.argv.slice(2);
  if (!etlDir || !duckDir) {
    process.stderr.write('usage: node compare.mjs ETL_DIR DUCKDB_DIR\n');
    process.exit(2);
  }
  const results = [
    compareTable('attribution_by_campaign.csv', etlDir, duckDir, ['period', 'model', 'campaign_id']),
    compareTable('attribution_by_channel.csv', etlDir, duckDir, ['period', 'model', 'channel']),
  ];
  let ok = true;
  for (const r of results) {
    const same = r.diffs === 0 && r.problems.length === 0;
    ok &&= same;
    process.stdout.write(`compare: ${r.name}: ${r.rows} rows (duckdb ${r.duckRows}), `
      + `${same ? 'all equal' : `${r.diffs} differing rows`}`
      + `${r.identical ? ', byte-identical' : ''}\n`);
    for (const p of r.problems) process.stdout.write(`  ${p}\n`);
  }
  process.exit(ok ? 0 : 1);
}

main();
