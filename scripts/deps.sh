#!/usr/bin/env bash
# deps.sh run|debug PLATFORM | test | bench: install the Debian 12 packages
# that `make run` or `make debug` (for that platform), `make test` or `make
# bench` (everything) needs and that are missing; through sudo when not
# root. When it cannot install, it prints the one command that would, and
# fails. .ci/run calls it too, so this is the one list.
#
# Checked on a clean Debian 12 chroot (minbase + git make sudo
# ca-certificates, ../shared/tools/fresh-debian): every package a command of
# ours runs is named here, even where a desktop install has it already
# (iproute2's `ip`, python3 for the IPv6 relay of `make run`).
set -u
what=${1:-test}
platform=${2:-hosted}

base="make clang lld liburing-dev"
arm=qemu-system-arm
riscv=qemu-system-misc
x86=qemu-system-x86
# `make run` on bare metal starts scripts/udp6_relay.py beside QEMU, and the
# README's check is `echo hi | nc -u -w1 localhost 8888`.
run_extra="python3 netcat-openbsd"
case $what in
  run)
    case $platform in
      arm32|arm64) list="$base $arm $run_extra" ;;
      rv32|rv64) list="$base $riscv $run_extra" ;;
      x32|x64) list="$base $x86 $run_extra" ;;
      *) list="$base netcat-openbsd" ;;
    esac ;;
  debug)
    "$0" run "$platform" || exit 1
    list="gdb-multiarch" ;;
  test)
    # libclang-rt-14-dev: ASan, UBSan and libFuzzer. libc6-dev-i386,
    # lib32gcc-12-dev and gcc-multilib (its /usr/include/asm): the i386 build
    # of the Wasm spec runner, run under qemu-user-static. iproute2: the TAP
    # test. tshark: the packet-capture test decodes what was captured.
    # llvm: llvm-strip, for every target's ELF (the size test, make sizes).
    # clang-format: the format test checks the C against .clang-format.
    list="$base $arm $riscv $x86 python3 python3-pytest libcmocka-dev
      libclang-rt-14-dev libc6-dev-i386 lib32gcc-12-dev gcc-multilib
      qemu-user-static iproute2 tshark llvm clang-format" ;;
  bench)
    list="$base $arm $riscv $x86 python3 valgrind binutils llvm
      python3-matplotlib" ;;
  *) echo "usage: deps.sh run|debug PLATFORM | deps.sh test|bench" >&2; exit 2 ;;
esac

missing=()
for pkg in $list; do
  dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q ' installed$' ||
    missing+=("$pkg")
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
