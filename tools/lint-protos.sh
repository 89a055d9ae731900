#!/usr/bin/env bash
# Lints protos/ with buf's STANDARD and COMMENTS rules. Installs the pinned buf from npm when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
buf_dir=tools/.buf
if [ ! -x "$buf_dir/node_modules/.bin/buf" ]; then
  command -v npm >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq npm; }
  mkdir -p "$buf_dir"
  npm install --silent --no-audit --no-fund --prefix "$buf_dir" @bufbuild/buf@1.75.0
fi
(cd protos && "../$buf_dir/node_modules/.bin/buf" lint)
echo "buf lint: protos/ clean"
