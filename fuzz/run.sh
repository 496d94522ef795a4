#!/usr/bin/env bash
# Builds Backprop's fuzz targets with libFuzzer (swiftc -sanitize=fuzzer,address) and runs each
# for SECONDS (default 600) on the committed seed corpus in fuzz/corpus/<target>.
#
#   bash fuzz/run.sh [SECONDS] [TARGET...]     targets: csv idx model-json safetensors arguments
#
# New inputs go to .build-fuzz/corpus/<target> (not committed); a crash is written to
# .build-fuzz/artifacts/ and the script exits non-zero. Turn every crash into a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(csv idx model-json safetensors arguments)

scratch=.build-fuzz
build=$scratch/x86_64-unknown-linux-gnu/release
flags=(-c release --package-path fuzz --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
declare -A product=([csv]=FuzzCSV [idx]=FuzzIDX [model-json]=FuzzModelJSON [safetensors]=FuzzSafeTensors [arguments]=FuzzArguments)

status=0
for t in "${targets[@]}"; do
    p=${product[$t]:?"unknown target $t (csv, idx, model-json, safetensors, arguments)"}
    # SwiftPM compiles the target and its dependencies (instrumented); the link is done here,
    # against libFuzzer's own main (SwiftPM's executable link would add a main of its own): this
    # target's objects and every library module's, not the other fuzz targets' or executables'.
    rm -f "$build/$p.build/"*.o         # only this target's current objects are linked
    swift build "${flags[@]}" --target "$p" >/dev/null
    objects=()
    for dir in "$build"/*.build; do
        name=$(basename "$dir" .build)
        case "$name" in Fuzz*|BackpropCLI|BackpropBench|*Tests|*-tool) [ "$name" = "$p" ] || continue ;; esac
        while IFS= read -r o; do objects+=("$o"); done < <(find "$dir" -name '*.o')
    done
    swiftc -sanitize=fuzzer,address -use-ld=lld -o "$build/$p" "${objects[@]}" \
        $(pkg-config --libs openblas zlib) -lm -lFoundation -lFoundationEssentials -lFoundationInternationalization 2>"$scratch/$t.link.log" \
        || { cat "$scratch/$t.link.log" >&2; exit 1; }
    mkdir -p "$scratch/corpus/$t" "$scratch/artifacts"
    log=$scratch/$t.log
    if "$build/$p" "$scratch/corpus/$t" "fuzz/corpus/$t" -max_total_time="$seconds" -rss_limit_mb=2048 \
        -max_len=65536 -artifact_prefix="$scratch/artifacts/$t-" -print_final_stats=1 >"$log" 2>&1; then
        result=ok
    else
        result=CRASH
        status=1
    fi
    runs=$(grep -E "^stat::number_of_executed_units" "$log" | awk '{print $2}')
    echo "$t: $result, ${runs:-?} executions in ${seconds}s, corpus $(ls "$scratch/corpus/$t" | wc -l) inputs (log: $log)"
done
exit $status
