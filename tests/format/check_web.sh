#!/usr/bin/env bash
# Fails when the console's TypeScript is not formatted by Prettier or has ESLint findings
# (web/'s own configuration). Needs web/node_modules, which deploy/dev installs.
set -euo pipefail
cd "$1/web"
[[ -x node_modules/.bin/eslint ]] || { echo "web/node_modules is missing (deploy/dev runs npm ci)"; exit 1; }
npx --no-install eslint --max-warnings 0 .
npx --no-install prettier --check --log-level warn .
echo "web: eslint and prettier clean"
