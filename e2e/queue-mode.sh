#!/usr/bin/env bash
# Queue-mode e2e suite: the package inside real n8n 2.41.1 in queue mode — one `n8n start`
# (main), two `n8n worker --concurrency=5` and one `n8n webhook` process, sharing a PostgreSQL
# database, a Redis queue and one encryption key — against the FLORA simulator. Every n8n
# process has the package staged in its own user folder. The resume URLs (WEBHOOK_URL, set on
# every process, workers included) point at the webhook process, as large installs route
# /webhook-waiting/* to webhook processors. Checks: e2e/queue-check.mjs (cases listed there).
#
#   bash e2e/queue-mode.sh                  (run.sh calls it after the other cases)
#   FLORA_E2E_QUEUE_VERSION=2.41.1          the n8n version (default: lib.sh's N8N_V2)
#   FLORA_E2E_QUEUE_V1=1                    allow a 1.x version (not in CI; only polling-killed
#                                           was run with it, to see n8n 1.x run a stalled
#                                           execution again)
#   FLORA_E2E_QUEUE_CASES="batch trigger"   only these cases (default: all, in queue-check.mjs order)
#   FLORA_E2E_QUEUE_WAIT_RUN_SECONDS, FLORA_E2E_QUEUE_POLL_RUN_SECONDS   simulated length of the
#                                           webhook-wait and polling-killed runs (200, 400)
#   FLORA_E2E_BUILD, FLORA_E2E_KEEP, FLORA_E2E_TIME_SCALE, FLORA_E2E_CACHE   as for run.sh
#   FLORA_E2E_REDIS_SERVER, FLORA_E2E_PG_BIN   redis-server, and the folder of initdb/pg_ctl
#   FLORA_E2E_QUEUE_BREAK=...               break the installation on purpose, to see the cases
#                                           fail (never in CI): worker-webhook-url (workers
#                                           without WEBHOOK_URL), filesystem-binary (filesystem
#                                           binary mode, one storage path per process),
#                                           one-worker (worker2 not started), main-regular (main
#                                           not in queue mode), batch-concurrency (the batch at
#                                           concurrency 10); several separated by spaces
#
# Redis and PostgreSQL (Debian's redis-server and postgresql; e2e/install-queue-services.sh)
# are started here by hand on loopback, with their data under the work folder, and stopped on
# exit. If they are not installed the suite fails: it never skips queue mode silently.
# Prints "e2e queue: N passed, M failed" last, and exits non-zero on any failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

VERSION="${FLORA_E2E_QUEUE_VERSION:-$N8N_V2}"
[[ "$VERSION" == 1.* && "${FLORA_E2E_QUEUE_V1:-0}" != 1 ]] && die "queue-mode.sh runs n8n 2.x (got $VERSION)"
START=$(date +%s)
WORK="$(mktemp -d "${TMPDIR:-/tmp}/flora-e2e-queue.XXXXXX")"
chmod 755 "$WORK" # PostgreSQL runs as the postgres user when we are root: it must reach its folder
SIM_PID="" REDIS_PID="" PG_DATA="" PG_BIN="" PG_AS=()
declare -A PIDS=()

