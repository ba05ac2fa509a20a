// blockinfile: a block of lines between marker lines (ansible.builtin.blockinfile,
// ansible-core 2.14): marker with {mark}, marker_begin/marker_end, block,
// insertafter / insertbefore (regex, BOF, EOF), create, backup, validate,
// state absent. The file is read in one round trip and written, when it
// changes, in another (files::apply_text_edit).
#include <algorithm>

#include "core/error.hpp"
#include "modules/registry.hpp"
#include "modules/file_write.hpp"
#include "modules/module_args.hpp"
#include "template/regex.hpp"

namespace drover {
namespace {

using Lines = std::vector<std::string>;

Lines splitlines_keepends(const std::string& text) {
  // bytes.splitlines(True): \n, \r\n and \r end lines.
  Lines out;
  size_t start = 0, i = 0;
  while (i < text.size()) {
    if (text[i] == '\n' || text[i] == '\r') {
      size_t end = i + 1;
      if (text[i] == '\r' && end < text.size() && text[end] == '\n') ++end;
      out.push_back(text.substr(start, end - start));
      start = i = end;
    } else {
      ++i;
    }
  }
  if (start < text.size()) out.push_back(text.substr(start));
  return out;
}

std::string replace_mark(std::string marker, const std::string& mark) {
  size_t p;
  while ((p = marker.find("{mark}")) != std::string::npos) marker.replace(p, 6, mark);
  return marker + "\n";
}

class BlockInFileModule : public Module {
 public:
  BlockInFileModule() {
    spec_.options = {
        opt("path", OptionType::path).req().alias({"dest", "destfile", "name"}),
        opt("state").def("present").one_of({"absent", "present"}),
        opt("marker").def("# {mark} ANSIBLE MANAGED BLOCK"),
        opt("block").def("").alias({"content"}),
        opt("insertafter"),
        opt("insertbefore"),
        opt("create", OptionType::boolean).def(false),
        opt("backup", OptionType::boolean).def(false),
        opt("marker_begin").def("BEGIN"),
        opt("marker_end").def("END"),
        opt("validate"),
        opt("others"),
    };
    files::add_common_options(spec_);
    spec_.mutually_exclusive = {{"insertbefore", "insertafter"}};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& validated, ModuleContext& ctx) const override {
    ModuleArgs args(validated);
    const std::string path = args.str("path");
    bool present = args.str("state") == "present";
    files::RemoteText file = files::read_remote_file(ctx, path);
    if (!file.failure.is_null()) return file.failure;
    if (file.exists && !file.regular) return Value{{"failed", true}, {"rc", 256}, {"msg", "Path " + path + " is a directory !"}};
    if (!file.exists && !args.flag("create"))
      return Value{{"failed", true}, {"rc", 257}, {"msg", "Path " + path + " does not exist !"}};
    if (!present && !file.exists) return Value{{"changed", false}, {"msg", "File " + path + " not present"}};

    Lines lines = splitlines_keepends(file.content);
    std::string insertafter = args.str("insertafter");
    std::string insertbefore = args.str("insertbefore");
    bool has_after = args.has("insertafter"), has_before = args.has("insertbefore");
    if (!has_after && !has_before) {
      insertafter = "EOF";
      has_after = true;
    }
    std::string marker = args.str("marker");
    std::string marker0 = replace_mark(marker, args.str("marker_begin"));
    std::string marker1 = replace_mark(marker, args.str("marker_end"));
    std::string block = args.str("block");
    Lines blocklines;
    if (present && !block.empty()) {
      if (block.back() != '\n') block += "\n";
      blocklines.push_back(marker0);
      for (auto& l : splitlines_keepends(block)) blocklines.push_back(l);
      blocklines.push_back(marker1);
    }
    long n0 = -1, n1 = -1;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i] == marker0) n0 = static_cast<long>(i);
      if (lines[i] == marker1) n1 = static_cast<long>(i);
    }
    try {
      if (n0 == -1 || n1 == -1) {
        std::shared_ptr<const tmpl::Regex> re;
        if (has_after && insertafter != "EOF") re = tmpl::Regex::compile(insertafter);
        else if (has_before && insertbefore != "BOF") re = tmpl::Regex::compile(insertbefore);
        n0 = -1;
        if (re && re->multiline()) {
          // A (?m) pattern is searched in the whole text (2.14): the block
          // goes after the line where the match ends, or before the one
          // where it starts.
          if (auto m = re->search(file.content)) {
            size_t at = static_cast<size_t>(has_after ? m->groups[0].second : m->groups[0].first);
            n0 = static_cast<long>(std::count(file.content.begin(), file.content.begin() + static_cast<long>(at), '\n'));
          }
          if (n0 == -1) n0 = static_cast<long>(lines.size());
          else if (has_after) n0 = std::min(n0 + 1, static_cast<long>(lines.size()));
        } else if (re) {
          for (size_t i = 0; i < lines.size(); ++i)
            if (re->search(lines[i])) n0 = static_cast<long>(i);
          if (n0 == -1) n0 = static_cast<long>(lines.size());
          else if (has_after) n0 += 1;
        } else if (has_before) {
          n0 = 0;
        } else {
          n0 = static_cast<long>(lines.size());
        }
      } else if (n0 < n1) {
        lines.erase(lines.begin() + n0, lines.begin() + n1 + 1);
      } else {
        lines.erase(lines.begin() + n1, lines.begin() + n0 + 1);
        n0 = n1;
      }
    } catch (const Error& e) {
      return failed_result(e.message());
    }
    if (n0 > 0 && lines[n0 - 1].back() != '\n') lines[n0 - 1] += "\n";
    lines.insert(lines.begin() + n0, blocklines.begin(), blocklines.end());
    std::string result;
    for (const auto& l : lines) result += l;

    std::string msg;
    bool changed = true;
    if (file.exists && file.content == result) {
      changed = false;
    } else if (!file.exists) {
      msg = "File created";
    } else if (blocklines.empty()) {
      msg = "Block removed";
    } else {
      msg = "Block inserted";
    }
    Value diff{{"before", file.content}, {"after", result}, {"before_header", path + " (content)"},
               {"after_header", path + " (content)"}};
    if (ctx.check_mode && !file.exists) {
      Value r{{"changed", changed}, {"msg", msg}};
      if (ctx.diff_mode) r["diff"] = diff;
      return r;
    }
    files::EditOutcome out = files::apply_text_edit(ctx, validated, {path, result, changed, msg});
    if (!out.failure.is_null()) return out.failure;
    Value r{{"changed", out.changed}, {"msg", out.msg}};
    if (!out.backup_file.empty()) r["backup_file"] = out.backup_file;
    if (ctx.diff_mode) r["diff"] = Value::array({diff, out.attr_diff});
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration blockinfile_registration({"blockinfile"}, make_module<BlockInFileModule>);

}  // namespace drover
