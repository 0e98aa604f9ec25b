-- The reference computation for scripts/bench: first_touch, last_touch and
-- linear attribution by campaign and by channel per month, written for
-- DuckDB from the same exports the pipeline reads, so that the benchmark
-- compares the same work and its tables can be checked against etl's.
--
-- It follows the contract (docs/tables.md, docs/inputs.md) for what the generated bench data contains
-- (scripts/bench.d/gen.c): USD only (no fx, no cost rows), 18-character ids,
-- UTC timestamps, no rejected rows. Channel rules and models mirror
-- bench.conf; change both together.
--
-- run_duckdb.mjs substitutes ${CRM_DIR} (the extracted CRM zip),
-- ${MA_ACTIVITIES}, ${MA_LEADS}, ${AS_OF} (epoch seconds) and
-- ${LOOKBACK_DAYS}, runs the statements in order, and writes the tables
-- out_campaign and out_channel (one formatted CSV line per row, in output
-- order) to attribution_by_campaign.csv and attribution_by_channel.csv.

-- ---------------------------------------------------------------- helpers
CREATE OR REPLACE TEMP MACRO nz(x) AS nullif(x, '');
CREATE OR REPLACE TEMP MACRO is_true(x) AS lower(coalesce(x, '')) IN ('true', '1');
-- UTC seconds of "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS[.fff][Z]".
CREATE OR REPLACE TEMP MACRO ts(x) AS
  CAST(epoch(CAST(replace(substr(x, 1, 19), 'T', ' ') AS TIMESTAMP)) AS BIGINT);
CREATE OR REPLACE TEMP MACRO cents(x) AS
  CAST(CAST(coalesce(nz(x), '0') AS DECIMAL(38, 2)) * 100 AS BIGINT);
CREATE OR REPLACE TEMP MACRO email_norm(x) AS
  CASE WHEN regexp_full_match(lower(trim(x)), '[^@]+@[^@]*\.[^@]*') THEN lower(trim(x)) END;
-- contract §3.2 campaign key: lower case, runs of other bytes -> '-'.
CREATE OR REPLACE TEMP MACRO ckey(x) AS
  trim(regexp_replace(lower(x), '[^a-z0-9]+', '-', 'g'), '-');
