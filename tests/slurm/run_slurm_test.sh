#!/usr/bin/env bash
# Integration test: the workflow through a real single-node Slurm cluster with the SLURM profile
# (workflow/profiles/slurm) and the official executor plugin (snakemake-executor-plugin-slurm).
#
# As root on Debian/Ubuntu it installs Slurm, munge, slurmdbd and MariaDB from the distribution,
# starts them without systemd under a private state root (recreated every run), then
#   1. runs the real workflow's quick preset through Slurm, from scratch, in a fresh copy of the
#      checkout, with the profile as shipped (only the first status check comes sooner);
#   2. checks that sacct lists every submitted job COMPLETED under the run's name (the plugin's
#      run UUID), in the profile's partition and account, and that each job's log exists;
#   3. runs the quick preset locally (--cores 2) in an identical copy and compares
#      results/tables/*.csv (tests/slurm/compare_tables.py: equal bytes, every table; no
#      table records a wall time);
#   4. runs tests/slurm/mini/Snakefile with --config fail=1 through Slurm: one job exits 1 on
#      purpose, and Snakemake must report it and exit non-zero (and sacct show it FAILED).
# Every daemon and child process it started is stopped by its PID (never by name) in an EXIT
# trap, also when a step fails or the script is interrupted. Without root or apt-get it prints
# "SKIPPED: ..." and exits 0. The last line is always "slurm integration: N passed, M failed";
# the exit status is non-zero if anything failed.
#
#   bash tests/slurm/run_slurm_test.sh         (or: make test-slurm)
#
# Environment: CHAINDRAG_SLURM_ROOT (state root, default /tmp/chaindrag-slurm-test),
#              CHAINDRAG_SLURM_VENV (virtual environment the copy is pip-installed into, with
#                  the [slurm] extra; default $CHAINDRAG_SLURM_ROOT/venv, kept between runs),
#              PYTHON (interpreter for a new venv, default python3).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
ROOT="${CHAINDRAG_SLURM_ROOT:-/tmp/chaindrag-slurm-test}"
PYTHON="${PYTHON:-python3}"
PROFILE_REL="workflow/profiles/slurm"
T0=$SECONDS
PASSED=0
FAILED=0

log() { printf '[slurm-test %4ds] %s\n' "$((SECONDS - T0))" "$*"; }
skip() {
    echo "SKIPPED: $*"
    echo "slurm integration: 0 passed, 0 failed (skipped)"
    exit 0
}
pass() { PASSED=$((PASSED + 1)); log "PASS: $*"; }
fail() { FAILED=$((FAILED + 1)); log "FAIL: $*"; }
# A failure of the cluster set-up itself: report, count, and leave (the EXIT trap cleans up).
die() {
    fail "$*"
    finish
}
# The EXIT trap stops everything and prints the summary line last.
FINISHED=0
finish() {
    FINISHED=1
    [[ $FAILED -eq 0 ]] && exit 0 || exit 1
}

[[ "$(id -u)" -eq 0 ]] || skip "needs root to install and start Slurm (run as root, e.g. in CI)"
command -v apt-get >/dev/null 2>&1 || skip "needs apt-get (Debian/Ubuntu) to install Slurm"
command -v dpkg-query >/dev/null 2>&1 || skip "needs dpkg-query (Debian/Ubuntu) to install Slurm"
command -v "$PYTHON" >/dev/null 2>&1 || skip "needs $PYTHON for the test's virtual environment"

RUN="$ROOT/run"      # pid files, one directory per daemon, owned by the daemon's user
STATE="$ROOT/state"  # databases, spool and state directories
LOGS="$ROOT/logs"
ETC="$ROOT/etc"
WORK="$ROOT/work"    # the copies of the checkout the workflow runs in
# Its own venv (not the Makefile's .venv): the package is installed editable from the test's copy
# of the checkout, so that both runs use the same code even while the checkout is being edited.
# Kept between runs: a second run only reinstalls the package itself.
VENV="${CHAINDRAG_SLURM_VENV:-$ROOT/venv}"

