#!/usr/bin/env bash
# End-to-end tests of the driver `etl` (docs/operations.md, docs/architecture.md;
# contract §5.4 publishing, §8 exit codes) with fake stage programs that this script
# writes into its scratch folder and hands to etl through ETL_STAGE_DIR. The
# fakes log their command lines and can fail, die of SIGKILL or hang on
# request (FAKE_* variables), so every path of the driver is exercised
# without the real stages: success and replacement of a published range,
# failing and killed stages, SIGTERM to the driver, the lock on out_dir with
# and without --wait (and --wait=SECONDS), leftovers of killed runs, option
# and config errors, the `latest` link, the start and end lines, the rejects
# of a run that failed over the reject ratio kept in out/.failed (the newest
# 5), `etl check` (out_dir a file or not writable), --help and --version.
#
# Needs ATTR_BIN_DIR (the folder holding etl) and ATTR_SOURCE_DIR, as ctest
# sets them. Each command's real wait status is taken through a small perl
# wrapper, so a crash (a signal) never passes for an expected exit code. The
# scratch folder is kept, and named, when a check fails.
set -euo pipefail

bin=${ATTR_BIN_DIR:?ATTR_BIN_DIR must name the folder holding etl}
src=${ATTR_SOURCE_DIR:?ATTR_SOURCE_DIR must name the source tree}
etl=$bin/etl
[ -x "$etl" ] || { echo "test_driver: $etl is not an executable" >&2; exit 1; }

scratch=$(mktemp -d "${TMPDIR:-/tmp}/test_driver.XXXXXX")
finish() {
  local status=$?
  if [ "$status" -eq 0 ]; then
    rm -rf "$scratch"
  else
    echo "test_driver: FAILED (status $status); scratch folder kept: $scratch" >&2
  fi
}
trap finish EXIT

fail() {
  echo "test_driver: FAIL: $*" >&2
  exit 1
}

# --- helpers ----------------------------------------------------------------

wrap=$scratch/wait_status.pl
cat >"$wrap" <<'EOF'
# perl wait_status.pl STATUSFILE PIDFILE|- CMD ARGS...: runs CMD, writes its
# pid to PIDFILE and "exit N" or "signal N" to STATUSFILE.
use strict;
my ($sf, $pf) = (shift, shift);
my $pid = fork;
die "fork: $!" unless defined $pid;
if ($pid == 0) { exec { $ARGV[0] } @ARGV; print STDERR "exec $ARGV[0]: $!\n"; exit 127; }
if ($pf ne "-") { open my $p, ">", "$pf.tmp" or die; print $p "$pid\n"; close $p; rename "$pf.tmp", $pf; }
waitpid($pid, 0);
my $s = $?;
open my $h, ">", $sf or die "$sf: $!";
print $h (($s & 127) ? "signal " . ($s & 127) : "exit " . ($s >> 8)), "\n";
close $h;
EOF

# expect NAME "exit N" CMD...: runs CMD with stdout and stderr in
# $scratch/NAME.out and .err; fails unless its wait status is the one given.
expect() {
  local name=$1 want=$2
  shift 2
  perl "$wrap" "$scratch/$name.status" - "$@" >"$scratch/$name.out" 2>"$scratch/$name.err" </dev/null
  check_status "$name" "$want"
}

check_status() {
  local name=$1 want=$2 got
  got=$(cat "$scratch/$name.status")
  [ "$got" = "$want" ] || fail "$name: $got, want $want; stderr:
$(cat "$scratch/$name.err")"
  if grep -qE 'AddressSanitizer|LeakSanitizer|ThreadSanitizer|runtime error:' "$scratch/$name.err"; then
    fail "$name: sanitizer report in stderr: $(cat "$scratch/$name.err")"
  fi
}

# has NAME.out|NAME.err REGEX / lacks ...: grep -E on a captured stream.
has() {
  grep -qE -- "$2" "$scratch/$1" || fail "$1 lacks /$2/; it holds:
$(cat "$scratch/$1")"
}
lacks() {
  if grep -qE -- "$2" "$scratch/$1"; then
    fail "$1 should not match /$2/; it holds:
$(cat "$scratch/$1")"
  fi
}

# Entries of out/ apart from the lock file and the latest link, one a line.
listing() { (cd "$1" && ls -A | grep -vx -e '.lock' -e latest || true); }

no_run_folders() {
  local left
  left=$(cd "$1" && ls -A | grep -E '^\.(work|stage|old)-[0-9]+-[0-9a-f]{8}$' || true)
  [ -z "$left" ] || fail "run folders left in $1: $left"
}

