#!/usr/bin/env bash
# Install a real n8n (and Node 24) into the e2e cache, outside the repository.
# Usage: e2e/install-n8n.sh VERSION [NODE]   (NODE: "24" (default) or "system")
# Idempotent: a marker file makes a second run instant.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

VERSION="${1:?usage: install-n8n.sh VERSION [24|system]}"
WHICH_NODE="${2:-24}"
DIR="$(n8n_dir "$VERSION")"
MARKER="$DIR/.installed"

if [[ -f "$MARKER" && -f "$(n8n_bin_js "$VERSION")" ]]; then
	log "n8n $VERSION already installed in $DIR ($(cat "$MARKER"))"
	exit 0
fi

start=$(date +%s)
ensure_node24

if [[ "$WHICH_NODE" == "24" ]]; then
	NODE_BIN="$(node24_bin)"
	# npm (and node-gyp, which npm runs for `rebuild`) must see Node 24 first on PATH,
	# and node-gyp must build against Node 24's headers shipped in the package.
	export PATH="$(node24_pkg_dir)/bin:$PATH"
	export npm_config_nodedir="$(node24_pkg_dir)"
else
	NODE_BIN="$(command -v node)"
fi
log "installing n8n $VERSION into $DIR with $("$NODE_BIN" --version) ($NODE_BIN)"

mkdir -p "$DIR"
cat > "$DIR/package.json" <<JSON
{
  "name": "flora-e2e-n8n-$VERSION",
  "private": true,
  "description": "Real n8n for the n8n-nodes-flora end-to-end suite (cache, not part of the repository)",
  "dependencies": { "n8n": "$VERSION" },
  "overrides": { "xlsx": "0.18.5" }
}
JSON

cd "$DIR"
# --ignore-scripts: several native modules try to download prebuilt binaries from
# GitHub, which this network does not reach. The two n8n needs are rebuilt below.
npm install --ignore-scripts --no-audit --no-fund --loglevel=warn >&2
log "npm install done in $(( $(date +%s) - start ))s; building native modules (sqlite3, isolated-vm)"
npm rebuild sqlite3 isolated-vm --foreground-scripts >"$DIR/rebuild.log" 2>&1 || {
	tail -50 "$DIR/rebuild.log" >&2
	die "native rebuild failed (full log: $DIR/rebuild.log)"
}
# Smoke test: the native modules load under the chosen Node.
"$NODE_BIN" -e 'require("sqlite3"); console.log("sqlite3 ok")' >&2 || die "sqlite3 does not load"
if [[ -d node_modules/isolated-vm ]]; then
	"$NODE_BIN" -e '
		const ivm = require("isolated-vm"); const i = new ivm.Isolate();
		if (i.compileScriptSync("1+1").runSync(i.createContextSync()) !== 2) process.exit(1);
		console.log("isolated-vm ok")' >&2 || die "isolated-vm does not load"
fi

echo "$NODE_BIN" > "$DIR/.node-bin"
took=$(( $(date +%s) - start ))
echo "n8n $VERSION, node $("$NODE_BIN" --version), installed $(date -u +%FT%TZ) in ${took}s" > "$MARKER"
log "n8n $VERSION installed in ${took}s"
