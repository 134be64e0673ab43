#!/usr/bin/env node
// fun_invoke.js: runs a `provided` bootstrap under @vercel/fun (a Runtime API
// server no one here wrote) and invokes it once per event file, in order.
//
//   node tests/lib/fun_invoke.js CODE_DIR OUT.jsonl TIMEOUT_MS EVENT...
//
// Writes one JSON line per event to OUT.jsonl, in the format of
// tests/lib/fakeruntime.py so the two can be compared:
//   {"file", "kind": "response"|"error"|"timeout", "function_error",
//    "body" (parsed JSON, or the text)}
// fun never enforces a timeout, so each invoke races a timer; the function
// is destroyed (its process tree killed) in every case.
'use strict';
const fs = require('fs');
const path = require('path');
const { createFunction } = require('@vercel/fun');

async function main() {
  const [dir, out, timeoutArg, ...events] = process.argv.slice(2);
  const timeout = Number(timeoutArg) || 10000;
  const env = {};
  // fun refuses TZ in Environment (AWS allows it): never pass it.
  for (const k of ['AWS_LAMBDA_LOG_FORMAT']) {
    if (process.env[k]) env[k] = process.env[k];
  }
  const fn = await createFunction({
    FunctionName: 'czappa-test',
    Code: { Directory: path.resolve(dir) },
    Handler: 'bootstrap',
    Runtime: 'provided',
    Region: 'us-east-1',
    MemorySize: 128,
    Timeout: Math.ceil(timeout / 1000),
    Environment: { Variables: env },
  });
  const lines = [];
  try {
    for (const f of events) {
      const payload = fs.readFileSync(f, 'utf8');
      let timer;
      const timedOut = new Promise((resolve) => {
        timer = setTimeout(() => resolve(null), timeout);
      });
      const r = await Promise.race([fn.invoke({ Payload: payload }), timedOut]);
      clearTimeout(timer);
      const rec = { file: path.basename(f) };
      if (r === null) {
        rec.kind = 'timeout';
        lines.push(JSON.stringify(rec));
        break;  // the process is stuck: nothing after it is meaningful
      }
      let body = String(r.Payload);
      try { body = JSON.parse(body); } catch (e) { /* keep the text */ }
      rec.kind = r.FunctionError ? 'error' : 'response';
      rec.function_error = r.FunctionError || null;
      rec.error_type = r.FunctionError && body && body.errorType ? body.errorType : null;
      rec.body = body;
      lines.push(JSON.stringify(rec));
    }
  } finally {
    fs.writeFileSync(out, lines.map((l) => l + '\n').join(''));
    await fn.destroy();
  }
}

main().then(() => process.exit(0)).catch((e) => {
  console.error('fun_invoke:', e && e.stack ? e.stack : e);
  process.exit(1);
});