# Waits up to 10 s for a file to appear.
wait_for() {
  local i
  for ((i = 0; i < 200; i++)); do
    [ -e "$1" ] && return 0
    sleep 0.05
  done
  fail "timed out waiting for $1"
}

# --- fake stages --------------------------------------------------------------

stages=$scratch/stages
mkdir "$stages"
cat >"$stages/etl-normalize" <<'EOF'
#!/usr/bin/env bash
# Fake etl-normalize: FAKE_NORMALIZE = ok | fail | kill | hang.
set -euo pipefail
printf '%s\n' "etl-normalize $*" >>"$FAKE_LOG"
conf= work= check=
while [ $# -gt 0 ]; do
  case $1 in
    -c) conf=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --check) check=1; shift ;;
    --jobs) shift 2 ;; # read-ahead threads (etl run --jobs N > 1)
    *) echo "fake etl-normalize: unexpected argument $1" >&2; exit 2 ;;
  esac
done
[ -f "$conf" ] || { echo "fake etl-normalize: no config $conf" >&2; exit 2; }
case ${FAKE_NORMALIZE:-ok} in
  fail) echo "etl-normalize: Lead: 4 of 61 rows rejected" >&2; exit 1 ;;
  ratio) printf 'source,line,entity,id,field,severity,reason\r\nLead.csv,%s,Lead,00Q1,Email,error,bad\r\n' "${FAKE_LINE:-3}" >"$work/rejects.csv"
         printf 'crm_export.zip:Lead.csv\t1234\t61\t57\t4\t0\t0\t-\tLead\n' >"$work/inputs.tsv"
         echo "etl-normalize: Lead: 4 of 61 rows rejected, more than max_reject_ratio" >&2; exit 1 ;;
  kill) kill -KILL $$ ;;
  hang) echo $$ >"$FAKE_DIR/normalize.pid.tmp"; mv "$FAKE_DIR/normalize.pid.tmp" "$FAKE_DIR/normalize.pid"
        exec sleep 30 ;;
esac
if [ -n "$check" ]; then
  echo "fake etl-normalize: check"
  exit "${FAKE_CHECK_STATUS:-0}"
fi
[ -d "$work" ] || { echo "fake etl-normalize: no work folder $work" >&2; exit 3; }
printf 'dataset %s\n' "${FAKE_TAG:-one}" >"$work/dataset.bin"
printf 'source,line,entity,id,field,severity,reason\r\nLead.csv,3,Lead,00Q1,Email,warning,"bad ""email"""\r\n' >"$work/rejects.csv"
printf 'crm_export.zip:Lead.csv\t1234\t61\t56\t3\t2\t0\t-\tLead\nmarketo_leads.csv.gz\t99\t10\t9\t0\t0\t1\t-\tma_leads\n' >"$work/inputs.tsv"
echo "etl-normalize: crm_export.zip:Lead.csv: 61 read, 58 kept, 3 rejected" >&2
EOF
cat >"$stages/etl-attribute" <<'EOF'
#!/usr/bin/env bash
# Fake etl-attribute: FAKE_ATTRIBUTE = ok | fail | badrange; FAKE_RANGE,
# FAKE_TAG change what it writes.
set -euo pipefail
printf '%s\n' "etl-attribute $*" >>"$FAKE_LOG"
out= dataset= range=
while [ $# -gt 0 ]; do
  case $1 in
    -c|--as-of|--from|--to|--jobs) shift 2 ;;
    --dataset) dataset=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --range-file) range=$2; shift 2 ;;
    *) echo "fake etl-attribute: unexpected argument $1" >&2; exit 2 ;;
  esac
done
[ -f "$dataset" ] || { echo "fake etl-attribute: no data set $dataset" >&2; exit 1; }
case ${FAKE_ATTRIBUTE:-ok} in
  fail) echo "etl-attribute: cannot write" >&2; exit 3 ;;
  badrange) FAKE_RANGE=../escape ;;
