#!/usr/bin/env bash
# The n8n editor in Chromium: `n8n start` on a loopback port, owner set up through REST,
# then e2e/browser-check.mjs (sign in, open the example workflow and the FLORA node,
# screenshots into e2e/screenshots/) and e2e/node-panel-check.mjs (the FLORA nodes in the
# node panel's search and action list, the canvas subtitle).
#
#   e2e/browser.sh --version 2.41.1 --user-folder DIR   use a folder run.sh prepared
#                                                       (package, credential, workflows)
#   e2e/browser.sh [--version 2.41.1]                   standalone: builds, starts the
#                                                       simulator and prepares a folder
#   e2e/browser.sh ... --user-folder DIR --base-url URL an n8n already started on that
#                                                       folder with the owner set up (run.sh)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

VERSION="$N8N_V2"
USER_FOLDER=""
BASE=""
while (($#)); do
	case "$1" in
		--base-url) BASE="${2%/}"; shift 2 ;;
		--version) VERSION="$2"; shift 2 ;;
		--user-folder) USER_FOLDER="$2"; shift 2 ;;
		*) die "unknown argument $1" ;;
	esac
done

[[ -x "${FLORA_E2E_CHROMIUM:-/usr/bin/chromium}" ]] || die "no Chromium at ${FLORA_E2E_CHROMIUM:-/usr/bin/chromium}: run e2e/install-browser.sh"
ensure_playwright_core

OWN_WORK=""
SIM_PID=""
N8N_START_PID=""
cleanup() {
	local rc=$?
	[[ -n "$N8N_START_PID" ]] && stop_group "$N8N_START_PID"
	[[ -n "$SIM_PID" ]] && stop_group "$SIM_PID"
	if [[ -n "$OWN_WORK" ]]; then
		if [[ $rc -eq 0 && "${FLORA_E2E_KEEP:-0}" != 1 ]]; then rm -rf "$OWN_WORK"; else log "work folder kept: $OWN_WORK"; fi
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -z "$USER_FOLDER" ]]; then
	"$E2E_DIR/install-n8n.sh" "$VERSION"
	OWN_WORK="$(mktemp -d "${TMPDIR:-/tmp}/flora-e2e-browser.XXXXXX")"
	USER_FOLDER="$OWN_WORK/n8n-$VERSION"
	stage_package "$OWN_WORK/package"
	PORT="$(free_port)"
	start_simulator "$OWN_WORK/simulator.log" 0 "$PORT"
	mkdir -p "$USER_FOLDER"
	setup_instance "$VERSION" "$USER_FOLDER" "$OWN_WORK/package"
fi

WORKFLOW_ID="$(awk -F'\t' '$1 == "technique-run" { print $2 }' "$USER_FOLDER/workflows/index.tsv")"
[[ -n "$WORKFLOW_ID" ]] || die "examples/technique-run.json was not imported"
V2_WORKFLOW_ID="$(awk -F'\t' '$1 == "editor-technique-v2" { print $2 }' "$USER_FOLDER/workflows/index.tsv")"
EMPTY_WS_WORKFLOW_ID="$(awk -F'\t' '$1 == "editor-empty-workspace" { print $2 }' "$USER_FOLDER/workflows/index.tsv")"
# The examples browser-check.mjs opens, as case=id,case=id,...
EXAMPLE_IDS="$(awk -F'\t' '$1 ~ /^(technique-run|scheduled-batch|image-in-binary-out|long-video-webhook|trigger-pattern|model-images-to-files)$/ { printf "%s%s=%s", sep, $1, $2; sep = "," }' "$USER_FOLDER/workflows/index.tsv")"

t0=$(date +%s)
if [[ -z "$BASE" ]]; then
	PORT="${PORT:-$(free_port)}"
	start_n8n "$VERSION" "$USER_FOLDER" "$PORT" "$USER_FOLDER/n8n-start.log"
	BASE="http://127.0.0.1:$PORT"
	setup_owner "$BASE"
	echo "  n8n $VERSION editor at $BASE ready with an owner in $(( $(date +%s) - t0 ))s"
fi

set +e
node "$E2E_DIR/browser-check.mjs" --base-url "$BASE" --workflow-id "$WORKFLOW_ID" \
	${V2_WORKFLOW_ID:+--v2-workflow-id "$V2_WORKFLOW_ID"} \
	${EMPTY_WS_WORKFLOW_ID:+--empty-workspace-workflow-id "$EMPTY_WS_WORKFLOW_ID"} \
	${EXAMPLE_IDS:+--example-ids "$EXAMPLE_IDS"} \
	--email "$OWNER_EMAIL" --password "$OWNER_PASSWORD" \
	--screenshots "${FLORA_E2E_SCREENSHOTS:-$E2E_DIR/screenshots}" --label "n8n-$VERSION"
rc=$?
# The node panel: both FLORA nodes found by search, FLORA Technique's action list, the
# canvas subtitle (e2e/node-panel-check.mjs). Its failure fails the editor check too.
node "$E2E_DIR/node-panel-check.mjs" --base-url "$BASE" --workflow-id "$WORKFLOW_ID" \
	${V2_WORKFLOW_ID:+--v2-workflow-id "$V2_WORKFLOW_ID"} \
	--email "$OWNER_EMAIL" --password "$OWNER_PASSWORD" \
	--screenshots "${FLORA_E2E_SCREENSHOTS:-$E2E_DIR/screenshots}" --label "n8n-$VERSION"
panel_rc=$?
echo "  node panel check: $([[ $panel_rc == 0 ]] && echo PASS || echo FAIL)"
[[ $rc == 0 ]] && rc=$panel_rc
set -e
echo "  editor check: $([[ $rc == 0 ]] && echo PASS || echo FAIL) in $(( $(date +%s) - t0 ))s"
exit $rc
