#!/usr/bin/env bash
# The formula-injection guard (CONTRACT.md §5.5, §9 "Tables") on every text
# column of every output. The fixtures are rewritten so that values starting
# with = + - @ TAB and CR reach each text column:
#   - campaign names start with each of the six, one campaign Type with '+';
#     (touch ids are "cm:ID" / "ma:GUID", so they never start with one);
#   - every Salesforce id gets a prefix, consistently in every file (and in
#     the Marketo leads' sfdc columns): campaigns '=', opportunities '+',
#     contacts '-', leads '@', campaign members TAB; marketoGUIDs '-';
#   - channel names from rules: "=SUM(1+1)", "@mail", "-form", "+content";
#   - the costs file is named "=costs.csv" (rejects `source`);
#   - opportunity names start with each of the six, StageName and
#     LeadSource with '@' and '+' after white space that is trimmed.
# Then every cell of every output is checked: a text cell never starts with
# one of the six (it starts with ' instead), a number cell is a plain number
# (negative ones unguarded), and the guarded values are where they belong.
. "$(dirname "$0")/lib.sh"
MKARCHIVE="$ATTR_BIN_DIR/mkarchive"
W="$SCRATCH/run"
mkdir -p "$W/crm" "$W/in"
cd "$W"

while IFS= read -r entry; do
  "$MKARCHIVE" cat "$FIXTURES/crm_export.zip" "$entry" >"crm/$entry"
done < <("$MKARCHIVE" list "$FIXTURES/crm_export.zip")

# campaign names: the six characters in turn; one Type with '+'
perl -i -pe 'BEGIN { @p = ("=", "+", "-", "@", "\t", "\r") }
  s/^("[^"]*","[^"]*",")/$1 . $p[$n++ % 6]/e if $. > 1' crm/Campaign.csv
grep -q '"Content"' crm/Campaign.csv || fail "no Content campaign in the fixtures"
sed -i 's/,"Content",/,"+Content",/g' crm/Campaign.csv
# opportunities.csv: names start with the six in turn; StageName and
# LeadSource (trimmed) start with '@' and '+' once white space is trimmed
perl -i -pe 'BEGIN { @p = ("=", "+", "-", "@", "\t", "\r") }
  s/^("[^"]*","[^"]*","[^"]*",")/$1 . $p[$n++ % 6]/e if $. > 1' crm/Opportunity.csv
grep -q '"Closed Won","[^"]*","[^"]*","[^"]*","[^"]*","New Business","",' crm/Opportunity.csv ||
  fail "the Opportunity columns moved in the fixtures"
sed -i -e 's/"Closed Won",/" @Closed Won",/' -e 's/"New Business","",/"New Business"," +Partner ",/' \
  crm/Opportunity.csv