esac
tag=${FAKE_TAG:-one}
h='period,period_start,period_end,model,campaign_id,campaign_name'
printf '%s\r\n2024-01,2024-01-01,2024-01-31,linear,C1,"a,b %s"\r\n2024-01,2024-01-01,2024-01-31,linear,C2,"two\r\nlines"\r\n2024-02,2024-02-01,2024-02-29,linear,C1,x\r\n' "$h" "$tag" >"$out/attribution_by_campaign.csv"
printf 'period,model,channel\r\n2024-01,linear,Email\r\n2024-02,linear,Events\r\n' >"$out/attribution_by_channel.csv"
printf 'model,opportunity_id\r\nlinear,O1\r\nlinear,O2\r\nlinear,"O\r\n3"\r\nlinear,O4\r\n' | gzip -n >"$out/touch_credits.csv.gz"
printf 'model,opportunities\r\nlinear,%s\r\n' "$tag" >"$out/reconciliation.csv"
printf '%s\n' "${FAKE_RANGE:-2024-01-01_2024-12-31}" >"$range"
echo "etl-attribute: 1 models, 4 opportunities" >&2
EOF
cat >"$stages/etl-report" <<'EOF'
#!/usr/bin/env bash
# Fake etl-report: FAKE_REPORT = ok | fail. Writes report.html into --dir
# once the tables and a first manifest.json are there.
set -euo pipefail
printf '%s\n' "etl-report $*" >>"$FAKE_LOG"
dir= conf=
while [ $# -gt 0 ]; do
  case $1 in
    --dir) dir=$2; shift 2 ;;
    -c) conf=$2; shift 2 ;;
    *) echo "fake etl-report: unexpected argument $1" >&2; exit 2 ;;
  esac
done
[ -f "$conf" ] || { echo "fake etl-report: no config $conf" >&2; exit 2; }
for f in manifest.json reconciliation.csv rejects.csv; do
  [ -f "$dir/$f" ] || { echo "fake etl-report: no $f in $dir" >&2; exit 1; }
done
grep -q '"as_of"' "$dir/manifest.json" || { echo "fake etl-report: manifest without as_of" >&2; exit 1; }
if [ "${FAKE_REPORT:-ok}" = fail ]; then
  echo "etl-report: reconciliation.csv:2: bad" >&2
  exit 1
fi
printf '<!DOCTYPE html><title>%s</title>\n' "${FAKE_TAG:-one}" >"$dir/report.html"
EOF
chmod +x "$stages/etl-normalize" "$stages/etl-attribute" "$stages/etl-report"

export ETL_STAGE_DIR=$stages FAKE_DIR=$scratch FAKE_LOG=$scratch/stages.log
export ETL_DATASET_CACHE=off # the fake stages change their output by environment
: >"$FAKE_LOG"
unset FAKE_NORMALIZE FAKE_ATTRIBUTE FAKE_TAG FAKE_RANGE FAKE_CHECK_STATUS

proj=$scratch/proj
mkdir -p "$proj/crm"
cat >"$proj/pipeline.conf" <<'EOF'
[pipeline]
out_dir = out
[input]
crm = crm
EOF
cd "$proj"
range=2024-01-01_2024-12-31
ts_re='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z'

# --- help, version, usage -----------------------------------------------------

expect help "exit 0" "$etl" --help
has help.out '^usage: etl run'
has help.out 'etl check'
for code in 0 1 2 3 4 '128\+N'; do has help.out "^  $code +[A-Za-z]"; done
[ ! -s "$scratch/help.err" ] || fail "--help wrote to stderr"
expect run_help "exit 0" "$etl" run --help
has run_help.out 'Exit codes'

