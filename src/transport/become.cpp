#include "transport/become.hpp"

#include <random>

#include "core/strings.hpp"

namespace drover {

namespace {

std::string nonce() {
  static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::string s;
  for (int i = 0; i < 24; ++i) s += digits[rng() % 36];
  return s;
}

// su prints a localized "Password: " prompt on the terminal; like Ansible we
// accept any last line that mentions a password and ends with a colon.
bool looks_like_su_prompt(std::string_view line) {
  std::string l = to_lower(trim(line));
  return !l.empty() && l.back() == ':' &&
         (l.find("password") != std::string::npos || l.find("passwort") != std::string::npos ||
          l.find("mot de passe") != std::string::npos || l.find("contraseña") != std::string::npos);
}

}  // namespace

BecomePlan plan_become(const BecomeSpec* become, const std::string& command) {
  BecomePlan plan;
  if (!become) {
    plan.command = command;
    return plan;
  }
  const BecomeSpec& b = *become;
  bool with_password = !b.password.empty();
  std::string inner = command;
  if (with_password) {
    plan.dialog = true;
    std::string id = nonce();
    plan.marker = "DROVER-BECOME-SUCCESS-" + id;
    inner = "echo " + plan.marker + "; " + command;
    // su talks to a terminal: once it has let us in, stop the terminal from
    // echoing our stdin and from turning \n into \r\n in the output.
    if (b.method == "su") inner = "stty -echo -onlcr 2>/dev/null; " + inner;
    if (b.method == "sudo") plan.prompt = "[drover become " + id + "] password:";
  }
  if (b.method == "su") {
    std::string exe = b.exe.empty() ? "su" : b.exe;
    std::string flags = b.flags.empty() ? "" : b.flags + " ";
    plan.needs_pty = with_password;
    plan.command = exe + " " + flags + shell_quote(b.user) + " -c " +
                   shell_quote("/bin/sh -c " + shell_quote(inner));
    return plan;
  }
  // sudo (Ansible's default flags: -H -S -n). -n makes sudo fail at once when
  // it needs a password we do not have; with a password it must go.
  std::string exe = b.exe.empty() ? "sudo" : b.exe;
  std::vector<std::string> flags = split_whitespace(b.flags.empty() ? "-H -S -n" : b.flags);
  std::string cmd = exe;
  for (const auto& f : flags) {
    if (with_password && f == "-n") continue;
    cmd += " " + f;
  }
  if (with_password) cmd += " -p " + shell_quote(plan.prompt);
  cmd += " -u " + shell_quote(b.user) + " /bin/sh -c " + shell_quote(inner);
  plan.command = cmd;
  return plan;
}

BecomeDialog::BecomeDialog(const BecomePlan& plan, const std::string& password, std::string method)
    : plan_(plan),
      password_(password),
      method_(std::move(method)),
      state_(plan.dialog ? State::waiting : State::running) {}

void BecomeDialog::check_prompt(std::string& buffer) {
  bool seen = false;
  if (!plan_.prompt.empty()) {
    size_t at = buffer.find(plan_.prompt);
    if (at != std::string::npos) {
      buffer.erase(at, plan_.prompt.size());
      seen = true;
    }
  } else {
    size_t nl = buffer.find_last_of('\n');
    std::string_view last = std::string_view(buffer).substr(nl == std::string::npos ? 0 : nl + 1);
    if (looks_like_su_prompt(last)) {
      buffer.erase(nl == std::string::npos ? 0 : nl + 1);
      seen = true;
    }
  }
  if (!seen) return;
  if (++prompts_ == 1) {
    reply_pending_ = true;
  } else {
    // Asked again: the password was refused. Stop here rather than let the
    // program wait for input that will never come.
    state_ = State::failed;
    failure_ = "Incorrect " + method_ + " password";
  }
}

std::string BecomeDialog::on_stdout(std::string_view data) {
  if (state_ == State::running) return std::string(data);
  if (state_ == State::failed) return {};
  held_out_.append(data);
  size_t at = held_out_.find(plan_.marker);
  if (at != std::string::npos) {
    size_t eol = held_out_.find('\n', at);
    if (eol != std::string::npos) {
      state_ = State::running;
      std::string rest = held_out_.substr(eol + 1);
      // Before the marker only the become program spoke (a pty mixes its
      // prompt into stdout): that is not the command's output.
      held_out_.clear();
      return rest;
    }
  }
  if (plan_.needs_pty) check_prompt(held_out_);
  return {};
}

std::string BecomeDialog::on_stderr(std::string_view data) {
  if (state_ == State::running) return std::string(data);
  held_err_.append(data);
  if (state_ == State::waiting && !plan_.needs_pty) check_prompt(held_err_);
  return {};
}

std::string BecomeDialog::take_reply() {
  if (!reply_pending_) return {};
  reply_pending_ = false;
  return password_ + "\n";
}

std::string BecomeDialog::finish(std::string& out, std::string& err, int exit_status) {
  if (state_ != State::running) {
    // Whatever sudo/su said goes to the caller, minus the prompts.
    out.insert(0, held_out_);
    err.insert(0, held_err_);
    held_out_.clear();
    held_err_.clear();
    if (failure_.empty() && plan_.dialog)
      failure_ = (prompts_ > 0 ? "Incorrect " : "Failed to become the user with the ") + method_ +
                 " password";
  }
  // Belt and braces: a terminal may have echoed the password before su
  // turned echo off; it never reaches the caller.
  if (!password_.empty()) {
    for (std::string* s : {&out, &err})
      for (size_t at; (at = s->find(password_)) != std::string::npos;) s->replace(at, password_.size(), "********");
  }
  if (failure_.empty() && exit_status != 0 && method_ == "sudo" &&
      err.find("a password is required") != std::string::npos)
    failure_ = "Missing sudo password";
  // sudo says "Sorry, try again." between prompts; never keep a prompt.
  if (!plan_.prompt.empty()) {
    for (size_t at; (at = err.find(plan_.prompt)) != std::string::npos;)
      err.erase(at, plan_.prompt.size());
  }
  return failure_;
}

}  // namespace drover
