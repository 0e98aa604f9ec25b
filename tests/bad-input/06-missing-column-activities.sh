# The activities file lacks activityDate.
EXIT=1
MESSAGE="marketo_activities.csv.gz: missing required column 'activityDate'"
setup() { gz_edit in/marketo_activities.csv.gz sed '1s/activityDate/activity_date/'; }
