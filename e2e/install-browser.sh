#!/usr/bin/env bash
# Install what the editor check (e2e/browser.sh) needs:
#  - Debian's chromium at /usr/bin/chromium (apt-get; needs root, as on CI),
#  - playwright-core into the e2e cache (not into the repository).
# Idempotent.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ ! -x /usr/bin/chromium ]]; then
	log "installing Debian's chromium"
	SUDO=""; [[ $(id -u) == 0 ]] || SUDO="sudo"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-liberation >/dev/null
fi
log "$(/usr/bin/chromium --version 2>/dev/null || echo 'chromium missing')"
ensure_playwright_core
log "playwright-core $(node -p 'require(process.argv[1]).version' "$CACHE/playwright/node_modules/playwright-core/package.json") in $CACHE/playwright"
