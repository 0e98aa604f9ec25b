# An input whose uncompressed bytes pass max_input_bytes (Campaign.csv is
# 6206 bytes; fx_rates.csv, read first, is 122 bytes and passes).
EXIT=1
MESSAGE='crm_export.zip:Campaign.csv: exceeds max_input_bytes 1000 (uncompressed)'
setup() { conf_pipeline 'max_input_bytes = 1000'; }
