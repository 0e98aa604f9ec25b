# An archive entry whose name holds a TAB and a newline: it would break the
# line-based records of the run, so the entry is refused with its name
# shown escaped (a file-level fault).
EXIT=1
MESSAGE='crm_export.zip: entry "ex\x09port\x0a/Lead.csv": control character in the name'
setup() {
  local f args=()
  for f in crm/*; do
    if [ "$f" = crm/Lead.csv ]; then args+=($'ex\tport\n/Lead.csv='"$f"); else args+=("$(basename "$f")=$f"); fi
  done
  "$MKARCHIVE" zip in/crm_export.zip "${args[@]}"
}
