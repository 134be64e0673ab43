#!/usr/bin/env python3
"""faultproxy: a loopback HTTP/1.1 proxy that the tests put between czappa
and moto_server, to inject what moto never does (throttling, 5xx, dropped
connections, slow answers, Lambda's Pending/InProgress states, IAM
propagation errors) and to log every call so a test can count calls and bytes.

Standard library only (Python 3.11).  botocore's service models are read
when botocore is installed, only as data files, to name rest-json/rest-xml
operations; without them a built-in table covers the calls czappa makes.

usage:
  faultproxy.py --upstream http://127.0.0.1:MOTO_PORT [--port 0]
                [--ready-file F] [--rules RULES.json] [--log LOG.jsonl]
  faultproxy.py --classify METHOD TARGET [-H 'Name: value' ...]
                [--service S] [--body B]      print what a request is

The rules file (reloaded whenever it changes, or replaced with
POST /__proxy/rules) is a JSON list of rules or {"seed": N, "rules": [...]}.
Each rule: match keys service, operation, method, path (regex on the path
without the query), body_regex, header_regex ({name: regex}); counters skip,
times, every, probability; an action and its parameters.  See
docs/testing.md for the full description and examples.
"""

import argparse
import gzip
import http.client
import importlib.util
import itertools
import json
import os
import random
import re
import socket
import socketserver
import string
import struct
import sys
import threading
import time
import uuid
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, unquote, urlsplit

# ---------------------------------------------------------------------------
# What each service speaks.  The models say the same when present; this table
# keeps the proxy right without them.

PROTOCOLS = {
    "lambda": "rest-json", "apigateway": "rest-json", "s3": "rest-xml",
    "iam": "query", "sts": "query", "events": "json", "logs": "json",
    "tagging": "json", "sqs": "json", "dynamodb": "json",
}
XML_NAMESPACES = {
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
}
# Signing name -> botocore model folders holding its rest operations.
MODEL_DIRS = {"apigateway": ["apigatewayv2", "apigateway"]}

# Throttling answers, each in the service's own words (status, code, message).
THROTTLE = {
    "lambda": (429, "TooManyRequestsException", "Rate exceeded"),
    "apigateway": (429, "TooManyRequestsException", "Too Many Requests"),
    "s3": (503, "SlowDown", "Please reduce your request rate."),
    "rest-json": (429, "TooManyRequestsException", "Rate exceeded"),
    "rest-xml": (503, "SlowDown", "Please reduce your request rate."),
    "json": (400, "ThrottlingException", "Rate exceeded"),
    "query": (400, "Throttling", "Rate exceeded"),
}
# Default error codes for the `status` action.
STATUS_CODES = {
    ("lambda", 500): "ServiceException",
    ("s3", 500): "InternalError",
    ("iam", 500): "ServiceFailure",
    (None, 500): "InternalFailure",
    (None, 502): "BadGateway",
    (None, 503): "ServiceUnavailable",
    (None, 504): "GatewayTimeout",
}

