"""Kernel stores (Eq. 15, Appendix) are never overwritten, misread or over-sized silently.

precompute refuses to replace data that is not a chaindrag kernel store, refuses a store
the disk or memory cannot hold before writing anything, and names a bad ``path``; a
store with a lost chunk file is refused instead of reading Gamma = 0; KernelStore.require
and the kernel solver name bad arguments (ParameterError) and print mismatching
omega_fast values with all their digits.
"""

from __future__ import annotations

import math
import shutil
from collections import namedtuple

import numpy as np
import pytest
import zarr

from chaindrag import simulate
from chaindrag.kernel import gamma, open_store, precompute
from chaindrag.params import ParameterError, StoreError

OMEGA_FAST, D = 10.0, 60
RUN = dict(alpha=40.0, phi0=2.0, lam=4.0, sigma0=220.0, v0=30.0, tau_max=0.5, solver="kernel")


def _files(path):
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*"))
            if p.is_file()}


@pytest.fixture()
def store_path(tmp_path):
    path = tmp_path / "k.zarr"
    precompute(path, n_max=40, tau_max=5.0, omega_fast=OMEGA_FAST, d=D)  # 2 time chunks
    return path


def _foreign_group(path, attrs):
    g = zarr.open_group(path, mode="w", zarr_format=3)
    g.create_array("mydata", data=np.arange(10.0))
    g.attrs.update(attrs)


@pytest.mark.parametrize("attrs, kind", [
    ({"note": "precious"}, "without a format attribute"),
    ({"format": "chaindrag.trajectory", "complete": True}, "chaindrag.trajectory"),
], ids=["no_format", "other_format"])
def test_precompute_refuses_to_overwrite_a_zarr_group_that_is_not_a_kernel_store(
        tmp_path, attrs, kind):
    path = tmp_path / "u.zarr"
    _foreign_group(path, attrs)
    before = _files(path)
    with pytest.raises(StoreError) as info:
        precompute(path, n_max=5, tau_max=0.1)
    for text in (str(path), "not a chaindrag kernel store", "will not be overwritten", kind):
        assert text in str(info.value)
    assert _files(path) == before


def test_precompute_refuses_a_directory_of_other_files_naming_it(tmp_path):
    path = tmp_path / "u.zarr"
    path.mkdir()
    (path / "notes.txt").write_text("precious")
    with pytest.raises(StoreError, match="not a chaindrag kernel store") as info:
        precompute(path, n_max=5, tau_max=0.1)
    assert str(path) in str(info.value)
    assert (path / "notes.txt").read_text() == "precious"


def test_a_store_without_the_kernel_format_attribute_does_not_open(store_path):
    g = zarr.open_group(store_path, mode="r+", zarr_format=3)
    del g.attrs["format"]
    with pytest.raises(StoreError, match="not a chaindrag kernel store"):
        open_store(store_path)


def test_a_store_missing_a_chunk_is_refused(store_path):
    (store_path / "gamma" / "c" / "0" / "0").unlink()
    with pytest.raises(StoreError) as info:
        open_store(store_path)
    for text in (str(store_path), "gamma/c/0/0", "1 of 2"):
        assert text in str(info.value)
    with pytest.raises(StoreError, match="missing"):
        simulate(**RUN, kernel_store=store_path)


def test_a_chunk_lost_after_opening_is_refused_when_read(store_path):
    store = open_store(store_path)
    (store_path / "gamma" / "c" / "0" / "1").unlink()
    store.window(41, 2048)  # the first chunk is still there
    with pytest.raises(StoreError, match=str(store_path)):
        store.window(41, 3000)


def test_precompute_recomputes_a_damaged_store_of_its_own(store_path):
    (store_path / "gamma" / "c" / "0" / "0").unlink()
    store = precompute(store_path, n_max=40, tau_max=5.0, omega_fast=OMEGA_FAST, d=D)
    np.testing.assert_allclose(store.window(41, 100)[:, -1], gamma(np.arange(41), 100 / 600),
                               rtol=0, atol=1e-15)


@pytest.mark.parametrize("kw, name", [
    (dict(n_max=math.nan), "n_max"), (dict(n_max=2.5), "n_max"), (dict(n_max=True), "n_max"),
    (dict(tau_max=math.nan), "tau_max"), (dict(tau_max=-1.0), "tau_max"),
    (dict(tau_max="5"), "tau_max"), (dict(d=60.7), "d"), (dict(d=True), "d"),
    (dict(omega_fast=math.nan), "omega_fast"), (dict(omega_fast=0.5), "omega_fast"),
])
def test_require_refuses_bad_arguments_naming_them(store_path, kw, name):
    with pytest.raises(ParameterError, match=rf"\b{name}\b"):
        open_store(store_path).require(**kw)


def test_a_store_larger_than_the_free_disk_is_refused_with_the_estimate(store_path,
                                                                          monkeypatch):
    before = _files(store_path)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage(2**30, 2**30 - 2**20, 2**20))
    with pytest.raises(ParameterError) as info:  # 41 x 6000 doubles = 1.9 MB > 1 MiB free
        precompute(store_path, n_max=40, tau_max=10.0, omega_fast=OMEGA_FAST, d=D)
    for text in ("n_max=40", "tau_max=10", "0.00183 GiB", "0.000977 GiB free"):
        assert text in str(info.value)
    assert _files(store_path) == before
    assert sorted(p.name for p in store_path.parent.iterdir()) == ["k.zarr"]


@pytest.mark.parametrize("kw", [dict(n_max=10**9, tau_max=0.1), dict(n_max=20, tau_max=1e9)],
                         ids=["n_max_1e9", "tau_max_1e9"])
def test_a_store_beyond_memory_or_disk_is_refused_before_allocating(tmp_path, kw):
    with pytest.raises(ParameterError, match=r"GiB.*(physical memory|free at)"):
        precompute(tmp_path / "k.zarr", **kw)
    assert not (tmp_path / "k.zarr").exists()


@pytest.mark.parametrize("path", [None, 5, ""])
def test_precompute_names_a_bad_path(path):
    with pytest.raises(ParameterError, match=r"\bpath\b"):
        precompute(path, n_max=5, tau_max=0.1)


def test_an_omega_fast_mismatch_is_printed_with_all_digits(store_path):
    with pytest.raises(StoreError) as info:
        simulate(**RUN, kernel_store=store_path, omega_fast=OMEGA_FAST + 1e-10)
    assert "omega_fast=10.0000000001" in str(info.value)


@pytest.mark.parametrize("site", [math.nan, 2.7, "3", True, 1e300])
def test_kernel_first_site_must_be_an_integer(store_path, site):
    with pytest.raises(ParameterError, match=r"\bkernel_first_site\b"):
        simulate(**RUN, kernel_store=store_path, kernel_first_site=site)
