// stat: facts about a path on the target (ansible.builtin.stat,
// ansible-core 2.14) from one `stat -c` call plus test(1) for access: the
// `stat` dict with exists, type flags, mode and permission bits, ids and
// names, size, inode, dev, nlink, times, checksum (get_checksum with
// checksum_algorithm), lnk_source/lnk_target for links; with get_mime,
// mimetype and charset from file(1) ("unknown" without it, as Ansible),
// with get_attributes, version, attr_flags and attributes from lsattr(1)
// (null, "" and [] where it has none to give).
#include <map>

#include "core/strings.hpp"
#include "modules/registry.hpp"
#include "modules/file_attrs.hpp"
#include "modules/shell_script.hpp"

namespace drover {
namespace {

using files::q;

// file(1)'s "PATH: TYPE; charset=CHARSET", split as Ansible splits it.
void add_mime(Value& st, const std::string& out) {
  st["mimetype"] = st["charset"] = "unknown";
  size_t colon = out.rfind(':');
  if (colon == std::string::npos) return;
  auto parts = split(out.substr(colon + 1), ';');
  size_t eq = parts.size() == 2 ? parts[1].find('=') : std::string::npos;
  if (eq == std::string::npos) return;
  st["mimetype"] = trim(parts[0]);
  st["charset"] = trim(parts[1].substr(eq + 1));
}

// lsattr -vd's "VERSION FLAGS PATH" as Ansible's get_file_attributes reads it.
void add_attributes(Value& st, const std::string& out) {
  static const std::map<char, const char*> kNames = {
      {'A', "noatime"},  {'a', "append"},    {'c', "compressed"}, {'C', "nocow"},       {'d', "nodump"},
      {'D', "dirsync"},  {'e', "extents"},   {'E', "encrypted"},  {'h', "blocksize"},   {'i', "immutable"},
      {'I', "indexed"},  {'j', "journalled"}, {'N', "inline"},    {'s', "zero"},        {'S', "synchronous"},
      {'t', "notail"},   {'T', "blockroot"}, {'u', "undelete"},   {'X', "compressedraw"}, {'Z', "compresseddirty"}};
  st["version"] = Value();
  st["attributes"] = Value::array();
  st["attr_flags"] = "";
  std::vector<std::string> words;
  for (auto& w : split(trim(out), ' '))
    if (!w.empty()) words.push_back(w);
  if (words.size() < 2) return;
  std::string flags;
  for (char c : words[1])
    if (c != '-') flags += c;
  st["version"] = words[0];
  st["attr_flags"] = flags;
  for (char c : flags)
    if (auto it = kNames.find(c); it != kNames.end()) st["attributes"].push_back(it->second);
}

class StatModule : public Module {
 public:
  StatModule() {
    spec_.options = {
        opt("path", OptionType::path).req().alias({"dest", "name"}),
        opt("follow", OptionType::boolean).def(false),
        opt("get_checksum", OptionType::boolean).def(true),
        opt("checksum_algorithm").def("sha1").alias({"checksum", "checksum_algo"})
            .one_of({"md5", "sha1", "sha224", "sha256", "sha384", "sha512"}),
        opt("get_mime", OptionType::boolean).def(true).alias({"mime", "mime_type", "mime-type"}),
        opt("get_attributes", OptionType::boolean).def(true).alias({"attr", "attributes"}),
        opt("get_md5", OptionType::boolean).def(false),
    };
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    const std::string path = args["path"].get<std::string>();
    bool follow = args["follow"] == true;
    std::string algo = args["checksum_algorithm"].get<std::string>();
    std::string s = files::script_prelude(false);
    s += "p=" + q(path) + "\n";
    s += "st=$(stat " + std::string(follow ? "-L " : "") +
         "-c '" + files::kStatFormat + "' -- \"$p\" 2>/dev/null) || { _out exists ''; exit 0; }\n"
         "_out exists 1; _out stat \"$st\"\n"
         "a=; [ -r \"$p\" ] && a=r; [ -w \"$p\" ] && a=${a}w; [ -x \"$p\" ] && a=${a}x; _out access \"$a\"\n"
         "if [ -L \"$p\" ]; then _out lnk_target \"$(readlink -- \"$p\")\"; _out lnk_source \"$(readlink -f -- \"$p\")\"; fi\n";
    if (args["get_checksum"] == true)
      s += "if [ -f \"$p\" ] && [ -r \"$p\" ]; then c=$(" + algo + "sum < \"$p\") && _out checksum \"${c%% *}\"; fi\n";
    if (args["get_mime"] == true)
      s += "if command -v file >/dev/null 2>&1 && m=$(file --mime-type --mime-encoding -- \"$p\" 2>/dev/null); then _out mime \"$m\"; fi\n";
    if (args["get_attributes"] == true)
      s += "if command -v lsattr >/dev/null 2>&1 && l=$(lsattr -vd -- \"$p\" 2>/dev/null); then _out lsattr \"$l\"; fi\n";
    if (args["get_md5"] == true)
      s += "if [ -f \"$p\" ] && [ -r \"$p\" ]; then c=$(md5sum < \"$p\") && _out md5 \"${c%% *}\"; fi\n";
    ExecResult res = run_own_script(ctx, s);
    AnswerFields ans = parse_answer(res.out);
    if (res.exit_status != 0) return script_failure(ans, res);
    Value r{{"changed", false}};
    if (ans["exists"].empty()) {
      r["stat"] = Value{{"exists", false}};
      return r;
    }
    Value st = files::stat_dict(ans["stat"], path);
    if (st.is_null()) return failed_result("unexpected stat output: " + ans["stat"]);
    std::string access = ans["access"];
    st["exists"] = true;
    st["readable"] = access.find('r') != std::string::npos;
    st["writeable"] = access.find('w') != std::string::npos;
    st["executable"] = access.find('x') != std::string::npos;
    if (ans.count("lnk_target")) {
      st["lnk_source"] = ans["lnk_source"];
      st["lnk_target"] = ans["lnk_target"];
    }
    if (ans.count("checksum")) st["checksum"] = ans["checksum"];
    if (ans.count("md5")) st["md5"] = ans["md5"];
    if (args["get_mime"] == true) add_mime(st, ans["mime"]);
    if (args["get_attributes"] == true) add_attributes(st, ans["lsattr"]);
    r["stat"] = st;
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration stat_registration({"stat"}, make_module<StatModule>);

}  // namespace drover
