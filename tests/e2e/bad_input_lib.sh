# Helpers of the bad-input cases (tests/bad-input/*.sh), sourced by the
# tests that run them (test_bad_input.sh, test_split.sh) after lib.sh:
# a case's setup() calls them in its folder, which holds pipeline.conf, in/
# with copies of every input and crm/ with the CRM entities taken out of
# fixtures/crm_export.zip (bad_input_base makes such a folder).
CASES_DIR="$ATTR_SOURCE_DIR/tests/bad-input"
MKARCHIVE="$ATTR_BIN_DIR/mkarchive"
[ -x "$MKARCHIVE" ] || fail "$MKARCHIVE is not built"

# bad_input_base DIR OUT_DIR: the inputs every case starts from, in DIR, with
# a pipeline.conf that points at them and writes into OUT_DIR.
bad_input_base() {
  local dir=$1 out=$2 entry
  mkdir -p "$dir/in" "$dir/crm"
  cp "$FIXTURES"/*.csv "$FIXTURES"/*.gz "$FIXTURES"/*.zip "$dir/in/"
  while IFS= read -r entry; do
    "$MKARCHIVE" cat "$FIXTURES/crm_export.zip" "$entry" >"$dir/crm/$entry"
  done < <("$MKARCHIVE" list "$FIXTURES/crm_export.zip")
  sed -e "s|^out_dir *=.*|out_dir = $out|" -e 's|= *fixtures/|= in/|' \
    "$ATTR_SOURCE_DIR/pipeline.conf" >"$dir/pipeline.conf"
}

# pack_crm [FORMAT [OUTFILE]]: the entities in crm/ (base names) as an
# archive, by default in/crm_export.zip (the file pipeline.conf names).
pack_crm() {
  local fmt=${1:-zip} out=${2:-in/crm_export.zip} f args=()
  for f in crm/*; do args+=("$(basename "$f")=$f"); done
  rm -f "$out"
  "$MKARCHIVE" "$fmt" "$out" "${args[@]}"
}

# conf_pipeline LINE...: a second [pipeline] section at the end (the last
# value of a key wins).
conf_pipeline() {
  printf '\n[pipeline]\n' >>pipeline.conf
  printf '%s\n' "$@" >>pipeline.conf
}

# conf_append LINE...: raw lines at the end of pipeline.conf.
conf_append() { printf '%s\n' "$@" >>pipeline.conf; }

# conf_line FIXED_STRING: number of the last line of pipeline.conf holding it.
conf_line() { grep -nF -- "$1" pipeline.conf | tail -n1 | cut -d: -f1; }

# gz_edit FILE CMD...: FILE (gzip) decompressed through CMD (a filter) and
# compressed again with gzip -n.
gz_edit() {
  local f=$1
  shift
  gzip -dc "$f" | "$@" >"$f.tmp"
  gzip -n <"$f.tmp" >"$f"
  rm -f "$f.tmp"
}

# csv_edit FILE CMD...: FILE rewritten through the filter CMD.
csv_edit() {
  local f=$1
  shift
  "$@" <"$f" >"$f.tmp"
  mv "$f.tmp" "$f"
}

# poke FILE OFFSET: inverts the byte at OFFSET (negative: from the end).
poke() {
  local f=$1 off=$2 size b
  size=$(stat -c %s "$f")
  [ "$off" -ge 0 ] || off=$((size + off))
  b=$(od -An -tu1 -j "$off" -N1 "$f" | tr -d ' ')
  printf "\\$(printf %03o $((255 - b)))" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
}

# cut_at FILE LENGTH: keeps the first LENGTH bytes (negative: drops -LENGTH).
cut_at() {
  local f=$1 len=$2
  [ "$len" -ge 0 ] || len=$(($(stat -c %s "$f") + len))
  truncate -s "$len" "$f"
}
