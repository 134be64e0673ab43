#!/usr/bin/env bash
# The CLI's main paths under valgrind's memcheck: no invalid access and no
# definite or indirect leak.  Runs the plain (non-sanitizer) build, since
# valgrind and ASan cannot share a process: CZ_PLAIN_BUILDDIR (./dev test
# sets it), else CZ_BUILDDIR when that build has no sanitizer.
. "$(dirname "$0")/../lib/t.sh"
. "$ROOT/tests/lib/moto.sh"
BIN=${CZ_PLAIN_BUILDDIR:-$CZ_BUILDDIR}/czappa
if ! command -v valgrind >/dev/null; then
	t_fail "valgrind" "valgrind is not installed (./dev test installs it)"
	t_done; exit
fi
if ldd "$BIN" 2>/dev/null | grep -q libasan; then
	t_fail "valgrind" "$BIN is an ASan build; set CZ_PLAIN_BUILDDIR to a plain build"
	t_done; exit
fi
moto_start
cd "$TMP"

# vg NAME ARGS...: runs czappa under memcheck; checks exit 0 and no errors.
vg() {
	local name=$1; shift
	valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
	    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
	    --log-file="$TMP/vg.log" "$BIN" "$@" >"$TMP/vg.out" 2>"$TMP/vg.err"
	local rc=$?
	if [ "$rc" = 99 ] || [ -s "$TMP/vg.log" ]; then
		t_fail "valgrind: $name" "$(head -c 1500 "$TMP/vg.log")"
	elif [ "$rc" != "${WANT_RC:-0}" ]; then
		t_fail "valgrind: $name" "exit $rc: $(head -c 400 "$TMP/vg.err")"
	else
		t_ok "valgrind: $name"
	fi
}

vg "--help" --help
vg "deploy --help" deploy --help
WANT_RC=2 vg "unknown command" frobnicate
vg "whoami" whoami
vg "whoami --json -v" whoami --json -v
WANT_RC=1 AWS_ENDPOINT_URL=http://127.0.0.1:1 AWS_MAX_ATTEMPTS=2 vg "whoami, endpoint down" whoami
vg "init --yes" init --yes --service vgapp --region us-east-1
printf "service: vgapp\nprovider:\n  memroy: 64\n" >bad.yaml
WANT_RC=1 vg "bad config" status dev -c bad.yaml
vg "package" package dev
vg "deploy" deploy dev
vg "status --json" status dev --json
vg "update, no changes" update dev
vg "invoke" invoke dev '{"czappa":"keep-warm"}'
vg "tail --no-follow" tail dev --no-follow --since 10m
WANT_RC=1 vg "rollback with one version is refused" rollback dev
vg "undeploy" undeploy dev --yes --purge
t_done
