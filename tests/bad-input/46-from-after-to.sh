# --from after --to is a usage error.
EXIT=2
MESSAGE='--from 2025-03-01 is after --to 2025-02-28'
ARGS=(--from 2025-03-01 --to 2025-02-28)
setup() { :; }
