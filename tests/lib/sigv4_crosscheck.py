#!/usr/bin/env python3
"""sigv4_crosscheck: czappa's SigV4 signer against botocore's.

Generates varied requests from a fixed seed (methods; paths with spaces,
unicode, reserved characters, empty and dot segments, Lambda ARNs; repeated
and unsorted query keys; header values with runs of spaces, tabs, folded
lines, repeated names; empty, text and binary bodies; with and without a
session token; S3 and other services; header and query signing), signs each
with botocore (SigV4Auth, S3SigV4Auth, SigV4QueryAuth, S3SigV4QueryAuth) at a
frozen time, runs the C driver (tests/tools/sigv4_sign.c) on the same
requests and requires byte-identical results: the Authorization header for
header signing, the signature and the set of query parameters for presigned
URLs.  Prints "ok - ..." / "not ok - ..." lines (one per category, one per
mismatching case with its request and both canonical requests) and
"# compared N requests".

usage: sigv4_crosscheck.py DRIVER [--seed N] [--count N] [--dump FILE]
"""

import argparse
import base64
import datetime
import json
import random
import subprocess
import sys
import types
from unittest import mock
from urllib.parse import parse_qsl, quote, urlsplit

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH']
REGIONS = ['us-east-1', 'eu-west-3', 'ap-southeast-2', 'sa-east-1']
SERVICES = ['lambda', 'sts', 'iam', 'apigateway', 'logs', 'events',
            'execute-api', 'service']
# Raw path segments; '' makes a repeated slash, '.'/'..' dot segments.
SEGMENTS = [
    'foo', 'a b', 'a  b', 'caf\u00e9', '\u1234', '\U0001f600', 'x+y',
    'arn:aws:lambda:us-east-1:123456789012:function:my-fn', '$delete',
    '~tilde', 'it\'s', '@home', '!*()', ';=,', 'a%2Fb', '100%', 'A-Z_0.9',
    '[x]', 'q"uote', '', '.', '..', 'e\u0301', '2015-03-31', 'functions',
]
QKEYS = ['a', 'b', 'B', 'Param1', 'param1', 'key with space', 'k\u00e9y',
         'x-amz-meta', 'list-type', 'prefix', '~', 'a.b', 'Z', 'z', '1',
         'arr[]', 'k=eq']
QVALS = ['', 'v', 'value with  spaces', 'a/b/c', 'a+b', 'x=y&z',
         '\u00fc\u00f1\u00ee', '\u1234', '~-._', '%41', '*', 'A', 'a',
         'arn:aws:iam::123456789012:role/r', '10', '9']
HNAMES = ['X-Custom', 'x-custom', 'X-Meta-One', 'Content-Type', 'Accept',
          'X-Amz-Target', 'x-amz-meta-Data', 'My-Header', 'ZZ-Last',
          'A-First', 'Content-Encoding', 'X-Amz-Invocation-Type']
HVALS = ['v', '  leading', 'trailing  ', 'a   b    c', 'a\tb', ' \t ',
         '', '"quoted   value"', 'application/json',
         'application/x-amz-json-1.1', 'caf\u00e9 cr\u00e8me',
         'line1\n  line2', 'a,b', 'Event', 'x' * 300, '0']
SAFE_QUERY = '-_.~'


def rand_str(rng, alphabet, n):
    return ''.join(rng.choice(alphabet) for _ in range(n))


def sloppy_escape(rng, s):
    """Escapes some unreserved ASCII letters and digits and lower-cases
    the hex of existing escapes: "a%C3%A9" may become "%61%c3%a9"."""
    out, i = [], 0
    while i < len(s):
        if s[i] == '%':
            out.append(s[i:i + 3].lower())
            i += 3
            continue
        if s[i].isascii() and s[i].isalnum() and rng.random() < 0.3:
            out.append('%%%02x' % ord(s[i]))
        else:
            out.append(s[i])
        i += 1
    return ''.join(out)


