#!/usr/bin/env bash
# Instructions per generated token (valgrind's count: repeatable where seconds on a shared VM
# are not; BENCHMARKS.md "issue 16"). Starts an emulator, then for each mode runs
# bench/instructions/client.js twice under `valgrind --tool=cachegrind --cache-sim=no`, with
# 300 then 1300 measured tokens after 300 of warm-up; the difference of the two totals over
# 1000 is the count per token (start-up and shutdown cancel out). Runs one at a time: two
# valgrinds side by side change each other's timing and so their counts.
#
#   npm run build:lib && bash bench/instructions/count.sh none otel [noop sdk ...]
#
# About 2.5 minutes per mode. A count is the JIT's state over tokens 600 to 1600, not the steady
# state of a long run, and a garbage collection more or less moves it by about 100 k: compare
# modes measured the same way, not against the bench's seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."
port_file=$(mktemp)
node -e "
  require('./libs/perform-chat/dist/emulator').startPerformChatEmulator({
    rateLimits: { tokenGenerations: false, apiRequests: false, failedAuth: false },
  }).then((e) => require('fs').writeFileSync('$port_file', String(e.port)));
" &
emulator=$!
trap 'kill $emulator 2>/dev/null || true; rm -f "$port_file"' EXIT
for _ in $(seq 50); do [ -s "$port_file" ] && break; sleep 0.2; done
url="http://127.0.0.1:$(cat "$port_file")"
count() {
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
    node bench/instructions/client.js "$url" "$1" 300 "$2" 2>&1 |
    awk '/^done/ { ok = 1 } /I +refs/ { gsub(",", "", $4); n = $4 } END { if (!ok) exit 1; print n }'
}
for mode in "$@"; do
  small=$(count "$mode" 300)
  large=$(count "$mode" 1300)
  echo "$mode ${NO_TRACE:+NO_TRACE }${NO_METRICS:+NO_METRICS }$(((large - small) / 1000)) instructions per token"
done
