# End-to-end test of `etl run --executor slurm` on a real Slurm: a
# single-node cluster (munged, slurmctld, slurmd) on localhost in the
# scratch folder, started here and stopped by PID whatever happens.
#  1. --shards 4 on the fixtures gives tables byte-identical to a local run
#     (every model, the data-driven ones and model_fit.csv included), and so
#     do --shards 1, 2 and 8; normalize runs split: an etl-split job array,
#     one task per input file, then etl-normalize --from-split, and the
#     manifest's inputs are the local run's; with more than one shard
#     etl-partition runs as its own job between etl-normalize and the
#     shards, which read parts; the export in pieces (31 files) likewise;
#  1b. a split task that fails: a corrupt input (recorded by its task,
#     reported by etl-normalize as a local run reports it) and a task killed
#     by a signal (named with its log, the later jobs cancelled); nothing is
#     published;
#  2. a shard task that fails: the run fails with its status, names the task
#     and its log, cancels the merge job and publishes nothing;
#  3. a failing etl-normalize job, a failing etl-partition job, and sbatch
#     refusing a job.
# The Slurm and munge packages are installed when missing (apt-get; the test
# runs as root, as slurmd must); a machine where that is impossible fails
# this test: it is never skipped.
. "$(dirname "$0")/lib.sh"

# --- the packages ----------------------------------------------------------------

slurm_tools="sbatch squeue scancel scontrol sinfo slurmctld slurmd munged mungekey"
have_slurm() {
  local t
  for t in $slurm_tools; do
    command -v "$t" >/dev/null 2>&1 || [ -x "/usr/sbin/$t" ] || return 1
  done
}
[ "$(id -u)" -eq 0 ] || fail "this test runs slurmd and must run as root"
if ! have_slurm; then
  echo "installing slurmctld slurmd slurm-client munge" >&2
  apt-get update -qq >&2 || fail "apt-get update failed: cannot install Slurm"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    slurmctld slurmd slurm-client munge >&2 || fail "cannot install Slurm (slurmctld slurmd slurm-client munge)"
fi
export PATH="$PATH:/usr/sbin:/sbin"
have_slurm || fail "Slurm tools missing after installing them: $slurm_tools"

# --- a cluster of one node --------------------------------------------------------

# Two free TCP ports on localhost for slurmctld and slurmd.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
  local p tries=0
  while :; do
    p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    if port_free "$p" && [ "$p" != "${1:-}" ]; then echo "$p"; return; fi
    tries=$((tries + 1))
    [ "$tries" -lt 100 ] || fail "no free TCP port"
  done
}

C="$SCRATCH/cluster"
mkdir -p "$C/munge" "$C/state" "$C/spool" "$C/log"
chmod 755 "$SCRATCH" "$C" "$C/munge"
ctld_port=$(pick_port)
slurmd_port=$(pick_port "$ctld_port")
cat >"$C/slurm.conf" <<EOF
ClusterName=etltest
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
AuthInfo=socket=$C/munge/munge.socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SchedulerParameters=batch_sched_delay=0
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
StateSaveLocation=$C/state
SlurmdSpoolDir=$C/spool
SlurmctldPidFile=$C/slurmctld.pid
SlurmdPidFile=$C/slurmd.pid
SlurmctldLogFile=$C/log/slurmctld.log
SlurmdLogFile=$C/log/slurmd.log
NodeName=localhost CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$C/slurm.conf"

