#!/usr/bin/env bash
# sandbox.sh - run a real Mattermost server (+ PostgreSQL) on loopback for
# matterctl end-to-end tests and as a local demo sandbox.
#
# Usage:
#   scripts/sandbox.sh build                 build (or reuse) the mattermost binary
#   scripts/sandbox.sh start   STATE_DIR     start PostgreSQL + Mattermost, create the admin user
#   scripts/sandbox.sh stop    STATE_DIR     stop both (never fails when already stopped)
#   scripts/sandbox.sh status  STATE_DIR     report state (exit 0 running, 3 not running)
#   scripts/sandbox.sh env     STATE_DIR     print the shell-sourceable env file
#   scripts/sandbox.sh destroy STATE_DIR     stop and delete all sandbox state
#
# After `start` (which prints the path of STATE_DIR/env, never its secrets), STATE_DIR/env
# and STATE_DIR/env.json (mode 0600) hold MM_URL, MM_ADMIN_PASSWORD, PG_PASSWORD, MM_PID, ...
#
# Tunables (environment):
#   MATTERCTL_E2E_CACHE             binary cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/matterctl-e2e)
#   MATTERCTL_SANDBOX_ADMIN_USER    default admin
#   MATTERCTL_SANDBOX_ADMIN_PASSWORD default Admin-Passw0rd!
#   MATTERCTL_SANDBOX_ADMIN_EMAIL   default admin@example.com
#   MATTERCTL_SANDBOX_START_TIMEOUT seconds to wait for the server ping (default 180)
#   MATTERCTL_SANDBOX_MM_PORT / MATTERCTL_SANDBOX_PG_PORT  fixed ports (default: free ones)
#   MATTERCTL_SANDBOX_NO_APT=1      never run apt-get (fail instead when PostgreSQL is missing)
#
# Works as root (PostgreSQL then runs as the `postgres` user) and as an
# ordinary user (PostgreSQL runs as that user). Never reads stdin.

set -euo pipefail

# Keep in sync with e2e/mmserver/go.mod (the binary cache is keyed by this
# version and by a hash of that go.mod/go.sum).
MM_VERSION=7.8.0
MM_MODULE=github.com/mattermost/mattermost-server/v6
MM_PKG=$MM_MODULE/cmd/mattermost

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
MMSERVER_MOD_DIR=$REPO_ROOT/e2e/mmserver

if [[ -z ${HOME:-} ]]; then
	HOME=$(getent passwd "$(id -u)" | cut -d: -f6 || true)
	HOME=${HOME:-/tmp}
	export HOME
fi
CACHE_ROOT=${MATTERCTL_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/matterctl-e2e}
CACHE_DIR=$CACHE_ROOT/mattermost-$MM_VERSION
MM_BIN=$CACHE_DIR/bin/mattermost

ADMIN_USER=${MATTERCTL_SANDBOX_ADMIN_USER:-admin}
ADMIN_PASSWORD=${MATTERCTL_SANDBOX_ADMIN_PASSWORD:-Admin-Passw0rd!}
ADMIN_EMAIL=${MATTERCTL_SANDBOX_ADMIN_EMAIL:-admin@example.com}
START_TIMEOUT=${MATTERCTL_SANDBOX_START_TIMEOUT:-180}

PG_DB=mattermost
PG_USER=mmuser

IS_ROOT=0
[[ $(id -u) == 0 ]] && IS_ROOT=1

export DEBIAN_FRONTEND=noninteractive

log() { printf 'sandbox: %s\n' "$*" >&2; }
die() {
	printf 'sandbox: ERROR: %s\n' "$*" >&2
	exit 1
}

