# out_dir names a file: an I/O error on the output side.
EXIT=3
MESSAGE="is not a directory"
setup() {
  : >not_a_dir
  conf_pipeline 'out_dir = not_a_dir'
}
verify() { [ ! -s not_a_dir ] || fail "the file was written"; }