# ------------------------------------------------------- processes: stopped by their PID only
STARTED=()      # "name:pidfile" of the daemons this run started, in start order
LINKED_CONF=0   # 1 once /etc/slurm/slurm.conf is our symlink
CHILD=""        # PID of the foreground step running in the background (see run_step)
PIP_PID=""      # PID of the background venv set-up

# A zombie (exited, not yet reaped by its parent) counts as stopped.
alive() { [[ -r "/proc/$1/stat" ]] && ! grep -qE '^[0-9]+ \(.*\) Z' "/proc/$1/stat"; }

# Send TERM to PID $1, wait up to $2 seconds, then KILL.
stop_pid() {
    local pid="$1" limit="${2:-20}" i
    alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < limit * 5; i++)); do
        alive "$pid" || return 0
        sleep 0.2
    done
    log "pid $pid ignored SIGTERM for ${limit}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null
}

# Stop the daemon whose pid file is $2 if its process is really $1 (a reused PID is left alone).
stop_pidfile() {
    local name="$1" pidfile="$2" pid
    [[ -s "$pidfile" ]] || return 0
    pid="$(tr -dc '0-9' <"$pidfile")"
    if [[ -n "$pid" ]] && alive "$pid" && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$name"* ]]; then
        stop_pid "$pid" 20
    fi
    rm -f "$pidfile"
}

# run_step LOG COMMAND...: run COMMAND in the background, its output appended to LOG, and wait
# for it: a TERM/INT to this script then reaches the EXIT trap at once (bash runs traps only
# between foreground commands), which stops the step by PID. (LOG is an argument, not a
# redirection of run_step, so that the trap's own output is not redirected with it.)
run_step() {
    local out="$1"
    shift
    "$@" >>"$out" 2>&1 &
    CHILD=$!
    wait "$CHILD"
    local rc=$?
    CHILD=""
    return "$rc"
}

# PIDs of the children of PID $1, from /proc (selected by parent PID, never by name).
children_of() {
    local stat fields
    for stat in /proc/[0-9]*/stat; do
        fields="$(cat "$stat" 2>/dev/null)" || continue
        fields="${fields##*) }"  # after "pid (comm) ": state ppid ...
        fields="${fields#* }"
        [[ "${fields%% *}" == "$1" ]] && { stat="${stat#/proc/}"; echo "${stat%/stat}"; }
    done
}

# Stop the step running as $CHILD (usually `timeout ... snakemake`): SIGINT to its children makes
# Snakemake cancel its Slurm jobs (scancel) and exit (SIGTERM would let the jobs finish first).
stop_step() {
    local kids pid i
    alive "$CHILD" || return 0
    kids="$(children_of "$CHILD" | tr '\n' ' ')"
    for pid in $kids; do kill -INT "$pid" 2>/dev/null; done
    for ((i = 0; i < 150; i++)); do
        alive "$CHILD" || return 0
        sleep 0.2
    done
    for pid in $kids; do stop_pid "$pid" 10; done
    stop_pid "$CHILD" 10
}

