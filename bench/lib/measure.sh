# Shared by the benchmark scripts: timing a command with GNU time and
# printing medians. Source it; needs /usr/bin/time.
#
# measure NAME CMD...   runs CMD once, appends "NAME wall user sys maxrss_kb"
#                       to $BENCH_LOG. Controller CPU = user + sys of the
#                       command and every child it waited for.
measure() {
  local name=$1; shift
  local out
  out=$(mktemp)
  /usr/bin/time -f '%e %U %S %M' -o "$out" "$@" >/dev/null 2>"${out}.err" || {
    echo "bench: '$name' exited non-zero; its stderr:" >&2
    tail -5 "${out}.err" >&2
  }
  echo "$name $(cat "$out")" >> "$BENCH_LOG"
  rm -f "$out" "${out}.err"
}

# median NAME FIELD   FIELD: 2 wall, 3 user, 4 sys, 5 rss; cpu = user+sys
median() {
  local name=$1 field=$2
  if [ "$field" = cpu ]; then
    awk -v n="$name" '$1==n {print $3+$4}' "$BENCH_LOG"
  else
    awk -v n="$name" -v f="$field" '$1==n {print $f}' "$BENCH_LOG"
  fi | sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else print a[int((NR+1)/2)]}'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "inf"; else printf "%.1f", a / b }'; }