# The rest operations czappa calls, for when botocore's models are absent.
# Generated from botocore 1.43 models (the integration test checks that the
# two agree): service op METHOD requestUri [required query/header, ...].
FALLBACK_OPS = """
lambda AddPermission POST /2015-03-31/functions/{FunctionName}/policy
lambda CreateAlias POST /2015-03-31/functions/{FunctionName}/aliases
lambda CreateFunction POST /2015-03-31/functions
lambda CreateFunctionUrlConfig POST /2021-10-31/functions/{FunctionName}/url
lambda DeleteAlias DELETE /2015-03-31/functions/{FunctionName}/aliases/{Name}
lambda DeleteFunction DELETE /2015-03-31/functions/{FunctionName}
lambda DeleteFunctionConcurrency DELETE /2017-10-31/functions/{FunctionName}/concurrency
lambda DeleteFunctionUrlConfig DELETE /2021-10-31/functions/{FunctionName}/url
lambda GetAccountSettings GET /2016-08-19/account-settings
lambda GetAlias GET /2015-03-31/functions/{FunctionName}/aliases/{Name}
lambda GetFunction GET /2015-03-31/functions/{FunctionName}
lambda GetFunctionConcurrency GET /2019-09-30/functions/{FunctionName}/concurrency
lambda GetFunctionConfiguration GET /2015-03-31/functions/{FunctionName}/configuration
lambda GetFunctionUrlConfig GET /2021-10-31/functions/{FunctionName}/url
lambda GetPolicy GET /2015-03-31/functions/{FunctionName}/policy
lambda Invoke POST /2015-03-31/functions/{FunctionName}/invocations
lambda ListAliases GET /2015-03-31/functions/{FunctionName}/aliases
lambda ListFunctions GET /2015-03-31/functions
lambda ListTags GET /2017-03-31/tags/{Resource}
lambda ListVersionsByFunction GET /2015-03-31/functions/{FunctionName}/versions
lambda PublishVersion POST /2015-03-31/functions/{FunctionName}/versions
lambda PutFunctionConcurrency PUT /2017-10-31/functions/{FunctionName}/concurrency
lambda RemovePermission DELETE /2015-03-31/functions/{FunctionName}/policy/{StatementId}
lambda TagResource POST /2017-03-31/tags/{Resource}
lambda UntagResource DELETE /2017-03-31/tags/{Resource} q:tagKeys
lambda UpdateAlias PUT /2015-03-31/functions/{FunctionName}/aliases/{Name}
lambda UpdateFunctionCode PUT /2015-03-31/functions/{FunctionName}/code
lambda UpdateFunctionConfiguration PUT /2015-03-31/functions/{FunctionName}/configuration
lambda UpdateFunctionUrlConfig PUT /2021-10-31/functions/{FunctionName}/url
apigatewayv2 CreateApi POST /v2/apis
apigatewayv2 CreateDeployment POST /v2/apis/{apiId}/deployments
apigatewayv2 CreateIntegration POST /v2/apis/{apiId}/integrations
apigatewayv2 CreateRoute POST /v2/apis/{apiId}/routes
apigatewayv2 CreateStage POST /v2/apis/{apiId}/stages
apigatewayv2 DeleteApi DELETE /v2/apis/{apiId}
apigatewayv2 DeleteIntegration DELETE /v2/apis/{apiId}/integrations/{integrationId}
apigatewayv2 DeleteRoute DELETE /v2/apis/{apiId}/routes/{routeId}
apigatewayv2 DeleteStage DELETE /v2/apis/{apiId}/stages/{stageName}
apigatewayv2 GetApi GET /v2/apis/{apiId}
apigatewayv2 GetApis GET /v2/apis
apigatewayv2 GetIntegration GET /v2/apis/{apiId}/integrations/{integrationId}
apigatewayv2 GetIntegrations GET /v2/apis/{apiId}/integrations
apigatewayv2 GetRoute GET /v2/apis/{apiId}/routes/{routeId}
apigatewayv2 GetRoutes GET /v2/apis/{apiId}/routes
apigatewayv2 GetStage GET /v2/apis/{apiId}/stages/{stageName}
apigatewayv2 GetStages GET /v2/apis/{apiId}/stages
apigatewayv2 GetTags GET /v2/tags/{resource-arn}
apigatewayv2 TagResource POST /v2/tags/{resource-arn}
apigatewayv2 UntagResource DELETE /v2/tags/{resource-arn} q:tagKeys
apigatewayv2 UpdateApi PATCH /v2/apis/{apiId}
apigatewayv2 UpdateIntegration PATCH /v2/apis/{apiId}/integrations/{integrationId}
apigatewayv2 UpdateRoute PATCH /v2/apis/{apiId}/routes/{routeId}
apigatewayv2 UpdateStage PATCH /v2/apis/{apiId}/stages/{stageName}
apigateway CreateDeployment POST /restapis/{restapi_id}/deployments
apigateway CreateResource POST /restapis/{restapi_id}/resources/{parent_id}
apigateway CreateRestApi POST /restapis
apigateway DeleteRestApi DELETE /restapis/{restapi_id}
apigateway GetResources GET /restapis/{restapi_id}/resources
apigateway GetRestApi GET /restapis/{restapi_id}
apigateway GetRestApis GET /restapis
apigateway GetStage GET /restapis/{restapi_id}/stages/{stage_name}
apigateway PutIntegration PUT /restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration
apigateway PutMethod PUT /restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}
s3 AbortMultipartUpload DELETE /{Bucket}/{Key+} q:uploadId
s3 CompleteMultipartUpload POST /{Bucket}/{Key+} q:uploadId
s3 CopyObject PUT /{Bucket}/{Key+} h:x-amz-copy-source
s3 CreateBucket PUT /{Bucket}
s3 CreateMultipartUpload POST /{Bucket}/{Key+}?uploads
s3 DeleteBucket DELETE /{Bucket}
s3 DeleteBucketTagging DELETE /{Bucket}?tagging
s3 DeleteObject DELETE /{Bucket}/{Key+}
s3 DeleteObjects POST /{Bucket}?delete
s3 DeletePublicAccessBlock DELETE /{Bucket}?publicAccessBlock
s3 GetBucketLocation GET /{Bucket}?location
s3 GetBucketTagging GET /{Bucket}?tagging
s3 GetBucketVersioning GET /{Bucket}?versioning
s3 GetObject GET /{Bucket}/{Key+}
s3 GetPublicAccessBlock GET /{Bucket}?publicAccessBlock
s3 HeadBucket HEAD /{Bucket}
s3 HeadObject HEAD /{Bucket}/{Key+}
s3 ListBuckets GET /
s3 ListMultipartUploads GET /{Bucket}?uploads
s3 ListObjects GET /{Bucket}
s3 ListObjectsV2 GET /{Bucket}?list-type=2
s3 ListParts GET /{Bucket}/{Key+} q:uploadId
s3 PutBucketEncryption PUT /{Bucket}?encryption
s3 PutBucketTagging PUT /{Bucket}?tagging
s3 PutBucketVersioning PUT /{Bucket}?versioning
s3 PutObject PUT /{Bucket}/{Key+}
s3 PutPublicAccessBlock PUT /{Bucket}?publicAccessBlock
s3 UploadPart PUT /{Bucket}/{Key+} q:partNumber q:uploadId
s3 UploadPartCopy PUT /{Bucket}/{Key+} h:x-amz-copy-source q:partNumber q:uploadId
"""

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te",
              "trailer", "transfer-encoding", "upgrade", "expect",
              "proxy-authenticate", "proxy-authorization"}
CREDENTIAL_RE = re.compile(r"Credential=([^/,\s]*)/([^/,\s]*)/([^/,\s]*)/"
                           r"([^/,\s]*)/aws4_request")


def log_err(msg):
    sys.stderr.write("faultproxy: %s\n" % msg)
    sys.stderr.flush()


# ---------------------------------------------------------------------------
# Operation matching for rest protocols, from requestUri + method.

