# The reject ratio of an input in several files is over all of them: the
# activities split in two extracts, every row of the first with a bad date
# (100%, while the whole input is about a third). The message names the
# input, how many files, the ratio over the whole input and the first
# reasons with the file and line of each.
EXIT=1
MESSAGE='ma_activities (2 files, acts_1.csv ...): 10'
setup() {
  mkdir in/acts
  gzip -dc in/marketo_activities.csv.gz >all.csv
  [ "$(wc -l <all.csv)" -eq 301 ] || return 1
  head -n 101 all.csv | sed -E '2,101s/,(20[0-9][0-9])-/,\1x/' >in/acts/acts_1.csv
  { head -n 1 all.csv; tail -n +102 all.csv; } | gzip -n >in/acts/acts_2.csv.gz
  sed -i 's|^ma_activities *=.*|ma_activities = in/acts|' pipeline.conf
}
verify() {
  grep -qE 'ma_activities \(2 files, acts_1\.csv \.\.\.\): 10[0-9] of 300 ma_activities rows rejected \(3[0-9]\.[0-9]{2}%\), more than max_reject_ratio 0\.25; first reasons: acts_1\.csv:2: activityDate: .*; acts_1\.csv:3: activityDate: .*; acts_1\.csv:4: activityDate: ' run.err ||
    fail "unclear message: $(cat run.err)"
}
