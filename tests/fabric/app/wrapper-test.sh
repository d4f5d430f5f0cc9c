#!/usr/bin/env bash
# scripts/ofab's steady state: the first call checks the Debian packages and builds; later calls do
# neither until a file the build reads changes (then only the build runs) or the package list changes
# (then only the package check runs). Runs a copy of scripts/{ofab,setup,build} in a scratch project,
# with stand-ins for cmake and dpkg-query on PATH that log each call, so it builds nothing for real
# and never touches the project's build folder. No timing: it counts calls.
# Usage: wrapper-test.sh (from anywhere)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
tmp="$(mktemp -d /tmp/ofab-wrapper-test.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
proj="$tmp/project"
log="$tmp/calls.log"
mkdir -p "$proj/scripts" "$proj/fabric" "$tmp/bin"
cp "$root/scripts/ofab" "$root/scripts/setup" "$root/scripts/build" "$proj/scripts/"
echo "project(scratch)" >"$proj/CMakeLists.txt"
echo "int x;" >"$proj/fabric/x.cc"

cat >"$tmp/bin/dpkg-query" <<EOF
#!/bin/sh
echo "dpkg-query \$*" >>"$log"
printf 'install ok installed'
EOF
# cmake -S SRC -B BUILD ...: configure (a cache); cmake --build BUILD ...: a program that says its version.
cat >"$tmp/bin/cmake" <<EOF
#!/bin/sh
echo "cmake \$*" >>"$log"
[ -n "\${FAKE_CMAKE_FAIL:-}" ] && exit 1
if [ "\$1" = "-S" ]; then touch "\$4/CMakeCache.txt"; exit 0; fi
mkdir -p "\$2/bin"
printf '#!/bin/sh\necho "ofab 9.9 (stand-in)"\n' >"\$2/bin/ofab"
chmod +x "\$2/bin/ofab"
EOF
chmod +x "$tmp/bin/dpkg-query" "$tmp/bin/cmake"
export PATH="$tmp/bin:$PATH" OFAB_BUILD_DIR="$tmp/build"

failures=0
check() { # check WHAT CONDITION...
  local what="$1"
  shift
  if "$@"; then echo "ok    $what"; else echo "FAIL  $what"; failures=$((failures + 1)); fi
}
calls() { grep -c "^$1" "$log" || true; }
call() { # runs scripts/ofab --version with an empty call log; its output in $out
  : >"$log"
  out="$("$proj/scripts/ofab" --version 2>"$tmp/stderr")" || return 1
}
# An edit after the last build: the file is touched now and the stamp set back ten seconds (no sleep).
edit_after_build() {
  touch "$@"
  for stamp in "$tmp"/build/.ofab-build-stamp*; do touch -d "@$(($(date +%s) - 10))" "$stamp"; done
}

call
check "the first call answers" [ "$out" = "ofab 9.9 (stand-in)" ]
check "the first call checks the packages" [ "$(calls dpkg-query)" -gt 10 ]
check "the first call configures and builds" [ "$(calls "cmake -S")" -eq 1 -a "$(calls "cmake --build")" -eq 1 ]
check "scripts/ofab builds only the program" [ "$(calls "cmake --build.*--target ofab")" -eq 1 ]

call
check "the second call answers" [ "$out" = "ofab 9.9 (stand-in)" ]
check "the second call checks no package and runs no cmake" [ ! -s "$log" ]

edit_after_build "$proj/fabric/x.cc"
call
check "after a source change the build runs (and only the build)" \
  [ "$(calls "cmake --build")" -eq 1 -a "$(calls "cmake -S")" -eq 0 -a "$(calls dpkg-query)" -eq 0 ]
call
check "then the next call runs nothing" [ ! -s "$log" ]

touch "$proj/fabric/scratch.tmp" && rm "$proj/fabric/scratch.tmp"
touch -d "@$(($(date +%s) + 60))" "$proj/fabric" # only the folder changed (a test's scratch file)
call
check "a folder's time alone builds nothing" [ ! -s "$log" ]

echo "int y;" >"$proj/fabric/new.cc"
edit_after_build "$proj/fabric/new.cc"
call
check "a new source file makes the build run" [ "$(calls "cmake --build")" -eq 1 ]

edit_after_build "$proj/CMakeLists.txt"
if FAKE_CMAKE_FAIL=1 call; then failed_build=0; else failed_build=1; fi
check "a failing build fails the call" [ "$failed_build" -eq 1 ]
call
check "after a failed build the next call builds again" [ "$(calls "cmake --build")" -eq 1 ]

sed -i 's/^  clang-format git /  clang-format git coreutils /' "$proj/scripts/setup"
check "(the package list of the copy was edited)" grep -q "clang-format git coreutils" "$proj/scripts/setup"
call
check "a changed package list is checked again, with no build" \
  [ "$(calls "dpkg-query -W -f=\${Status} coreutils")" -eq 1 -a "$(calls cmake)" -eq 0 ]
call
check "then the next call checks nothing" [ ! -s "$log" ]

rm "$tmp/build/bin/ofab"
call
check "a missing program is built again" [ "$(calls "cmake --build")" -eq 1 -a "$out" = "ofab 9.9 (stand-in)" ]

: >"$log"
"$proj/scripts/build" >/dev/null 2>&1
check "a full build (scripts/test's) still builds everything after the program alone" \
  [ "$(calls "cmake --build")" -eq 1 -a "$(calls "cmake --build.*--target")" -eq 0 ]
call
check "after a full build scripts/ofab builds nothing" [ ! -s "$log" ]

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
