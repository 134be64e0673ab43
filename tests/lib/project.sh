# project.sh: helpers for the deploy-lifecycle tests (tests/commands/
# {init,deploy,update,status,rollback,undeploy}.sh and
# tests/integration/deploy_faults.sh).  Source after t.sh and moto.sh.
#
#   project_new DIR [init flags...]  czappa init --yes in DIR (created)
#   cz ARGS...                       t_run "$CZAPPA" ARGS... in $PROJ
#   py_check <<'PY' ... PY           runs Python (boto3 on $AWS_ENDPOINT_URL)
#                                    whose "ok - x" / "not ok - x: why"
#                                    lines count as checks here
# Python checks get a prelude: boto3 clients c('lambda'), ok(name, cond,
# why), eq(name, got, want), and ENV from the environment.

project_new() {
	PROJ=$1
	shift
	mkdir -p "$PROJ"
	(cd "$PROJ" && "$CZAPPA" init --yes "$@") >"$TMP/.init.out" 2>&1 ||
	    { cat "$TMP/.init.out" >&2; return 1; }
}

cz() {
	local here=$PWD
	cd "$PROJ" || return 1
	t_run "$CZAPPA" "$@"
	cd "$here" || return 1
}

PY_PRELUDE='
import json, os, sys, boto3, botocore
from botocore.config import Config
_cfg = Config(retries={"max_attempts": 2, "mode": "standard"})
def c(name):
    return boto3.client(name, endpoint_url=os.environ["AWS_ENDPOINT_URL"],
                        region_name="us-east-1", config=_cfg)
def ok(name, cond, why=""):
    print(("ok - %s" % name) if cond else ("not ok - %s: %s" % (name, why)))
def eq(name, got, want):
    ok(name, got == want, "got %r want %r" % (got, want))
def code(fn, *a, **k):
    try:
        fn(*a, **k)
        return None
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]
'

py_check() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok - "*) t_ok "${line#ok - }" ;;
		"not ok - "*) line=${line#not ok - }
			t_fail "${line%%: *}" "${line#*: }" ;;
		*) echo "# $line" ;;
		esac
	done < <({ printf '%s\n' "$PY_PRELUDE"; cat; } >"$TMP/.check.py";
	    python3 "$TMP/.check.py" 2>&1 || echo "not ok - python check: exited $?")
}
