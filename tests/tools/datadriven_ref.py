#!/usr/bin/env python3
"""An independent reading of the data-driven models `markov` and `shapley`,
checked against the tables of a run.

    datadriven_ref.py --conf pipeline.conf --dump dataset.txt --out DIR --as-of TS

It reads the normalized data set as `etl-dump` prints it and the run's
settings (lookback_days, account_based, naive_utc_offset, models), and from
them alone, written from the rules rather than from the C code:

  - links people to opportunities (contact roles, converted leads and, with
    account_based, the account) and finds each opportunity's eligible
    touches, ordered by (time, touch_id);
  - builds the journeys (closed opportunities with an eligible touch,
    converting when won; people with a touch at or before as_of linked to
    no opportunity; consecutive equal channels merged);
  - fits both models in exact rational arithmetic: Markov by solving the
    absorbing chain once for p and once per channel with the transitions
    into it sent to NULL (the definition; the C code uses an identity that
    needs one factorization), Shapley by the sum over channel sets;
  - weights each covered opportunity's touches and splits its pipeline and
    revenue by the largest-remainder method, exactly.

Then it compares, for every data-driven model of the config:
model_fit.csv (rows, order, counts exactly; value and share within 1e-6) and
touch_credits.csv.gz (the same touches in the same order; weights within
1e-6 of the exact weight; pipeline and revenue credit within one cent per
row). Exit 0 when everything agrees, 1 with the differences listed, 2 on a
usage or input error. Python 3 standard library only.
"""
import argparse
import calendar
import csv
import gzip
import io
import os
import sys
from fractions import Fraction

DAY = 86400
DATADRIVEN = ("markov", "shapley")


# --- inputs -----------------------------------------------------------------

def parse_ts(s):
    """'2024-11-20T14:00:00Z' (as etl-dump prints) -> UTC seconds."""
    return calendar.timegm((int(s[0:4]), int(s[5:7]), int(s[8:10]),
                            int(s[11:13]), int(s[14:16]), int(s[17:19])))


def day_number(s):
    return calendar.timegm((int(s[0:4]), int(s[5:7]), int(s[8:10]), 0, 0, 0)) // DAY


def parse_offset(s):
    s = s.strip()
    if s in ("Z", "z"):
        return 0
    sign = -1 if s[0] == "-" else 1
    body = s[1:].replace(":", "")
    return sign * (int(body[0:2]) * 3600 + int(body[2:4]) * 60)


def parse_as_of(s, offset):
    if len(s) == 10:  # a date alone means 23:59:59 of that day
        return day_number(s) * DAY + DAY - 1 - offset
    base = parse_ts(s[:19] + "Z")
    rest = s[19:]
    if rest.startswith("."):
        rest = rest.lstrip(".0123456789")
    if rest in ("", None):
        return base - offset
    return base - parse_offset(rest)


def read_conf(path):
    """The [pipeline] keys this check needs (the last value wins)."""
    keys = {"lookback_days": "365", "account_based": "false",
            "naive_utc_offset": "+00:00",
            "models": "first_touch, last_touch, linear, u_shaped, w_shaped, full_path, time_decay"}
    section = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            t = line.strip()
            if not t or t[0] in "#;":
                continue
            if t.startswith("["):
                section = t[1:t.index("]")].split()[0].lower()
                continue
            if section != "pipeline" or "=" not in t:
                continue
            k, v = t.split("=", 1)
            v = v.strip()
            for mark in (" #", "\t#", " ;", "\t;"):
                if mark in v:
                    v = v[:v.index(mark)].strip()
            if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
                v = v[1:-1]
            keys[k.strip().lower()] = v
    models = [m.strip() for m in keys["models"].split(",") if m.strip()]
    return {"lookback": int(keys["lookback_days"]),
            "account_based": keys["account_based"].lower() in ("true", "1"),
            "offset": parse_offset(keys["naive_utc_offset"]),
            "models": models}


class Data:
    def __init__(self):
        self.persons = {}   # key -> account
        self.touches = []   # (person, time, touch_id, channel)
        self.opps = {}      # id -> dict
        self.links = []     # (opp, person)


