#!/usr/bin/env bash
# Tests of .ci/fuzz.sh with a stand-in `go` command: which failures it runs again (only Go's
# fuzzing deadline race, go.dev/issue/75804) and which it reports. Run by `make test-unit`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/repo/.ci" "$work/repo/pkg"
cp "$here/fuzz.sh" "$work/repo/.ci/"
printf 'package pkg\n\nfunc FuzzA(f *testing.F) {}\n' >"$work/repo/pkg/a_test.go"

# The stand-in go: `go list -m` names the module; `go env GOVERSION` is $LOCAL_GO, or the
# GOTOOLCHAIN asked for unless $TOOLCHAIN is "missing"; each `go test` records its GOTOOLCHAIN
# and prints the next line of $work/plan as its outcome: pass, race, crash (a failing input
# written) or panic.
cat >"$work/go" <<'GO'
#!/usr/bin/env bash
case "$1 ${2:-}" in
"list -m") echo example.com/m; exit 0 ;;
"env GOCACHE") echo "$WORK/cache"; exit 0 ;;
"env GOVERSION")
	if [ -z "${GOTOOLCHAIN:-}" ]; then echo "$LOCAL_GO"; exit 0; fi
	echo "go: downloading $GOTOOLCHAIN (linux/amd64)" >&2
	if [ "${TOOLCHAIN:-}" = missing ]; then echo "go: download $GOTOOLCHAIN: 403 Forbidden" >&2; exit 1; fi
	echo "$GOTOOLCHAIN"; exit 0 ;;
esac
n=$(($(cat "$WORK/calls" 2>/dev/null || echo 0) + 1))
echo "$n" >"$WORK/calls"
echo "${GOTOOLCHAIN:-}" >"$WORK/toolchain"
outcome=$(sed -n "${n}p" "$WORK/plan")
echo "fuzz: elapsed: 5s, execs: 100 (20/sec), new interesting: 0 (total: 3)"
case "$outcome" in
pass) echo PASS; exit 0 ;;
race) printf -- '--- FAIL: FuzzA (5.01s)\n    context deadline exceeded\nFAIL\n'; exit 1 ;;
race-newfile)
	mkdir -p pkg/testdata/fuzz/FuzzA && echo x >pkg/testdata/fuzz/FuzzA/new
	printf -- '--- FAIL: FuzzA (5.01s)\n    context deadline exceeded\nFAIL\n'; exit 1 ;;
crash)
	printf -- '--- FAIL: FuzzA (1.00s)\n    --- FAIL: FuzzA (0.00s)\n        a_test.go:9: context deadline exceeded\n\n    Failing input written to testdata/fuzz/FuzzA/abc123\n    To re-run:\n    go test -run=FuzzA/abc123\nFAIL\n'
	exit 1 ;;
panic) printf -- '--- FAIL: FuzzA (1.00s)\n    panic: boom\nFAIL\n'; exit 1 ;;
esac
echo "unplanned go test call $n" >&2
exit 9
GO
chmod +x "$work/go"

fails=0
# check NAME "OUTCOMES" WANT_EXIT WANT_CALLS [WANT_OUTPUT_REGEXP [WANT_GOTOOLCHAIN]]
# The local Go is $LOCAL_GO (default go1.26.8); the toolchain is fetched unless $TOOLCHAIN=missing.
check() {
	rm -f "$work/calls" "$work/toolchain" && rm -rf "$work/repo/pkg/testdata"
	tr ' ' '\n' <<<"$2" >"$work/plan"
	local code=0
	env -u GOTOOLCHAIN WORK="$work" GO="$work/go" LOCAL_GO="${LOCAL_GO:-go1.26.8}" "$work/repo/.ci/fuzz.sh" 1s >"$work/out" 2>&1 || code=$?
	local calls toolchain
	calls=$(cat "$work/calls" 2>/dev/null || echo 0)
	toolchain=$(cat "$work/toolchain" 2>/dev/null || true)
	if [ "$code" -ne "$3" ] || [ "$calls" -ne "$4" ] || { [ -n "${5:-}" ] && ! grep -Eq -- "$5" "$work/out"; } ||
		[ "$toolchain" != "${6-go1.27.3}" ]; then
		echo "FAIL $1: exit $code (want $3), go test ran $calls times (want $4)${5:+, output should match /$5/}, with GOTOOLCHAIN=$toolchain (want ${6-go1.27.3}):"
		sed 's/^/    /' "$work/out"
		fails=$((fails + 1))
	else
		echo "ok   $1"
	fi
}

check "pass" "pass" 0 1
check "race, then pass: run again" "race pass" 0 2 'deadline race \(go.dev/issue/75804\).*1 of 2'
check "race twice, then pass" "race race pass" 0 3 '2 of 2'
check "race three times: fails" "race race race" 1 3 'fuzz: example.com/m/pkg FuzzA failed'
check "a failing input: not run again" "crash pass" 1 1 'failed on ./pkg/testdata/fuzz/FuzzA/abc123'
check "a panic: not run again" "panic pass" 1 1 'panic: boom'
check "race message but a new corpus file: not run again" "race-newfile pass" 1 1 'FuzzA failed'
FUZZRETRIES=0 check "FUZZRETRIES=0" "race pass" 1 1
check "an older local Go: fuzzes with go1.27.3" "pass" 0 1 '^fuzz: fuzzing with go1.27.3 \(the local go1.26.8 has go.dev/issue/75804\)$' go1.27.3
TOOLCHAIN=missing check "go1.27.3 not to be had: the local Go, with a warning" "race pass" 0 2 'warning: go1.27.3 could not be had \(go: download go1.27.3: 403 Forbidden\)' ""
LOCAL_GO=go1.27.0 check "a local Go 1.27: kept" "pass" 0 1 "" ""
FUZZTOOLCHAIN=local check "FUZZTOOLCHAIN=local" "pass" 0 1 "" ""
FUZZTOOLCHAIN=go1.28.1 check "FUZZTOOLCHAIN=go1.28.1" "pass" 0 1 "fuzzing with go1.28.1" go1.28.1

[ "$fails" -eq 0 ] || { echo "$fails fuzz.sh test(s) failed" >&2; exit 1; }
