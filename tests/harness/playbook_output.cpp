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
// indented result. "...ignoring" is an entry of its own: it follows the
// host's task result, which in a loop comes after the host's last item, and
// other hosts' items may come between (the recap's ignored= counts say
// which hosts were ignored).
bool continues_entry(const std::string& line) {
  return !line.empty() && (line[0] == ' ' || line[0] == '}' || line[0] == ']');
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
}

// "included: FILE for h1, h2 => (item=x)": the hosts come in the order
// their include results arrived, so they are sorted.
std::string sort_included_hosts(const std::string& line) {
  if (!starts_with(line, "included: ")) return line;
  size_t for_at = line.find(" for ");
  if (for_at == std::string::npos) return line;
  size_t start = for_at + 5;
  size_t end = line.find(" => ", start);
  if (end == std::string::npos) end = line.size();
  std::vector<std::string> hosts;
  std::string list = line.substr(start, end - start);
  for (size_t pos = 0;;) {
    size_t comma = list.find(", ", pos);
    hosts.push_back(list.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (comma == std::string::npos) break;
    pos = comma + 2;
  }
  std::sort(hosts.begin(), hosts.end());
  std::string joined;
  for (const auto& h : hosts) joined += (joined.empty() ? "" : ", ") + h;
  return line.substr(0, start) + joined + line.substr(end);
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
      entries.push_back(sort_included_hosts(line));
    }
  }
  flush();
  return result;
}

}  // namespace drover::test
