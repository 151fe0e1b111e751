"""Per-rule memory and time of a Slurm run, from sacct, against what the jobs requested.

Usage: python resource_summary.py SACCT_OUTPUT

SACCT_OUTPUT holds `sacct -n -P -o JobID,Comment,MaxRSS,ElapsedRaw,ReqMem,AllocCPUS,Timelimit`
for the run's jobs and their steps. The plugin puts `rule_<name>[_wildcards_...]` in each job's
comment; MaxRSS is reported on the steps (<jobid>.batch, <jobid>.0). Prints one line per rule:
number of jobs, largest MaxRSS and its share of the requested memory (--mem, from the rule's
mem_mb), longest elapsed time and its share of the time limit (-t, from the rule's runtime), and
the CPUs. Exit status 1 if a job used more memory or time than it requested (a real cluster
would have killed it; the test cluster does not enforce limits), else 0.
"""

from __future__ import annotations

import sys
from collections import defaultdict

UNITS = {"K": 1 / 1024, "M": 1.0, "G": 1024.0, "T": 1024.0**2}


def mebibytes(text: str) -> float:
    """'123456K' -> MiB; '' -> 0."""
    text = text.strip()
    if not text:
        return 0.0
    if text[-1] in UNITS:
        return float(text[:-1]) * UNITS[text[-1]]
    return float(text) / 1024**2


def seconds(limit: str) -> float:
    """Slurm time limit '[D-]HH:MM:SS' or 'MM:SS' -> seconds; 'UNLIMITED'/'' -> inf."""
    limit = limit.strip()
    if not limit or limit in {"UNLIMITED", "Partition_Limit", "INVALID"}:
        return float("inf")
    days, _, clock = limit.rpartition("-")
    parts = [int(p) for p in clock.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0)
    return (int(days) if days else 0) * 86400 + parts[0] * 3600 + parts[1] * 60 + parts[2]


def main(path: str) -> int:
    rule_of: dict[str, str] = {}
    request: dict[str, tuple[float, float, str]] = {}
    rss: dict[str, float] = defaultdict(float)
    elapsed: dict[str, int] = defaultdict(int)
    with open(path) as handle:
        for line in handle:
            fields = line.rstrip("\n").split("|")
            if len(fields) < 7:
                continue
            jobid, comment, maxrss, elapsed_raw, reqmem, cpus, timelimit = fields[:7]
            job = jobid.split(".")[0]
            if "." not in jobid and comment.startswith("rule_"):
                rule_of[job] = comment[len("rule_"):].split("_wildcards_")[0]
                request[job] = (mebibytes(reqmem), seconds(timelimit), cpus)
            rss[job] = max(rss[job], mebibytes(maxrss))
            elapsed[job] = max(elapsed[job], int(elapsed_raw or 0))
    if not rule_of:
        print(f"no jobs with a rule_<name> comment in {path}")
        return 1
    per_rule: dict[str, list[str]] = defaultdict(list)
    for job, rule in rule_of.items():
        per_rule[rule].append(job)
    print(f"{'rule':<26} {'jobs':>4} {'MaxRSS MiB':>10} {'--mem MiB':>9} {'used':>5} "
          f"{'elapsed s':>9} {'-t min':>6} {'used':>5} {'CPUs':>4}")
    over = []
    for rule in sorted(per_rule):
        jobs = per_rule[rule]
        mem_share = max(rss[j] / request[j][0] if request[j][0] else 0.0 for j in jobs)
        time_share = max(elapsed[j] / request[j][1] for j in jobs)
        reqmem, limit, cpus = request[jobs[0]]
        print(f"{rule:<26} {len(jobs):>4} {max(rss[j] for j in jobs):>10.0f} {reqmem:>9.0f} "
              f"{mem_share:>5.0%} {max(elapsed[j] for j in jobs):>9} {limit / 60:>6.0f} "
              f"{time_share:>5.0%} {cpus:>4}")
        if mem_share > 1 or time_share > 1:
            over.append(rule)
    if over:
        print(f"jobs of {', '.join(over)} used more memory or time than requested")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
