#!/usr/bin/env bash
# Renders every Kustomize overlay under k8s/overlays and validates the result offline (schemas with unknown
# fields rejected, and the project's rules: probes, configuration keys, grace period, security), then runs
# the validator's own tests. Installs what it needs when missing: kubectl (or Debian's kubernetes-client)
# and the validator's pinned npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v kubectl >/dev/null 2>&1; then
  echo "validate-k8s.sh: installing kubectl (Debian kubernetes-client)"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq kubernetes-client >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq kubernetes-client >/dev/null; fi
fi
if ! command -v node >/dev/null 2>&1; then
  echo "validate-k8s.sh: Node.js is required (apt-get install nodejs npm)" >&2
  exit 1
fi

(cd tools/k8s-validate && npm ci --no-audit --no-fund --silent)

status=0
for overlay in k8s/overlays/*/; do
  name=$(basename "$overlay")
  printf '%-6s ' "$name"
  if ! kubectl kustomize "$overlay" | node tools/k8s-validate/validate.js .; then status=1; fi
done

echo "validator tests:"
(cd tools/k8s-validate && node --test --test-reporter=spec) || status=1
exit $status