# Stops the daemons by their PIDs (never by name), then runs lib.sh's
# cleanup. Jobs still running are cancelled first.
stop_cluster() {
  local f pid
  if [ -f "$C/slurmctld.pid" ]; then
    scancel --user="$(id -un)" >/dev/null 2>&1 || true
  fi
  for f in slurmd slurmctld munge/munged; do
    [ -f "$C/$f.pid" ] || continue
    pid=$(cat "$C/$f.pid" 2>/dev/null || true)
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for f in slurmd slurmctld munge/munged; do
    [ -f "$C/$f.pid" ] || continue
    pid=$(cat "$C/$f.pid" 2>/dev/null || true)
    for _ in $(seq 50); do
      { [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; } || break
      sleep 0.1
    done
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  done
}
cluster_log() { tail -n 30 "$C"/log/*.log "$C"/munge/munged.log >&2 2>/dev/null || true; }
trap 'e2e_failed=1; cluster_log' ERR
trap 'stop_cluster; e2e_cleanup' EXIT

# The node is "localhost": without a name for it (a chroot without
# /etc/hosts) slurmd cannot register and sinfo waits on DNS.
getent hosts localhost >/dev/null || fail "localhost does not resolve (no /etc/hosts?): Slurm needs it"
mungekey --create --keyfile="$C/munge/munge.key" || fail "mungekey failed"
chmod 600 "$C/munge/munge.key"
munged --key-file="$C/munge/munge.key" --socket="$C/munge/munge.socket" \
  --pid-file="$C/munge/munged.pid" --log-file="$C/munge/munged.log" \
  --seed-file="$C/munge/munged.seed" --force || { cluster_log; fail "munged did not start"; }
slurmctld -f "$SLURM_CONF" || { cluster_log; fail "slurmctld did not start"; }
slurmd -f "$SLURM_CONF" || { cluster_log; fail "slurmd did not start"; }
SECONDS=0 # a bound in time, not in tries: a slow sinfo must not stretch it
while [ "$SECONDS" -lt 30 ]; do
  [ "$(sinfo -h -o %T 2>/dev/null | head -n 1)" = idle ] && break
  sleep 0.1
done
[ "$(sinfo -h -o %T 2>/dev/null | head -n 1)" = idle ] || { cluster_log; fail "the node never became idle"; }

# --- 1. slurm --shards 4 equals the local run ---------------------------------

all_models="models = first_touch, last_touch, linear, u_shaped, w_shaped, full_path, time_decay, primary_campaign, j_shaped, markov, shapley"
make_conf "$SCRATCH/local" "$all_models"
(cd "$SCRATCH/local" && "$ETL" run -q --as-of "$AS_OF" >run.out 2>run.err) ||
  fail "local run failed: $(cat "$SCRATCH/local/run.err")"
make_conf "$SCRATCH/slurm" "$all_models"
cd "$SCRATCH/slurm"
mkdir shared
expect_exit 0 "$ETL" run --as-of "$AS_OF" --executor slurm --shards 4 --work-dir shared \
  --partition debug --time-limit 10 --sbatch-arg=--comment=etl-e2e
cp "$SCRATCH/last.err" slurm_ok.err
grep -q 'submitted etl-attribute\[0-3\] as slurm job array [0-9]' slurm_ok.err ||
  fail "no job array submitted: $(cat slurm_ok.err)"
grep -q 'submitted etl-split\[0-4\] as slurm job array [0-9]' slurm_ok.err ||
  fail "no etl-split job array (5 input files): $(cat slurm_ok.err)"
grep -qE '^etl-split: [0-9TZ:-]+ task 3/5: ma_activities ' slurm_ok.err || fail "the split logs were not relayed"
grep -qE '^etl-attribute: [0-9TZ:-]+ shard 3/4: ' slurm_ok.err || fail "the shard logs were not relayed"
local_pub=$(find "$SCRATCH/local/out" -mindepth 1 -maxdepth 1 -type d ! -name '.*')
slurm_pub=$(find out -mindepth 1 -maxdepth 1 -type d ! -name '.*')
[ "$(basename "$local_pub")" = "$(basename "$slurm_pub")" ] || fail "ranges differ: $local_pub $slurm_pub"
for t in attribution_by_campaign.csv attribution_by_channel.csv touch_credits.csv.gz \
         reconciliation.csv opportunities.csv funnel.csv rejects.csv model_fit.csv; do
  cmp "$local_pub/$t" "$slurm_pub/$t" || fail "$t differs between the local and the slurm run"
done
grep -q '"name": "etl-merge"' "$slurm_pub/manifest.json" || fail "manifest lacks the merge stage"
grep -q '"name": "etl-partition"' "$slurm_pub/manifest.json" || fail "manifest lacks the partition stage"
grep -q '"name": "etl-split"' "$slurm_pub/manifest.json" || fail "manifest lacks the split stage"
manifest_inputs() { sed -n '/^  "inputs": \[/,/^  \],/p' "$1"; }
[ "$(manifest_inputs "$slurm_pub/manifest.json" | grep -c '"sha256"')" -eq 11 ] || fail "not 11 inputs in the manifest"
[ "$(manifest_inputs "$local_pub/manifest.json")" = "$(manifest_inputs "$slurm_pub/manifest.json")" ] ||
  fail "the manifest's inputs differ from the local run's"
grep -q 'submitted etl-partition as slurm job [0-9]' slurm_ok.err || fail "no partition job: $(cat slurm_ok.err)"
[ -z "$(ls -A shared)" ] || fail "the work folder was not removed: $(ls shared)"
[ -z "$(find out -mindepth 1 -maxdepth 1 -name '.*' ! -name .lock)" ] || fail "leftovers in out"
echo "slurm --shards 4: byte-identical to the local run"

for n in 1 2 8; do
  rm -rf out
  expect_exit 0 "$ETL" run --as-of "$AS_OF" --executor slurm --shards "$n" --work-dir shared
  pub=$(find out -mindepth 1 -maxdepth 1 -type d ! -name '.*')
  for t in attribution_by_campaign.csv attribution_by_channel.csv touch_credits.csv.gz \
           reconciliation.csv opportunities.csv funnel.csv rejects.csv model_fit.csv; do
    cmp "$local_pub/$t" "$pub/$t" || fail "slurm --shards $n: $t differs from the local run"
  done
  if [ "$n" -gt 1 ]; then
    grep -q 'submitted etl-partition as slurm job' "$SCRATCH/last.err" || fail "--shards $n: no partition job"
  else
    grep -q 'etl-partition' "$SCRATCH/last.err" && fail "--shards 1: a partition job"
    grep -q '"name": "etl-partition"' "$pub/manifest.json" && fail "--shards 1: partition in the manifest"
  fi
done
echo "slurm --shards 1, 2, 8: byte-identical to the local run"

# the export in pieces: 31 split tasks, the same tables and inputs as locally
pieces=$SCRATCH/pieces
mkdir -p "$pieces"
for f in crm_split marketo_split fx_rates.csv costs.csv; do ln -s "$FIXTURES/$f" "$pieces/$f"; done
sed -e 's|^out_dir *=.*|out_dir = out|' "$FIXTURES/pipeline-split.conf" >"$pieces/pipeline.conf"
sed -e 's|^out_dir *=.*|out_dir = out-local|' "$FIXTURES/pipeline-split.conf" >"$pieces/local.conf"
cd "$pieces"
"$ETL" run -q -c local.conf --as-of "$AS_OF" --no-cache >local.out 2>local.err || fail "pieces, local: $(cat local.err)"
expect_exit 0 "$ETL" run --as-of "$AS_OF" --executor slurm --shards 2
grep -q 'submitted etl-split\[0-30\] as slurm job array' "$SCRATCH/last.err" ||
  fail "pieces: not 31 split tasks: $(cat "$SCRATCH/last.err")"
lp=$(find out-local -mindepth 1 -maxdepth 1 -type d ! -name '.*')
sp=$(find out -mindepth 1 -maxdepth 1 -type d ! -name '.*')
for f in "$lp"/*; do
  name=$(basename "$f")
  case $name in manifest.json | report.html) continue ;; esac # seconds; the config's out_dir
  cmp -s "$f" "$sp/$name" || fail "pieces: $name differs from the local run"
done
[ "$(manifest_inputs "$lp/manifest.json")" = "$(manifest_inputs "$sp/manifest.json")" ] ||
  fail "pieces: the manifest's inputs differ from the local run's"
echo "slurm, the export in pieces: 31 split tasks, byte-identical to the local run"

# --- 1b. a failing split task ----------------------------------------------------

# a corrupt input: its task records the fault, etl-normalize reports it
make_conf "$SCRATCH/corrupt"
cd "$SCRATCH/corrupt"
rm fixtures
mkdir fixtures
cp -r "$FIXTURES"/. fixtures/
size=$(stat -c %s fixtures/marketo_activities.csv.gz)
truncate -s $((size / 2)) fixtures/marketo_activities.csv.gz
mkdir local-work
local_rc=0 # (a failing command outside a condition would trip the ERR trap)
"$ATTR_BIN_DIR/etl-normalize" -c pipeline.conf --work local-work 2>local.err || local_rc=$?
[ "$local_rc" -eq 1 ] || fail "corrupt input: the local normalize exited $local_rc"
want=$(sed -E 's/^etl-normalize: [0-9T:Z-]{20} //' local.err)
expect_exit 1 "$ETL" run --as-of "$AS_OF" --executor slurm --shards 2
grep -q 'submitted etl-split\[0-4\]' "$SCRATCH/last.err" || fail "corrupt input: no split array"
grep -qE '^etl: [0-9T:Z-]{20} slurm task etl-normalize \(job [0-9]+\) failed with exit status 1, log: /.*/logs/etl-normalize\.log$' \
  "$SCRATCH/last.err" || fail "corrupt input: no failed merge: $(cat "$SCRATCH/last.err")"
grep -qF -- "$want" "$SCRATCH/last.err" || fail "corrupt input: not the local message '$want': $(cat "$SCRATCH/last.err")"
grep -q 'slurm task etl-split' "$SCRATCH/last.err" && fail "corrupt input: a split task reported as failed"
[ -z "$(find out -mindepth 1 -maxdepth 1 ! -name '.*')" ] || fail "corrupt input: something was published"
echo "corrupt input: recorded by its split task, reported as locally ($want), nothing published"

# a split task killed by a signal
kstages="$SCRATCH/kill_stages"
mkdir "$kstages"
for p in etl etl-split etl-normalize etl-partition etl-attribute etl-merge etl-report; do cp "$ATTR_BIN_DIR/$p" "$kstages/"; done
mv "$kstages/etl-split" "$kstages/etl-split.real"
cat >"$kstages/etl-split" <<'KILL'
#!/bin/sh
for a in "$@"; do
  if [ "$a" = 3 ]; then
    echo "etl-split: task 3 kills itself" >&2
    kill -KILL $$
  fi
done
exec "$(dirname "$0")/etl-split.real" "$@"
KILL
chmod +x "$kstages/etl-split"
make_conf "$SCRATCH/killed"
cd "$SCRATCH/killed"
mkdir shared
expect_exit 137 env ETL_STAGE_DIR="$kstages" "$ETL" run --as-of "$AS_OF" --executor slurm --shards 2 \
  --work-dir shared
cp "$SCRATCH/last.err" killed.err
grep -qE '^etl: [0-9T:Z-]{20} slurm task etl-split\[3\] \(job [0-9]+_3\) failed with exit status 137, log: /.*/logs/etl-split\.3\.log$' \
  killed.err || fail "the killed split task is not named with its log: $(cat killed.err)"
grep -q 'task 3 kills itself' killed.err || fail "the killed task's log was not relayed"
[ "$(grep -cE '^etl: [0-9T:Z-]{20} slurm task ' killed.err)" -eq 1 ] || fail "other tasks reported as failed"
grep -q 'cancelled slurm jobs' killed.err || fail "the later jobs were not cancelled"
norm_id=$(grep -E 'submitted etl-normalize as slurm job [0-9]+' killed.err | grep -oE '[0-9]+$')
for _ in $(seq 50); do
  [ "$(squeue -h -t all -j "$norm_id" -o %T 2>/dev/null)" = CANCELLED ] && break
  sleep 0.1
done
[ "$(squeue -h -t all -j "$norm_id" -o %T 2>/dev/null)" = CANCELLED ] || fail "the merge job was not cancelled"
[ -z "$(find out -mindepth 1 -maxdepth 1 ! -name '.*')" ] || fail "killed split task: something was published"
echo "killed split task: exit 137, task and log named, later jobs cancelled, nothing published"

# --- 2. a failing shard task ---------------------------------------------------

stages="$SCRATCH/stages"
make_failing_shard_stages "$stages"
make_conf "$SCRATCH/fail"
cd "$SCRATCH/fail"
mkdir shared
expect_exit 3 env ETL_STAGE_DIR="$stages" "$ETL" run --as-of "$AS_OF" --executor slurm \
  --shards 4 --work-dir shared
cp "$SCRATCH/last.err" fail.err
msg_re='^etl: [0-9T:Z-]{20} slurm task etl-attribute\[2\] \(job ([0-9]+)_2\) failed with exit status 3, log: (/.*/logs/etl-attribute\.2\.log)$'
line=$(grep -E "$msg_re" fail.err) || fail "no message naming the failed task: $(cat fail.err)"
array_id=$(echo "$line" | sed -E "s|$msg_re|\\1|")
log=$(echo "$line" | sed -E "s|$msg_re|\\2|")
[ -f "$log" ] || fail "the named log does not exist: $log"
grep -q 'injected failure of shard 2/4' "$log" || fail "the log lacks the task's message"
grep -q 'injected failure of shard 2/4' fail.err || fail "the failed task's log was not relayed"
[ "$(grep -cE '^etl: [0-9T:Z-]{20} slurm task ' fail.err)" -eq 1 ] || fail "other tasks reported as failed"
grep -q 'cancelled slurm jobs' fail.err || fail "the remaining jobs were not cancelled"
[ -z "$(find out -mindepth 1 -maxdepth 1 ! -name '.*')" ] || fail "something was published: $(ls out)"
case "$log" in "$SCRATCH/fail/shared/"*) ;; *) fail "log outside the work dir: $log" ;; esac
grep -q 'the work folder is kept for its logs' fail.err || fail "the kept work folder is not named"
merge_id=$(grep -E 'submitted etl-merge as slurm job [0-9]+' fail.err | grep -oE '[0-9]+$')
[ "$merge_id" -eq $((array_id + 1)) ] || fail "merge job $merge_id is not the one after $array_id"
merge_state=$(squeue -h -t all -j "$merge_id" -o %T 2>/dev/null || true)
[ "$merge_state" = CANCELLED ] || fail "merge job $merge_id is '$merge_state', not CANCELLED"
echo "failing shard: exit 3, task and log named, merge cancelled, nothing published"

