"""Per-rule memory and time of a Slurm run, from sacct, for sizing the profile's resources.

Usage: python resource_summary.py SACCT_OUTPUT

SACCT_OUTPUT holds `sacct -n -P -o JobID,Comment,MaxRSS,ElapsedRaw,ReqMem,AllocCPUS` for the
run's jobs and their steps. The plugin puts `rule_<name>[_wildcards_...]` in each job's comment;
MaxRSS is reported on the steps (<jobid>.batch, <jobid>.0). Prints one line per rule: number of
jobs, largest MaxRSS, longest elapsed time, requested memory and CPUs.
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


def main(path: str) -> None:
    rule_of: dict[str, str] = {}
    request: dict[str, tuple[str, str]] = {}
    rss: dict[str, float] = defaultdict(float)
    elapsed: dict[str, int] = defaultdict(int)
    with open(path) as handle:
        for line in handle:
            fields = line.rstrip("\n").split("|")
            if len(fields) < 6:
                continue
            jobid, comment, maxrss, elapsed_raw, reqmem, cpus = fields[:6]
            job = jobid.split(".")[0]
            if "." not in jobid and comment.startswith("rule_"):
                rule_of[job] = comment[len("rule_"):].split("_wildcards_")[0]
                request[job] = (reqmem, cpus)
            rss[job] = max(rss[job], mebibytes(maxrss))
            elapsed[job] = max(elapsed[job], int(elapsed_raw or 0))
    per_rule: dict[str, list[str]] = defaultdict(list)
    for job, rule in rule_of.items():
        per_rule[rule].append(job)
    print(f"{'rule':<32} {'jobs':>4} {'max MaxRSS MiB':>14} {'max elapsed s':>13} {'ReqMem':>8} {'CPUs':>4}")
    for rule in sorted(per_rule):
        jobs = per_rule[rule]
        reqmem, cpus = request[jobs[0]]
        print(f"{rule:<32} {len(jobs):>4} {max(rss[j] for j in jobs):>14.0f} "
              f"{max(elapsed[j] for j in jobs):>13} {reqmem:>8} {cpus:>4}")


if __name__ == "__main__":
    main(sys.argv[1])
