#!/usr/bin/env bash
# Redis and PostgreSQL for the queue-mode e2e suite (e2e/queue-mode.sh), from Debian's packages.
# Installs only what is missing (apt-get update once, then apt-get install), starts nothing:
# queue-mode.sh starts both by hand on loopback and stops them. Fails with a clear message
# when they cannot be installed (the suite never skips queue mode silently).
set -euo pipefail

have_redis() { command -v redis-server >/dev/null 2>&1; }
have_postgres() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null; }

missing=()
have_redis || missing+=(redis-server)
have_postgres || missing+=(postgresql)
if ((${#missing[@]} == 0)); then
	echo "queue services: $(redis-server --version | cut -d' ' -f1-3), PostgreSQL $(ls /usr/lib/postgresql | sort -V | tail -1) already installed"
	exit 0
fi

sudo=()
if [[ $(id -u) != 0 ]]; then
	command -v sudo >/dev/null 2>&1 || { echo "queue services: FAIL ${missing[*]} missing, and not root and no sudo to install them with apt-get" >&2; exit 1; }
	sudo=(sudo)
fi
command -v apt-get >/dev/null 2>&1 || { echo "queue services: FAIL ${missing[*]} missing and no apt-get to install them (install Redis 7 and PostgreSQL 15 by hand)" >&2; exit 1; }
echo "queue services: installing ${missing[*]} (apt-get)"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq || { echo "queue services: FAIL apt-get update failed" >&2; exit 1; }
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || { echo "queue services: FAIL apt-get install ${missing[*]} failed" >&2; exit 1; }
have_redis || { echo "queue services: FAIL redis-server still not found after apt-get install" >&2; exit 1; }
have_postgres || { echo "queue services: FAIL PostgreSQL's initdb/pg_ctl still not found under /usr/lib/postgresql after apt-get install" >&2; exit 1; }
echo "queue services: $(redis-server --version | cut -d' ' -f1-3), PostgreSQL $(ls /usr/lib/postgresql | sort -V | tail -1) installed"
