#!/usr/bin/env python3
"""An independent reading of the funnel table (funnel.csv), written from the
table's definition alone and sharing no code with the C pipeline, to check it.

It reads the raw CRM export (a folder or a zip holding Opportunity.csv,
Campaign.csv and, when present, OpportunityHistory.csv), the fx rates file
when the config names one, and the [pipeline], [input] and [funnel] keys of
pipeline.conf it needs; it keeps the rows the pipeline would keep (deleted
rows skipped; required values, timestamps, booleans, amounts, fx rates,
references and first-row-wins duplicates checked in the documented order),
and writes funnel.csv for the periods overlapping --from..--to.

Usage: funnel_ref.py -c pipeline.conf --from YYYY-MM-DD --to YYYY-MM-DD [-o OUT]
       funnel_ref.py --batch FILE   (lines "CONF FROM TO OUT": many runs, one start)
Standard library only.
"""

import argparse
import calendar
import csv
import datetime as dt
import io
import os
import re
import sys
import zipfile
from decimal import Decimal, InvalidOperation
from fractions import Fraction

DEFAULT_STAGES = ("Prospecting, Qualification, Needs Analysis, Value Proposition, "
                  "Id. Decision Makers, Perception Analysis, Proposal/Price Quote, "
                  "Negotiation/Review")
WS = " \t\r\n\v\f"
DAY = 86400
EPOCH = dt.date(1970, 1, 1)

# --------------------------------------------------------------------------
# Configuration (only the keys the funnel depends on)


def read_conf(path):
    conf = {"currency": "USD", "period": "month", "fiscal_year_start_month": "1",
            "naive_utc_offset": "+00:00", "excel_bom": "false", "stages": DEFAULT_STAGES,
            "crm": None, "fx_rates": None}
    section = None
    base = os.path.dirname(os.path.abspath(path))
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            line = re.sub(r'(^|[ \t])[#;].*$', "", line.rstrip("\r\n")).strip()
            if not line:
                continue
            m = re.match(r'^\[\s*([A-Za-z_]+)\s*(?:"[^"]*")?\s*\]$', line)
            if m:
                section = m.group(1).lower()
                continue
            key, _, value = line.partition("=")
            key, value = key.strip().lower(), value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            if section == "pipeline" and key in conf:
                conf[key] = value
            elif section == "input" and key in ("crm", "fx_rates"):
                conf[key] = value if os.path.isabs(value) else os.path.join(base, value)
            elif section == "funnel" and key == "stages":
                conf["stages"] = value
    stages = [s.strip(WS) for s in conf["stages"].split(",")]
    assert all(stages) and len(set(stages)) == len(stages), "bad [funnel] stages"
    conf["stage_list"] = stages
    m = re.match(r'^([+-])(\d\d):?(\d\d)$', conf["naive_utc_offset"])
    conf["offset"] = (1 if m.group(1) == "+" else -1) * (int(m.group(2)) * 3600 + int(m.group(3)) * 60)
    conf["fy"] = int(conf["fiscal_year_start_month"])
    return conf

# --------------------------------------------------------------------------
# Values


def sf18(i):
    if len(i) != 15:
        return i
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    suffix = ""
    for chunk in range(3):
        bits = 0
        for k, ch in enumerate(i[chunk * 5:chunk * 5 + 5]):
            if "A" <= ch <= "Z":
                bits |= 1 << k
        suffix += alphabet[bits]
    return i + suffix


TS = re.compile(r'^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?'
                r'(Z|[+-]\d{2}:\d{2}|[+-]\d{4})?)?$')


def parse_ts(s, naive):
    """(utc seconds, written date) or None."""
    m = TS.match(s)
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= mo <= 12 and 1 <= d <= calendar.monthrange(y, mo)[1]) or y == 0:
        return None
    day = (dt.date(y, mo, d) - EPOCH).days
    if m.group(4) is None:
        return day * DAY - naive, day
    hh, mi, ss = int(m.group(4)), int(m.group(5)), int(m.group(6))
    if hh > 23 or mi > 59 or ss > 59:
        return None
    off = naive
    z = m.group(7)
    if z == "Z":
        off = 0
    elif z:
        oh, om = int(z[1:3]), int(z[-2:])
        if oh > 23 or om > 59:
            return None
        off = (1 if z[0] == "+" else -1) * (oh * 3600 + om * 60)
    return day * DAY + hh * 3600 + mi * 60 + ss - off, day


