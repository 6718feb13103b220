#!/usr/bin/env bash
# deps.sh run|test: install the Debian 12 packages that `make run` or
# `make test` needs and that are missing; through sudo when not root. When it
# cannot install, it prints the one command that would, and fails.
set -u
what=${1:-test}

# package:probe, where probe is a command on PATH or an absolute file path.
pkgs_run="make:make clang:clang lld:ld.lld liburing-dev:/usr/include/liburing.h"
pkgs_test="$pkgs_run libcmocka-dev:/usr/include/cmocka.h
  python3-pytest:/usr/lib/python3/dist-packages/pytest/__init__.py
  libclang-rt-14-dev:/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.asan-x86_64.a"
case $what in
  run) list=$pkgs_run ;;
  test) list=$pkgs_test ;;
  *) echo "usage: deps.sh run|test" >&2; exit 2 ;;
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
