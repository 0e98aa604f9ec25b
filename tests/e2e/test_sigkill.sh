#!/usr/bin/env bash
# SIGKILL at any moment of a run (CONTRACT.md §5.4, §8, §9 "Publishing"):
# on data large enough that each stage runs for a while (about 100,000
# generated Marketo activities), the driver is killed with SIGKILL
#   - a moment after it starts,
#   - while etl-normalize runs, and while etl-attribute runs,
#   - right after etl-attribute ends (the publish phase),
#   - at 15%, 40%, 65% and 90% of the time a good run takes,
# and single stages are killed while the driver lives. After every kill:
#   - out_dir holds the lock file, the published range and at most hidden
#     run folders of ours (.work-*, .stage-*, .old-*): no partial directory
#     under any other name;
#   - the published range is byte-identical to the one before, or (a kill
#     that landed after the atomic rename) is complete: the tables of a
#     good run of the new data and its manifest.json;
#   - a stage whose driver was killed dies too (PR_SET_PDEATHSIG).
# Then a normal run removes the leftovers and publishes.
. "$(dirname "$0")/lib.sh"

N_ACTIVITIES=${SIGKILL_ACTIVITIES:-100000}
OUT="$SCRATCH/out"

# --- data: the fixtures, then the fixtures plus many activities --------------
mkdir -p "$SCRATCH/small" "$SCRATCH/big" "$SCRATCH/ref"
cp "$FIXTURES"/*.csv "$FIXTURES"/*.gz "$FIXTURES"/*.zip "$SCRATCH/small/"
cp "$SCRATCH/small"/* "$SCRATCH/big/"
conf() { # conf DIR OUTDIR
  sed -e "s|^out_dir *=.*|out_dir = $2|" -e 's|= *fixtures/|= |' \
    "$ATTR_SOURCE_DIR/pipeline.conf" >"$1/pipeline.conf"
}
conf "$SCRATCH/small" "$OUT"
conf "$SCRATCH/big" "$OUT"

# Activities of the Marketo leads the fixtures keep (the rejected ones are
# left out so that the reject ratio holds), web visits with UTMs spread over
# 2024-2025, one a line, deterministic.
grep '^marketo_leads.csv.gz,.*,error,' "$FIXTURES/expected/rejects.csv" | cut -d, -f4 >"$SCRATCH/bad_leads"
gzip -dc "$FIXTURES/marketo_leads.csv.gz" | awk -F, 'NR > 1 { print $1 }' |
  grep -vxFf "$SCRATCH/bad_leads" | sort -u >"$SCRATCH/lead_ids"
[ "$(wc -l <"$SCRATCH/lead_ids")" -gt 50 ] || fail "too few Marketo lead ids"
{
  gzip -dc "$FIXTURES/marketo_activities.csv.gz"
  awk -v N="$N_ACTIVITIES" '
    { ids[n++] = $1 }
    END {
      split("google,bing,facebook,linkedin,newsletter", src, ",")
      split("cpc,email,paid-social,organic,display", med, ",")
      for (i = 0; i < N; i++) {
        d = int(i * 500 / N)
        printf "%d,%s,%04d-%02d-%02dT%02d:%02d:%02dZ,1,,,,\"{\"\"Query Parameters\"\": \"\"utm_source=%s&utm_medium=%s&utm_campaign=c%d\"\", \"\"Webpage URL\"\": \"\"www.example.com/p\"\"}\"\r\n",
          900000000 + i, ids[i % n], 2024 + int(d / 360), 1 + int(d / 30) % 12, 1 + d % 28,
          i % 24, i % 60, (i * 7) % 60, src[1 + i % 5], med[1 + int(i / 5) % 5], i % 40
      }
    }' "$SCRATCH/lead_ids"
} | gzip -n -1 >"$SCRATCH/big/marketo_activities.csv.gz"

# --- helpers --------------------------------------------------------------------

listing_ok() { # every entry of out_dir is .lock, RANGE or a hidden run folder
  local e
  while IFS= read -r e; do
    case $e in
      .lock | "$range") ;;
      .work-* | .stage-* | .old-*) ;;
      *) fail "$1: unexpected entry in out_dir: '$e'" ;;
    esac
  done < <(ls -A "$OUT")
}

# the tables but manifest.json and report.html, which hold the config's
# digest (the runs' configs differ by out_dir); those two are checked whole
tables_digest() { tree_digest "$1" | grep -v -e ' ./manifest.json$' -e ' ./report.html$'; }

# child_of PID: the first child pid of PID, or empty.
child_of() {
  local kids=''
  read -r kids _ 2>/dev/null <"/proc/$1/task/$1/children" || true
  echo "${kids%% *}"
}
comm_of() {
  local c=''
  read -r c 2>/dev/null <"/proc/$1/comm" || true
  echo "$c"
}

# Waits (up to 30 s) until PID's child runs program $2; prints the child pid.
wait_stage() {
  local pid=$1 want=$2 kid i
  for ((i = 0; i < 3000; i++)); do
    kid=$(child_of "$pid")
    if [ -n "$kid" ] && [ "$(comm_of "$kid")" = "$want" ]; then
      echo "$kid"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.01
  done
  return 1
}

gone_within() { # gone_within PID SECONDS
  local i
  for ((i = 0; i < $2 * 20; i++)); do
    [ -d "/proc/$1" ] || return 0
    [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ] || return 0
    sleep 0.05
  done
  return 1
}

# The driver runs under a small perl wrapper that writes its pid and its
# real wait status ("exit N" / "signal N"), so that the shell never reports
# the killed job and a crash never passes for an expected status.
cat >"$SCRATCH/wrap.pl" <<'EOF_PL'
use strict;
my ($sf, $pf) = (shift, shift);
my $pid = fork;
die "fork: $!" unless defined $pid;
if ($pid == 0) { exec { $ARGV[0] } @ARGV; print STDERR "exec $ARGV[0]: $!\n"; exit 127; }
open my $p, ">", "$pf.tmp" or die; print $p "$pid\n"; close $p; rename "$pf.tmp", $pf;
waitpid($pid, 0);
my $s = $?;
open my $h, ">", $sf or die "$sf: $!";
print $h (($s & 127) ? "signal " . ($s & 127) : "exit " . ($s >> 8)), "\n";
close $h;
EOF_PL

start_big() { # starts a run of the big data in the background; sets run_pid
  rm -f "$SCRATCH/run.pid" "$SCRATCH/run.status"
  (cd "$SCRATCH/big" && exec perl "$SCRATCH/wrap.pl" "$SCRATCH/run.status" "$SCRATCH/run.pid" \
    "$ETL" run -c pipeline.conf --as-of "$AS_OF") >"$SCRATCH/kill.out" 2>"$SCRATCH/kill.err" </dev/null &
  wrapper=$!
  local i
  for ((i = 0; i < 1000; i++)); do
    [ -s "$SCRATCH/run.pid" ] && break
    sleep 0.01
  done
  run_pid=$(cat "$SCRATCH/run.pid") || fail "the driver did not start"
}

reap() { # waits for the wrapper; sets status ("exit N" / "signal N")
  wait "$wrapper" || fail "the wrapper failed"
  status=$(cat "$SCRATCH/run.status")
}

finish_kill() { # finish_kill LABEL: reaps the killed driver, checks out_dir
  local label=$1
  reap
  if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$SCRATCH/kill.err"; then
    fail "$label: sanitizer report: $(cat "$SCRATCH/kill.err")"
  fi
  listing_ok "$label"
  local now
  now=$(tree_digest "$OUT/$range")
  if [ "$now" = "$snapshot" ]; then
    state=old
  elif [ "$(tables_digest "$OUT/$range")" = "$new_tables" ] && [ -s "$OUT/$range/manifest.json" ] &&
    [ "$(tail -c 2 "$OUT/$range/manifest.json")" = "}" ] &&
    [ "$(tail -c 8 "$OUT/$range/report.html")" = "</html>" ]; then
    state=new
  else
    fail "$label: the published range is neither the old one nor a complete new one"
  fi
  [ "$state" = old ] || snapshot=$now # the next kills must leave this one
  echo "sigkill: $label: driver $status, published range $state, leftovers: $(cd "$OUT" && ls -A | grep -c '^\.\(work\|stage\|old\)-' || true)"
}

# --- the reference: what a good run of the big data publishes, and how long
# it takes (the kills at fixed moments are spread over that time) -------------
conf "$SCRATCH/big" "$SCRATCH/ref/out"
t0=$(date +%s%N)
(cd "$SCRATCH/big" && "$ETL" run -c pipeline.conf --as-of "$AS_OF" --quiet) >/dev/null 2>"$SCRATCH/ref.err" ||
  { cat "$SCRATCH/ref.err" >&2; fail "the reference run of the big data failed"; }
run_ms=$((($(date +%s%N) - t0) / 1000000))
[ "$run_ms" -ge 300 ] || fail "the big run takes only $run_ms ms: too short for this test (raise SIGKILL_ACTIVITIES)"
secs() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); } # secs MS
inside=$(secs $((run_ms / 20))) # a moment inside a stage (each takes about half the run)
range=$(ls "$SCRATCH/ref/out")
new_tables=$(tables_digest "$SCRATCH/ref/out/$range")
conf "$SCRATCH/big" "$OUT"

# --- the published range every kill must leave alone ---------------------------
(cd "$SCRATCH/small" && "$ETL" run -c pipeline.conf --as-of "$AS_OF" --quiet) >/dev/null 2>"$SCRATCH/small.err" ||
  fail "the good run of the fixtures failed"
[ -d "$OUT/$range" ] || fail "the fixtures publish another range than the big data: $(ls "$OUT")"
snapshot=$(tree_digest "$OUT/$range")
[ "$(tables_digest "$OUT/$range")" != "$new_tables" ] || fail "old and new tables are the same"

# 1. a moment after the start
start_big
sleep 0.05
kill -KILL "$run_pid"
finish_kill "driver at 0.05 s"
[ "$state" = old ] || fail "a kill at 0.05 s published"

# 2. in the middle of etl-normalize (and the stage must die with the driver)
start_big
stage=$(wait_stage "$run_pid" etl-normalize) || fail "etl-normalize never ran"
sleep "$inside"
[ -d "/proc/$stage" ] || fail "etl-normalize ended within $inside s: the data is too small for this test"
kill -KILL "$run_pid"
finish_kill "driver during etl-normalize"
[ "$state" = old ] || fail "a kill during etl-normalize published"
gone_within "$stage" 5 || fail "etl-normalize outlived its killed driver (no PR_SET_PDEATHSIG?)"

# 3. in the middle of etl-attribute
start_big
stage=$(wait_stage "$run_pid" etl-attribute) || fail "etl-attribute never ran"
sleep "$inside"
[ -d "/proc/$stage" ] || fail "etl-attribute ended within $inside s: the data is too small for this test"
kill -KILL "$run_pid"
finish_kill "driver during etl-attribute"
[ "$state" = old ] || fail "a kill during etl-attribute published"
gone_within "$stage" 5 || fail "etl-attribute outlived its killed driver"

# 4. the publish phase: as soon as etl-attribute has ended
start_big
wait_stage "$run_pid" etl-attribute >/dev/null || fail "etl-attribute never ran"
while [ -n "$(child_of "$run_pid")" ]; do :; done
kill -KILL "$run_pid" 2>/dev/null || true
finish_kill "driver in the publish phase"

# 5. a stage killed while the driver lives: the driver reports it, exit 137
for s in etl-normalize etl-attribute; do
  start_big
  stage=$(wait_stage "$run_pid" "$s") || fail "$s never ran"
  sleep "$inside"
  kill -KILL "$stage" || fail "$s ended within $inside s: the data is too small for this test"
  reap
  [ "$status" = "exit 137" ] || fail "$s killed: driver $status, want exit 137: $(cat "$SCRATCH/kill.err")"
  grep -q "stage $s died of signal 9" "$SCRATCH/kill.err" || fail "no message: $(cat "$SCRATCH/kill.err")"
  listing_ok "$s killed"
  [ "$(tree_digest "$OUT/$range")" = "$snapshot" ] || fail "$s killed: published range changed"
  if ls -A "$OUT" | grep -q '^\.\(work\|stage\)-'; then fail "$s killed: the driver left its run folders"; fi
  echo "sigkill: $s killed: exit 137, published range intact"
done

# 6. kills at fixed moments through the whole run: 15%, 40%, 65% and 90% of
# the reference run's time
for pct in 15 40 65 90; do
  t=$(secs $((run_ms * pct / 100)))
  start_big
  sleep "$t"
  kill -KILL "$run_pid" 2>/dev/null || true
  finish_kill "driver at $t s ($pct% of $run_ms ms)"
done

# --- the next run cleans up and publishes ----------------------------------------
(cd "$SCRATCH/big" && "$ETL" run -c pipeline.conf --as-of "$AS_OF") >"$SCRATCH/last.out" 2>"$SCRATCH/last.err" ||
  { cat "$SCRATCH/last.err" >&2; fail "the run after the kills failed"; }
if ls -A "$OUT" | grep -q '^\.\(work\|stage\|old\)-'; then fail "leftovers after a good run: $(ls -A "$OUT")"; fi
[ "$(ls -A "$OUT" | paste -sd' ' -)" = ".lock $range" ] || fail "out_dir: $(ls -A "$OUT")"
[ "$(tables_digest "$OUT/$range")" = "$new_tables" ] || fail "the final run published other tables"
echo "sigkill: all checks passed"
