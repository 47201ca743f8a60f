#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, configured and kept in a folder of its own, for
# trying scripts/slurm/explore.sh and for the test that runs it. Needs Debian's slurmctld,
# slurmd, slurm-client and munge (scripts/install-tools.sh installs them), run as root.
#
#   scripts/slurm/local-cluster.sh start DIR   # starts munged, slurmctld and slurmd; prints
#                                              # the SLURM_CONF to export
#   scripts/slurm/local-cluster.sh stop DIR    # stops them
#
# The node has this machine's cores and memory; the daemons' logs are in DIR/log.
set -euo pipefail

die() { echo "local-cluster.sh: $*" >&2; exit 2; }
[ $# -eq 2 ] || die "usage: $0 start|stop DIR"
action=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
conf=$dir/slurm.conf

stop() {
    if [ -f "$conf" ]; then
        SLURM_CONF=$conf scontrol shutdown >/dev/null 2>&1 || true
    fi
    for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid"; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill "$pid" 2>/dev/null || true
        rm -f "$pidfile"
    done
    if [ -S "$dir/munge.sock" ]; then
        munged --stop --socket="$dir/munge.sock" >/dev/null 2>&1 || true
    fi
}

case "$action" in
    stop) stop; exit 0 ;;
    start) ;;
    *) die "unknown action $action: start or stop" ;;
esac

for tool in munged slurmctld slurmd sbatch sinfo scontrol; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found: run scripts/install-tools.sh (Debian: slurmctld slurmd slurm-client munge)"
done
[ "$(id -u)" -eq 0 ] || die "slurmd must run as root"
stop
chmod 755 "$dir"
mkdir -p "$dir/state" "$dir/spool" "$dir/log"

# munge: a key of our own and a socket in DIR, so that no system daemon is needed.
if [ ! -f "$dir/munge.key" ]; then
    head -c 128 /dev/urandom >"$dir/munge.key"
fi
chmod 600 "$dir/munge.key"
munged --force --socket="$dir/munge.sock" --key-file="$dir/munge.key" --log-file="$dir/log/munged.log" \
    --pid-file="$dir/munged.pid" --seed-file="$dir/munged.seed"

# Ports of this cluster's own, from the folder's name, so that two clusters rarely meet.
port=$(( 20000 + $(cksum <<<"$dir" | cut -d' ' -f1) % 20000 / 2 * 2 ))
host=$(hostname -s)
cpus=$(nproc)
memory=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 ))
cat >"$conf" <<CONF
# A one-node cluster written by scripts/slurm/local-cluster.sh.
ClusterName=mee-local
MailProg=/bin/true
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$(( port + 1 ))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge.sock
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2,bf_interval=2
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=mee-node NodeAddr=127.0.0.1 NodeHostname=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=mee Nodes=mee-node Default=YES MaxTime=INFINITE State=UP
CONF

export SLURM_CONF=$conf
slurmctld -f "$conf" -i
slurmd -f "$conf" -N mee-node
for _ in $(seq 60); do
    state=$(sinfo -h -N -o %t 2>/dev/null || true)
    if [ "$state" = "idle" ]; then
        echo "export SLURM_CONF=$conf"
        exit 0
    fi
    sleep 0.5
done
echo "local-cluster.sh: the node did not come up (state: ${state:-none}); logs in $dir/log:" >&2
tail -n 5 "$dir"/log/*.log >&2 || true
stop
exit 1