-- Form-decoding of a query parameter value.
CREATE OR REPLACE TEMP MACRO form_decode(x) AS url_decode(replace(x, '+', ' '));
CREATE OR REPLACE TEMP MACRO month_of_day(d) AS CAST(date_trunc('month', d) AS DATE);
CREATE OR REPLACE TEMP MACRO day_of_ts(t) AS CAST(DATE '1970-01-01' + CAST(t // 86400 AS INTEGER) AS DATE);

-- The channel rules of bench.conf, in file order; no match: Other.
CREATE OR REPLACE TEMP MACRO channel(med, ctype, kind) AS CASE
  WHEN regexp_matches(coalesce(med, ''), '^(cpc|ppc|paid[-_ ]?search)$', 'i') THEN 'Paid Search'
  WHEN regexp_matches(coalesce(ctype, ''), '^(paid search|search ads)$', 'i') THEN 'Paid Search'
  WHEN regexp_matches(coalesce(med, ''), '^(paid[-_ ]?social|social[-_ ]?paid)$', 'i') THEN 'Paid Social'
  WHEN regexp_matches(coalesce(med, ''), '^(display|banner|cpm)$', 'i') THEN 'Display'
  WHEN regexp_matches(coalesce(ctype, ''), '^display$', 'i') THEN 'Display'
  WHEN regexp_matches(coalesce(kind, ''), '^email_click$', 'i') THEN 'Email'
  WHEN regexp_matches(coalesce(med, ''), '^e-?mail$', 'i') THEN 'Email'
  WHEN regexp_matches(coalesce(ctype, ''), '^(e-?mail|newsletter)$', 'i') THEN 'Email'
  WHEN regexp_matches(coalesce(ctype, ''), '^(event|trade ?show|conference|webinar)$', 'i') THEN 'Events'
  WHEN regexp_matches(coalesce(med, ''), '^social$', 'i') THEN 'Organic Social'
  WHEN regexp_matches(coalesce(med, ''), '^(organic|seo)$', 'i') THEN 'Organic Search'
  WHEN regexp_matches(coalesce(med, ''), '^(referral|partner)$', 'i') THEN 'Referral'
  WHEN regexp_matches(coalesce(ctype, ''), '^(partners?|referral program)$', 'i') THEN 'Partner'
  WHEN regexp_matches(coalesce(ctype, ''), 'syndication', 'i') THEN 'Content Syndication'
  WHEN regexp_matches(coalesce(kind, ''), '^(web_visit|form_fill)$', 'i') THEN 'Web'
  ELSE 'Other' END;

-- Output formatting (contract §5.5): cents, FIX18 sums to 6 decimals, roi,
-- the formula guard and CSV quoting of text cells.
CREATE OR REPLACE TEMP MACRO fmt_cents(c) AS
  CASE WHEN c < 0 THEN '-' ELSE '' END || CAST(abs(c) // 100 AS VARCHAR) || '.'
  || lpad(CAST(abs(c) % 100 AS VARCHAR), 2, '0');
CREATE OR REPLACE TEMP MACRO micro6(v) AS (CAST(v AS HUGEINT) + 500000000000) // 1000000000000;
CREATE OR REPLACE TEMP MACRO fmt_fix18(v) AS
  CAST(micro6(v) // 1000000 AS VARCHAR) || '.' || lpad(CAST(micro6(v) % 1000000 AS VARCHAR), 6, '0');
CREATE OR REPLACE TEMP MACRO roi_q(rev, cost) AS
  sign(CAST(rev AS HUGEINT) - cost) * sign(cost)
  * ((2 * abs((CAST(rev AS HUGEINT) - cost) * 10000) + abs(cost)) // (2 * abs(CAST(cost AS HUGEINT))));
CREATE OR REPLACE TEMP MACRO fmt_roi(rev, cost) AS CASE
  WHEN cost = 0 THEN ''
  ELSE CASE WHEN roi_q(rev, cost) < 0 THEN '-' ELSE '' END
       || CAST(abs(roi_q(rev, cost)) // 10000 AS VARCHAR) || '.'
       || lpad(CAST(abs(roi_q(rev, cost)) % 10000 AS VARCHAR), 4, '0') END;
CREATE OR REPLACE TEMP MACRO cell(x) AS CASE
  WHEN regexp_matches(
         CASE WHEN left(x, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || x ELSE x END,
         '[,"\r\n]')
  THEN '"' || replace(CASE WHEN left(x, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || x ELSE x END,
                      '"', '""') || '"'
  ELSE CASE WHEN left(x, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || x ELSE x END END;

-- ---------------------------------------------------------------- CRM
CREATE OR REPLACE TEMP TABLE campaign AS
SELECT "Id" AS id, "Name" AS name, "Type" AS type,
       CAST(nz("StartDate") AS DATE) AS start_date,
       CAST(nz("EndDate") AS DATE) AS end_date,
       cents("ActualCost") AS cost_cents
FROM read_csv('${CRM_DIR}/Campaign.csv', header = true, all_varchar = true, delim = ',',
              quote = '"', escape = '"')
WHERE NOT is_true("IsDeleted");

CREATE OR REPLACE TEMP TABLE contact AS
SELECT "Id" AS id, email_norm("Email") AS email, ts("CreatedDate") AS created
FROM read_csv('${CRM_DIR}/Contact.csv', header = true, all_varchar = true, delim = ',',
              quote = '"', escape = '"')
WHERE NOT is_true("IsDeleted");

-- Leads with their person: the converted contact when it is known.
CREATE OR REPLACE TEMP TABLE lead AS
SELECT l.id, l.email, l.created, l.conv_opp,
       CASE WHEN l.converted AND c.id IS NOT NULL THEN c.id ELSE l.id END AS person
FROM (SELECT "Id" AS id, email_norm("Email") AS email, ts("CreatedDate") AS created,
             is_true("IsConverted") AS converted, nz("ConvertedContactId") AS conv_contact,
             nz("ConvertedOpportunityId") AS conv_opp
      FROM read_csv('${CRM_DIR}/Lead.csv', header = true, all_varchar = true, delim = ',',
                    quote = '"', escape = '"')
      WHERE NOT is_true("IsDeleted")) l
LEFT JOIN contact c ON c.id = l.conv_contact;

CREATE OR REPLACE TEMP TABLE opp AS
SELECT "Id" AS id, ts("CreatedDate") AS created, CAST("CloseDate" AS DATE) AS close_date,
       is_true("IsClosed") AS closed, is_true("IsWon") AS won, cents("Amount") AS amount,
       ts("CreatedDate") - ${LOOKBACK_DAYS} * 86400 AS lo,
       least(CASE WHEN is_true("IsClosed") THEN ts("CloseDate") + 86399 ELSE ${AS_OF} END,
             ${AS_OF}) AS hi
FROM read_csv('${CRM_DIR}/Opportunity.csv', header = true, all_varchar = true, delim = ',',
              quote = '"', escape = '"')
WHERE NOT is_true("IsDeleted");

-- People linked to each opportunity: contact roles and converted leads.
CREATE OR REPLACE TEMP TABLE link AS
SELECT DISTINCT opp, person FROM (
  SELECT r."OpportunityId" AS opp, r."ContactId" AS person
  FROM read_csv('${CRM_DIR}/OpportunityContactRole.csv', header = true, all_varchar = true,
                delim = ',', quote = '"', escape = '"') r
  JOIN contact c ON c.id = r."ContactId"
  JOIN opp o ON o.id = r."OpportunityId"
  WHERE NOT is_true(r."IsDeleted")
  UNION ALL
  SELECT l.conv_opp, l.person FROM lead l JOIN opp o ON o.id = l.conv_opp);

-- ---------------------------------------------------------------- Marketo
-- Email -> person: contacts before leads, then CreatedDate, then Id.
CREATE OR REPLACE TEMP TABLE email_person AS
SELECT email, arg_min(person, {'is_lead': is_lead, 'created': created, 'id': id}) AS person
FROM (SELECT email, 0 AS is_lead, created, id, id AS person FROM contact WHERE email IS NOT NULL
      UNION ALL
      SELECT email, 1, created, id, person FROM lead WHERE email IS NOT NULL)
GROUP BY email;

CREATE OR REPLACE TEMP TABLE mlead AS
SELECT m.id, coalesce(c.id, l.person, e.person, 'mkto:' || m.id) AS person
FROM read_csv('${MA_LEADS}', header = true, all_varchar = true, delim = ',', quote = '"',
              escape = '"', nullstr = 'null') m
LEFT JOIN contact c ON c.id = m."sfdcContactId"
LEFT JOIN lead l ON l.id = m."sfdcLeadId"
LEFT JOIN email_person e ON e.email = email_norm(m.email);

CREATE OR REPLACE TEMP TABLE campaign_by_key AS
SELECT ckey(name) AS k, min(id) AS id FROM campaign WHERE ckey(name) <> '' GROUP BY 1;

-- ---------------------------------------------------------------- touches
CREATE OR REPLACE TEMP TABLE touch_raw AS
WITH a AS (
  SELECT "marketoGUID" AS guid, "leadId" AS lead_id, ts("activityDate") AS t,
         CASE "activityTypeId" WHEN '1' THEN 'web_visit' WHEN '2' THEN 'form_fill'
                               ELSE 'email_click' END AS kind,
         json_extract_string(attributes, ['$."Query Parameters"', '$."Webpage URL"']) AS qu
  FROM read_csv('${MA_ACTIVITIES}', header = true, all_varchar = true, delim = ',', quote = '"',
                escape = '"', nullstr = 'null')
  WHERE "activityTypeId" IN ('1', '2', '11')
), q AS (
  SELECT guid, lead_id, t, kind,
         coalesce(nz(qu[1]), regexp_extract(coalesce(qu[2], ''), '\?([^#]*)', 1)) AS qs0
  FROM a
), u AS (
  SELECT guid, lead_id, t, kind,
         form_decode(regexp_extract(qs, '(?:^|&)utm_source=([^&]*)', 1)) AS src,
         form_decode(regexp_extract(qs, '(?:^|&)utm_medium=([^&]*)', 1)) AS med,
         ckey(form_decode(regexp_extract(qs, '(?:^|&)utm_campaign=([^&]*)', 1))) AS camp_key
  FROM (SELECT *, CASE WHEN starts_with(qs0, '?') THEN substr(qs0, 2) ELSE qs0 END AS qs FROM q)
)
SELECT 'ma:' || u.guid AS touch_id, m.person, u.t, k.id AS campaign_id,
       channel(u.med, c.type, u.kind) AS channel
FROM u
JOIN mlead m ON m.id = u.lead_id
-- an empty key never matches: campaign_by_key has none
LEFT JOIN campaign_by_key k ON k.k = u.camp_key
LEFT JOIN campaign c ON c.id = k.id
WHERE u.kind <> 'web_visit' OR u.src <> '' OR u.med <> ''
UNION ALL
SELECT 'cm:' || cm."Id", coalesce(nz(cm."ContactId"), l.person),
       ts(coalesce(nz(cm."FirstRespondedDate"), cm."CreatedDate")), cm."CampaignId",
       channel(NULL, c.type, 'campaign_response')
FROM read_csv('${CRM_DIR}/CampaignMember.csv', header = true, all_varchar = true, delim = ',',
              quote = '"', escape = '"') cm
JOIN campaign c ON c.id = cm."CampaignId"
LEFT JOIN lead l ON l.id = cm."LeadId"
WHERE is_true(cm."HasResponded") AND NOT is_true(cm."IsDeleted");

-- One touch per (person, campaign, channel, time): the smallest touch_id.
CREATE OR REPLACE TEMP TABLE touch AS
SELECT min(touch_id) AS touch_id, person, campaign_id, channel, t
FROM touch_raw GROUP BY person, campaign_id, channel, t;

-- ---------------------------------------------------------------- range
-- Emitted periods end with the month of as_of; everything earlier is data.
CREATE OR REPLACE TEMP TABLE rng AS
SELECT last_day(day_of_ts(${AS_OF})) AS last_day;

-- Opportunities the tables cover: created, or won and closed, in range.
CREATE OR REPLACE TEMP TABLE cover AS
SELECT o.*, day_of_ts(o.created) <= r.last_day AS in_created,
       o.won AND o.close_date <= r.last_day AS in_won
FROM opp o, rng r
WHERE day_of_ts(o.created) <= r.last_day OR (o.won AND o.close_date <= r.last_day);

-- ---------------------------------------------------------------- credits
CREATE OR REPLACE TEMP TABLE elig AS
SELECT o.id AS opp, t.touch_id, t.t, t.campaign_id, t.channel,
       row_number() OVER (PARTITION BY o.id ORDER BY t.t, t.touch_id) AS rn,
       count(*) OVER (PARTITION BY o.id) AS k
FROM cover o
JOIN link l ON l.opp = o.id
JOIN touch t ON t.person = l.person
WHERE t.t BETWEEN o.lo AND o.hi;

CREATE OR REPLACE TEMP TABLE model AS
SELECT * FROM (VALUES (1, 'first_touch'), (2, 'last_touch'), (3, 'linear')) v(ord, name);

-- Weights in FIX18 units (floor(1e18 * w)) and largest-remainder cents:
-- linear gives floor(V/k) to each touch and one more cent to the first
-- V mod k touches (equal remainders tie to the earlier touch).
CREATE OR REPLACE TEMP TABLE credit AS
SELECT m.ord, e.opp, e.campaign_id, e.channel,
       CASE m.name WHEN 'linear' THEN 1000000000000000000 // e.k
                   ELSE 1000000000000000000 END AS w18,
       CASE m.name WHEN 'linear'
         THEN sign(o.amount) * (abs(o.amount) // e.k + CASE WHEN e.rn <= abs(o.amount) % e.k THEN 1 ELSE 0 END)
         ELSE o.amount END AS cents
FROM elig e
JOIN cover o ON o.id = e.opp
JOIN model m ON m.name = 'linear' OR (m.name = 'first_touch' AND e.rn = 1)
                OR (m.name = 'last_touch' AND e.rn = e.k);

CREATE OR REPLACE TEMP TABLE unattributed AS
SELECT o.* FROM cover o WHERE NOT EXISTS (SELECT 1 FROM elig e WHERE e.opp = o.id);

-- Per (model, month, group): opportunities and pipeline by CreatedDate,
-- won opportunities and revenue by CloseDate.
CREATE OR REPLACE TEMP TABLE model_sums AS
WITH c AS (
  SELECT c.ord, c.campaign_id, c.channel, c.w18, c.cents, o.created, o.close_date,
         o.in_created, o.in_won
  FROM credit c JOIN cover o ON o.id = c.opp
  UNION ALL
  SELECT m.ord, '(unattributed)', '(unattributed)', 1000000000000000000, o.amount, o.created,
         o.close_date, o.in_created, o.in_won
  FROM unattributed o, model m
), f AS (
  SELECT ord, campaign_id, channel, month_of_day(day_of_ts(created)) AS month,
         CAST(w18 AS HUGEINT) AS opps, cents AS pipeline, CAST(0 AS HUGEINT) AS won,
         0 AS revenue
  FROM c WHERE in_created
  UNION ALL
  SELECT ord, campaign_id, channel, month_of_day(close_date), 0, 0, w18, cents
  FROM c WHERE in_won
)
SELECT ord, 'campaign' AS dim, coalesce(campaign_id, '(none)') AS grp, month,
       sum(opps) AS opps, sum(pipeline) AS pipeline, sum(won) AS won, sum(revenue) AS revenue
FROM f GROUP BY ALL
UNION ALL
SELECT ord, 'channel', channel, month, sum(opps), sum(pipeline), sum(won), sum(revenue)
FROM f GROUP BY ALL;

-- Campaign cost spread over its days by month, largest remainder.
CREATE OR REPLACE TEMP TABLE cost AS
WITH c AS (
  SELECT id, channel(NULL, type, NULL) AS chan, cost_cents AS cents, start_date AS s,
         CASE WHEN end_date IS NULL OR end_date < start_date THEN start_date ELSE end_date END AS e
  FROM campaign WHERE start_date IS NOT NULL AND cost_cents <> 0
), p AS (
  SELECT c.*, ms AS month,
         least(e, last_day(ms)) - greatest(s, ms) + 1 AS days, e - s + 1 AS total
  FROM c, LATERAL (SELECT CAST(unnest(range(CAST(date_trunc('month', s) AS TIMESTAMP),
                                            CAST(e AS TIMESTAMP) + INTERVAL 1 DAY,
                                            INTERVAL 1 MONTH)) AS DATE) AS ms)
), f AS (
  SELECT *, abs(cents) * days // total AS fl, abs(cents) * days % total AS rem FROM p
), g AS (
  SELECT *, abs(cents) - sum(fl) OVER (PARTITION BY id) AS missing,
         row_number() OVER (PARTITION BY id ORDER BY rem DESC, month) AS rk
  FROM f
)
SELECT id, chan, month, sign(cents) * (fl + CASE WHEN rk <= missing THEN 1 ELSE 0 END) AS share
FROM g;

-- Model-independent sums: touches by their UTC date, cost.
CREATE OR REPLACE TEMP TABLE base_sums AS
WITH t AS (
  SELECT coalesce(campaign_id, '(none)') AS campaign_id, channel,
         month_of_day(day_of_ts(t)) AS month
  FROM touch, rng WHERE day_of_ts(t) <= rng.last_day
)
SELECT 'campaign' AS dim, grp, month, sum(touches) AS touches, sum(cost) AS cost FROM (
  SELECT campaign_id AS grp, month, 1 AS touches, 0 AS cost FROM t
  UNION ALL SELECT id, month, 0, share FROM cost, rng WHERE month <= rng.last_day)
GROUP BY ALL
UNION ALL
SELECT 'channel', grp, month, sum(touches), sum(cost) FROM (
  SELECT channel AS grp, month, 1 AS touches, 0 AS cost FROM t
  UNION ALL SELECT chan, month, 0, share FROM cost, rng WHERE month <= rng.last_day)
GROUP BY ALL;

-- ---------------------------------------------------------------- tables
CREATE OR REPLACE TEMP TABLE out_rows AS
WITH keys AS (
  SELECT m.ord, b.dim, b.grp, b.month FROM base_sums b, model m
  UNION
  SELECT ord, dim, grp, month FROM model_sums
)
SELECT k.ord, k.dim, k.grp, k.month,
       coalesce(b.touches, 0) AS touches, coalesce(s.opps, 0) AS opps,
       coalesce(s.pipeline, 0) AS pipeline, coalesce(s.won, 0) AS won,
       coalesce(s.revenue, 0) AS revenue, coalesce(b.cost, 0) AS cost
FROM keys k
LEFT JOIN base_sums b ON b.dim = k.dim AND b.grp = k.grp AND b.month = k.month
LEFT JOIN model_sums s ON s.ord = k.ord AND s.dim = k.dim AND s.grp = k.grp AND s.month = k.month;

CREATE OR REPLACE TEMP TABLE out_campaign AS
SELECT cell(strftime(r.month, '%Y-%m')) || ',' || strftime(r.month, '%Y-%m-%d') || ','
       || strftime(last_day(r.month), '%Y-%m-%d') || ',' || m.name || ',' || cell(r.grp) || ','
       || cell(coalesce(c.name, '')) || ',' || cell(coalesce(c.type, '')) || ','
       || CAST(r.touches AS VARCHAR) || ',' || fmt_fix18(r.opps) || ',' || fmt_cents(r.pipeline)
       || ',' || fmt_fix18(r.won) || ',' || fmt_cents(r.revenue) || ',' || fmt_cents(r.cost)
       || ',' || fmt_roi(r.revenue, r.cost) AS line, r.month, r.ord, r.grp
FROM out_rows r JOIN model m ON m.ord = r.ord
LEFT JOIN campaign c ON c.id = r.grp
WHERE r.dim = 'campaign'
  AND (r.touches <> 0 OR micro6(r.opps) <> 0 OR r.pipeline <> 0 OR micro6(r.won) <> 0
       OR r.revenue <> 0 OR r.cost <> 0);

CREATE OR REPLACE TEMP TABLE out_channel AS
SELECT cell(strftime(r.month, '%Y-%m')) || ',' || strftime(r.month, '%Y-%m-%d') || ','
       || strftime(last_day(r.month), '%Y-%m-%d') || ',' || m.name || ',' || cell(r.grp) || ','
       || CAST(r.touches AS VARCHAR) || ',' || fmt_fix18(r.opps) || ',' || fmt_cents(r.pipeline)
       || ',' || fmt_fix18(r.won) || ',' || fmt_cents(r.revenue) || ',' || fmt_cents(r.cost)
       || ',' || fmt_roi(r.revenue, r.cost) AS line, r.month, r.ord, r.grp
FROM out_rows r JOIN model m ON m.ord = r.ord
WHERE r.dim = 'channel'
  AND (r.touches <> 0 OR micro6(r.opps) <> 0 OR r.pipeline <> 0 OR micro6(r.won) <> 0
       OR r.revenue <> 0 OR r.cost <> 0);