# --- 3. a failing etl-normalize job, and a job sbatch refuses --------------------

make_conf "$SCRATCH/badinput"
cd "$SCRATCH/badinput"
sed -i -e 's|^crm *=.*|crm = fixtures/no_such_export.zip|' pipeline.conf
expect_exit 1 "$ETL" run --as-of "$AS_OF" --executor slurm --shards 2
grep -qE '^etl: [0-9T:Z-]{20} slurm task etl-normalize \(job [0-9]+\) failed with exit status 1, log: /.*/logs/etl-normalize\.log$' \
  "$SCRATCH/last.err" || fail "normalize failure not reported: $(cat "$SCRATCH/last.err")"
# inputs that cannot be listed: no split tasks, etl-normalize reads (and reports) them
grep -q 'the inputs cannot be listed (.*no_such_export.zip.*): etl-normalize reads them in one job' \
  "$SCRATCH/last.err" || fail "no word on the unlisted inputs: $(cat "$SCRATCH/last.err")"
grep -q 'submitted etl-split' "$SCRATCH/last.err" && fail "split tasks for inputs that cannot be listed"
grep -q 'slurm task etl-attribute' "$SCRATCH/last.err" && fail "the cancelled shards were reported as failures"
[ -z "$(find out -mindepth 1 -maxdepth 1 ! -name '.*')" ] || fail "something was published"
# the default work folder (in out_dir) is kept for its logs until the next run
ls -d out/.work-* >/dev/null 2>&1 || fail "the hidden work folder with the logs was removed"