def enc_query(pairs, rng=None, sloppy=False):
    """The query string as a client sends it.  sloppy: escapes in lower
    case and unreserved bytes escaped too, which a server decodes the same
    way (only used where botocore is given the decoded pairs)."""
    out = []
    for k, v in pairs:
        ek, ev = quote(k, safe=SAFE_QUERY), quote(v, safe=SAFE_QUERY)
        if sloppy and rng.random() < 0.5:
            ek, ev = sloppy_escape(rng, ek), sloppy_escape(rng, ev)
        out.append(ek + '=' + ev)
    return '&'.join(out)


def gen_path(rng, s3):
    if s3:
        bucket = rng.choice(['my-bucket', 'b.dots.example', 'bkt-123'])
        segs = [rng.choice(SEGMENTS) for _ in range(rng.randint(0, 5))]
        key = '/'.join(segs)
        # What botocore sends for a key: everything but '/' and '~'
        # escaped.  S3 signs that as it is.
        return '/' + bucket + '/' + quote(key, safe='/~')
    segs = [rng.choice(SEGMENTS) for _ in range(rng.randint(0, 6))]
    style = rng.random()
    parts = []
    for s in segs:
        if style < 0.4:
            parts.append(quote(s, safe='~'))          # a label
        elif style < 0.7:
            parts.append(quote(s, safe="~:@!$&'()*+,;="))  # greedy label
        else:
            # sent raw where it can be (the vectors do this with spaces
            # and UTF-8); '%' '?' '#' '"' '[' ']' must be escaped
            parts.append(''.join(c if c not in '%?#"[]' else
                                 quote(c, safe='') for c in s))
    path = '/' + '/'.join(parts)
    if rng.random() < 0.2:
        path += '/'
    return path


def gen_pairs(rng, unique):
    pairs = []
    for _ in range(rng.choice([0, 0, 1, 2, 3, 5, 8])):
        k = rng.choice(QKEYS)
        if unique and any(k == p[0] for p in pairs):
            continue
        pairs.append((k, rng.choice(QVALS)))
    if not unique and pairs and rng.random() < 0.4:
        pairs.append((pairs[0][0], rng.choice(QVALS)))   # repeated key
    return pairs


def gen_headers(rng, host):
    hs = [('Host', host)]
    for _ in range(rng.randint(0, 6)):
        hs.append((rng.choice(HNAMES), rng.choice(HVALS)))
    rng.shuffle(hs)
    return hs


def gen_body(rng):
    r = rng.random()
    if r < 0.35:
        return b''
    if r < 0.6:
        return json.dumps({'k': rand_str(rng, 'abc xyz', 20),
                           'u': '\u00e9\u1234'}).encode()
    if r < 0.8:
        return bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 600)))
    if r < 0.95:
        return b'Action=GetCallerIdentity&Version=2011-06-15'
    return bytes(rng.getrandbits(8) for _ in range(70000))


