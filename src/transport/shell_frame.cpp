#include "transport/shell_frame.hpp"

#include <random>

#include "core/strings.hpp"

namespace drover {

bool fits_shell_frame(std::string_view command, std::string_view input) {
  return input.size() <= kShellFrameMaxInput && command.find('\0') == std::string_view::npos &&
         input.find('\0') == std::string_view::npos;
}

std::string shell_frame(std::string_view command, std::string_view input, const std::string& token) {
  // `__f() { CMD<newline>}`: the newline ends a trailing comment or here-doc
  // line of CMD. The function keeps dash from naming "eval" in its messages.
  std::string body = "( eval \"__f() { $__c\n}\"; __f )";
  std::string f = "__c=" + shell_quote(command) + "\n";
  if (input.empty()) {
    f += body + " </dev/null";
  } else {
    f += "__i=" + shell_quote(input) + "\n";
    f += "printf %s \"$__i\" | " + body;
  }
  f += "; echo \"" + token + ":$?\"; echo " + token + " >&2; __c= __i=\n";
  return f;
}

std::string random_shell_token() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string s = "drover";
  for (int i = 0; i < 32; ++i) s += digits[rng() % 62];
  return s;
}

std::string FrameEndScanner::feed(std::string_view data) {
  if (done_) return {};
  if (found_) {
    trailer_.append(data);
  } else {
    held_.append(data);
    size_t at = held_.find(marker_);
    if (at == std::string::npos) {
      // Keep what could be the token's beginning.
      size_t keep = std::min(held_.size(), marker_.size() - 1);
      std::string out = held_.substr(0, held_.size() - keep);
      held_.erase(0, held_.size() - keep);
      return out;
    }
    found_ = true;
    trailer_ = held_.substr(at + marker_.size());
    held_.resize(at);
  }
  size_t nl = trailer_.find('\n');
  if (nl == std::string::npos) return {};
  trailer_.resize(nl);
  done_ = true;
  return std::move(held_);
}

}  // namespace drover
