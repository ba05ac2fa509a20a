#include "output/diff_text.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

#include "core/pyjson.hpp"
#include "output/color.hpp"

namespace drover {
namespace {

struct Opcode {
  char tag;  // 'e'qual, 'r'eplace, 'd'elete, 'i'nsert
  size_t i1, i2, j1, j2;
};

// difflib.SequenceMatcher(None, a, b): no junk function, autojunk on.
class SequenceMatcher {
 public:
  SequenceMatcher(const std::vector<std::string>& a, const std::vector<std::string>& b) : a_(a), b_(b) {
    for (size_t j = 0; j < b_.size(); ++j) b2j_[b_[j]].push_back(j);
    // autojunk: in sequences of 200+ lines, lines that occur in more than
    // 1% (+1) of b are "popular" and never start a match.
    if (b_.size() >= 200) {
      size_t ntest = b_.size() / 100 + 1;
      for (auto it = b2j_.begin(); it != b2j_.end();)
        it = it->second.size() > ntest ? b2j_.erase(it) : std::next(it);
    }
  }

  std::vector<Opcode> opcodes() const {
    size_t i = 0, j = 0;
    std::vector<Opcode> out;
    for (auto [ai, bj, size] : matching_blocks()) {
      char tag = 0;
      if (i < ai && j < bj) tag = 'r';
      else if (i < ai) tag = 'd';
      else if (j < bj) tag = 'i';
      if (tag) out.push_back({tag, i, ai, j, bj});
      i = ai + size;
      j = bj + size;
      if (size) out.push_back({'e', ai, i, bj, j});
    }
    return out;
  }

 private:
  using Match = std::tuple<size_t, size_t, size_t>;

  Match longest_match(size_t alo, size_t ahi, size_t blo, size_t bhi) const {
    size_t besti = alo, bestj = blo, bestsize = 0;
    std::unordered_map<size_t, size_t> j2len;
    for (size_t i = alo; i < ahi; ++i) {
      std::unordered_map<size_t, size_t> newj2len;
      auto found = b2j_.find(a_[i]);
      if (found != b2j_.end()) {
        for (size_t j : found->second) {
          if (j < blo) continue;
          if (j >= bhi) break;
          size_t prev = 0;
          if (j > 0) {
            auto p = j2len.find(j - 1);
            if (p != j2len.end()) prev = p->second;
          }
          size_t k = newj2len[j] = prev + 1;
          if (k > bestsize) {
            besti = i - k + 1;
            bestj = j - k + 1;
            bestsize = k;
          }
        }
      }
      j2len.swap(newj2len);
    }
    // Popular lines are not junk: the match grows over equal ones.
    while (besti > alo && bestj > blo && a_[besti - 1] == b_[bestj - 1]) {
      --besti;
      --bestj;
      ++bestsize;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && a_[besti + bestsize] == b_[bestj + bestsize]) ++bestsize;
    return {besti, bestj, bestsize};
  }

  std::vector<Match> matching_blocks() const {
    std::vector<std::tuple<size_t, size_t, size_t, size_t>> queue{{0, a_.size(), 0, b_.size()}};
    std::vector<Match> blocks;
    while (!queue.empty()) {
      auto [alo, ahi, blo, bhi] = queue.back();
      queue.pop_back();
      auto m = longest_match(alo, ahi, blo, bhi);
      auto [i, j, k] = m;
      if (k) {
        blocks.push_back(m);
        if (alo < i && blo < j) queue.emplace_back(alo, i, blo, j);
        if (i + k < ahi && j + k < bhi) queue.emplace_back(i + k, ahi, j + k, bhi);
      }
    }
    std::sort(blocks.begin(), blocks.end());
    std::vector<Match> merged;
    size_t i1 = 0, j1 = 0, k1 = 0;
    for (auto [i2, j2, k2] : blocks) {
      if (i1 + k1 == i2 && j1 + k1 == j2) {
        k1 += k2;
      } else {
        if (k1) merged.emplace_back(i1, j1, k1);
        i1 = i2;
        j1 = j2;
        k1 = k2;
      }
    }
    if (k1) merged.emplace_back(i1, j1, k1);
    merged.emplace_back(a_.size(), b_.size(), 0);
    return merged;
  }

