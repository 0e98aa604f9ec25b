# A gzip file missing only its last byte (the top byte of the length).
EXIT=1
MESSAGE='marketo_activities.csv.gz: truncated gzip stream'
setup() { cut_at in/marketo_activities.csv.gz -1; }