version=$(sed -n 's/^project(attribution VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
[ -n "$version" ] || fail "no project version in $src/CMakeLists.txt"
expect version "exit 0" "$etl" --version
[ "$(head -n1 "$scratch/version.out")" = "etl $version" ] || fail "version line: $(head -n1 "$scratch/version.out")"
has version.out '^zlib [0-9]+\.[0-9]+'
has version.out '^libarchive [0-9]+\.[0-9]+\.[0-9]+'
has version.out '^PCRE2 [0-9]+\.[0-9]+'
has version.out '^libcsv [0-9]+\.[0-9]+\.[0-9]+$'

expect no_command "exit 2" "$etl"
has no_command.err 'missing command'
expect bad_command "exit 2" "$etl" frobnicate
has bad_command.err "unknown command 'frobnicate'"
expect unknown_option "exit 2" "$etl" run --bogus
has unknown_option.err "unknown option '--bogus'"
expect unknown_short "exit 2" "$etl" run -x
has unknown_short.err "unknown option '-x'"
expect missing_value "exit 2" "$etl" run --jobs
has missing_value.err "'--jobs' needs a value"
expect extra_arg "exit 2" "$etl" run extra
has extra_arg.err "unexpected argument 'extra'"
for bad in 0 257 -1 4x '' 99999999999999999999999; do
  expect jobs_bad "exit 2" "$etl" run --jobs "$bad"
  has jobs_bad.err "--jobs '.*': expected a whole number from 1 to 256"
done
expect from_after_to "exit 2" "$etl" run --from 2024-03-01 --to 2024-02-29
has from_after_to.err '--from 2024-03-01 is after --to 2024-02-29'
expect bad_from "exit 2" "$etl" run --from 2024-02-30
has bad_from.err "--from '2024-02-30'"
expect bad_to "exit 2" "$etl" run --to 2024-01-01T00:00:00Z
has bad_to.err "--to '2024-01-01T00:00:00Z': not a date"
expect bad_as_of "exit 2" "$etl" run --as-of 2024-13-01
has bad_as_of.err "--as-of '2024-13-01'"
has bad_as_of.err "expected YYYY-MM-DD \(23:59:59 of that day\), or YYYY-MM-DDTHH:MM:SS"
has help.out "which means 23:59:59 of that day"
has help.out "counts up to 23:59:59 of that day"
has help.out "^  5 +out of memory"
for bad in ' +3' '+3' '3 ' x -1; do
  expect jobs_sign "exit 2" "$etl" run --jobs "$bad"
  expect wait_bad "exit 2" "$etl" run "--wait=$bad"
  has wait_bad.err "--wait='.*': expected seconds"
done
expect missing_config "exit 2" "$etl" run -c nowhere.conf
has missing_config.err 'nowhere.conf'
printf '[pipeline]\nperod = month\n' >"$scratch/typo.conf"
expect bad_config "exit 2" "$etl" run -c "$scratch/typo.conf"
has bad_config.err 'typo.conf:2'
[ ! -s "$FAKE_LOG" ] || fail "a stage ran despite a usage error: $(cat "$FAKE_LOG")"
[ ! -e out ] || fail "a usage error created out_dir"

# --- a successful run ---------------------------------------------------------

expect first "exit 0" "$etl" run --as-of 2025-01-15T10:00:00Z
[ "$(cat "$scratch/first.out")" = "etl: published 6 tables to out/$range" ] || fail "stdout: $(cat "$scratch/first.out")"
has first.err "^etl: $ts_re etl-normalize done in [0-9]+\.[0-9]{2} s$"
has first.err "^etl: $ts_re etl-attribute done in [0-9]+\.[0-9]{2} s$"
has first.err "^etl: $ts_re etl-report done in [0-9]+\.[0-9]{2} s$"
# one start line (version, config, as_of, range, inputs) and one end line
has first.err "^etl: $ts_re start: etl $version, config pipeline.conf, as_of 2025-01-15T10:00:00Z, range \*\.\.\*, out_dir out, inputs crm=crm$"
has first.err "^etl: $ts_re end: status ok, exit code 0, [0-9]+\.[0-9]{2} s$"
[ "$(grep -c ' start: ' "$scratch/first.err")" -eq 1 ] && [ "$(grep -c ' end: ' "$scratch/first.err")" -eq 1 ] ||
  fail "not one start and one end line: $(cat "$scratch/first.err")"
[ "$(tail -n1 "$scratch/first.err" | grep -c ' end: ')" -eq 1 ] || fail "the end line is not the last"
# every line of etl is time-stamped
lacks first.err "^etl: [^0-9]"
[ "$(readlink out/latest)" = "$range" ] || fail "latest -> $(readlink out/latest)"
has first.err '^etl-normalize: crm_export.zip:Lead.csv: 61 read' # stage stderr passes through
lacks first.err 'running'
pub=out/$range
for f in attribution_by_campaign.csv attribution_by_channel.csv touch_credits.csv.gz \
         reconciliation.csv rejects.csv report.html manifest.json; do
  [ -f "$pub/$f" ] || fail "missing $pub/$f"
done
cmp -s "$pub/rejects.csv" <(printf 'source,line,entity,id,field,severity,reason\r\nLead.csv,3,Lead,00Q1,Email,warning,"bad ""email"""\r\n') \
  || fail "rejects.csv not copied as written"
no_run_folders out
[ "$(listing out)" = "$range" ] || fail "out/ holds: $(listing out)"
work=$(sed -n 's/^etl-normalize -c pipeline.conf --work \(out\/\.work-[0-9]*-[0-9a-f]\{8\}\)$/\1/p' "$FAKE_LOG")
[ -n "$work" ] || fail "normalize argv: $(cat "$FAKE_LOG")"
stage_re="out/\.stage-[0-9]+-[0-9a-f]{8}"
grep -qxE "etl-attribute -c pipeline.conf --dataset $work/dataset.bin --as-of 2025-01-15T10:00:00Z --out $stage_re --range-file $work/range" "$FAKE_LOG" \
  || fail "attribute argv: $(cat "$FAKE_LOG")"
# the report runs last, on the stage folder, before the publish
grep -qxE "etl-report --dir $stage_re -c pipeline.conf" "$FAKE_LOG" || fail "report argv: $(cat "$FAKE_LOG")"
[ "$(tail -n 1 "$FAKE_LOG" | cut -d' ' -f1)" = etl-report ] || fail "etl-report did not run last: $(cat "$FAKE_LOG")"
grep -qx '<!DOCTYPE html><title>one</title>' "$pub/report.html" || fail "report.html not published"

# manifest.json: keys in order, values checked against the files themselves
m=$pub/manifest.json
keys=$(grep -oE '^  "[a-z_]+"' "$m" | tr -d ' "' | paste -sd, -)
[ "$keys" = "tool,version,config,as_of,currency,range,inputs,outputs,stages" ] || fail "manifest keys: $keys"
grep -qx '  "tool": "etl",' "$m" || fail "manifest tool"
grep -qx "  \"version\": \"$version\"," "$m" || fail "manifest version"
grep -qx '    "path": "pipeline.conf",' "$m" || fail "manifest config path"
grep -qx "    \"sha256\": \"$(sha256sum pipeline.conf | cut -c1-64)\"" "$m" || fail "manifest config sha256"
grep -qx '  "as_of": "2025-01-15T10:00:00Z",' "$m" || fail "manifest as_of"
grep -qx '  "currency": "USD",' "$m" || fail "manifest currency"
grep -qx '    "from": "2024-01-01",' "$m" || fail "manifest range from"
grep -qx '    "to": "2024-12-31"' "$m" || fail "manifest range to"
inputs=$(awk '/^  "inputs"/{on=1} /^  "outputs"/{on=0} on && /"(name|input|bytes|rows_[a-z]+|sha256)"/' "$m" \
         | sed -E 's/^ *"[a-z0-9_]+": "?([^",]*)"?,?$/\1/' | paste -sd' ' -)
[ "$inputs" = "crm_export.zip:Lead.csv Lead 1234 61 56 3 2 0 null marketo_leads.csv.gz ma_leads 99 10 9 0 0 1 null" ] ||
  fail "manifest inputs: $inputs"
outputs=$(awk '/^  "outputs"/{on=1} /^  "stages"/{on=0} on && /"(name|bytes|rows|sha256)"/' "$m" \
          | sed -E 's/^ *"[a-z0-9_]+": "?([^",]*)"?,?$/\1/' | paste -d' ' - - - -)
want=""
for f in attribution_by_campaign.csv:3 attribution_by_channel.csv:2 reconciliation.csv:1 \
         rejects.csv:1 report.html:0 touch_credits.csv.gz:4; do
  n=${f%%:*}
  want+="$n $(stat -c %s "$pub/$n") ${f##*:} $(sha256sum "$pub/$n" | cut -c1-64)"$'\n'
done
[ "$outputs" = "${want%$'\n'}" ] || fail "manifest outputs:
$outputs
want:
$want"
grep -qE '^      "name": "etl-normalize",$' "$m" || fail "manifest stages"
grep -qE '^      "seconds": [0-9]+\.[0-9]{3}$' "$m" || fail "manifest stage seconds"
lacks first.out 'manifest'

# default as_of: now in UTC, whole seconds; --jobs, --from, --to passed on
: >"$FAKE_LOG"
before=$(date -u +%s)
expect defaults "exit 0" "$etl" run --jobs 8 --from 2024-01-01 --to 2024-12-31
after=$(date -u +%s)
as_of=$(sed -n 's/^etl-attribute .* --as-of \([^ ]*\) .*/\1/p' "$FAKE_LOG")
[[ $as_of =~ ^$ts_re$ ]] || fail "default as_of '$as_of'"
t=$(date -u -d "$as_of" +%s)
[ "$t" -ge "$before" ] && [ "$t" -le "$after" ] || fail "default as_of $as_of not within the run"
grep -qE -- "--as-of $as_of --from 2024-01-01 --to 2024-12-31 --jobs 8 --out [^ ]+ --range-file" "$FAKE_LOG" \
  || fail "options not passed on: $(cat "$FAKE_LOG")"

# --quiet and --verbose
expect quiet "exit 0" "$etl" run -q --as-of 2025-01-15
lacks quiet.err '^etl: '
has quiet.out "^etl: published 6 tables to out/$range$"
grep -q -- '--as-of 2025-01-15 ' "$FAKE_LOG" || fail "--as-of not passed as given"
expect long_as_of "exit 0" "$etl" run -q --as-of 2025-01-15T10:00:00.123456789012+05:30
grep -q -- '--as-of 2025-01-15T10:00:00.123456789012+05:30 ' "$FAKE_LOG" || fail "long --as-of not passed as given"
expect verbose "exit 0" "$etl" run --verbose
has verbose.err "^etl: $ts_re running etl-normalize -c pipeline.conf --work out/\.work-"
has verbose.err "^etl: $ts_re running etl-attribute -c pipeline.conf "

# without ETL_STAGE_DIR, the stages are taken from etl's own folder
cp "$etl" "$stages/etl"
: >"$FAKE_LOG"
expect own_dir "exit 0" env -u ETL_STAGE_DIR "$stages/etl" run --verbose
has own_dir.err "running etl-normalize .*\($stages/etl-normalize\)$"
grep -q '^etl-attribute ' "$FAKE_LOG" || fail "stages not found beside etl"
rm "$stages/etl"

# --- replacing a published range ----------------------------------------------

expect second "exit 0" env FAKE_TAG=two "$etl" run --as-of 2025-01-16
grep -q 'a,b two' "$pub/attribution_by_campaign.csv" || fail "second run did not replace the tables"
grep -qx '  "as_of": "2025-01-16",' "$pub/manifest.json" || fail "second run did not replace the manifest"
no_run_folders out
[ "$(listing out)" = "$range" ] || fail "out/ after replacing: $(listing out)"

# another range is published beside the first
expect other_range "exit 0" env FAKE_RANGE=2023-01-01_2023-12-31 "$etl" run
[ "$(listing out | paste -sd' ' -)" = "2023-01-01_2023-12-31 $range" ] || fail "out/: $(listing out)"
# latest follows the last published folder, replaced by a rename (no leftover)
[ "$(readlink out/latest)" = 2023-01-01_2023-12-31 ] || fail "latest -> $(readlink out/latest)"
ls -A out | grep -q '^\.latest-' && fail "a temporary latest link was left"
expect back_range "exit 0" "$etl" run -q
[ "$(readlink out/latest)" = "$range" ] || fail "latest -> $(readlink out/latest)"

# --- failures leave the published tables alone ----------------------------------

cp -a out "$scratch/before"
unchanged() {
  diff -r "$scratch/before" out >/dev/null || fail "$1 changed out/: $(diff -r "$scratch/before" out | head)"
  [ "$(listing out)" = "$(listing "$scratch/before")" ] || fail "$1 changed the listing of out/"
  no_run_folders out
}

expect normalize_fails "exit 1" env FAKE_NORMALIZE=fail FAKE_TAG=three "$etl" run
has normalize_fails.err "^etl: $ts_re stage etl-normalize failed with exit status 1$"
has normalize_fails.err '^etl-normalize: Lead: 4 of 61 rows rejected'
has normalize_fails.err "^etl: $ts_re end: status failed, exit code 1, "
lacks normalize_fails.out 'published'
lacks normalize_fails.err 'kept in'
unchanged normalize_fails

expect normalize_killed "exit 137" env FAKE_NORMALIZE=kill FAKE_TAG=three "$etl" run
has normalize_killed.err "^etl: $ts_re stage etl-normalize died of signal 9"
unchanged normalize_killed

expect attribute_fails "exit 3" env FAKE_ATTRIBUTE=fail FAKE_TAG=three "$etl" run
has attribute_fails.err "^etl: $ts_re stage etl-attribute failed with exit status 3$"
unchanged attribute_fails

expect bad_range "exit 3" env FAKE_ATTRIBUTE=badrange FAKE_TAG=three "$etl" run
has bad_range.err "range '\.\./escape' is not of the form YYYY-MM-DD_YYYY-MM-DD"
unchanged bad_range

expect report_fails "exit 1" env FAKE_REPORT=fail FAKE_TAG=three "$etl" run
has report_fails.err "^etl: $ts_re stage etl-report failed with exit status 1$"
has report_fails.err '^etl-report: reconciliation.csv:2: bad'
lacks report_fails.out 'published'
unchanged report_fails
[ ! -e escape ] || fail "a bad range escaped out_dir"

expect no_stages "exit 2" env ETL_STAGE_DIR="$scratch/nowhere" "$etl" run
has no_stages.err "cannot run $scratch/nowhere/etl-normalize: No such file or directory"
unchanged no_stages

# SIGTERM to the driver while a stage runs: forwarded, cleaned up, 128+15
rm -f "$scratch/normalize.pid" "$scratch/term.pid"
FAKE_NORMALIZE=hang perl "$wrap" "$scratch/term.status" "$scratch/term.pid" "$etl" run \
  >"$scratch/term.out" 2>"$scratch/term.err" </dev/null &
wrapper=$!
wait_for "$scratch/normalize.pid"
wait_for "$scratch/term.pid"
SECONDS=0
kill -TERM "$(cat "$scratch/term.pid")"
wait "$wrapper"
[ "$SECONDS" -lt 10 ] || fail "the driver took $SECONDS s to stop after SIGTERM (not forwarded?)"
check_status term "exit 143"
has term.err "^etl: $ts_re interrupted by signal 15 \(.*\); nothing published$"
has term.err "^etl: $ts_re end: status interrupted, exit code 143, "
if kill -0 "$(cat "$scratch/normalize.pid")" 2>/dev/null; then fail "the stage outlived the driver"; fi
unchanged term

# --- a run that fails over the reject ratio keeps its rejects ----------------------

expect ratio "exit 1" env FAKE_NORMALIZE=ratio "$etl" run --as-of 2025-01-17
kept=$(sed -nE "s|^etl: $ts_re nothing published; the rejects of this run are kept in (out/\.failed/[0-9]{8}T[0-9]{6}Z(-[0-9]+)?)/rejects\.csv .*|\1|p" "$scratch/ratio.err")
[ -n "$kept" ] || fail "the kept rejects are not named: $(cat "$scratch/ratio.err")"
[ -f "$kept/rejects.csv" ] && [ -f "$kept/manifest.json" ] || fail "$kept lacks rejects.csv or manifest.json"
grep -q '^Lead.csv,3,Lead' "$kept/rejects.csv" || fail "not the run's rejects: $(cat "$kept/rejects.csv")"
grep -qx '  "as_of": "2025-01-17",' "$kept/manifest.json" || fail "failed manifest as_of"
grep -q '^  "failure": "etl-normalize rejected more rows than max_reject_ratio' "$kept/manifest.json" ||
  fail "failed manifest reason: $(cat "$kept/manifest.json")"
grep -q '"rows_rejected": 4' "$kept/manifest.json" || fail "failed manifest inputs"
grep -q '"name": "rejects.csv"' "$kept/manifest.json" || fail "failed manifest outputs"
[ "$(listing out | grep -vx .failed)" = "$(listing "$scratch/before")" ] || fail "a failed run changed the published folders"
[ "$(readlink out/latest)" = "$range" ] || fail "a failed run moved latest"
# bounded: the newest 5 are kept
for i in 1 2 3 4 5 6; do
  expect "ratio$i" "exit 1" env FAKE_NORMALIZE=ratio FAKE_LINE=$((10 + i)) "$etl" run -q
done
[ "$(ls out/.failed | wc -l)" -eq 5 ] || fail "out/.failed holds: $(ls -A out/.failed)"
newest=$(ls out/.failed | tail -n1)
grep -q '^Lead.csv,16,Lead' "out/.failed/$newest/rejects.csv" || fail "the newest is not the last run's"
grep -q '^Lead.csv,3,Lead' out/.failed/*/rejects.csv && fail "the oldest failed run was not dropped"
ls -A out/.failed | grep -q '^\.' && fail "a temporary entry was left in out/.failed"
rm -rf out/.failed

# --- leftovers of killed runs ---------------------------------------------------

mkdir -p out/.work-12345-deadbeef/sub out/.stage-1-0badf00d
echo x >out/.work-12345-deadbeef/sub/dataset.bin
echo x >out/.old-7-12345678
mkdir -p "$scratch/outside" && echo keep >"$scratch/outside/file"
ln -s "$scratch/outside" out/.stage-1-0badf00d/link
mkdir out/.work-notours out/.stage-1-XYZ
expect leftovers "exit 0" "$etl" run
has leftovers.err "removed 3 leftover folders of killed runs in out"
no_run_folders out
[ -d out/.work-notours ] && [ -d out/.stage-1-XYZ ] || fail "removed a folder that is not ours"
[ -f "$scratch/outside/file" ] || fail "leftover removal followed a symlink"
rmdir out/.work-notours out/.stage-1-XYZ

# --- the lock -------------------------------------------------------------------

flock out/.lock sh -c 'touch "$1"; sleep 1.5; touch "$1.released"' sh "$scratch/held" &
holder=$!
wait_for "$scratch/held"
expect locked "exit 4" "$etl" run
has locked.err "^etl: $ts_re another run holds the lock on out$"
no_run_folders out
expect waited "exit 0" "$etl" run --wait --as-of 2025-02-01
has waited.err 'waiting for another run to release the lock on out'
[ -e "$scratch/held.released" ] || fail "etl --wait ran while the lock was held"
wait "$holder"
grep -qx '  "as_of": "2025-02-01",' "$pub/manifest.json" || fail "the waiting run did not publish"

# SIGTERM while waiting for the lock
rm -f "$scratch/held" "$scratch/lockterm.pid"
flock out/.lock sh -c 'echo $$ >"$1.pid"; touch "$1"; exec sleep 30' sh "$scratch/held" &
holder=$!
wait_for "$scratch/held"
perl "$wrap" "$scratch/lockterm.status" "$scratch/lockterm.pid" "$etl" run --wait \
  >"$scratch/lockterm.out" 2>"$scratch/lockterm.err" </dev/null &
wrapper=$!
wait_for "$scratch/lockterm.pid"
sleep 0.3
kill -TERM "$(cat "$scratch/lockterm.pid")"
wait "$wrapper"
check_status lockterm "exit 143"
has lockterm.err 'interrupted by signal 15'
kill -0 "$holder" 2>/dev/null || fail "etl --wait did not stop on SIGTERM before the lock was free"
# --wait=SECONDS gives up with exit 4 (the holder sleeps 30 s)
SECONDS=0
expect wait_timeout "exit 4" "$etl" run --wait=1
has wait_timeout.err "^etl: $ts_re gave up after waiting 1 s: another run still holds the lock on out$"
[ "$SECONDS" -lt 5 ] || fail "--wait=1 waited $SECONDS s"
kill -0 "$holder" 2>/dev/null || fail "the holder ended before --wait=1 gave up: the test proves nothing"
has wait_timeout.err "^etl: $ts_re end: status failed, exit code 4, "
kill "$(cat "$scratch/held.pid")"
wait "$holder" || true
no_run_folders out

# --- out_dir problems -------------------------------------------------------------

mkdir "$scratch/fileout" && cd "$scratch/fileout"
mkdir crm && : >out
printf '[pipeline]\nout_dir = out\n[input]\ncrm = crm\n' >pipeline.conf
expect out_is_file "exit 3" "$etl" run
has out_is_file.err "out_dir 'out' is not a directory"
printf '[pipeline]\nout_dir = out/sub\n[input]\ncrm = crm\n' >pipeline.conf
expect out_under_file "exit 3" "$etl" run
has out_under_file.err "cannot create out_dir 'out/sub'"
printf '[pipeline]\nout_dir = deep/er/out\n[input]\ncrm = crm\n' >pipeline.conf
expect out_created "exit 0" "$etl" run
[ -d "deep/er/out/$range" ] || fail "out_dir with missing parents not created"

# etl check says what etl run would say about out_dir, and changes nothing
printf '[pipeline]\nout_dir = out\n[input]\ncrm = crm\n' >pipeline.conf
: >"$FAKE_LOG"
expect check_out_is_file "exit 3" "$etl" check
has check_out_is_file.err "^etl: $ts_re out_dir 'out' is not a directory$"
printf '[pipeline]\nout_dir = out/sub\n[input]\ncrm = crm\n' >pipeline.conf
expect check_out_under_file "exit 3" "$etl" check
has check_out_under_file.err "cannot create out_dir 'out/sub': 'out' is not a directory"
[ ! -s "$FAKE_LOG" ] || fail "etl check ran the stage despite a bad out_dir"
mkdir ro && chmod 555 ro
printf '[pipeline]\nout_dir = ro\n[input]\ncrm = crm\n' >pipeline.conf
printf '[pipeline]\nout_dir = ro/new\n[input]\ncrm = crm\n' >new.conf
# root may write anywhere: as root, these run as nobody (util-linux setpriv)
as_user=()
if [ "$(id -u)" -eq 0 ]; then
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  chmod 755 "$scratch" "$scratch/fileout"
fi
expect check_out_readonly "exit 3" "${as_user[@]}" "$etl" check
has check_out_readonly.err "out_dir 'ro' is not writable: Permission denied"
expect check_out_uncreatable "exit 3" "${as_user[@]}" "$etl" check -c new.conf
has check_out_uncreatable.err "cannot create out_dir 'ro/new' in 'ro': Permission denied"
printf '[pipeline]\nout_dir = deep/er/new\n[input]\ncrm = crm\n' >pipeline.conf
expect check_out_creatable "exit 0" "$etl" check
[ ! -e deep/er/new ] || fail "etl check created out_dir"
cd "$proj"

# --- etl check --------------------------------------------------------------------

: >"$FAKE_LOG"
expect check_ok "exit 0" "$etl" check -c pipeline.conf
[ "$(cat "$FAKE_LOG")" = "etl-normalize -c pipeline.conf --check" ] || fail "check argv: $(cat "$FAKE_LOG")"
has check_ok.out 'fake etl-normalize: check'
expect check_fails "exit 1" env FAKE_CHECK_STATUS=1 "$etl" check
: >"$FAKE_LOG"
expect check_no_config "exit 2" "$etl" check -c nowhere.conf
[ ! -s "$FAKE_LOG" ] || fail "check ran the stage without a config"
expect check_bad_option "exit 2" "$etl" check --jobs 2
has check_bad_option.err "unknown option '--jobs'"
expect check_help "exit 0" "$etl" check --help
has check_help.out '^usage: etl run'

echo "test_driver: all checks passed"
