# A channel pattern with catastrophic backtracking meets a value made for
# it: each match stops at the PCRE2 match limit and counts as not
# matching; the run completes (own out_dir) and warns.
EXIT=0
OWN_OUT=1
MESSAGE='channel rule matches hit the PCRE2 match limit and counted as not matching'
setup() {
  gz_edit in/marketo_activities.csv.gz sed -E '2s/utm_campaign=[^&"]*/utm_campaign=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!/'
  gzip -dc in/marketo_activities.csv.gz | sed -n 2p | grep -q 'utm_campaign=a\{40\}!' || return 1
  # first in file order, so that it is tried on every touch
  sed -i '0,/^\[channel /s//[channel "Slow"]\nutm_campaign = ^(a|aa)+$\n\n&/' pipeline.conf
  grep -q '^\[channel "Slow"\]' pipeline.conf || return 1
}
verify() { ls own_out/[0-9]*/attribution_by_channel.csv >/dev/null || fail "nothing published"; }
