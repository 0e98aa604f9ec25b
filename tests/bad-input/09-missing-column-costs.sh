# costs.csv lacks the amount column (a [columns] remap to a header that is
# not there counts the same way).
EXIT=1
MESSAGE="costs.csv: missing required column 'spend'"
setup() { conf_append '[columns "costs"]' 'amount = spend'; }
