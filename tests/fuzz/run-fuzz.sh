#!/usr/bin/env bash
# One bounded libFuzzer run of a fuzz target (the CTest label `fuzz`, scripts/test --fuzz):
#   run-fuzz.sh TARGET CORPUS_DIR DICT WORK_DIR SECONDS
# It fuzzes a fresh copy of the committed corpus (WORK_DIR/corpus: new inputs never touch the
# committed one) for SECONDS, one input at most 10 s and 2 GiB. A finding (crash, sanitizer report,
# timeout, out of memory) fails the test; its input is kept in WORK_DIR/findings/ and the lines to
# reproduce and minimise it are printed.
set -uo pipefail
target=$1 corpus=$2 dict=$3 work=$4 seconds=$5
rm -rf "$work"
mkdir -p "$work/corpus" "$work/findings"
cp "$corpus"/* "$work/corpus/"
# Leaks are not checked (ns-3 keeps some objects until exit on purpose); any other report stops the run.
export ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -detect_leaks=0 -print_final_stats=1 \
  -dict="$dict" -artifact_prefix="$work/findings/" "$work/corpus"
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "run-fuzz: $(basename "$target") found something (exit $rc); its input is in $work/findings/:" >&2
  ls -l "$work/findings" >&2
  for f in "$work"/findings/*; do
    [ -f "$f" ] || continue
    echo "  reproduce: $target $f" >&2
    echo "  minimise:  $target -minimize_crash=1 -runs=10000 -detect_leaks=0 -exact_artifact_path=$f.min $f" >&2
  done
fi
exit "$rc"
