# A configured Marketo file is missing.
EXIT=1
MESSAGE='marketo_leads.csv.gz: No such file or directory'
setup() { rm in/marketo_leads.csv.gz; }
