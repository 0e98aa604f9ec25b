#!/usr/bin/env python3
"""An independent reading of the input rules of contract 1.2 for the two
Marketo inputs, written from the contract (not from the C code), to check
etl-normalize against:

  - inputs in several files (§1.4): a file, a directory (every *.csv and
    *.csv.gz directly inside) or a glob, read in bytewise order of the full
    paths as one input; each file with its own header, its own line numbers
    and its own `source` in rejects.csv;
  - re-exports (§1.2): a row whose every field, compared by column name and
    raw (after unquoting, before U+FFFD and before `null` is read), equals
    the kept row with its key is skipped and counted as read; the same key
    with any difference is a duplicate;
  - text encoding (§9): invalid UTF-8 in a column of §1 replaced by U+FFFD
    per maximal subpart. The oracle for that is Python's own
    bytes.decode('utf-8', 'replace'), which follows the same Unicode §3.9
    practice; one warning per kept row naming the first such column;
  - the per-file counts and the SHA-256 of each file as stored.

Usage:
  inputs_oracle.py check CONF WORK [DUMP]   compare WORK/rejects.csv and
      WORK/inputs.tsv (and the touches and Marketo-only people of the
      etl-dump text DUMP) with this reading of CONF's inputs; exit 1 on a
      difference, printing them.
  inputs_oracle.py gen SEED DIR             write random Marketo inputs in
      several files (overlaps, re-exports, true duplicates, columns in other
      orders, invalid UTF-8 of every kind, `null`, NUL bytes, bad field
      counts, quoted line breaks) and a minimal CRM, with DIR/pipeline.conf.

Standard library only. Reasons of value faults (a bad timestamp, bad
attributes) are compared by field, not by wording; every reason of the 1.2
rules is compared exactly.
"""

import csv
import glob
import gzip
import hashlib
import io
import json
import os
import random
import re
import sys

ACT_COLS = ["marketoGUID", "leadId", "activityDate", "activityTypeId", "campaignId",
            "primaryAttributeValueId", "primaryAttributeValue", "attributes"]
LEAD_COLS = ["id", "email", "createdAt", "sfdcLeadId", "sfdcContactId"]


# --- configuration -------------------------------------------------------------

def read_conf(path):
    """The [input] paths (relative to the file's folder), ma_touch_types,
    and [columns] remaps of a pipeline.conf."""
    conf = {"input": {}, "types": {1: "web_visit", 2: "form_fill", 11: "email_click"},
            "columns": {}}
    section = None
    base = os.path.dirname(path)
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "#;":
                continue
            m = re.match(r'^\[(\w+)(?:\s+"([^"]*)")?\]$', line)
            if m:
                section = (m.group(1).lower(), m.group(2))
                continue
            m = re.match(r"^([A-Za-z_]+)\s*=\s*(.*?)\s*(?:\s[#;].*)?$", line)
            if not m or section is None:
                continue
            key, value = m.group(1).lower(), m.group(2)
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            if section[0] == "input":
                conf["input"][key] = value if value.startswith("/") else os.path.join(base, value)
            elif section[0] == "pipeline" and key == "ma_touch_types":
                conf["types"] = {}
                for item in filter(None, (x.strip() for x in value.split(","))):
                    tid, kind = item.split(":")
                    conf["types"][int(tid)] = kind.strip()
            elif section[0] == "columns":
                conf["columns"].setdefault(section[1], {})[key.lower()] = value
    return conf


def header_of(conf, entity, canonical):
    return conf["columns"].get(entity, {}).get(canonical.lower(), canonical)


def resolve(path):
    """The files an input names (§1.4), in bytewise order of full paths."""
    if os.path.isdir(path):
        names = [os.path.join(path, n) for n in os.listdir(path)
                 if not n.startswith(".") and re.search(r"\.csv(\.gz)?$", n, re.I)
                 and os.path.isfile(os.path.join(path, n))]
    elif os.path.exists(path):
        names = [path]
    else:
        names = []
        for p in glob.glob(path):
            if os.path.isdir(p):
                names += resolve(p)
            elif os.path.isfile(p):
                names.append(p)
    return sorted(names, key=lambda p: os.fsencode(p))


# --- reading CSV as the contract says ----------------------------------------------