# ids: prefixes by kind, in every file (quoted in the CRM export)
sed -i -e 's/"701/"=701/g' -e 's/"006/"+006/g' -e 's/"003/"-003/g' -e 's/"00Q/"@00Q/g' \
  -e 's/"00v/"\t00v/g' crm/*.csv
args=()
for f in crm/*.csv; do args+=("$(basename "$f")=$f"); done
"$MKARCHIVE" zip in/crm_export.zip "${args[@]}"
gzip -dc "$FIXTURES/marketo_leads.csv.gz" | sed -e 's/,00Q/,@00Q/g' -e 's/,003/,-003/g' | gzip -n >in/marketo_leads.csv.gz
gzip -dc "$FIXTURES/marketo_activities.csv.gz" | sed -E '2,$s/^(\xef\xbb\xbf)?([0-9])/-\2/' | gzip -n >in/marketo_activities.csv.gz
cp "$FIXTURES/fx_rates.csv" in/
sed "s/,701/,=701/g" "$FIXTURES/costs.csv" >"in/=costs.csv"

sed -e "s|^out_dir *=.*|out_dir = out|" -e 's|= *fixtures/|= in/|' -e 's|in/costs.csv|in/=costs.csv|' \
  "$ATTR_SOURCE_DIR/pipeline.conf" >pipeline.conf
# the rules first in file order
sed -i '0,/^\[channel /s//[channel "=SUM(1+1)"]\nkind = ^web_visit$\n[channel "@mail"]\nkind = ^email_click$\n[channel "-form"]\nkind = ^form_fill$\n[channel "+content"]\ncampaign_type = content\n\n&/' pipeline.conf
grep -q '^\[channel "=SUM(1+1)"\]' pipeline.conf || fail "rules not inserted"

"$ETL" run -c pipeline.conf --as-of "$AS_OF" --quiet >run.out 2>run.err || {
  cat run.err >&2
  fail "the run failed"
}
pub=$(find out -mindepth 1 -maxdepth 1 -type d ! -name '.*')
[ -n "$pub" ] || fail "nothing published"
gzip -dc "$pub/touch_credits.csv.gz" >touch_credits.csv

# cells.pl FILE...: checks every cell; prints "file<TAB>column<TAB>cell" for
# text cells (TAB and CR in a cell written as \t and \r).
cat >cells.pl <<'EOF'
use strict;
my %number = map { $_ => 1 } qw(touches opportunities pipeline won_opportunities revenue cost
  roi weight pipeline_credit revenue_credit line pipeline_total pipeline_attributed
  pipeline_unattributed revenue_total revenue_attributed revenue_unattributed
  amount linked_people eligible_touches);
my $bad = 0;
for my $file (@ARGV) {
  open my $fh, "<:raw", $file or die "$file: $!";
  local $/;
  my $text = <$fh>;
  my (@rows, @row, $cell, $inq);
  $cell = "";
  for (my $i = 0; $i < length $text; $i++) {
    my $c = substr($text, $i, 1);
    if ($inq) {
      if ($c eq '"') {
        if (substr($text, $i + 1, 1) eq '"') { $cell .= '"'; $i++; } else { $inq = 0; }
      } else { $cell .= $c; }
    } elsif ($c eq '"') { $inq = 1; }
    elsif ($c eq ',') { push @row, $cell; $cell = ""; }
    elsif ($c eq "\r" && substr($text, $i + 1, 1) eq "\n") {
      push @row, $cell; push @rows, [@row]; @row = (); $cell = ""; $i++;
    } else { $cell .= $c; }
  }
  die "$file: unterminated last row\n" if @row || $cell ne "" || $inq;
  my @head = @{ shift @rows };
  for my $r (@rows) {
    die "$file: row with " . scalar(@$r) . " cells\n" if @$r != @head;
    for my $k (0 .. $#head) {
      my ($col, $v) = ($head[$k], $r->[$k]);
      if ($number{$col}) {
        if ($v !~ /^(-?[0-9]+(\.[0-9]+)?)?$/) { print STDERR "$file: $col: not a number: '$v'\n"; $bad++; }
      } else {
        if ($v =~ /^[=+\-\@\t\r]/) { print STDERR "$file: $col: unguarded: '$v'\n"; $bad++; }
        (my $shown = $v) =~ s/\t/\\t/g;
        $shown =~ s/\r/\\r/g;
        $shown =~ s/\n/\\n/g;
        my $name = $file; $name =~ s{.*/}{};
        print "$name\t$col\t$shown\n";
      }
    }
  }
}
exit($bad ? 1 : 0);
EOF
perl cells.pl "$pub/attribution_by_campaign.csv" "$pub/attribution_by_channel.csv" \
  touch_credits.csv "$pub/reconciliation.csv" "$pub/rejects.csv" "$pub/opportunities.csv" >cells.txt ||
  fail "unguarded text cells or malformed numbers (above)"

# has FILE COLUMN PREFIX: some text cell of COLUMN starts with PREFIX.
has() {
  F=$1 C=$2 P=$3 awk -F'\t' '$1 == ENVIRON["F"] && $2 == ENVIRON["C"] && index($3, ENVIRON["P"]) == 1 { found = 1 }
    END { exit !found }' cells.txt ||
    fail "$1: no $2 cell starting with $3"
}
C=attribution_by_campaign.csv
for p in "'=" "'+" "'-" "'@" "'\\t" "'\\r"; do has $C campaign_name "$p"; done
has $C campaign_id "'=701"
has $C campaign_type "'+Content"
H=attribution_by_channel.csv
for p in "'=SUM(1+1)" "'@mail" "'-form" "'+content"; do has $H channel "$p"; done
T=touch_credits.csv
has $T opportunity_id "'+006"
# touch ids are "cm:<CampaignMember Id>" / "ma:<marketoGUID>": never guarded,
# the value inside kept as is
has $T touch_id "cm:\\t00v"
has $T touch_id "ma:-5"
has $T campaign_id "'=701"
has $T channel "'=SUM(1+1)"
has $T channel "'@mail"
has $T person_id "'-003"
R=rejects.csv
has $R source "'=costs.csv"
has $R id "'@00Q"
has $R id "'+006"
O=opportunities.csv
has $O opportunity_id "'+006"
for p in "'=" "'+" "'-" "'@" "'\\t" "'\\r"; do has $O opportunity_name "$p"; done
has $O stage "'@Closed Won"
has $O lead_source "'+Partner"
has $O primary_campaign_id "'=701"
# numbers are never guarded: the credit note's negative amount is written as such
grep -q $',-2500\.00,-2500\.00,-2500\.00,' "$pub/opportunities.csv" || fail "no negative amount to check"
# numbers are never guarded: negative roi values are written as such
grep -q $',-[0-9][0-9.]*\r$' "$pub/attribution_by_campaign.csv" || fail "no negative roi to check"
echo "formula guard: $(wc -l <cells.txt) text cells checked"
