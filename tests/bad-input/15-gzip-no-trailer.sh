# A gzip file missing its 8-byte trailer (CRC-32 and length): every data
# byte is there, but the stream is unfinished.
EXIT=1
MESSAGE='marketo_activities.csv.gz: truncated gzip stream'
setup() { cut_at in/marketo_activities.csv.gz -8; }
