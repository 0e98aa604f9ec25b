# A gzip input that expands past max_expand_ratio.
EXIT=1
MESSAGE='marketo_leads.csv.gz: expands past max_expand_ratio 100'
setup() {
  { gzip -dc in/marketo_leads.csv.gz | head -n1; head -c 20M /dev/zero; } | gzip -n >bomb.gz
  mv bomb.gz in/marketo_leads.csv.gz
  conf_pipeline 'max_expand_ratio = 100'
}
