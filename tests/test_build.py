"""The llama.cpp wheel the Makefile builds is portable, and its cache is keyed by its flags.

A native build (-march=native) on a host that advertises AMX inside a VM dies by SIGILL; a
wheel cached from such a build must never be picked up by a portable setup."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def build_info(*overrides: str) -> dict[str, str]:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    done = subprocess.run(
        ["make", "-s", "--no-print-directory", "llama-build-info", *overrides],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    pairs = (line.split(": ", 1) for line in done.stdout.splitlines())
    return {key: value for key, value in pairs}


def test_the_makefile_builds_for_any_x86_64_v3_cpu() -> None:
    flags = build_info()["cmake_args"].split()
    assert "-DGGML_NATIVE=OFF" in flags
    for baseline in ("AVX", "AVX2", "FMA", "F16C", "BMI2"):
        assert f"-DGGML_{baseline}=ON" in flags
    for unsafe in ("AVX512", "AMX_TILE", "AMX_INT8", "AMX_BF16"):
        assert f"-DGGML_{unsafe}=OFF" in flags
    assert not any("march=native" in flag for flag in flags)


def test_the_wheel_cache_is_keyed_by_package_and_flags() -> None:
    info = build_info()
    makefile = (ROOT / "Makefile").read_text()
    package = re.search(r"^LLAMA\s*:=\s*(\S+)", makefile, re.MULTILINE)
    assert package is not None
    key = hashlib.sha256(f"{package.group(1)}|{info['cmake_args']}".encode()).hexdigest()[:16]
    assert info["wheels"].endswith(f"/llama-{key}")
    native = build_info("LLAMA_CMAKE_ARGS=-DGGML_NATIVE=ON")
    assert native["cmake_args"] == "-DGGML_NATIVE=ON"
    assert native["wheels"] != info["wheels"]


def test_the_installed_llama_cpp_has_no_avx512_or_amx_kernels() -> None:
    llama_cpp = pytest.importorskip("llama_cpp", reason="installed by `make setup`")
    features = llama_cpp.llama_print_system_info().decode()
    assert "AVX2 = 1" in features
    assert "AVX512 = 1" not in features
    assert "AMX" not in features  # listed only when compiled in


def test_setup_builds_that_wheel_past_pip_s_cache_and_installs_it_over_any_other(
    tmp_path: Path,
) -> None:
    """pip's wheel cache is not keyed by CMAKE_ARGS (a native wheel built earlier would come
    back), and pip keeps an installed llama-cpp-python of the same version unless forced."""
    info = build_info()
    done = subprocess.run(
        ["make", "-n", "--no-print-directory", "setup", f"VENV={tmp_path / 'venv'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    recipe = done.stdout.replace("\\\n", " ")
    build = next(line for line in recipe.splitlines() if " pip wheel " in line)
    assert f'CMAKE_ARGS="{info["cmake_args"]}"' in build
    assert "--no-cache-dir" in build and f"-w {info['wheels']} " in build
    install = next(line for line in recipe.splitlines() if "--force-reinstall" in line)
    assert f"{info['wheels']}/llama_cpp_python-" in install
    key = info["wheels"].rsplit("-", 1)[1]
    assert f"touch {tmp_path / 'venv'}/.llm-installed-{key}" in recipe
