# A third of the activities have an unparseable activityDate (every row
# from line 2 to 101): the run fails on ma_activities, the inputs before
# it being within the threshold.
EXIT=1
MESSAGE='marketo_activities.csv.gz: 100 of 300 ma_activities rows rejected (33.33%), more than max_reject_ratio 0.25; first reasons: line 2: activityDate'
setup() { gz_edit in/marketo_activities.csv.gz sed -E '2,101s/,(20[0-9][0-9])-/,\1x/'; }
# The rejects (100 activityDate rows) are kept in out_dir/.failed/<time>/.
KEEPS_REJECTS=1
