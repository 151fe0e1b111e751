"""params.cgroup_memory_limit reads the process's control group and the groups above it up
to the cgroup mount, never a file of the same name above the mount."""

from __future__ import annotations

from chaindrag import params

GIB = 2**30


def test_a_memory_limit_file_above_the_cgroup_mount_is_not_read(tmp_path):
    proc = tmp_path / "cgroup"
    proc.write_text("0::/job\n")
    root = tmp_path / "fs"  # the mount point (/sys/fs/cgroup on a machine)
    (root / "job").mkdir(parents=True)
    (root / "job" / "memory.max").write_text(str(4 * GIB))
    (root / "memory.max").write_text("max")
    (tmp_path / "memory.max").write_text(str(1 * GIB))  # outside the mount: no cgroup's file
    assert params.cgroup_memory_limit(proc, root) == 4 * GIB


def test_a_v1_memory_limit_file_above_the_memory_hierarchy_is_not_read(tmp_path):
    proc = tmp_path / "cgroup"
    proc.write_text("4:memory:/job\n")
    root = tmp_path / "fs"
    (root / "memory" / "job").mkdir(parents=True)
    (root / "memory" / "job" / "memory.limit_in_bytes").write_text(str(4 * GIB))
    (root / "memory.limit_in_bytes").write_text(str(1 * GIB))  # the v1 mount is root/memory
    assert params.cgroup_memory_limit(proc, root) == 4 * GIB
