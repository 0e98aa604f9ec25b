# A CRM export in two archives (a pattern) where the second holds Lead.csv
# twice: a file-level fault naming the archive and both entries, even though
# the first archive has no Lead.csv at all.
EXIT=1
MESSAGE='WE_00D5g000001_2.ZIP: two entries for Lead: Lead.csv and export/Lead.csv'
setup() {
  "$MKARCHIVE" zip in/WE_00D5g000001_1.ZIP Campaign.csv=crm/Campaign.csv Contact.csv=crm/Contact.csv \
    Opportunity.csv=crm/Opportunity.csv OpportunityContactRole.csv=crm/OpportunityContactRole.csv
  "$MKARCHIVE" zip in/WE_00D5g000001_2.ZIP Lead.csv=crm/Lead.csv export/Lead.csv=crm/Lead.csv \
    CampaignMember.csv=crm/CampaignMember.csv
  sed -i 's|^crm *=.*|crm = in/WE_00D5g000001_*.ZIP|' pipeline.conf
}
