# A gzip file cut inside its 10-byte header.
EXIT=1
MESSAGE='marketo_activities.csv.gz: truncated gzip stream'
setup() { cut_at in/marketo_activities.csv.gz 6; }
