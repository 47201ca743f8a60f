#!/usr/bin/env bash
# Runs a `mee explore` sweep on a Slurm cluster: a job array with one task per shard (one per
# config unless --shards says otherwise), then a merge job that starts when every task has
# succeeded (--dependency=afterok) and writes OUT/explore.csv, OUT/explore.md and
# OUT/explore.svg, the same rows in the same order as `mee explore --sweep SWEEP` on one machine.
#
#   scripts/slurm/explore.sh SWEEP OUT [--shards N] [--wait] [-- SBATCH_OPTION...]
#
# SWEEP   the sweep file (TOML; see docs/exploration.md)
# OUT     a folder every node sees (a shared file system): OUT/shards/K holds shard K's file
#         and work files, OUT/cache the row cache all tasks share, OUT/logs the Slurm logs
# --shards N   split into N tasks (default: one task per config)
# --wait       wait for the merge job and exit with its status
# -- ...       further options for both sbatch calls (--partition, --account, --qos, ...)
#
# Each task asks for the cores, memory and time that `mee explore plan` derives from the
# sweep's flow settings, and first runs scripts/install-tools.sh (the tests' install script),
# which installs the EDA tools only where they are missing. The `mee` binary is built once here
# (cargo build --release) unless MEE_BIN names one; it must be on the shared file system.
set -euo pipefail

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "explore.sh: $*" >&2; exit 2; }

[ $# -ge 2 ] || usage
sweep=$1
out=$2
shift 2
shards=""
wait=false
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --shards) [ $# -ge 2 ] || die "--shards needs a number"; shards=$2; shift 2 ;;
        --wait) wait=true; shift ;;
        --) shift; extra=("$@"); break ;;
        *) die "unknown option $1 (see the top of $0)" ;;
    esac
done
[ -f "$sweep" ] || die "no sweep file $sweep"
if [ -n "$shards" ] && ! [[ "$shards" =~ ^[1-9][0-9]*$ ]]; then die "--shards $shards: expected a positive number"; fi
command -v sbatch >/dev/null 2>&1 || die "sbatch not found: this needs a Slurm cluster (Debian: slurm-client)"

repo=$(cd "$(dirname "$0")/../.." && pwd)
sweep=$(cd "$(dirname "$sweep")" && pwd)/$(basename "$sweep")
mkdir -p "$out"
out=$(cd "$out" && pwd)
if [ -z "${MEE_BIN:-}" ]; then
    (cd "$repo" && cargo build --release --bin mee)
    MEE_BIN=$repo/target/release/mee
fi
[ -x "$MEE_BIN" ] || die "MEE_BIN=$MEE_BIN is not an executable"

# The plan: MEE_CONFIGS, MEE_SHARDS, MEE_CPUS_PER_TASK, MEE_MEM_MB, MEE_TIME_MINUTES.
plan=$("$MEE_BIN" explore plan --sweep "$sweep" ${shards:+--shards "$shards"})
eval "$(grep -E '^MEE_[A-Z_]+=[0-9a-f]+$' <<<"$plan")"
echo "$plan" | grep -v '^MEE_SWEEP' >&2

mkdir -p "$out/shards" "$out/cache" "$out/logs"
# A new submission replaces the shard files of an earlier one (the cache keeps their rows).
rm -f "$out"/shards/*/shard-*-of-*.json
q() { printf '%q' "$1"; }
cat >"$out/explore-task.sh" <<TASK
#!/usr/bin/env bash
# One task of the job array: shard \$SLURM_ARRAY_TASK_ID of $MEE_SHARDS of $(q "$sweep").
set -euo pipefail
bash $(q "$repo/scripts/install-tools.sh") eda
exec $(q "$MEE_BIN") explore --sweep $(q "$sweep") --out $(q "$out/shards")/\$SLURM_ARRAY_TASK_ID \\
    --cache $(q "$out/cache") --shard \$SLURM_ARRAY_TASK_ID/$MEE_SHARDS --jobs \${SLURM_CPUS_PER_TASK:-1}
TASK
cat >"$out/explore-merge.sh" <<MERGE
#!/usr/bin/env bash
# The merge job: the shards' rows into one report, once every task has succeeded.
set -euo pipefail
exec $(q "$MEE_BIN") explore merge --out $(q "$out") $(q "$out/shards")/*/
MERGE
chmod +x "$out/explore-task.sh" "$out/explore-merge.sh"

array=$(sbatch --parsable --job-name=mee-explore --array="1-$MEE_SHARDS" \
    --cpus-per-task="$MEE_CPUS_PER_TASK" --mem="${MEE_MEM_MB}M" --time="$MEE_TIME_MINUTES" \
    --output="$out/logs/explore-%A_%a.log" "${extra[@]}" "$out/explore-task.sh")
array=${array%%;*}
merge_args=(--parsable --job-name=mee-explore-merge --dependency="afterok:$array" --kill-on-invalid-dep=yes
    --cpus-per-task=1 --mem=1024M --time=30 --output="$out/logs/merge-%j.log" "${extra[@]}")
echo "submitted job array $array ($MEE_SHARDS tasks of $MEE_CONFIGS configs); logs in $out/logs" >&2
if $wait; then
    echo "waiting for the merge job" >&2
    status=0
    sbatch --wait "${merge_args[@]}" "$out/explore-merge.sh" >/dev/null || status=$?
    if [ $status -ne 0 ]; then
        echo "explore.sh: the sweep failed (exit $status); see $out/logs" >&2
        exit $status
    fi
    echo "merged into $out/explore.csv, explore.md and explore.svg" >&2
else
    merge=$(sbatch "${merge_args[@]}" "$out/explore-merge.sh")
    echo "submitted merge job ${merge%%;*}: it writes $out/explore.csv, explore.md and explore.svg" >&2
fi
