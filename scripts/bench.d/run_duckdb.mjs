// The DuckDB side of scripts/bench: computes the attribution tables of
// duckdb.sql with @duckdb/node-api from the same exports etl reads.
//
// DuckDB reads gzip CSV natively but not zip archives, so the CRM entries
// the SQL needs are first inflated into a scratch folder (raw deflate with
// node's zlib, two entries at a time, streamed); that step is part of the
// measured run and is reported separately on stderr.
//
//   node run_duckdb.mjs --deps DIR --data DIR --out DIR --as-of TS
//                       [--threads N] [--lookback-days N] [--sql FILE]
//
// --deps is the folder where `npm install --prefix DIR @duckdb/node-api`
// put node_modules. Writes OUT/attribution_by_campaign.csv and
// OUT/attribution_by_channel.csv (contract §5.4/§5.5 layout) and prints
// one JSON line of timings on stderr.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createInflateRaw } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const CRM_ENTITIES = ['CampaignMember', 'Lead', 'Contact', 'OpportunityContactRole', 'Opportunity',
  'Campaign'];

function parseArgs(argv) {
  const o = { threads: '2', lookbackDays: '365', sql: join(here, 'duckdb.sql') };
  const keys = { '--deps': 'deps', '--data': 'data', '--out': 'out', '--as-of': 'asOf',
    '--threads': 'threads', '--lookback-days': 'lookbackDays', '--sql': 'sql' };
  for (let i = 2; i < argv.length; i += 2) {
    const k = keys[argv[i]];
    if (!k || i + 1 >= argv.length) usage();
    o[k] = argv[i + 1];
  }
  if (!o.deps || !o.data || !o.out || !o.asOf) usage();
  return o;
}

function usage() {
  process.stderr.write('usage: node run_duckdb.mjs --deps DIR --data DIR --out DIR --as-of TS '
    + '[--threads N] [--lookback-days N] [--sql FILE]\n');
  process.exit(2);
}

// --- zip central directory ----------------------------------------------
async function readAt(fh, pos, len) {
  const buf = Buffer.alloc(len);
  const { bytesRead } = await fh.read(buf, 0, len, pos);
  return buf.subarray(0, bytesRead);
}

async function zipEntries(path) {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const tailLen = Math.min(size, 65557);
    const tail = await readAt(fh, size - tailLen, tailLen);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
    }
    if (eocd < 0) throw new Error(`${path}: no zip end of central directory`);
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOff = tail.readUInt32LE(eocd + 16);
    if (cdOff === 0xffffffff || cdSize === 0xffffffff || count === 0xffff) {
      const loc = eocd - 20; // zip64 end of central directory locator
      if (loc < 0 || tail.readUInt32LE(loc) !== 0x07064b50) throw new Error(`${path}: bad zip64`);
      const recOff = Number(tail.readBigUInt64LE(loc + 8));
      const rec = await readAt(fh, recOff, 56);
      count = Number(rec.readBigUInt64LE(32));
      cdSize = Number(rec.readBigUInt64LE(40));
      cdOff = Number(rec.readBigUInt64LE(48));
    }
    const cd = await readAt(fh, cdOff, cdSize);
    const entries = [];
    for (let p = 0, n = 0; n < count; n++) {
      if (cd.readUInt32LE(p) !== 0x02014b50) throw new Error(`${path}: bad central directory`);
      const method = cd.readUInt16LE(p + 10);
      let csize = cd.readUInt32LE(p + 20);
      let usize = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      let local = cd.readUInt32LE(p + 42);
      const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
      for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen;) {
        const id = cd.readUInt16LE(e);
        const len = cd.readUInt16LE(e + 2);
        if (id === 0x0001) { // zip64 extended information, fields in this order
          let q = e + 4;
          if (usize === 0xffffffff) { usize = Number(cd.readBigUInt64LE(q)); q += 8; }
          if (csize === 0xffffffff) { csize = Number(cd.readBigUInt64LE(q)); q += 8; }
          if (local === 0xffffffff) { local = Number(cd.readBigUInt64LE(q)); q += 8; }
        }
        e += 4 + len;
      }
      entries.push({ name, method, csize, usize, local });
      p += 46 + nameLen + extraLen + commentLen;
    }
    for (const e of entries) {
      const h = await readAt(fh, e.local, 30);
      if (h.readUInt32LE(0) !== 0x04034b50) throw new Error(`${path}: bad local header`);
      e.data = e.local + 30 + h.readUInt16LE(26) + h.readUInt16LE(28);
    }
    return entries;
  } finally {
    await fh.close();
  }
}

