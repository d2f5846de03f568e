#!/usr/bin/env bash
# Runs every Go fuzz target of the module for a bounded time each, one target per `go test`
# invocation (Go fuzzes one target at a time). Targets are found in the test files by name, so a
# new Fuzz function is picked up without editing this script.
#
#   .ci/fuzz.sh [DURATION]          DURATION per target: 10s, 2m, 1000x (default $FUZZTIME or 10s)
#
# Environment:
#   FUZZTIME      duration per target when no argument is given
#   FUZZMATCH     only targets whose "package.Name" matches this extended regexp
#   FUZZPARALLEL  fuzzing workers per target (go test -parallel; default: GOMAXPROCS)
#   FUZZRETRIES   runs again after Go's deadline race, below (default 2)
#   FUZZTOOLCHAIN the Go toolchain that fuzzes when the local Go is older than 1.27 (below;
#                 default go1.27.3, fetched through the module proxy); "local" keeps the local Go
#
# Stops at the first failure and prints the path of the failing input, which `go test` wrote
# under the package's testdata/fuzz/<Name>/: once fixed, commit it so that every `go test` run
# replays it. The build cache (and the corpus of interesting inputs it keeps) is the default
# GOCACHE, shared by every invocation and kept between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
GO="${GO:-go}"
fuzztime="${1:-${FUZZTIME:-10s}}"
match="${FUZZMATCH:-.}"
parallel=()
if [ -n "${FUZZPARALLEL:-}" ]; then
	parallel=(-parallel "$FUZZPARALLEL")
fi
export GOCACHE="${GOCACHE:-$("$GO" env GOCACHE)}"

# go.dev/issue/75804: before Go 1.27, the fuzzing coordinator can fail a target with a bare
# "context deadline exceeded" when -fuzztime runs out, having found nothing: the parent context's
# deadline is seen before it reaches the workers' context. It happens most on a busy machine,
# such as beside the end-to-end tests. The fuzz run uses a Go with the fix when the local one
# lacks it (the module itself stays on the local Go); when that Go cannot be had, it stays on the
# local Go and runs a target stopped that way again (below).
toolchain="${FUZZTOOLCHAIN:-go1.27.3}"
local_go=$("$GO" env GOVERSION)
if [ "$toolchain" != local ] && [ -z "${GOTOOLCHAIN:-}" ] &&
	[[ "$local_go" =~ ^go1\.([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -lt 27 ]; then
	fetch_log=$(mktemp)
	if got=$(GOTOOLCHAIN="$toolchain" "$GO" env GOVERSION 2>"$fetch_log"); then
		export GOTOOLCHAIN="$toolchain"
		echo "fuzz: fuzzing with $got (the local $local_go has go.dev/issue/75804)"
	else
		echo "fuzz: warning: $toolchain could not be had ($(tail -n 1 "$fetch_log")): fuzzing with the local $local_go, whose deadline race (go.dev/issue/75804) is run again when it strikes" >&2
	fi
	rm -f "$fetch_log"
fi

# The targets are the `func FuzzXxx(f *testing.F)` of the module's test files, found by name
# (listing them with `go test -list` would compile every test package first).
module=$("$GO" list -m)
targets=()
while IFS=: read -r file name; do
	dir=$(dirname "$file")
	pkg="$module${dir#.}"
	if grep -Eq -- "$match" <<<"$pkg.$name"; then
		targets+=("$pkg $name")
	fi
done < <(grep -rEo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' . |
	sed -E 's/^\.\/(.*):func (Fuzz[A-Za-z0-9_]+).*/.\/\1:\2/' | sort -u)

if [ "${#targets[@]}" -eq 0 ]; then
	echo "fuzz: no fuzz targets match $match" >&2
	exit 1
fi
echo "fuzz: ${#targets[@]} targets, $fuzztime each"

# With a Go older than 1.27 (above), a target that fails with the deadline race, and only that
# failure (the message right after the FAIL line, no failing input reported or written), is run
# again, up to FUZZRETRIES times. Remove this once go.mod names Go 1.27 or later.
retries="${FUZZRETRIES:-2}"
corpus_files() { if [ -d "$1" ]; then find "$1" -type f | sort; fi; }
deadline_race() { # log, corpus listing before the run, corpus dir, target name
	grep -q 'Failing input written to' "$1" && return 1
	[ "$(corpus_files "$3")" = "$2" ] || return 1
	grep -A1 -E "^--- FAIL: $4 \(" "$1" | tail -n +2 | grep -Eq '^[[:space:]]+context deadline exceeded$'
}

status=0
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	dir=".${pkg#"$module"}"
	echo "== $pkg $name"
	log=$(mktemp)
	attempt=0
	while :; do
		before=$(corpus_files "$dir/testdata/fuzz/$name")
		if "$GO" test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "${parallel[@]}" "$dir" >"$log" 2>&1; then
			ok=1
			break
		fi
		ok=0
		if [ "$attempt" -lt "$retries" ] && deadline_race "$log" "$before" "$dir/testdata/fuzz/$name" "$name"; then
			attempt=$((attempt + 1))
			grep -E '^fuzz: elapsed' "$log" | tail -n 1 || true
			echo "fuzz: $name stopped with \"context deadline exceeded\" and no failing input: Go's fuzzing deadline race (go.dev/issue/75804), not a finding; running it again ($attempt of $retries)"
			continue
		fi
		break
	done
	if [ "$ok" -eq 1 ]; then
		# The last progress line holds the figures: execs and new interesting inputs.
		grep -E '^fuzz: elapsed' "$log" | tail -n 1 || true
		rm -f "$log"
		continue
	fi
	status=1
	cat "$log"
	input=$(sed -nE 's/.*Failing input written to (testdata\/fuzz\/[^[:space:]]+).*/\1/p' "$log" | tail -n 1)
	rm -f "$log"
	if [ -n "$input" ]; then
		echo "fuzz: $pkg $name failed on $dir/$input" >&2
		echo "fuzz: replay with: $GO test -run '^${name}/${input##*/}\$' $dir" >&2
	else
		echo "fuzz: $pkg $name failed" >&2
	fi
	break
done
exit "$status"
