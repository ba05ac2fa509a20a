#include "modules/async_job.hpp"

#include <cstdlib>
#include <random>

#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

// Runs detached as its own session (so its process group is its pid):
// starts the job in a session of its own, a watchdog that kills the job's
// group at the time limit, then writes the job file. Arguments: the job
// file path, the jid, the time limit, extra JSON members (may be empty).
const char* kSupervisor = R"SH(f=$1; j=$2; limit=$3; extra=$4
now() { date '+%Y-%m-%d %H:%M:%S.%6N'; }
esc() {
  LC_ALL=C awk 'BEGIN { for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i }
  { s = $0; o = ""; n = length(s)
    for (i = 1; i <= n; i++) { c = substr(s, i, 1)
      if (c == "\\") o = o "\\\\"; else if (c == "\"") o = o "\\\""
      else if (ord[c] < 32 || ord[c] == 127) o = o sprintf("\\u%04x", ord[c]); else o = o c }
    printf "%s%s", (NR > 1 ? "\\n" : ""), o }' < "$1"
  # awk cannot tell whether the last line ended with a newline: tail can.
  if [ -s "$1" ] && [ -z "$(tail -c 1 "$1")" ]; then printf '\\n'; fi
}
start=$(now); t0=$(date +%s.%N)
setsid /bin/sh "$f.sh" < "$f.in" > "$f.out" 2> "$f.err" &
p=$!
setsid /bin/sh -c 'sleep "$1"; kill -KILL -"$2" 2>/dev/null && : > "$3.timeout"' _ "$limit" "$p" "$f" </dev/null >/dev/null 2>&1 &
k=$!
wait "$p"; rc=$?
kill -KILL -"$k" 2>/dev/null
end=$(now); t1=$(date +%s.%N)
delta=$(awk -v a="$t0" -v b="$t1" 'BEGIN { d = b - a; if (d < 0) d = 0; s = int(d)
  printf "%d:%02d:%02d.%06d", s / 3600, (s / 60) % 60, s % 60, (d - s) * 1000000 }')
if [ -e "$f.timeout" ] && [ "$rc" -gt 128 ]; then
  printf '{"failed": true, "msg": "Timeout exceeded", "child_pid": %s, "ansible_job_id": "%s", "started": 1, "finished": 1}\n' "$p" "$j" > "$f.tmp"
else
  if [ "$rc" -eq 0 ]; then fl=false; msg=""; else fl=true; msg="non-zero return code"; fi
  {
    printf '{%s"ansible_job_id": "%s", "started": 1, "finished": 1, "rc": %s, "failed": %s, "msg": "%s", "start": "%s", "end": "%s", "delta": "%s", "stdout": "' \
      "$extra" "$j" "$rc" "$fl" "$msg" "$start" "$end" "$delta"
    esc "$f.out"
    printf '", "stderr": "'
    esc "$f.err"
    printf '"}\n'
  } > "$f.tmp"
fi
mv -f "$f.tmp" "$f"
rm -f "$f.in" "$f.sh" "$f.out" "$f.err" "$f.timeout"
)SH";

std::string random_digits(int n) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::string s;
  for (int i = 0; i < n; ++i) s += static_cast<char>('0' + rng() % 10);
  return s;
}

// Launch: saves stdin and the command, writes the "started" job file,
// starts the supervisor detached and prints the jid and the job file path.
// $_a_jid (the jid without the launching shell's pid), $_a_command,
// $_a_supervisor (kSupervisor), $_a_limit, $_a_extra.
constexpr const char* kLaunch = R"SH(umask 077; d=$_a_dir; mkdir -p "$d" || exit 1
j=$_a_jid.$$; f="$d/$j"
cat > "$f.in" || exit 1
printf '%s\n' "$_a_command" > "$f.sh" || exit 1
printf '{"started": 1, "finished": 0, "ansible_job_id": "%s"}\n' "$j" > "$f"
setsid /bin/sh -c "$_a_supervisor" drover-async "$f" "$j" "$_a_limit" "$_a_extra" </dev/null >/dev/null 2>&1 &
printf '%s\n%s\n' "$j" "$f"
)SH";

// $_a_dir: the async_dir, "~" expanded on the target (as async_wrapper's
// expanduser).
std::string assign_async_dir(const std::string& dir) {
  return shell_assign("_a_dir", dir) + R"SH(case $_a_dir in "~") _a_dir=$HOME ;; "~/"*) _a_dir=$HOME/${_a_dir#"~/"} ;; esac
)SH";
}

std::string launch_script(const std::string& command, const std::string& jid_base, int limit,
                          const std::string& extra, const std::string& dir) {
  return assign_async_dir(dir) + shell_assign("_a_jid", jid_base) + shell_assign("_a_command", command) +
         shell_assign("_a_supervisor", kSupervisor) + shell_assign("_a_limit", limit) +
         shell_assign("_a_extra", extra) + kLaunch;
}

// Reads (or with $_a_cleanup removes) the job file of jid $_a_jid: its path
// on the first line, then its content, or the missing marker.
constexpr const char* kReadJob = R"SH(f="$_a_dir/$_a_jid"; printf '%s\n' "$f"
[ -e "$f" ] || { printf '\036missing'; exit 0; }
if [ -n "$_a_cleanup" ]; then rm -f "$f" "$f".*; else cat "$f"; fi
)SH";

// The extra members as JSON text ("\"k\": v, " ...) for the job file.
std::string extra_members(const Value& extra) {
  std::string out;
  if (!extra.is_object()) return out;
  for (auto it = extra.begin(); it != extra.end(); ++it)
    out += Value(it.key()).dump() + ": " + it.value().dump() + ", ";
  return out;
}

}  // namespace

