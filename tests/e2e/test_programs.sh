#!/usr/bin/env bash
# Every program answers like one program (etl/common/program.h): each etl*
# executable in the build folder (so a stage added later is covered without
# editing this file) prints its help to stdout with exit 0 and nothing on
# stderr, prints its version and the linked libraries' with exit 0 (etl-dump
# does not take --version for a file name), fails when its stdout cannot be
# written (`--version >/dev/full`), refuses an unknown option with exit 2
# and a pointer to --help, and parses counts the same way: " +3", "+3",
# "3 " and "0x3" are refused by every --jobs and --shards.
. "$(dirname "$0")/lib.sh"

version=$(sed -n 's/^project(attribution VERSION \([0-9.]*\).*/\1/p' "$ATTR_SOURCE_DIR/CMakeLists.txt")
[ -n "$version" ] || fail "no project version"
cd "$SCRATCH"

programs=()
for p in "$ATTR_BIN_DIR"/etl*; do [ -x "$p" ] && programs+=("$p"); done
names=$(for p in "${programs[@]}"; do basename "$p"; done | paste -sd' ' -)
for want in etl etl-split etl-normalize etl-partition etl-attribute etl-merge etl-dump; do
  [[ " $names " == *" $want "* ]] || fail "$want is not built (found: $names)"
done

for p in "${programs[@]}"; do
  name=$(basename "$p")
  expect_exit 0 "$p" --help
  head -n1 "$SCRATCH/last.out" | grep -q '^usage: ' || fail "$name --help: $(head -n2 "$SCRATCH/last.out")"
  grep -q '^Exit codes:' "$SCRATCH/last.out" || fail "$name --help lists no exit codes"
  grep -qE '^  5 +out of memory' "$SCRATCH/last.out" || fail "$name --help: no out-of-memory code"
  [ ! -s "$SCRATCH/last.err" ] || fail "$name --help wrote to stderr: $(cat "$SCRATCH/last.err")"

  for v in --version -V; do
    expect_exit 0 "$p" "$v"
    [ "$(head -n1 "$SCRATCH/last.out")" = "$name $version" ] || fail "$name $v: $(head -n1 "$SCRATCH/last.out")"
    for lib in '^zlib [0-9]+\.[0-9]+' '^libarchive [0-9]+\.[0-9]+\.[0-9]+' '^PCRE2 [0-9]+\.[0-9]+' \
               '^libcsv [0-9]+\.[0-9]+\.[0-9]+$'; do
      grep -qE "$lib" "$SCRATCH/last.out" || fail "$name $v lacks /$lib/"
    done
  done

  # stdout that cannot be written is an error, not a success
  set +e
  "$p" --version >/dev/full 2>"$SCRATCH/full.err"
  st=$?
  "$p" --help >/dev/full 2>/dev/null
  st_help=$?
  set -e
  [ "$st" -eq 3 ] || fail "$name --version >/dev/full: exit $st, want 3"
  [ "$st_help" -eq 3 ] || fail "$name --help >/dev/full: exit $st_help, want 3"
  grep -qE "^$name: [0-9T:Z-]{20} cannot write to standard output: No space left on device$" \
    "$SCRATCH/full.err" || fail "$name: $(cat "$SCRATCH/full.err")"

  expect_exit 2 "$p" --no-such-option
  grep -q "^$name: unknown option '--no-such-option'$" "$SCRATCH/last.err" || fail "$name: $(cat "$SCRATCH/last.err")"
  grep -qF "Try '$name --help' for more information." "$SCRATCH/last.err" || fail "$name: no --help hint"
done

# etl-dump reads the data set it is given, and only that
expect_exit 2 "$ATTR_BIN_DIR/etl-dump"
grep -q 'missing DATASET' "$SCRATCH/last.err" || fail "etl-dump without a data set: $(cat "$SCRATCH/last.err")"
expect_exit 1 "$ATTR_BIN_DIR/etl-dump" no-such-dataset.bin
grep -q 'no-such-dataset.bin' "$SCRATCH/last.err" || fail "etl-dump: $(cat "$SCRATCH/last.err")"

# one count parser: the same refusals everywhere
make_conf "$SCRATCH/counts"
cd "$SCRATCH/counts"
common=(-c pipeline.conf --dataset nowhere.bin --as-of "$AS_OF")
for bad in ' +3' '+3' '3 ' '0x3' '' '0'; do
  expect_exit 2 "$ETL" run --jobs "$bad"
  grep -q "expected a whole number from 1 to 256" "$SCRATCH/last.err" || fail "etl --jobs '$bad'"
  expect_exit 2 "$ETL" run --shards "$bad"
  expect_exit 2 "$ATTR_BIN_DIR/etl-attribute" "${common[@]}" --out o --jobs "$bad"
  grep -q "expected a whole number from 1 to 256" "$SCRATCH/last.err" || fail "etl-attribute --jobs '$bad'"
  expect_exit 2 "$ATTR_BIN_DIR/etl-merge" "${common[@]}" --partials p --out o --shards "$bad"
  grep -q "expected a whole number from 1 to 1000" "$SCRATCH/last.err" || fail "etl-merge --shards '$bad'"
done
# the largest --jobs is the same for etl and etl-attribute
expect_exit 2 "$ATTR_BIN_DIR/etl-attribute" "${common[@]}" --out o --jobs 257
# a good count gets past option parsing (the missing data set is the error)
expect_exit 1 "$ATTR_BIN_DIR/etl-attribute" "${common[@]}" --out o --jobs 256
grep -q 'nowhere.bin' "$SCRATCH/last.err" || fail "etl-attribute --jobs 256: $(cat "$SCRATCH/last.err")"

# `etl run` whose "published" line cannot be written: the tables are
# published, but the run says it failed
set +e
"$ETL" run -q --as-of "$AS_OF" >/dev/full 2>"$SCRATCH/full_run.err"
st=$?
set -e
[ "$st" -eq 3 ] || fail "etl run >/dev/full: exit $st, want 3: $(cat "$SCRATCH/full_run.err")"
echo "programs: ${#programs[@]} programs checked ($names)"
