#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# run-fuzzer.sh TARGET SEED_DIR ARTIFACT_DIR [libFuzzer options…]
#
# Runs one libFuzzer target for $FOYER_FUZZ_SECONDS (default 60) over a copy of its seed corpus
# (so that the source tree is never written to). Fails on any crash, leak, timeout or sanitizer
# report; the reproducer is kept in ARTIFACT_DIR. Reproduce with: TARGET ARTIFACT_DIR/crash-…
set -eu

target=$1
seeds=$2
artifacts=$3
shift 3
seconds=${FOYER_FUZZ_SECONDS:-60}

work=$(mktemp -d "${TMPDIR:-/tmp}/foyer-fuzz-XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
cp "$seeds"/* "$work"/
mkdir -p "$artifacts"

# Any UBSan finding is fatal; leaks are checked at every input (libFuzzer -detect_leaks).
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
# FOYER_FUZZ_ASAN_OPTIONS: per-target additions from tests/fuzz/meson.build.
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}${FOYER_FUZZ_ASAN_OPTIONS:+:$FOYER_FUZZ_ASAN_OPTIONS}"

echo "fuzzing $(basename "$target") for ${seconds}s over $(ls "$seeds" | wc -l) seeds"
exec "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -error_exitcode=1 -timeout_exitcode=1 \
  -artifact_prefix="$artifacts/$(basename "$target")-" "$@" "$work"
