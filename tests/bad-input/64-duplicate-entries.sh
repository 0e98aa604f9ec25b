# Two Lead.csv entries in different folders of the zip: a file-level fault
# naming both.
EXIT=1
MESSAGE='crm_export.zip: two entries for Lead: a/Lead.csv and b/Lead.csv'
setup() {
  local f args=()
  for f in crm/*; do [ "$f" = crm/Lead.csv ] || args+=("$(basename "$f")=$f"); done
  "$MKARCHIVE" zip in/crm_export.zip a/ "a/Lead.csv=crm/Lead.csv" "${args[@]}" "b/Lead.csv=crm/Lead.csv"
}