def records(data):
    """(line, [field bytes]) of every record: RFC 4180, LF or CRLF, a quote
    inside an unquoted field is literal, blank lines count but are no
    record, a UTF-8 BOM at the start is dropped."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    out = []
    i, n, line = 0, len(data), 1
    while i < n:
        if data[i:i + 1] == b"\n":
            line += 1
            i += 1
            continue
        if data[i:i + 2] == b"\r\n":
            line += 1
            i += 2
            continue
        start_line = line
        fields = []
        while True:
            if i < n and data[i:i + 1] == b'"':
                i += 1
                buf = bytearray()
                while True:
                    if i >= n:
                        raise ValueError("unterminated quote")
                    c = data[i:i + 1]
                    if c == b'"':
                        if data[i + 1:i + 2] == b'"':
                            buf += b'"'
                            i += 2
                            continue
                        i += 1
                        break
                    if c == b"\n":
                        line += 1
                    buf += c
                    i += 1
                fields.append(bytes(buf))
            else:
                j = i
                while j < n and data[j:j + 1] not in (b",", b"\n", b"\r"):
                    j += 1
                fields.append(data[i:j])
                i = j
            if i < n and data[i:i + 1] == b",":
                i += 1
                continue
            break
        if data[i:i + 2] == b"\r\n":
            i += 2
        elif data[i:i + 1] == b"\n":
            i += 1
        line += 1
        out.append((start_line, fields))
    return out


def repair(b):
    """The text a cell is read as: U+FFFD per maximal invalid subpart."""
    return b.decode("utf-8", "replace")


# --- value rules needed for the Marketo inputs (§2, §9) ----------------------------

TS = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?"
                r"(Z|[+-](\d{2}):?(\d{2}))?)?$")


def ts_ok(s):
    m = TS.match(s)
    if not m:
        return False
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not 1 <= mo <= 12:
        return False
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]
    if not 1 <= d <= days:
        return False
    if m.group(4) is not None:
        if int(m.group(4)) > 23 or int(m.group(5)) > 59 or int(m.group(6)) > 59:
            return False
        if m.group(8) is not None and (int(m.group(8)) > 23 or int(m.group(9)) > 59):
            return False
    return True


def email_state(s):
    """'blank', 'ok' or 'invalid' (§2 Emails, §9 Values)."""
    t = s.strip(" \t\r\n\v\f")
    if not t:
        return "blank"
    if t[:7].lower() == "mailto:":
        t = t[7:]
    if len(t) >= 2 and t[0] == "<" and t[-1] == ">":
        t = t[1:-1]
    t = t.lower()
    if t.count("@") != 1:
        return "invalid"
    local, domain = t.split("@")
    return "ok" if local and "." in domain else "invalid"


# --- the reading ---------------------------------------------------------------------

class Oracle:
    def __init__(self, conf):
        self.conf = conf
        self.rejects = []     # (source, line, entity, id, field, severity, reason)
        self.inputs = []      # [source, bytes, read, kept, rejected, deleted, skipped, sha, entity]
        self.lead_ids = set()
        self.touches = set()  # "ma:<guid>" of kept activities of configured types (not web_visit)
        self.mkto = set()

    def add(self, stats, line, entity, id_, field, sev, reason):
        self.rejects.append((stats[0], line, entity, id_, field, sev, reason))
        if sev == "error":
            stats[4] += 1

    def read_input(self, entity, cols, row_fn):
        kept = {}  # key -> {header: raw} of the kept row
        for path in resolve(self.conf["input"][entity]):
            with open(path, "rb") as f:
                raw = f.read()
            recs = records(raw)
            header = [repair(h) for h in recs[0][1]]
            body = recs[1:]
            stats = [os.path.basename(path), len(raw), 0, 0, 0, 0, 0,
                     hashlib.sha256(raw).hexdigest(), entity]
            self.inputs.append(stats)
            where = {}
            for c in cols:
                h = header_of(self.conf, entity, c)
                if h in header:
                    where[c] = header.index(h)
            known = sorted(where.items(), key=lambda kv: kv[1])  # file column order
            for line, fields in body:
                stats[2] += 1
                if len(fields) != len(header):
                    self.add(stats, line, entity, "", "", "error",
                             "expected %d fields, found %d" % (len(header), len(fields)))
                    continue
                nul = next((c for c, i in known if b"\0" in fields[i]), None)
                if nul:
                    self.add(stats, line, entity, "", nul, "error", "NUL byte")
                    continue
                cell, bad = {}, None
                for c, i in known:
                    text = repair(fields[i])
                    if text.encode("utf-8") != fields[i] and bad is None:
                        bad = c
                    cell[c] = "" if fields[i] == b"null" else text
                rawrow = {header[i]: fields[i] for i in range(len(header))}
                row_fn(stats, line, cell, bad, rawrow, kept)

    def keep(self, stats, line, entity, id_, bad):
        stats[3] += 1
        if bad:
            self.add(stats, line, entity, id_, bad, "warning", "invalid UTF-8 replaced by U+FFFD")

    def lead_row(self, stats, line, cell, bad, rawrow, kept):
        e = "ma_leads"
        key = cell.get("id", "")
        if not key:
            return self.add(stats, line, e, "", "id", "error", "missing value")
        created = cell.get("createdAt", "")
        if not created:
            return self.add(stats, line, e, key, "createdAt", "error", "missing value")
        if not ts_ok(created):
            return self.add(stats, line, e, key, "createdAt", "error", "<bad timestamp>")
        if key in kept:
            if kept[key] == rawrow:
                stats[6] += 1
                return
            return self.add(stats, line, e, key, "id", "error", "duplicate id (first kept row wins)")
        kept[key] = rawrow
        self.lead_ids.add(key)
        self.mkto.add("mkto:" + key)
        self.keep(stats, line, e, key, bad)
        if email_state(cell.get("email", "")) == "invalid":
            self.add(stats, line, e, key, "email", "warning",
                     "'%s': invalid email, treated as absent" % cell["email"])

    def activity_row(self, stats, line, cell, bad, rawrow, kept):
        e = "ma_activities"
        guid = cell.get("marketoGUID", "")
        if not guid:
            return self.add(stats, line, e, "", "marketoGUID", "error", "missing value")
        if not cell.get("leadId", ""):
            return self.add(stats, line, e, guid, "leadId", "error", "missing value")
        date = cell.get("activityDate", "")
        if not date:
            return self.add(stats, line, e, guid, "activityDate", "error", "missing value")
        if not ts_ok(date):
            return self.add(stats, line, e, guid, "activityDate", "error", "<bad timestamp>")
        typ = cell.get("activityTypeId", "")
        if not typ:
            return self.add(stats, line, e, guid, "activityTypeId", "error", "missing value")
        if not re.fullmatch(r"[0-9]{1,9}", typ):
            return self.add(stats, line, e, guid, "activityTypeId", "error",
                            "'%s': not an activity type id" % typ)
        kind = self.conf["types"].get(int(typ))
        if kind is not None:
            attrs = cell.get("attributes", "")
            try:
                ok = attrs == "" or isinstance(json.loads(attrs), dict)
            except ValueError:
                ok = False
            if not ok:
                return self.add(stats, line, e, guid, "attributes", "error", "<bad attributes>")
        if cell["leadId"] not in self.lead_ids:
            return self.add(stats, line, e, guid, "leadId", "error",
                            "unknown reference '%s'" % cell["leadId"])
        if guid in kept:
            if kept[guid] == rawrow:
                stats[6] += 1
                return
            return self.add(stats, line, e, guid, "marketoGUID", "error",
                            "duplicate marketoGUID (first kept row wins)")
        kept[guid] = rawrow
        self.keep(stats, line, e, guid, bad)
        if kind is not None and kind != "web_visit":
            self.touches.add("ma:" + guid)

    def run(self):
        self.read_input("ma_leads", LEAD_COLS, self.lead_row)
        self.read_input("ma_activities", ACT_COLS, self.activity_row)


# --- comparing with etl-normalize ------------------------------------------------------

VALUE_REASONS = ("<bad timestamp>", "<bad attributes>")


def c_rejects(work):
    rows = []
    with open(os.path.join(work, "rejects.csv"), encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["entity"] not in ("ma_activities", "ma_leads"):
                continue
            reason = r["reason"]
            if (r["entity"], r["field"]) in (("ma_activities", "activityDate"),
                                             ("ma_leads", "createdAt")) and reason != "missing value":
                reason = "<bad timestamp>"
            if r["field"] == "attributes":
                reason = "<bad attributes>"
            rows.append((r["source"], int(r["line"]), r["entity"], r["id"], r["field"],
                         r["severity"], reason))
    return rows


def c_inputs(work):
    out = []
    with open(os.path.join(work, "inputs.tsv"), encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if p[8] in ("ma_activities", "ma_leads"):
                out.append([p[0]] + [int(x) for x in p[1:7]] + [p[7], p[8]])
    return out


def c_dump(path):
    touches, mkto = set(), set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if p[0] == "touch" and p[1].startswith("ma:"):
                touches.add(p[1])
            if p[0] == "person" and p[1].startswith("mkto:"):
                mkto.add(p[1])
    return touches, mkto


def check(conf_path, work, dump=None):
    o = Oracle(read_conf(conf_path))
    o.run()
    problems = []
    want = sorted(o.rejects, key=lambda r: (r[0].encode(), r[1]))
    got = sorted(c_rejects(work), key=lambda r: (r[0].encode(), r[1]))
    if want != got:
        for r in sorted(set(want) - set(got)):
            problems.append("oracle only: %r" % (r,))
        for r in sorted(set(got) - set(want)):
            problems.append("etl only:    %r" % (r,))
        if not problems:
            problems.append("rejects in another order")
    cin = c_inputs(work)
    for a, b in zip(o.inputs, cin):
        # bytes: a plain file's size on disk (the oracle does not model an
        # archive entry's size: the Marketo inputs are plain files)
        if a != b:
            problems.append("inputs.tsv: oracle %r, etl %r" % (a, b))
    if len(o.inputs) != len(cin):
        problems.append("inputs.tsv: %d files in the oracle, %d in etl" % (len(o.inputs), len(cin)))
    if dump:
        touches, mkto = c_dump(dump)
        if touches != o.touches:
            problems.append("touches: oracle only %s; etl only %s" % (
                sorted(o.touches - touches)[:5], sorted(touches - o.touches)[:5]))
        if not mkto <= o.mkto:
            problems.append("MA-only people not in the oracle: %s" % sorted(mkto - o.mkto)[:5])
    for p in problems[:40]:
        print(p)
    nskip = sum(i[6] for i in o.inputs)
    print("oracle: %d files, %d rejects and warnings, %d re-exports, %d touches: %s" % (
        len(o.inputs), len(o.rejects), nskip, len(o.touches), "DIFFERENT" if problems else "same"))
    return 1 if problems else 0


# --- random inputs ------------------------------------------------------------------------

BAD_UTF8 = [b"\xc0\x80", b"\xe0\x80\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xff",
            b"\x80", b"\xe2\x82", b"\xf0\x9f\x98", b"M\xfcller", b"\xc3"]
GOOD_UTF8 = [b"\xf0\x9f\x98\x80", b"\xe2\x82\xac", b"\xc3\xbc", b"plain"]


def csv_cell(b, rng):
    """One cell as written: quoted when it must be, sometimes anyway."""
    if any(c in b for c in (b",", b'"', b"\n", b"\r")) or rng.random() < 0.2:
        return b'"' + b.replace(b'"', b'""') + b'"'
    return b


def write_csv(path, header, rows, rng, gz=False):
    eol = b"\r\n" if rng.random() < 0.3 else b"\n"
    lines = [b",".join(csv_cell(h.encode(), rng) for h in header)]
    for r in rows:
        if isinstance(r, bytes):  # a damaged line, written as is
            lines.append(r)
            continue
        lines.append(b",".join(csv_cell(r.get(h, b""), rng) for h in header))
        if rng.random() < 0.03:
            lines.append(b"")  # a blank line: counted, no record
    data = (b"\xef\xbb\xbf" if rng.random() < 0.2 else b"") + eol.join(lines) + eol
    if gz:
        data = gzip.compress(data, mtime=0)
    with open(path, "wb") as f:
        f.write(data)


def spice(rng, b):
    """b, sometimes with invalid (or unusual valid) UTF-8 inside or at the end."""
    x = rng.random()
    if x < 0.08:
        return b + rng.choice(BAD_UTF8)
    if x < 0.12:
        return rng.choice(BAD_UTF8) + b
    if x < 0.16:
        return b + rng.choice(GOOD_UTF8)
    return b


def gen(seed, out):
    rng = random.Random(seed)
    os.makedirs(os.path.join(out, "crm"), exist_ok=True)
    for name, head in (("Campaign", "Id,Name,Type"), ("Lead", "Id,Email,CreatedDate"),
                       ("Contact", "Id,Email,AccountId,CreatedDate"),
                       ("Opportunity", "Id,AccountId,CreatedDate,CloseDate,IsClosed,IsWon,Amount"),
                       ("OpportunityContactRole", "Id,OpportunityId,ContactId"),
                       ("CampaignMember", "Id,CampaignId,HasResponded,CreatedDate,LeadId")):
        with open(os.path.join(out, "crm", name + ".csv"), "w") as f:
            f.write(head + "\n")
    # leads: one pool, written as overlapping extracts
    leads = []
    for i in range(rng.randint(20, 60)):
        lid = spice(rng, str(1000 + i).encode()) if rng.random() < 0.1 else str(1000 + i).encode()
        leads.append({"id": lid,
                      "email": spice(rng, b"p%d@example.com" % i) if rng.random() < 0.9
                      else rng.choice([b"", b"null", b"not-an-email", b" <A@B.CO> "]),
                      "createdAt": b"2024-01-%02dT10:00:00Z" % rng.randint(1, 28),
                      "sfdcLeadId": b"null", "x": spice(rng, b"extra")})
    lead_ids = [l["id"] for l in leads]
    acts = []
    for i in range(rng.randint(80, 250)):
        typ = rng.choice([b"2", b"2", b"7", b"1", b"10"])
        acts.append({"marketoGUID": spice(rng, b"g%d" % i) if rng.random() < 0.1 else b"g%d" % i,
                     "leadId": rng.choice(lead_ids) if rng.random() < 0.95 else b"9999",
                     "activityDate": b"2024-%02d-%02dT%02d:%02d:%02dZ" % (
                         1 + i * 12 // 250, rng.randint(1, 28), rng.randint(0, 23), i % 60, i % 59)
                     if rng.random() < 0.96 else rng.choice([b"2024-02-30T00:00:00Z", b"", b"x"]),
                     "activityTypeId": typ if rng.random() < 0.98 else b"2x",
                     "campaignId": b"null",
                     "primaryAttributeValueId": b"1",
                     "primaryAttributeValue": spice(rng, b"page") if rng.random() < 0.9
                     else rng.choice([b"two\nlines", b"p\xff"]),
                     "attributes": b"{}" if rng.random() < 0.95 else rng.choice([b"[1]", b"{x", b"null"]),
                     "note": spice(rng, b"n") if rng.random() < 0.97 else b"nul\0here"})
        if rng.random() < 0.02:
            acts[-1]["primaryAttributeValue"] = b"bad\0nul"
    write_extracts(rng, out, "leads", leads, LEAD_COLS + ["x"], 2)
    write_extracts(rng, out, "acts", acts, ACT_COLS + ["note"], rng.randint(2, 6))
    types = "1:web_visit, 2:form_fill, 10:email_open"
    with open(os.path.join(out, "pipeline.conf"), "w") as f:
        f.write("[pipeline]\nmax_reject_ratio = 1\nma_touch_types = %s\nout_dir = out\n"
                "[input]\ncrm = crm\nma_activities = acts\nma_leads = leads/leads_*.csv*\n" % types)


def write_extracts(rng, out, name, rows, cols, nfiles):
    """rows in nfiles overlapping extracts: every extract after the first
    repeats a few rows of the one before (re-exports, written identically
    even in another column order), one row now and then comes again with a
    change (a true duplicate), some lines are damaged."""
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    n = len(rows)
    cuts = sorted(rng.sample(range(1, n), nfiles - 1)) if nfiles > 1 else []
    bounds = list(zip([0] + cuts, cuts + [n]))
    for k, (a, b) in enumerate(bounds):
        part = list(rows[a:b])
        if k > 0:
            prev_a = bounds[k - 1][0]
            part = rows[max(prev_a, a - rng.randint(1, 6)):a] + part
        for _ in range(rng.randint(0, 3) if k > 0 else 0):
            # the same key with a difference: a byte more, `null` for an
            # empty cell, or another invalid byte that repairs the same
            dup = dict(rng.choice(rows[:a]))
            col = rng.choice(cols[1:])
            v = dup.get(col, b"")
            dup[col] = rng.choice([v + b"~", b"null" if v == b"" else b"",
                                   v[:-1] + b"\xfe" if v.endswith(b"\xff") else v + b"\xff"])
            part.insert(rng.randint(0, len(part)), dup)
        if rng.random() < 0.3:
            part.insert(rng.randint(0, len(part)), b"only,two")
        header = list(cols)
        if rng.random() < 0.5:
            rng.shuffle(header)
        fname = "%s_%02d.csv" % (name, k)
        write_csv(os.path.join(d, fname + (".gz" if k % 2 else "")), header, part, rng, gz=k % 2 == 1)


def main(argv):
    if len(argv) >= 3 and argv[0] == "check":
        return check(argv[1], argv[2], argv[3] if len(argv) > 3 else None)
    if len(argv) == 3 and argv[0] == "gen":
        gen(int(argv[1]), argv[2])
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