cleanup() {
    local status=$? i entry
    trap - EXIT INT TERM
    # A step still running (interrupted test) goes first, while slurmctld is still up.
    [[ -n "$CHILD" ]] && stop_step
    if [[ -n "$PIP_PID" ]] && alive "$PIP_PID"; then
        local pid
        for pid in $(children_of "$PIP_PID"); do stop_pid "$pid" 10; done
        stop_pid "$PIP_PID" 10
    fi
    # Jobs still queued or running on the test cluster (after a failed check) go next.
    if ((${#STARTED[@]})) && [[ -n "${SLURM_CONF:-}" ]]; then
        local jobs
        jobs="$(timeout 10 squeue -h -o %i 2>/dev/null | tr '\n' ' ')"
        if [[ -n "${jobs// /}" ]]; then
            log "cancelling Slurm jobs $jobs"
            timeout 10 scancel $jobs 2>/dev/null
            for ((i = 0; i < 30; i++)); do  # let slurmd end the jobs' processes
                [[ -z "$(timeout 10 squeue -h -o %i 2>/dev/null)" ]] && break
                sleep 1
            done
        fi
    fi
    for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
        entry="${STARTED[i]}"
        stop_pidfile "${entry%%:*}" "${entry#*:}"
    done
    ((${#STARTED[@]})) && log "stopped ${#STARTED[@]} daemons by PID"
    [[ $LINKED_CONF -eq 1 ]] && rm -f /etc/slurm/slurm.conf
    if [[ $FINISHED -eq 0 ]]; then  # interrupted or an unexpected exit
        FAILED=$((FAILED + 1))
        log "FAIL: interrupted or unexpected exit (status $status)"
        [[ $status -eq 0 ]] && status=1
    fi
    echo "slurm integration: $PASSED passed, $FAILED failed"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Daemons left by an earlier run that was killed before its EXIT trap ran.
for entry in slurmd:slurmd/slurmd.pid slurmctld:slurmctld/slurmctld.pid slurmdbd:slurmdbd/slurmdbd.pid \
    mariadbd:mysqld/mariadbd.pid munged:munge/munged.pid; do
    stop_pidfile "${entry%%:*}" "$RUN/${entry#*:}"
done
rm -rf "$RUN" "$STATE" "$LOGS" "$ETC" "$WORK"
mkdir -p "$RUN"/{munge,mysqld,slurmdbd,slurmctld,slurmd} "$STATE"/{munge,slurmctld,slurmd} \
    "$LOGS"/{munge,mysql,slurm} "$ETC" "$WORK"
chmod 755 "$ROOT" "$RUN" "$STATE" "$LOGS"

# ------------------------------------------------------------- checkout copies and the venv
# A fresh copy of the checkout: tracked files plus new, not ignored ones (nothing the workflow
# or an earlier run wrote).
copy_checkout() {
    mkdir -p "$1"
    if git -C "$REPO" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        git -C "$REPO" ls-files -z --cached --others --exclude-standard \
            | (cd "$REPO" && tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null) \
            | tar -C "$1" -xf -
    else  # not a git checkout (e.g. an unpacked archive): everything but venvs and outputs
        tar -C "$REPO" --exclude=./.venv --exclude=./results --exclude=./.snakemake \
            --exclude=./.git -cf - . | tar -C "$1" -xf -
    fi
}
# One snapshot of the checkout, taken once: the Slurm run works in it, the local run in an exact
# copy of it, and the package is installed from it. Edits to the checkout while the test runs
# therefore change neither run.
copy_checkout "$WORK/slurm" || die "could not copy the checkout"
for f in Snakefile config.yaml "$PROFILE_REL/config.yaml" tests/slurm/mini/Snakefile \
    tests/slurm/compare_tables.py tests/slurm/resource_summary.py; do
    [[ -f "$WORK/slurm/$f" ]] || die "the copy of the checkout lacks $f"
done
cp -a "$WORK/slurm" "$WORK/local" || die "could not copy the checkout"

# What a user does: pip install -e ".[slurm]" (the [slurm] extra must bring the plugin).
setup_venv() {
    if [[ ! -x "$VENV/bin/python" ]]; then
        "$PYTHON" -m venv "$VENV" || return 1
    fi
    cd "$WORK/slurm" && "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[slurm]"
}
# It runs while apt installs Slurm, unless the interpreter lacks venv (Debian: python3-venv).
EXTRA_PACKAGES=()
if "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1 || [[ -x "$VENV/bin/python" ]]; then
    log "pip install -e \".[slurm]\" into $VENV (in the background)"
    setup_venv >"$LOGS/pip.log" 2>&1 &
    PIP_PID=$!
else
    EXTRA_PACKAGES=(python3-venv)
fi

# ---------------------------------------------------------------------------------- packages
PACKAGES=(slurmctld slurmd slurm-client munge slurmdbd mariadb-server "${EXTRA_PACKAGES[@]}")
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    log "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    run_step "$LOGS/apt.log" apt-get update -qq || { tail -20 "$LOGS/apt.log"; die "apt-get update failed"; }
    run_step "$LOGS/apt.log" apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        || { tail -20 "$LOGS/apt.log"; die "apt-get install ${missing[*]} failed"; }
fi
for tool in munged mungekey munge unmunge mariadbd mariadb-install-db mariadb mariadb-admin slurmdbd \
    slurmctld slurmd sbatch srun squeue scancel sacct sacctmgr sinfo scontrol; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found after installing ${PACKAGES[*]}"
done
log "$(slurmctld -V), $(mariadbd --version | awk '{print $1, $2, $3}')"
if [[ -z "$PIP_PID" ]]; then
    log "pip install -e \".[slurm]\" into $VENV"
    setup_venv >"$LOGS/pip.log" 2>&1 &
    PIP_PID=$!
fi

chown munge:munge "$RUN/munge" "$STATE/munge" "$LOGS/munge"
chown mysql:mysql "$RUN/mysqld" "$LOGS/mysql"
chown slurm:slurm "$RUN/slurmdbd" "$RUN/slurmctld" "$STATE/slurmctld" "$LOGS/slurm"
chmod 700 "$STATE/munge"

free_port() { "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() {  # wait_for SECONDS COMMAND...: retry COMMAND every 0.5 s
    local limit="$1" i
    shift
    for ((i = 0; i < limit * 2; i++)); do
        if [[ "$(type -t "$1")" == function ]]; then
            "$@" >/dev/null 2>&1 && return 0
        else  # a client can hang on a daemon still starting
            timeout 10 "$@" >/dev/null 2>&1 && return 0
        fi
        sleep 0.5
    done
    return 1
}

# --------------------------------------------------------------------------------- munge
# Slurm's clients (sacctmgr, sacct) reach munged only at its default socket, so the test uses it:
# an munged already serving it is reused (and left running), otherwise one is started.
MUNGE_SOCKET=/run/munge/munge.socket.2
munge_ok() { timeout 5 munge -n -S "$MUNGE_SOCKET" | timeout 5 unmunge -S "$MUNGE_SOCKET"; }
if munge_ok >/dev/null 2>&1; then
    log "reusing the munged already listening on $MUNGE_SOCKET"
else
    [[ -s /etc/munge/munge.key ]] || mungekey --create --keyfile=/etc/munge/munge.key
    chown munge:munge /etc/munge/munge.key
    chmod 600 /etc/munge/munge.key
    mkdir -p /run/munge
    chown munge:munge /run/munge
    chmod 755 /run/munge
    runuser -u munge -- munged --pid-file="$RUN/munge/munged.pid" \
        --log-file="$LOGS/munge/munged.log" --seed-file="$STATE/munge/munged.seed" \
        || die "munged did not start (see $LOGS/munge/munged.log)"
    STARTED+=("munged:$RUN/munge/munged.pid")
fi
wait_for 20 munge_ok || die "munge credentials do not round-trip"
log "munged up"

# ------------------------------------------------------------------------------- MariaDB
DB_PORT="$(free_port)"
DB_SOCKET="$RUN/mysqld/mysqld.sock"
DB_PASS="chaindrag-slurm-test"
mariadb-install-db --no-defaults --user=mysql --datadir="$STATE/mysql" \
    --auth-root-authentication-method=socket >"$LOGS/mariadb-install.log" 2>&1 \
    || { tail -20 "$LOGS/mariadb-install.log"; die "mariadb-install-db failed"; }
# mariadbd does not daemonize: run it in the background and write its pid file ourselves.
mariadbd --no-defaults --user=mysql --datadir="$STATE/mysql" --socket="$DB_SOCKET" \
    --bind-address=127.0.0.1 --port="$DB_PORT" --pid-file="$RUN/mysqld/mariadbd-own.pid" \
    --log-error="$LOGS/mysql/mariadb.log" --innodb-buffer-pool-size=64M >/dev/null 2>&1 &
echo $! >"$RUN/mysqld/mariadbd.pid"
STARTED+=("mariadbd:$RUN/mysqld/mariadbd.pid")
wait_for 60 mariadb-admin --no-defaults --socket="$DB_SOCKET" ping \
    || { tail -20 "$LOGS/mysql/mariadb.log"; die "MariaDB did not come up"; }
mariadb --no-defaults --socket="$DB_SOCKET" -u root <<SQL || die "could not create the slurm database user"
CREATE DATABASE IF NOT EXISTS slurm_acct_db;
CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '$DB_PASS';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';
FLUSH PRIVILEGES;
SQL
log "MariaDB up on 127.0.0.1:$DB_PORT"

# -------------------------------------------------------------------------- Slurm config
# Partition and account are the ones the profile names, so the profile is tested unchanged.
read -r PARTITION ACCOUNT < <("$PYTHON" - "$WORK/slurm/$PROFILE_REL/config.yaml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def value(key):
    m = re.search(rf'^\s+{key}:\s*"?([A-Za-z0-9_.-]+)"?', text, re.M)
    return m.group(1) if m else "MISSING"
print(value("slurm_partition"), value("slurm_account"))
PY
)
[[ "$PARTITION" != MISSING && "$ACCOUNT" != MISSING ]] \
    || die "$PROFILE_REL/config.yaml names no slurm_partition / slurm_account"
CLUSTER="chaindragtest"
HOST="$(hostname -s)"
NODE_LINE="$(slurmd -C | head -n 1)"
NODE="$(sed -E 's/^NodeName=([^ ]+).*/\1/' <<<"$NODE_LINE")"
# Configure 95% of the detected memory: a node reporting less than configured is drained.
MEM="$(sed -E 's/.*RealMemory=([0-9]+).*/\1/' <<<"$NODE_LINE")"
NODE_LINE="$(sed -E "s/RealMemory=[0-9]+/RealMemory=$((MEM * 95 / 100))/" <<<"$NODE_LINE")"
CTLD_PORT="$(free_port)"
SLURMD_PORT="$(free_port)"
DBD_PORT="$(free_port)"
render() {
    sed -e "s|@CLUSTER@|$CLUSTER|g" -e "s|@HOST@|$HOST|g" -e "s|@NODE@|$NODE|g" \
        -e "s|@NODE_LINE@|$NODE_LINE|g" -e "s|@PARTITION@|$PARTITION|g" \
        -e "s|@CTLD_PORT@|$CTLD_PORT|g" -e "s|@SLURMD_PORT@|$SLURMD_PORT|g" \
        -e "s|@DBD_PORT@|$DBD_PORT|g" -e "s|@DB_PORT@|$DB_PORT|g" -e "s|@DB_PASS@|$DB_PASS|g" \
        -e "s|@STATE@|$STATE|g" -e "s|@RUN@|$RUN|g" \
        -e "s|@LOG@|$LOGS/slurm|g" "$1"
}
render "$HERE/slurm.conf.in" >"$ETC/slurm.conf"
render "$HERE/slurmdbd.conf.in" >"$ETC/slurmdbd.conf"
chown slurm:slurm "$ETC/slurmdbd.conf"
chmod 600 "$ETC/slurmdbd.conf"
chmod 644 "$ETC/slurm.conf"
# Slurm commands and daemons read this instead of /etc/slurm/slurm.conf; slurmdbd finds
# slurmdbd.conf next to it. Inside a job, however, the plugin's job step (snakemake-executor-
# plugin-slurm-jobstep) removes SLURM_* variables, SLURM_CONF included, before calling srun, which
# then reads the default path: that path points to our file for the test's duration (removed
# by the EXIT trap). An existing file there belongs to a real cluster and is never replaced.
export SLURM_CONF="$ETC/slurm.conf"
if [[ -e /etc/slurm/slurm.conf || -L /etc/slurm/slurm.conf ]] \
    && [[ "$(readlink /etc/slurm/slurm.conf)" != "$ROOT/"* ]]; then
    die "/etc/slurm/slurm.conf exists (a configured Slurm?); the test will not replace it"
fi
mkdir -p /etc/slurm
ln -sfn "$SLURM_CONF" /etc/slurm/slurm.conf
LINKED_CONF=1

# ------------------------------------------------------------------------------ slurmdbd
slurmdbd || die "slurmdbd did not start (see $LOGS/slurm/slurmdbd.log)"
wait_for 20 test -s "$RUN/slurmdbd/slurmdbd.pid"
STARTED+=("slurmdbd:$RUN/slurmdbd/slurmdbd.pid")
wait_for 60 sacctmgr -n show cluster \
    || { tail -20 "$LOGS/slurm/slurmdbd.log"; die "slurmdbd does not answer"; }
sacctmgr -i add cluster "$CLUSTER" >/dev/null || die "sacctmgr add cluster failed"
sacctmgr -i add account "$ACCOUNT" cluster="$CLUSTER" description=chaindrag-test organization=chaindrag >/dev/null \
    || die "sacctmgr add account failed"
sacctmgr -i add user root account="$ACCOUNT" cluster="$CLUSTER" >/dev/null || die "sacctmgr add user failed"
log "slurmdbd up (cluster $CLUSTER, account $ACCOUNT)"

# ------------------------------------------------------------------- slurmctld and slurmd
slurmctld || die "slurmctld did not start (see $LOGS/slurm/slurmctld.log)"
wait_for 20 test -s "$RUN/slurmctld/slurmctld.pid"
STARTED+=("slurmctld:$RUN/slurmctld/slurmctld.pid")
wait_for 30 scontrol ping || { tail -20 "$LOGS/slurm/slurmctld.log"; die "slurmctld does not answer"; }
slurmd || die "slurmd did not start (see $LOGS/slurm/slurmd.log)"
wait_for 20 test -s "$RUN/slurmd/slurmd.pid"
STARTED+=("slurmd:$RUN/slurmd/slurmd.pid")
node_idle() { timeout 10 sinfo -h -n "$NODE" -o %T | grep -qx idle; }
wait_for 60 node_idle || {
    sinfo -N -l
    tail -20 "$LOGS/slurm/slurmd.log"
    die "node $NODE never became idle"
}
log "cluster up: $(sinfo -h -o '%P %D nodes %c cpus %m MB %T')"
# Smoke test: a batch job whose step (srun, without SLURM_CONF) runs, as the plugin's jobs do.
run_step "$LOGS/smoke-sbatch.log" timeout 60 sbatch --wait -A "$ACCOUNT" -p "$PARTITION" \
    -o "$LOGS/smoke.out" --wrap 'env -u SLURM_CONF srun hostname' \
    || { cat "$LOGS/smoke-sbatch.log" "$LOGS/smoke.out"; die "a batch job with one srun step failed"; }

# ------------------------------------------------------------------------------ the venv
wait "$PIP_PID"  # the builtin: interruptible, unlike a foreground command
rc=$?
PIP_PID=""
if [[ $rc -ne 0 ]]; then
    tail -20 "$LOGS/pip.log"
    die "pip install -e .[slurm] failed (log: $LOGS/pip.log)"
fi
SNAKEMAKE="$VENV/bin/snakemake"
PLUGIN_VERSION="$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("snakemake-executor-plugin-slurm"))' 2>/dev/null)" \
    || die "pip install -e .[slurm] did not install snakemake-executor-plugin-slurm (is the [slurm] extra in pyproject.toml?)"
log "venv ready: snakemake $("$SNAKEMAKE" --version), snakemake-executor-plugin-slurm $PLUGIN_VERSION"

WORKFLOW_ARGS=(--config preset=quick)
WHAT="the workflow's quick preset"
# Polling every 5 s instead of the profile's 40 s only shortens the test; the profile is
# otherwise used as shipped.
FAST_POLL=(--slurm-init-seconds-before-status-checks 5)

# ------------------------------------------------------------ the workflow through Slurm
SETUP_TIME=$((SECONDS - T0))
log "running $WHAT through Slurm"
t=$SECONDS
cd "$WORK/slurm" || die "no directory $WORK/slurm"
run_step "$LOGS/snakemake-slurm.log" timeout 1200 "$SNAKEMAKE" --workflow-profile "$PROFILE_REL" \
    "${WORKFLOW_ARGS[@]}" "${FAST_POLL[@]}"
rc=$?
cd "$REPO" || die "no directory $REPO"
SLURM_TIME=$((SECONDS - t))
log "Slurm run finished with exit code $rc in ${SLURM_TIME}s (log: $LOGS/snakemake-slurm.log)"

log "running the same workflow locally (--cores 2)"
t=$SECONDS
cd "$WORK/local" || die "no directory $WORK/local"
run_step "$LOGS/snakemake-local.log" timeout 1200 "$SNAKEMAKE" --cores 2 "${WORKFLOW_ARGS[@]}"
rc_local=$?
cd "$REPO" || die "no directory $REPO"
LOCAL_TIME=$((SECONDS - t))
log "local run finished with exit code $rc_local in ${LOCAL_TIME}s (log: $LOGS/snakemake-local.log)"

if [[ $rc -ne 0 ]]; then
    tail -40 "$LOGS/snakemake-slurm.log"
    fail "the workflow failed under Slurm"
else
    # The plugin names every job of a run after the run's UUID (sbatch --job-name) and comments
    # it rule_<rule>[_wildcards_<values joined by _>].
    RUN_ID="$(sed -nE 's/.*SLURM run ID: ([0-9a-fA-F-]+).*/\1/p' "$LOGS/snakemake-slurm.log" | head -n 1)"
    SUBMITTED="$(grep -c 'has been submitted with SLURM jobid' "$LOGS/snakemake-slurm.log")"
    # Snakemake's job table ("total N") counts the target rule `all` too, which runs locally.
    PLANNED="$(awk '$1 == "total" && $2 ~ /^[0-9]+$/ {print $2; exit}' "$LOGS/snakemake-slurm.log")"
    sleep 2  # let slurmctld hand the last job end to slurmdbd
    sacct -n -X -P -S now-1days --name "$RUN_ID" -o JobID,State,Comment,AllocCPUS,ReqMem,Elapsed,Partition,Account,ExitCode \
        >"$LOGS/sacct-slurm.txt" 2>&1
    # Measured memory and time per rule against the requests the rules' resources became.
    job_ids="$(cut -d'|' -f1 "$LOGS/sacct-slurm.txt" | paste -sd, -)"
    if sacct -n -P -j "$job_ids" -o JobID,Comment,MaxRSS,ElapsedRaw,ReqMem,AllocCPUS,Timelimit \
        >"$LOGS/sacct-slurm-steps.txt" 2>&1 \
        && "$VENV/bin/python" "$WORK/slurm/tests/slurm/resource_summary.py" "$LOGS/sacct-slurm-steps.txt"; then
        pass "every job stayed within the memory (--mem) and time (-t) its rule's resources requested"
    else
        fail "a job used more memory or time than its rule requested (see the table above), or sacct failed"
    fi
    n_jobs="$(grep -c . "$LOGS/sacct-slurm.txt")"
    n_done="$(awk -F'|' -v p="$PARTITION" -v a="$ACCOUNT" '$2 == "COMPLETED" && $7 == p && $8 == a' "$LOGS/sacct-slurm.txt" | wc -l)"
    states="$(cut -d'|' -f2 "$LOGS/sacct-slurm.txt" | sort | uniq -c | awk '{printf "%s%s %s", sep, $1, $2; sep=", "}')"
    n_rules="$(cut -d'|' -f3 "$LOGS/sacct-slurm.txt" | sed -E 's/^rule_//; s/_wildcards_.*//' | sort -u | grep -c .)"
    missing_logs=0
    while IFS='|' read -r jobid _ comment _; do
        rule="${comment#rule_}"
        wildcards=""
        [[ "$rule" == *_wildcards_* ]] && wildcards="${rule#*_wildcards_}"
        rule="${rule%%_wildcards_*}"
        joblog="$WORK/slurm/.snakemake/slurm_logs/rule_$rule/${wildcards:+$wildcards/}$jobid.log"
        [[ -s "$joblog" ]] || { missing_logs=$((missing_logs + 1)); log "no log $joblog (job $jobid)"; }
    done <"$LOGS/sacct-slurm.txt"
    if [[ -n "$RUN_ID" && -n "$PLANNED" && $SUBMITTED -eq $((PLANNED - 1)) && $n_jobs -eq $SUBMITTED \
        && $n_done -eq $n_jobs && $missing_logs -eq 0 ]]; then
        pass "all $n_jobs jobs ($n_rules rules) of run $RUN_ID ran under Slurm: sacct --name $RUN_ID lists $states (partition $PARTITION, account $ACCOUNT); each has its log .snakemake/slurm_logs/rule_<rule>/<wildcards>/<jobid>.log"
    else
        cat "$LOGS/sacct-slurm.txt"
        fail "sacct/logs: run id '$RUN_ID', ${PLANNED:-?} jobs planned (incl. local 'all'), $SUBMITTED submitted, $n_jobs in sacct ($states), $n_done COMPLETED in $PARTITION/$ACCOUNT, $missing_logs logs missing"
    fi
fi

if [[ $rc -eq 0 && $rc_local -eq 0 ]]; then
    if "$VENV/bin/python" "$WORK/slurm/tests/slurm/compare_tables.py" "$WORK/slurm/results/tables" "$WORK/local/results/tables"; then
        pass "results/tables/*.csv from Slurm equal those of the local run"
    else
        fail "results/tables/*.csv differ between the Slurm and the local run"
    fi
else
    [[ $rc_local -ne 0 ]] && tail -40 "$LOGS/snakemake-local.log"
    fail "no table comparison: Slurm run exit $rc, local run exit $rc_local"
fi

# ------------------------------------------------------ a job failing on purpose under Slurm
log "running tests/slurm/mini/Snakefile with a failing rule through Slurm"
mkdir -p "$WORK/fail"
t=$SECONDS
cd "$WORK/fail" || die "no directory $WORK/fail"
run_step "$LOGS/snakemake-fail.log" timeout 600 "$SNAKEMAKE" --workflow-profile "$WORK/slurm/$PROFILE_REL" \
    --snakefile "$WORK/slurm/tests/slurm/mini/Snakefile" --config fail=1 "${FAST_POLL[@]}"
rc_fail=$?
cd "$REPO" || die "no directory $REPO"
FAIL_TIME=$((SECONDS - t))
log "failing run finished with exit code $rc_fail in $((SECONDS - t))s (log: $LOGS/snakemake-fail.log)"
FAIL_RUN_ID="$(sed -nE 's/.*SLURM run ID: ([0-9a-fA-F-]+).*/\1/p' "$LOGS/snakemake-fail.log" | head -n 1)"
sacct -n -X -P -S now-1days --name "${FAIL_RUN_ID:-none}" -o JobID,State,Comment,ExitCode >"$LOGS/sacct-fail.txt" 2>&1
FAIL_JOB="$(awk -F'|' '$3 == "rule_failing_rule" {print $1; exit}' "$LOGS/sacct-fail.txt")"
FAIL_STATE="$(awk -F'|' '$3 == "rule_failing_rule" {print $2 " (exit " $4 ")"; exit}' "$LOGS/sacct-fail.txt")"
fail_states="$(cut -d'|' -f2 "$LOGS/sacct-fail.txt" | sort | uniq -c | awk '{printf "%s%s %s", sep, $1, $2; sep=", "}')"
FAIL_LOG="$WORK/fail/.snakemake/slurm_logs/rule_failing_rule/${FAIL_JOB:-none}.log"
if [[ $rc_fail -ne 0 && $rc_fail -ne 124 ]] && grep -q "Error in rule failing_rule" "$LOGS/snakemake-fail.log" \
    && [[ "$FAIL_STATE" == FAILED* ]] && grep -q "exiting 1 on purpose" "$FAIL_LOG" 2>/dev/null; then
    pass "a job failing on purpose: Slurm job $FAIL_JOB $FAIL_STATE in sacct, its log kept with the error, Snakemake reports 'Error in rule failing_rule' and exits $rc_fail (run's jobs in sacct: $fail_states)"
else
    tail -40 "$LOGS/snakemake-fail.log"
    cat "$LOGS/sacct-fail.txt"
    fail "failing job: Snakemake exit code $rc_fail, sacct state '${FAIL_STATE:-none}', log $FAIL_LOG; expected non-zero exit, 'Error in rule failing_rule', FAILED and the error in the log"
fi

log "took $((SECONDS - T0))s: set-up (apt, venv, cluster) ${SETUP_TIME}s, quick preset through Slurm ${SLURM_TIME}s, locally ${LOCAL_TIME}s, failing run ${FAIL_TIME}s; Slurm $(slurmctld -V | awk '{print $2}'), snakemake $("$SNAKEMAKE" --version), plugin $PLUGIN_VERSION; logs in $LOGS"
finish
