#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# Installs the reference tools (snarkjs 0.7.6, circom2, circomlib) into tools/node/node_modules.
# Idempotent: does nothing when the pinned versions are already there. Prints the bin directory.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir="$root/tools/node"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >&2
  else
    echo "npm-tools: node and npm are needed (apt-get install nodejs npm)" >&2; exit 1
  fi
fi
# One installer at a time: tests that call this script run in parallel (ctest -j), and on a fresh
# checkout two concurrent `npm install`s broke each other's tree.
mkdir -p "$dir/node_modules"
exec 9>"$dir/node_modules/.npm-tools.lock"
flock 9
want=$(node -e 'const p=require(process.argv[1]);console.log(Object.entries(p.dependencies).map(([k,v])=>k+"@"+v).join(" "))' "$dir/package.json")
have=""
for spec in $want; do
  name=${spec%@*}
  v=$(node -e 'try{console.log(require(process.argv[1]).version)}catch(e){}' "$dir/node_modules/$name/package.json" 2>/dev/null || true)
  have="$have $name@$v"
done
if [ "$(echo $have)" != "$(echo $want)" ]; then
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >&2)
fi
echo "$dir/node_modules/.bin"
