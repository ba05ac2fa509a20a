#include "engine/error_context.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <vector>

namespace drover {
namespace {

const char* kUnquotedVariable =
    "We could be wrong, but this one looks like it might be an issue with\n"
    "missing quotes. Always quote template expression brackets when they\n"
    "start a value. For instance:\n\n"
    "    with_items:\n      - {{ foo }}\n\n"
    "Should be written as:\n\n"
    "    with_items:\n      - \"{{ foo }}\"\n";

const char* kDictError =
    "This one looks easy to fix. YAML thought it was looking for the start of a\n"
    "hash/dictionary and was confused to see a second \"{\". Most likely this was\n"
    "meant to be an ansible template evaluation instead, so we have to give the\n"
    "parser a small hint that we wanted a string instead. The solution here is to\n"
    "just quote the entire value.\n\n"
    "For instance, if the original line was:\n\n"
    "    app_path: {{ base_path }}/foo\n\n"
    "It should be written as:\n\n"
    "    app_path: \"{{ base_path }}/foo\"\n";

const char* kLeadingTab =
    "There appears to be a tab character at the start of the line.\n\n"
    "YAML does not use tabs for formatting. Tabs should be replaced with spaces.\n\n"
    "For example:\n"
    "    - name: update tooling\n      vars:\n        version: 1.2.3\n"
    "#    ^--- there is a tab there.\n\n"
    "Should be written as:\n"
    "    - name: update tooling\n      vars:\n        version: 1.2.3\n"
    "# ^--- all spaces here.\n";

const char* kShorthand =
    "There appears to be both 'k=v' shorthand syntax and YAML in this task. Only one syntax may be used.\n";

// Ansible names the file by its absolute path (the loader's path_dwim).
std::string position(const std::string& file, int line, int column) {
  std::error_code ec;
  std::string shown = file;
  if (!file.empty() && file[0] != '/') {
    auto abs = std::filesystem::weakly_canonical(std::filesystem::absolute(file, ec), ec);
    if (!ec) shown = abs.string();
  }
  return "The error appears to be in '" + shown + "': line " + std::to_string(line) + ", column " +
         std::to_string(column) + ", but may\nbe elsewhere in the file depending on the exact syntax problem.\n";
}

std::string rstrip(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n\f\v") == std::string::npos; }

}  // namespace

std::string ansible_error_context(const Location& where) {
  if (where.file.empty() || where.line <= 0) return "";
  std::string out = position(where.file, where.line, where.column);
  std::ifstream in(where.file);
  if (!in) return out + "\n(could not open file to display line)";
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  int n = where.line - 1;
  if (lines.empty()) return out + "\n(specified line no longer in file, maybe it changed?)";
  if (n >= static_cast<int>(lines.size())) n = static_cast<int>(lines.size()) - 1;
  while (n > 0 && blank(lines[n])) --n;
  std::string target = lines[n];
  std::string prev = n > 0 ? lines[n - 1] : "";
  static const std::regex kv(R"(\w+(\s+)?=(\s+)?[\w/-]+)");
  if (std::regex_search(prev, kv)) {
    size_t eq = rstrip(prev).find('=');
    out = position(where.file, where.line - 1, static_cast<int>(eq) + 1);
    out += "\nThe offending line appears to be:\n\n" + rstrip(prev) + "\n" + std::string(eq, ' ') + "^ here\n\n";
    out += kShorthand;
  } else {
    std::string arrow = std::string(where.column > 0 ? where.column - 1 : 0, ' ') + "^ here";
    out += "\nThe offending line appears to be:\n\n" + rstrip(prev) + "\n" + rstrip(target) + "\n" + arrow + "\n";
  }
  std::string stripped;
  for (char c : target)
    if (c != ' ') stripped += c;
  if (target.find('\t') != std::string::npos) out += kLeadingTab;
  bool braces = target.find("{{") != std::string::npos && target.find("}}") != std::string::npos;
  if (braces && (target.find("\"{{") == std::string::npos || target.find("'{{") == std::string::npos))
    out += kUnquotedVariable;
  else if (stripped.find(":{{") != std::string::npos && stripped.find("}}") != std::string::npos)
    out += kDictError;
  return out;
}

}  // namespace drover
