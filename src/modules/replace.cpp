// replace: every match of a regexp in a file replaced (ansible.builtin.replace,
// ansible-core 2.14): Python `re` (MULTILINE) through tmpl::Regex, optional
// after/before section (DOTALL), backup, validate, mode/owner/group. The
// file is read in one round trip and written, when it changes, in another
// (files::apply_text_edit).
#include "core/error.hpp"
#include "modules/registry.hpp"
#include "modules/file_write.hpp"
#include "template/regex.hpp"

namespace drover {
namespace {

class ReplaceModule : public Module {
 public:
  ReplaceModule() {
    spec_.options = {
        opt("path", OptionType::path).req().alias({"dest", "destfile", "name"}),
        opt("regexp").req(),
        opt("replace").def(""),
        opt("after"),
        opt("before"),
        opt("backup", OptionType::boolean).def(false),
        opt("validate"),
        opt("encoding").def("utf-8"),
        opt("mode", OptionType::octal_mode),
        opt("owner"),
        opt("group"),
        opt("unsafe_writes", OptionType::boolean).def(false),
        opt("attributes").alias({"attr"}),
        opt("others"),
        opt("seuser"), opt("serole"), opt("setype"), opt("selevel"),
    };
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    const std::string path = args["path"].get<std::string>();
    files::RemoteText file = files::read_remote_file(ctx, path);
    if (!file.failure.is_null()) return file.failure;
    if (file.exists && !file.regular) return Value{{"failed", true}, {"rc", 256}, {"msg", "Path " + path + " is a directory !"}};
    if (!file.exists) return Value{{"failed", true}, {"rc", 257}, {"msg", "Path " + path + " does not exist !"}};
    const std::string& contents = file.content;
    std::string after_s = args["after"].is_string() ? args["after"].get<std::string>() : "";
    std::string before_s = args["before"].is_string() ? args["before"].get<std::string>() : "";
    std::string pattern;
    if (!after_s.empty() && !before_s.empty()) pattern = after_s + "(?P<subsection>.*?)" + before_s;
    else if (!after_s.empty()) pattern = after_s + "(?P<subsection>.*)";
    else if (!before_s.empty()) pattern = "(?P<subsection>.*)" + before_s;

    Value r{{"rc", 0}};
    std::string result;
    size_t count = 0;
    try {
      size_t from = 0, to = contents.size();
      if (!pattern.empty()) {
        auto section_re = tmpl::Regex::compile(pattern, false, false, true);
        auto m = section_re->search(contents);
        if (!m) {
          r["msg"] = "Pattern for before/after params did not match the given file: " + pattern;
          r["changed"] = false;
          return r;
        }
        int g = section_re->group_index("subsection");
        from = m->groups[g].first;
        to = m->groups[g].second;
      }
      std::string section = contents.substr(from, to - from);
      auto re = tmpl::Regex::compile(args["regexp"].get<std::string>(), false, true);
      count = re->find_all(section).size();
      std::string replaced = re->sub(section, args["replace"].get<std::string>());
      if (count > 0 && replaced != section) result = contents.substr(0, from) + replaced + contents.substr(to);
      else count = 0;
    } catch (const Error& e) {
      return failed_result(e.message());
    }
    bool changed = count > 0;
    files::EditOutcome out = files::apply_text_edit(
        ctx, args, {path, changed ? result : contents, changed, changed ? std::to_string(count) + " replacements made" : ""});
    if (!out.failure.is_null()) return out.failure;
    r["changed"] = out.changed;
    r["msg"] = out.msg;
    if (!out.backup_file.empty()) r["backup_file"] = out.backup_file;
    if (ctx.diff_mode && changed)
      r["diff"] = Value{{"before_header", path}, {"before", contents}, {"after_header", path}, {"after", result}};
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration replace_registration({"replace"}, make_module<ReplaceModule>);

}  // namespace drover
