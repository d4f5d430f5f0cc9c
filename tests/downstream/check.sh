#!/usr/bin/env bash
# Installs the built tree into a scratch prefix, builds the downstream program against it with
# find_package(ofab), runs it and checks what it prints.
set -euo pipefail
build="$1"
work="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >"$work/install.log"
cmake -S "$here" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >"$work/configure.log"
cmake --build "$work/build" >"$work/build.log"
out="$("$work/build/downstream")"
echo "$out"
grep -qx 'capacity_gbps 800' <<<"$out"
grep -qx 'answer 42' <<<"$out"
grep -qx 'listen_port 7700' <<<"$out"
rm -rf "$work"
