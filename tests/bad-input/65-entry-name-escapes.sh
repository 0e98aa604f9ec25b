# Archive entries named ../../.. and with an absolute path: they are only
# matched by base name, never extracted or used as a path. The run succeeds
# (own out_dir) with those names as rejects sources, and nothing appears
# where the names point.
EXIT=0
OWN_OUT=1
MESSAGE=''
setup() {
  local f args=() token="attr-escape-$$"
  echo "$token" >token
  for f in crm/*; do
    case $f in
      crm/Lead.csv) args+=("../../../../../../../../tmp/$token/Lead.csv=$f") ;;
      crm/Contact.csv) args+=("/tmp/$token-abs/Contact.csv=$f") ;;
      crm/Campaign.csv) args+=("../$token-rel/Campaign.csv=$f") ;;
      *) args+=("$(basename "$f")=$f") ;;
    esac
  done
  "$MKARCHIVE" zip in/crm_export.zip "${args[@]}"
}
verify() {
  local token
  token=$(cat token)
  for p in "/tmp/$token" "/tmp/$token-abs" "../$token-rel" "$SCRATCH/$token-rel" "$SCRATCH/../$token-rel"; do
    [ ! -e "$p" ] || fail "$p was created"
  done
  if find "$SCRATCH" -name "*$token*" | grep -q .; then fail "an entry name became a path: $(find "$SCRATCH" -name "*$token*")"; fi
  grep -qF "crm_export.zip:../../../../../../../../tmp/$token/Lead.csv,"  own_out/[0-9]*/rejects.csv || fail "rejects source"
}