def read_dump(path, offset):
    data, section, want, got = Data(), None, {}, {}
    with open(path, encoding="utf-8", newline="\n") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# "):
                words = line.split(" ")  # "# touches 275", "# opportunity amounts 29"
                name, n = "_".join(words[1:-1]), int(words[-1])
                section, want[name], got[name] = name, n, 0
                continue
            fields = line.split("\t")
            kind = fields[0]
            if section == "persons" and kind == "person":
                data.persons[fields[1]] = fields[3][len("account="):]
            elif section == "touches" and kind == "touch":
                data.touches.append((fields[2], parse_ts(fields[3]), fields[1],
                                     fields[6][len("channel="):]))
            elif section == "opportunities" and kind == "opportunity":
                flags = fields[5]
                close = fields[4][len("close="):]
                data.opps[fields[1]] = {
                    "account": fields[2][len("account="):],
                    "created": parse_ts(fields[3][len("created="):]),
                    "close_day": day_number(close),
                    "close_end": day_number(close) * DAY + DAY - 1 - offset,
                    "closed": flags.startswith("closed"),
                    "won": flags.endswith(",won"),
                    "pipeline": int(fields[6][len("pipeline="):]),
                    "revenue": int(fields[7][len("revenue="):]),
                }
            elif section == "links" and kind == "link":
                data.links.append((fields[1], fields[2]))
            else:
                continue
            got[section] += 1
    for name in ("persons", "touches", "opportunities", "links"):
        if want.get(name) != got.get(name):
            raise ValueError("%s: %s: %s records announced, %s read"
                             % (path, name, want.get(name), got.get(name)))
    return data


# --- linking and journeys ---------------------------------------------------

def eligible_touches(data, conf, as_of):
    """opp id -> [(time, touch_id, channel)] in (time, touch_id) order, and
    the set of persons linked to any opportunity."""
    by_person = {}
    for person, t, tid, channel in data.touches:
        by_person.setdefault(person, []).append((t, tid, channel))
    by_account = {}
    for key, account in data.persons.items():
        if account:
            by_account.setdefault(account, []).append(key)
    linked = {}
    for opp, person in data.links:
        linked.setdefault(opp, set()).add(person)
    if conf["account_based"]:
        for oid, o in data.opps.items():
            if o["account"]:
                linked.setdefault(oid, set()).update(by_account.get(o["account"], []))
    anyone = set()
    for people in linked.values():
        anyone |= people
    result = {}
    for oid, o in data.opps.items():
        end = o["close_end"] if o["closed"] else as_of
        hi = min(end, as_of)
        lo = o["created"] - conf["lookback"] * DAY
        touches = [x for p in linked.get(oid, ()) for x in by_person.get(p, ())
                   if lo <= x[0] <= hi]
        result[oid] = sorted(touches, key=lambda x: (x[0], x[1].encode("utf-8")))
    return result, anyone, by_person


def merged(channels):
    out = []
    for c in channels:
        if not out or out[-1] != c:
            out.append(c)
    return out


def journeys(data, eligible, linked_people, by_person, as_of):
    out = []
    for oid, o in data.opps.items():
        if o["closed"] and eligible[oid]:
            out.append((merged([c for _, _, c in eligible[oid]]), o["won"]))
    for person, touches in by_person.items():
        if person in linked_people:
            continue
        mine = sorted((x for x in touches if x[0] <= as_of),
                      key=lambda x: (x[0], x[1].encode("utf-8")))
        if mine:
            out.append((merged([c for _, _, c in mine]), False))
    return out


# --- the models, exactly ----------------------------------------------------

def solve(a, b):
    """Gaussian elimination over Fractions: a x = b."""
    n = len(b)
    a = [row[:] for row in a]
    b = b[:]
    for k in range(n):
        piv = next(i for i in range(k, n) if a[i][k] != 0)
        a[k], a[piv] = a[piv], a[k]
        b[k], b[piv] = b[piv], b[k]
        for i in range(k + 1, n):
            if a[i][k] != 0:
                f = a[i][k] / a[k][k]
                for j in range(k, n):
                    a[i][j] -= f * a[k][j]
                b[i] -= f * b[k]
    x = [Fraction(0)] * n
    for i in range(n - 1, -1, -1):
        s = b[i] - sum(a[i][j] * x[j] for j in range(i + 1, n))
        x[i] = s / a[i][i]
    return x


