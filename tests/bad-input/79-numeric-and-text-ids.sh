# Marketo ids keyed by number and by text: a canonical decimal marketoGUID
# or leadId is looked up by its value, any other text by its exact bytes,
# and the two never meet. Appended to the activities: a text GUID kept,
# then its re-export (skipped) and a changed row under it (duplicate); a
# GUID "0560001" that is not the kept 560001 (kept too); a leadId
# "01096119" that is not the lead 1096119 (unknown reference).
EXIT=0
OWN_OUT=1
MESSAGE=''
setup() {
  local row
  # the whole stream read (no grep -m1: gzip would die of SIGPIPE under pipefail)
  row=$(gzip -dc in/marketo_activities.csv.gz | grep '^560001,1096119,')
  row=${row%%$'\n'*}
  [ -n "$row" ] || return 1
  {
    gzip -dc in/marketo_activities.csv.gz
    printf '%s\n' "${row/#560001,/a1b2-guid,}"
    printf '%s\n' "${row/#560001,/a1b2-guid,}"
    printf '%s\n' "${row/#560001,1096119,2023-06-05T05:03:26Z/a1b2-guid,1096119,2023-06-05T05:03:27Z}"
    printf '%s\n' "${row/#560001,/0560001,}"
    printf '%s\n' "${row/#560001,1096119,/999999991,01096119,}"
  } | gzip -n >in/acts.gz
  mv in/acts.gz in/marketo_activities.csv.gz
}
verify() {
  local dir rej
  dir=$(ls -d own_out/[0-9]*/) || fail "nothing published"
  rej=$dir/rejects.csv
  grep -q 'a1b2-guid.*marketoGUID.*duplicate marketoGUID' "$rej" || fail "the changed text-GUID row is not a duplicate"
  [ "$(grep -c 'a1b2-guid' "$rej")" -eq 1 ] || fail "the re-export of a text GUID was rejected"
  grep -q "999999991.*leadId.*unknown reference '01096119'" "$rej" || fail "leadId 01096119 matched lead 1096119"
  ! grep -q '0560001' "$rej" || fail "GUID 0560001 was taken for 560001"
  grep -q '"rows_skipped": 1' "$dir/manifest.json" || fail "the re-export was not counted as skipped"
}
