# out_dir cannot be created (its parent is a file).
EXIT=3
MESSAGE="cannot create out_dir"
setup() {
  : >afile
  conf_pipeline 'out_dir = afile/out'
}