def markov(js):
    """p and {channel: RE} by the definition: one system per removal."""
    chans = sorted({c for j, _ in js for c in j}, key=lambda c: c.encode("utf-8"))
    idx = {c: i for i, c in enumerate(chans)}
    n = len(chans)
    count = {}
    for j, conv in js:
        states = ["START"] + j + ["CONV" if conv else "NULL"]
        for a, b in zip(states, states[1:]):
            count[(a, b)] = count.get((a, b), 0) + 1
    out = {}
    for (a, b), k in count.items():
        out[a] = out.get(a, 0) + k

    def absorbed(removed):
        mat = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
        rhs = [Fraction(0)] * n
        for (a, b), k in count.items():
            if a in ("START",) or b == removed:
                continue
            if b == "CONV":
                rhs[idx[a]] += Fraction(k, out[a])
            elif b != "NULL":
                mat[idx[a]][idx[b]] -= Fraction(k, out[a])
        h = solve(mat, rhs) if n else []
        return sum((Fraction(k, out["START"]) * h[idx[b]]
                    for (a, b), k in count.items() if a == "START" and b != removed),
                   Fraction(0))

    p = absorbed(None) if js else Fraction(0)
    re = {}
    for c in chans:
        re[c] = Fraction(0) if p == 0 else 1 - absorbed(c) / p
    return p, re


def shapley(js):
    r = {}
    for j, conv in js:
        if conv:
            t = frozenset(j)
            r[t] = r.get(t, 0) + 1
    phi = {c: Fraction(0) for j, _ in js for c in j}
    for t, k in r.items():
        for c in t:
            phi[c] += Fraction(k, len(t))
    return phi


def weights(channels, value):
    """Exact weights of touches with these channels under value."""
    counts = {}
    for c in channels:
        counts[c] = counts.get(c, 0) + 1
    total = sum(value.get(c, Fraction(0)) for c in counts)
    if total == 0:
        return [Fraction(1, len(channels))] * len(channels)
    return [value.get(c, Fraction(0)) / total / counts[c] for c in channels]