async function extractEntry(zip, e, dest) {
  if (e.csize === 0) {
    await writeFile(dest, '');
    return;
  }
  const src = createReadStream(zip, { start: e.data, end: e.data + e.csize - 1,
    highWaterMark: 1 << 20 });
  const out = createWriteStream(dest, { highWaterMark: 1 << 20 });
  if (e.method === 0) await pipeline(src, out);
  else if (e.method === 8) await pipeline(src, createInflateRaw({ chunkSize: 1 << 20 }), out);
  else throw new Error(`${e.name}: unsupported zip method ${e.method}`);
}

// Inflates Entity.csv for each entity the SQL reads, two at a time.
async function extractCrm(zip, dir) {
  const entries = await zipEntries(zip);
  const jobs = CRM_ENTITIES.map((ent) => {
    const hits = entries.filter((e) => e.name === `${ent}.csv` || e.name.endsWith(`/${ent}.csv`));
    if (hits.length !== 1) throw new Error(`${zip}: ${hits.length} entries for ${ent}.csv`);
    return { e: hits[0], dest: join(dir, `${ent}.csv`) };
  });
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const j = jobs[next++];
      await extractEntry(zip, j.e, j.dest);
    }
  };
  await Promise.all([worker(), worker()]);
}

// --- main -------------------------------------------------------------------
function asOfEpoch(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2}))?Z?$/.exec(text);
  if (!m) throw new Error(`--as-of '${text}': expected YYYY-MM-DD[THH:MM:SS[Z]]`);
  const [y, mo, d] = [+m[1], +m[2], +m[3]];
  const [h, mi, s] = m[4] === undefined ? [23, 59, 59] : [+m[4], +m[5], +m[6]];
  return Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
}

const CAMPAIGN_HEADER = 'period,period_start,period_end,model,campaign_id,campaign_name,'
  + 'campaign_type,touches,opportunities,pipeline,won_opportunities,revenue,cost,roi';
const CHANNEL_HEADER = 'period,period_start,period_end,model,channel,touches,opportunities,'
  + 'pipeline,won_opportunities,revenue,cost,roi';

async function writeTable(conn, table, header, path) {
  const reader = await conn.runAndReadAll(`SELECT line FROM ${table} ORDER BY month, ord, grp`);
  const lines = reader.getColumns()[0];
  const out = createWriteStream(path);
  out.write(`${header}\r\n`);
  for (let i = 0; i < lines.length; i += 4096) {
    out.write(`${lines.slice(i, i + 4096).join('\r\n')}\r\n`);
  }
  await new Promise((res, rej) => out.end((err) => (err ? rej(err) : res())));
  return lines.length;
}

async function main() {
  const o = parseArgs(process.argv);
  const require = createRequire(join(resolve(o.deps), 'package.json'));
  const { DuckDBInstance } = require('@duckdb/node-api');
  const data = resolve(o.data);
  const out = resolve(o.out);
  const work = join(out, '.work');
  const t0 = performance.now();

  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  await extractCrm(join(data, 'crm_export.zip'), work);
  const t1 = performance.now();

  const vars = {
    CRM_DIR: work,
    MA_ACTIVITIES: join(data, 'marketo_activities.csv.gz'),
    MA_LEADS: join(data, 'marketo_leads.csv.gz'),
    AS_OF: String(asOfEpoch(o.asOf)),
    LOOKBACK_DAYS: String(parseInt(o.lookbackDays, 10)),
  };
  const sql = (await readFile(o.sql, 'utf8')).replace(/\$\{([A-Z_]+)\}/g, (all, k) => {
    if (!(k in vars)) throw new Error(`${o.sql}: unknown placeholder ${all}`);
    return vars[k];
  });
  const instance = await DuckDBInstance.create(':memory:', { threads: String(o.threads) });
  const conn = await instance.connect();
  const stmts = await conn.extractStatements(sql);
  for (let i = 0; i < stmts.count; i++) {
    const p = await stmts.prepare(i);
    await p.run();
  }
  const t2 = performance.now();

  await mkdir(out, { recursive: true });
  const nc = await writeTable(conn, 'out_campaign', CAMPAIGN_HEADER,
    join(out, 'attribution_by_campaign.csv'));
  const nh = await writeTable(conn, 'out_channel', CHANNEL_HEADER,
    join(out, 'attribution_by_channel.csv'));
  conn.closeSync();
  await rm(work, { recursive: true, force: true });
  const t3 = performance.now();
  const secs = (a, b) => Number(((b - a) / 1000).toFixed(3));
  process.stderr.write(`${JSON.stringify({ duckdb_extract_s: secs(t0, t1), duckdb_sql_s: secs(t1, t2),
    duckdb_write_s: secs(t2, t3), campaign_rows: nc, channel_rows: nh })}\n`);
}

main().catch((err) => {
  process.stderr.write(`run_duckdb: ${err.message}\n`);
  process.exit(1);
});