expect_exit 2 "$ETL" run --as-of "$AS_OF" --executor slurm --partition no_such_partition
grep -qE '^etl: [0-9T:Z-]{20} cannot submit etl-normalize to slurm: sbatch failed with exit status 1: .*artition' \
  "$SCRATCH/last.err" || fail "sbatch refusal not reported: $(cat "$SCRATCH/last.err")"
echo "normalize failure and sbatch refusal reported"

# a failing etl-partition job: named with its log, the shards and merge cancelled
pstages="$SCRATCH/partition_stages"
mkdir "$pstages"
for p in etl etl-split etl-normalize etl-partition etl-attribute etl-merge etl-report; do cp "$ATTR_BIN_DIR/$p" "$pstages/"; done
printf '#!/bin/sh\necho "etl-partition: injected failure" >&2\nexit 3\n' >"$pstages/etl-partition"
chmod +x "$pstages/etl-partition"
make_conf "$SCRATCH/failpart"
cd "$SCRATCH/failpart"
mkdir shared
expect_exit 3 env ETL_STAGE_DIR="$pstages" "$ETL" run --as-of "$AS_OF" --executor slurm --shards 3 \
  --work-dir shared
grep -qE '^etl: [0-9T:Z-]{20} slurm task etl-partition \(job [0-9]+\) failed with exit status 3, log: /.*/logs/etl-partition\.log$' \
  "$SCRATCH/last.err" || fail "partition failure not reported: $(cat "$SCRATCH/last.err")"
