// apt_key: an OpenPGP key in apt's keyring through apt-key
// (ansible.builtin.apt_key, ansible-core 2.14): the key's id comes from
// `id` or from the key itself (file, data, or url downloaded on the target
// with curl or wget) through `gpg --with-colons`; the keyring's keys from
// `apt-key adv --list-public-keys --keyid-format=long`; a missing key is
// added (apt-key add, or --recv from a keyserver with Ansible's five
// tries), a present one deleted with state=absent, and the keyring is read
// again to check. The result: changed, id, short_id, fp, key_id, before and
// (after a change) after, as Ansible's.
#include <algorithm>
#include <cctype>

#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"

namespace drover {
namespace {

// What both trips share: the tools, the keyring, listing and downloading.
constexpr const char* kFunctions = R"SH(
export LANG=C LC_ALL=C LC_MESSAGES=C
command -v apt-key >/dev/null 2>&1 || _fail "Failed to find required executable \"apt-key\" in paths: $PATH"
command -v gpg >/dev/null 2>&1 || _fail "Failed to find required executable \"gpg\" in paths: $PATH"
_keyring() { if [ -n "$keyring" ]; then apt-key --keyring "$keyring" "$@"; else apt-key "$@"; fi; }
_list() {
  _run _keyring adv --list-public-keys --keyid-format=long
  [ "$_rrc" = 0 ] || { _outrun; _fail "Unable to list public keys"; }
  _out "$1" "$_rout"
}
_fetch() {
  if command -v curl >/dev/null 2>&1; then curl -fsSL "$url"; else wget -q -O - "$url"; fi
}
)SH";

// The key's id from the key itself when no id is given, and the keyring.
constexpr const char* kFindBody = R"SH(
if [ -z "$id" ] && [ -n "$url$file$has_data" ]; then
  if [ -n "$file" ]; then _run gpg --with-colons "$file"; _what=$file
  elif [ -n "$url" ]; then
    _key=$(mktemp) && _fetch > "$_key" || { rm -f "$_key"; _fail "Failed to download key at $url"; }
    _run gpg --with-colons "$_key"; rm -f "$_key"; _what='inline data'
  else _run gpg --with-colons -; _what='inline data'; fi
  [ "$_rrc" = 0 ] || { _out stdout "$_rout"; _out stderr "$_rerr"; _fail "Unable to extract key from '$_what'"; }
  _out colons "$_rout"
fi
_list before
)SH";

constexpr const char* kChangeBody = R"SH(
if [ "$action" = del ]; then
  _run _keyring del "$short"
  [ "$_rrc" = 0 ] || { _outrun; _fail "Unable to remove a key with id $short"; }
elif [ -n "$file" ]; then
  _run _keyring add "$file"
  [ "$_rrc" = 0 ] || { _outrun; _fail "Unable to add a key from file $file"; }
elif [ -n "$keyserver" ]; then
  _i=0
  until _run _keyring adv --no-tty --keyserver "$keyserver" --recv "$key_id"; do
    _i=$((_i + 1))
    [ "$_i" -lt 5 ] && continue
    case "$_rrc:$_rout" in
      2:*"not found on keyserver"*) _fail "Key $key_id not found on keyserver $keyserver" ;;
      *) _outrun; _fail "Error fetching key $key_id from keyserver: $keyserver" ;;
    esac
  done
else
  if [ -n "$url" ]; then _fetch > "$_rtmpo.key" || _fail "Failed to download key at $url"
  else cat > "$_rtmpo.key"; fi
  _run _keyring add - < "$_rtmpo.key"; rm -f "$_rtmpo.key"
  [ "$_rrc" = 0 ] || { _outrun; _fail "Unable to add a key from binary data"; }
fi
_list after
)SH";

// Ansible's parse_output_for_keys: the ids of pub/sub lines not expired.
std::vector<std::string> key_ids(const std::string& out, bool short_format) {
  std::vector<std::string> found;
  for (const auto& line : split(out, '\n')) {
    if (!(line.starts_with("pub") || line.starts_with("sub")) || line.find("expired") != std::string::npos) continue;
    auto tokens = split_whitespace(line);
    std::string code;
    if (tokens.size() > 1 && std::count(tokens[1].begin(), tokens[1].end(), '/') == 1) {
      code = tokens[1].substr(tokens[1].find('/') + 1);
    } else {
      auto colons = split(line, ':');
      if (colons.size() < 5) continue;
      code = colons[4];
    }
    found.push_back(short_format && code.size() > 8 ? code.substr(code.size() - 8) : code);
  }
  return found;
}