class RestOp:
    """One rest operation: a compiled path template plus the query and
    header constraints a request of it always carries."""

    def __init__(self, service, name, method, uri, req_query=(),
                 req_headers=(), deprecated=False, index=0):
        self.service = service
        self.name = name
        self.method = method.upper()
        self.uri = uri
        path, _, query = uri.partition("?")
        self.flags = []          # ?uploads: key must be present
        self.literals = []       # ?list-type=2: key must equal value
        for part in query.split("&") if query else []:
            k, eq, v = part.partition("=")
            if eq:
                self.literals.append((k, v))
            else:
                self.flags.append(k)
        self.req_query = list(req_query)
        self.req_headers = [h.lower() for h in req_headers]
        self.deprecated = deprecated
        self.index = index
        path = _norm_path(path)
        self.labels = []
        rx = ""
        self.literal_chars = 0
        for tok in re.split(r"(\{[^}]+\})", path):
            if tok.startswith("{") and tok.endswith("}"):
                name = tok[1:-1]
                if name.endswith("+"):
                    rx += "(.+)"
                    name = name[:-1]
                else:
                    rx += "([^/]+)"
                self.labels.append(name)
            else:
                rx += re.escape(tok)
                self.literal_chars += len(tok)
        self.regex = re.compile("^" + rx + "$")

    def score(self, method, path, query, headers):
        """None when the request cannot be this operation, else a sort key
        (higher is a more specific match) and the path labels."""
        if method != self.method:
            return None
        m = self.regex.match(path)
        if m is None:
            return None
        constraints = 0
        for k in self.flags:
            if k not in query:
                return None
            constraints += 1
        for k, v in self.literals:
            if k in query:
                if query[k] != v:
                    return None
                constraints += 1
            elif k != "x-id":    # x-id is optional on the wire
                return None
        for k in self.req_query:
            if k not in query:
                return None
            constraints += 1
        for h in self.req_headers:
            if h not in headers:
                return None
            constraints += 1
        key = (constraints, self.literal_chars, not self.deprecated,
               -self.index)
        return key, {k: unquote(v) for k, v in zip(self.labels, m.groups())}


def _norm_path(path):
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    return path or "/"


def botocore_data_dir():
    env = os.environ.get("FAULTPROXY_MODELS")
    if env:
        return env
    try:
        spec = importlib.util.find_spec("botocore")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        return None
    d = os.path.join(list(spec.submodule_search_locations)[0], "data")
    return d if os.path.isdir(d) else None


class Catalog:
    """Finds a request's operation.  Loads each botocore model once, on
    first use; falls back to FALLBACK_OPS when there is none."""

    def __init__(self, models_dir):
        self.models_dir = models_dir
        self.lock = threading.Lock()
        self.models = {}         # model folder -> (metadata, [RestOp])
        self.fallback = {}
        for i, line in enumerate(FALLBACK_OPS.strip().splitlines()):
            f = line.split()
            q = [x[2:] for x in f[4:] if x.startswith("q:")]
            h = [x[2:] for x in f[4:] if x.startswith("h:")]
            self.fallback.setdefault(f[0], []).append(
                RestOp(f[0], f[1], f[2], f[3], q, h, index=i))

    def _load(self, name):
        with self.lock:
            if name in self.models:
                return self.models[name]
            got = None
            base = self.models_dir and os.path.join(self.models_dir, name)
            if base and os.path.isdir(base):
                versions = sorted(v for v in os.listdir(base)
                                  if os.path.isdir(os.path.join(base, v)))
                for v in reversed(versions):
                    got = self._read_model(os.path.join(base, v), name)
                    if got is not None:
                        break
            self.models[name] = got
            return got

    @staticmethod
    def _read_model(folder, name):
        for fn, opener in (("service-2.json", open),
                           ("service-2.json.gz", gzip.open)):
            p = os.path.join(folder, fn)
            if not os.path.exists(p):
                continue
            try:
                with opener(p, "rt", encoding="utf-8") as f:
                    model = json.load(f)
            except (OSError, ValueError) as e:
                log_err("cannot read %s: %s" % (p, e))
                return None
            ops = []
            shapes = model.get("shapes", {})
            for i, (op, spec) in enumerate(model.get("operations",
                                                     {}).items()):
                h = spec.get("http") or {}
                if "requestUri" not in h:
                    continue
                rq, rh = [], []
                shape = shapes.get((spec.get("input") or {}).get("shape"),
                                   {})
                for mname in shape.get("required", []):
                    mem = shape.get("members", {}).get(mname, {})
                    loc = mem.get("location")
                    if loc == "querystring":
                        rq.append(mem.get("locationName", mname))
                    elif loc == "header":
                        rh.append(mem.get("locationName", mname))
                ops.append(RestOp(name, op, h.get("method", "POST"),
                                  h["requestUri"], rq, rh,
                                  bool(spec.get("deprecated")), i))
            return model.get("metadata", {}), ops
        return None

    def metadata(self, signing):
        for name in MODEL_DIRS.get(signing, [signing]):
            got = self._load(name) if self.models_dir else None
            if got is not None:
                return got[0]
        return {}

    def match_rest(self, signing, method, path, query, headers):
        """(model name, operation, labels) or (None, None, {})."""
        best = None
        for name in MODEL_DIRS.get(signing, [signing]):
            got = self._load(name) if self.models_dir else None
            ops = got[1] if got is not None else self.fallback.get(name, [])
            for op in ops:
                s = op.score(method, path, query, headers)
                if s is not None and (best is None or s[0] > best[0]):
                    best = (s[0], op, s[1])
        if best is None:
            return None, None, {}
        return best[1].service, best[1].name, best[2]


