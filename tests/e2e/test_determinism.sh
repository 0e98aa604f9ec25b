#!/usr/bin/env bash
# Determinism (CONTRACT §5.5): two runs over the same inputs, config and
# as_of publish byte-identical tables, whatever --jobs is (also with the
# data-driven models and their model_fit.csv); and a rerun over a published
# range replaces it in place with identical content.
. "$(dirname "$0")/lib.sh"

digest_tables() { # digest_tables DIR: every table but the manifest (it records seconds)
  (cd "$1" && sha256sum attribution_by_campaign.csv attribution_by_channel.csv \
    touch_credits.csv.gz reconciliation.csv opportunities.csv funnel.csv rejects.csv report.html)
}

run_into() { # run_into NAME JOBS [PIPELINE_LINES...]
  make_conf "$SCRATCH/$1" "${@:3}"
  (cd "$SCRATCH/$1" && "$ETL" run -c pipeline.conf --as-of "$AS_OF" --jobs "$2" --quiet >/dev/null 2>err.log) ||
    { cat "$SCRATCH/$1/err.log" >&2; fail "$1: run failed"; }
  find "$SCRATCH/$1/out" -mindepth 1 -maxdepth 1 -type d ! -name '.*'
}

a=$(run_into a 1)
b=$(run_into b 1)
c=$(run_into c 2)
d=$(run_into d 4)
[ "$(basename "$a")" = "$(basename "$c")" ] || fail "range names differ: $a vs $c"
diff <(digest_tables "$a") <(digest_tables "$b") >/dev/null || fail "two --jobs 1 runs differ"
diff <(digest_tables "$a") <(digest_tables "$c") >/dev/null || fail "--jobs 1 and --jobs 2 differ"
diff <(digest_tables "$a") <(digest_tables "$d") >/dev/null || fail "--jobs 1 and --jobs 4 differ"

# the data-driven models, with model_fit.csv
dd="models = markov, linear, shapley, time_decay"
e=$(run_into e 1 "$dd")
f=$(run_into f 3 "$dd")
g=$(run_into g 1 "$dd")
for x in "$f" "$g"; do
  diff <(digest_tables "$e") <(digest_tables "$x") >/dev/null || fail "data-driven: tables differ ($x)"
  cmp -s "$e/model_fit.csv" "$x/model_fit.csv" || fail "data-driven: model_fit.csv differs ($x)"
done

# rerun into the same out_dir: replaced atomically, same bytes, no leftovers
before=$(digest_tables "$a")
(cd "$SCRATCH/a" && "$ETL" run -c pipeline.conf --as-of "$AS_OF" --jobs 2 --quiet >/dev/null 2>&1)
[ "$(digest_tables "$a")" = "$before" ] || fail "rerun changed the tables"
leftovers=$(find "$SCRATCH/a/out" -mindepth 1 -maxdepth 1 -name '.*' ! -name .lock)
[ -z "$leftovers" ] || fail "leftovers after rerun: $leftovers"
# the manifest lists the same checksums as the files
for f in attribution_by_campaign.csv touch_credits.csv.gz opportunities.csv funnel.csv rejects.csv; do
  sum=$(sha256sum "$a/$f" | cut -d' ' -f1)
  grep -q "$sum" "$a/manifest.json" || fail "manifest.json lacks the checksum of $f"
done
# the intermediate data set too, byte for byte (no uninitialized padding)
for i in 1 2; do
  mkdir -p "$SCRATCH/a/w$i"
  (cd "$SCRATCH/a" && "$ATTR_BIN_DIR/etl-normalize" -c pipeline.conf --work "w$i" 2>/dev/null)
done
cmp -s "$SCRATCH/a/w1/dataset.bin" "$SCRATCH/a/w2/dataset.bin" || fail "dataset.bin differs between two runs"
echo "deterministic across runs and --jobs 1/2/4"
