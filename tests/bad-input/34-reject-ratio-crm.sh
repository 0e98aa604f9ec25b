# More than max_reject_ratio of an entity's rows rejected: the first input
# over the threshold is named with its ratio and first reasons.
EXIT=1
MESSAGE='crm_export.zip:Campaign.csv: 2 of 21 Campaign rows rejected (9.52%), more than max_reject_ratio 0.05; first reasons: line '
setup() { conf_pipeline 'max_reject_ratio = 0.05'; }
# The run's rejects.csv and manifest are kept in out_dir/.failed/<time>/,
# named in the message (the runner checks them).
KEEPS_REJECTS=1
