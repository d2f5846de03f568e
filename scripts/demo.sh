#!/usr/bin/env bash
# demo.sh STATE_DIR BIN — start the local sandbox (PostgreSQL + Mattermost on loopback) unless
# it is already running in STATE_DIR, log a "sandbox" profile in, and take a short tour of
# matterctl. Used by `make demo`.
#
# The profile is stored in STATE_DIR/matterctl.json (through MATTERCTL_CONFIG): the user's own
# matterctl config is neither read nor written, and credentials set in the environment
# (MATTERCTL_URL, MATTERCTL_TOKEN, MATTERCTL_SERVER) are ignored. The passwords stay in
# STATE_DIR/env; only that file's path is printed.
set -euo pipefail

STATE_DIR=${1:?usage: demo.sh STATE_DIR BIN}
BIN=${2:?usage: demo.sh STATE_DIR BIN}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [[ ! -d $STATE_DIR ]]; then
	mkdir -p "$STATE_DIR"
	chmod 755 "$STATE_DIR" # PostgreSQL may run as another user and must enter it
fi
STATE_DIR=$(cd "$STATE_DIR" && pwd -P)
if [[ ! -f $STATE_DIR/env ]] || ! bash "$HERE/sandbox.sh" status "$STATE_DIR" >/dev/null 2>&1; then
	# stdout is the env file's path; progress goes to stderr.
	bash "$HERE/sandbox.sh" start "$STATE_DIR" >/dev/null
fi
# shellcheck disable=SC1091
. "$STATE_DIR/env"

# Credentials in the environment would take precedence over the profile; note them for the
# closing text, and keep them away from the tour.
shadowing=()
for v in MATTERCTL_URL MATTERCTL_TOKEN MATTERCTL_SERVER; do
	if [[ -n ${!v:-} ]]; then shadowing+=("$v"); fi
done
unset MATTERCTL_URL MATTERCTL_TOKEN MATTERCTL_SERVER
CONFIG=$STATE_DIR/matterctl.json
export MATTERCTL_CONFIG=$CONFIG

step() {
	local shown
	shown=$(printf ' %q' "$@")
	printf '\n\033[1m$ matterctl%s\033[0m\n' "$shown"
	"$BIN" "$@"
}

printf '%s\n' "$MM_ADMIN_PASSWORD" | "$BIN" auth login "$MM_URL" --name sandbox --username "$MM_ADMIN_USER" --password-stdin

step version --json
step auth list
step auth status
step --server sandbox api /system/ping
if "$BIN" user --help 2>/dev/null | grep -q '^  create'; then
	suffix=$RANDOM
	printf '\n\033[1m$ matterctl user create --username demo%s --email demo%s@example.com --password-file - <<< "$PASSWORD"\033[0m\n' "$suffix" "$suffix"
	printf 'Demo-Passw0rd-%s\n' "$suffix" | "$BIN" user create --username "demo$suffix" --email "demo$suffix@example.com" --password-file -
	step user list --per-page 5
	step user deactivate "demo$suffix" --dry-run
	step user deactivate "demo$suffix"
	step user show "demo$suffix" --json --jq '{username, delete_at}'
	step token generate "$MM_ADMIN_USER" "demo token" --json --jq '.id'
	step roles list --jq '.[].name'
fi
step api /users --paginate --jq 'length'

q() { printf '%q' "$1"; }

cat <<EOT

The sandbox is running:
  server       $MM_URL  (admin: $MM_ADMIN_USER; passwords in $(q "$STATE_DIR/env"))
  credentials  profile "sandbox" in $(q "$CONFIG"), apart from your own matterctl config

Keep using it:
  export PATH=$(q "$(dirname "$BIN")"):\$PATH
  export MATTERCTL_CONFIG=$(q "$CONFIG")
EOT
if ((${#shadowing[@]} > 0)); then
	printf '  unset %s     # set in your shell: would override the profile\n' "${shadowing[*]}"
fi
cat <<EOT
  matterctl user list
  matterctl --server sandbox api /users/me
  MATTERCTL_LOCAL_SOCKET=$(q "$MM_SOCKET") matterctl --local user list
  unset MATTERCTL_CONFIG     # back to your own profiles

Stop it with:  make demo-stop
EOT
