# A field of 1,048,577 bytes (one over the limit) in fx_rates.csv.
EXIT=1
MESSAGE='fx_rates.csv:6: field longer than 1048576 bytes'
setup() {
  [ "$(wc -l <in/fx_rates.csv)" -eq 5 ] || return 1
  { printf 'EUR,2025-01-01,"'; head -c 1048577 /dev/zero | tr '\0' 7; printf '"\n'; } >>in/fx_rates.csv
}
