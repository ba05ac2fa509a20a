#include "server/automation/notification_message.hpp"

#include <ctime>

#include "core/error.hpp"
#include "server/automation/signatures.hpp"
#include "template/engine.hpp"

namespace drover::server {
namespace {

std::string str_of(const Value& v, const char* key) {
  return v.contains(key) && v[key].is_string() ? v[key].get<std::string>() : "";
}

Value text_body(const std::string& text) { return {{"msgtype", "text"}, {"text", {{"content", text}}}}; }

// Header values come from the config: no line breaks may smuggle more.
std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\r' || c == '\n') c = ' ';
  return s;
}

}  // namespace

std::string notice_text(const JobNotice& n) {
  std::string name = str_of(n.job, "template");
  if (name.empty()) name = str_of(n.job, "name");
  if (n.event == "needs_approval") {
    std::string text = "drover: workflow job " + std::to_string(n.job.value("id", int64_t{0})) + " (" + name +
                       ") needs approval at node " + str_of(n.job, "node");
    std::string message = str_of(n.job, "message");
    if (!message.empty()) text += ": " + message;
    std::string deadline = str_of(n.job, "deadline");
    if (!deadline.empty()) text += " (before " + deadline + ")";
    return text;
  }
  std::string text = std::string(n.job.contains("workflow_job_id") ? "drover: workflow job " : "drover: job ") +
                     std::to_string(n.job.value("id", int64_t{0})) + " (" + name + ") ";
  if (n.event == "started") return text + "started";
  text += n.event == "succeeded" ? "succeeded" : "failed (" + str_of(n.job, "state") + ")";
  if (n.job.contains("exit_code") && n.job["exit_code"].is_number_integer())
    text += ", exit code " + std::to_string(n.job["exit_code"].get<int64_t>());
  std::string error = str_of(n.job, "error");
  if (!error.empty()) text += ": " + error;
  return text;
}

OutgoingRequest notification_request(const std::string& kind, const std::string& url, const std::string& secret,
                                     const Value& config, const JobNotice& notice, SysSeconds now) {
  OutgoingRequest r;
  r.url = url;
  std::string text = notice_text(notice);
  long long seconds = now.time_since_epoch().count();
  if (kind == "dingtalk") {
    if (!secret.empty()) {
      std::string ms = std::to_string(seconds * 1000);
      std::string sign = to_base64(hmac_sha256(secret, ms + "\n" + secret));
      r.url += std::string(url.find('?') == std::string::npos ? "?" : "&") + "timestamp=" + ms + "&sign=" + url_encode(sign);
    }
    r.body = text_body(text).dump();
  } else if (kind == "wecom") {
    r.body = text_body(text).dump();
  } else if (kind == "feishu") {
    Value body = {{"msg_type", "text"}, {"content", {{"text", text}}}};
    if (!secret.empty()) {
      std::string ts = std::to_string(seconds);
      body["timestamp"] = ts;
      body["sign"] = to_base64(hmac_sha256(ts + "\n" + secret, ""));
    }
    r.body = body.dump();
  } else if (kind == "slack") {
    r.body = Value{{"text", text}}.dump();
  } else if (kind == "webhook") {
    Value vars = {{"event", notice.event}, {"job", notice.job}, {"text", text}};
    std::string source = str_of(config, "body");
    if (source.empty()) {
      r.body = vars.dump();
    } else {
      try {
        tmpl::Engine engine;
        tmpl::ValueVariables variables(vars);
        tmpl::RenderOptions options = tmpl::RenderOptions::template_module();
        options.name = "notification body";
        options.max_output = 1u << 20;
        r.body = engine.render_string(source, variables, options);
      } catch (const std::exception& e) {
        throw Error(std::string("the body template does not render: ") + e.what());
      }
    }
    std::string type = str_of(config, "content_type");
    if (!type.empty()) r.content_type = one_line(type);
    if (!secret.empty()) r.headers.push_back("X-Drover-Signature: sha256=" + to_hex(hmac_sha256(secret, r.body)));
  } else {
    throw Error("no HTTP request for notifications of kind " + kind);
  }
  return r;
}

std::string answer_problem(const std::string& kind, long status, const std::string& body) {
  if (status < 200 || status > 299) return "answered HTTP " + std::to_string(status);
  if (kind != "dingtalk" && kind != "wecom" && kind != "feishu") return "";
  Value v = Value::parse(body, nullptr, false);
  if (!v.is_object()) return "answered something that is not JSON";
  for (const char* key : {"errcode", "code", "StatusCode"})
    if (v.contains(key) && v[key].is_number_integer()) {
      if (v[key].get<int64_t>() == 0) return "";
      std::string msg = str_of(v, "errmsg");
      if (msg.empty()) msg = str_of(v, "msg");
      return std::string(key) + " " + std::to_string(v[key].get<int64_t>()) + (msg.empty() ? "" : ": " + msg);
    }
  return "the answer has no errcode";
}

std::string mail_message(const Value& config, const JobNotice& notice, SysSeconds now) {
  std::string to;
  if (config.contains("to"))
    for (const auto& t : config["to"]) to += (to.empty() ? "" : ", ") + one_line(t.get<std::string>());
  std::time_t t = now.time_since_epoch().count();
  char rfc5322[64];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(rfc5322, sizeof rfc5322, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  std::string text = notice_text(notice);
  return "Date: " + std::string(rfc5322) + "\r\nFrom: " + one_line(str_of(config, "from")) + "\r\nTo: " + to +
         "\r\nSubject: " + one_line(text) + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
         text + "\r\n\r\n" + notice.job.dump(2) + "\r\n";
}

}  // namespace drover::server
