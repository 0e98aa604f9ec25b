#!/usr/bin/env python3
"""Writes a small random CRM export that stresses the funnel (funnel.csv):
stage names inside and outside the configured list, with spaces or in
another case, blank ones; history rows without a time, at the same second,
before the opportunity's creation, deleted, duplicated (15- and 18-character Ids),
of unknown or rejected opportunities; won, lost, open and won-but-open
opportunities; lead sources with spaces, empty or "(none)"; known, unknown
and 15-character campaign ids; a random period, fiscal year, naive offset
and stage list in pipeline.conf.

Usage: funnel_random.py FIRST_SEED COUNT DIR: for each seed, writes
DIR/SEED/crm/*.csv and DIR/SEED/pipeline.conf and prints "SEED FROM TO"
(or "SEED - -"), the --from/--to to run with. Deterministic for a seed.
Standard library only.
"""

import csv
import datetime as dt
import os
import random
import sys

STD = ["Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
       "Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote",
       "Negotiation/Review"]
OTHER = ["Closed Won", "Closed Lost", "Discovery", "qualification", "Demo"]
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def sfid(rng, prefix):
    return prefix + "".join(rng.choice(ALNUM) for _ in range(12))


def ts(rng, t):
    """A timestamp in one of the export's forms (t: seconds since 2024-01-01)."""
    base = 1704067200 + t
    d = dt.datetime.fromtimestamp(base, dt.timezone.utc)
    form = rng.randrange(5)
    if form == 0:
        return d.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if form == 1:
        return d.strftime("%Y-%m-%d %H:%M:%S")  # naive: at naive_utc_offset
    if form == 2:
        local = d + dt.timedelta(hours=2)
        return local.strftime("%Y-%m-%dT%H:%M:%S+02:00")
    if form == 3:
        return d.strftime("%Y-%m-%d")  # a date alone
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


def spaced(rng, s):
    r = rng.randrange(6)
    return {0: " " + s, 1: s + "  ", 2: "\t" + s + " "}.get(r, s)


def write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)


def main():
    first, count, top = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    for seed in range(first, first + count):
        out = os.path.join(top, str(seed))
        print(seed, *export(seed, out))
    return 0


def export(seed, out):
    """Writes one export; returns the (from, to) to run with, or ("-", "-")."""
    rng = random.Random(seed)
    crm = os.path.join(out, "crm")
    os.makedirs(crm, exist_ok=True)

    stages = STD if rng.random() < 0.5 else rng.sample(STD + ["Demo"], rng.randint(1, 5))
    camps = [sfid(rng, "701") for _ in range(rng.randint(1, 4))]
    write(os.path.join(crm, "Campaign.csv"), ["Id", "Name", "Type", "IsDeleted"],
          [[c, rng.choice(["Webinar, EMEA", "=Ads", "Trade \"Show\"", "Ñandú"]), "Event",
            "false"] for c in camps] + [[camps[0], "dup", "x", "false"]])
    write(os.path.join(crm, "Lead.csv"), ["Id", "Email", "CreatedDate"], [])
    write(os.path.join(crm, "Contact.csv"), ["Id", "Email", "AccountId", "CreatedDate"], [])
    write(os.path.join(crm, "OpportunityContactRole.csv"), ["Id", "OpportunityId", "ContactId"], [])
    write(os.path.join(crm, "CampaignMember.csv"), ["Id", "CampaignId", "HasResponded", "CreatedDate"], [])

    span = rng.choice([40, 200, 400]) * 86400
    opps, orows = [], []
    for _ in range(rng.randint(1, 40)):
        oid = sfid(rng, "006")
        created = rng.randrange(span)
        closed = rng.random() < 0.6
        won = rng.random() < (0.5 if closed else 0.05)  # a few won but not closed
        amount = rng.choice(["1000", "-250.5", "", "12.345", "1e3", "7"])
        if rng.random() < 0.05:
            amount = "12,000"  # rejected: its history is then unknown
        camp = rng.choice(camps + ["", "", sfid(rng, "701")])
        if camp and rng.random() < 0.3:
            camp = camp[:15]
        stage = spaced(rng, rng.choice(STD + OTHER + [""]))
        source = spaced(rng, rng.choice(["Web", "Partner", "", "(none)", "-x"]))
        orows.append([oid if rng.random() < 0.8 else oid[:15], "001", ts(rng, created),
                      "2025-03-01", str(closed).lower(), str(won).lower(), amount, stage,
                      source, camp, "true" if rng.random() < 0.05 else "false"])
        opps.append((oid, created))
    if opps and rng.random() < 0.3:  # a duplicate Id: the first row wins
        dup = list(orows[0])
        dup[5] = "true"
        orows.append(dup)
    write(os.path.join(crm, "Opportunity.csv"),
          ["Id", "AccountId", "CreatedDate", "CloseDate", "IsClosed", "IsWon", "Amount",
           "StageName", "LeadSource", "CampaignId", "IsDeleted"], orows)

    hrows, ids = [], []
    if rng.random() < 0.85:
        for oid, created in opps + [(sfid(rng, "006"), 0)]:
            t = created - rng.choice([0, 0, 0, 3600])
            for _ in range(rng.randint(0, 7)):
                hid = sfid(rng, "008")
                if ids and rng.random() < 0.05:
                    hid = rng.choice(ids)[:15]  # duplicate Id
                ids.append(hid)
                stage = spaced(rng, rng.choice(STD * 2 + OTHER + ["", "  "]))
                when = ts(rng, t) if rng.random() < 0.97 else ""  # CreatedDate empty
                hrows.append([hid, oid if rng.random() < 0.9 else oid[:15], when, stage,
                              "true" if rng.random() < 0.05 else "false"])
                t += rng.choice([0, 0, 1, 3600, 86400, 4320, 86400 * rng.randint(1, 30)])
        rng.shuffle(hrows)
        write(os.path.join(crm, "OpportunityHistory.csv"),
              ["Id", "OpportunityId", "CreatedDate", "StageName", "IsDeleted"], hrows)

    period = rng.choice(["day", "week", "month", "month", "quarter", "year"])
    fy = rng.choice([1, 1, 2, 4, 7, 12])
    offset = rng.choice(["+00:00", "+05:30", "-08:00"])
    with open(os.path.join(out, "pipeline.conf"), "w", encoding="utf-8") as f:
        f.write("[pipeline]\nperiod = %s\nfiscal_year_start_month = %d\nnaive_utc_offset = %s\n"
                "max_reject_ratio = 1\nexcel_bom = %s\nout_dir = out\n[input]\ncrm = crm\n"
                "[funnel]\nstages = %s\n" % (period, fy, offset, rng.choice(["false", "true"]),
                                            ", ".join(stages)))
    if rng.random() < 0.5:
        return "-", "-"
    a = rng.randrange(span) // 86400
    b = a + rng.randrange(120)
    d0 = dt.date(2024, 1, 1)
    return (d0 + dt.timedelta(days=a)).isoformat(), (d0 + dt.timedelta(days=b)).isoformat()


if __name__ == "__main__":
    sys.exit(main())