  const std::vector<std::string>& a_;
  const std::vector<std::string>& b_;
  std::map<std::string, std::vector<size_t>> b2j_;
};

std::vector<std::vector<Opcode>> grouped_opcodes(std::vector<Opcode> codes, size_t n) {
  if (codes.empty()) codes.push_back({'e', 0, 1, 0, 1});
  if (codes.front().tag == 'e') {
    Opcode& c = codes.front();
    c.i1 = std::max(c.i1, c.i2 > n ? c.i2 - n : 0);
    c.j1 = std::max(c.j1, c.j2 > n ? c.j2 - n : 0);
  }
  if (codes.back().tag == 'e') {
    Opcode& c = codes.back();
    c.i2 = std::min(c.i2, c.i1 + n);
    c.j2 = std::min(c.j2, c.j1 + n);
  }
  std::vector<std::vector<Opcode>> groups;
  std::vector<Opcode> group;
  for (Opcode c : codes) {
    if (c.tag == 'e' && c.i2 - c.i1 > 2 * n) {
      group.push_back({'e', c.i1, std::min(c.i2, c.i1 + n), c.j1, std::min(c.j2, c.j1 + n)});
      groups.push_back(std::move(group));
      group.clear();
      c.i1 = std::max(c.i1, c.i2 - n);
      c.j1 = std::max(c.j1, c.j2 - n);
    }
    group.push_back(c);
  }
  if (!group.empty() && !(group.size() == 1 && group[0].tag == 'e')) groups.push_back(std::move(group));
  return groups;
}

std::string unified_range(size_t start, size_t stop) {
  size_t beginning = start + 1;
  size_t length = stop - start;
  if (length == 1) return std::to_string(beginning);
  if (length == 0) beginning -= 1;
  return std::to_string(beginning) + "," + std::to_string(length);
}

std::string text_of(const Value& v) {
  if (v.is_null()) return "";
  if (v.is_object()) {
    // _serialize_diff: json.dumps(sort_keys=True, indent=4, separators=(',', ': ')) + '\n'
    JsonDumpOptions opts;
    opts.indent = 4;
    opts.sort_keys = true;
    opts.item_separator = ",";
    return python_json_dumps(v, opts) + "\n";
  }
  if (v.is_string()) return v.get<std::string>();
  return to_display_string(v);
}

std::string no_newline_marked(std::vector<std::string>& lines) {
  if (!lines.empty() && (lines.back().empty() || lines.back().back() != '\n'))
    lines.back() += "\n\\ No newline at end of file\n";
  return {};
}

}  // namespace

std::vector<std::string> split_lines_keepends(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool brk = c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == '\x1c' || c == '\x1d' || c == '\x1e';
    if (!brk) continue;
    if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
    out.push_back(s.substr(start, i + 1 - start));
    start = i + 1;
  }
  if (start < s.size()) out.push_back(s.substr(start));
  return out;
}

std::vector<std::string> unified_diff(const std::vector<std::string>& a, const std::vector<std::string>& b,
                                      const std::string& fromfile, const std::string& tofile, int context) {
  std::vector<std::string> out;
  SequenceMatcher sm(a, b);
  auto groups = grouped_opcodes(sm.opcodes(), static_cast<size_t>(context < 0 ? 0 : context));
  for (const auto& group : groups) {
    if (out.empty()) {
      out.push_back("--- " + fromfile + "\n");
      out.push_back("+++ " + tofile + "\n");
    }
    out.push_back("@@ -" + unified_range(group.front().i1, group.back().i2) + " +" +
                  unified_range(group.front().j1, group.back().j2) + " @@\n");
    for (const Opcode& c : group) {
      if (c.tag == 'e') {
        for (size_t i = c.i1; i < c.i2; ++i) out.push_back(" " + a[i]);
        continue;
      }
      if (c.tag == 'r' || c.tag == 'd')
        for (size_t i = c.i1; i < c.i2; ++i) out.push_back("-" + a[i]);
      if (c.tag == 'r' || c.tag == 'i')
        for (size_t j = c.j1; j < c.j2; ++j) out.push_back("+" + b[j]);
    }
  }
  return out;
}

std::string render_diff(const Value& diff, bool color, int context) {
  std::string out;
  Value list = diff.is_array() ? diff : Value::array({diff});
  for (const Value& d : list) {
    if (!d.is_object()) continue;
    if (d.contains("dst_binary")) out += "diff skipped: destination file appears to be binary\n";
    if (d.contains("src_binary")) out += "diff skipped: source file appears to be binary\n";
    if (d.contains("dst_larger"))
      out += "diff skipped: destination file size is greater than " + to_display_string(d["dst_larger"]) + "\n";
    if (d.contains("src_larger"))
      out += "diff skipped: source file size is greater than " + to_display_string(d["src_larger"]) + "\n";
    if (d.contains("before") && d.contains("after")) {
      std::string before_header = d.contains("before_header") ? "before: " + text_of(d["before_header"]) : "before";
      std::string after_header = d.contains("after_header") ? "after: " + text_of(d["after_header"]) : "after";
      auto before = split_lines_keepends(text_of(d["before"]));
      auto after = split_lines_keepends(text_of(d["after"]));
      no_newline_marked(before);
      no_newline_marked(after);
      auto lines = unified_diff(before, after, before_header, after_header, context);
      for (const std::string& line : lines) {
        Color c = Color::none;
        if (line.rfind("+", 0) == 0) c = Color::ok;
        else if (line.rfind("-", 0) == 0) c = Color::error;
        else if (line.rfind("@@", 0) == 0) c = Color::skip;
        out += colorize(line, c, color);
      }
      if (!lines.empty()) out += "\n";
    }
    if (d.contains("prepared")) out += text_of(d["prepared"]);
  }
  return out;
}

}  // namespace drover
