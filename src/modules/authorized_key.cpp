// authorized_key: ssh keys in a user's authorized_keys
// (ansible.posix.authorized_key as shipped in Debian 12's ansible 7):
// add/remove one or several keys, key_options, comment, exclusive, path,
// manage_dir (.ssh 0700 and the file 0600 owned by the user), follow;
// check and diff. Keys given as URLs are not supported.
//
// One round trip reads the user and the file; the new text is computed here
// (keys in file order, replaced in place, new ones after) and written by a
// second round trip only when it changes.
#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"

namespace drover {
namespace {

constexpr const char* kReadBody = R"SH(
_p=$(_pwent "$user")
if [ -n "$_p" ]; then
  IFS=: read -r _ _ uid gid _ home _ <<EOF
$_p
EOF
  _out uid "$uid"; _out gid "$gid"; _out home "$home"
elif [ -z "$check" ] || [ -z "$path" ]; then
  _out nouser 1; exit 0
fi
kf=${path:-$home/.ssh/authorized_keys}
_out keyfile "$kf"
[ -n "$follow" ] && _out realpath "$(readlink -f "$kf" 2>/dev/null || echo "$kf")"
[ -f "$kf" ] && _out content "$(cat "$kf"; printf x)"
exit 0
)SH";

constexpr const char* kWriteBody = R"SH(
if [ -n "$manage_dir" ]; then
  [ -e "$sshdir" ] || mkdir -m 700 "$sshdir" || _fail "Failed to create directory $sshdir"
  chown "$uid:$gid" "$sshdir"; chmod 700 "$sshdir"
fi
if [ ! -e "$kf" ]; then mkdir -p "$(dirname "$kf")" && : > "$kf" || _fail "Failed to create $kf"; fi
chown "$uid:$gid" "$kf" 2>/dev/null; chmod 600 "$kf" 2>/dev/null
_t=$(mktemp "$(dirname "$kf")/.authorized_keys.XXXXXX") || _fail "Failed to write to file $kf"
printf '%s' "$new" > "$_t" && chown "$uid:$gid" "$_t" 2>/dev/null; chmod 600 "$_t"
mv -f "$_t" "$kf" || { rm -f "$_t"; _fail "Failed to write to file $kf"; }
)SH";

const char* const kKeyTypes[] = {
    "sk-ecdsa-sha2-nistp256@openssh.com", "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
    "webauthn-sk-ecdsa-sha2-nistp256@openssh.com", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256-cert-v01@openssh.com",
    "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp521",
    "ecdsa-sha2-nistp521-cert-v01@openssh.com", "sk-ssh-ed25519@openssh.com", "sk-ssh-ed25519-cert-v01@openssh.com",
    "ssh-ed25519", "ssh-ed25519-cert-v01@openssh.com", "ssh-dss", "ssh-rsa", "ssh-xmss@openssh.com",
    "ssh-xmss-cert-v01@openssh.com", "rsa-sha2-256", "rsa-sha2-512", "ssh-rsa-cert-v01@openssh.com",
    "rsa-sha2-256-cert-v01@openssh.com", "rsa-sha2-512-cert-v01@openssh.com", "ssh-dss-cert-v01@openssh.com"};

using Options = std::vector<std::pair<std::string, std::optional<std::string>>>;

// The plugin's parseoptions: comma-separated, quotes protect commas.
Options parse_options(const std::string& s) {
  Options out;
  std::string part;
  char quote = 0;
  auto flush = [&] {
    if (part.empty()) return;
    auto eq = part.find('=');
    if (eq == std::string::npos)
      out.emplace_back(part, std::nullopt);
    else
      out.emplace_back(part.substr(0, eq), part.substr(eq + 1));
    part.clear();
  };
  for (char c : s) {
    if (quote) {
      part += c;
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
      part += c;
    } else if (c == ',') {
      flush();
    } else {
      part += c;
    }
  }
  flush();
  return out;
}

struct Key {
  std::string id;  // the key blob, or the whole line for lines kept as they are
  std::string type;  // "skipped" for lines kept as they are
  Options options;
  std::string comment;
  size_t rank = 0;

  bool same(const Key& o) const {
    auto a = options, b = o.options;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    return id == o.id && type == o.type && a == b && comment == o.comment;
  }
};

std::optional<Key> parse_key(std::string raw, size_t rank) {
  for (size_t p; (p = raw.find("\\#")) != std::string::npos;) raw.replace(p, 2, "#");
  auto parts = split_whitespace(raw);
  if (!parts.empty() && parts[0] == "#") return Key{raw, "skipped", {}, "", rank};
  for (size_t i = 0; i < parts.size(); ++i) {
    if (std::find(std::begin(kKeyTypes), std::end(kKeyTypes), parts[i]) == std::end(kKeyTypes)) continue;
    if (i + 1 >= parts.size()) return std::nullopt;
    Key k;
    k.type = parts[i];
    k.id = parts[i + 1];
    if (i > 0) {
      std::vector<std::string> before(parts.begin(), parts.begin() + static_cast<long>(i));
      k.options = parse_options(join(before, " "));
    }
    std::vector<std::string> rest(parts.begin() + static_cast<long>(i) + 2, parts.end());
    k.comment = join(rest, " ");
    k.rank = rank;
    return k;
  }
  return std::nullopt;
}

