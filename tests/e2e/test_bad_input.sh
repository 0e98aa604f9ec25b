#!/usr/bin/env bash
# Bad-input suite (contract §8, §9 "File-level parsing"): every case of
# tests/bad-input/*.sh damages a copy of the fixtures or of pipeline.conf,
# runs `etl run` against an out_dir that already holds a published range,
# and asserts
#   - the exit code (a signal never passes for an expected failure, and a
#     run that hangs is killed after 60 s and fails the case),
#   - a fragment of the message on stderr (fixed string, grep -F),
#   - that the published directory is byte-identical afterwards, that
#     out_dir/latest still points at it, and that out_dir holds nothing else
#     (no partial or hidden run folder),
#   - that a run failed over the reject ratio (every case whose run made
#     out_dir/.failed; a case that sets KEEPS_REJECTS=1 must make it) exited
#     1 and named out_dir/.failed/<time>/, which holds the run's rejects.csv
#     and manifest.json (then removed, so that the next case starts from the
#     same out_dir),
#   - the case's own extra checks (verify).
# At the end a good run must succeed, leave no leftovers, and publish the
# same tables as the first one.
#
# A case file sets EXIT and MESSAGE and defines setup() (run in the case's
# folder, which holds pipeline.conf, in/ with copies of every input and crm/
# with the CRM entities taken out of fixtures/crm_export.zip). Optional:
# ARGS (extra `etl run` arguments), run_case() (replaces the run; it must
# leave the status in $STATUS), verify() (extra checks), OWN_OUT=1 (the case
# publishes into its own out_dir: for cases that succeed). Helpers (in
# bad_input_lib.sh):
# pack_crm, conf_pipeline, conf_append, conf_line, gz_edit, csv_edit, poke,
# cut_at.
# Only cases whose name matches $BAD_INPUT_ONLY (a grep -E pattern) run when
# it is set.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bad_input_lib.sh"
OUT="$SCRATCH/out"
BASE="$SCRATCH/base"

# --- the published directory every case must leave alone ----------------------

bad_input_base "$BASE" "$OUT"

good_run() { # good_run LABEL: a run of the intact inputs into $OUT
  (cd "$BASE" && "$ETL" run -c pipeline.conf --as-of "$AS_OF" --quiet) \
    >"$SCRATCH/$1.out" 2>"$SCRATCH/$1.err" || {
    cat "$SCRATCH/$1.err" >&2
    fail "$1: the good run failed"
  }
}
good_run first
published=$(cd "$OUT" && ls -A | grep -vx -e '.lock' -e latest)
[ "$(echo "$published" | wc -l)" -eq 1 ] || fail "expected one published range, got: $published"
snapshot=$(tree_digest "$OUT")
listing=$(ls -A "$OUT")
[ "$(readlink "$OUT/latest")" = "$published" ] || fail "latest -> $(readlink "$OUT/latest")"

# --- one case -----------------------------------------------------------------

default_run() {
  set +e
  # --jobs 2: the threaded paths too (the next files of an input read ahead)
  timeout -k 5 60 "$ETL" run -c pipeline.conf --as-of "$AS_OF" --jobs 2 "${ARGS[@]}" \
    >run.out 2>run.err </dev/null
  STATUS=$?
  set -e
}

