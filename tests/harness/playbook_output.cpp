#include "harness/playbook_output.hpp"

#include <algorithm>
#include <regex>

#include "core/strings.hpp"

namespace drover::test {
namespace {

bool is_banner(const std::string& line) {
  for (const char* p : {"PLAY [", "PLAY RECAP", "TASK [", "RUNNING HANDLER [", "NO MORE HOSTS LEFT"})
    if (starts_with(line, p)) return true;
  return false;
}

// A line that belongs to the entry above it: JSON continuation of an
// indented result, the "...ignoring" that follows an ignored failure.
bool continues_entry(const std::string& line) {
  return !line.empty() && (line[0] == ' ' || line[0] == '}' || line[0] == ']' || line == "...ignoring");
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
}

}  // namespace

std::string normalise_playbook_output(const std::string& out, const OutputNormalisation& norm) {
  static const std::regex timing("\"(delta|start|end)\": \"[0-9:. -]+\"");
  static const std::regex job_id("(ASYNC (?:OK|FAILED|POLL) on [^:]+: jid=)[0-9A-Za-z._]+");
  static const std::regex unreachable("(UNREACHABLE! => \\{.*\"msg\": \")(?:[^\"\\\\]|\\\\.)*(\")");
  std::string s = std::regex_replace(out, timing, "\"$1\": \"T\"");
  s = std::regex_replace(s, job_id, "$1J");
  if (norm.unreachable_message) s = std::regex_replace(s, unreachable, "$1<ssh error>$2");
  for (const auto& [from, to] : norm.replace) replace_all(s, from, to);
  return s;
}

std::vector<std::string> playbook_sections(const std::string& out, const OutputNormalisation& norm) {
  std::vector<std::string> result;
  std::vector<std::string> entries;
  std::string banner;
  auto flush = [&] {
    std::sort(entries.begin(), entries.end());
    std::string section = banner;
    for (const auto& e : entries) section += "\n" + e;
    if (!section.empty()) result.push_back(section);
    entries.clear();
    banner.clear();
  };
  for (auto& line : split_lines(normalise_playbook_output(out, norm))) {
    if (is_banner(line)) {
      flush();
      banner = line;
    } else if (continues_entry(line) && !entries.empty()) {
      entries.back() += "\n" + line;
    } else if (!line.empty()) {
      entries.push_back(line);
    }
  }
  flush();
  return result;
}

}  // namespace drover::test
