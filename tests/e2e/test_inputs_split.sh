#!/usr/bin/env bash
# The fixtures' export as it arrives in pieces (fixtures/pipeline-split.conf:
# a CRM export in two archives matched by a pattern, monthly Marketo
# extracts in a directory, leads matched by a pattern) against the
# single-file export (pipeline.conf), contract §1.4 and §1.2:
#  - the data set and every published table are byte-identical to the
#    single-file run's (re-exported rows skipped, the true duplicate rejected);
#  - rejects.csv (per-file sources and line numbers) and inputs.tsv (per-file
#    counts, sizes, SHA-256) equal fixtures/expected-split/ (regenerate with
#    UPDATE_GOLDEN=1 ctest -R inputs_split, then review);
#  - the manifest: read = kept + rejected + deleted + skipped for every file,
#    each file's SHA-256 as sha256sum prints it (an archive entry: of its
#    content), the corporate currency;
#  - etl check lists what each pattern and directory matched and the
#    currencies of opportunities without an fx rate;
#  - pipeline-split.conf differs from pipeline.conf only in [input] and
#    out_dir (it is written from it by scripts/gen-fixtures).
. "$(dirname "$0")/lib.sh"
EXPECTED="$FIXTURES/expected-split"

# the single-file run
make_conf "$SCRATCH/one"
(cd "$SCRATCH/one" && mkdir work &&
  "$ATTR_BIN_DIR/etl-normalize" -c pipeline.conf --work work 2>normalize.log &&
  "$ATTR_BIN_DIR/etl-dump" work/dataset.bin >dataset.txt &&
  "$ETL" run -c pipeline.conf --as-of "$AS_OF" --quiet >run.out 2>run.err) ||
  fail "the single-file run failed: $(cat "$SCRATCH"/one/*.err "$SCRATCH"/one/*.log)"

# the split run: the config beside links to the split inputs
run=$SCRATCH/split
mkdir -p "$run/work"
for f in crm_split marketo_split fx_rates.csv costs.csv; do ln -s "$FIXTURES/$f" "$run/$f"; done
sed -e 's|^out_dir *=.*|out_dir = out|' "$FIXTURES/pipeline-split.conf" >"$run/pipeline.conf"
cd "$run"
"$ATTR_BIN_DIR/etl-normalize" -c pipeline.conf --work work 2>normalize.log ||
  fail "etl-normalize on the split export: $(cat normalize.log)"
"$ATTR_BIN_DIR/etl-dump" work/dataset.bin >dataset.txt
"$ETL" run -c pipeline.conf --as-of "$AS_OF" --quiet >run.out 2>run.err || fail "etl run: $(cat run.err)"
published=$(find out -mindepth 1 -maxdepth 1 -type d ! -name '.*')
one=$(find "$SCRATCH/one/out" -mindepth 1 -maxdepth 1 -type d ! -name '.*')
[ "$(basename "$published")" = "$(basename "$one")" ] || fail "range $published, single run $one"