class Request:
    """What the proxy knows of one request, for rules and the log."""

    def __init__(self, method, target, headers, body):
        self.method = method
        self.target = target
        u = urlsplit(target)
        self.path = u.path or "/"
        self.query_string = u.query
        self.query = dict(parse_qsl(u.query, keep_blank_values=True))
        self.headers = headers            # lower-case name -> value
        self.body = body
        self.service = None               # signing name, or model name
        self.signing = None
        self.region = None
        self.operation = None
        self.protocol = None
        self.labels = {}
        self.json_version = "1.1"


def identify(catalog, req):
    """Fill in service, operation and protocol: the service from the SigV4
    credential scope, the operation from X-Amz-Target, Action= or the rest
    path."""
    if req.path.startswith("/moto-api/"):
        req.service = req.signing = "moto-api"
        req.operation = req.path[len("/moto-api/"):]
        return
    m = CREDENTIAL_RE.search(req.headers.get("authorization", ""))
    if m is None:
        cred = req.query.get("X-Amz-Credential", "")
        m = CREDENTIAL_RE.search("Credential=" + cred)
    if m is not None:
        req.region, req.signing = m.group(3), m.group(4)
    elif "x-amz-target" not in req.headers:
        req.signing = "s3"       # moto, like S3, serves unsigned requests
    req.service = req.signing
    meta = catalog.metadata(req.signing) if req.signing else {}
    proto = meta.get("protocol") or PROTOCOLS.get(req.signing)
    target = req.headers.get("x-amz-target")
    ctype = req.headers.get("content-type", "")
    if target:
        req.operation = target.rpartition(".")[2]
        proto = proto if proto in ("json", "rpc-v2-cbor") else "json"
        if "1.0" in ctype:
            req.json_version = "1.0"
        elif meta.get("jsonVersion"):
            req.json_version = meta["jsonVersion"]
    elif "Action" in req.query or (
            ctype.startswith("application/x-www-form-urlencoded") and
            proto in (None, "query", "ec2")):
        action = req.query.get("Action")
        if action is None:
            form = dict(parse_qsl(req.body.decode("utf-8", "replace"),
                                  keep_blank_values=True))
            action = form.get("Action")
        req.operation = action
        proto = proto or "query"
    else:
        proto = proto or "rest-json"
        if req.signing:
            svc, op, labels = catalog.match_rest(
                req.signing, req.method, _norm_path(req.path), req.query,
                req.headers)
            if op is not None:
                req.service, req.operation, req.labels = svc, op, labels
    req.protocol = proto


# ---------------------------------------------------------------------------
# Rules.

RULE_KEYS = {
    "service", "operation", "method", "path", "body_regex", "header_regex",
    "skip", "times", "every", "probability", "action", "status", "code",
    "message", "ms", "when", "bytes", "headers", "body", "patch", "comment",
    "name",
}
ACTIONS = {"throttle", "status", "error", "reset_before", "close_before",
           "reset_mid", "delay", "respond", "patch_json", "pass"}


class RuleError(ValueError):
    pass


def _strlist(v, what):
    if v is None:
        return None
    if isinstance(v, str):
        return None if v == "*" else [v]
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return v
    raise RuleError("%s must be a string or a list of strings" % what)


class Rule:
    def __init__(self, i, spec):
        if not isinstance(spec, dict):
            raise RuleError("rule %d is not an object" % i)
        bad = set(spec) - RULE_KEYS
        if bad:
            raise RuleError("rule %d: unknown key(s) %s" %
                            (i, ", ".join(sorted(bad))))
        self.index = i
        self.spec = spec
        self.action = spec.get("action")
        if self.action not in ACTIONS:
            raise RuleError("rule %d: action must be one of %s" %
                            (i, ", ".join(sorted(ACTIONS))))
        self.services = _strlist(spec.get("service"), "service")
        self.operations = _strlist(spec.get("operation"), "operation")
        self.methods = _strlist(spec.get("method"), "method")
        try:
            self.path = re.compile(spec["path"]) if "path" in spec else None
            self.body_rx = (re.compile(spec["body_regex"])
                            if "body_regex" in spec else None)
            self.header_rx = {k.lower(): re.compile(v) for k, v in
                              (spec.get("header_regex") or {}).items()}
        except (re.error, TypeError, AttributeError) as e:
            raise RuleError("rule %d: bad regex: %s" % (i, e))
        for k in ("skip", "times", "every", "ms", "bytes", "status"):
            v = spec.get(k)
            if v is not None and (not isinstance(v, int) or
                                  isinstance(v, bool) or v < 0):
                raise RuleError("rule %d: %s must be an integer >= 0" %
                                (i, k))
        p = spec.get("probability")
        if p is not None and (not isinstance(p, (int, float)) or
                              not 0 <= p <= 1):
            raise RuleError("rule %d: probability must be in [0, 1]" % i)
        if spec.get("every") == 0:
            raise RuleError("rule %d: every must be >= 1" % i)
        if spec.get("when", "before") not in ("before", "after"):
            raise RuleError("rule %d: when is before or after" % i)
        if self.action == "delay" and "ms" not in spec:
            raise RuleError("rule %d: delay needs ms" % i)
        if self.action == "patch_json" and not isinstance(spec.get("patch"),
                                                          dict):
            raise RuleError("rule %d: patch_json needs a patch object" % i)
        if self.action in ("respond", "error") and "status" not in spec:
            raise RuleError("rule %d: %s needs a status" % (i, self.action))
        if self.action == "error" and "code" not in spec:
            raise RuleError("rule %d: error needs a code" % i)
        if self.action == "status" and spec.get("status", 500) < 400:
            raise RuleError("rule %d: status must be an error status" % i)
        if "headers" in spec and not isinstance(spec["headers"], dict):
            raise RuleError("rule %d: headers must be an object" % i)
        self.matched = 0
        self.fired = 0

    def matches(self, req):
        if self.services is not None and req.service not in self.services \
                and req.signing not in self.services:
            return False
        if self.operations is not None and \
                req.operation not in self.operations:
            return False
        if self.methods is not None and req.method not in self.methods:
            return False
        if self.path is not None and not self.path.search(req.path):
            return False
        if self.body_rx is not None and not self.body_rx.search(
                req.body.decode("utf-8", "replace")):
            return False
        for k, rx in self.header_rx.items():
            if not rx.search(req.headers.get(k, "")):
                return False
        return True

    def decide(self, rng):
        """Called for a matching request: does the rule fire this time?"""
        self.matched += 1
        s = self.spec
        n = self.matched - s.get("skip", 0)
        if n <= 0:
            return False
        if s.get("times") is not None and self.fired >= s["times"]:
            return False
        if s.get("every") and n % s["every"] != 0:
            return False
        if s.get("probability") is not None and \
                rng.random() >= s["probability"]:
            return False
        self.fired += 1
        return True

    def state(self):
        d = dict(self.spec)
        d["matched"] = self.matched
        d["fired"] = self.fired
        return d


