#!/bin/sh
# Regenerates tests/output/golden/*.txt from the real ansible-playbook
# (Debian's ansible-core 2.14). Each case: name, playbook, extra arguments.
# stdout goes to NAME.txt, stderr (warnings) to NAME.stderr.txt; what truly
# varies between runs (command timestamps and deltas, tmp paths, async job
# ids) is masked with sed. The callback events Ansible's callbacks received
# are recorded alongside as NAME.events.jsonl (drover's JSON event schema,
# docs/JSON_EVENTS.md) by playbooks/callback_plugins/drover_recorder.py;
# the tests replay them through DefaultCallback and compare with NAME.txt.
# Needs: Debian's ansible-core 2.14, ssh (the unreachable cases).
set -u
here=$(cd "$(dirname "$0")" && pwd)
out="$here/golden"
mkdir -p "$out"
export ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_NOCOWS=1 \
       ANSIBLE_RETRY_FILES_ENABLED=False ANSIBLE_CALLBACKS_ENABLED=drover_recorder ANSIBLE_CONFIG=$here/playbooks/empty.cfg
export GOLDEN_TMP=/tmp/drover-output-golden

mask() {
  sed -E \
    -e 's/"delta": "[0-9:.]+"/"delta": "0:00:00.000000"/g' \
    -e 's/"(start|end)": "[0-9-]+ [0-9:.]+"/"\1": "2000-01-01 00:00:00.000000"/g' \
    -e 's#/root/\.ansible/tmp/ansible-local-[A-Za-z0-9_]+/tmp[A-Za-z0-9_]+#/ANSIBLE_TMP/tmpfile#g' \
    -e 's/"(ansible_job_id|jid)": "j[0-9.]+"/"\1": "J1"/g' \
    -e 's/jid=j[0-9.]+/jid=J1/g' \
    -e 's#"results_file": "[^"]*"#"results_file": "/ANSIBLE_ASYNC/J1"#g'
}

run() {
  name=$1; pb=$2; shift 2
  rm -rf "$GOLDEN_TMP"; mkdir -p "$GOLDEN_TMP"
  (cd "$here/playbooks" && DROVER_RECORD_FILE="$out/$name.events.raw" /usr/bin/ansible-playbook -i inventory.ini "$pb" "$@" \
     >"$out/$name.raw" 2>"$out/$name.stderr.raw")
  echo "$?" >"$out/$name.rc"
  mask <"$out/$name.raw" >"$out/$name.txt"
  mask <"$out/$name.stderr.raw" >"$out/$name.stderr.txt"
  mask <"$out/$name.events.raw" >"$out/$name.events.jsonl"
  rm -f "$out/$name.raw" "$out/$name.stderr.raw" "$out/$name.events.raw"
  [ -s "$out/$name.stderr.txt" ] || rm -f "$out/$name.stderr.txt"
}

run basic basic.yml
run basic_v basic.yml -v
run basic_vv basic.yml -vv
run basic_check basic.yml --check
run loops loops.yml
run loops_v loops.yml -v
run fatal fatal.yml
run rescue rescue.yml
run unreachable unreachable.yml
run unreachable_ignored unreachable_ignored.yml
run handlers handlers.yml
run handlers_vv handlers.yml -vv
run retries retries.yml
run retries_vv retries.yml -vv
run includes includes.yml
run delegate delegate.yml
run diff diff.yml --diff
run diff_check diff.yml --check --diff
run recap recap.yml
run nohosts nohosts.yml
ANSIBLE_NOCOLOR= ANSIBLE_FORCE_COLOR=1 run recap_color recap.yml
ANSIBLE_CHECK_MODE_MARKERS=1 run check_markers basic.yml --check
ANSIBLE_DISPLAY_SKIPPED_HOSTS=0 ANSIBLE_DISPLAY_OK_HOSTS=0 run quiet loops.yml
run basic_vvv basic.yml -vvv
run any_errors_fatal any_errors_fatal.yml
run free free.yml
ANSIBLE_SHOW_CUSTOM_STATS=1 run custom_stats custom_stats.yml
run async async.yml
run async_v async.yml -v
run wide wide.yml
run facts_v facts.yml -v
rm -rf "$GOLDEN_TMP"
