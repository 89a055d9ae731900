#!/usr/bin/env bash
# The project's test command (the README's second command): installs what the tests need when it is
# missing, then runs every test project of the solution and prints one closing line
# "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is required (dotnet not found on PATH)" >&2
  exit 1
fi

# The integration tests start a real redis-server; install it when it is missing (Debian/Ubuntu).
if ! command -v redis-server >/dev/null 2>&1; then
  echo "test.sh: installing redis-server"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq redis-server >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq redis-server >/dev/null; fi
fi
# A redis-server that the package started as a service is not used by the tests (they start their own).

# The status page's end-to-end test drives Debian's chromium with playwright-core (npm).
# Debian's npm conflicts with a nodejs that ships its own npm (NodeSource's): ask for npm only when it is missing.
needed=""
command -v chromium >/dev/null 2>&1 || needed="chromium"
command -v npm >/dev/null 2>&1 || needed="$needed npm"
if [ -n "$needed" ]; then
  echo "test.sh: installing $needed"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $needed >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq $needed >/dev/null; fi
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Outage.sln --configuration Release "$@" 2>&1 | tee "$log" || status=$?

# The page's vendored world map must be what tools/world-map makes of its pinned npm package.
echo "== vendored world map (tools/world-map)"
(cd tools/world-map && npm ci --no-audit --no-fund --silent && node build.mjs --check) 2>&1 | tee -a "$log" || status=$?

# The status page end to end: the host and the simulator built above, headless Chromium, about 3 minutes.
echo "== status page end to end (tests/Outage.StatusPage.Tests, node --test)"
(cd tests/Outage.StatusPage.Tests && npm ci --no-audit --no-fund --silent && node --test --test-reporter=spec) 2>&1 | tee -a "$log" || status=$?

# dotnet test prints one "Passed!/Failed!  - Failed: F, Passed: P, Skipped: S, Total: T" line per test project;
# node --test ends with "ℹ pass P", "ℹ fail F" and "ℹ skipped S" (each subtest and the test holding them).
awk -F'[:,]' '/(Passed|Failed)! +- Failed:/ { f += $2; p += $4; s += $6 }
  /^ℹ pass / { split($0, w, " "); p += w[3] } /^ℹ fail / { split($0, w, " "); f += w[3] } /^ℹ skipped / { split($0, w, " "); s += w[3] }
  END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit $status
