// make_run_folder.mjs: writes a synthetic published run folder of the
// shape `scripts/gen large` leads to, and then some, for measuring
// etl-report: every table the report reads, deterministic (a fixed
// pseudo-random sequence), with the tables' formats (CRLF, 2 and 6
// decimals, rows sorted as published).
//
// usage: node make_run_folder.mjs DIR [--campaigns N] [--periods N]
//          [--models N] [--channels N] [--rejects N] [--inputs N]
//
// Defaults: 3,000 campaigns (large's count) active in every one of 48
// months under 3 models (large's bench.conf), so 432,000 campaign rows
// where a real run has fewer; 14 channels; 100,000 rejects; 300 inputs
// (a multi-file export); a funnel of 6 stages by campaign and by 20 lead
// sources, and model_fit.csv for markov and shapley.
import { mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const dir = args[0];
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i > 0 ? Number(args[i + 1]) : dflt;
};
const NC = opt('campaigns', 3000), NP = opt('periods', 48), NM = opt('models', 3);
const NCH = opt('channels', 14), NREJ = opt('rejects', 100000), NIN = opt('inputs', 300);
if (!dir) {
  console.error('usage: node make_run_folder.mjs DIR [--campaigns N] ...');
  process.exit(2);
}
mkdirSync(dir, { recursive: true });

let seed = 12345;
const rnd = () => { // xorshift32, deterministic
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed / 4294967296;
};
const cents = (c) => `${c < 0 ? '-' : ''}${Math.floor(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, '0')}`;
const micro = (m) => `${Math.floor(m / 1e6)}.${String(m % 1e6).padStart(6, '0')}`;

// A buffered CRLF CSV writer.
function writer(name) {
  const fd = openSync(join(dir, name), 'w');
  let buf = [];
  let size = 0;
  return {
    row(cells) {
      const line = cells.join(',') + '\r\n';
      buf.push(line);
      size += line.length;
      if (size > 1 << 20) { writeSync(fd, buf.join('')); buf = []; size = 0; }
    },
    close() { writeSync(fd, buf.join('')); closeSync(fd); },
  };
}

const models = ['first_touch', 'last_touch', 'linear', 'u_shaped', 'w_shaped', 'full_path',
                'time_decay', 'primary_campaign', 'j_shaped'].slice(0, NM);
const channels = Array.from({ length: NCH }, (_, i) => `Channel ${String.fromCharCode(65 + i)}`)
  .concat(['(unattributed)']).sort();
const periods = Array.from({ length: NP }, (_, i) => {
  const y = 2021 + Math.floor(i / 12), m = (i % 12) + 1;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const mm = String(m).padStart(2, '0');
  return [`${y}-${mm}`, `${y}-${mm}-01`, `${y}-${mm}-${last}`];
});
const campaigns = Array.from({ length: NC }, (_, i) => `7015g${String(i).padStart(13, '0')}`);
const types = ['Webinar', 'Email', 'Paid Search', 'Display', 'Conference', 'Content'];

// attribution_by_campaign.csv and _by_channel.csv, with the totals for
// reconciliation.csv.
const totals = models.map(() => ({ pipe: 0, pipeU: 0, rev: 0, revU: 0 }));
const camp = writer('attribution_by_campaign.csv');
camp.row(['period', 'period_start', 'period_end', 'model', 'campaign_id', 'campaign_name',
          'campaign_type', 'touches', 'opportunities', 'pipeline', 'won_opportunities', 'revenue',
          'cost', 'roi']);
const chan = writer('attribution_by_channel.csv');
chan.row(['period', 'period_start', 'period_end', 'model', 'channel', 'touches', 'opportunities',
          'pipeline', 'won_opportunities', 'revenue', 'cost', 'roi']);
for (const p of periods) {
  models.forEach((model, mi) => {
    const byChannel = new Map(channels.map((c) => [c, [0, 0, 0]]));
    campaigns.forEach((id, ci) => {
      const pipe = Math.floor(rnd() * 5e6), rev = Math.floor(rnd() * 2e6), cost = Math.floor(rnd() * 3e5);
      const ch = channels[1 + (ci % NCH)];
      const t = byChannel.get(ch);
      t[0] += pipe; t[1] += rev; t[2] += cost;
      totals[mi].pipe += pipe; totals[mi].rev += rev;
      camp.row([...p, model, id, `Campaign ${ci} – ${types[ci % types.length]} ${2021 + (ci % 5)}`,
                types[ci % types.length], 1 + (ci % 7), micro(Math.floor(rnd() * 3e6)), cents(pipe),
                micro(Math.floor(rnd() * 1e6)), cents(rev), cents(cost), '']);
    });
    const un = [Math.floor(rnd() * 2e7), Math.floor(rnd() * 1e7)];
    totals[mi].pipeU += un[0]; totals[mi].revU += un[1];
    byChannel.set('(unattributed)', [un[0], un[1], 0]);
    for (const [c, [pipe, rev, cost]] of byChannel)
      chan.row([...p, model, c, 10, micro(1000000), cents(pipe), micro(500000), cents(rev), cents(cost), '']);
  });
}
camp.close();
chan.close();