Value as_list(const std::vector<std::string>& v) {
  Value a = Value::array();
  for (const auto& s : v) a.push_back(s);
  return a;
}

// A failure with the rc, stdout and stderr the script answered, as
// Ansible's fail_json(..., rc=rc, stdout=out, stderr=err).
Value failure_with_output(const ScriptAnswer& a) {
  Value r = script_failure(a);
  if (r.is_null() || !a.has("failed")) return r;
  if (a.has("rc")) r["rc"] = a.get_int("rc");
  for (const char* k : {"stdout", "stderr"})
    if (a.has(k)) r[k] = a.get(k);
  return r;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

class AptKeyModule : public Module {
 public:
  AptKeyModule() {
    spec_.options = {
        opt("id"), opt("url"), opt("data"), opt("file", OptionType::path), opt("keyring", OptionType::path),
        opt("validate_certs", OptionType::boolean).def(true), opt("keyserver"),
        opt("state").def("present").one_of({"absent", "present"}),
    };
    spec_.mutually_exclusive = {{"data", "file", "keyserver", "url"}};
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    auto str = [&](const char* k) { return args[k].is_null() ? std::string() : to_display_string(args[k]); };
    std::string id = str("id");
    if (id.empty() && !args["keyserver"].is_null()) return failed_result("Missing key_id, required with keyserver.");
    const std::string data = str("data");
    std::string vars = shell_assign("id", id) + shell_assign("url", str("url")) + shell_assign("file", str("file")) +
                       shell_assign("has_data", !data.empty()) + shell_assign("keyring", str("keyring")) +
                       shell_assign("keyserver", str("keyserver"));
    ScriptAnswer find = run_answer_script(ctx, vars + kFunctions + kFindBody, data);
    Value failure = failure_with_output(find);
    if (!failure.is_null()) return failure;
    if (id.empty()) {
      auto ids = key_ids(find.get("colons"), false);
      if (!ids.empty()) id = ids[0];
    }
    Value r{{"changed", false}, {"id", id.empty() ? Value() : Value(id)}};
    // parse_key_id: hexadecimal, 8, 16 or more than 16 digits, "0x" allowed.
    std::string key_id = id;
    for (auto& c : key_id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    bool hex = !key_id.empty() && key_id.find_first_not_of("0123456789ABCDEFX") == std::string::npos;
    if (key_id.starts_with("0X")) key_id = key_id.substr(2);
    hex = hex && !key_id.empty() && key_id.find('X') == std::string::npos;
    if (!hex || (key_id.size() != 8 && key_id.size() != 16 && key_id.size() <= 16)) {
      r["failed"] = true;
      r["msg"] = "Invalid key_id";
      return r;
    }
    const std::string short_id = key_id.substr(key_id.size() - 8);
    const std::string fp = key_id.size() > 16 ? key_id.substr(key_id.size() - 16) : key_id;
    r["short_id"] = short_id;
    r["fp"] = fp;
    r["key_id"] = key_id;
    const bool short_format = key_id.size() == 8;
    const auto before = key_ids(find.get("before"), short_format);
    r["before"] = as_list(before);
    const bool present = args["state"] == "present";
    const std::string& wanted = short_format ? short_id : fp;
    const bool act = present ? !contains(before, wanted) : contains(before, fp);
    if (!act) return r;
    r["changed"] = true;
    if (ctx.check_mode) return r;
    ScriptAnswer change = run_answer_script(
        ctx, vars + shell_assign("action", present ? "add" : "del") + shell_assign("short", short_id) +
                 shell_assign("key_id", key_id) + kFunctions + kChangeBody,
        data);
    failure = failure_with_output(change);
    if (!failure.is_null()) return failure;
    const auto after = key_ids(change.get("after"), short_format);
    r["after"] = as_list(after);
    if (present ? !contains(after, wanted) : contains(after, fp)) {
      r["failed"] = true;
      r["msg"] = std::string("apt-key did not return an error, but ") +
                 (present ? "failed to add the key" : "the key was not removed") +
                 " (check that the id is correct and *not* a subkey)";
    }
    return r;
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration apt_key_registration({"apt_key"}, make_module<AptKeyModule>);

}  // namespace drover
