# An unknown field in a channel rule.
EXIT=2
MESSAGE=''
setup() {
  conf_append '[channel "Typo"]' 'utm_mediun = ^cpc$'
  MESSAGE="pipeline.conf:$(conf_line 'utm_mediun'): "
}
