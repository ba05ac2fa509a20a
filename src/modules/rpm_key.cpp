// rpm_key: an OpenPGP key in the rpm database (ansible.builtin.rpm_key,
// ansible-core 2.14): `key` is a URL (downloaded on the target with curl or
// wget), a key id (anything that starts with eight hex digits, as Ansible's
// test has it) or a file; the key's id comes from gpg; whether it is
// imported from the descriptions of rpm's gpg-pubkey packages; `rpm
// --import` adds it (after the optional fingerprint check), `rpm --erase
// --allmatches gpg-pubkey-ID` drops it. Check mode decides without acting.
// The result is only `changed`, as in Ansible; failures carry the failing
// command's stderr as msg.
#include <cctype>

#include "core/strings.hpp"
#include "modules/answer_script.hpp"
#include "modules/registry.hpp"

namespace drover {
namespace {

constexpr const char* kBody = R"SH(
command -v rpm >/dev/null 2>&1 || _fail "Failed to find required executable \"rpm\" in paths: $PATH"
_gpg=$(command -v gpg || command -v gpg2) || _fail "Failed to find required executable \"gpg2\" in paths: $PATH"
_x() { _run "$@"; [ "$_rrc" = 0 ] || _fail "$_rerr"; }
_keyfile=
case "$key" in
  *://*)
    _keyfile=$(mktemp) || _fail "cannot make a temporary file"
    trap 'rm -f "$_rtmp" "$_rtmpo" "$_keyfile"' EXIT
    if command -v curl >/dev/null 2>&1; then curl -fsSL "$key" > "$_keyfile"; else wget -q -O - "$key" > "$_keyfile"; fi ||
      _fail "failed to fetch key at $key , error was: download failed"
    grep -q -- '-----BEGIN PGP PUBLIC KEY BLOCK-----' "$_keyfile" || _fail "Not a public key: $key" ;;
  *)
    if printf '%s' "$key" | grep -Eiq '^(0x)?[0-9a-f]{8}'; then _keyid=$key
    elif [ -f "$key" ]; then _keyfile=$key
    else _fail "Not a valid key $key"; fi ;;
esac
if [ -n "$_keyfile" ]; then
  _x "$_gpg" --no-tty --batch --with-colons --fixed-list-mode "$_keyfile"
  _keyid=$(printf '%s\n' "$_rout" | sed -n 's/^[[:space:]]*pub:\([^:]*:\)\{3\}\([^:]*\).*/\2/p' | head -n 1)
  [ -n "$_keyid" ] || _fail "Unexpected gpg output"
fi
_keyid=$(printf '%s' "$_keyid" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' | tr '[:lower:]' '[:upper:]')
_keyid=${_keyid#0X}
_imported() {
  rpm -q gpg-pubkey >/dev/null 2>&1 || return 1
  _x sh -c "rpm -q gpg-pubkey --qf '%{description}' | \"\$0\" --no-tty --batch --with-colons --fixed-list-mode -" "$_gpg"
  printf '%s\n' "$_rout" | awk -F: -v id="$_keyid" 'index($5, id) { found = 1 } END { exit !found }'
}
if [ -n "$present" ]; then
  _imported && exit 0
  [ -n "$_keyfile" ] || _fail "When importing a key, a valid file must be given"
  if [ -n "$fingerprint" ]; then
    _x "$_gpg" --no-tty --batch --with-colons --fixed-list-mode --with-fingerprint "$_keyfile"
    _fp=$(printf '%s\n' "$_rout" | sed -n 's/^[[:space:]]*fpr:\([^:]*:\)\{8\}\([^:]*\).*/\2/p' | head -n 1)
    [ -n "$_fp" ] || _fail "Unexpected gpg output"
    [ "$_fp" = "$fingerprint" ] || _fail "The specified fingerprint, '$fingerprint', does not match the key fingerprint '$_fp'"
  fi
  _changed
  [ -n "$check" ] || _x rpm --import "$_keyfile"
else
  _imported || exit 0
  _changed
  _short=$(printf '%s' "$_keyid" | tail -c 8 | tr '[:upper:]' '[:lower:]')
  [ -n "$check" ] || _x rpm --erase --allmatches "gpg-pubkey-$_short"
fi
)SH";

class RpmKeyModule : public Module {
 public:
  RpmKeyModule() {
    spec_.options = {
        opt("state").def("present").one_of({"absent", "present"}),
        opt("key").req(),
        opt("fingerprint"),
        opt("validate_certs", OptionType::boolean).def(true),
    };
  }
  const ArgSpec& spec() const override { return spec_; }

  Value run(const Value& args, ModuleContext& ctx) const override {
    std::string fingerprint = args["fingerprint"].is_null() ? "" : to_display_string(args["fingerprint"]);
    std::erase(fingerprint, ' ');
    for (auto& c : fingerprint) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    ScriptAnswer a = run_answer_script(
        ctx, shell_assign("key", args["key"]) + shell_assign("fingerprint", fingerprint) +
                 shell_assign("present", args["state"] == "present") + shell_assign("check", ctx.check_mode) + kBody);
    Value failure = script_failure(a);
    if (!failure.is_null()) return failure;
    return Value{{"changed", a.changed()}};
  }

 private:
  ArgSpec spec_;
};

}  // namespace

const ModuleRegistration rpm_key_registration({"rpm_key"}, make_module<RpmKeyModule>);

}  // namespace drover
