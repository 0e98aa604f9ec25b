# A channel pattern that does not compile: the rule, the field and the
# offset are named.
EXIT=2
MESSAGE=''
setup() {
  conf_append '[channel "Broken"]' 'utm_medium = ^(cpc|ppc'
  MESSAGE="pipeline.conf:$(conf_line 'utm_medium = ^(cpc|ppc'): channel \"Broken\": utm_medium: "
}
verify() { grep -q 'offset 9' run.err || fail "no offset in the message"; }
