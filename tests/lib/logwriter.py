#!/usr/bin/env python3
"""logwriter: writes CloudWatch Logs events with boto3's put_log_events the
way a busy Lambda function and a slow log shipper would, for the tail tests
and benchmark.  Prints nothing on stdout but what --record asks for.

usage:
  logwriter.py live GROUP --record FILE [--create-after S] [--streams N]
               [--rounds R] [--per-round E] [--late-ms MS] [--gap-ms MS]
      Creates GROUP after S seconds (so a tail started before waits for it),
      then N streams, then R rounds, GAP ms apart.  In each round every
      stream gets E events whose timestamps interleave with the other
      streams' (stream s: now + 3k + s), one event per stream shares the
      round's first millisecond, and from the third round on the first
      stream, written earlier, gets events stamped MS in the past AFTER the
      other streams' newer ones (late arrivals).  FILE gets one JSON line
      per event: {"stream", "ts", "message"}; --tag prefixes messages.
  logwriter.py bulk GROUP --record FILE [--streams N] [--count C]
      Writes C events spread over the last 4 minutes across N streams, in
      batches, for paging (--no-follow) tests.
  logwriter.py latency GROUP [--count C] [--gap-ms MS]
      Writes C single events, one every MS ms, each message holding its
      write time; prints nothing (the bench reads the tail's output).
"""
import argparse
import json
import time

import boto3


def now_ms():
    return int(time.time() * 1000)


class Writer:
    def __init__(self, group, record):
        self.logs = boto3.client("logs")
        self.group = group
        self.rec = open(record, "w") if record else None

    def create(self, streams):
        try:
            self.logs.create_log_group(logGroupName=self.group)
        except self.logs.exceptions.ResourceAlreadyExistsException:
            pass
        for s in streams:
            try:
                self.logs.create_log_stream(logGroupName=self.group,
                                            logStreamName=s)
            except self.logs.exceptions.ResourceAlreadyExistsException:
                pass

    def put(self, stream, events):
        events = sorted(events, key=lambda e: e[0])
        for i in range(0, len(events), 5000):
            batch = events[i:i + 5000]
            r = self.logs.put_log_events(
                logGroupName=self.group, logStreamName=stream,
                logEvents=[{"timestamp": t, "message": m} for t, m in batch])
            if r.get("rejectedLogEventsInfo"):
                raise SystemExit("rejected: %r" % r["rejectedLogEventsInfo"])
            if self.rec:
                for t, m in batch:
                    self.rec.write(json.dumps({"stream": stream, "ts": t,
                                               "message": m}) + "\n")
        if self.rec:
            self.rec.flush()


def live(a):
    w = Writer(a.group, a.record)
    time.sleep(a.create_after)
    streams = ["2026/11/24/[live]%032x" % (0xabc0 + i)
               for i in range(a.streams)]
    w.create(streams)
    n = 0
    for r in range(a.rounds):
        base = now_ms()
        for s, st in enumerate(streams):
            ev = [(base, "%sr%d s%d same-ms %d" % (a.tag, r, s, n))]
            n += 1
            for k in range(1, a.per_round):
                ev.append((base + 3 * k + s,
                           "%sr%d s%d e%d %d" % (a.tag, r, s, k, n)))
                n += 1
            w.put(st, ev)
        if r >= 2 and a.late_ms > 0:
            late = [(base - a.late_ms + k,
                     "%sr%d late e%d %d" % (a.tag, r, k, n + k))
                    for k in range(5)]
            n += 5
            w.put(streams[0], late)
        time.sleep(a.gap_ms / 1000.0)


def bulk(a):
    w = Writer(a.group, a.record)
    streams = ["bulk-%d" % i for i in range(a.streams)]
    w.create(streams)
    start = now_ms() - 240000
    per = {s: [] for s in streams}
    for i in range(a.count):
        # Many events share a millisecond across streams.
        per[streams[i % a.streams]].append(
            (start + (i * 240000) // a.count, "bulk %d" % i))
    for s in streams:
        w.put(s, per[s])


def latency(a):
    w = Writer(a.group, None)
    w.create(["lat"])
    for i in range(a.count):
        t = now_ms()
        w.put("lat", [(t, "latency %d %d" % (i, int(time.time() * 1e6)))])
        time.sleep(a.gap_ms / 1000.0)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["live", "bulk", "latency"])
    p.add_argument("group")
    p.add_argument("--record")
    p.add_argument("--create-after", type=float, default=0)
    p.add_argument("--streams", type=int, default=3)
    p.add_argument("--rounds", type=int, default=20)
    p.add_argument("--per-round", type=int, default=20)
    p.add_argument("--late-ms", type=int, default=1200)
    p.add_argument("--gap-ms", type=int, default=300)
    p.add_argument("--count", type=int, default=12000)
    p.add_argument("--tag", default="", help="prefix of every message")
    a = p.parse_args()
    {"live": live, "bulk": bulk, "latency": latency}[a.mode](a)


if __name__ == "__main__":
    main()
