// What a notification sends, per kind, as the receiving service expects it
// (pure functions: tests check them without a network):
//
//   dingtalk  POST url&timestamp=MS&sign=URLENC(BASE64(HMAC-SHA256(secret,
//             MS + "\n" + secret))) (sign only with a secret), body
//             {"msgtype": "text", "text": {"content": ...}}; the answer's
//             errcode must be 0
//   wecom     POST url (the key is in it), the same body; errcode 0
//   feishu    POST url, {"timestamp": "S", "sign": BASE64(HMAC-SHA256(key
//             S + "\n" + secret, "")), "msg_type": "text", "content":
//             {"text": ...}}; the answer's code must be 0 (or StatusCode 0)
//   slack     POST url {"text": ...}; a 2xx answer
//   webhook   POST url with config.body rendered by drover's Jinja2 engine
//             (variables: event, job, text; default: the event as JSON),
//             config.content_type (application/json); with a secret,
//             X-Drover-Signature: sha256=HEX(HMAC-SHA256(secret, body)); 2xx
//   email     SMTP (smtp:// or smtps:// url) from config.from to config.to
//             (a list), username config.username and the secret as password
#pragma once

#include <string>
#include <vector>

#include "core/value.hpp"
#include "server/automation/clock.hpp"

namespace drover::server {

// A job's event, as a notification tells it.
struct JobNotice {
  std::string event;  // started succeeded failed needs_approval
  Value job;          // {id, name, state, template_id, template, exit_code, error, created, started, finished};
                      // needs_approval: {id (the workflow job), name, template, node, message, deadline}
                      // a workflow job's started/succeeded/failed: {id, workflow_job_id, name, template,
                      // state, created, finished, error (its message: the failed nodes)}
};

// One line for people: "drover: job 12 (deploy) failed, exit code 2".
std::string notice_text(const JobNotice& notice);

struct OutgoingRequest {
  std::string url;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::string> headers;  // "Name: value"
};

// Throws drover::Error for a config that cannot make a request (a
// template that does not render).
OutgoingRequest notification_request(const std::string& kind, const std::string& url, const std::string& secret,
                                     const Value& config, const JobNotice& notice, SysSeconds now);

// "" when the service's answer says it took the message, else why not.
std::string answer_problem(const std::string& kind, long status, const std::string& body);

// The RFC 5322 message an e-mail notification sends.
std::string mail_message(const Value& config, const JobNotice& notice, SysSeconds now);

}  // namespace drover::server