class RuleSet:
    def __init__(self, doc, source):
        if isinstance(doc, list):
            doc = {"rules": doc}
        if not isinstance(doc, dict) or not isinstance(doc.get("rules"),
                                                      list):
            raise RuleError("rules must be a list or {\"seed\": N, "
                            "\"rules\": [...]}")
        bad = set(doc) - {"seed", "rules", "comment"}
        if bad:
            raise RuleError("unknown top-level key(s) %s" %
                            ", ".join(sorted(bad)))
        self.seed = doc.get("seed", 0)
        self.rng = random.Random(self.seed)
        self.rules = [Rule(i, r) for i, r in enumerate(doc["rules"])]
        self.source = source

    def pick(self, req):
        for r in self.rules:
            if r.matches(req) and r.decide(self.rng):
                return r
        return None


class Rules:
    """The live rule set: from the rules file (reread when it changes) or
    from the last POST /__proxy/rules."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.set = RuleSet([], "empty")
        self.sig = None
        self.error = None
        if path:
            self._reload(force=True)
            if self.error:
                raise RuleError(self.error)

    def _stat(self):
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _reload(self, force=False):
        sig = self._stat()
        if sig is None or (sig == self.sig and not force):
            return
        try:
            with open(self.path, encoding="utf-8") as f:
                text = f.read()
            self.set = RuleSet(json.loads(text) if text.strip() else [],
                               self.path)
            self.sig = sig
            self.error = None
        except (OSError, ValueError) as e:
            # keep the old rules; sig is not recorded so we retry next time
            self.error = "%s: %s" % (self.path, e)
            log_err(self.error)

    def pick(self, req):
        with self.lock:
            if self.path:
                self._reload()
            rule = self.set.pick(req)
            if rule is None:
                return None, 0
            return rule, rule.fired

    def replace(self, doc):
        new = RuleSet(doc, "control")
        with self.lock:
            self.set = new
            self.sig = self._stat() if self.path else None
            self.error = None

    def state(self):
        with self.lock:
            if self.path:
                self._reload()
            return {"source": self.set.source, "seed": self.set.seed,
                    "error": self.error,
                    "rules": [r.state() for r in self.set.rules]}


# ---------------------------------------------------------------------------
# Answers in each protocol.

def xml_escape(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;"))


def error_response(catalog, req, status, code, message):
    """(status, headers, body) of an AWS error in the request's protocol."""
    rid = str(uuid.uuid4())
    proto = req.protocol or "rest-json"
    svc = req.signing
    if proto == "rest-xml":
        rid = uuid.uuid4().hex[:16].upper()
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s'
                '</Code><Message>%s</Message><RequestId>%s</RequestId>'
                '<HostId>%s</HostId></Error>' %
                (xml_escape(code), xml_escape(message), rid,
                 uuid.uuid4().hex)).encode()
        hdrs = [("Content-Type", "application/xml"),
                ("x-amz-request-id", rid), ("x-amz-id-2", uuid.uuid4().hex)]
    elif proto in ("query", "ec2"):
        ns = catalog.metadata(svc).get("xmlNamespace") or \
            XML_NAMESPACES.get(svc, "")
        kind = "Receiver" if status >= 500 else "Sender"
        body = ('<ErrorResponse xmlns="%s">\n  <Error>\n    <Type>%s</Type>\n'
                '    <Code>%s</Code>\n    <Message>%s</Message>\n  </Error>\n'
                '  <RequestId>%s</RequestId>\n</ErrorResponse>\n' %
                (ns, kind, xml_escape(code), xml_escape(message),
                 rid)).encode()
        hdrs = [("Content-Type", "text/xml"), ("x-amzn-RequestId", rid)]
    elif proto == "json":
        body = json.dumps({"__type": code, "message": message}).encode()
        hdrs = [("Content-Type",
                 "application/x-amz-json-%s" % req.json_version),
                ("x-amzn-RequestId", rid)]
    else:   # rest-json: the code travels in X-Amzn-ErrorType
        if svc == "lambda":
            doc = {"Type": "Service" if status >= 500 else "User",
                   "message": message}
            if code == "TooManyRequestsException":
                doc["Reason"] = "CallerRateLimitExceeded"
        else:
            doc = {"message": message}
        body = json.dumps(doc).encode()
        hdrs = [("Content-Type", "application/json"),
                ("X-Amzn-ErrorType", code), ("x-amzn-RequestId", rid)]
    return status, hdrs, body


