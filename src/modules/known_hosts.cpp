// known_hosts: one host's key in an ssh known_hosts file
// (ansible.builtin.known_hosts, ansible-core 2.14 semantics): add, replace a
// key of the same type, remove one key or (without key) every key of the
// host; hashed host names (hash_host, and hashed entries already in the
// file); check and diff. `ssh-keygen -F` on the target finds the host's
// lines (it knows hashed names and [host]:port), `ssh-keygen -H` hashes.
//
// One round trip reads the file and ssh-keygen's findings; the new text is
// computed here and written by a second one only when something changes.
#include <regex>

#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"

namespace drover {
namespace {

constexpr const char* kReadBody = R"SH(
case "$p" in "~") p=$HOME ;; "~/"*) p="$HOME/${p#\~/}" ;; esac
_out path "$p"
if [ -n "$key" ]; then
  _t=$(mktemp) || _fail "cannot make a temporary file"
  printf '%s' "$key" > "$_t"
  if [ -n "$hash" ]; then ssh-keygen -H -f "$_t" >/dev/null 2>&1; rm -f "$_t.old"; _out hashed "$(cat "$_t")"; fi
  _run ssh-keygen -F "$host" -f "$_t"; [ -n "$_rout" ] || _out nomatch 1
  rm -f "$_t"
fi
if [ -e "$p" ]; then
  _out content "$(cat "$p"; printf x)"
  _run ssh-keygen -F "$host" -f "$p"; _out frc "$_rrc"; _out fout "$_rout"; _out ferr "$_rerr"
fi
_out st "$(_dr_stl "$p")"
)SH";

constexpr const char* kWriteBody = R"SH(
if [ -n "$remove_all" ]; then
  _run ssh-keygen -R "$host" -f "$p" || _fail "$_rerr"
  _out st "$(_dr_stl "$p")"
  exit 0
fi
_t=$(mktemp "$(dirname "$p")/.known_hosts.XXXXXX" 2>/dev/null) || _fail "Failed to write to file $p: no such directory"
if [ -e "$p" ]; then cp -p "$p" "$_t" 2>/dev/null; else chmod 0644 "$_t"; fi
printf '%s' "$new" > "$_t" && mv -f "$_t" "$p" || { rm -f "$_t"; _fail "Failed to write to file $p"; }
_out st "$(_dr_stl "$p")"
)SH";

struct HostKey {
  std::string options, host, type, key;
  bool operator==(const HostKey&) const = default;
};

HostKey normalize(const std::string& line) {
  auto k = split_whitespace(line);
  HostKey d;
  size_t i = 0;
  if (!k.empty() && !k[0].empty() && k[0][0] == '@') d.options = k[i++];
  if (i < k.size()) d.host = k[i];
  if (i + 1 < k.size()) d.type = k[i + 1];
  if (i + 2 < k.size()) d.key = k[i + 2];
  return d;
}

class KnownHostsModule : public Module {
 public:
  KnownHostsModule() {
    spec_.options = {
        opt("name").req().alias({"host"}),
        opt("key"),
        opt("path").def("~/.ssh/known_hosts"),
        opt("hash_host", OptionType::boolean).def(false),
        opt("state").def("present").one_of({"absent", "present"}),
    };
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    const std::string host = to_lower(to_display_string(args["name"]));
    std::string key = args["key"].is_null() ? "" : args["key"].get<std::string>();
    const bool present = args["state"] == "present";
    if (key.empty() && present) return failed_result("No key specified when adding a host");
    if (!key.empty()) {
      if (std::regex_search(host, comma_list()))
        return failed_result("Comma separated list of names is not supported. Please pass a single name to "
                             "lookup in the known_hosts file.");
      if (key.back() != '\n') key += '\n';
    }
    std::string vars = shell_assign("p", args["path"]) + shell_assign("host", host) + shell_assign("key", key) +
                       shell_assign("hash", args["hash_host"]);
    ScriptAnswer read = run_answer_script(ctx, vars + kReadBody);
    Value failure = script_failure(read);
    if (!failure.is_null()) return failure;
    if (read.has("hashed")) key = read.get("hashed") + "\n";
    if (!key.empty() && read.has("nomatch"))
      return failed_result("Host parameter does not match hashed host field in supplied key");
    const std::string path = read.get("path");
    const bool exists = read.has("content");
    std::string content = exists ? read.get("content") : "";
    if (!content.empty() && content.back() == 'x') content.pop_back();

    // search_for_host_key
    bool found = false, replace_or_add = false;
    long found_line = 0;  // 0: none
    if (exists) {
      long rc = read.get_int("frc");
      std::string out = read.get("fout"), err = read.get("ferr");
      if (!(out.empty() && err.empty() && (rc == 0 || rc == 1))) {
        if (rc != 0)
          return failed_result("ssh-keygen failed (rc=" + std::to_string(rc) + ", stdout='" + out + "',stderr='" +
                               err + "')");
        found = true;
        if (!key.empty()) {
          replace_or_add = true;
          HostKey wanted = normalize(key);
          long line_no = 0;
          for (const auto& l : split_lines(out)) {
            if (l.empty()) continue;
            if (l[0] == '#') {
              auto p = l.find("found: line ");
              if (p != std::string::npos) line_no = std::atol(l.c_str() + p + 12);
              continue;
            }
            HostKey have = normalize(l);
            if (wanted.host.rfind("|1|", 0) == 0 && have.host.rfind("|1|", 0) == 0) wanted.host = have.host;
            if (wanted == have) {
              replace_or_add = false;
              found_line = line_no;
              break;
            }
            if (wanted.type == have.type) {
              found_line = line_no;
              break;
            }
          }
        }
      }
    }

    // compute_diff
    auto lines = split_lines_keep_ends(content);
    if ((replace_or_add || !present) && found_line >= 1 && found_line <= static_cast<long>(lines.size()))
      lines.erase(lines.begin() + (found_line - 1));
    if (present && (replace_or_add || found_line == 0)) lines.push_back(key);
    std::string after = join(lines, "");
    Value diff = {{"before_header", exists ? path : "/dev/null"}, {"after_header", path}, {"before", content},
                  {"after", after}};

    Value r = Value::object();
    for (const char* k : {"name", "key", "hash_host", "state"}) r[k] = args[k];
    r["path"] = path;
    r["diff"] = diff;
    if (!present && found_line == 0 && !key.empty()) {
      r["changed"] = false;
      add_path_info(r, read.get("st"));
      return r;
    }
    if (ctx.check_mode) return Value{{"changed", replace_or_add || present != found}, {"diff", diff}};
    bool changed = false;
    std::string written;  // the file's stat line after a write
    if (found && key.empty() && !present) {
      ScriptAnswer w = run_answer_script(ctx, vars + shell_assign("p", path) + shell_assign("remove_all", true) +
                                                  kWriteBody);
      Value f = script_failure(w);
      if (!f.is_null()) return f;
      written = w.get("st");
      changed = true;
    } else if (replace_or_add || found != present) {
      ScriptAnswer w = run_answer_script(ctx, vars + shell_assign("p", path) + shell_assign("remove_all", false) +
                                                  shell_assign("new", after) + kWriteBody);
      Value f = script_failure(w);
      if (!f.is_null()) return f;
      written = w.get("st");
      changed = true;
    }
    r["changed"] = changed;
    add_path_info(r, written.empty() ? read.get("st") : written);
    return r;
  }

 private:
  static const std::regex& comma_list() {
    static const std::regex re(R"(\S+(\s+)?,(\s+)?)");
    return re;
  }
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration known_hosts_registration({"known_hosts"}, make_module<KnownHostsModule>);

}  // namespace drover
