// browser_check.mjs: opens a report.html in headless Chromium and checks
// it the way a person's browser would see it. Chromium is driven through
// the DevTools protocol over a pipe (--remote-debugging-pipe: JSON messages
// ending in NUL on file descriptors 3 and 4), so no package is needed
// beyond Node and Chromium themselves.
//
// usage: node browser_check.mjs --html FILE [--sections id,id,...]
//          [--recon reconciliation.csv] [--text STRING]... [--none SELECTOR]...
//          [--screenshot PNG] [--pdf PDF] [--chromium PATH] [--profile DIR]
//
// Checks, each a line "FAIL: ..." on stderr and exit status 1 when broken:
//  - the page makes no request but its own file (Network.requestWillBeSent);
//  - no console error, no uncaught exception, no dialog (alert, confirm);
//  - every --sections id is a <section id> of the page, each once;
//  - with --recon: every row of reconciliation.csv is a row of the headline
//    table (tr[data-model]) whose cells (td[data-field]) hold the same
//    amounts, thousands separators aside, and every model of the page is
//    in the file;
//  - every --text string is in the page's text nodes (document.body.textContent,
//    SVG labels and tooltips included);
//  - no element matches any --none selector ("script", "img", ...).
// --screenshot writes a full-page PNG 1280 pixels wide; --pdf prints the
// page as the print style sheet lays it out (A4 landscape).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const TIMEOUT_MS = 60000;
const WIDTH = 1280;

function parseArgs(argv) {
  const o = { sections: [], texts: [], none: [], chromium: '/usr/bin/chromium' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--html': o.html = v(); break;
      case '--sections': o.sections = v().split(',').filter(Boolean); break;
      case '--recon': o.recon = v(); break;
      case '--text': o.texts.push(v()); break;
      case '--none': o.none.push(v()); break;
      case '--screenshot': o.screenshot = v(); break;
      case '--pdf': o.pdf = v(); break;
      case '--chromium': o.chromium = v(); break;
      case '--profile': o.profile = v(); break;
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  if (!o.html) throw new Error('--html is required');
  return o;
}

// One CDP connection over the pipe: send() returns a promise of the result;
// on(method, fn) receives events (of any session).
class Cdp {
  constructor(child) {
    this.out = child.stdio[3];
    this.nextId = 1;
    this.pending = new Map();
    this.handlers = new Map();
    let buf = Buffer.alloc(0);
    child.stdio[4].on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      let end;
      while ((end = buf.indexOf(0)) >= 0) {
        const msg = JSON.parse(buf.subarray(0, end).toString('utf8'));
        buf = buf.subarray(end + 1);
        this.dispatch(msg);
      }
    });
  }
  dispatch(msg) {
    if (msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
      else p.resolve(msg.result);
      return;
    }
    for (const fn of this.handlers.get(msg.method) || []) fn(msg.params, msg.sessionId);
  }
  send(method, params = {}, sessionId) {
    const id = this.nextId++;
    const msg = { id, method, params };
    if (sessionId) msg.sessionId = sessionId;
    this.out.write(JSON.stringify(msg) + '\0');
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject, method }));
  }
  on(method, fn) {
    if (!this.handlers.has(method)) this.handlers.set(method, []);
    this.handlers.get(method).push(fn);
  }
  once(method) {
    return new Promise((resolve) => {
      const fn = (params) => {
        const list = this.handlers.get(method);
        list.splice(list.indexOf(fn), 1);
        resolve(params);
      };
      this.on(method, fn);
    });
  }
}

// reconciliation.csv (no quoted fields: model names and amounts only) as
// objects keyed by column.
function readRecon(path) {
  const lines = readFileSync(path, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).filter(Boolean);
  const head = lines[0].split(',');
  return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [head[i], v])));
}

const RECON_FIELDS = ['pipeline_attributed', 'pipeline_unattributed', 'pipeline_total',
                      'revenue_attributed', 'revenue_unattributed', 'revenue_total'];

async function inspect(cdp, session, opts) {
  const evaluate = async (expr) => {
    const r = await cdp.send('Runtime.evaluate', { expression: expr, returnByValue: true }, session);
    if (r.exceptionDetails) throw new Error(`evaluate: ${r.exceptionDetails.text}`);
    return r.result.value;
  };
  return evaluate(`(() => {
    const sections = [...document.querySelectorAll('section[id]')].map((s) => s.id);
    const recon = [...document.querySelectorAll('tr[data-model]')].map((tr) => ({
      model: tr.dataset.model,
      fields: Object.fromEntries([...tr.querySelectorAll('td[data-field]')]
        .map((td) => [td.dataset.field, td.textContent.trim()])),
    }));
    const none = Object.fromEntries(${JSON.stringify(opts.none)}
      .map((sel) => [sel, document.querySelectorAll(sel).length]));
    return { sections, recon, none, text: document.body.textContent,
             height: document.documentElement.scrollHeight,
             svgs: document.querySelectorAll('svg').length };
  })()`);
}

