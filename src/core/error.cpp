#include "core/error.hpp"

#include "core/error_text.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <vector>

namespace drover {

std::string Location::str() const {
  std::string out = file.empty() ? std::string("<input>") : file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  return out;
}

std::string Location::ansible_path() const {
  if (file.empty()) return "";
  std::error_code ec;
  std::string abs = std::filesystem::absolute(file, ec).lexically_normal().string();
  return (ec ? file : abs) + ":" + std::to_string(line);
}

Error::Error(const std::string& message, Location where, std::string hint)
    : std::runtime_error(compose(message, where, hint)),
      message_(message),
      where_(std::move(where)),
      hint_(std::move(hint)) {}

std::string Error::compose(const std::string& message, const Location& where,
                           const std::string& hint) {
  std::string out;
  if (where.known()) out = where.str() + ": ";
  out += message;
  if (!hint.empty()) out += " (" + hint + ")";
  return out;
}

std::string ansible_error_text(const Error& e) {
  std::string out = "ERROR! " + e.message();
  if (!e.hint().empty()) out += " (" + e.hint() + ")";
  const Location& at = e.where();
  if (at.file.empty() || at.line <= 0) return out;
  out += "\n\nThe error appears to be in '" + at.file + "': line " + std::to_string(at.line) + ", column " +
         std::to_string(std::max(at.column, 1)) +
         ", but may\nbe elsewhere in the file depending on the exact syntax problem.\n";
  std::ifstream in(at.file);
  std::string line, prev, target;
  for (int n = 1; std::getline(in, line); ++n) {
    if (n == at.line - 1) prev = line;
    if (n == at.line) {
      target = line;
      break;
    }
  }
  auto rstrip = [](std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    return s;
  };
  if (!rstrip(target).empty())
    out += "\nThe offending line appears to be:\n\n" + rstrip(prev) + "\n" + rstrip(target) + "\n" +
           std::string(static_cast<size_t>(std::max(at.column, 1) - 1), ' ') + "^ here";
  return out;
}

namespace {
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = std::max<size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

}  // namespace drover
