# A gzip file whose length field (ISIZE) is wrong.
EXIT=1
MESSAGE='marketo_leads.csv.gz: corrupt gzip data (incorrect length check)'
setup() { poke in/marketo_leads.csv.gz -3; }