function check(opts, seen, page) {
  const fails = [];
  const self = pathToFileURL(resolve(opts.html)).href;
  for (const url of seen.requests)
    if (url !== self) fails.push(`request outside the file: ${url}`);
  if (!seen.requests.includes(self)) fails.push(`the page itself was not loaded (${self})`);
  for (const c of seen.console) fails.push(`console ${c.level}: ${c.text}`);
  for (const e of seen.exceptions) fails.push(`uncaught exception: ${e}`);
  for (const d of seen.dialogs) fails.push(`a script opened a ${d.type} dialog: ${d.message}`);
  for (const id of opts.sections) {
    const n = page.sections.filter((s) => s === id).length;
    if (n !== 1) fails.push(`section '${id}' appears ${n} times`);
  }
  if (opts.recon) {
    const rows = readRecon(opts.recon);
    for (const row of rows) {
      const shown = page.recon.find((r) => r.model === row.model);
      if (!shown) {
        fails.push(`model '${row.model}' of reconciliation.csv is not in the headline`);
        continue;
      }
      for (const f of RECON_FIELDS) {
        const text = shown.fields[f];
        if (text === undefined) fails.push(`${row.model}: no cell for ${f}`);
        else if (text.replace(/,/g, '') !== row[f])
          fails.push(`${row.model} ${f}: page shows '${text}', reconciliation.csv has '${row[f]}'`);
      }
    }
    for (const r of page.recon)
      if (!rows.find((row) => row.model === r.model))
        fails.push(`the headline shows model '${r.model}', which reconciliation.csv lacks`);
  }
  for (const t of opts.texts)
    if (!page.text.includes(t)) fails.push(`the page's text lacks ${JSON.stringify(t)}`);
  for (const [sel, n] of Object.entries(page.none))
    if (n) fails.push(`${n} element(s) match '${sel}'`);
  return fails;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const profile = opts.profile || mkdtempSync(join(tmpdir(), 'report-chromium-'));
  const child = spawn(opts.chromium, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-extensions', '--no-default-browser-check', '--mute-audio', '--hide-scrollbars',
    '--force-color-profile=srgb', `--user-data-dir=${profile}`, '--remote-debugging-pipe',
    'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const timer = setTimeout(() => {
    console.error(`FAIL: timed out after ${TIMEOUT_MS / 1000} s\n${stderr}`);
    child.kill('SIGKILL');
    process.exit(1);
  }, TIMEOUT_MS);
  const exited = new Promise((r) => child.on('exit', r));
  const cdp = new Cdp(child);
  const seen = { requests: [], console: [], exceptions: [], dialogs: [] };
  try {
    const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId: s } = await cdp.send('Target.attachToTarget', { targetId, flatten: true });
    cdp.on('Network.requestWillBeSent', (p) => seen.requests.push(p.request.url));
    cdp.on('Runtime.consoleAPICalled', (p) => {
      if (p.type === 'error' || p.type === 'assert')
        seen.console.push({ level: p.type, text: p.args.map((a) => a.value ?? a.description).join(' ') });
    });
    cdp.on('Runtime.exceptionThrown', (p) => seen.exceptions.push(p.exceptionDetails.text));
    cdp.on('Log.entryAdded', (p) => {
      if (p.entry.level === 'error') seen.console.push({ level: 'error', text: p.entry.text });
    });
    cdp.on('Page.javascriptDialogOpening', (p) => {
      seen.dialogs.push(p);
      cdp.send('Page.handleJavaScriptDialog', { accept: true }, s).catch(() => {});
    });
    for (const d of ['Page', 'Runtime', 'Network', 'Log']) await cdp.send(`${d}.enable`, {}, s);
    await cdp.send('Emulation.setDeviceMetricsOverride',
                   { width: WIDTH, height: 900, deviceScaleFactor: 1, mobile: false }, s);
    const loaded = cdp.once('Page.loadEventFired');
    await cdp.send('Page.navigate', { url: pathToFileURL(resolve(opts.html)).href }, s);
    await loaded;
    await new Promise((r) => setTimeout(r, 300)); // late console messages, timers
    const page = await inspect(cdp, s, opts);
    if (opts.screenshot) {
      await cdp.send('Emulation.setDeviceMetricsOverride',
                     { width: WIDTH, height: page.height, deviceScaleFactor: 1, mobile: false }, s);
      const shot = await cdp.send('Page.captureScreenshot', { format: 'png' }, s);
      writeFileSync(opts.screenshot, Buffer.from(shot.data, 'base64'));
    }
    if (opts.pdf) {
      const pdf = await cdp.send('Page.printToPDF', { preferCSSPageSize: true, printBackground: true }, s);
      writeFileSync(opts.pdf, Buffer.from(pdf.data, 'base64'));
    }
    await cdp.send('Browser.close').catch(() => {});
    await exited;
    clearTimeout(timer);
    const fails = check(opts, seen, page);
    for (const f of fails) console.error(`FAIL: ${f}`);
    console.log(`browser_check: ${page.sections.length} sections, ${page.svgs} charts, ` +
                `${page.recon.length} models, ${seen.requests.length} request(s), ` +
                `${fails.length} failure(s)`);
    if (!opts.profile) rmSync(profile, { recursive: true, force: true });
    process.exit(fails.length ? 1 : 0);
  } catch (e) {
    console.error(`FAIL: ${e.message}\n${stderr}`);
    child.kill('SIGKILL');
    process.exit(1);
  }
}

main();
