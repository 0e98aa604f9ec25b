# A gzip file cut in the middle of its data: the rows before the cut are
# read, then the run fails.
EXIT=1
MESSAGE='marketo_leads.csv.gz: truncated gzip stream'
setup() { cut_at in/marketo_leads.csv.gz 1500; }
