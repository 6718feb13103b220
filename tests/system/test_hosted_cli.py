"""The hosted binary's command line and the seed's example program."""
import os
import re
import subprocess

import pytest
from conftest import BUILD, ROOT, SHARED


def run(*args):
    return subprocess.run([os.path.join(BUILD, "kernel.elf"), *args],
                          capture_output=True, text=True, timeout=10)


def test_help():
    r = run("--help")
    assert r.returncode == 0
    for opt in ("--disk", "--net", "--port", "--log", "--exit-when-idle"):
        assert opt in r.stdout


@pytest.mark.parametrize("args", [["--bogus"], ["--port"], ["--port", "0"],
                                  ["--port", "70000"], ["--net", "carrier-pigeon"],
                                  ["--net", "dgram:127.0.0.1:1"]])
def test_bad_command_line(args):
    r = run(*args)
    assert r.returncode == 2
    assert "usage:" in r.stderr


def test_missing_disk_file_is_reported(tmp_path):
    r = run("--disk", str(tmp_path / "nope.img"))
    assert r.returncode == 1
    assert "No such file" in r.stdout


def test_seed_example_prints_32_random_bytes():
    r = subprocess.run([os.path.join(BUILD, "seed-rng.elf"), "--exit-when-idle"],
                       capture_output=True, text=True, timeout=10)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "realmos 0.1 on hosted"
    assert re.fullmatch(r"Random bytes: [0-9a-f]{64}", lines[1])
    assert lines[1][-64:] != "0" * 64


def _seed_example_from(text, start, end):
    body = text.split(start, 1)[1].split(end, 1)[0]
    return body.strip("\n")


def test_seed_example_is_unchanged():
    seed = os.path.join(SHARED, "seeds", "picokernel-for-async-io.md")
    if not os.path.exists(seed):
        pytest.skip("../shared/seeds is not beside this clone: cannot compare "
                    "tests/seed/rng_example.c with the seed's text")
    ours = open(os.path.join(ROOT, "tests", "seed", "rng_example.c")).read()
    ours = _seed_example_from(ours, "/* ---- begin seed example ---- */",
                              "/* ---- end seed example ---- */")
    md = open(seed).read()
    block = md.split("## User API", 1)[1].split("```c", 1)[1].split("```", 1)[0]
    assert ours.strip() == block.strip()


def test_readme_example_compiles_and_runs(tmp_path):
    """The example in README.md is real code: build it against this build's
    kernel objects and run it."""
    import glob
    readme = open(os.path.join(ROOT, "README.md")).read()
    code = readme.split("```c\n", 1)[1].split("```", 1)[0]
    src = tmp_path / "readme.c"
    src.write_text(code)
    san = ["-fsanitize=address,undefined"] if BUILD.endswith("-san") else []
    objs = [o for d in ("lib", "kernel", "net", "platform/hosted")
            for o in glob.glob(os.path.join(BUILD, d, "*.o"))]
    exe = tmp_path / "readme"
    subprocess.run(["clang", "-std=c11", "-Wall", "-Wextra", "-Werror",
                    "-ffreestanding", *san,
                    "-I" + os.path.join(ROOT, "kernel", "api"),
                    "-I" + os.path.join(ROOT, "platform", "hosted"),
                    "-o", str(exe), str(src), *objs, "-luring"], check=True)
    r = subprocess.run([str(exe), "--exit-when-idle"], capture_output=True,
                       text=True, timeout=10)
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.fullmatch(r"tick: ok at \d+ ns", r.stdout.splitlines()[1])
