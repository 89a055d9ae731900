#!/usr/bin/env bash
# The project's test command (the README's second command): installs what the tests need when it is
# missing, then runs every test project of the solution.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is required (dotnet not found on PATH)" >&2
  exit 1
fi

dotnet test Outage.sln --configuration Release --logger "console;verbosity=normal" "$@"