stop_postgres() {
	[[ -n "$PG_DATA" && -f "$PG_DATA/postmaster.pid" ]] || return 0
	"${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 30 stop >/dev/null 2>&1 || true
}
cleanup() {
	local rc=$? name
	for name in "${!PIDS[@]}"; do stop_group "${PIDS[$name]}"; done
	[[ -n "$SIM_PID" ]] && stop_group "$SIM_PID"
	[[ -n "$REDIS_PID" ]] && stop_group "$REDIS_PID"
	stop_postgres
	if [[ -z "$(ls -A "$WORK")" ]]; then
		rmdir "$WORK"
	elif [[ "${FLORA_E2E_KEEP:-0}" == 1 || $rc -ne 0 ]]; then
		log "queue-mode work folder kept: $WORK"
	else
		rm -rf "$WORK"
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ----------------------------------------------------------------------------- services
# Both are required: a machine without them fails here, with what to do.
REDIS_SERVER="${FLORA_E2E_REDIS_SERVER:-redis-server}"
command -v "$REDIS_SERVER" >/dev/null 2>&1 || die "queue mode needs Redis: $REDIS_SERVER not found (run e2e/install-queue-services.sh; .ci/run does)"
PG_BIN="${FLORA_E2E_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
[[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]] || die "queue mode needs PostgreSQL: no initdb/pg_ctl in ${PG_BIN:-/usr/lib/postgresql/*/bin} (run e2e/install-queue-services.sh; .ci/run does)"

# Redis on a free loopback port, no persistence.
REDIS_PORT="$(free_port)"
mkdir -p "$WORK/redis"
setsid "$REDIS_SERVER" --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no --dir "$WORK/redis" \
	>"$WORK/redis.log" 2>&1 &
REDIS_PID=$!
for ((i = 0; i < 80; i++)); do
	[[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]] && break
	kill -0 "$REDIS_PID" 2>/dev/null || { cat "$WORK/redis.log" >&2; die "redis-server exited"; }
	sleep 0.25
done
[[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]] || die "Redis did not answer PING on port $REDIS_PORT"

# PostgreSQL: a new cluster in the work folder (initdb refuses root: then it runs as the
# postgres user Debian's package creates), trust authentication on loopback only.
PG_PORT="$(free_port)"
PG_DATA="$WORK/postgres"
mkdir -p "$PG_DATA"
if [[ $(id -u) == 0 ]]; then
	id postgres >/dev/null 2>&1 || die "running as root and there is no postgres user to run PostgreSQL as"
	chown postgres "$PG_DATA"
	PG_AS=(runuser -u postgres --)
fi
"${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U n8n -E UTF8 >"$WORK/initdb.log" 2>&1 || { cat "$WORK/initdb.log" >&2; die "initdb failed"; }
"${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 60 \
	-o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DATA" start >"$WORK/pg_ctl.log" 2>&1 || {
	cat "$WORK/pg_ctl.log" "$PG_DATA/server.log" >&2 2>/dev/null; die "PostgreSQL did not start"; }
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U n8n n8n || die "createdb n8n failed"
PG_VERSION="$("$PG_BIN/postgres" --version | awk '{print $3}')"
REDIS_VERSION="$("$REDIS_SERVER" --version | sed -n 's/.*v=\([^ ]*\).*/\1/p')"
log "Redis $REDIS_VERSION on 127.0.0.1:$REDIS_PORT, PostgreSQL $PG_VERSION on 127.0.0.1:$PG_PORT"

# ----------------------------------------------------------------------------- n8n
"$E2E_DIR/install-n8n.sh" "$VERSION"
stage_package "$WORK/package"
MAIN_PORT="$(free_port)" HOOK_PORT="$(free_port)"
MAIN_URL="http://127.0.0.1:$MAIN_PORT" HOOK_URL="http://127.0.0.1:$HOOK_PORT"
# n8n's WEBHOOK_URL is https://$N8N_PUBLIC_HOST/; the simulator delivers FLORA's callbacks for
# it to the webhook process, as a load balancer routes /webhook-waiting/* to webhook processors.
start_simulator "$WORK/simulator.log" 0 "$HOOK_PORT"
log "simulator at $SIM_BASE_URL (callbacks for $N8N_PUBLIC_URL go to the webhook process, $HOOK_URL/)"
ENCRYPTION_KEY="flora-e2e-queue-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
# Files the workflows write (Write Files from Disk): one folder for every process, as the
# workflows name it (prepare_workflows rewrites /home/node/.n8n-files/ to it).
SHARED_FILES="$WORK/main/files"

# queue_env VERSION USER_FOLDER: n8n_env plus what every process of the installation shares.
queue_env() {
	n8n_env "$1" "$2"
	export N8N_RESTRICT_FILE_ACCESS_TO="$SHARED_FILES"
	export EXECUTIONS_MODE=queue
	export DB_TYPE=postgresdb DB_POSTGRESDB_HOST=127.0.0.1 DB_POSTGRESDB_PORT="$PG_PORT"
	export DB_POSTGRESDB_USER=n8n DB_POSTGRESDB_PASSWORD=n8n DB_POSTGRESDB_DATABASE=n8n
	export QUEUE_BULL_REDIS_HOST=127.0.0.1 QUEUE_BULL_REDIS_PORT="$REDIS_PORT"
	export N8N_ENCRYPTION_KEY="$ENCRYPTION_KEY"
	# Binary data in PostgreSQL, which every process reads (filesystem mode would need one
	# storage path shared by all of them).
	export N8N_DEFAULT_BINARY_DATA_MODE=database
	export OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true
	# The resume URLs FLORA calls back (the simulator maps this host to the webhook process).
	# Workers compute them too, so they need it as well (without it a worker computes
	# http://localhost:5678/…, which the node refuses before starting any run).
	export WEBHOOK_URL="$N8N_PUBLIC_URL"
	export N8N_GRACEFUL_SHUTDOWN_TIMEOUT=5
	# Bull's stall detection, quicker than n8n's defaults (lock 60 s renewed every 10 s, checked
	# every 30 s), so that the polling-killed case sees a killed worker's job given up in
	# about 20 s instead of up to 2 min; main then rechecks the execution for 30 s (fixed).
	export QUEUE_WORKER_LOCK_DURATION=10000 QUEUE_WORKER_LOCK_RENEW_TIME=2500 QUEUE_WORKER_STALLED_INTERVAL=5000
	unset DB_SQLITE_POOL_SIZE
}

# FLORA_E2E_QUEUE_BREAK: what to break in process NAME (user folder $2), to prove the cases fail.
BREAK=" ${FLORA_E2E_QUEUE_BREAK:-} "
breaks() { [[ "$BREAK" == *" $1 "* ]]; }
break_process() {
	local name="$1" uf="$2"
	if breaks worker-webhook-url && [[ "$name" == worker* ]]; then unset WEBHOOK_URL; fi
	if breaks filesystem-binary; then
		export N8N_DEFAULT_BINARY_DATA_MODE=filesystem N8N_BINARY_DATA_STORAGE_PATH="$uf/binary-data"
	fi
	if breaks main-regular && [[ "$name" == main ]]; then export EXECUTIONS_MODE=regular; fi
	return 0
}

# start_process NAME USER_FOLDER HEALTH_PORT ARGS...: one n8n process in its own process
# group (PIDS[NAME]), log in $WORK/NAME.log; waits for /healthz/readiness on HEALTH_PORT.
start_process() {
	local name="$1" uf="$2" port="$3"; shift 3
	(
		queue_env "$VERSION" "$uf"
		export N8N_LISTEN_ADDRESS=127.0.0.1 N8N_HOST=127.0.0.1 N8N_PROTOCOL=http
		if [[ "$name" == worker* ]]; then
			export QUEUE_HEALTH_CHECK_ACTIVE=true QUEUE_HEALTH_CHECK_PORT="$port"
		else
			export N8N_PORT="$port" N8N_EDITOR_BASE_URL="$MAIN_URL/"
		fi
		break_process "$name" "$uf"
		exec setsid "$(n8n_node_bin "$VERSION")" "$(n8n_bin_js "$VERSION")" "$@"
	) >"$WORK/$name.log" 2>&1 &
	PIDS[$name]=$!
	disown "${PIDS[$name]}" # a worker the checks kill is no job bash reports
	local i
	for ((i = 0; i < 480; i++)); do
		curl -sf -m 2 "http://127.0.0.1:$port/healthz/readiness" >/dev/null 2>&1 && return 0
		kill -0 "${PIDS[$name]}" 2>/dev/null || { tail -40 "$WORK/$name.log" >&2; die "$name ($*) exited"; }
		sleep 0.25
	done
	tail -40 "$WORK/$name.log" >&2
	die "$name ($*) was not ready on port $port within 120s"
}

# The workflows (queue-check.mjs names them by these file names).
mkdir -p "$WORK/main/extra-workflows"
X="$WORK/main/extra-workflows"
make_webhook_twin "$REPO_ROOT/examples/technique-run.json" "$X/queue-technique-run.json" flora-e2e-queue-technique-run >/dev/null
make_webhook_twin "$REPO_ROOT/examples/scheduled-batch.json" "$X/queue-binary.json" flora-e2e-queue-binary >/dev/null
make_webhook_twin "$REPO_ROOT/examples/scheduled-batch.json" "$X/queue-batch.json" flora-e2e-queue-batch >/dev/null
make_webhook_twin "$REPO_ROOT/examples/long-video-webhook.json" "$X/queue-webhook-wait.json" flora-e2e-queue-webhook-wait >/dev/null
make_webhook_twin "$REPO_ROOT/examples/technique-run.json" "$X/queue-parallel.json" flora-e2e-queue-parallel >/dev/null
make_webhook_twin "$REPO_ROOT/examples/technique-run.json" "$X/queue-polling-killed.json" flora-e2e-queue-polling-killed >/dev/null
QUEUE_WAIT_RUN_SECONDS="${FLORA_E2E_QUEUE_WAIT_RUN_SECONDS:-200}"
# The polling-killed case's run (simulated seconds): it must outlast n8n's stall detection.
QUEUE_POLL_RUN_SECONDS="${FLORA_E2E_QUEUE_POLL_RUN_SECONDS:-400}"
node "$E2E_DIR/queue-workflows.mjs" "$X" "$QUEUE_WAIT_RUN_SECONDS" "$QUEUE_POLL_RUN_SECONDS"
if breaks batch-concurrency; then
	node -e 'const fs=require("fs"),f=process.argv[1],w=JSON.parse(fs.readFileSync(f));w.nodes.find((n)=>n.type==="n8n-nodes-flora.floraTechnique").parameters.options.concurrency=10;fs.writeFileSync(f,JSON.stringify(w))' "$X/queue-batch.json"
fi

# Every process gets its own user folder with the package staged in it; the credential and
# the workflows go into the shared database once, through main's folder.
for name in main worker1 worker2 webhook; do install_package_into "$WORK/package" "$WORK/$name"; done
(
	queue_env "$VERSION" "$WORK/main"
	FLORA_E2E_OWN_WORKFLOWS=0 setup_instance "$VERSION" "$WORK/main" "$WORK/package"
	queue_env "$VERSION" "$WORK/main"
	for wf in queue-technique-run queue-binary queue-batch queue-webhook-wait queue-parallel queue-polling-killed trigger-pattern; do
		id="$(awk -F'\t' -v c="$wf" '$1 == c { print $2 }' "$WORK/main/workflows/index.tsv")"
		[[ -n "$id" ]] || die "workflow $wf was not imported"
		activate_workflow "$VERSION" "$id"
	done
) >"$WORK/setup.log" 2>&1 || { tail -30 "$WORK/setup.log" >&2; die "setting up the queue-mode instance failed"; }
log "credential and workflows imported into PostgreSQL, queue workflows published ($(( $(date +%s) - START ))s)"

t0=$(date +%s)
start_process main "$WORK/main" "$MAIN_PORT" start
start_process worker1 "$WORK/worker1" "$(free_port)" worker --concurrency=5
breaks one-worker || start_process worker2 "$WORK/worker2" "$(free_port)" worker --concurrency=5
start_process webhook "$WORK/webhook" "$HOOK_PORT" webhook
setup_owner "$MAIN_URL"
log "n8n $VERSION main $MAIN_URL, webhook process $HOOK_URL, 2 workers ready ($(( $(date +%s) - t0 ))s)"

echo
echo "=== e2e queue mode: n8n $VERSION ($("$(n8n_node_bin "$VERSION")" --version)), EXECUTIONS_MODE=queue, 1 main + 2 workers (concurrency 5) + 1 webhook process, PostgreSQL $PG_VERSION, Redis $REDIS_VERSION, binary data mode $([[ "$BREAK" == *filesystem-binary* ]] && echo filesystem || echo database)${FLORA_E2E_QUEUE_BREAK:+, BROKEN ON PURPOSE: $FLORA_E2E_QUEUE_BREAK} ==="
pids=""
for name in worker1 worker2; do [[ -n "${PIDS[$name]:-}" ]] && pids+="$name=${PIDS[$name]},"; done
set +e
SIM_API_KEY="$SIM_API_KEY" SIM_WEBHOOK_SECRET="$SIM_WEBHOOK_SECRET" node "$E2E_DIR/queue-check.mjs" \
	--main-url "$MAIN_URL" --hook-url "$HOOK_URL" --public-url "$N8N_PUBLIC_URL" --sim-url "$SIM_BASE_URL" \
	--email "$OWNER_EMAIL" --password "$OWNER_PASSWORD" --n8n-dir "$(n8n_dir "$VERSION")/node_modules/n8n" \
	--index "$WORK/main/workflows/index.tsv" --work "$WORK" --files "$SHARED_FILES" --workers "${pids%,}" \
	--trigger-path "$(webhook_id_of "$WORK/main/workflows/trigger-pattern.json" n8n-nodes-flora.floraTrigger)/flora" \
	--n8n-version "$VERSION" --cases "${FLORA_E2E_QUEUE_CASES:-all}" --wait-run-seconds "$QUEUE_WAIT_RUN_SECONDS" --poll-run-seconds "$QUEUE_POLL_RUN_SECONDS" --time-scale "${FLORA_E2E_TIME_SCALE:-10}" &
# In the background and waited for, so that a TERM reaches the cleanup at once. Meanwhile a
# case that killed a worker may ask for a new one, as an orchestrator replaces a lost worker:
# it writes $WORK/start-worker.NAME and waits for $WORK/NAME.pid.
PIDS[check]=$!
while kill -0 "${PIDS[check]}" 2>/dev/null; do
	for request in "$WORK"/start-worker.*; do
		[[ -e "$request" ]] || continue
		name="${request##*.}"
		rm -f "$request"
		install_package_into "$WORK/package" "$WORK/$name" >/dev/null
		start_process "$name" "$WORK/$name" "$(free_port)" worker --concurrency=5
		echo "${PIDS[$name]}" >"$WORK/$name.pid"
		log "$name started (pid ${PIDS[$name]}), replacing a killed worker"
	done
	sleep 0.5
done
wait "${PIDS[check]}"
rc=$?
unset 'PIDS[check]'

set -e
echo "=== e2e queue mode: $([[ $rc == 0 ]] && echo PASS || echo FAIL) in $(( $(date +%s) - START ))s (n8n $VERSION, queue mode) ==="
exit $rc
