# A typo in a [pipeline] key is a configuration error at its line.
EXIT=2
MESSAGE=''
setup() {
  conf_pipeline 'perod = month'
  MESSAGE="pipeline.conf:$(conf_line 'perod = month'): "
}
verify() { grep -q 'perod' run.err || fail "the message does not name the key"; }