const recon = writer('reconciliation.csv');
recon.row(['model', 'opportunities', 'pipeline_total', 'pipeline_attributed', 'pipeline_unattributed',
           'won_opportunities', 'revenue_total', 'revenue_attributed', 'revenue_unattributed']);
models.forEach((m, i) => {
  const t = totals[i];
  recon.row([m, 150000, cents(t.pipe + t.pipeU), cents(t.pipe), cents(t.pipeU), 40000,
             cents(t.rev + t.revU), cents(t.rev), cents(t.revU)]);
});
recon.close();

const rej = writer('rejects.csv');
rej.row(['source', 'line', 'entity', 'id', 'field', 'severity', 'reason']);
const reasons = ["'x': no such day", "unknown reference 'y'", "'z': not a number", 'duplicate Id (first kept row wins)'];
for (let i = 0; i < NREJ; i++)
  rej.row([`marketo_activities_${i % NIN}.csv.gz`, 2 + i, 'ma_activities', String(560000 + i),
           ['activityDate', 'leadId', 'attributes'][i % 3], i % 10 ? 'error' : 'warning',
           reasons[i % reasons.length].replace(/'[^']*'/, `'${i}'`)]);
rej.close();

const stages = ['Prospecting', 'Qualification', 'Discovery', 'Proposal', 'Negotiation', 'Closed Won'];
const fun = writer('funnel.csv');
fun.row(['period', 'period_start', 'period_end', 'dimension', 'group_id', 'group_name', 'stage',
         'stage_order', 'reached', 'reached_pipeline', 'advanced', 'conversion', 'won', 'lost', 'open',
         'median_days_in_stage', 'median_days_to_reach']);
const groups = [['all', '(all)', '']]
  .concat(campaigns.slice(0, Math.min(NC, 1000)).map((id, i) => ['campaign', id, `Campaign ${i}`]))
  .concat(Array.from({ length: 20 }, (_, i) => ['lead_source', `Source ${String(i).padStart(2, '0')}`, '']));
for (const p of periods)
  for (const [dim, id, name] of groups) {
    let reached = dim === 'all' ? 3000 : 1 + Math.floor(rnd() * 200);
    stages.forEach((s, si) => {
      const adv = si === stages.length - 1 ? reached : Math.floor(reached * (0.4 + rnd() * 0.5));
      fun.row([...p, dim, id, name, s, si + 1, reached, cents(reached * 2500000), adv,
               (adv / reached).toFixed(4), Math.floor(reached / 4), 0, reached - adv,
               (rnd() * 40).toFixed(1), (si * 12.5).toFixed(1)]);
      reached = Math.max(1, adv);
    });
  }
fun.close();

const fit = writer('model_fit.csv');
fit.row(['model', 'channel', 'journeys', 'conversions', 'value', 'share']);
for (const m of ['markov', 'shapley']) {
  fit.row([m, '(all)', 500000, 40000, m === 'markov' ? '0.080000' : '40000.000000', '']);
  for (const c of channels.filter((c) => c !== '(unattributed)'))
    fit.row([m, c, 50000, 4000, micro(Math.floor(rnd() * 5e5)), micro(Math.floor(1e6 / NCH))]);
}
fit.close();

const inputs = Array.from({ length: NIN }, (_, i) => `    {\n      "name": "marketo_activities_${i}.csv.gz",\n` +
  `      "bytes": 2000000,\n      "rows_read": 33334,\n      "rows_kept": 33000,\n      "rows_rejected": 334\n    }`);
const manifest = `{\n  "tool": "etl",\n  "version": "0.1.0",\n  "config": {\n    "path": "/nowhere/pipeline.conf",\n` +
  `    "sha256": "0000000000000000000000000000000000000000000000000000000000000000"\n  },\n` +
  `  "as_of": "2025-06-30T23:59:59Z",\n  "range": {\n    "from": "${periods[0][1]}",\n    "to": "${periods[NP - 1][2]}"\n  },\n` +
  `  "inputs": [\n${inputs.join(',\n')}\n  ],\n  "outputs": [],\n  "stages": []\n}\n`;
const fd = openSync(join(dir, 'manifest.json'), 'w');
writeSync(fd, manifest);
closeSync(fd);
console.log(`make_run_folder: ${NC * NP * NM} campaign rows, ${(NCH + 1) * NP * NM} channel rows, ` +
            `${NREJ} rejects, ${groups.length * NP * stages.length} funnel rows, ${NIN} inputs`);
