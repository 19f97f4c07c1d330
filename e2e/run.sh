#!/usr/bin/env bash
# End-to-end suite: the built package inside real n8n (2.41.x and 1.123.x), against the
# FLORA simulator, plus (n8n 2.x, when Chromium is installed) the editor in a real browser.
#
#   e2e/run.sh                      all versions, browser check if /usr/bin/chromium exists
#   FLORA_E2E_VERSIONS="2.41.1"     only these n8n versions (space separated)
#   FLORA_E2E_BROWSER=0|1|auto      0: skip, 1: required (fail without Chromium), auto: default
#   FLORA_E2E_BUILD=npm|isolated|none   how the package is built (see lib.sh stage_package)
#   FLORA_E2E_CACHE=DIR             where n8n, Node 24 and playwright-core are installed
#   FLORA_E2E_KEEP=1                keep the temporary n8n user folders for inspection
#   FLORA_E2E_VERIFY_REBUILD=1      build the first version's sqlite3 again (always under CI=true)
#   FLORA_E2E_CASES="agent-polling last-node-webhook editor"   only these cases (default: all)
#
# Exits non-zero on any failure. Prints the n8n versions that ran and how long each took.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

VERSIONS=(${FLORA_E2E_VERSIONS:-$N8N_V2 $N8N_V1})
BROWSER="${FLORA_E2E_BROWSER:-auto}"
SUITE_START=$(date +%s)
WORK="$(mktemp -d "${TMPDIR:-/tmp}/flora-e2e.XXXXXX")"
SIM_PID=""
MODEL_PID=""

