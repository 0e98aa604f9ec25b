# A value out of range (max_reject_ratio in [0, 1]).
EXIT=2
MESSAGE=''
setup() {
  conf_pipeline 'max_reject_ratio = 1.5'
  MESSAGE="pipeline.conf:$(conf_line 'max_reject_ratio = 1.5'): "
}