# the same data set and tables as the single-file export (and its golden files)
cmp -s dataset.txt "$SCRATCH/one/dataset.txt" || {
  diff -u "$SCRATCH/one/dataset.txt" dataset.txt | head -20 >&2
  fail "the data set differs from the single-file export's"
}
cmp -s dataset.txt "$FIXTURES/expected/dataset.txt" || fail "dataset.txt differs from fixtures/expected"
ntables=0
for f in "$one"/*; do
  name=$(basename "$f")
  case $name in rejects.csv | manifest.json | report.html) continue ;; esac # they describe the inputs
  cmp -s "$f" "$published/$name" || fail "$name differs from the single-file export's"
  ntables=$((ntables + 1))
  if [ -f "$FIXTURES/expected/$name" ]; then
    cmp -s "$published/$name" "$FIXTURES/expected/$name" || fail "$name differs from fixtures/expected"
  fi
done
[ "$ntables" -ge 5 ] || fail "only $ntables tables compared"

# rejects and per-file counts against their golden files
compare() { # compare NAME ACTUAL_FILE
  if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
    mkdir -p "$EXPECTED"
    cp "$2" "$EXPECTED/$1"
    return
  fi
  [ -f "$EXPECTED/$1" ] || fail "missing golden file fixtures/expected-split/$1"
  cmp -s "$2" "$EXPECTED/$1" || {
    diff -u "$EXPECTED/$1" "$2" | head -40 >&2
    fail "$1 differs from fixtures/expected-split/$1"
  }
}
compare rejects.csv work/rejects.csv
compare inputs.tsv work/inputs.tsv
cmp -s work/rejects.csv "$published/rejects.csv" || fail "published rejects.csv differs from the stage's"
# what the split adds: the true duplicate, named by its extract and line
grep -qE '^activities_2024-07\.csv,[0-9]+,ma_activities,[0-9]+,marketoGUID,error,duplicate marketoGUID' \
  work/rejects.csv || fail "the true duplicate is not rejected"
skipped=$(awk -F'\t' '$9 == "ma_activities" { s += $7 } END { print s + 0 }' work/inputs.tsv)
[ "$skipped" -ge 10 ] || fail "only $skipped re-exported activities skipped"
[ "$(awk -F'\t' '$9 == "ma_leads" { s += $7 } END { print s + 0 }' work/inputs.tsv)" -ge 5 ] ||
  fail "no re-exported leads skipped"
# the same rows read from the one file and from the pieces, less the copies
single_read=$(awk -F'\t' '$9 == "ma_activities" { print $3 }' "$SCRATCH/one/work/inputs.tsv")
split_read=$(awk -F'\t' '$9 == "ma_activities" { s += $3 } END { print s }' work/inputs.tsv)
[ $((split_read - skipped)) -eq $((single_read + 2)) ] ||
  fail "activities: $split_read read, $skipped skipped; single file $single_read (+ a duplicate and a copy of a rejected row)"

# files read ahead on --jobs threads (25 monthly extracts, two archives):
# the same data set, rejects and per-file counts for any --jobs, and the
# same published tables through etl run
for j in 2 4 8; do
  mkdir -p "work-j$j"
  "$ATTR_BIN_DIR/etl-normalize" -c pipeline.conf --work "work-j$j" --jobs "$j" 2>"normalize-j$j.log" ||
    fail "etl-normalize --jobs $j: $(cat "normalize-j$j.log")"
  for f in dataset.bin rejects.csv inputs.tsv; do
    cmp -s "work/$f" "work-j$j/$f" || fail "etl-normalize --jobs $j: $f differs from --jobs 1"
  done
done
sed -e 's|^out_dir *=.*|out_dir = out-j4|' pipeline.conf >pipeline-j4.conf
"$ETL" run -c pipeline-j4.conf --as-of "$AS_OF" --jobs 4 --no-cache --quiet >run-j4.out 2>run-j4.err ||
  fail "etl run --jobs 4: $(cat run-j4.err)"
for f in "$published"/*; do
  name=$(basename "$f")
  # the manifest records seconds; the report the config's checksum (another out_dir here)
  case $name in manifest.json | report.html) continue ;; esac
  cmp -s "$f" "out-j4/$(basename "$published")/$name" || fail "etl run --jobs 4: $name differs"
done

# the manifest: counts add up, checksums are those of the files as stored
m=$published/manifest.json
grep -qx '  "currency": "USD",' "$m" || fail "manifest currency"
awk '/"rows_read"/ { r = $2 } /"rows_kept"/ { k = $2 } /"rows_rejected"/ { j = $2 }
     /"rows_deleted"/ { d = $2 } /"rows_skipped"/ { s = $2; n++; if (r + 0 != k + j + d + s) bad++ }
     END { if (bad || n < 30) exit 1 }' "$m" || fail "rows_read != kept + rejected + deleted + skipped"
sha_of() { grep -A9 "\"name\": \"$1\"" "$m" | sed -nE 's/^ *"sha256": "([0-9a-f]{64})"$/\1/p'; }
want=$(sha256sum marketo_split/activities/activities_2024-03.csv | cut -c1-64)
[ "$(sha_of activities_2024-03.csv)" = "$want" ] || fail "sha256 of activities_2024-03.csv"
want=$(sha256sum marketo_split/leads_2.csv.gz | cut -c1-64)
[ "$(sha_of leads_2.csv.gz)" = "$want" ] || fail "sha256 of leads_2.csv.gz (the file as stored)"
want=$("$ATTR_BIN_DIR/mkarchive" cat crm_split/WE_00D5g000001_2.ZIP export/Opportunity.csv | sha256sum | cut -c1-64)
[ "$(sha_of 'WE_00D5g000001_2.ZIP:export/Opportunity.csv')" = "$want" ] || fail "sha256 of an archive entry"
size=$("$ATTR_BIN_DIR/mkarchive" cat crm_split/WE_00D5g000001_2.ZIP export/Opportunity.csv | wc -c)
grep -A2 '"name": "WE_00D5g000001_2.ZIP:export/Opportunity.csv"' "$m" | grep -qx "      \"bytes\": $size," ||
  fail "bytes of an archive entry is not its own size ($size)"

# etl check: what each input matched, currencies without a rate
expect_exit 0 "$ETL" check -c pipeline.conf
out=$SCRATCH/last.out
grep -qx "crm: pattern $(pwd -P)/crm_split/WE_00D5g000001_\*.ZIP: 2 matches" "$out" || fail "check: crm line: $(cat "$out")"
grep -qx "  $(pwd -P)/crm_split/WE_00D5g000001_2.ZIP" "$out" || fail "check: second archive not listed"
grep -qx "ma_activities: directory $(pwd -P)/marketo_split/activities/: 25 matches" "$out" ||
  fail "check: activities line: $(cat "$out")"
[ "$(grep -c "^  $(pwd -P)/marketo_split/activities/activities_20..-..\.csv" "$out")" -eq 25 ] ||
  fail "check: not every extract listed"
grep -q '^warning: 1 opportunity in JPY has no fx rate (the first needs one on 2024-09-10, its CreatedDate: WE_00D5g000001_2.ZIP:export/Opportunity.csv line 22)' "$out" ||
  fail "check: no JPY warning: $(cat "$out")"
grep -q 'configuration and inputs look fine' "$out" || fail "check: no final line"

# pipeline-split.conf is pipeline.conf with another [input] and out_dir
strip() { sed -e '/^\[input\]/,/^costs *=/d' -e '/^out_dir *=/d' -e '1,/^\[pipeline\]/d' "$1"; }
diff <(strip "$ATTR_SOURCE_DIR/pipeline.conf") <(strip "$FIXTURES/pipeline-split.conf") >/dev/null ||
  fail "fixtures/pipeline-split.conf is out of date: rerun scripts/gen-fixtures"
echo "inputs split: same tables as the single-file export; $skipped re-exports skipped"
