#!/usr/bin/env bash
# Two clients measured together (BENCHMARKS.md "Third session", the table of pairs): starts an
# emulator pinned to CPU 0, then runs bench/instructions/client.js twice at the same time, both
# pinned to CPU 1, and prints each one's CPU seconds (user + system) for the same work. Sides run
# in turn on this VM compared different machines; sides run together see the same one (two
# identical sides agree within about 2 %).
#
#   npm run build:lib && bash bench/instructions/pair.sh "<ENV=1 ...> <mode>" "<ENV=1 ...> <mode>" [tokens] [node flags]
#   e.g. bash bench/instructions/pair.sh "X=1 none" "NO_TRACE=1 NO_METRICS=1 otel"
#        bash bench/instructions/pair.sh "X=1 none" "REQUIRE=@opentelemetry/sdk-trace-base,@opentelemetry/sdk-metrics sdk"
#        bash bench/instructions/pair.sh "X=1 none" "X=1 otel" 15000 --single-threaded-gc
#
# Each side: 1000 tokens of warm-up, then [tokens] (default 15000), 32 in flight. Every side
# spec needs at least one VAR=value before its mode (X=1 when there is nothing to set).
set -euo pipefail
cd "$(dirname "$0")/../.."
tokens=${3:-15000}
flags=${4:-}
port_file=$(mktemp)
taskset -c 0 node -e "
  require('./libs/perform-chat/dist/emulator').startPerformChatEmulator({
    rateLimits: { tokenGenerations: false, apiRequests: false, failedAuth: false },
  }).then((e) => require('fs').writeFileSync('$port_file', String(e.port)));
" &
emulator=$!
trap 'kill $emulator 2>/dev/null || true; rm -f "$port_file"' EXIT
for _ in $(seq 50); do [ -s "$port_file" ] && break; sleep 0.2; done
url="http://127.0.0.1:$(cat "$port_file")"
side() {
  local spec=$1 mode=${1##* } vars=${1% *} cpu
  # shellcheck disable=SC2086
  cpu=$(env $vars taskset -c 1 /usr/bin/time -f '%U %S' node $flags bench/instructions/client.js "$url" "$mode" 1000 "$tokens" 2>&1 | tail -1)
  echo "$spec: $(echo "$cpu" | awk '{ printf "%.2f", $1 + $2 }') s of CPU"
}
side "$1" &
a=$!
side "$2" &
b=$!
wait $a $b
