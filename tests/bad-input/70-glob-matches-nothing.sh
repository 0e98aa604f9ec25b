# A pattern that matches no file is a missing input: a file-level fault
# naming the key and the full pattern.
EXIT=1
setup() {
  sed -i 's|^ma_activities *=.*|ma_activities = in/activities_*.csv.gz|' pipeline.conf
  MESSAGE="[input] ma_activities: no file matches the pattern $(pwd -P)/in/activities_*.csv.gz"
}
