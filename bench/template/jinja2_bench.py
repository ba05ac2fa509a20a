#!/usr/bin/python3
"""Python's Jinja2 side of the benchmark: the template compiled once (like
Ansible's cache would), rendered N times with the template module's
settings (trim_blocks, StrictUndefined). Prints the wall and CPU seconds
of the render loop and the output's sha1 so run.sh can check both engines
wrote the same bytes."""
import hashlib, json, sys, time
import jinja2

tpl_path, vars_path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(vars_path) as f:
    variables = json.load(f)
env = jinja2.Environment(loader=jinja2.FileSystemLoader("/"), trim_blocks=True, undefined=jinja2.StrictUndefined)
with open(tpl_path) as f:
    source = f.read()
template = env.from_string(source)
out = ""
start = time.perf_counter()
cpu_start = time.process_time()
for _ in range(n):
    out = template.render(variables)
cpu = time.process_time() - cpu_start
elapsed = time.perf_counter() - start
if source.endswith("\n") and not out.endswith("\n"):
    out += "\n"
print("%.6f %.6f %s %d" % (elapsed, cpu, hashlib.sha1(out.encode()).hexdigest(), len(out)))