grep -q 'injected failure' "$SCRATCH/last.err" || fail "the partition log was not relayed"
grep -q 'slurm task etl-attribute' "$SCRATCH/last.err" && fail "the cancelled shards were reported as failures"
grep -q 'cancelled slurm jobs' "$SCRATCH/last.err" || fail "the shards and merge were not cancelled"
[ -z "$(find out -mindepth 1 -maxdepth 1 ! -name '.*')" ] || fail "something was published"
echo "partition failure reported, later jobs cancelled"

# --- 4. SIGTERM to the driver while the jobs are queued or running ---------------

slow="$SCRATCH/slow_stages"
mkdir "$slow"
for p in etl etl-split etl-normalize etl-partition etl-attribute etl-merge etl-report; do cp "$ATTR_BIN_DIR/$p" "$slow/"; done
mv "$slow/etl-normalize" "$slow/etl-normalize.real"
printf '#!/bin/sh\nsleep 60\nexec "$(dirname "$0")/etl-normalize.real" "$@"\n' >"$slow/etl-normalize"
chmod +x "$slow/etl-normalize"
make_conf "$SCRATCH/term"
cd "$SCRATCH/term"
ETL_STAGE_DIR="$slow" "$ETL" run --as-of "$AS_OF" --executor slurm --shards 2 >term.out 2>term.err &
etl_pid=$!
for _ in $(seq 200); do
  grep -q 'submitted etl-merge' term.err && break
  sleep 0.1
done
grep -q 'submitted etl-merge' term.err || fail "the jobs were not submitted: $(cat term.err)"
kill -TERM "$etl_pid"
status=0
wait "$etl_pid" || status=$?
[ "$status" -eq 143 ] || fail "etl exited $status after SIGTERM, not 143: $(cat term.err)"
grep -q 'interrupted by signal 15' term.err || fail "the interruption is not reported"
grep -q 'cancelled slurm jobs' term.err || fail "the jobs were not cancelled on SIGTERM"
norm_id=$(grep -E 'submitted etl-normalize as slurm job [0-9]+' term.err | grep -oE '[0-9]+$')
for _ in $(seq 50); do
  [ "$(squeue -h -t all -j "$norm_id" -o %T 2>/dev/null)" = CANCELLED ] && break
  sleep 0.1
done
[ "$(squeue -h -t all -j "$norm_id" -o %T 2>/dev/null)" = CANCELLED ] ||
  fail "the normalize job was not cancelled"
[ -z "$(find out -mindepth 1 -maxdepth 1 ! -name '.*')" ] || fail "something was published"
echo "SIGTERM: exit 143, jobs cancelled, nothing published"
echo "slurm: all cases passed"