def gen_case(rng, i, category):
    s3 = category in ('s3', 's3-presign')
    presign = category.endswith('presign')
    date = datetime.datetime(2015, 1, 1) + datetime.timedelta(
        seconds=rng.randint(0, 15 * 365 * 86400))
    region = rng.choice(REGIONS)
    service = 's3' if s3 else rng.choice(SERVICES)
    host = (('s3.%s.amazonaws.com' if s3 else service +
             '.%s.amazonaws.com') % region)
    if rng.random() < 0.2:
        host = '127.0.0.1:%d' % rng.randint(1024, 65535)
    c = {
        'id': i, 'category': category,
        'method': 'GET' if presign else rng.choice(METHODS),
        'path': gen_path(rng, s3), 'host': host,
        'headers': gen_headers(rng, host),
        'body': b'' if presign else gen_body(rng),
        'region': region, 'service': service,
        'date': date,
        'amz_date': date.strftime('%Y%m%dT%H%M%SZ'),
        'access_key': 'AKIA' + rand_str(rng, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
                                        16),
        'secret_key': rand_str(rng, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklm'
                               'nopqrstuvwxyz0123456789+/', 40),
        'token': (rand_str(rng, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmno'
                           'pqrstuvwxyz0123456789+/=', rng.randint(20, 400))
                  if rng.random() < 0.4 else None),
        's3': s3, 'presign': presign,
        'unsigned_payload': s3 and not presign and rng.random() < 0.35,
        'expires': rng.choice([1, 60, 900, 3600, 604800]),
    }
    pairs = gen_pairs(rng, unique=presign)
    # How botocore sees the query: raw in the URL (passed through as is,
    # so the C side must agree on canonical escapes) or as decoded params
    # (botocore encodes them, so the C side must decode what it is given).
    c['params_mode'] = bool(not presign and not s3 and pairs and
                            rng.random() < 0.5)
    if c['params_mode']:
        c['pairs'] = pairs
        c['query'] = enc_query(pairs, rng, sloppy=True)
    else:
        q = enc_query(pairs)
        if not presign and q and rng.random() < 0.2:
            q += '&flag'                              # a key with no '='
        c['query'] = q
    return c


def botocore_sign(c):
    """Signs c with botocore; returns (result, canonical request)."""
    url = 'http://' + c['host'] + c['path']
    if c['query'] and not c['params_mode']:
        url += '?' + c['query']
    req = AWSRequest(method=c['method'], url=url, data=c['body'])
    for k, v in c['headers']:
        req.headers[k] = v          # HTTPHeaders keeps repeated names
    if c['params_mode']:
        req.params = list(c['pairs'])
    if c['unsigned_payload']:
        req.context['client_config'] = types.SimpleNamespace(
            s3={'payload_signing_enabled': False})
    creds = Credentials(c['access_key'], c['secret_key'], c['token'])
    if c['presign']:
        cls = (botocore.auth.S3SigV4QueryAuth if c['s3'] else
               botocore.auth.SigV4QueryAuth)
        auth = cls(creds, c['service'], c['region'], expires=c['expires'])
    else:
        cls = botocore.auth.S3SigV4Auth if c['s3'] else botocore.auth.SigV4Auth
        auth = cls(creds, c['service'], c['region'])
    seen = {}
    orig = auth.canonical_request

    def capture(r):
        seen['creq'] = orig(r)
        return seen['creq']
    auth.canonical_request = capture
    # botocore takes "now" from botocore.auth.get_current_datetime (older
    # releases: datetime.datetime.utcnow); freeze whichever it has.
    if hasattr(botocore.auth, 'get_current_datetime'):
        patch = mock.patch('botocore.auth.get_current_datetime',
                           return_value=c['date'])
    else:
        fake = mock.Mock(wraps=datetime.datetime)
        fake.utcnow.return_value = c['date']
        patch = mock.patch('botocore.auth.datetime.datetime', fake)
    with patch:
        auth.add_auth(req)
    if c['presign']:
        query = urlsplit(req.url).query
        sig = dict(parse_qsl(query, keep_blank_values=True))[
            'X-Amz-Signature']
        return {'signature': sig, 'query': query}, seen['creq']
    return {'authorization': req.headers['Authorization']}, seen['creq']


def driver_input(c):
    return {
        'id': c['id'], 'method': c['method'], 'path': c['path'],
        'query': c['query'], 'headers': [list(h) for h in c['headers']],
        'body_b64': base64.b64encode(c['body']).decode(),
        'region': c['region'], 'service': c['service'],
        'amz_date': c['amz_date'], 'access_key': c['access_key'],
        'secret_key': c['secret_key'], 'token': c['token'], 's3': c['s3'],
        # S3 presigned URLs sign no payload (what botocore does).
        'unsigned_payload': c['unsigned_payload'] or (c['s3'] and
                                                      c['presign']),
        'presign': c['presign'], 'expires': c['expires'],
    }