# run_one CASEFILE: in a subshell; exit status 0 = passed.
run_one() {
  local file=$1 name
  name=$(basename "$file" .sh)
  local dir="$SCRATCH/cases/$name"
  mkdir -p "$dir"
  cp -r "$BASE/in" "$BASE/crm" "$BASE/pipeline.conf" "$dir/"
  cd "$dir"
  EXIT='' MESSAGE='' OWN_OUT=0 STATUS='' KEEPS_REJECTS=0
  ARGS=()
  run_case() { default_run; }
  verify() { :; }
  # shellcheck disable=SC1090
  . "$file"
  [ -n "$EXIT" ] || fail "$name: the case sets no EXIT"
  declare -F setup >/dev/null || fail "$name: the case defines no setup"
  if [ "$OWN_OUT" = 1 ]; then
    sed -i -e "s|^out_dir *=.*|out_dir = own_out|" pipeline.conf
  fi
  setup
  run_case
  [ -n "$STATUS" ] || fail "$name: no status"
  if [ "$STATUS" -ne "$EXIT" ]; then
    sed 's/^/    /' run.err >&2
    [ "$STATUS" -ne 124 ] || fail "$name: the run hung (killed after 60 s)"
    fail "$name: exit $STATUS, expected $EXIT"
  fi
  if [ "$STATUS" -gt 128 ] && [ "$EXIT" -le 128 ]; then fail "$name: died of a signal"; fi
  if grep -qE 'AddressSanitizer|LeakSanitizer|ThreadSanitizer|runtime error:' run.err; then
    sed 's/^/    /' run.err >&2
    fail "$name: sanitizer report"
  fi
  if [ -n "$MESSAGE" ] && ! grep -qF -- "$MESSAGE" run.err; then
    sed 's/^/    /' run.err >&2
    fail "$name: stderr lacks: $MESSAGE"
  fi
  [ "$KEEPS_REJECTS" = 0 ] || [ -d "$OUT/.failed" ] || fail "$name: the rejects were not kept"
  if [ -d "$OUT/.failed" ]; then
    local kept
    [ "$STATUS" -eq 1 ] || fail "$name: exit $STATUS, yet rejects were kept"
    [ "$(ls "$OUT/.failed" | wc -l)" -eq 1 ] || fail "$name: .failed holds $(ls -A "$OUT/.failed")"
    kept=$(sed -nE 's|.* the rejects of this run are kept in ([^ ]*/\.failed/[0-9]{8}T[0-9]{6}Z(-[0-9]+)?)/rejects\.csv .*|\1|p' run.err)
    [ -n "$kept" ] || fail "$name: the kept rejects are not named"
    [ "$(dirname "$kept")" = "$OUT/.failed" ] || fail "$name: kept in $kept"
    [ -s "$kept/rejects.csv" ] && [ -s "$kept/manifest.json" ] || fail "$name: $kept is incomplete"
    grep -q '"failure": ' "$kept/manifest.json" || fail "$name: the kept manifest does not say it failed"
    rm -rf "$OUT/.failed"
  fi
  [ "$(tree_digest "$OUT")" = "$snapshot" ] || fail "$name: the published directory changed"
  [ "$(readlink "$OUT/latest")" = "$published" ] || fail "$name: latest moved"
  [ "$(ls -A "$OUT")" = "$listing" ] || fail "$name: out_dir now holds: $(ls -A "$OUT" | tr '\n' ' ')"
  verify
}

ncases=0
failed=()
for file in "$CASES_DIR"/*.sh; do
  name=$(basename "$file" .sh)
  if [ -n "${BAD_INPUT_ONLY:-}" ] && ! echo "$name" | grep -qE -- "$BAD_INPUT_ONLY"; then
    continue
  fi
  ncases=$((ncases + 1))
  # not `if (run_one)`: errexit is off in a condition, even in a subshell
  set +e
  (
    set -e
    run_one "$file"
  )
  rc=$?
  set -e
  if [ "$rc" -eq 0 ]; then
    echo "ok   $name"
  else
    echo "FAIL $name" >&2
    failed+=("$name")
  fi
done
[ "$ncases" -gt 0 ] || fail "no case ran"
if [ ${#failed[@]} -gt 0 ]; then
  fail "${#failed[@]} of $ncases cases failed: ${failed[*]}"
fi
if [ -z "${BAD_INPUT_ONLY:-}" ] && [ "$ncases" -lt 30 ]; then
  fail "only $ncases cases in $CASES_DIR (at least 30 expected)"
fi

# --- afterwards: a good run cleans up and publishes the same tables -----------

good_run last
[ "$(ls -A "$OUT")" = "$listing" ] || fail "after the last run out_dir holds: $(ls -A "$OUT" | tr '\n' ' ')"
tables() { tree_digest "$OUT" | grep -v 'manifest.json$'; }
[ "$(tables)" = "$(echo "$snapshot" | grep -v 'manifest.json$')" ] || fail "the last good run published different tables"
echo "bad-input: $ncases cases passed"
