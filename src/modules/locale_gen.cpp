// locale_gen: a locale generated or removed (community.general.locale_gen
// as shipped in Debian 12's ansible 7). Debian: the locale must be listed
// (maybe commented out) in /etc/locale.gen; its line is uncommented or
// commented out there and locale-gen runs. Ubuntu (/var/lib/locales/
// supported.d exists): /usr/share/i18n/SUPPORTED lists what is available,
// `locale-gen NAME` adds, supported.d/local loses the line and `locale-gen
// --purge` runs to remove. Whether it is present comes from `locale -a`,
// with Ansible's normalisation of encodings (".utf8" is ".UTF-8"). The
// result: changed, and name and msg "OK" outside check mode.
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"
#include "template/regex.hpp"

namespace drover {
namespace {

constexpr const char* kReadBody = R"SH(
if [ -d /var/lib/locales/supported.d/ ]; then _out ubuntu 1; _out available "$(cat /usr/share/i18n/SUPPORTED)"
elif [ -e /etc/locale.gen ]; then _out available "$(cat /etc/locale.gen)"; _out gen "$(cat /etc/locale.gen; printf x)"
else _fail "/etc/locale.gen and /var/lib/locales/supported.d/local are missing. Is the package \"locales\" installed?"; fi
_out installed "$(locale -a 2>/dev/null)"
)SH";

// $gen: the new /etc/locale.gen (Debian), or $ubuntu_add / $local (Ubuntu).
constexpr const char* kApplyBody = R"SH(
if [ -n "$debian" ]; then
  printf '%s' "$gen" > /etc/locale.gen || _fail "cannot write /etc/locale.gen"
  locale-gen >/dev/null 2>&1
elif [ -n "$ubuntu_add" ]; then
  locale-gen "$name" >/dev/null 2>&1
else
  printf '%s' "$local" > /var/lib/locales/supported.d/local || _fail "cannot write /var/lib/locales/supported.d/local"
  locale-gen --purge >/dev/null 2>&1
fi
_rc=$?
[ "$_rc" = 0 ] || { _out exit "$_rc"; _fail "[Errno $_rc] locale.gen failed to execute, it returned $_rc"; }
)SH";

// Ansible's fix_case: encodings as locale.gen spells them.
std::string fix_case(std::string name) {
  static const std::vector<std::pair<std::string, std::string>> kNames = {
      {".utf8", ".UTF-8"},   {".eucjp", ".EUC-JP"},       {".iso885915", ".ISO-8859-15"}, {".cp1251", ".CP1251"},
      {".koi8r", ".KOI8-R"}, {".armscii8", ".ARMSCII-8"}, {".euckr", ".EUC-KR"},          {".gbk", ".GBK"},
      {".gb18030", ".GB18030"}, {".euctw", ".EUC-TW"}};
  for (const auto& [from, to] : kNames)
    for (size_t p = name.find(from); p != std::string::npos; p = name.find(from, p + to.size())) name.replace(p, from.size(), to);
  return name;
}

class LocaleGenModule : public Module {
 public:
  LocaleGenModule() {
    spec_.options = {
        opt("name").req(),
        opt("state").def("present").one_of({"absent", "present"}),
    };
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    const std::string name = to_display_string(args["name"]), state = args["state"].get<std::string>();
    ScriptAnswer read = run_answer_script(ctx, kReadBody);
    Value failure = script_failure(read);
    if (!failure.is_null()) return failure;
    const bool ubuntu = read.has("ubuntu");
    auto listed = tmpl::Regex::compile(ubuntu ? R"(^(?P<locale>\S+_\S+) (?P<charset>\S+)\s*$)"
                                              : R"(^#{0,1}\s*(?P<locale>\S+_\S+) (?P<charset>\S+)\s*$)");
    bool available = false;
    const std::string list = read.get("available");
    for (const auto& line : split_lines(list))
      if (auto m = listed->match(line); m && m->group(line, 1) == name) available = true;
    if (!available) return failed_result("The locale you've entered is not available on your system.");
    bool present = false;
    for (const auto& line : split_lines(read.get("installed"))) present = present || fix_case(name) == fix_case(line);
    const bool changed = present != (state == "present");
    if (ctx.check_mode) return Value{{"changed", changed}};
    if (changed) {
      std::string vars = shell_assign("name", name);
      if (!ubuntu) {
        // Ansible's set_locale: re.sub on every line, the name unescaped.
        auto re = tmpl::Regex::compile("#{0,1}\\s*" + name + " (?P<charset>.+)");
        const std::string repl = (state == "present" ? "" : "# ") + name + " \\g<charset>";
        std::string gen = read.get("gen"), out;
        gen.pop_back();
        for (const auto& line : split_lines_keep_ends(gen)) out += re->sub(line, repl);
        vars += shell_assign("debian", true) + shell_assign("gen", out);
      } else if (state == "present") {
        vars += shell_assign("ubuntu_add", true);
      } else {
        return failed_result("drover's locale_gen does not remove locales on Ubuntu yet");
      }
      ScriptAnswer apply = run_answer_script(ctx, vars + kApplyBody);
      if (apply.has("exit")) {
        Value r = failed_result(apply.get("failed"));
        r["exitValue"] = apply.get_int("exit");
        return r;
      }
      failure = script_failure(apply);
      if (!failure.is_null()) return failure;
    }
    return Value{{"name", name}, {"changed", changed}, {"msg", "OK"}};
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration locale_gen_registration({"locale_gen", "community.general.locale_gen"}, make_module<LocaleGenModule>);

}  // namespace drover
