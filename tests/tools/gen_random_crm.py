#!/usr/bin/env python3
"""Random CRM data for the data-driven models' end-to-end check.

    gen_random_crm.py SEED DIR

Writes DIR/crm/ (a Salesforce export as a directory: Campaign, Lead,
Contact, Opportunity, OpportunityContactRole, CampaignMember) and
DIR/pipeline.conf (channel rules on the campaign Type, models linear,
markov, shapley). The same SEED always gives the same files. The data is
small (a few hundred people) but every case of the journeys occurs: won,
lost and open opportunities, several contacts per deal, shared accounts,
leads that no deal links, touches before the lookback window and after
as_of (2025-06-30), deals closing after as_of, repeated channels.
Standard library only.
"""
import csv
import os
import random
import sys

TYPES = ["Webinar", "Email", "Paid Search", "Display", "Partner", "Content",
         "Social", "Referral", "Trade Show"]

CONF = """[pipeline]
currency = USD
period = {period}
models = linear, markov, shapley
lookback_days = {lookback}
account_based = {account_based}
max_reject_ratio = 0
out_dir = out

[input]
crm = crm

[channel "Events"]
campaign_type = ^(webinar|trade show)$
[channel "Email"]
campaign_type = ^email$
[channel "Paid Search"]
campaign_type = ^paid search$
[channel "Display"]
campaign_type = ^display$
[channel "Partner"]
campaign_type = ^partner$
[channel "Paid Social"]
campaign_type = ^social$
[channel "Referral"]
campaign_type = ^referral$
"""


def day(rng, start=(2023, 1, 1), span=900):
    import datetime
    d = datetime.date(*start) + datetime.timedelta(days=rng.randrange(span))
    return d


def stamp(rng, d):
    return "%sT%02d:%02d:%02dZ" % (d.isoformat(), rng.randrange(24), rng.randrange(60),
                                   rng.randrange(60))


def write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    seed, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(seed)
    crm = os.path.join(out, "crm")
    os.makedirs(crm, exist_ok=True)
    import datetime

    campaigns = [("CMP%03d" % i, "Campaign %d" % i, rng.choice(TYPES)) for i in range(30)]
    write(os.path.join(crm, "Campaign.csv"), ["Id", "Name", "Type"], campaigns)

    accounts = ["ACC%03d" % i for i in range(rng.randrange(20, 60))]
    contacts = []
    for i in range(rng.randrange(150, 300)):
        contacts.append(("CON%04d" % i, "c%d@example.com" % i, rng.choice(accounts),
                         stamp(rng, day(rng))))
    write(os.path.join(crm, "Contact.csv"), ["Id", "Email", "AccountId", "CreatedDate"], contacts)
    leads = [("LEA%04d" % i, "l%d@example.org" % i, stamp(rng, day(rng)))
             for i in range(rng.randrange(50, 200))]
    write(os.path.join(crm, "Lead.csv"), ["Id", "Email", "CreatedDate"], leads)

    opps, roles = [], []
    by_account = {}
    for c in contacts:
        by_account.setdefault(c[2], []).append(c[0])
    for i in range(rng.randrange(60, 160)):
        acct = rng.choice(accounts)
        created = day(rng, (2023, 6, 1), 760)
        close = created + datetime.timedelta(days=rng.randrange(5, 200))
        closed = rng.random() < 0.75
        won = closed and rng.random() < 0.5
        amount = "%d.%02d" % (rng.randrange(1000, 200000), rng.randrange(100))
        opps.append(("OPP%04d" % i, acct, stamp(rng, created), close.isoformat(),
                     "true" if closed else "false", "true" if won else "false", amount))
        people = by_account.get(acct) or [rng.choice(contacts)[0]]
        for p in rng.sample(people, min(len(people), rng.randrange(0, 4))):
            roles.append(("OCR%05d" % len(roles), "OPP%04d" % i, p))
    write(os.path.join(crm, "Opportunity.csv"),
          ["Id", "AccountId", "CreatedDate", "CloseDate", "IsClosed", "IsWon", "Amount"], opps)
    write(os.path.join(crm, "OpportunityContactRole.csv"),
          ["Id", "OpportunityId", "ContactId"], roles)

    members = []
    for i in range(rng.randrange(800, 2500)):
        camp = rng.choice(campaigns)[0]
        when = stamp(rng, day(rng, (2022, 9, 1), 1100))
        if rng.random() < 0.7:
            lead, contact = "", rng.choice(contacts)[0]
        else:
            lead, contact = rng.choice(leads)[0], ""
        members.append(("CM%05d" % i, camp, lead, contact, "true" if rng.random() < 0.85 else "false",
                        when))
        if rng.random() < 0.2:  # the same person again right after, same campaign type often
            members.append(("CM%05dB" % i, camp, lead, contact, "true", when[:11] + "23:59:59Z"))
    write(os.path.join(crm, "CampaignMember.csv"),
          ["Id", "CampaignId", "LeadId", "ContactId", "HasResponded", "CreatedDate"], members)

    with open(os.path.join(out, "pipeline.conf"), "w", encoding="utf-8") as f:
        f.write(CONF.format(period=rng.choice(["month", "quarter", "week"]),
                            lookback=rng.choice([30, 90, 365]),
                            account_based=rng.choice(["true", "false"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
