// What a username and a password must be: one rule for every way an
// account is made (POST/PATCH /api/v1/users and the first admin of
// `drover server`, DROVER_ADMIN_PASSWORD), so that the bootstrap cannot be
// weaker than the API.
//
// Usernames follow AWX's (Django's) rule, narrowed to ASCII: letters,
// digits and @ . + - _ only, 1..64 characters, after trimming surrounding
// blanks (so "admin " logs in as "admin" and nobody makes a look-alike
// "admin\u200b"). Passwords: at least 12 characters (NIST SP 800-63B asks
// for 8 chosen by users; 12 because these accounts run commands on fleets),
// at most 1024 bytes (argon2 cost), not the username, not one of the
// commonest passwords, and at least 5 different characters.
#pragma once

#include <optional>
#include <string>

namespace drover::server {

inline constexpr size_t kMinPasswordLength = 12;
inline constexpr size_t kMaxUsernameLength = 64;

// `name` without surrounding blanks (spaces, tabs, CR, LF).
std::string trim_username(const std::string& name);

// Why `name` (already trimmed) is not a valid username; nullopt when it is.
std::optional<std::string> username_problem(const std::string& name);

// Why `password` is too weak for `username`; nullopt when it is fine. The
// reason never contains the password.
std::optional<std::string> password_problem(const std::string& password,
                                            const std::string& username);

}  // namespace drover::server