AsyncJobConnection::AsyncJobConnection(Connection& target, AsyncJobOptions options)
    : Connection(target.spec()), target_(target), options_(std::move(options)) {}

ExecResult AsyncJobConnection::exec(const std::string& command, const ExecOptions& opts) {
  ExecOptions launch;
  launch.become = opts.become;
  launch.timeout_s = opts.timeout_s;
  launch.stdin_data = opts.stdin_data;
  if (opts.stdin_source) {
    std::string chunk;
    while (opts.stdin_source(chunk)) {
      launch.stdin_data += chunk;
      chunk.clear();
    }
    launch.stdin_data += chunk;
  }
  std::string jid_base = "j" + random_digits(12);
  ExecResult started = target_.exec(
      launch_script(command, jid_base, options_.time_limit_s, extra_members(options_.extra), options_.async_dir), launch);
  std::vector<std::string> lines = split_lines(started.out);
  if (started.exit_status != 0 || lines.size() < 2)
    throw Error("could not start the async job: " + rstrip_newlines(started.err.empty() ? started.out : started.err));
  jid_ = lines[0];
  results_file_ = lines[1];
  if (options_.poll_s <= 0) throw AsyncJobStarted(jid_, results_file_);

  // Polled as Ansible's TaskExecutor does: sleep poll, read, until the
  // time limit is used up.
  Value status;
  int time_left = options_.time_limit_s;
  bool finished = false;
  while (time_left > 0) {
    if (!wait_unless_cancelled(options_.cancel, options_.poll_s))
      throw CancelledError("the run was cancelled while async job " + jid_ + " ran");
    status = read_async_job(target_, jid_, false, opts.become, options_.async_dir);
    if (status.value("finished", 0) == 1) {
      finished = true;
      break;
    }
    time_left -= options_.poll_s;
    if (options_.on_poll) options_.on_poll(status, options_.time_limit_s - time_left);
  }
  std::string late =
      "async task did not complete within the requested time - " + std::to_string(options_.time_limit_s) + "s";
  if (!finished || status.value("msg", "") == "Timeout exceeded") throw AsyncJobTimedOut(late);
  read_async_job(target_, jid_, true, opts.become, options_.async_dir);
  ExecResult res;
  res.exit_status = status.value("rc", -1);
  res.out = status.value("stdout", "");
  res.err = status.value("stderr", "");
  return res;
}

Value read_async_job(Connection& conn, const std::string& jid, bool cleanup, const BecomeSpec* become,
                     const std::string& async_dir) {
  if (jid.empty() || jid.find('/') != std::string::npos)
    return Value{{"failed", true}, {"msg", "could not find job"}, {"ansible_job_id", jid}, {"started", 1},
                 {"finished", 1}};
  const std::string script =
      assign_async_dir(async_dir) + shell_assign("_a_jid", jid) + shell_assign("_a_cleanup", cleanup) + kReadJob;
  ExecOptions opts;
  opts.become = become;
  ExecResult res = conn.exec(script, opts);
  if (res.exit_status != 0) throw Error("cannot read async job " + jid + ": " + rstrip_newlines(res.err));
  size_t nl = res.out.find('\n');
  std::string path = res.out.substr(0, nl);
  std::string body = nl == std::string::npos ? "" : res.out.substr(nl + 1);
  if (body == "\036missing")
    return Value{{"failed", true}, {"msg", "could not find job"}, {"ansible_job_id", jid}, {"started", 1},
                 {"finished", 1}};
  if (cleanup) return Value{{"ansible_job_id", jid}, {"erased", path}};
  Value data;
  try {
    data = Value::parse(body);
  } catch (const std::exception&) {
    // Not written completely yet: the job is running.
    return Value{{"results_file", path}, {"ansible_job_id", jid}, {"started", 1}, {"finished", 0}};
  }
  if (!data.is_object())
    return Value{{"failed", true}, {"msg", "Could not parse job output: " + body}, {"ansible_job_id", jid},
                 {"results_file", path}, {"started", 1}, {"finished", 1}};
  if (!data.contains("started")) {
    data["finished"] = 1;
    data["ansible_job_id"] = jid;
  } else if (!data.contains("finished")) {
    data["finished"] = 0;
  }
  data["results_file"] = path;
  return data;
}

std::string async_dir_setting(const Value* ansible_async_dir) {
  if (ansible_async_dir && ansible_async_dir->is_string() && !ansible_async_dir->get_ref<const ValueString&>().empty())
    return ansible_async_dir->get<std::string>();
  if (const char* env = std::getenv("ANSIBLE_ASYNC_DIR"); env && *env) return env;
  return kAsyncDir;
}

Value async_job_extra(const std::string& module, const Value& args) {
  Value extra = {{"changed", true}};
  if (!args.contains("_raw_params") || !args["_raw_params"].is_string()) return extra;
  const std::string& raw = args["_raw_params"].get_ref<const ValueString&>();
  if (module == "shell" || module == "raw") {
    extra["cmd"] = raw;
  } else if (module == "command") {
    try {
      extra["cmd"] = shlex_split(raw);
    } catch (const Error&) {
      extra["cmd"] = raw;
    }
  }
  return extra;
}

Value async_started_result(const AsyncJobStarted& started) {
  return Value{{"ansible_job_id", started.jid}, {"changed", true},          {"failed", 0},
               {"finished", 0},                  {"results_file", started.results_file}, {"started", 1}};
}

void add_async_job_fields(Value& result, const AsyncJobConnection& job) {
  result["ansible_job_id"] = job.jid();
  result["finished"] = 1;
  result["results_file"] = job.results_file();
  result["started"] = 1;
}

}  // namespace drover
