# The Marketo leads file lacks createdAt.
EXIT=1
MESSAGE="marketo_leads.csv.gz: missing required column 'createdAt'"
setup() { gz_edit in/marketo_leads.csv.gz sed '1s/createdAt/created/'; }
