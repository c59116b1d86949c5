#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets of Tests/Fuzz and runs one of them, or all in turn.
#
#   Tests/Fuzz/fuzz.sh                      every target for 60 s each
#   Tests/Fuzz/fuzz.sh FuzzJSON 3600        one target for an hour
#   Tests/Fuzz/fuzz.sh all 15               every target for 15 s (what .ci/run does)
#   Tests/Fuzz/fuzz.sh FuzzJSON 0 crash-…   re-run one input (a reproducer), no fuzzing
#
# Seeds: Corpus/<target>/ (hand-written, committed) plus inputs derived from Tests/JOSETests/Vectors by
# seeds.py. What the fuzzer learns goes to .build/corpus/<target>/ and stays between runs. A crash, a
# hang (-timeout), an allocation over -malloc_limit_mb or a broken property (Fuzz.check) stops the run
# with exit 1 and leaves the input in .build/artifacts/<target>/; turn it into a regression test in the
# module's test suite before fixing it.
set -euo pipefail
cd "$(dirname "$0")"

targets=(FuzzBase64URL FuzzJSON FuzzCompactJWS FuzzJWKSet FuzzProviderMetadata FuzzCallback FuzzTokenResponse
    FuzzHTTPResponse FuzzHTTPRequest)
target="${1:-all}"
seconds="${2:-60}"

# The largest input per target (bigger than every limit it meets, so the limits are exercised).
max_len() {
    case "$1" in
        FuzzBase64URL) echo 4096 ;;
        FuzzCallback | FuzzTokenResponse) echo 8192 ;;
        FuzzHTTPResponse) echo 65536 ;;
        *) echo 16384 ;;
    esac
}

# Targets that await (the flows, the HTTP client and server) leave tasks' allocations alive past the
# input, so LeakSanitizer would run after every input and cut the speed a hundredfold; leak checks stay
# on for the synchronous parsers, where a leaked OpenSSL object would show.
detect_leaks() {
    case "$1" in
        FuzzCallback | FuzzTokenResponse | FuzzHTTPResponse | FuzzHTTPRequest) echo 0 ;;
        *) echo 1 ;;
    esac
}

if [ "$target" != all ] && [[ ! " ${targets[*]} " == *" $target "* ]]; then
    echo "unknown target $target; one of: all ${targets[*]}" >&2
    exit 2
fi

# `--sanitize fuzzer` makes SwiftPM link libFuzzer's main; `-sanitize=fuzzer,address` as one flag is what
# instruments every module (SwiftPM passes `-sanitize=fuzzer -sanitize=address` separately, and the
# driver keeps only the last one, which leaves the code without coverage counters).
echo "building the fuzz targets"
mkdir -p .build
if ! swift build --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address >.build/build.log 2>&1; then
    grep -v "Cannot export local symbol" .build/build.log | tail -40
    echo "the fuzz targets do not build (log: $(dirname "$0")/.build/build.log)"
    exit 1
fi
binaries="$(swift build --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address --show-bin-path)"
python3 seeds.py .build/seeds >/dev/null

# Swift's crash backtracer does not run under AddressSanitizer; libFuzzer prints the stack instead.
export SWIFT_BACKTRACE=enable=no
export LSAN_OPTIONS="suppressions=$PWD/lsan.supp:print_suppressions=0"

run() {
    local name="$1"
    local corpus=".build/corpus/$name" artifacts=".build/artifacts/$name"
    mkdir -p "$corpus" "$artifacts" .build/seeds/"$name"
    local log=".build/$name.log"
    local options=(-max_len="$(max_len "$name")" -detect_leaks="$(detect_leaks "$name")" -timeout=20
        -rss_limit_mb=2560 -malloc_limit_mb=512 -artifact_prefix="$artifacts/" -print_final_stats=1)
    if [ "$seconds" = 0 ]; then
        "$binaries/$name" "${options[@]}" "${@:2}"
        return
    fi
    if "$binaries/$name" "${options[@]}" -max_total_time="$seconds" "$corpus" Corpus/"$name" .build/seeds/"$name" \
        >"$log" 2>&1; then
        echo "$name: $(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 | sed -E 's/^#([0-9]+)[[:space:]]+DONE */\1 runs, /')"
    else
        grep -v "^INFO:" "$log" | tail -40
        echo "$name FAILED; the input is in $(dirname "$0")/$artifacts/; re-run it with:"
        echo "  $(dirname "$0")/fuzz.sh $name 0 $(dirname "$0")/$(ls -t "$artifacts"/* 2>/dev/null | head -1)"
        return 1
    fi
}

status=0
if [ "$target" = all ]; then
    for name in "${targets[@]}"; do run "$name" || status=1; done
else
    run "$target" "${@:3}" || status=1
fi
exit $status