def split(v, ws):
    if v < 0:
        return [-x for x in split(-v, ws)]
    parts = [v * w for w in ws]
    floors = [p.numerator // p.denominator for p in parts]
    rems = [p - f for p, f in zip(parts, floors)]
    order = sorted(range(len(ws)), key=lambda i: (-rems[i], i))
    for i in order[:v - sum(floors)]:
        floors[i] += 1
    return floors


# --- comparing --------------------------------------------------------------

def read_csv(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        text = f.read().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def cents(s):
    neg = s.startswith("-")
    whole, frac = s.lstrip("-").split(".")
    v = int(whole) * 100 + int(frac)
    return -v if neg else v


def covered(data, out_dir):
    """Opportunities created in the range, or won and closed in it."""
    name = os.path.basename(os.path.normpath(out_dir))
    first, last = name.split("_")
    lo, hi = day_number(first), day_number(last)
    return {oid for oid, o in data.opps.items()
            if lo <= o["created"] // DAY <= hi or (o["won"] and lo <= o["close_day"] <= hi)}


class Report:
    def __init__(self):
        self.problems = []
        self.checked = 0

    def expect(self, ok, msg):
        self.checked += 1
        if not ok:
            self.problems.append(msg)


def check_fit(rep, rows, model, js, values, p):
    mine = [r for r in rows if r["model"] == model]
    nconv = sum(1 for _, conv in js if conv)
    chans = sorted({c for j, _ in js for c in j}, key=lambda c: c.encode("utf-8"))
    rep.expect(len(mine) == len(chans) + 1,
               "model_fit %s: %d rows, want %d" % (model, len(mine), len(chans) + 1))
    if not mine:
        return
    allrow = mine[0]
    rep.expect(allrow["channel"] == "(all)" and int(allrow["journeys"]) == len(js)
               and int(allrow["conversions"]) == nconv and allrow["share"] == "",
               "model_fit %s (all): %s" % (model, allrow))
    want_all = p if model == "markov" else Fraction(nconv)
    rep.expect(abs(float(allrow["value"]) - float(want_all)) <= 1e-6,
               "model_fit %s (all) value %s, want %.9f" % (model, allrow["value"], float(want_all)))
    total = sum(values.values(), Fraction(0))
    for row, c in zip(mine[1:], chans):
        held = [conv for j, conv in js if c in j]
        rep.expect(row["channel"] == c, "model_fit %s: channel %s, want %s" % (model, row["channel"], c))
        rep.expect(int(row["journeys"]) == len(held) and int(row["conversions"]) == sum(held),
                   "model_fit %s %s: journeys %s conversions %s, want %d %d"
                   % (model, c, row["journeys"], row["conversions"], len(held), sum(held)))
        rep.expect(abs(float(row["value"]) - float(values[c])) <= 1e-6,
                   "model_fit %s %s: value %s, want %.9f" % (model, c, row["value"], float(values[c])))
        if total == 0:
            rep.expect(row["share"] == "", "model_fit %s %s: share %s, want empty" % (model, c, row["share"]))
        else:
            share = values[c] / total
            rep.expect(row["share"] != "" and abs(float(row["share"]) - float(share)) <= 1e-6,
                       "model_fit %s %s: share %s, want %.9f" % (model, c, row["share"], float(share)))


def check_credits(rep, credits, model, data, eligible, cover, values):
    rows = {}
    for r in credits:
        if r["model"] == model:
            rows.setdefault(r["opportunity_id"], []).append(r)
    want_opps = sorted((o for o in cover if eligible[o]), key=lambda o: o.encode("utf-8"))
    rep.expect(sorted(rows, key=lambda o: o.encode("utf-8")) == want_opps,
               "touch_credits %s: %d opportunities, want %d" % (model, len(rows), len(want_opps)))
    for oid in want_opps:
        got = rows.get(oid, [])
        touches = eligible[oid]
        if [r["touch_id"] for r in got] != [t[1] for t in touches]:
            rep.expect(False, "touch_credits %s %s: touches differ" % (model, oid))
            continue
        ws = weights([t[2] for t in touches], values)
        o = data.opps[oid]
        pip = split(o["pipeline"], ws)
        rev = split(o["revenue"] if o["won"] else 0, ws)
        for r, w, pc, rc in zip(got, ws, pip, rev):
            rep.expect(abs(float(r["weight"]) - float(w)) <= 1e-6,
                       "touch_credits %s %s %s: weight %s, want %.9f"
                       % (model, oid, r["touch_id"], r["weight"], float(w)))
            rep.expect(abs(cents(r["pipeline_credit"]) - pc) <= 1 and abs(cents(r["revenue_credit"]) - rc) <= 1,
                       "touch_credits %s %s %s: credits %s/%s, want %d/%d cents"
                       % (model, oid, r["touch_id"], r["pipeline_credit"], r["revenue_credit"], pc, rc))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--conf", required=True)
    ap.add_argument("--dump", required=True, help="etl-dump output of the run's dataset.bin")
    ap.add_argument("--out", required=True, help="the published folder FROM_TO")
    ap.add_argument("--as-of", required=True)
    a = ap.parse_args()
    try:
        conf = read_conf(a.conf)
        data = read_dump(a.dump, conf["offset"])
        as_of = parse_as_of(a.as_of, conf["offset"])
        credits = read_csv(os.path.join(a.out, "touch_credits.csv.gz"))
        fit_path = os.path.join(a.out, "model_fit.csv")
        fit_rows = read_csv(fit_path) if os.path.exists(fit_path) else None
    except (OSError, ValueError, KeyError, IndexError) as e:
        print("datadriven_ref: %s" % e, file=sys.stderr)
        return 2
    models = [m for m in conf["models"] if m in DATADRIVEN]
    rep = Report()
    rep.expect((fit_rows is not None) == bool(models),
               "model_fit.csv %s" % ("missing" if models else "written without a data-driven model"))
    eligible, linked_people, by_person = eligible_touches(data, conf, as_of)
    js = journeys(data, eligible, linked_people, by_person, as_of)
    cover = covered(data, a.out)
    for model in models:
        if model == "markov":
            p, values = markov(js)
        else:
            p, values = None, shapley(js)
        check_fit(rep, fit_rows or [], model, js, values, p)
        check_credits(rep, credits, model, data, eligible, cover, values)
    for msg in rep.problems[:30]:
        print("datadriven_ref: " + msg, file=sys.stderr)
    print("datadriven_ref: %d journeys (%d converting), %d models, %d checks, %d differences"
          % (len(js), sum(1 for _, c in js if c), len(models), rep.checked, len(rep.problems)))
    return 1 if rep.problems else 0


if __name__ == "__main__":
    sys.exit(main())
