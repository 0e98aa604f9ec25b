# Bytes after the last gzip member that do not start another member.
EXIT=1
MESSAGE='marketo_leads.csv.gz: trailing data after the last gzip member'
setup() { printf 'garbage\n' >>in/marketo_leads.csv.gz; }