def merge_patch(target, patch):
    """RFC 7386 JSON merge patch: objects merge, null deletes a key."""
    if not isinstance(patch, dict):
        return patch
    if not isinstance(target, dict):
        target = {}
    out = dict(target)
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def template_vars(req, n):
    v = {"service": req.service or "", "operation": req.operation or "",
         "method": req.method, "path": req.path, "region": req.region or "",
         "n": str(n), "request_id": str(uuid.uuid4())}
    for k, val in req.labels.items():
        v[k] = val
    return v


def fill(value, tvars):
    """${name} substitution in every string of a JSON value."""
    if isinstance(value, str):
        return string.Template(value).safe_substitute(tvars)
    if isinstance(value, list):
        return [fill(x, tvars) for x in value]
    if isinstance(value, dict):
        return {k: fill(x, tvars) for k, x in value.items()}
    return value


# ---------------------------------------------------------------------------
# The request log.

class Log:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.entries = []
        self.seq = 0
        self.f = open(path, "a", encoding="utf-8") if path else None

    def add(self, entry):
        with self.lock:
            self.seq += 1
            entry = dict(seq=self.seq, **entry)
            self.entries.append(entry)
            if len(self.entries) > 200000:
                del self.entries[:100000]
            if self.f:
                self.f.write(json.dumps(entry, sort_keys=True) + "\n")
                self.f.flush()

    def reset(self):
        with self.lock:
            self.entries = []
            if self.f:
                self.f.truncate(0)
                self.f.seek(0)

    def select(self, q):
        with self.lock:
            out = list(self.entries)
        for k in ("service", "operation", "method", "action"):
            if k in q:
                out = [e for e in out if str(e.get(k)) == q[k]]
        if "since" in q:
            out = [e for e in out if e["seq"] > int(q["since"])]
        return out


# ---------------------------------------------------------------------------
# The server.

