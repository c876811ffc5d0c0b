#!/usr/bin/env bash
# Whole-process benchmarks: netsnip against mdBook and markdown-it-include on the same
# generated book, timed side by side in one hyperfine run, plus peak memory of each command.
#
# Usage: scripts/bench.sh [RUNS]     (RUNS: timed runs per command, default 5)
#
# Needs hyperfine and GNU time (Debian packages `hyperfine` and `time`), node and npm, and
# mdbook 0.5 on PATH. markdown-it and markdown-it-include are installed into
# target/bench-node/ on first use. Books go to target/bench-books/, outputs and results to
# target/bench-results/; BENCHMARKS.md records what this printed.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${1:-5}
TARGET=${CARGO_TARGET_DIR:-target}
BOOKS=target/bench-books
RESULTS=target/bench-results
NODE_DIR=target/bench-node

for tool in hyperfine node npm mdbook python3; do
    command -v "$tool" >/dev/null || { echo "error: $tool is not installed" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time is missing (Debian package time)" >&2; exit 2; }

if [ ! -d "$NODE_DIR/node_modules/markdown-it-include" ]; then
    mkdir -p "$NODE_DIR"
    npm install --prefix "$NODE_DIR" --no-audit --no-fund --silent \
        markdown-it@15 markdown-it-include@2
fi

cargo build --release --quiet --bin netsnip --example generate_book
NETSNIP=$TARGET/release/netsnip
GENERATE=$TARGET/release/examples/generate_book
mkdir -p "$RESULTS"

generate() {
    "$GENERATE" --chapters "$1" --out "$BOOKS/c$1" | tee "$RESULTS/c$1-book.txt"
}

# Prints the peak resident set size of one run of the command, in MB.
peak_memory() {
    /usr/bin/time -f %M -o "$RESULTS/time.txt" "$@" >/dev/null 2>&1
    awk '{ printf "%.1f", $1 / 1024 }' "$RESULTS/time.txt"
}

# Times every command of the comparison on book C=$1, then records peak memory. `sync` before
# each run writes back what earlier runs wrote (up to 467 MB for C=10000), so that a run is
# not slowed down by the page cache flushing another's output.
compare() {
    local book=$BOOKS/c$1 out=$RESULTS/c$1
    local -a names=(
        "netsnip check"
        "netsnip build --no-html"
        "netsnip build"
        "mdbook build (twin)"
        "markdown-it-include expand"
        "markdown-it + include render"
    )
    local -a commands=(
        "$NETSNIP check --root $book/netsnip"
        "$NETSNIP build --root $book/netsnip --no-html --out $out/netsnip-markdown"
        "$NETSNIP build --root $book/netsnip --out $out/netsnip-html"
        "mdbook build $book/mdbook --dest-dir $(realpath -m "$out/mdbook")"
        "node scripts/markdown-it-include.js expand $book/netsnip"
        "node scripts/markdown-it-include.js render $book/netsnip"
    )
    local -a arguments=()
    for i in "${!names[@]}"; do
        arguments+=(-n "${names[$i]}" "${commands[$i]}")
    done
    hyperfine --warmup 1 --runs "$RUNS" -N --style basic --prepare sync \
        --export-json "$out.json" --export-markdown "$out.md" "${arguments[@]}"

    echo "peak memory, C=$1 (MB):"
    for i in "${!names[@]}"; do
        # shellcheck disable=SC2086 # The command strings are split into words on purpose.
        echo "  ${names[$i]}: $(peak_memory ${commands[$i]})"
    done
}

# Times `netsnip check` and `netsnip build --no-html` on both sizes in one run, for scaling.
scale() {
    hyperfine --warmup 1 --runs "$RUNS" -N --style basic --prepare sync \
        --export-json "$RESULTS/scaling.json" --export-markdown "$RESULTS/scaling.md" \
        -n "check C=1000" "$NETSNIP check --root $BOOKS/c1000/netsnip" \
        -n "check C=10000" "$NETSNIP check --root $BOOKS/c10000/netsnip" \
        -n "build --no-html C=1000" \
        "$NETSNIP build --root $BOOKS/c1000/netsnip --no-html --out $RESULTS/c1000/scale" \
        -n "build --no-html C=10000" \
        "$NETSNIP build --root $BOOKS/c10000/netsnip --no-html --out $RESULTS/c10000/scale"

    echo "peak memory (MB):"
    for size in 1000 10000; do
        echo "  check C=$size: $(peak_memory "$NETSNIP" check --root "$BOOKS/c$size/netsnip")"
        echo "  build --no-html C=$size: $(peak_memory "$NETSNIP" build --root \
            "$BOOKS/c$size/netsnip" --no-html --out "$RESULTS/c$size/scale")"
    done
}

# Prints the ratios the targets are stated in, from the medians hyperfine recorded.
ratios() {
    python3 - "$RESULTS/c1000.json" "$RESULTS/scaling.json" <<'EOF'
import json, sys

def medians(path):
    with open(path) as f:
        return {r["command"]: r["median"] for r in json.load(f)["results"]}

c1000, scaling = medians(sys.argv[1]), medians(sys.argv[2])
print("medians (s):", {k: round(v, 3) for k, v in c1000.items()})
print("check / markdown-it-include expand: %.3f" % (c1000["netsnip check"] / c1000["markdown-it-include expand"]))
print("build / mdbook build (twin): %.3f" % (c1000["netsnip build"] / c1000["mdbook build (twin)"]))
print("check C=10000 / C=1000: %.2f" % (scaling["check C=10000"] / scaling["check C=1000"]))
print("build --no-html C=10000 / C=1000: %.2f" % (scaling["build --no-html C=10000"] / scaling["build --no-html C=1000"]))
EOF
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$NETSNIP" --version 2>/dev/null || true
mdbook --version
echo "node $(node --version)"

generate 1000
generate 10000
"$NETSNIP" check --root "$BOOKS/c1000/netsnip"
compare 1000
scale
ratios | tee "$RESULTS/ratios.txt"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
