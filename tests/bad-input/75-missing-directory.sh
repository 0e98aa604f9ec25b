# A configured directory that does not exist: the key and the full path.
EXIT=1
setup() {
  sed -i 's|^ma_activities *=.*|ma_activities = in/marketo/activities/|' pipeline.conf
  MESSAGE="[input] ma_activities: $(pwd -P)/in/marketo/activities/: No such file or directory"
}
