// yum_repository: one repository section in a .repo file of yum/dnf
// (ansible.builtin.yum_repository, ansible-core 2.14): the file
// (reposdir/FILE.repo, FILE defaulting to the repo id) is read as Python's
// RawConfigParser reads it (keys in lower case, continuation lines, comments
// dropped), the section is replaced by the options given (sorted by name,
// booleans as 1/0, lists joined) or removed, and the whole file is written
// back in RawConfigParser's layout, or deleted when no section is left. The
// result: changed, repo, state and diff (the sorted dump before and after,
// always), plus the file attributes (mode, owner, group).
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"
#include "modules/file_write.hpp"

namespace drover {
namespace {

constexpr const char* kReadBody = R"SH(
[ -d "$dir" ] || _fail "Repo directory '$dir' does not exist."
[ -f "$dest" ] && _out content "$(cat -- "$dest"; printf x)"
exit 0
)SH";

const std::vector<std::string> kAllowed = {
    "async", "bandwidth", "baseurl", "cost", "deltarpm_metadata_percentage", "deltarpm_percentage", "enabled",
    "enablegroups", "exclude", "failovermethod", "gpgcakey", "gpgcheck", "gpgkey", "module_hotfixes",
    "http_caching", "include", "includepkgs", "ip_resolve", "keepalive", "keepcache", "metadata_expire",
    "metadata_expire_filter", "metalink", "mirrorlist", "mirrorlist_expire", "name", "password", "priority",
    "protect", "proxy", "proxy_password", "proxy_username", "repo_gpgcheck", "retries", "s3_enabled",
    "skip_if_unavailable", "sslcacert", "ssl_check_cert_permissions", "sslclientcert", "sslclientkey",
    "sslverify", "throttle", "timeout", "ui_repoid_vars", "username"};
const std::vector<std::string> kBooleans = {"async", "enabled", "enablegroups", "gpgcheck", "keepalive",
                                            "module_hotfixes", "protect", "repo_gpgcheck", "s3_enabled",
                                            "skip_if_unavailable", "ssl_check_cert_permissions", "sslverify"};

// Sections in file order, each with its options in order.
using Section = std::vector<std::pair<std::string, std::string>>;
using Ini = std::vector<std::pair<std::string, Section>>;

Ini::iterator find_section(Ini& ini, const std::string& name) {
  return std::find_if(ini.begin(), ini.end(), [&](const auto& s) { return s.first == name; });
}

// RawConfigParser.read(): "[section]", "key = value" or "key: value",
// indented continuation lines, full-line comments (# ;) and blank lines.
Ini parse_ini(const std::string& text) {
  Ini ini;
  std::string* value = nullptr;
  size_t indent = 0;
  for (const auto& raw : split_lines(text)) {
    std::string line = trim(raw);
    size_t cur_indent = raw.find_first_not_of(" \t");
    if (line.empty() || line[0] == '#' || line[0] == ';') {
      if (line.empty() && value) *value += "\n";  // empty lines may belong to a value
      continue;
    }
    if (value && cur_indent > indent) {
      *value += "\n" + line;
      continue;
    }
    value = nullptr;
    if (line.front() == '[' && line.find(']') != std::string::npos) {
      ini.push_back({line.substr(1, line.find(']') - 1), {}});
      continue;
    }
    if (ini.empty()) continue;  // Python fails (no section header); yum ignores it
    size_t d = line.find_first_of("=:");
    std::string key = to_lower(trim(line.substr(0, d)));
    std::string val = d == std::string::npos ? "" : trim(line.substr(d + 1));
    auto& opts = ini.back().second;
    opts.push_back({key, val});
    value = &opts.back().second;
    indent = cur_indent;
  }
  for (auto& [name, opts] : ini)
    for (auto& [k, v] : opts)
      while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.pop_back();
  return ini;
}

// YumRepo.dump(): sections and options sorted, "key = value".
std::string dump(Ini ini) {
  std::sort(ini.begin(), ini.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (auto& [name, opts] : ini) {
    std::sort(opts.begin(), opts.end());
    out += "[" + name + "]\n";
    for (const auto& [k, v] : opts) out += k + " = " + v + "\n";
    out += "\n";
  }
  return out;
}

// RawConfigParser.write(): file order, continuation lines indented by a tab.
std::string written(const Ini& ini) {
  std::string out;
  for (const auto& [name, opts] : ini) {
    out += "[" + name + "]\n";
    for (const auto& [k, v] : opts) {
      std::string value = v;
      for (size_t p = value.find('\n'); p != std::string::npos; p = value.find('\n', p + 2)) value.insert(p + 1, "\t");
      out += k + " = " + value + "\n";
    }
    out += "\n";
  }
  return out;
}

class YumRepositoryModule : public Module {
 public:
  YumRepositoryModule() {
    for (const auto& k : kAllowed) {
      if (k == "name") continue;
      OptionSpec o = opt(k, std::find(kBooleans.begin(), kBooleans.end(), k) != kBooleans.end()
                                ? OptionType::boolean : OptionType::str);
      if (k == "baseurl" || k == "gpgkey" || k == "exclude" || k == "includepkgs") o = opt(k, OptionType::list).of(OptionType::str);
      if (k == "password" || k == "proxy_password") o.secret();
      if (k == "sslcacert") o.alias({"ca_cert"});
      if (k == "sslclientcert") o.alias({"client_cert"});
      if (k == "sslclientkey") o.alias({"client_key"});
      if (k == "sslverify") o.alias({"validate_certs"});
      if (k == "failovermethod") o.one_of({"roundrobin", "priority"});
      if (k == "http_caching") o.one_of({"all", "packages", "none"});
      if (k == "ip_resolve") o.one_of({"4", "6", "IPv4", "IPv6", "whatever"});
      if (k == "keepcache") o.one_of({"0", "1"});
      if (k == "metadata_expire_filter") o.one_of({"never", "read-only:past", "read-only:present", "read-only:future"});
      spec_.options.push_back(o);
    }
    for (auto o : {opt("name").req(), opt("description"), opt("file"), opt("params", OptionType::dict),
                   opt("reposdir", OptionType::path).def("/etc/yum.repos.d"),
                   opt("state").def("present").one_of({"present", "absent"}), opt("mode", OptionType::octal_mode),
                   opt("owner"), opt("group"), opt("unsafe_writes", OptionType::boolean).def(false),
                   opt("attributes").alias({"attr"}), opt("seuser"), opt("serole"), opt("setype"), opt("selevel")})
      spec_.options.push_back(o);
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    if (args["params"].is_object() && !args["params"].empty())
      return failed_result("The params option to yum_repository was removed in Ansible 2.5 since it circumvents "
                           "Ansible's option handling");
    const std::string repoid = to_display_string(args["name"]), state = args["state"].get<std::string>();
    if (state == "present" && args["baseurl"].is_null() && args["metalink"].is_null() && args["mirrorlist"].is_null())
      return failed_result("Parameter 'baseurl', 'metalink' or 'mirrorlist' is required.");
    if (state == "present" && args["description"].is_null()) return failed_result("Parameter 'description' is required.");
    const std::string dir = args["reposdir"].get<std::string>();
    const std::string dest = dir + "/" + (args["file"].is_null() ? repoid : to_display_string(args["file"])) + ".repo";
    ScriptAnswer read = run_answer_script(ctx, shell_assign("dir", dir) + shell_assign("dest", dest) + kReadBody);
    Value failure = script_failure(read);
    if (!failure.is_null()) return failure;
    std::string content = read.get("content");
    if (!content.empty()) content.pop_back();
    Ini ini = parse_ini(content);
    const std::string before = dump(ini);

    if (auto it = find_section(ini, repoid); it != ini.end()) ini.erase(it);
    if (state == "present") {
      Section opts;
      std::vector<std::string> keys = kAllowed;
      std::sort(keys.begin(), keys.end());  // Ansible sets them in sorted order
      for (const auto& k : keys) {
        const Value& v = k == "name" ? args["description"] : args[k];
        if (v.is_null()) continue;
        std::string text = v.is_boolean()  ? (v.get<bool>() ? "1" : "0")
                           : v.is_array() ? join(string_list(v), k == "baseurl" || k == "gpgkey" ? "\n" : " ")
                                          : to_display_string(v);
        opts.push_back({k, text});
      }
      ini.push_back({repoid, opts});
    }
    const std::string after = dump(ini);
    bool changed = before != after;
    if (!ctx.check_mode && changed && ini.empty()) {
      ScriptAnswer rm = run_answer_script(
          ctx, shell_assign("dest", dest) + "rm -f -- \"$dest\" || _fail \"Cannot remove empty repo file $dest.\"\n");
      failure = script_failure(rm);
      if (!failure.is_null()) return failure;
    } else if (!ctx.check_mode && (changed || read.has("content"))) {
      files::EditOutcome out = files::apply_text_edit(ctx, args, {dest, written(ini), changed, ""});
      if (!out.failure.is_null()) return out.failure;
      changed = out.changed;
    }
    return Value{{"changed", changed},
                 {"repo", repoid},
                 {"state", state},
                 {"diff", {{"before_header", dest}, {"before", before}, {"after_header", dest}, {"after", after}}}};
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration yum_repository_registration({"yum_repository"}, make_module<YumRepositoryModule>);

}  // namespace drover