def parse_bool(s):
    low = s.lower()
    if low in ("true", "1"):
        return True
    if low in ("false", "0", ""):
        return False
    return None


MONEY = re.compile(r'^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$')


def round_half_away(fr):
    n = abs(fr.numerator) * 2 + fr.denominator
    q = n // (2 * fr.denominator)
    return q if fr >= 0 else -q


def parse_money(s):
    """cents (int) or None; empty is 0."""
    if s == "":
        return 0
    if not MONEY.match(s):
        return None
    m = MONEY.match(s)
    if m.group(2) and abs(int(m.group(2)[1:])) > 40:
        return None
    try:
        v = Fraction(Decimal(s)) * 100
    except InvalidOperation:
        return None
    cents = round_half_away(v)
    return cents if abs(cents) <= 2 ** 63 - 1 else None


def fmt_cents(c):
    sign = "-" if c < 0 else ""
    return "%s%d.%02d" % (sign, abs(c) // 100, abs(c) % 100)

# --------------------------------------------------------------------------
# Reading CSV files as the export has them


def read_bytes_table(data):
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = data.decode("utf-8", "surrogateescape")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return [], []
    header, out = rows[0], []
    for r in rows[1:]:
        if not r:
            continue  # a blank line is not a record
        if len(r) != len(header) or any("\0" in f for f in r):
            out.append(None)  # rejected by the field-count or NUL check
            continue
        out.append(dict(zip(header, r)))
    return header, out


def crm_entity(crm, name):
    """The rows of NAME.csv in the CRM folder or zip, or None when absent."""
    want = name + ".csv"
    if os.path.isdir(crm):
        for root, _, files in os.walk(crm):
            if want in files:
                with open(os.path.join(root, want), "rb") as f:
                    return read_bytes_table(f.read())[1]
        return None
    with zipfile.ZipFile(crm) as z:
        for entry in z.namelist():
            if entry.rsplit("/", 1)[-1] == want:
                return read_bytes_table(z.read(entry))[1]
    return None


def deleted_or_bad(row):
    """True to skip the row (deleted, or IsDeleted unparseable = a reject)."""
    v = parse_bool(row.get("IsDeleted", ""))
    return v is None or v


# --------------------------------------------------------------------------
# Kept rows


def kept_campaigns(rows, naive):
    kept = {}
    for r in rows:
        if r is None or not r["Id"]:
            continue
        if deleted_or_bad(r):
            continue
        if any(r.get(c, "") and parse_ts(r[c], naive) is None for c in ("StartDate", "EndDate")):
            continue
        if parse_money(r.get("ActualCost", "")) is None:
            continue
        key = sf18(r["Id"])
        kept.setdefault(key, r)
    return kept


def read_fx(path, corporate, naive):
    rates = {}
    if not path:
        return rates
    with open(path, "rb") as f:
        for r in read_bytes_table(f.read())[1]:
            if r is None or not all(r.get(c, "") for c in ("currency", "effective_date", "rate")):
                continue
            ts = parse_ts(r["effective_date"], naive)
            try:
                rate = Fraction(Decimal(r["rate"])) if MONEY.match(r["rate"]) else None
            except InvalidOperation:
                rate = None
            if ts is None or rate is None or rate <= 0:
                continue
            key = (r["currency"].strip(WS).upper(), ts[1])
            rates.setdefault(key, rate)
    return rates


def convert(rates, corporate, currency, day, cents):
    if currency == corporate:
        return cents
    best = None
    for (cur, eff), rate in rates.items():
        if cur == currency and eff <= day and (best is None or eff > best[0]):
            best = (eff, rate)
    if best is None:
        return None
    return round_half_away(cents * best[1])


def kept_opportunities(rows, conf, rates):
    naive, corporate = conf["offset"], conf["currency"].strip(WS).upper()
    kept = {}
    for r in rows:
        if r is None or not r["Id"]:
            continue
        if deleted_or_bad(r):
            continue
        created = parse_ts(r["CreatedDate"], naive) if r["CreatedDate"] else None
        close = parse_ts(r["CloseDate"], naive) if r["CloseDate"] else None
        closed, won = parse_bool(r["IsClosed"]), parse_bool(r["IsWon"])
        amount = parse_money(r["Amount"])
        if None in (created, close, closed, won, amount):
            continue
        currency = r.get("CurrencyIsoCode", "").strip(WS).upper() or corporate
        created_day = created[0] // DAY
        pipeline = convert(rates, corporate, currency, created_day, amount)
        if pipeline is None or (won and convert(rates, corporate, currency, close[1], amount) is None):
            continue
        key = sf18(r["Id"])
        if key in kept:
            continue
        kept[key] = dict(created=created[0], closed=closed, won=won, pipeline=pipeline,
                         stage=r.get("StageName", "").strip(WS),
                         lead_source=r.get("LeadSource", "").strip(WS),
                         campaign=sf18(r.get("CampaignId", "")), history=[])
    return kept


def attach_history(rows, opps, naive):
    seen = set()
    for r in rows or []:
        if r is None or not r["Id"]:
            continue
        if deleted_or_bad(r):
            continue
        if not r["OpportunityId"]:
            continue
        # CreatedDate may be empty (it is not among the required values)
        created = parse_ts(r["CreatedDate"], naive) if r["CreatedDate"] else (None, None)
        stage = r["StageName"].strip(WS)
        if created is None or not stage:
            continue
        opp = opps.get(sf18(r["OpportunityId"]))
        if opp is None:
            continue
        key = sf18(r["Id"])
        if key in seen:
            continue
        seen.add(key)
        opp["history"].append((created[0], key, stage))

# --------------------------------------------------------------------------
# Periods


def period_of(day, kind, fy):
    """(start day, end day, label) of the period holding day (days since 1970)."""
    d = EPOCH + dt.timedelta(days=day)
    if kind == "day":
        return day, day, d.isoformat()
    if kind == "week":
        start = d - dt.timedelta(days=d.weekday())
        y, w, _ = d.isocalendar()
        return (start - EPOCH).days, (start - EPOCH).days + 6, "%d-W%02d" % (y, w)
    if kind == "month":
        start = d.replace(day=1)
        end = start.replace(day=calendar.monthrange(d.year, d.month)[1])
        return (start - EPOCH).days, (end - EPOCH).days, "%d-%02d" % (d.year, d.month)
    months = 3 if kind == "quarter" else 12
    first = fy if 2 <= fy <= 12 else 1
    fy_start_year = d.year if d.month >= first else d.year - 1
    k = ((d.month - first) % 12) // months
    sm0 = first + k * months  # may pass 12: the next calendar year
    start = dt.date(fy_start_year + (sm0 - 1) // 12, (sm0 - 1) % 12 + 1, 1)
    em0 = sm0 + months
    end = dt.date(fy_start_year + (em0 - 1) // 12, (em0 - 1) % 12 + 1, 1) - dt.timedelta(days=1)
    if first > 1:
        name = "FY%d" % (fy_start_year + 1)  # named by the year in which it ends
    else:
        name = "%d" % fy_start_year
    label = "%s-Q%d" % (name, k + 1) if kind == "quarter" else name
    return (start - EPOCH).days, (end - EPOCH).days, label

# --------------------------------------------------------------------------
# The funnel


def timeline(opp, stages):
    """top position (or -1) and per stage (days_in_stage, days_to_reach) seconds.
    Rows without a CreatedDate count for the top, not for entries and exits."""
    pos = {s: i for i, s in enumerate(stages)}
    top = pos.get(opp["stage"], -1)
    for _, _, s in opp["history"]:
        top = max(top, pos.get(s, -1))
    hist = sorted((h for h in opp["history"] if h[0] is not None),
                  key=lambda h: (h[0], h[1].encode("utf-8", "surrogateescape")))
    if opp["won"]:
        top = len(stages) - 1
    timings = {}
    for s in stages:
        first = next((k for k, h in enumerate(hist) if h[2] == s), None)
        if first is None:
            timings[s] = (None, None)
            continue
        e = hist[first][0]
        x = next((h[0] for h in hist[first + 1:] if h[2] != s), None)
        timings[s] = (None if x is None else x - e, e - opp["created"])
    return top, timings


def lower_median(values):
    v = sorted(values)
    return v[(len(v) + 1) // 2 - 1] if v else None


def days(seconds):
    if seconds is None:
        return ""
    tenths = round_half_away(Fraction(seconds, 8640))
    sign = "-" if tenths < 0 else ""
    return "%s%d.%d" % (sign, abs(tenths) // 10, abs(tenths) % 10)


def conversion(adv, reached):
    q = round_half_away(Fraction(adv * 10000, reached))
    return "%d.%04d" % (q // 10000, q % 10000)


def cell(text):
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    if any(c in text for c in ',"\r\n'):
        text = '"' + text.replace('"', '""') + '"'
    return text


def funnel(conf, opps, campaigns, first_day, last_day):
    stages = conf["stage_list"]
    groups = {}  # (period start, dim, group id) -> list of opportunities
    labels = {}
    for o in opps.values():
        created_day = o["created"] // DAY
        if not first_day <= created_day <= last_day:
            continue
        start, end, label = period_of(created_day, conf["period"], conf["fy"])
        labels[start] = (end, label)
        camp = o["campaign"] if o["campaign"] in campaigns else "(none)"
        for dim, gid in (("all", "(all)"), ("campaign", camp),
                         ("lead_source", o["lead_source"] or "(none)")):
            groups.setdefault((start, dim, gid), []).append(o)
    order = {"all": 0, "campaign": 1, "lead_source": 2}
    lines = ["period,period_start,period_end,dimension,group_id,group_name,stage,stage_order,"
             "reached,reached_pipeline,advanced,conversion,won,lost,open,"
             "median_days_in_stage,median_days_to_reach"]
    keyf = lambda k: (k[0], order[k[1]], k[2].encode("utf-8", "surrogateescape"))
    for key in sorted(groups, key=keyf):
        start, dim, gid = key
        members = [(o, timeline(o, stages)) for o in groups[key]]
        name = campaigns[gid]["Name"] if dim == "campaign" and gid in campaigns else ""
        end, label = labels[start]
        for i, s in enumerate(stages):
            reach = [(o, t) for o, t in members if t[0] >= i]
            if not reach:
                continue
            adv = sum(1 for o, t in reach if t[0] > i or o["won"])
            won = sum(1 for o, _ in reach if o["won"])
            lost = sum(1 for o, t in reach if o["closed"] and not o["won"] and t[0] == i)
            opn = sum(1 for o, t in reach if not o["closed"] and t[0] == i)
            ins = [t[1][s][0] for _, t in reach if t[1][s][0] is not None]
            tos = [t[1][s][1] for _, t in reach if t[1][s][1] is not None]
            row = [label, (EPOCH + dt.timedelta(days=start)).isoformat(),
                   (EPOCH + dt.timedelta(days=end)).isoformat(), dim, gid, name, s]
            nums = [str(i + 1), str(len(reach)), fmt_cents(sum(o["pipeline"] for o, _ in reach)),
                    str(adv), conversion(adv, len(reach)), str(won), str(lost), str(opn),
                    days(lower_median(ins)), days(lower_median(tos))]
            lines.append(",".join([cell(c) for c in row] + nums))
    return lines


def run(config, first_text, last_text, out):
    conf = read_conf(config)
    naive = conf["offset"]
    campaigns = kept_campaigns(crm_entity(conf["crm"], "Campaign") or [], naive)
    rates = read_fx(conf["fx_rates"], conf["currency"].upper(), naive)
    opps = kept_opportunities(crm_entity(conf["crm"], "Opportunity") or [], conf, rates)
    attach_history(crm_entity(conf["crm"], "OpportunityHistory"), opps, naive)
    first = (dt.date.fromisoformat(first_text) - EPOCH).days
    last = (dt.date.fromisoformat(last_text) - EPOCH).days
    first = period_of(first, conf["period"], conf["fy"])[0]
    last = period_of(last, conf["period"], conf["fy"])[1]
    text = "".join(line + "\r\n" for line in funnel(conf, opps, campaigns, first, last))
    data = text.encode("utf-8", "surrogateescape")
    if parse_bool(conf["excel_bom"]):
        data = b"\xef\xbb\xbf" + data
    if out == "-":
        sys.stdout.buffer.write(data)
    else:
        with open(out, "wb") as f:
            f.write(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-c", "--config")
    ap.add_argument("--from", dest="first")
    ap.add_argument("--to", dest="last")
    ap.add_argument("-o", "--out", default="-")
    ap.add_argument("--batch")
    a = ap.parse_args()
    if a.batch:
        with open(a.batch, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    run(*line.split())
        return 0
    if not (a.config and a.first and a.last):
        ap.error("-c, --from and --to are required (or --batch)")
    run(a.config, a.first, a.last, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