usage() {
	sed -n '2,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

need() { command -v "$1" >/dev/null 2>&1 || die "required command '$1' not found${2:+ ($2)}"; }

# ---------------------------------------------------------------- build ----

find_go() {
	if command -v go >/dev/null 2>&1; then
		command -v go
	elif [[ -x /usr/local/go/bin/go ]]; then
		echo /usr/local/go/bin/go
	else
		die "Go toolchain not found (looked in PATH and /usr/local/go/bin)"
	fi
}

# Fingerprint of the pinned module set; the cache is rebuilt when it changes.
build_stamp() {
	cat "$MMSERVER_MOD_DIR/go.mod" "$MMSERVER_MOD_DIR/go.sum" | sha256sum | cut -d' ' -f1
}

cmd_build() {
	[[ -f $MMSERVER_MOD_DIR/go.mod ]] || die "missing $MMSERVER_MOD_DIR/go.mod"
	local stamp
	stamp=$(build_stamp)
	if [[ -x $MM_BIN && -f $CACHE_DIR/stamp && $(cat "$CACHE_DIR/stamp") == "$stamp" &&
		-d $CACHE_DIR/i18n && -d $CACHE_DIR/templates && -d $CACHE_DIR/fonts ]]; then
		log "reusing cached mattermost $MM_VERSION: $MM_BIN"
		return 0
	fi
	mkdir -p "$CACHE_DIR"
	need flock
	# Serialise concurrent builds (e.g. several e2e packages starting at once).
	exec 8>"$CACHE_DIR/.build.lock"
	flock -w 3600 8 || die "timed out waiting for build lock $CACHE_DIR/.build.lock"
	if [[ -x $MM_BIN && -f $CACHE_DIR/stamp && $(cat "$CACHE_DIR/stamp") == "$stamp" ]]; then
		log "reusing cached mattermost $MM_VERSION (built concurrently): $MM_BIN"
		exec 8>&-
		return 0
	fi

	rm -rf "$CACHE_DIR"/.build.*/ # leftovers of interrupted builds (we hold the lock)
	local gobin tmp start
	gobin=$(find_go)
	tmp=$(mktemp -d "$CACHE_DIR/.build.XXXXXX")
	start=$(date +%s)
	log "building mattermost $MM_VERSION with $("$gobin" version) (first time: downloads modules, takes minutes)"
	# GONOSUMDB: this pseudo-version is unknown to sum.golang.org; go.sum in
	# e2e/mmserver pins it. -mod=readonly is appended so an inherited
	# GOFLAGS (e.g. -buildvcs=false, or -mod=vendor) cannot break the build.
	if ! (
		cd "$MMSERVER_MOD_DIR" &&
			GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=readonly -buildvcs=false" \
				GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/mattermost" \
				GOWORK=off CGO_ENABLED=0 \
				timeout 3600 "$gobin" build -o "$tmp/mattermost" "$MM_PKG" 9>&-
	) >"$tmp/build.log" 2>&1; then
		tail -n 50 "$tmp/build.log" >&2
		rm -rf "$tmp"
		die "building mattermost failed (see output above)"
	fi
	local moddir
	moddir=$(cd "$MMSERVER_MOD_DIR" && GOWORK=off GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=readonly" "$gobin" list -m -f '{{.Dir}}' "$MM_MODULE")
	[[ -n $moddir && -d $moddir/i18n ]] || die "could not locate $MM_MODULE in the module cache (got '$moddir')"
	# Copy the runtime asset dirs next to the binary so `start` does not depend
	# on the module cache (which `go clean -modcache` may remove).
	local d
	for d in i18n templates fonts; do
		cp -R "$moddir/$d" "$tmp/$d"
		chmod -R u+w "$tmp/$d"
	done
	mkdir -p "$CACHE_DIR/bin"
	for d in i18n templates fonts; do
		rm -rf "${CACHE_DIR:?}/$d"
		mv "$tmp/$d" "$CACHE_DIR/$d"
	done
	mv -f "$tmp/mattermost" "$MM_BIN"
	echo "$stamp" >"$CACHE_DIR/stamp"
	rm -rf "$tmp"
	exec 8>&-
	log "built $MM_BIN in $(($(date +%s) - start))s"
}

# ----------------------------------------------------------- postgresql ----

find_pg_bin() {
	local d
	if [[ -x /usr/lib/postgresql/15/bin/pg_ctl ]]; then
		echo /usr/lib/postgresql/15/bin
		return 0
	fi
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [[ -x $d/pg_ctl && -x $d/initdb ]]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

ensure_postgres() {
	if PG_BIN=$(find_pg_bin); then
		return 0
	fi
	[[ ${MATTERCTL_SANDBOX_NO_APT:-} == 1 ]] && die "PostgreSQL not installed and MATTERCTL_SANDBOX_NO_APT=1"
	[[ $IS_ROOT == 1 ]] || die "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin; install them (sudo apt-get install -y postgresql)"
	need apt-get "PostgreSQL missing and this is not a Debian/Ubuntu system"
	need flock
	# Several sandboxes may start at once; install only once.
	exec 7>/var/lock/matterctl-sandbox-apt.lock
	flock -w 1200 7 || die "timed out waiting for another PostgreSQL installation"
	if ! PG_BIN=$(find_pg_bin); then
		log "installing PostgreSQL with apt-get (non-interactive)"
		# Output goes to a file: services started by the package scripts must
		# not inherit our stdout/stderr (callers may be waiting on a pipe).
		local aptlog=${STATE_DIR:-/tmp}/apt.log
		if ! timeout 600 apt-get -o DPkg::Lock::Timeout=300 update -q </dev/null >"$aptlog" 2>&1 7>&- 9>&-; then
			tail -n 30 "$aptlog" >&2
			die "apt-get update failed (log: $aptlog)"
		fi
		if ! timeout 900 apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends \
			-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
			postgresql </dev/null >>"$aptlog" 2>&1 7>&- 9>&-; then
			tail -n 30 "$aptlog" >&2
			die "apt-get install postgresql failed (log: $aptlog)"
		fi
		PG_BIN=$(find_pg_bin) || die "PostgreSQL installed but no /usr/lib/postgresql/*/bin/pg_ctl found"
	fi
	exec 7>&-
}

# Run a command as the PostgreSQL OS user (postgres when we are root).
check_pg_user() {
	[[ $IS_ROOT == 1 ]] || return 0
	id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user to run PostgreSQL as (install Debian's postgresql package)"
	need runuser
}

as_pg() {
	if [[ $IS_ROOT == 1 ]]; then
		(cd / && runuser -u postgres -- "$@")
	else
		(cd / && "$@")
	fi
}

pg_running() {
	[[ -n ${PG_DATA:-} && -f $PG_DATA/PG_VERSION ]] || return 1
	as_pg "$PG_BIN/pg_ctl" status -D "$PG_DATA" >/dev/null 2>&1 </dev/null 9>&-
}

pg_running_quiet() {
	[[ -n ${PG_BIN:-} && -n ${PG_ROOT:-} ]] || return 1
	PG_DATA=$PG_ROOT/data
	pg_running
}

psql_super() {
	PGPASSWORD=$PG_SUPER_PASSWORD PGCONNECT_TIMEOUT=10 "$PG_BIN/psql" -X -q -w -v ON_ERROR_STOP=1 \
		-h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@" </dev/null 9>&-
}

# Choose the directory holding the cluster. Normally STATE_DIR/pg, but the
# postgres user cannot enter e.g. 0700 dirs made by Go's t.TempDir(); then the
# cluster lives in /tmp and STATE_DIR/pg is a symlink to it.
setup_pg_root() {
	local pgdir=$STATE_DIR/pg
	if [[ -L $pgdir ]]; then
		PG_ROOT=$(readlink -f "$pgdir")
		[[ -d $PG_ROOT ]] || die "$pgdir points to missing $PG_ROOT; run '$0 destroy $STATE_DIR' and start again"
		return 0
	fi
	mkdir -p "$pgdir"
	if [[ $IS_ROOT == 1 ]]; then
		chown postgres:postgres "$pgdir"
		chmod 0700 "$pgdir"
		if ! runuser -u postgres -- test -w "$pgdir" -a -x "$pgdir" 2>/dev/null; then
			rmdir "$pgdir" 2>/dev/null || die "$pgdir is not accessible to the postgres user and not empty"
			PG_ROOT=$(mktemp -d /tmp/matterctl-pg.XXXXXX)
			chown postgres:postgres "$PG_ROOT"
			chmod 0700 "$PG_ROOT"
			ln -s "$PG_ROOT" "$pgdir"
			log "postgres user cannot enter $STATE_DIR; cluster placed in $PG_ROOT (symlinked from $pgdir)"
			return 0
		fi
	fi
	PG_ROOT=$(cd "$pgdir" && pwd -P)
}

start_postgres() {
	PG_DATA=$PG_ROOT/data
	local pglog=$PG_ROOT/postgres.log
	if [[ ! -f $PG_DATA/PG_VERSION ]]; then
		log "initialising PostgreSQL cluster in $PG_DATA"
		local pwfile=$PG_ROOT/.pwfile
		(umask 077 && printf '%s\n' "$PG_SUPER_PASSWORD" >"$pwfile")
		[[ $IS_ROOT == 1 ]] && chown postgres:postgres "$pwfile"
		if ! as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --pwfile="$pwfile" \
			--auth-host=scram-sha-256 --auth-local=scram-sha-256 -E UTF8 --no-locale \
			>"$STATE_DIR/initdb.log" 2>&1 </dev/null 9>&-; then
			cat "$STATE_DIR/initdb.log" >&2
			rm -f "$pwfile"
			die "initdb failed"
		fi
		rm -f "$pwfile"
		as_pg tee -a "$PG_DATA/postgresql.conf" >/dev/null 9>&- <<-EOF

			# --- matterctl sandbox ---
			listen_addresses = '127.0.0.1'
			unix_socket_directories = ''
			max_connections = 200
			fsync = off
			synchronous_commit = off
			full_page_writes = off
			logging_collector = off
		EOF
	fi
	if pg_running; then
		log "PostgreSQL already running (port $PG_PORT)"
		return 0
	fi
	rm -f "$PG_DATA/postmaster.pid" 2>/dev/null || true # stale after a crash/kill; pg_ctl status said not running
	log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
	if ! as_pg "$PG_BIN/pg_ctl" start -D "$PG_DATA" -l "$pglog" -w -t 60 -o "-p $PG_PORT" \
		>"$STATE_DIR/pg_ctl.log" 2>&1 </dev/null 9>&-; then
		cat "$STATE_DIR/pg_ctl.log" >&2
		tail -n 30 "$pglog" >&2 2>/dev/null || true
		die "PostgreSQL failed to start (log: $pglog)"
	fi
	# Create role + database once.
	local have
	have=$(psql_super -tAc "SELECT 1 FROM pg_roles WHERE rolname='$PG_USER'") || die "cannot connect to PostgreSQL on 127.0.0.1:$PG_PORT"
	if [[ $have != 1 ]]; then
		psql_super -c "CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_MM_PASSWORD'" || die "CREATE ROLE failed"
	fi
	have=$(psql_super -tAc "SELECT 1 FROM pg_database WHERE datname='$PG_DB'")
	if [[ $have != 1 ]]; then
		psql_super -c "CREATE DATABASE $PG_DB OWNER $PG_USER ENCODING 'UTF8' TEMPLATE template0" || die "CREATE DATABASE failed"
	fi
}

stop_postgres() {
	[[ -n ${PG_DATA:-} && -f $PG_DATA/PG_VERSION ]] || return 0
	[[ -n ${PG_BIN:-} ]] || PG_BIN=$(find_pg_bin) || return 0
	if ! pg_running; then
		return 0
	fi
	log "stopping PostgreSQL"
	if ! as_pg "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m fast -w -t 30 >/dev/null 2>&1 </dev/null 9>&-; then
		log "fast shutdown timed out; using immediate mode"
		as_pg "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m immediate -w -t 30 >/dev/null 2>&1 </dev/null 9>&- || true
	fi
	if pg_running; then
		local pid
		pid=$(head -n1 "$PG_DATA/postmaster.pid" 2>/dev/null || true)
		[[ $pid =~ ^[0-9]+$ ]] && kill -KILL "$pid" 2>/dev/null || true
		log "WARNING: PostgreSQL did not stop cleanly"
	fi
}

# ------------------------------------------------------------ utilities ----

port_free() {
	if command -v python3 >/dev/null 2>&1; then
		python3 - "$1" <<-'EOF' 2>/dev/null
			import socket, sys
			s = socket.socket()
			s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
			s.bind(("127.0.0.1", int(sys.argv[1])))
			s.close()
		EOF
	else
		! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
	fi
}

free_port() {
	local p i
	if command -v python3 >/dev/null 2>&1; then
		for i in 1 2 3 4 5 6 7 8 9 10; do
			p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
			[[ $p != "${1:-}" ]] && {
				echo "$p"
				return 0
			}
		done
	else
		for i in $(seq 1 200); do
			p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
			[[ $p != "${1:-}" ]] && port_free "$p" && {
				echo "$p"
				return 0
			}
		done
	fi
	die "could not find a free loopback port"
}

rand_hex() { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }

json_str() {
	local s=$1
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	printf '"%s"' "$s"
}

mm_pid_alive() {
	local pid
	[[ -f $SERVER_DIR/mattermost.pid ]] || return 1
	pid=$(cat "$SERVER_DIR/mattermost.pid" 2>/dev/null || true)
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	# Guard against pid reuse: it must be our binary.
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "mattermost" || return 1
	MM_PID=$pid
}

# True when the TCP listener on 127.0.0.1:MM_PORT belongs to MM_PID (so a
# ping answered by some other server on a recycled port is not mistaken for
# ours). Skipped when /proc/net/tcp is unavailable.
mm_owns_port() {
	[[ -r /proc/net/tcp ]] || return 0
	local hex ino inodes
	hex=$(printf '%04X' "$MM_PORT")
	inodes=$(awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { print $10 }' \
		/proc/net/tcp /proc/net/tcp6 2>/dev/null || true)
	for ino in $inodes; do
		if [[ -n $(find "/proc/$MM_PID/fd" -maxdepth 1 -lname "socket:\[$ino\]" 2>/dev/null) ]]; then
			return 0
		fi
	done
	return 1
}

mm_ping() {
	[[ $(curl -s -o /dev/null -w '%{http_code}' -m 5 "$MM_URL/api/v4/system/ping" 2>/dev/null || true) == 200 ]]
}

# Load STATE_DIR/state (ports, generated secrets, locations).
load_state() {
	STATE_DIR=$(cd "$1" 2>/dev/null && pwd -P) || return 1
	SERVER_DIR=$STATE_DIR/server
	[[ -f $STATE_DIR/state ]] || return 1
	# shellcheck disable=SC1091
	source "$STATE_DIR/state"
	PG_DATA=$PG_ROOT/data
	MM_URL=http://127.0.0.1:$MM_PORT
}

save_state() {
	local f=$STATE_DIR/state
	(
		umask 077
		{
			echo "# internal state of scripts/sandbox.sh - do not edit"
			printf 'MM_PORT=%q\nPG_PORT=%q\nPG_ROOT=%q\nPG_SUPER_PASSWORD=%q\nPG_MM_PASSWORD=%q\nMM_SOCKET=%q\nSOCKET_TMPDIR=%q\n' \
				"$MM_PORT" "$PG_PORT" "$PG_ROOT" "$PG_SUPER_PASSWORD" "$PG_MM_PASSWORD" "$MM_SOCKET" "${SOCKET_TMPDIR:-}"
		} >"$f.tmp"
	)
	mv -f "$f.tmp" "$f"
}

lock_state() {
	need flock
	exec 9>"$STATE_DIR/.lock"
	flock -w 300 9 || die "another sandbox.sh operation holds $STATE_DIR/.lock"
}

write_env() {
	local dsn="postgres://$PG_USER:$PG_MM_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB?sslmode=disable&connect_timeout=10"
	local -a keys=(MM_URL MM_ADMIN_USER MM_ADMIN_PASSWORD MM_ADMIN_EMAIL MM_SOCKET MM_PID MM_PORT MM_VERSION
		MM_BIN MM_STATE_DIR MM_SERVER_DIR MM_LOG MM_CONFIG PG_PORT PG_DATA PG_BIN PG_DATABASE PG_USER PG_PASSWORD PG_DSN)
	local -A vals=(
		[MM_URL]=$MM_URL [MM_ADMIN_USER]=$ADMIN_USER [MM_ADMIN_PASSWORD]=$ADMIN_PASSWORD
		[MM_ADMIN_EMAIL]=$ADMIN_EMAIL [MM_SOCKET]=$MM_SOCKET [MM_PID]=$MM_PID [MM_PORT]=$MM_PORT
		[MM_VERSION]=$MM_VERSION [MM_BIN]=$MM_BIN [MM_STATE_DIR]=$STATE_DIR [MM_SERVER_DIR]=$SERVER_DIR
		[MM_LOG]=$SERVER_DIR/logs/mattermost.log [MM_CONFIG]=$SERVER_DIR/config/config.json
		[PG_PORT]=$PG_PORT [PG_DATA]=$PG_DATA [PG_BIN]=$PG_BIN [PG_DATABASE]=$PG_DB [PG_USER]=$PG_USER
		[PG_PASSWORD]=$PG_MM_PASSWORD [PG_DSN]=$dsn
	)
	local k sep=""
	(
		umask 077
		{
			echo "# generated by scripts/sandbox.sh start; source it: . $STATE_DIR/env"
			for k in "${keys[@]}"; do printf 'export %s=%q\n' "$k" "${vals[$k]}"; done
		} >"$STATE_DIR/env.tmp"
		{
			printf '{'
			for k in "${keys[@]}"; do
				printf '%s\n  "%s": %s' "$sep" "$k" "$(json_str "${vals[$k]}")"
				sep=,
			done
			printf '\n}\n'
		} >"$STATE_DIR/env.json.tmp"
	)
	mv -f "$STATE_DIR/env.tmp" "$STATE_DIR/env"
	mv -f "$STATE_DIR/env.json.tmp" "$STATE_DIR/env.json"
}

# ----------------------------------------------------------- mattermost ----

setup_server_dir() {
	mkdir -p "$SERVER_DIR"/{config,logs,data,plugins,client/plugins}
	local d
	for d in i18n templates fonts; do
		ln -sfn "$CACHE_DIR/$d" "$SERVER_DIR/$d"
	done
	# Feature toggles go into config.json (written once) rather than MM_* env
	# vars: env-overridden settings cannot be changed through the API, and
	# the e2e tests must be able to flip them with `config set`. Mattermost
	# fills in defaults for everything not listed and rewrites the file.
	[[ -f $SERVER_DIR/config/config.json ]] || cat >"$SERVER_DIR/config/config.json" <<-'EOF'
		{
		  "ServiceSettings": {
		    "EnableAPIUserDeletion": true,
		    "EnableAPITeamDeletion": true,
		    "EnableAPIChannelDeletion": true,
		    "EnableBotAccountCreation": true,
		    "EnableUserAccessTokens": true,
		    "EnableIncomingWebhooks": true,
		    "EnableOutgoingWebhooks": true,
		    "EnableCommands": true,
		    "EnableOAuthServiceProvider": true,
		    "EnableCustomEmoji": true,
		    "EnableMultifactorAuthentication": true,
		    "EnableLinkPreviews": false,
		    "EnableOnboardingFlow": false,
		    "AllowedUntrustedInternalConnections": "127.0.0.1 localhost"
		  },
		  "TeamSettings": {
		    "EnableOpenServer": true,
		    "EnableUserCreation": true,
		    "MaxUsersPerTeam": 10000
		  },
		  "SqlSettings": {
		    "MaxOpenConns": 50,
		    "MaxIdleConns": 10
		  },
		  "EmailSettings": {
		    "SendEmailNotifications": false,
		    "RequireEmailVerification": false,
		    "SendPushNotifications": false
		  },
		  "RateLimitSettings": {
		    "Enable": false
		  },
		  "PluginSettings": {
		    "Enable": true,
		    "EnableUploads": true
		  },
		  "AnnouncementSettings": {
		    "AdminNoticesEnabled": false,
		    "UserNoticesEnabled": false
		  }
		}
	EOF
}

start_mattermost() {
	local dsn="postgres://$PG_USER:$PG_MM_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB?sslmode=disable&connect_timeout=10"
	rm -f "$MM_SOCKET"
	log "starting Mattermost $MM_VERSION on $MM_URL"
	# Only infrastructure settings (addresses, paths, DSN) and the "never call
	# the internet" switches are forced by env vars; these are read-only via the
	# API (GET /api/v4/config/environment lists them). The clean environment
	# keeps stray MM_* variables of the caller from leaking in as overrides.
	(
		cd "$SERVER_DIR"
		exec env -i \
			PATH="/usr/local/bin:/usr/bin:/bin" HOME="$HOME" LANG=C.UTF-8 TMPDIR="${TMPDIR:-/tmp}" \
			MM_SQLSETTINGS_DRIVERNAME=postgres \
			MM_SQLSETTINGS_DATASOURCE="$dsn" \
			MM_SERVICESETTINGS_LISTENADDRESS="127.0.0.1:$MM_PORT" \
			MM_SERVICESETTINGS_SITEURL="$MM_URL" \
			MM_SERVICESETTINGS_ENABLELOCALMODE=true \
			MM_SERVICESETTINGS_LOCALMODESOCKETLOCATION="$MM_SOCKET" \
			MM_SERVICESETTINGS_ENABLESECURITYFIXALERT=false \
			MM_LOGSETTINGS_ENABLECONSOLE=false \
			MM_LOGSETTINGS_ENABLEFILE=true \
			MM_LOGSETTINGS_FILELOCATION="$SERVER_DIR/logs" \
			MM_LOGSETTINGS_ENABLEDIAGNOSTICS=false \
			MM_LOGSETTINGS_ENABLESENTRY=false \
			MM_NOTIFICATIONLOGSETTINGS_ENABLECONSOLE=false \
			MM_NOTIFICATIONLOGSETTINGS_FILELOCATION="$SERVER_DIR/logs" \
			MM_FILESETTINGS_DRIVERNAME=local \
			MM_FILESETTINGS_DIRECTORY="$SERVER_DIR/data/" \
			MM_PLUGINSETTINGS_DIRECTORY="$SERVER_DIR/plugins" \
			MM_PLUGINSETTINGS_CLIENTDIRECTORY="$SERVER_DIR/client/plugins" \
			MM_PLUGINSETTINGS_ENABLEMARKETPLACE=false \
			MM_PLUGINSETTINGS_ENABLEREMOTEMARKETPLACE=false \
			MM_PLUGINSETTINGS_AUTOMATICPREPACKAGEDPLUGINS=false \
			setsid nohup "$MM_BIN" server --config "$SERVER_DIR/config/config.json" \
			</dev/null >>"$SERVER_DIR/logs/stdout.log" 2>&1 8>&- 9>&-
	) &
	MM_PID=$!
	echo "$MM_PID" >"$SERVER_DIR/mattermost.pid"

	local deadline=$((SECONDS + START_TIMEOUT))
	until mm_ping && mm_owns_port; do
		if ! kill -0 "$MM_PID" 2>/dev/null; then
			wait "$MM_PID" 2>/dev/null || true
			if [[ ${1:-} == retry ]] && tail -n 20 "$SERVER_DIR/logs/mattermost.log" "$SERVER_DIR/logs/stdout.log" 2>/dev/null |
				grep -q 'address already in use'; then
				log "port $MM_PORT was taken meanwhile; retrying with another port"
				MM_PORT_RACE=1
				return 0
			fi
			mm_fail "Mattermost exited during startup"
		fi
		if ((SECONDS >= deadline)); then
			mm_fail "Mattermost did not answer $MM_URL/api/v4/system/ping within ${START_TIMEOUT}s"
		fi
		sleep 1
	done
	log "Mattermost is up (pid $MM_PID)"
}

mm_fail() {
	log "$1; last lines of the server logs:"
	tail -n 40 "$SERVER_DIR/logs/stdout.log" >&2 2>/dev/null || true
	tail -n 40 "$SERVER_DIR/logs/mattermost.log" >&2 2>/dev/null || true
	stop_mattermost
	die "$1 (logs: $SERVER_DIR/logs)"
}

stop_mattermost() {
	if ! mm_pid_alive; then
		rm -f "$SERVER_DIR/mattermost.pid"
		return 0
	fi
	log "stopping Mattermost (pid $MM_PID)"
	kill -TERM "$MM_PID" 2>/dev/null || true
	local i
	for i in $(seq 1 60); do
		kill -0 "$MM_PID" 2>/dev/null || break
		sleep 0.5
	done
	if kill -0 "$MM_PID" 2>/dev/null; then
		log "Mattermost did not exit after SIGTERM; sending SIGKILL"
		kill -KILL "$MM_PID" 2>/dev/null || true
		for i in $(seq 1 20); do
			kill -0 "$MM_PID" 2>/dev/null || break
			sleep 0.5
		done
	fi
	# Reap if we are the parent (start failure path).
	wait "$MM_PID" 2>/dev/null || true
	rm -f "$SERVER_DIR/mattermost.pid" "$MM_SOCKET"
}

api() { # method path [json-body] [token]
	local args=(-s -m 30 -X "$1" -H 'Content-Type: application/json' -H 'X-Requested-With: XMLHttpRequest')
	[[ -n ${3:-} ]] && args+=(--data-binary "$3")
	[[ -n ${4:-} ]] && args+=(-H "Authorization: Bearer $4")
	curl "${args[@]}" "$MM_URL$2"
}

ensure_admin() {
	local login body code hdrs token
	login="{\"login_id\":$(json_str "$ADMIN_USER"),\"password\":$(json_str "$ADMIN_PASSWORD")}"
	hdrs=$(mktemp)
	code=$(curl -s -m 30 -o /dev/null -D "$hdrs" -w '%{http_code}' -H 'Content-Type: application/json' \
		--data-binary "$login" "$MM_URL/api/v4/users/login" || true)
	if [[ $code != 200 ]]; then
		log "creating admin user '$ADMIN_USER'"
		body="{\"username\":$(json_str "$ADMIN_USER"),\"email\":$(json_str "$ADMIN_EMAIL"),\"password\":$(json_str "$ADMIN_PASSWORD")}"
		local out
		out=$(curl -s -m 30 -w '\n%{http_code}' -H 'Content-Type: application/json' \
			--data-binary "$body" "$MM_URL/api/v4/users" || true)
		code=${out##*$'\n'}
		[[ $code == 201 ]] || {
			rm -f "$hdrs"
			die "creating admin user failed (HTTP $code): ${out%$'\n'*}"
		}
		code=$(curl -s -m 30 -o /dev/null -D "$hdrs" -w '%{http_code}' -H 'Content-Type: application/json' \
			--data-binary "$login" "$MM_URL/api/v4/users/login" || true)
		[[ $code == 200 ]] || {
			rm -f "$hdrs"
			die "admin login failed after creating the user (HTTP $code)"
		}
	fi
	token=$(tr -d '\r' <"$hdrs" | awk 'tolower($1)=="token:" {print $2}')
	rm -f "$hdrs"
	[[ -n $token ]] || die "admin login returned no Token header"
	local me
	me=$(api GET /api/v4/users/me "" "$token") || die "GET /api/v4/users/me failed"
	if ! grep -q 'system_admin' <<<"$me"; then
		# Not the first user (e.g. someone signed up first): promote via local mode.
		local id
		id=$(sed -n 's/.*"id":"\([a-z0-9]*\)".*/\1/p' <<<"$me" | head -n1)
		log "promoting '$ADMIN_USER' to system_admin through the local-mode socket"
		curl -sf -m 30 --unix-socket "$MM_SOCKET" -X PUT -H 'Content-Type: application/json' \
			--data-binary '{"roles":"system_user system_admin"}' "http://_/api/v4/users/$id/roles" >/dev/null ||
			die "could not make '$ADMIN_USER' a system admin"
	fi
}

# ------------------------------------------------------------- commands ----

start_cleanup() {
	local rc=$?
	((rc != 0)) || return 0
	log "start failed; stopping what was started (state kept in $STATE_DIR)"
	stop_mattermost || true
	stop_postgres || true
	exit "$rc"
}

cmd_start() {
	local dir=${1:-}
	[[ -n $dir ]] || usage
	need curl
	mkdir -p "$dir"
	STATE_DIR=$(cd "$dir" && pwd -P)
	SERVER_DIR=$STATE_DIR/server
	touch "$STATE_DIR/.matterctl-sandbox"
	lock_state

	if load_state "$STATE_DIR" && mm_pid_alive && mm_ping; then
		PG_BIN=$(find_pg_bin) || true
		if pg_running; then
			write_env
			log "already running: $MM_URL (pid $MM_PID)"
			printf '%s\n' "$STATE_DIR/env"
			return 0
		fi
		log "Mattermost is running but PostgreSQL is not; restarting both"
		stop_mattermost
	fi

	ensure_postgres
	check_pg_user
	(cmd_build) 9>&- || exit 1

	if ! load_state "$STATE_DIR"; then
		PG_SUPER_PASSWORD=$(rand_hex)
		PG_MM_PASSWORD=$(rand_hex)
		setup_pg_root
		MM_SOCKET=$STATE_DIR/mattermost_local.socket
		SOCKET_TMPDIR=
		# sun_path is limited to 108 bytes.
		if ((${#MM_SOCKET} > 100)); then
			SOCKET_TMPDIR=$(mktemp -d /tmp/matterctl-mm.XXXXXX)
			MM_SOCKET=$SOCKET_TMPDIR/mattermost_local.socket
		fi
		PG_PORT=${MATTERCTL_SANDBOX_PG_PORT:-$(free_port)}
		MM_PORT=${MATTERCTL_SANDBOX_MM_PORT:-$(free_port "$PG_PORT")}
	else
		[[ -d $PG_ROOT ]] || die "PostgreSQL directory $PG_ROOT has vanished; run '$0 destroy $STATE_DIR' and start again"
		if mm_pid_alive; then stop_mattermost; fi # alive but not answering
		[[ -n ${SOCKET_TMPDIR:-} ]] && mkdir -p "$SOCKET_TMPDIR"
		PG_DATA=$PG_ROOT/data
		# Reuse the previous ports when still free.
		if ! pg_running && ! port_free "$PG_PORT"; then
			PG_PORT=$(free_port)
			log "previous PostgreSQL port busy; using $PG_PORT"
		fi
		if ! port_free "$MM_PORT"; then
			MM_PORT=$(free_port "$PG_PORT")
			log "previous Mattermost port busy; using $MM_PORT"
		fi
	fi
	MM_URL=http://127.0.0.1:$MM_PORT
	save_state
	# From here on, a failure stops whatever this run started.
	trap 'start_cleanup' EXIT
	[[ $PG_PORT != "$MM_PORT" ]] || die "PostgreSQL and Mattermost ports must differ ($PG_PORT)"
	port_free "$MM_PORT" || die "port 127.0.0.1:$MM_PORT (Mattermost) is already in use"
	if ! pg_running_quiet; then port_free "$PG_PORT" || die "port 127.0.0.1:$PG_PORT (PostgreSQL) is already in use"; fi

	start_postgres
	setup_server_dir
	local attempt
	for attempt in 1 2 3; do
		MM_PORT_RACE=0
		start_mattermost "$([[ $attempt -lt 3 && -z ${MATTERCTL_SANDBOX_MM_PORT:-} ]] && echo retry || true)"
		((MM_PORT_RACE == 1)) || break
		MM_PORT=$(free_port "$PG_PORT")
		MM_URL=http://127.0.0.1:$MM_PORT
		save_state
	done
	ensure_admin
	write_env
	trap - EXIT
	log "ready: $MM_URL  admin: $ADMIN_USER  socket: $MM_SOCKET  env: $STATE_DIR/env"
	# Only the path: the file holds the passwords, and this output may end up in a CI log.
	printf '%s\n' "$STATE_DIR/env"
}

cmd_stop() {
	local dir=${1:-}
	[[ -n $dir ]] || usage
	if [[ ! -d $dir ]]; then
		log "no sandbox at $dir (nothing to stop)"
		return 0
	fi
	STATE_DIR=$(cd "$dir" && pwd -P)
	lock_state
	if ! load_state "$STATE_DIR"; then
		log "no sandbox state in $STATE_DIR (nothing to stop)"
		return 0
	fi
	PG_BIN=$(find_pg_bin) || PG_BIN=
	stop_mattermost || true
	stop_postgres || true
	log "stopped"
}

cmd_status() {
	local dir=${1:-}
	[[ -n $dir ]] || usage
	if ! load_state "$dir"; then
		echo "not initialised: $dir"
		return 3
	fi
	PG_BIN=$(find_pg_bin) || PG_BIN=
	local rc=0 mm="stopped" pg="stopped"
	if mm_pid_alive; then
		if mm_ping; then mm="running (pid $MM_PID, ping OK)"; else
			mm="process $MM_PID alive but ping failing"
			rc=3
		fi
	else
		rc=3
	fi
	if [[ -n $PG_BIN ]] && pg_running; then pg="running"; else rc=3; fi
	echo "mattermost: $mm  url=$MM_URL socket=$MM_SOCKET"
	echo "postgresql: $pg  port=$PG_PORT data=$PG_DATA"
	return $rc
}

cmd_env() {
	[[ -n ${1:-} ]] || usage
	[[ -f $1/env ]] || die "no env file in $1 (start the sandbox first)"
	cat "$1/env"
}

cmd_destroy() {
	local dir=${1:-}
	[[ -n $dir ]] || usage
	[[ -d $dir ]] || return 0
	[[ -f $dir/.matterctl-sandbox ]] || die "$dir does not look like a sandbox state dir (no .matterctl-sandbox); refusing to delete"
	cmd_stop "$dir"
	exec 9>&-
	local pgroot
	pgroot=$(readlink "$dir/pg" 2>/dev/null || true)
	if [[ $pgroot == /tmp/matterctl-pg.* ]]; then rm -rf "$pgroot"; fi
	if load_state "$dir"; then
		if [[ -n ${SOCKET_TMPDIR:-} && $SOCKET_TMPDIR == /tmp/matterctl-mm.* ]]; then rm -rf "$SOCKET_TMPDIR"; fi
	fi
	rm -rf "$(cd "$dir" && pwd -P)"
	log "destroyed $dir"
}

main() {
	local cmd=${1:-}
	shift || true
	case $cmd in
	build) cmd_build ;;
	start) cmd_start "$@" ;;
	stop) cmd_stop "$@" ;;
	status) cmd_status "$@" ;;
	env) cmd_env "$@" ;;
	destroy) cmd_destroy "$@" ;;
	-h | --help | help) usage ;;
	*) usage ;;
	esac
}

# On one line so that editing this file while it runs cannot break it.
main "$@"; exit $?
