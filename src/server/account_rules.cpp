#include "server/account_rules.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <string_view>

namespace drover::server {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Passwords of 12+ characters that head the public breach lists (the
// SecLists "top 10k", those long enough to pass the length rule), and the
// words a first deployment tends to use; compared case-insensitively.
constexpr std::array<std::string_view, 24> kCommon = {
    "123456789012", "1234567890123", "12345678901234", "123123123123",     "qwertyuiopas",
    "qwerty123456", "password1234",  "password12345",  "passwordpassword", "password123!",
    "1q2w3e4r5t6y", "1qaz2wsx3edc",  "iloveyou1234",   "adminadmin123",    "administrator",
    "changeme1234", "letmein12345",  "welcome12345",   "trustno1trustno1", "qwertyqwerty",
    "abcdefghijkl", "abc123abc123",  "admin1234567",   "drover-admin"};

}  // namespace

std::string trim_username(const std::string& name) {
  const char* blanks = " \t\r\n";
  size_t first = name.find_first_not_of(blanks);
  if (first == std::string::npos) return "";
  size_t last = name.find_last_not_of(blanks);
  return name.substr(first, last - first + 1);
}

std::optional<std::string> username_problem(const std::string& name) {
  if (name.empty()) return "a username must not be empty";
  if (name.size() > kMaxUsernameLength)
    return "a username has at most " + std::to_string(kMaxUsernameLength) + " characters";
  for (char ch : name) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (!(std::isalnum(c) && c < 0x80) && ch != '@' && ch != '.' && ch != '+' && ch != '-' &&
        ch != '_')
      return "a username may contain only letters, digits and @ . + - _";
  }
  return std::nullopt;
}

std::optional<std::string> password_problem(const std::string& password,
                                            const std::string& username) {
  if (password.size() < kMinPasswordLength)
    return "a password needs at least " + std::to_string(kMinPasswordLength) + " characters";
  if (password.size() > 1024) return "a password has at most 1024 bytes";
  std::string folded = lower(password);
  if (!username.empty() && folded == lower(username)) return "a password must not be the username";
  if (std::find(kCommon.begin(), kCommon.end(), folded) != kCommon.end())
    return "this password is one of the most common ones";
  if (std::set<char>(password.begin(), password.end()).size() < 5)
    return "a password needs at least 5 different characters";
  return std::nullopt;
}

}  // namespace drover::server
