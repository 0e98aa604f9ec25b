#!/usr/bin/env bash
# The installed programs work on their own (docs/operations.md
# "Installing"): `cmake --install` into a fresh prefix puts etl and etl-dump
# in bin/, the stage programs in libexec/etl/ (and not in bin/), the
# documents in share/doc/etl/; then the installed etl, started from another
# folder with a copy of the fixtures' config, no ETL_STAGE_DIR and a PATH
# without the build tree, runs the installed stages and publishes the
# golden tables of fixtures/expected/ byte for byte.
. "$(dirname "$0")/lib.sh"
: "${ATTR_BUILD_DIR:?run through ctest (ATTR_BUILD_DIR unset)}"
EXPECTED="$FIXTURES/expected"
P="$SCRATCH/prefix"

cmake --install "$ATTR_BUILD_DIR" --prefix "$P" >"$SCRATCH/install.log" 2>&1 ||
  { cat "$SCRATCH/install.log" >&2; fail "cmake --install failed"; }

for f in bin/etl bin/etl-dump libexec/etl/etl-normalize libexec/etl/etl-attribute \
         libexec/etl/etl-merge libexec/etl/etl-partition; do
  [ -x "$P/$f" ] || fail "not installed: $f (have: $(cd "$P" && find . -type f | sort | paste -sd' ' -))"
done
for f in "$P"/bin/*; do
  case $(basename "$f") in etl | etl-dump) ;; *) fail "a stage in bin/: $f" ;; esac
done
for d in README.md architecture.md operations.md tables.md configuration.md inputs.md \
         examples/pipeline.conf; do
  [ -s "$P/share/doc/etl/$d" ] || fail "not installed: share/doc/etl/$d"
done

# a config of its own, elsewhere, naming the fixtures by absolute paths
mkdir -p "$SCRATCH/conf" "$SCRATCH/elsewhere"
sed -e "s|^out_dir *=.*|out_dir = $SCRATCH/conf/out|" -e "s|= *fixtures/|= $FIXTURES/|" \
  "$ATTR_SOURCE_DIR/pipeline.conf" >"$SCRATCH/conf/pipeline.conf"
grep -q "^crm = $FIXTURES/" "$SCRATCH/conf/pipeline.conf" || fail "the config copy does not name the fixtures"
cd "$SCRATCH/elsewhere"
expect_exit 0 env -u ETL_STAGE_DIR PATH=/usr/bin:/bin "$P/bin/etl" run -v \
  -c "$SCRATCH/conf/pipeline.conf" --as-of "$AS_OF"
grep -qE "^etl: .* stages in $P/bin/\.\./libexec/etl$" "$SCRATCH/last.err" ||
  fail "the installed etl did not take the installed stages: $(grep 'stages in' "$SCRATCH/last.err")"
grep -q "$ATTR_BUILD_DIR" "$SCRATCH/last.err" && fail "the build tree was used: $(cat "$SCRATCH/last.err")"
[ -z "$(ls -A "$SCRATCH/elsewhere")" ] || fail "the run wrote into the current folder: $(ls -A)"

out="$SCRATCH/conf/out"
published=$(find "$out" -mindepth 1 -maxdepth 1 -type d ! -name '.*')
[ "$(echo "$published" | wc -l)" -eq 1 ] || fail "expected one published folder, got: $published"
for t in attribution_by_campaign.csv attribution_by_channel.csv reconciliation.csv \
         opportunities.csv rejects.csv; do
  cmp -s "$published/$t" "$EXPECTED/$t" || fail "$t differs from fixtures/expected/$t"
done
gzip -dc "$published/touch_credits.csv.gz" | cmp -s - "$EXPECTED/touch_credits.csv" ||
  fail "touch_credits.csv differs from fixtures/expected"
[ "$(readlink "$out/latest")" = "$(basename "$published")" ] || fail "latest -> $(readlink "$out/latest")"

# the installed etl check and etl-dump work too
expect_exit 0 env -u ETL_STAGE_DIR "$P/bin/etl" check -c "$SCRATCH/conf/pipeline.conf"
expect_exit 0 "$P/bin/etl-dump" --version
echo "install: $P publishes the golden tables from $(pwd)"
