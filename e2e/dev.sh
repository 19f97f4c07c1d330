#!/usr/bin/env bash
# Development loop: the FLORA simulator + a real n8n 2.41 editor with this package loaded,
# the "FLORA account" credential and the example workflows imported, and the TypeScript
# compiler watching the sources. When dist/ changes, the package is copied into n8n again
# and n8n is restarted (n8n loads community nodes at start; ~20 s). Ctrl-C stops it all.
#
# Environment:
#   FLORA_DEV_PORT        n8n editor port on 127.0.0.1 (default 5678)
#   FLORA_DEV_SIM_PORT    simulator port on 127.0.0.1 (default 4010; 0 = any free port)
#   FLORA_DEV_N8N         n8n version (default: the suite's 2.41.x)
#   FLORA_DEV_FRESH=1     start from an empty n8n user folder
#   FLORA_E2E_TIME_SCALE  simulator speed-up (default 10)
#   FLORA_E2E_CACHE       cache folder (n8n installs, Node 24, the dev user folder)
# The n8n user folder persists in $FLORA_E2E_CACHE/dev-user (executions, owner, edits);
# the credential and the example workflows are imported again on every start, so edits to
# the imported examples inside n8n are overwritten: save your own copies under other names.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

VERSION="${FLORA_DEV_N8N:-$N8N_V2}"
PORT="${FLORA_DEV_PORT:-5678}"
SIM_PORT="${FLORA_DEV_SIM_PORT:-4010}"
DEV="$CACHE/dev"
USER_FOLDER="$CACHE/dev-user"

port_busy() { curl -s -o /dev/null -m 1 "http://127.0.0.1:$1/" && return 0 || return 1; }
port_busy "$PORT" && die "port $PORT is in use (set FLORA_DEV_PORT)"
[[ "$SIM_PORT" != 0 ]] && port_busy "$SIM_PORT" && die "port $SIM_PORT is in use (set FLORA_DEV_SIM_PORT)"

"$E2E_DIR/install-n8n.sh" "$VERSION"

SIM_PID=""
N8N_START_PID=""
TSC_PID=""
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	log "stopping"
	[[ -n "$TSC_PID" ]] && stop_group "$TSC_PID"
	[[ -n "$N8N_START_PID" ]] && stop_group "$N8N_START_PID"
	[[ -n "$SIM_PID" ]] && stop_group "$SIM_PID"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$DEV"
[[ "${FLORA_DEV_FRESH:-0}" == 1 ]] && rm -rf "$USER_FOLDER"
mkdir -p "$USER_FOLDER"

start_simulator "$DEV/simulator.log" "$SIM_PORT" "$PORT"
log "simulator at $SIM_BASE_URL"

# A full build first (icons included); then the compiler in watch mode keeps dist/ current.
FLORA_E2E_BUILD="${FLORA_E2E_BUILD:-npm}" stage_package "$DEV/package"
(cd "$REPO_ROOT" && exec setsid npx tsc -p tsconfig.json --watch --preserveWatchOutput) >"$DEV/tsc.log" 2>&1 &
TSC_PID=$!
for ((i = 0; i < 240; i++)); do
	grep -q 'Watching for file changes' "$DEV/tsc.log" 2>/dev/null && break
	kill -0 "$TSC_PID" 2>/dev/null || { cat "$DEV/tsc.log" >&2; die "tsc --watch exited"; }
	sleep 0.5
done
log "tsc is watching the sources"

dist_signature() {
	(cd "$REPO_ROOT" && find dist -type f -printf '%P %T@ %s\n' 2>/dev/null | sort | md5sum | cut -d' ' -f1)
}
last="$(dist_signature)"
# In "npm" mode the staged package is the repository's dist/; take it as tsc left it.
[[ "${FLORA_E2E_BUILD:-npm}" == npm ]] && FLORA_E2E_BUILD=none stage_package "$DEV/package"
setup_instance "$VERSION" "$USER_FOLDER" "$DEV/package"

start_editor() {
	local t0; t0=$(date +%s)
	start_n8n "$VERSION" "$USER_FOLDER" "$PORT" "$DEV/n8n.log"
	setup_owner "http://127.0.0.1:$PORT"
	log "n8n $VERSION ready in $(( $(date +%s) - t0 ))s"
}
start_editor

WORKFLOW_ID="$(awk -F'\t' '$1 == "technique-run" { print $2 }' "$USER_FOLDER/workflows/index.tsv")"
cat <<INFO

  FLORA dev environment (n8n $VERSION)
    editor        http://127.0.0.1:$PORT/
    example       http://127.0.0.1:$PORT/workflow/$WORKFLOW_ID
    login         $OWNER_EMAIL / $OWNER_PASSWORD
    simulator     $SIM_BASE_URL  (key $SIM_API_KEY)
    logs          $DEV/n8n.log  $DEV/tsc.log  $DEV/simulator.log
  Edit nodes/ or credentials/: tsc rebuilds dist/, then n8n restarts with the new build
  (reload the browser tab). Ctrl-C stops everything.

INFO

while true; do
	sleep 2
	kill -0 "$SIM_PID" 2>/dev/null || die "the simulator stopped (see $DEV/simulator.log)"
	kill -0 "$N8N_START_PID" 2>/dev/null || die "n8n stopped (see $DEV/n8n.log)"
	now="$(dist_signature)"
	[[ "$now" == "$last" ]] && continue
	# Let the compiler finish writing before copying.
	sleep 1.5
	while [[ "$(dist_signature)" != "$now" ]]; do now="$(dist_signature)"; sleep 1.5; done
	last="$now"
	errors="$(grep -oE 'Found [0-9]+ errors?' "$DEV/tsc.log" | tail -1 | grep -oE '[0-9]+' || echo 0)"
	if [[ "$errors" != 0 ]]; then
		log "tsc reports $errors error(s) (see $DEV/tsc.log); restarting n8n with what it emitted"
	fi
	log "dist/ changed: copying the package into n8n and restarting it"
	if ! (FLORA_E2E_BUILD=none stage_package "$DEV/package.next"); then
		log "dist/ is incomplete right now; keeping the running n8n, will try on the next change"
		continue
	fi
	rm -rf "$DEV/package" && mv "$DEV/package.next" "$DEV/package"
	install_package_into "$DEV/package" "$USER_FOLDER"
	stop_group "$N8N_START_PID"
	N8N_START_PID=""
	start_editor
	log "editor back at http://127.0.0.1:$PORT/ (reload the tab)"
done
