#include "output/adhoc_printer.hpp"

#include "core/pyjson.hpp"
#include "core/strings.hpp"
#include "output/color.hpp"

namespace drover {
namespace {

std::string str_field(const Value& r, const char* key) {
  if (!r.contains(key) || r[key].is_null()) return "";
  return to_display_string(r[key]);
}

std::string rc_field(const Value& r) { return r.contains("rc") && !r["rc"].is_null() ? to_display_string(r["rc"]) : "-1"; }

Color color_of(HostStatus s) {
  switch (s) {
    case HostStatus::ok: return Color::ok;
    case HostStatus::changed: return Color::changed;
    case HostStatus::failed: return Color::error;
    case HostStatus::unreachable: return Color::unreachable;
    case HostStatus::skipped: return Color::skip;
  }
  return Color::none;
}

std::string escape_newlines(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else out += c;
  }
  return out;
}

}  // namespace

AdhocPrinter::AdhocPrinter(AdhocFormat format, int verbosity, bool color, std::FILE* out, std::FILE* err)
    : format_(format), verbosity_(verbosity), color_(color), out_(out), err_(err) {}

std::string AdhocPrinter::minimal(const HostResult& r) const {
  JsonDumpOptions json;
  json.indent = 4;
  json.sort_keys = true;
  json.ensure_ascii = false;
  const char* state = r.status == HostStatus::changed ? "CHANGED" : "SUCCESS";
  switch (r.status) {
    case HostStatus::unreachable:
      return r.host + " | UNREACHABLE! => " + python_json_dumps(abridged_result(r.result, verbosity_), json);
    case HostStatus::skipped: return r.host + " | SKIPPED";
    case HostStatus::failed:
      if (r.prints_as_command && !r.result.contains("module_stderr"))
        return r.host + " | FAILED | rc=" + rc_field(r.result) + " >>\n" + str_field(r.result, "stdout") +
               str_field(r.result, "stderr") + str_field(r.result, "msg");
      return r.host + " | FAILED! => " + python_json_dumps(abridged_result(r.result, verbosity_), json);
    case HostStatus::ok:
    case HostStatus::changed:
      if (r.prints_as_command && !r.result.contains("ansible_job_id"))
        return r.host + " | " + state + " | rc=" + rc_field(r.result) + " >>\n" + str_field(r.result, "stdout") +
               str_field(r.result, "stderr") + str_field(r.result, "msg");
      return r.host + " | " + state + " => " + python_json_dumps(abridged_result(r.result, verbosity_), json);
  }
  return "";
}

std::string AdhocPrinter::oneline(const HostResult& r) const {
  JsonDumpOptions json;
  // CallbackBase._dump_results indents debug's results (and all at -vvv)
  // by 4 before oneline takes the line breaks out.
  bool verbose_always = r.result.is_object() && r.result.contains("_ansible_verbose_always") &&
                        truthy(r.result["_ansible_verbose_always"]);
  json.indent = verbose_always || verbosity_ > 2 ? 4 : 0;
  json.sort_keys = true;
  json.ensure_ascii = false;
  auto one_line_json = [&](const Value& v) {
    std::string s = python_json_dumps(abridged_result(v, verbosity_), json);
    std::string out;
    for (char c : s)
      if (c != '\n') out += c;
    return out;
  };
  auto command_line = [&](const char* caption) {
    std::string line = r.host + " | " + caption + " | rc=" + rc_field(r.result) + " | (stdout) " +
                       escape_newlines(str_field(r.result, "stdout"));
    std::string err = str_field(r.result, "stderr");
    if (!err.empty()) line += " (stderr) " + escape_newlines(err);
    return line;
  };
  switch (r.status) {
    case HostStatus::unreachable: return r.host + " | UNREACHABLE!: " + str_field(r.result, "msg");
    case HostStatus::skipped: return r.host + " | SKIPPED";
    case HostStatus::failed: {
      // Ansible's oneline callback prints failures as JSON, preceded by the
      // exception line (or the command's line) when there was an exception.
      std::string prefix;
      if (r.result.contains("exception")) {
        if (r.prints_as_command && !r.result.contains("module_stderr")) {
          prefix = command_line("FAILED") + "\n";
        } else {
          auto lines = split_lines(trim(str_field(r.result, "exception")));
          prefix = "An exception occurred during task execution. To see the full traceback, use -vvv. The error was: " +
                   (lines.empty() ? std::string() : lines.back()) + "\n";
        }
      }
      return prefix + r.host + " | FAILED! => " + one_line_json(r.result);
    }
    case HostStatus::ok:
    case HostStatus::changed: {
      const char* state = r.status == HostStatus::changed ? "CHANGED" : "SUCCESS";
      if (r.prints_as_command && !r.result.contains("ansible_job_id")) return command_line(state);
      return r.host + " | " + state + " => " + one_line_json(r.result);
    }
  }
  return "";
}

void AdhocPrinter::result(const HostResult& r) {
  std::string text;
  if (format_ == AdhocFormat::json_lines) {
    Value ev = {{"event", std::string("runner_on_") + (r.status == HostStatus::changed ? "ok" : host_status_name(r.status))},
                {"host", r.host},
                {"status", host_status_name(r.status)},
                {"module", r.module},
                {"result", abridged_result(r.result, 3)}};
    text = ev.dump(-1, ' ', false, Value::error_handler_t::replace);
  } else {
    text = colorize(format_ == AdhocFormat::oneline ? oneline(r) : minimal(r), color_of(r.status), color_);
  }
  std::lock_guard<std::mutex> lock(mu_);
  std::fputs(text.c_str(), out_);
  std::fputc('\n', out_);
  std::fflush(out_);
}

void AdhocPrinter::interrupted() {
  std::lock_guard<std::mutex> lock(mu_);
  if (format_ == AdhocFormat::json_lines) {
    std::fputs((Value{{"event", "interrupted"}}.dump() + "\n").c_str(), out_);
    return;
  }
  std::fputs((colorize("[ERROR]: User interrupted execution", Color::error, color_) + "\n").c_str(), err_);
}

void AdhocPrinter::warning(const std::string& text) {
  std::lock_guard<std::mutex> lock(mu_);
  if (format_ == AdhocFormat::json_lines) {
    Value ev = {{"event", "warning"}, {"msg", text}};
    std::fputs((ev.dump(-1, ' ', false, Value::error_handler_t::replace) + "\n").c_str(), out_);
    return;
  }
  std::fputs((colorize("[WARNING]: " + text, Color::warn, color_) + "\n").c_str(), err_);
}

void AdhocPrinter::finish(int ok, int changed, int failed, int unreachable, int skipped) {
  if (format_ != AdhocFormat::json_lines) return;
  Value ev = {{"event", "stats"},
              {"ok", ok},
              {"changed", changed},
              {"failures", failed},
              {"unreachable", unreachable},
              {"skipped", skipped}};
  std::lock_guard<std::mutex> lock(mu_);
  std::fputs((ev.dump() + "\n").c_str(), out_);
  std::fflush(out_);
}

}  // namespace drover
