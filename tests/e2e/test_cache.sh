#!/usr/bin/env bash
# The data-set cache of `etl run` (etl/driver/dataset_cache.h) on copies of
# the fixtures. Every run's tables are compared with an uncached run of the
# same inputs and settings (ETL_DATASET_CACHE=off, in another out_dir):
#   - a cold run is a miss and stores out/.cache; the same run again, another
#     --from/--to, another --as-of, another model list are hits;
#   - one input byte changed in place (same size, same inode, new mtime), a
#     setting etl-normalize reads, --no-cache: misses;
#   - a damaged cache (a cached file that fails its checksum, a missing key)
#     is a miss and is rewritten;
#   - every state a crash can leave while the cache is written (a partial
#     .cache-new-*, a complete one beside the old cache, a .cache-old-*
#     after the swap) leads to a good run that removes the leftovers, and so
#     do real SIGKILLs of the driver while it writes the cache;
#   - with --shards the cache is used the same way.
. "$(dirname "$0")/lib.sh"
unset ETL_DATASET_CACHE

D=$SCRATCH/d
REF=$SCRATCH/ref
mkdir -p "$D" "$REF"
cp "$FIXTURES"/*.csv "$FIXTURES"/*.gz "$FIXTURES"/*.zip "$D/"
conf() { # conf DIR [extra pipeline lines...]
  local dir=$1
  shift
  sed -e "s|^out_dir *=.*|out_dir = out|" -e 's|= *fixtures/|= |' \
    "$ATTR_SOURCE_DIR/pipeline.conf" >"$dir/pipeline.conf"
  if [ $# -gt 0 ]; then
    printf '\n[pipeline]\n' >>"$dir/pipeline.conf"
    printf '%s\n' "$@" >>"$dir/pipeline.conf"
  fi
}
conf "$D"

# tables DIR RANGE: digest of the published tables (manifest.json aside).
tables() { tree_digest "$1/out/$2" | grep -v 'manifest.json$'; }
# state RANGE: the cache state etl-normalize's stage has in the manifest.
state() {
  awk '/"name": "etl-normalize"/ { on = 1 } on && /"cache"/ { gsub(/[",]/, "", $2); print $2; exit }' \
    "$D/out/$1/manifest.json"
}
published() { sed -n 's|^etl: published .* tables to out/||p' "$SCRATCH/last.out"; }

# check NAME WANT_STATE [etl run args...]: a run in $D with the cache, then
# the same run in $REF without it (same inputs and config); the tables must
# be byte-identical and the cache state as wanted.
check() {
  local name=$1 want=$2
  shift 2
  (cd "$D" && expect_exit 0 "$ETL" run -c pipeline.conf --as-of "$AS_OF" "$@")
  local range
  range=$(published)
  [ -n "$range" ] || fail "$name: nothing published"
  [ "$(state "$range")" = "$want" ] || fail "$name: cache state $(state "$range"), want $want"
  if [ "$want" = hit ]; then
    grep -q 'data-set cache hit' "$SCRATCH/last.err" || fail "$name: no hit in the log"
    grep -q '^etl-normalize: ' "$SCRATCH/last.err" && fail "$name: etl-normalize ran on a hit"
  else
    grep -q 'data-set cache miss' "$SCRATCH/last.err" || fail "$name: no miss in the log"
    grep -q '^etl-normalize: ' "$SCRATCH/last.err" || fail "$name: etl-normalize did not run on a miss"
  fi
  rm -rf "$REF"/*
  cp -p "$D"/*.csv "$D"/*.gz "$D"/*.zip "$D/pipeline.conf" "$REF/"
  (cd "$REF" && ETL_DATASET_CACHE=off expect_exit 0 "$ETL" run -c pipeline.conf --as-of "$AS_OF" "$@")
  [ ! -e "$REF/out/.cache" ] || fail "$name: ETL_DATASET_CACHE=off wrote a cache"
  [ "$(tables "$D" "$range")" = "$(tables "$REF" "$range")" ] || fail "$name: cached tables differ from uncached ones"
  [ -d "$D/out/.cache" ] || fail "$name: no cache after the run"
  if compgen -G "$D/out/.cache-*" >/dev/null; then fail "$name: leftovers: $(ls -a "$D/out")"; fi
  last_range=$range
}

check cold miss
first=$(tables "$D" "$last_range")
check same hit
[ "$(tables "$D" "$last_range")" = "$first" ] || fail "the hit changed the tables"
check range hit --from 2024-03-01 --to 2024-09-30
check as_of hit --as-of 2025-03-31T00:00:00Z
conf "$D" 'models = linear, first_touch'
check models hit
conf "$D" 'lookback_days = 90' 'half_life_days = 3' 'period = quarter'
check attribution_settings hit
check shards hit --shards 3 --jobs 2
conf "$D"
check back hit
before=$(tables "$D" "$last_range")

# one byte of costs.csv, in place: same size and inode, new mtime
f=$D/costs.csv
size=$(stat -c %s "$f") inode=$(stat -c %i "$f")
off=$(grep -bo '4120\.55' "$f" | head -1 | cut -d: -f1)
[ -n "$off" ] || fail "costs.csv lacks 4120.55"
touch -d '2020-01-01' "$f"
printf '9' | dd of="$f" bs=1 seek=$((off + 6)) conv=notrunc status=none
[ "$(stat -c %s "$f")" = "$size" ] && [ "$(stat -c %i "$f")" = "$inode" ] || fail "the edit changed size or inode"
check input_byte miss
[ "$(tables "$D" "$last_range")" != "$before" ] || fail "the changed cost did not change the tables (the check proves nothing)"
check input_byte_again hit

# a setting etl-normalize reads
conf "$D" 'crm_touches = all'
check normalize_setting miss
check normalize_setting_again hit
conf "$D"
check no_cache miss --no-cache
check after_no_cache hit

# a damaged cache is a miss, and is rewritten
printf 'x' | dd of="$D/out/.cache/dataset.bin" bs=1 seek=100 conv=notrunc status=none
check damaged_dataset miss
check repaired hit
rm "$D/out/.cache/key"
check missing_key miss
check rewritten hit

# --- crash states while the cache is written ---------------------------------
# A partial new cache and no cache (killed while filling .cache-new-*).
mv "$D/out/.cache" "$D/out/.cache-new-1-0000abcd"
rm "$D/out/.cache-new-1-0000abcd/key"
check partial_new miss
# A complete new cache beside the old one (killed just before the swap).
cp -a "$D/out/.cache" "$D/out/.cache-new-2-0000abcd"
check complete_new hit
# After the swap: the old cache under .cache-old-* (no exchange).
cp -a "$D/out/.cache" "$D/out/.cache-old-3-0000abcd"
check old_left hit

# Real SIGKILLs of the driver while it writes the cache: each attempt starts
# a cold run and kills it the moment a .cache-new-* folder shows.
caught=0
for attempt in $(seq 1 15); do
  rm -rf "$D/out/.cache"
  (cd "$D" && exec "$ETL" run -c pipeline.conf --as-of "$AS_OF" --quiet >/dev/null 2>&1) &
  pid=$!
  while kill -0 "$pid" 2>/dev/null && ! compgen -G "$D/out/.cache-new-*" >/dev/null; do :; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if compgen -G "$D/out/.cache-new-*" >/dev/null; then caught=$((caught + 1)); fi
  # whatever the moment, the next run is good: a hit when the new cache was
  # already in place, else a miss
  want=miss
  [ -d "$D/out/.cache" ] && want=hit
  check "killed_$attempt" "$want"

done
echo "cache: $caught of 15 SIGKILLs landed while the cache was written"
check after_kills hit
echo "cache: hits, misses, damage and crash states all checked"

# An input named by a glob: a new file that the pattern matches must force a
# fresh normalize (the key holds every match, not the pattern's own stat).
sed -i 's|^ma_activities *=.*|ma_activities = marketo_activities*.csv.gz|' "$D/pipeline.conf"
(cd "$D" && expect_exit 0 "$ETL" run -c pipeline.conf --as-of "$AS_OF")
(cd "$D" && expect_exit 0 "$ETL" run -c pipeline.conf --as-of "$AS_OF")
[ "$(state "$(published)")" = hit ] || fail "glob: unchanged matches missed the cache"
gzip -dc "$D/marketo_activities.csv.gz" | sed -n 1p | gzip -n >"$D/marketo_activities_more.csv.gz"
(cd "$D" && expect_exit 0 "$ETL" run -c pipeline.conf --as-of "$AS_OF")
[ "$(state "$(published)")" = miss ] || fail "glob: a new matching file hit the cache"
echo "cache: a glob input's new match forces a fresh normalize"
