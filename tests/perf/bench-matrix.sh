#!/usr/bin/env bash
# The README's end-to-end table: each protocol x compression, unlimited and at 500 Mbit/s, RUNS runs each (interleaved,
# so a slow minute of the machine touches every row alike); prints median, min and max of records/s and the wire bytes.
# Usage: tests/perf/bench-matrix.sh [RUNS] [RECORDS]      (defaults: 5 runs of 1,000,000 records)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
records=${2:-1000000}
dotnet build src/FlowLogForwarder.Cli -c Release -v quiet -nologo >/dev/null
cli=(dotnet src/FlowLogForwarder.Cli/bin/Release/net10.0/flowlog-forward.dll bench --records "$records"
     --file "${TMPDIR:-/tmp}/flowlog-bench-$records-v2.log.gz")
rows=("json none" "json gzip" "json zstd" "otlp none" "otlp gzip" "otlp zstd")
links=(0 500)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for ((run = 1; run <= runs; run++)); do
    for row in "${rows[@]}"; do
        read -r protocol compression <<<"$row"
        for link in "${links[@]}"; do
            line=$("${cli[@]}" --protocol "$protocol" --compression "$compression" --link-mbps "$link" | grep '^result:')
            echo "$protocol $compression $link $line" >>"$out"
            echo "run $run/$runs: $protocol $compression link=$link: $line" >&2
        done
    done
done
# Each row: median (min-max) records/s per link, then the encoded and wire bytes per record (they do not vary by run).
python3 - "$out" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    protocol, compression, link, rest = line.split(" ", 3)
    fields = dict(re.findall(r"(\w+)=([\d.]+)", rest))
    rows.setdefault((protocol, compression), {}).setdefault(link, []).append(fields)
def rate(values):
    rs = sorted(float(v["records_per_s"]) for v in values)
    fmt = lambda r: f"{r / 1e6:.2f}M" if r >= 1e5 else f"{r / 1e3:.1f}k"
    return f"{fmt(statistics.median(rs))} ({fmt(rs[0])}–{fmt(rs[-1])})"
print("| Protocol | Compression | records/s, unlimited | records/s at 500 Mbit/s | encoded per record | on the wire per record | peak RSS (bench process) |")
print("|---|---|---|---|---|---|---|")
for (protocol, compression), links in rows.items():
    any_run = links["0"][0]
    rss = max(float(v["peak_rss_mib"]) for l in links.values() for v in l)
    print(f"| {protocol} | `{compression}` | {rate(links['0'])} | {rate(links['500'])} | {float(any_run['json_bytes_per_record']):.1f} B | {float(any_run['wire_bytes_per_record']):.1f} B | {rss:.0f} MiB |")
PY
