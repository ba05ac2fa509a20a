// Regular expressions with Python `re` semantics for the regex_* filters
// and the match/search/regex tests, on top of PCRE2 (which already speaks
// most of Python's dialect: (?P<name>...), (?P=name), lookbehind, (?i),
// (?m), non-greedy, \d \w \s \b with Unicode). Differences are translated:
// Python's \Z is PCRE's \z, "{,n}" is "{0,n}", \uXXXX is \x{XXXX}.
// re.sub/findall iteration follows CPython 3.7+ (an empty match right
// after a non-empty one is allowed). Compiled patterns are cached.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace drover::tmpl {

struct RegexMatch {
  // Byte offsets of each group; -1 when the group did not take part.
  std::vector<std::pair<long, long>> groups;
  std::string group(std::string_view subject, size_t i) const;
  bool participated(size_t i) const { return i < groups.size() && groups[i].first >= 0; }
};

class Regex {
 public:
  // Throws TemplateError with Python-like wording on a bad pattern.
  static std::shared_ptr<const Regex> compile(const std::string& pattern, bool ignorecase = false,
                                              bool multiline = false, bool dotall = false);
  ~Regex();

  std::optional<RegexMatch> search(std::string_view s, size_t start = 0, bool anchored = false,
                                   bool not_empty_at_start = false) const;
  std::optional<RegexMatch> match(std::string_view s) const { return search(s, 0, true); }
  std::optional<RegexMatch> fullmatch(std::string_view s) const;
  // All non-overlapping matches, CPython-style.
  std::vector<RegexMatch> find_all(std::string_view s) const;
  // re.sub with a Python replacement template (\1, \g<1>, \g<name>, \n).
  std::string sub(std::string_view s, const std::string& repl, long count = 0) const;
  size_t group_count() const { return ngroups_; }
  // Python's `pattern.flags & re.MULTILINE`: asked for, or set by a leading
  // (?m) in the pattern.
  bool multiline() const { return multiline_; }
  // Number of the named group, or -1.
  int group_index(const std::string& name) const;
  // Expands a Python replacement template for one match.
  std::string expand(std::string_view s, const RegexMatch& m, const std::string& repl) const;

 private:
  Regex() = default;
  void* code_ = nullptr;  // pcre2_code*
  size_t ngroups_ = 0;
  bool multiline_ = false;
};

// Python's re.escape.
std::string regex_escape(std::string_view s);

}  // namespace drover::tmpl
