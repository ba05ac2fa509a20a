#!/usr/bin/env python3
# Submit-to-finished time of a trivial ad-hoc job (ping on localhost, local
# connection), N runs one after the other, against a fresh server with one
# worker: what starting a job process in its sandbox costs per job.
#
#   /usr/bin/python3 bench/server/job_overhead.py build/drover 30 [server flags]
#   e.g. ... --job-sandbox none --job-user root   (the process without bwrap)
import json, os, subprocess, sys, tempfile, time, urllib.request, statistics, socket
binary = sys.argv[1]; n = int(sys.argv[2]); extra = sys.argv[3:]
tok = "drv_measure_token_0123456789abcdef0123"
d = tempfile.mkdtemp()
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
env = dict(os.environ, DROVER_ADMIN_TOKEN=tok, DROVER_ADMIN_PASSWORD="measure-password-123")
p = subprocess.Popen([binary, "server", "--data", d + "/var", "--listen", f"127.0.0.1:{port}", "--workers", "1"] + extra,
                     env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
while "listening" not in p.stdout.readline(): pass
base = f"http://127.0.0.1:{port}/api/v1"
def req(method, path, body=None):
    r = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body else None,
                               headers={"Authorization": "Bearer " + tok, "Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(r))
times = []
for i in range(n + 1):
    t0 = time.perf_counter()
    j = req("POST", "/jobs", {"module": "ping", "inventory_text": "localhost ansible_connection=local\n"})
    while True:
        st = req("GET", f"/jobs/{j['id']}")
        if st["state"] not in ("pending", "running"): break
        time.sleep(0.002)
    if i: times.append((time.perf_counter() - t0) * 1000)
    assert st["state"] == "successful", st
p.terminate(); p.wait()
print(f"{binary} {' '.join(extra)}: n={n} median {statistics.median(times):.1f} ms, min {min(times):.1f}, max {max(times):.1f}")