cleanup() {
	local rc=$?
	[[ -n "$SIM_PID" ]] && stop_group "$SIM_PID"
	[[ -n "$MODEL_PID" ]] && stop_group "$MODEL_PID"
	if [[ "${FLORA_E2E_KEEP:-0}" == 1 || $rc -ne 0 ]]; then
		log "work folder kept: $WORK"
	else
		rm -rf "$WORK"
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

FAILED=0

# 1. n8n installs (instant once cached). Under CI the first version's sqlite3 is built again
# even from a warm cache, so that a build that silently does nothing (npm settings inherited
# from `npm run`) fails CI on every machine, not only on a new one.
verify=()
[[ "${CI:-}" == true || "${FLORA_E2E_VERIFY_REBUILD:-0}" == 1 ]] && verify=(--verify-rebuild)
for v in "${VERSIONS[@]}"; do
	t0=$(date +%s)
	"$E2E_DIR/install-n8n.sh" "$v" "${verify[@]}"
	verify=()
	log "n8n $v ready ($(( $(date +%s) - t0 ))s): $(cat "$(n8n_dir "$v")/.installed")"
done

# 2. the package, built once
stage_package "$WORK/package"

# 3. the simulator, shared by all versions. Each version's `n8n start` (one at a time) listens
# on N8N_PORT; the simulator delivers callbacks for https://n8n.flora.test/ (n8n's WEBHOOK_URL)
# there.
N8N_PORT_SERVED="$(free_port)"
start_simulator "$WORK/simulator.log" 0 "$N8N_PORT_SERVED"
log "simulator at $SIM_BASE_URL (callbacks for $N8N_PUBLIC_URL go to http://127.0.0.1:$N8N_PORT_SERVED/)"
# The scripted chat model of the AI Agent cases (the tool workflows' OpenAI credential points at it).
start_model_server "$WORK/model-server.log"
log "model server at $MODEL_BASE_URL"

# run_check VERSION USER_FOLDER CASE LABEL SCRIPT ARGS...: one case of a check script against
# the started n8n (node e2e/SCRIPT CASE ARGS...): its output, and PASS or FAIL in the results.
run_check() {
	local v="$1" uf="$2" case="$3" label="$4" script="$5" t1 rc
	shift 5
	t1=$(date +%s)
	set +e
	node "$E2E_DIR/$script" "$case" "$@" >"$uf/$case.check" 2>&1
	rc=$?
	set -e
	echo "- $case ($label): $([[ $rc == 0 ]] && echo PASS || echo FAIL), $(( $(date +%s) - t1 ))s"
	cat "$uf/$case.check"
	if [[ $rc == 0 ]]; then echo "PASS n8n $v $case" >>"$WORK/results"; else echo "FAIL n8n $v $case" >>"$WORK/results"; return 1; fi
}

# The cases that need a started n8n (e2e/served-check.mjs, e2e/tool-check.mjs), then the editor
# check, against one `n8n start` of version $1 with user folder $2.
served_cases() {
	local v="$1" uf="$2" t1 failed=0 port base twin_id timeout_twin_id fails_twin_id trigger_id long_id trigger_hook agent_id mcp_id last_node_id
	t1=$(date +%s)
	long_id="$(awk -F'\t' '$1 == "long-video-webhook" { print $2 }' "$uf/workflows/index.tsv")"
	trigger_id="$(awk -F'\t' '$1 == "trigger-pattern" { print $2 }' "$uf/workflows/index.tsv")"
	twin_id="$(awk -F'\t' '$1 == "long-video-webhook-hook" { print $2 }' "$uf/workflows/index.tsv")"
	timeout_twin_id="$(awk -F'\t' '$1 == "long-video-webhook-timeout-hook" { print $2 }' "$uf/workflows/index.tsv")"
	fails_twin_id="$(awk -F'\t' '$1 == "long-video-webhook-fails-hook" { print $2 }' "$uf/workflows/index.tsv")"
	agent_id="$(awk -F'\t' '$1 == "agent-tools" { print $2 }' "$uf/workflows/index.tsv")"
	mcp_id="$(awk -F'\t' '$1 == "mcp-tools" { print $2 }' "$uf/workflows/index.tsv")"
	last_node_id="$(awk -F'\t' '$1 == "last-node-webhook" { print $2 }' "$uf/workflows/index.tsv")"
	[[ -n "$long_id" && -n "$twin_id" && -n "$timeout_twin_id" && -n "$fails_twin_id" && -n "$trigger_id" ]] || { echo "  FAIL examples long-video-webhook (and its twins) / trigger-pattern not imported"; echo "FAIL n8n $v served-setup" >>"$WORK/results"; return 1; }
	[[ -n "$agent_id" && -n "$mcp_id" && -n "$last_node_id" ]] || { echo "  FAIL the tool workflows (e2e/tool-workflows) were not imported"; echo "FAIL n8n $v served-setup" >>"$WORK/results"; return 1; }
	(
		n8n_env "$v" "$uf"
		set -e
		activate_workflow "$v" "$twin_id"
		activate_workflow "$v" "$timeout_twin_id"
		activate_workflow "$v" "$fails_twin_id"
		activate_workflow "$v" "$trigger_id"
		activate_workflow "$v" "$agent_id"
		activate_workflow "$v" "$mcp_id"
		activate_workflow "$v" "$last_node_id"
	) >"$uf/activate.log" 2>&1 || { tail -20 "$uf/activate.log"; echo "FAIL n8n $v served-setup" >>"$WORK/results"; return 1; }
	trigger_hook="$(webhook_id_of "$uf/workflows/trigger-pattern.json" n8n-nodes-flora.floraTrigger)/flora"
	port="$N8N_PORT_SERVED"
	start_n8n "$v" "$uf" "$port" "$uf/n8n-start.log"
	base="http://127.0.0.1:$port"
	setup_owner "$base"
	echo "- n8n start on $base (WEBHOOK_URL $N8N_PUBLIC_URL) with the twins of long-video-webhook ($twin_id, $timeout_twin_id, $fails_twin_id), trigger-pattern ($trigger_id) and the tool workflows agent-tools ($agent_id), mcp-tools ($mcp_id), last-node-webhook ($last_node_id) active ($(( $(date +%s) - t1 ))s)"

	local case args
	for case in long-video-webhook long-video-webhook-fails long-video-webhook-timeout trigger-pattern; do
		wants_case "$case" || continue
		args=(--base-url "$base" --public-url "$N8N_PUBLIC_URL" --sim-url "$SIM_BASE_URL" --email "$OWNER_EMAIL" --password "$OWNER_PASSWORD"
			--n8n-dir "$(n8n_dir "$v")/node_modules/n8n")
		case $case in
			long-video-webhook) args+=(--workflow-id "$twin_id" --hook-path "$LONG_VIDEO_HOOK_PATH") ;;
			long-video-webhook-fails) args+=(--workflow-id "$fails_twin_id" --hook-path "$LONG_VIDEO_FAILS_HOOK_PATH") ;;
			long-video-webhook-timeout)
				args+=(--workflow-id "$timeout_twin_id" --hook-path "$LONG_VIDEO_TIMEOUT_HOOK_PATH"
					--wait-seconds "$LONG_VIDEO_TIMEOUT_WAIT") ;;
			*) args+=(--workflow-id "$trigger_id" --trigger-path "$trigger_hook") ;;
		esac
		run_check "$v" "$uf" "$case" "started n8n" served-check.mjs "${args[@]}" || failed=1
	done

	# The FLORA node as a tool of the AI Agent and of the MCP Server Trigger, and behind a
	# Webhook that answers with the last node (e2e/tool-check.mjs).
	for case in $TOOL_CASES; do
		wants_case "$case" || continue
		args=(--base-url "$base" --sim-url "$SIM_BASE_URL" --model-url "$MODEL_BASE_URL" --email "$OWNER_EMAIL" --password "$OWNER_PASSWORD"
			--n8n-dir "$(n8n_dir "$v")/node_modules/n8n")
		case $case in
			agent-*) args+=(--workflow-id "$agent_id" --hook-path "$AGENT_HOOK_PATH") ;;
			mcp-*) args+=(--workflow-id "$mcp_id" --mcp-path "$MCP_PATH") ;;
			*) args+=(--workflow-id "$last_node_id" --hook-path "$LAST_NODE_HOOK_PATH") ;;
		esac
		run_check "$v" "$uf" "$case" "tool mode, started n8n" tool-check.mjs "${args[@]}" || failed=1
	done

	if [[ "$v" != 1.* && "$BROWSER" != 0 ]] && wants_case editor; then
		if [[ -x "${FLORA_E2E_CHROMIUM:-/usr/bin/chromium}" ]]; then
			echo "- editor in Chromium"
			if "$E2E_DIR/browser.sh" --version "$v" --user-folder "$uf" --base-url "$base"; then
				echo "PASS n8n $v editor" >>"$WORK/results"
			else
				echo "FAIL n8n $v editor" >>"$WORK/results"
				failed=1
			fi
		elif [[ "$BROWSER" == 1 ]]; then
			echo "  FAIL Chromium not found (run e2e/install-browser.sh)"; failed=1
			echo "FAIL n8n $v editor" >>"$WORK/results"
		else
			echo "- editor in Chromium: SKIPPED (no /usr/bin/chromium; run e2e/install-browser.sh)"
		fi
	fi
	stop_group "$N8N_START_PID"
	N8N_START_PID=""
	return $failed
}