def describe(c):
    d = {k: c[k] for k in ('method', 'path', 'query', 'headers', 'region',
                           'service', 'amz_date', 's3', 'unsigned_payload',
                           'params_mode')}
    d['token'] = c['token'] is not None
    d['body_len'] = len(c['body'])
    return json.dumps(d, ensure_ascii=True)


def compare(c, want, got):
    """Returns None or why the C result differs from botocore's."""
    if 'error' in got:
        return 'driver refused: ' + got['error']
    if not c['presign']:
        if got['authorization'] != want['authorization']:
            return 'Authorization differs: got %r want %r' % (
                got['authorization'], want['authorization'])
        return None
    if got['signature'] != want['signature']:
        return 'X-Amz-Signature differs: got %s want %s' % (
            got['signature'], want['signature'])
    # Both must send the same parameters (order may differ).
    gq = sorted(got['query'].split('&'))
    wq = sorted(want['query'].split('&'))
    if gq != wq:
        return 'query parameters differ: got %r want %r' % (gq, wq)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('driver')
    ap.add_argument('--seed', type=int, default=20240102)
    ap.add_argument('--count', type=int, default=400)
    ap.add_argument('--dump', help='write the generated driver input here')
    args = ap.parse_args()

    rng = random.Random(args.seed)
    # Mix: about 45% other services, 35% S3, 10% presign each kind.
    plan = []
    for i in range(args.count):
        r = i % 20
        plan.append('plain' if r < 9 else 's3' if r < 16 else
                    'presign' if r < 18 else 's3-presign')
    cases = [gen_case(rng, i, cat) for i, cat in enumerate(plan)]
    inputs = [driver_input(c) for c in cases]
    if args.dump:
        with open(args.dump, 'w') as f:
            json.dump(inputs, f)
    proc = subprocess.run([args.driver], input=json.dumps(inputs).encode(),
                          capture_output=True, timeout=120)
    if proc.returncode != 0:
        print('not ok - sigv4_sign driver exited %d: %s' % (
            proc.returncode, proc.stderr.decode(errors='replace')[:400]))
        return 1
    lines = proc.stdout.decode().splitlines()
    if len(lines) != len(cases):
        print('not ok - driver printed %d lines for %d requests' % (
            len(lines), len(cases)))
        return 1

    totals, bad = {}, {}
    shown = 0
    for c, line in zip(cases, lines):
        got = json.loads(line)
        cat = c['category']
        totals[cat] = totals.get(cat, 0) + 1
        if got.get('id') != c['id']:
            why, creq = 'driver answered out of order', ''
        else:
            want, creq = botocore_sign(c)
            why = compare(c, want, got)
        if why is None:
            continue
        bad[cat] = bad.get(cat, 0) + 1
        print('not ok - %s case %d: %s' % (cat, c['id'], why))
        if shown < 10:
            shown += 1
            print('#   request: %s' % describe(c))
            print('#   botocore canonical request: %s' % json.dumps(creq))
            print('#   czappa canonical request:   %s' % json.dumps(
                got.get('canonical_request')))
    what = {
        'plain': 'header signing, non-S3: Authorization byte-identical',
        's3': 'header signing, S3: Authorization byte-identical',
        'presign': 'query signing, non-S3: signature and parameters equal',
        's3-presign': 'query signing, S3: signature and parameters equal',
    }
    for cat in ('plain', 's3', 'presign', 's3-presign'):
        n = totals.get(cat, 0)
        if n == 0:
            continue
        ok = n - bad.get(cat, 0)
        print('%s - crosscheck %s: %d/%d' % (
            'ok' if ok == n else 'not ok', what[cat], ok, n))
    print('# compared %d requests with botocore %s (seed %d)' % (
        len(cases), botocore.__version__ if hasattr(botocore, '__version__')
        else '?', args.seed))
    return 1 if bad else 0


if __name__ == '__main__':
    import botocore  # noqa: E402  (for __version__ in the summary)
    sys.exit(main())
