#!/usr/bin/env bash
# demo.sh STATE_DIR BIN — start the local sandbox (PostgreSQL + Mattermost on loopback), log a
# "sandbox" profile in, and take a short tour of matterctl. Used by `make demo`.
set -euo pipefail

STATE_DIR=${1:?usage: demo.sh STATE_DIR BIN}
BIN=${2:?usage: demo.sh STATE_DIR BIN}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

mkdir -p "$STATE_DIR"
chmod 755 "$STATE_DIR"
bash "$HERE/sandbox.sh" start "$STATE_DIR"
# shellcheck disable=SC1091
. "$STATE_DIR/env"

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

cat <<EOT

The sandbox is running:
  server   $MM_URL  (admin: $MM_ADMIN_USER / see $STATE_DIR/env)
  profile  "sandbox" in your matterctl config, now the current profile

Keep using it:
  export PATH="$(dirname "$BIN"):\$PATH"
  matterctl user list
  matterctl --server sandbox api /users/me
  MATTERCTL_LOCAL_SOCKET=$MM_SOCKET matterctl --local user list

Stop it with:  make demo-stop
EOT
