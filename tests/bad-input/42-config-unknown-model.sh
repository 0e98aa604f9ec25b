# models names a model that is neither built in nor defined.
EXIT=2
MESSAGE='nosuch_model'
setup() { conf_pipeline 'models = first_touch, nosuch_model'; }
verify() { grep -q "pipeline.conf:$(conf_line 'nosuch_model')" run.err || fail "no line"; }
