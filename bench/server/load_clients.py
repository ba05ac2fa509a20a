#!/usr/bin/python3
"""The hostile half of bench/server/load.sh, in one asyncio process.

Opens SSE clients on one job (GET /api/v1/jobs/{id}/stream), slow-loris
connections (a header that never ends: one byte every few seconds,
reconnecting when the server closes them) and, for DURATION seconds, asks
/healthz 20 times a second on a fresh connection each time, recording its
latency (a timeout counts as 5 s). Prints one JSON object:
  sse_connected, sse_events_min/max (per client), sse_ended, sse_errors,
  slow_open (at the end), slow_reconnects, healthz_n, healthz_p50_ms,
  healthz_p99_ms, healthz_max_ms, healthz_failed

  load_clients.py URL TOKEN JOB_ID SSE_CLIENTS SLOW_CLIENTS DURATION_S [HEALTHZ]

HEALTHZ 0 leaves /healthz out: load.sh measures it from a second process,
so that this loop's own work on 1,000 streams is not counted as the
server's latency.
"""
import asyncio
import json
import sys
import time
from urllib.parse import urlparse


async def sse_client(host, port, token, job, stats, i):
    try:
        r, w = await asyncio.wait_for(asyncio.open_connection(host, port), 30)
        w.write((f"GET /api/v1/jobs/{job}/stream HTTP/1.1\r\nHost: {host}\r\n"
                 f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n").encode())
        await w.drain()
        head = await asyncio.wait_for(r.readuntil(b"\r\n\r\n"), 30)
        if b" 200 " not in head.split(b"\r\n")[0]:
            stats["sse_errors"] += 1
            return
        stats["sse_connected"] += 1
        events = 0
        while True:
            line = await r.readline()
            if not line:
                break
            if line.startswith(b"id: "):
                events += 1
            elif line.startswith(b"event: end"):
                stats["sse_ended"] += 1
                break
        stats["events"][i] = events
        w.close()
    except Exception:
        stats["sse_errors"] += 1


async def slow_client(host, port, stop, stats):
    while not stop.is_set():
        try:
            r, w = await asyncio.open_connection(host, port)
            stats["slow_open"] += 1
            w.write(f"GET /healthz HTTP/1.1\r\nHost: {host}\r\nX-Slow: ".encode())
            await w.drain()
            try:
                while not stop.is_set():
                    w.write(b"a")
                    await w.drain()
                    try:
                        data = await asyncio.wait_for(r.read(1024), 3)
                        if not data:
                            break  # closed by the server: header timeout
                    except asyncio.TimeoutError:
                        pass
            finally:
                stats["slow_open"] -= 1
                w.close()
            stats["slow_reconnects"] += 1
        except Exception:
            await asyncio.sleep(0.5)


async def healthz(host, port, stop, lat):
    while not stop.is_set():
        t0 = time.monotonic()
        ok = False
        try:
            r, w = await asyncio.wait_for(asyncio.open_connection(host, port), 5)
            w.write(f"GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
            data = await asyncio.wait_for(r.read(), 5)
            ok = data.startswith(b"HTTP/1.1 200")
            w.close()
        except Exception:
            pass
        lat.append(((time.monotonic() - t0) * 1000) if ok else None)
        await asyncio.sleep(max(0, 0.05 - (time.monotonic() - t0)))


def pct(values, p):
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(len(values) * p))], 2)


async def main():
    url, token, job, n_sse, n_slow, duration = sys.argv[1:7]
    with_healthz = len(sys.argv) < 8 or sys.argv[7] != "0"
    u = urlparse(url)
    host, port = u.hostname, u.port
    n_sse, n_slow, duration = int(n_sse), int(n_slow), float(duration)
    stats = {"sse_connected": 0, "sse_ended": 0, "sse_errors": 0, "slow_open": 0, "slow_reconnects": 0,
             "events": [0] * n_sse}
    stop = asyncio.Event()
    sse = [asyncio.create_task(sse_client(host, port, token, job, stats, i)) for i in range(n_sse)]
    slow = [asyncio.create_task(slow_client(host, port, stop, stats)) for _ in range(n_slow)]
    await asyncio.sleep(3 if n_sse or n_slow else 0)  # let them connect
    lat = []
    hz = asyncio.create_task(healthz(host, port, stop, lat)) if with_healthz else asyncio.sleep(0)
    await asyncio.sleep(duration)
    slow_open = stats["slow_open"]
    stop.set()
    await hz
    for t in slow:
        t.cancel()
    if sse:
        done, pending = await asyncio.wait(sse, timeout=120)  # until the job ends
        for t in pending:
            t.cancel()
    good = [x for x in lat if x is not None]
    out = {
        "sse_clients": n_sse, "sse_connected": stats["sse_connected"], "sse_ended": stats["sse_ended"],
        "sse_errors": stats["sse_errors"], "sse_events_min": min(stats["events"]) if n_sse else 0,
        "sse_events_max": max(stats["events"]) if n_sse else 0,
        "slow_clients": n_slow, "slow_open_at_end": slow_open, "slow_reconnects": stats["slow_reconnects"],
        "healthz_n": len(lat), "healthz_failed": len(lat) - len(good),
        "healthz_p50_ms": pct(good, 0.50), "healthz_p99_ms": pct([x if x is not None else 5000 for x in lat], 0.99),
        "healthz_max_ms": round(max(good), 2) if good else None,
    }
    print(json.dumps(out))


asyncio.run(main())