// The file's keys by id, in first-seen order (a Python dict).
struct KeyMap {
  std::vector<Key> keys;
  Key* find(const std::string& id) {
    for (auto& k : keys)
      if (k.id == id) return &k;
    return nullptr;
  }
  void put(Key k) {
    if (Key* old = find(k.id))
      *old = std::move(k);
    else
      keys.push_back(std::move(k));
  }
  void erase(const std::string& id) {
    keys.erase(std::remove_if(keys.begin(), keys.end(), [&](const Key& k) { return k.id == id; }), keys.end());
  }
  std::string serialize() const {
    std::vector<Key> sorted = keys;
    std::stable_sort(sorted.begin(), sorted.end(), [](const Key& a, const Key& b) { return a.rank < b.rank; });
    std::string out;
    for (const auto& k : sorted) {
      if (k.type == "skipped") {
        out += k.id;
        continue;
      }
      std::string opts;
      for (const auto& [name, value] : k.options) {
        if (!opts.empty()) opts += ",";
        opts += value ? name + "=" + *value : name;
      }
      if (!opts.empty()) opts += " ";
      out += opts + k.type + " " + k.id + " " + k.comment + "\n";
    }
    return out;
  }
};

class AuthorizedKeyModule : public Module {
 public:
  AuthorizedKeyModule() {
    spec_.options = {
        opt("user").req(),
        opt("key").req(),
        opt("path", OptionType::path),
        opt("manage_dir", OptionType::boolean).def(true),
        opt("state").def("present").one_of({"absent", "present"}),
        opt("key_options"),
        opt("exclusive", OptionType::boolean).def(false),
        opt("comment"),
        opt("validate_certs", OptionType::boolean).def(true),
        opt("follow", OptionType::boolean).def(false),
    };
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    const std::string user = args["user"].get<std::string>();
    const std::string key = args["key"].get<std::string>();
    if (key.rfind("http", 0) == 0) return failed_result("Error getting key from: " + key + " (drover does not fetch keys from URLs)");
    const bool present = args["state"] == "present";
    std::string vars = shell_assign("user", user) + shell_assign("path", args["path"]) +
                       shell_assign("follow", args["follow"]) + shell_assign("check", ctx.check_mode);
    ScriptAnswer read = run_answer_script(ctx, vars + kReadBody);
    Value failure = script_failure(read);
    if (!failure.is_null()) return failure;
    if (read.has("nouser")) {
      if (ctx.check_mode && args["path"].is_null())
        return failed_result("Either user must exist or you must provide full path to key file in check mode");
      return failed_result("Failed to lookup user " + user + ": \"getpwnam(): name not found: '" + user + "'\"");
    }
    const std::string keyfile = read.get("keyfile");
    std::string existing = read.has("content") ? read.get("content") : "";
    if (!existing.empty() && existing.back() == 'x') existing.pop_back();

    KeyMap keys;
    auto lines = split_lines_keep_ends(existing);
    for (size_t i = 0; i < lines.size(); ++i) {
      auto k = parse_key(lines[i], i);
      keys.put(k ? *k : Key{lines[i], "skipped", {}, "", i});
    }
    const size_t max_rank = keys.keys.size();
    std::vector<std::string> keep;
    bool do_write = false;
    size_t index = 0;
    for (const auto& line : split_lines(key)) {
      if (line.empty() || line[0] == '#') continue;
      auto parsed = parse_key(line, index++);
      if (!parsed) return failed_result("invalid key specified: " + line);
      if (!args["key_options"].is_null()) parsed->options = parse_options(args["key_options"].get<std::string>());
      if (!args["comment"].is_null()) parsed->comment = args["comment"].get<std::string>();
      bool matched = false;
      if (Key* old = keys.find(parsed->id)) {
        if (!parsed->same(*old) && present) {
          keys.erase(parsed->id);
          do_write = true;
        } else {
          matched = true;
        }
      }
      if (present) {
        keep.push_back(parsed->id);
        if (!matched) {
          parsed->rank += max_rank;
          keys.put(*parsed);
          do_write = true;
        }
      } else if (matched) {
        keys.erase(parsed->id);
        do_write = true;
      }
    }
    if (present && args["exclusive"] == true) {
      std::vector<std::string> drop;
      for (const auto& k : keys.keys)
        if (std::find(keep.begin(), keep.end(), k.id) == keep.end()) drop.push_back(k.id);
      for (const auto& id : drop) keys.erase(id);
      if (!drop.empty()) do_write = true;
    }

    Value r = args;
    r["keyfile"] = keyfile;
    r["changed"] = false;
    if (!do_write) return r;
    const std::string filename = args["follow"] == true ? read.get("realpath", keyfile) : keyfile;
    const std::string after = keys.serialize();
    if (ctx.diff_mode)
      r["diff"] = Value{{"before_header", keyfile}, {"after_header", filename}, {"before", existing}, {"after", after}};
    if (!ctx.check_mode) {
      std::string sshdir = args["path"].is_null() ? read.get("home") + "/.ssh" : filename.substr(0, filename.rfind('/'));
      if (!args["path"].is_null()) sshdir = args["path"].get<std::string>().substr(0, args["path"].get<std::string>().rfind('/'));
      ScriptAnswer w = run_answer_script(ctx, shell_assign("manage_dir", args["manage_dir"]) +
                                                  shell_assign("sshdir", sshdir) + shell_assign("kf", filename) +
                                                  shell_assign("uid", read.get("uid")) +
                                                  shell_assign("gid", read.get("gid")) + shell_assign("new", after) +
                                                  kWriteBody);
      Value f = script_failure(w);
      if (!f.is_null()) return f;
    }
    r["changed"] = true;
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

// Not in ansible-core: the ansible.posix collection, by its full name too.
const ModuleRegistration authorized_key_registration({"authorized_key",
                                                      "ansible.posix.authorized_key"},
                                                     make_module<AuthorizedKeyModule>);

}  // namespace drover
