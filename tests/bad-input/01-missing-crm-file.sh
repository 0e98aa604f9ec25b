# The configured CRM archive does not exist: a file-level fault naming it.
EXIT=1
MESSAGE='nowhere.zip: No such file or directory'
setup() { sed -i 's|^crm *=.*|crm = in/nowhere.zip|' pipeline.conf; }
