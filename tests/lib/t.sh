# t.sh: the shell-test harness, sourced by tests/commands/*.sh.  Each check
# prints "ok - name" or "not ok - name: why", which tests/run counts.
# ROOT is the repository, CZAPPA the binary under test, TMP a scratch folder
# removed at exit (after every cleanup registered with t_cleanup).

T_PASSED=0
T_FAILED=0
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
CZAPPA=${CZAPPA:-$ROOT/build/czappa}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/czappa-test.XXXXXX")
T_CLEANUPS=()

t_cleanup() { T_CLEANUPS+=("$*"); }
t__exit() {
	local i
	for ((i = ${#T_CLEANUPS[@]} - 1; i >= 0; i--)); do
		eval "${T_CLEANUPS[$i]}" >/dev/null 2>&1 || true
	done
	rm -rf "$TMP"
}
trap t__exit EXIT

t_ok() { echo "ok - $1"; T_PASSED=$((T_PASSED + 1)); }
t_fail() { echo "not ok - $1: $2"; T_FAILED=$((T_FAILED + 1)); }
t_skip() { echo "skip - $1: $2"; }

# t_eq NAME GOT WANT
t_eq() {
	if [ "$2" = "$3" ]; then t_ok "$1"
	else t_fail "$1" "got [$2] want [$3]"; fi
}
# t_match NAME TEXT REGEX (extended)
t_match() {
	if printf '%s' "$2" | grep -Eq -- "$3"; then t_ok "$1"
	else t_fail "$1" "[$(printf '%s' "$2" | head -c 400)] does not match /$3/"; fi
}
# t_nomatch NAME TEXT REGEX
t_nomatch() {
	if printf '%s' "$2" | grep -Eq -- "$3"; then
		t_fail "$1" "unexpected /$3/ in [$(printf '%s' "$2" | head -c 400)]"
	else t_ok "$1"; fi
}
# t_run: runs a command, leaving stdout in $OUT, stderr in $ERR, status in $RC
t_run() {
	"$@" >"$TMP/.out" 2>"$TMP/.err"
	RC=$?
	OUT=$(cat "$TMP/.out")
	ERR=$(cat "$TMP/.err")
}
t_done() {
	echo "# $T_PASSED passed, $T_FAILED failed"
	[ "$T_FAILED" -eq 0 ]
}
# A free loopback port.
t_free_port() {
	python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}
