# A gzip file cut 100 bytes in (inside the first deflate block, before the
# first line is complete: the fault comes while reading the header row).
EXIT=1
MESSAGE='marketo_activities.csv.gz: truncated gzip stream'
setup() { cut_at in/marketo_activities.csv.gz 100; }
