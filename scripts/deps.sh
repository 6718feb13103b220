#!/usr/bin/env bash
# deps.sh run|debug PLATFORM | test | bench: install the Debian 12 packages
# that `make run` or `make debug` (for that platform), `make test` or `make
# bench` (everything) needs and that are
# missing; through sudo when not root. When it cannot install, it prints the
# one command that would, and fails.
set -u
what=${1:-test}
platform=${2:-hosted}

# package:probe, where probe is a command on PATH or an absolute file path.
base="make:make clang:clang lld:ld.lld liburing-dev:/usr/include/liburing.h"
arm=qemu-system-arm:qemu-system-aarch64
riscv=qemu-system-misc:qemu-system-riscv64
x86=qemu-system-x86:qemu-system-x86_64
case $what in
  run)
    case $platform in
      arm32|arm64) list="$base $arm" ;;
      rv32|rv64) list="$base $riscv" ;;
      x32|x64) list="$base $x86" ;;
      *) list=$base ;;
    esac ;;
  debug)
    "$0" run "$platform" || exit 1
    list="gdb-multiarch:gdb-multiarch" ;;
  test)
    list="$base $arm $riscv $x86 libcmocka-dev:/usr/include/cmocka.h
      python3-pytest:/usr/lib/python3/dist-packages/pytest/__init__.py
      libclang-rt-14-dev:/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.asan-x86_64.a
      libc6-dev-i386:/usr/lib32/crt1.o
      lib32gcc-12-dev:/usr/lib/gcc/x86_64-linux-gnu/12/32/crtbegin.o
      qemu-user-static:qemu-i386-static" ;;
  bench)
    list="$base $arm $riscv $x86 valgrind:valgrind
      python3-matplotlib:/usr/lib/python3/dist-packages/matplotlib/__init__.py" ;;
  *) echo "usage: deps.sh run|debug PLATFORM | deps.sh test|bench" >&2; exit 2 ;;
esac

missing=()
for entry in $list; do
  pkg=${entry%%:*} probe=${entry#*:}
  if [ "${probe:0:1}" = / ]; then
    [ -e "$probe" ] || missing+=("$pkg")
  else
    command -v "$probe" >/dev/null 2>&1 || missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
echo "deps: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=sudo
else
  echo "deps: cannot install as $(id -un); run: sudo apt-get update && sudo $cmd" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! { $sudo apt-get update -qq && $sudo $cmd -qq; }; then
  echo "deps: install failed; run: sudo apt-get update && sudo $cmd" >&2
  exit 1
fi
