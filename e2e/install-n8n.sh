#!/usr/bin/env bash
# Install a real n8n (and Node 24) into the e2e cache, outside the repository.
# Usage: e2e/install-n8n.sh VERSION [NODE] [--verify-rebuild]
#   NODE: "24" (default) or "system"
#   --verify-rebuild: when this version is already installed, build sqlite3 again and check
#     that this run wrote its binary (proves the build works from whatever environment started
#     this script, e.g. `npm run`, even on a machine whose cache is warm).
# Idempotent: a marker file makes a second run instant.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

VERIFY_REBUILD=0
args=()
for arg in "$@"; do
	if [[ "$arg" == --verify-rebuild ]]; then VERIFY_REBUILD=1; else args+=("$arg"); fi
done
VERSION="${args[0]:?usage: install-n8n.sh VERSION [24|system] [--verify-rebuild]}"
WHICH_NODE="${args[1]:-24}"
DIR="$(n8n_dir "$VERSION")"
MARKER="$DIR/.installed"
SQLITE_BINARY="node_modules/sqlite3/build/Release/node_sqlite3.node"

# The cache folder is not the project: none of the project's npm settings apply there.
clear_inherited_npm_settings

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

# Why a native module might not have been built: the settings npm used in the cache folder,
# and the npm settings this script was started with (cleared above).
explain_build_settings() {
	log "npm's ignore-scripts setting in $DIR: $(cd "$DIR" && npm config get ignore-scripts 2>/dev/null || echo unknown)"
	log "npm settings inherited from the caller (cleared): ${INHERITED_NPM_SETTINGS:-none}"
	[[ "$INHERITED_NPM_SETTINGS" == *npm_config_ignore_scripts=true* ]] &&
		log "the caller had ignore-scripts=true (a project .npmrc seen through npm run); it must not reach the rebuild"
	return 0
}

# Builds the native modules n8n needs, with install scripts on whatever the environment says,
# and checks that this run wrote sqlite3's binary.
rebuild_native() {
	local stamp="$DIR/.rebuild-started" modules=("$@")
	touch "$stamp"
	log "building native modules (${modules[*]}) with $("$NODE_BIN" --version)"
	(cd "$DIR" && npm rebuild "${modules[@]}" --ignore-scripts=false --foreground-scripts) >"$DIR/rebuild.log" 2>&1 || {
		tail -50 "$DIR/rebuild.log" >&2
		explain_build_settings
		die "native rebuild failed (full log: $DIR/rebuild.log)"
	}
	if [[ ! -f "$DIR/$SQLITE_BINARY" ]]; then
		explain_build_settings
		die "npm rebuild wrote no $SQLITE_BINARY: no build script ran (log: $DIR/rebuild.log)"
	fi
	if [[ "$DIR/$SQLITE_BINARY" -ot "$stamp" ]]; then
		explain_build_settings
		die "$SQLITE_BINARY is older than this rebuild: it was not built by this run"
	fi
	log "$SQLITE_BINARY written by this run ($(date -u -r "$DIR/$SQLITE_BINARY" +%FT%TZ))"
}

# The native modules load under the chosen Node.
smoke_test() {
	(cd "$DIR" && "$NODE_BIN" -e 'require("sqlite3"); console.log("sqlite3 ok")') >&2 || {
		explain_build_settings
		die "sqlite3 does not load"
	}
	if [[ -d "$DIR/node_modules/isolated-vm" ]]; then
		(cd "$DIR" && "$NODE_BIN" -e '
			const ivm = require("isolated-vm"); const i = new ivm.Isolate();
			if (i.compileScriptSync("1+1").runSync(i.createContextSync()) !== 2) process.exit(1);
			console.log("isolated-vm ok")') >&2 || {
			explain_build_settings
			die "isolated-vm does not load"
		}
	fi
}

if [[ -f "$MARKER" && -f "$(n8n_bin_js "$VERSION")" ]]; then
	log "n8n $VERSION already installed in $DIR ($(cat "$MARKER"))"
	if [[ "$VERIFY_REBUILD" == 1 ]]; then
		start=$(date +%s)
		# A failed check leaves the install incomplete: the next run installs it again.
		rm -f "$MARKER"
		rebuild_native sqlite3
		smoke_test
		echo "$NODE_BIN" > "$DIR/.node-bin"
		echo "n8n $VERSION, node $("$NODE_BIN" --version), sqlite3 rebuilt $(date -u +%FT%TZ)" > "$MARKER"
		log "sqlite3 of n8n $VERSION built again and loaded in $(( $(date +%s) - start ))s"
	fi
	exit 0
fi

start=$(date +%s)
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
log "npm install done in $(( $(date +%s) - start ))s"
rebuild_native sqlite3 isolated-vm
smoke_test

echo "$NODE_BIN" > "$DIR/.node-bin"
took=$(( $(date +%s) - start ))
echo "n8n $VERSION, node $("$NODE_BIN" --version), installed $(date -u +%FT%TZ) in ${took}s" > "$MARKER"
log "n8n $VERSION installed in ${took}s"