run_version() {
	local v="$1" uf="$WORK/n8n-$v" t0 rc case id name failed=0
	t0=$(date +%s)
	N8N_START_PID=""
	trap '[[ -n "${N8N_START_PID:-}" ]] && stop_group "$N8N_START_PID"' EXIT
	mkdir -p "$uf/extra-workflows"
	make_webhook_twin "$REPO_ROOT/examples/long-video-webhook.json" \
		"$uf/extra-workflows/long-video-webhook-hook.json" "$LONG_VIDEO_HOOK_PATH" >/dev/null
	make_webhook_twin "$REPO_ROOT/examples/long-video-webhook.json" \
		"$uf/extra-workflows/long-video-webhook-timeout-hook.json" "$LONG_VIDEO_TIMEOUT_HOOK_PATH" >/dev/null
	make_flora_wait_time_out "$uf/extra-workflows/long-video-webhook-timeout-hook.json" \
		"$LONG_VIDEO_TIMEOUT_WAIT" "$LONG_VIDEO_TIMEOUT_RUN_SECONDS"
	make_webhook_twin "$REPO_ROOT/examples/long-video-webhook.json" \
		"$uf/extra-workflows/long-video-webhook-fails-hook.json" "$LONG_VIDEO_FAILS_HOOK_PATH" >/dev/null
	make_flora_run_fail "$uf/extra-workflows/long-video-webhook-fails-hook.json"
	cp "$E2E_DIR"/tool-workflows/*.json "$uf/extra-workflows/"
	echo
	echo "=== n8n $v ($("$(n8n_node_bin "$v")" --version)) ==="
	setup_instance "$v" "$uf" "$WORK/package"
	echo "  imported the credential and $(wc -l <"$uf/workflows/index.tsv") workflow(s) ($(( $(date +%s) - t0 ))s)"
	while IFS=$'\t' read -r case id name; do
		[[ -n "$case" ]] || continue
		is_served_case "$case" && continue
		wants_case "$case" || continue
		local t1; t1=$(date +%s)
		set +e
		(n8n_env "$v" "$uf" && n8n_cli "$v" execute --id "$id" --rawOutput) \
			>"$uf/$case.stdout" 2>"$uf/$case.stderr"
		rc=$?
		set -e
		echo "- $case (workflow $id, \"$name\"): exit $rc, $(( $(date +%s) - t1 ))s"
		if FLORA_E2E_FILES="$uf/files" node "$E2E_DIR/assert-execution.mjs" "$case" "$uf/$case.stdout" "$rc" "$uf/$case.stderr"; then
			echo "PASS n8n $v $case" >>"$WORK/results"
		else
			echo "FAIL n8n $v $case" >>"$WORK/results"
			failed=1
		fi
	done <"$uf/workflows/index.tsv"

	served_cases "$v" "$uf" || failed=1

	local took=$(( $(date +%s) - t0 ))
	if [[ $failed == 0 ]]; then
		echo "n8n $v: PASS in ${took}s" >>"$WORK/summary"
	else
		echo "n8n $v: FAIL in ${took}s (logs in $uf)" >>"$WORK/summary"
		return 1
	fi
}

# Each version in a subshell: a setup error (die) fails that version, not the summary.
for v in "${VERSIONS[@]}"; do
	t0=$(date +%s)
	if ! (run_version "$v") 2>&1; then
		FAILED=1
		if ! grep -q "^n8n $v:" "$WORK/summary" 2>/dev/null; then
			echo "n8n $v: FAIL after $(( $(date +%s) - t0 ))s (setup error, logs in $WORK/n8n-$v)" >>"$WORK/summary"
			echo "FAIL n8n $v setup" >>"$WORK/results"
		fi
	fi
done

echo
echo "=== e2e summary ($(( $(date +%s) - SUITE_START ))s in all, cache $CACHE) ==="
sed 's/^/  /' "$WORK/summary"
touch "$WORK/results"
grep '^FAIL' "$WORK/results" | sed 's/^/  /' || true
passed=$(grep -c '^PASS' "$WORK/results" || true)
failed=$(grep -c '^FAIL' "$WORK/results" || true)
[[ $FAILED == 0 && $failed == 0 && $passed == 0 ]] && { echo "e2e: nothing ran"; FAILED=1; }
[[ $failed != 0 ]] && FAILED=1
echo "e2e: $passed passed, $failed failed"
exit $FAILED