class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, addr, upstream, rules, log, catalog, timeout):
        super().__init__(addr, Handler)
        u = urlsplit(upstream)
        if u.scheme != "http" or not u.hostname:
            raise ValueError("upstream must be http://HOST:PORT")
        self.up_host, self.up_port = u.hostname, u.port or 80
        self.rules, self.log, self.catalog = rules, log, catalog
        self.up_timeout = timeout
        self.conn_ids = itertools.count(1)

    def handle_error(self, request, client_address):
        # a client that resets an idle keep-alive connection is normal
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class ClientGone(Exception):
    pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "faultproxy"
    timeout = 300      # idle keep-alive connections end after this

    def log_message(self, fmt, *args):
        pass

    def setup(self):
        super().setup()
        self.conn_id = next(self.server.conn_ids)
        self.entry = None
        # a head and a body in two writes must not wait for a delayed ACK
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.conn_req = 0

    # every method goes through one path
    def do_any(self):
        try:
            self.handle_request()
        except (ClientGone, ConnectionError, TimeoutError, OSError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_any
    do_OPTIONS = do_any

    def read_body(self):
        te = self.headers.get("Transfer-Encoding", "").lower()
        if "chunked" in te:
            parts = []
            for _ in range(1 << 20):
                line = self.rfile.readline(65537)
                if not line:
                    raise ClientGone()
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    for _ in range(1000):      # trailers
                        t = self.rfile.readline(65537)
                        if t in (b"\r\n", b"\n", b""):
                            break
                    break
                data = self.rfile.read(size)
                if len(data) != size:
                    raise ClientGone()
                parts.append(data)
                self.rfile.readline(3)
            return b"".join(parts)
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        if len(body) != n:
            raise ClientGone()
        return body

    def send_raw(self, data):
        try:
            self.wfile.write(data)
        except OSError as e:
            raise ClientGone() from e

    def head_bytes(self, status, reason, headers):
        lines = ["HTTP/1.1 %d %s" % (status, reason or
                                     http.client.responses.get(status, ""))]
        names = set()
        for k, v in headers:
            lines.append("%s: %s" % (k, v))
            names.add(k.lower())
        if "date" not in names:
            lines.append("Date: %s" % formatdate(usegmt=True))
        if "server" not in names:
            lines.append("Server: faultproxy")
        if self.close_connection:
            lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def send_whole(self, status, headers, body, reason=None):
        """Send a complete buffered answer; returns body bytes sent."""
        hdrs = [(k, v) for k, v in headers
                if k.lower() not in HOP_BY_HOP and
                k.lower() != "content-length"]
        if self.command == "HEAD":
            # a HEAD answer keeps the length the GET would have had
            cl = [v for k, v in headers if k.lower() == "content-length"]
            hdrs.append(("Content-Length", cl[0] if cl else "0"))
            body = b""
        elif status in (204, 304) or status < 200:
            body = b""
        else:
            hdrs.append(("Content-Length", str(len(body))))
        if self.entry is not None:
            self.entry["bytes_out"] = len(body)
            self.entry["status"] = status
        data = self.head_bytes(status, reason, hdrs) + body
        self.commit()
        self.send_raw(data)
        return len(body)

    def reset(self):
        """End the connection with RST: SO_LINGER on, timeout 0."""
        self.commit()
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass
        self.close_connection = True

    # -- the control endpoints -------------------------------------------

    def control(self, body):
        path, _, qs = self.path.partition("?")
        q = dict(parse_qsl(qs))
        srv = self.server
        ctype = [("Content-Type", "application/json")]
        if path == "/__proxy/health":
            return self.send_whole(200, [("Content-Type", "text/plain")],
                                   b"ok\n")
        if path == "/__proxy/rules" and self.command == "GET":
            return self.send_whole(200, ctype, json.dumps(
                srv.rules.state(), indent=1).encode() + b"\n")
        if path == "/__proxy/rules" and self.command in ("POST", "PUT"):
            try:
                doc = json.loads(body.decode("utf-8") or "[]")
                srv.rules.replace(doc)
            except (ValueError, UnicodeDecodeError) as e:
                return self.send_whole(400, ctype, json.dumps(
                    {"error": str(e)}).encode() + b"\n")
            return self.send_whole(200, ctype, json.dumps(
                {"rules": len(srv.rules.set.rules)}).encode() + b"\n")
        if path == "/__proxy/log" and self.command == "GET":
            out = "".join(json.dumps(e, sort_keys=True) + "\n"
                          for e in srv.log.select(q))
            return self.send_whole(200, [("Content-Type",
                                          "application/x-ndjson")],
                                   out.encode())
        if path == "/__proxy/stats" and self.command == "GET":
            es = srv.log.select(q)
            st = {"count": len(es),
                  "bytes_in": sum(e["bytes_in"] for e in es),
                  "bytes_out": sum(e["bytes_out"] for e in es)}
            return self.send_whole(200, ctype,
                                   json.dumps(st).encode() + b"\n")
        if path == "/__proxy/reset-log" and self.command == "POST":
            srv.log.reset()
            return self.send_whole(200, ctype, b'{"log":"reset"}\n')
        return self.send_whole(404, ctype, b'{"error":"no such control"}\n')

    # -- one proxied request ---------------------------------------------

    def handle_request(self):
        self.conn_req += 1
        t0 = time.monotonic()
        body = self.read_body()
        if self.path.startswith("/__proxy/"):
            self.control(body)
            return
        headers = {}
        for k, v in self.headers.items():
            headers.setdefault(k.lower(), v)
        req = Request(self.command, self.path, headers, body)
        srv = self.server
        identify(srv.catalog, req)
        rule, fired = srv.rules.pick(req)
        entry = {
            "time": round(time.time(), 3), "conn": self.conn_id,
            "conn_req": self.conn_req, "service": req.service,
            "operation": req.operation, "region": req.region,
            "method": req.method, "path": req.path,
            "query": req.query_string, "bytes_in": len(body),
            "bytes_out": 0, "status": None, "upstream_status": None,
            "action": rule.action if rule else None,
            "rule": rule.index if rule else None,
        }
        self.entry, self.t0 = entry, t0
        try:
            self.apply(req, rule, fired, entry)
        finally:
            self.commit()

    def commit(self):
        """Log the request, once.  Called just before the last bytes of
        the answer go out, so a client that has its answer finds it in the
        log."""
        if self.entry is not None:
            self.entry["ms"] = round((time.monotonic() - self.t0) * 1000, 1)
            self.server.log.add(self.entry)
            self.entry = None

    def apply(self, req, rule, fired, entry):
        spec = rule.spec if rule else {}
        action = rule.action if rule else "pass"
        catalog = self.server.catalog
        tvars = template_vars(req, fired)
        if action == "reset_before":
            self.reset()
            return
        if action == "close_before":
            self.commit()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if action in ("throttle", "status", "error"):
            if action == "throttle":
                st, code, msg = THROTTLE.get(req.signing) or \
                    THROTTLE.get(req.protocol or "rest-json")
            else:
                st = spec.get("status", 500 if action == "status" else 400)
                code = STATUS_CODES.get((req.signing, st)) or \
                    STATUS_CODES.get((None, st)) or "InternalFailure"
                msg = "Injected %d" % st
            st = spec.get("status", st)
            code = fill(spec.get("code", code), tvars)
            msg = fill(spec.get("message", msg), tvars)
            st, hdrs, body = error_response(catalog, req, st, code, msg)
            entry["status"] = st
            entry["bytes_out"] = self.send_whole(st, hdrs, body)
            return
        if action == "respond":
            b = fill(spec.get("body", ""), tvars)
            hdrs = list(fill(spec.get("headers") or {}, tvars).items())
            if not isinstance(b, str):
                b = json.dumps(b)
                if not any(k.lower() == "content-type" for k, _ in hdrs):
                    hdrs.append(("Content-Type", "application/json"))
            hdrs.append(("x-amzn-RequestId", tvars["request_id"]))
            entry["status"] = spec["status"]
            entry["bytes_out"] = self.send_whole(spec["status"], hdrs,
                                                 b.encode())
            return
        if action == "delay" and spec.get("when", "before") == "before":
            time.sleep(spec["ms"] / 1000.0)
        buffered = action in ("reset_mid", "patch_json") or \
            (action == "delay" and spec.get("when") == "after")
        try:
            conn, resp = self.forward(req)
        except (OSError, http.client.HTTPException) as e:
            st, hdrs, body = error_response(
                catalog, req, 502, "BadGateway",
                "faultproxy: upstream: %s" % e)
            entry["status"] = st
            entry["action"] = (entry["action"] or "") + "+upstream_error"
            entry["bytes_out"] = self.send_whole(st, hdrs, body)
            return
        try:
            entry["upstream_status"] = resp.status
            if buffered:
                self.answer_buffered(req, resp, action, spec, entry, fired)
            else:
                entry["status"] = resp.status
                self.answer_streamed(resp, entry)
        finally:
            conn.close()

    def forward(self, req):
        srv = self.server
        conn = http.client.HTTPConnection(srv.up_host, srv.up_port,
                                          timeout=srv.up_timeout)
        conn.putrequest(req.method, req.target, skip_host=True,
                        skip_accept_encoding=True)
        had_length = False
        for k, v in self.headers.items():
            lk = k.lower()
            if lk in HOP_BY_HOP:
                continue
            if lk == "content-length":
                had_length = True
                continue
            conn.putheader(k, v)
        if req.body or had_length or \
                "chunked" in self.headers.get("Transfer-Encoding", ""):
            conn.putheader("Content-Length", str(len(req.body)))
        conn.endheaders(req.body or None)
        return conn, conn.getresponse()

    @staticmethod
    def resp_headers(resp):
        return [(k, v) for k, v in resp.getheaders()
                if k.lower() not in HOP_BY_HOP]

    def answer_streamed(self, resp, entry):
        hdrs = self.resp_headers(resp)
        nobody = self.command == "HEAD" or resp.status in (204, 304) or \
            resp.status < 200
        if nobody:
            data = self.head_bytes(resp.status, resp.reason, hdrs)
            self.commit()
            self.send_raw(data)
            return
        chunked = resp.length is None
        if chunked:
            hdrs = [(k, v) for k, v in hdrs if k.lower() != "content-length"]
            if self.request_version == "HTTP/1.1":
                hdrs.append(("Transfer-Encoding", "chunked"))
            else:
                self.close_connection = True
                chunked = False
        pending = self.head_bytes(resp.status, resp.reason, hdrs)
        held = b""
        for _ in range(1 << 30):
            data = resp.read1(65536) if hasattr(resp, "read1") else \
                resp.read(65536)
            if not data:
                break
            entry["bytes_out"] += len(data)
            if chunked:
                data = b"%x\r\n%s\r\n" % (len(data), data)
            # the head goes out with the first part of the body; one part
            # is held back so the log is written before the last one
            if held:
                self.send_raw(held)
            held = pending + data
            pending = b""
        held += pending
        if chunked:
            held += b"0\r\n\r\n"
        self.commit()
        self.send_raw(held)

    def answer_buffered(self, req, resp, action, spec, entry, fired):
        body = resp.read()
        hdrs = self.resp_headers(resp)
        status = resp.status
        if action == "patch_json" and 200 <= status < 300:
            try:
                doc = json.loads(body.decode("utf-8")) if body else {}
            except ValueError:
                doc = None
            if isinstance(doc, dict):
                tvars = template_vars(req, fired)
                body = json.dumps(merge_patch(
                    doc, fill(spec["patch"], tvars))).encode()
                status = spec.get("status", status)
            else:
                entry["action"] = "patch_json:not_json"
        elif action == "patch_json":
            entry["action"] = "patch_json:not_2xx"
        if action == "delay":
            time.sleep(spec["ms"] / 1000.0)
        entry["status"] = status
        if action != "reset_mid":
            entry["bytes_out"] = self.send_whole(status, hdrs, body,
                                                 resp.reason)
            return
        # reset_mid: the whole head with the true length, part of the body
        hdrs = [(k, v) for k, v in hdrs if k.lower() != "content-length"]
        if self.command == "HEAD" or status in (204, 304):
            body = b""
        hdrs.append(("Content-Length", str(len(body))))
        head = self.head_bytes(status, resp.reason, hdrs)
        if body:
            n = min(spec.get("bytes", len(body) // 2), max(len(body) - 1, 0))
            data = head + body[:n]
            entry["bytes_out"] = n
        else:
            data = head[:len(head) // 2]
        try:
            self.send_raw(data)
            # let the part arrive before the RST, which would discard it
            time.sleep(spec.get("ms", 100) / 1000.0)
        finally:
            self.reset()


def classify_main(args, catalog):
    hdrs = {}
    for h in args.header or []:
        k, _, v = h.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    if args.service and "authorization" not in hdrs:
        hdrs["authorization"] = ("AWS4-HMAC-SHA256 Credential=AK/20240101/"
                                 "us-east-1/%s/aws4_request" % args.service)
    req = Request(args.classify[0].upper(), args.classify[1], hdrs,
                  (args.body or "").encode())
    identify(catalog, req)
    print(json.dumps({"service": req.service, "operation": req.operation,
                      "protocol": req.protocol, "labels": req.labels},
                     sort_keys=True))
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--upstream", help="http://HOST:PORT of moto")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--ready-file", help="written with the port once "
                    "listening (else the port is printed on stdout)")
    ap.add_argument("--rules", help="JSON rules file, reread on change")
    ap.add_argument("--log", help="append one JSON line per request here")
    ap.add_argument("--upstream-timeout", type=float, default=120.0)
    ap.add_argument("--models", help="botocore data folder (default: the "
                    "installed botocore's)")
    ap.add_argument("--no-models", action="store_true",
                    help="use only the built-in operation table")
    ap.add_argument("--classify", nargs=2, metavar=("METHOD", "TARGET"))
    ap.add_argument("-H", "--header", action="append")
    ap.add_argument("--service")
    ap.add_argument("--body")
    args = ap.parse_args(argv)
    models = None if args.no_models else (args.models or botocore_data_dir())
    catalog = Catalog(models)
    if args.classify:
        return classify_main(args, catalog)
    if not args.upstream:
        ap.error("--upstream is required")
    try:
        rules = Rules(args.rules)
    except RuleError as e:
        log_err(str(e))
        return 2
    srv = Server(("127.0.0.1", args.port), args.upstream, rules,
                 Log(args.log), catalog, args.upstream_timeout)
    port = srv.server_address[1]
    if args.ready_file:
        tmp = args.ready_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, args.ready_file)
    else:
        print(port, flush=True)
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
