# The CRM zip cut in half: its central directory (at the end) is gone.
EXIT=1
MESSAGE='crm_export.zip: '
setup() { cut_at in/crm_export.zip 9000; }
