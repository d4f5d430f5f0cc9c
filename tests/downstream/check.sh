#!/usr/bin/env bash
# Installs the built tree into a scratch prefix, checks that the package holds the models only (no
# header of the programs, nothing that includes Boost or protobuf, no Boost in the package config),
# builds the downstream program against it with find_package(ofab), runs it and checks what it prints.
set -euo pipefail
build="$1"
work="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >"$work/install.log"
include="$work/prefix/include/ofab"
fail() { echo "downstream: $*" >&2; exit 1; }
[ -f "$include/fabric/experiment/experiment-runner.h" ] || fail "the models' headers are not installed under include/ofab"
for program in fabric/server fabric/app; do
  [ ! -e "$include/$program" ] || fail "$program (a program's code) is installed with the models"
done
if grep -rlE '#include [<"]boost/' "$include"; then fail "installed headers include Boost"; fi
if grep -rlE '#include [<"](google/protobuf/|[^">]*\.pb\.h)' "$include"; then fail "installed headers include protobuf"; fi
if grep -l Boost "$work"/prefix/lib*/cmake/ofab/*.cmake; then fail "the package config mentions Boost"; fi
cmake -S "$here" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >"$work/configure.log"
cmake --build "$work/build" >"$work/build.log"
out="$("$work/build/downstream" "$here/../../experiments/chakra/tiny-dp/workload")"
echo "$out"
grep -qx 'capacity_gbps 800' <<<"$out"
grep -qx 'accelerators 4' <<<"$out"
grep -qx 'transactions accounted' <<<"$out"
grep -qx 'chakra_ops 36' <<<"$out"
rm -rf "$work"
