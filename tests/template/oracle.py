#!/usr/bin/python3
"""The oracle for drover's template engine: renders every case with
ansible-core 2.14's own Templar (Python's Jinja2 with Ansible's filter and
test plugins, loaded the way Ansible loads them).

usage: /usr/bin/python3 oracle.py CASES.json > RESULTS.json

CASES.json is a list of {"name", "mode", "template", "vars", "options",
"files"}; each result is {"name", "ok": true, "value": ...} or
{"name", "ok": false, "error": "..."}.

modes:
  string  Templar.template(template): what a playbook string becomes
  file    the template module: do_template(escape_backslashes=False) with
          trim_blocks etc. from "options" and includes from "files"
  when    Conditional.evaluate_conditional([template]): a `when:` result

"native": true renders the case with jinja2_native on (ansible.cfg
jinja2_native, which Templar reads when it is made).
"""
import json
import math
import os
import shutil
import sys
import tempfile
import warnings

warnings.filterwarnings("ignore")
os.environ.setdefault("ANSIBLE_NOCOLOR", "1")

import ansible.constants as C  # noqa: E402
from ansible.parsing.dataloader import DataLoader  # noqa: E402
from ansible.playbook.conditional import Conditional  # noqa: E402
from ansible.template import AnsibleEnvironment, Templar  # noqa: E402
from ansible.utils.display import Display  # noqa: E402

Display().verbosity = 0


def plain(v):
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int):
        # JSON readers stop at 64 bits: an int past int64 goes as its digits.
        if not -2**63 <= v < 2**63:
            return {"__bigint__": str(int(v))}
        return int(v)
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return {"__float__": repr(v)}
        return float(v)
    if isinstance(v, str):
        return str(v)
    return {"__python__": repr(v)}


def run_case(case, workdir):
    mode = case.get("mode", "string")
    tvars = case.get("vars") or {}
    files = case.get("files") or {}
    casedir = tempfile.mkdtemp(dir=workdir)
    for rel, content in files.items():
        path = os.path.join(casedir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(content)
    loader = DataLoader()
    loader.set_basedir(casedir)
    C.DEFAULT_JINJA2_NATIVE = bool(case.get("native"))
    templar = Templar(loader=loader, variables=tvars)
    if mode == "string":
        return templar.template(case["template"])
    if mode == "when":
        cond = Conditional(loader=loader)
        cond.when = [case["template"]]
        return cond.evaluate_conditional(templar, tvars)
    if mode == "file":
        opts = case.get("options") or {}
        t = templar.copy_with_new_env(
            environment_class=AnsibleEnvironment,
            searchpath=[os.path.join(casedir, "templates"), casedir],
            newline_sequence=opts.get("newline_sequence", "\n"),
            trim_blocks=opts.get("trim_blocks", True),
            lstrip_blocks=opts.get("lstrip_blocks", False),
            available_variables=tvars,
        )
        return t.do_template(case["template"], preserve_trailing_newlines=True, escape_backslashes=False)
    raise ValueError("unknown mode " + mode)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    workdir = tempfile.mkdtemp(prefix="drover-oracle-")
    out = []
    try:
        for case in cases:
            try:
                value = run_case(case, workdir)
                out.append({"name": case["name"], "ok": True, "value": plain(value)})
            except Exception as e:  # the oracle's verdict: this case fails
                out.append({"name": case["name"], "ok": False, "error": "%s: %s" % (type(e).__name__, e)})
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
