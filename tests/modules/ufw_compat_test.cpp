// ufw against community.general.ufw (Debian 12's ansible 7) on two
// sandboxed sshd hosts. A real ufw would change the machine's netfilter
// rules (the sandboxes share its network stack), so each sandbox gets a
// stand-in `ufw` in its private /usr/local/sbin: it keeps the state and
// policies in /etc/fake-ufw, rules as "### tuple" lines in
// /etc/ufw/user.rules, prints `status verbose` as ufw does, honours
// --dry-run, and logs every call. Results (changed, commands, msg) and the
// state left must be equal; so must the calls made, but for their order
// (drover asks for ufw's version in its first round trip).
#include <gtest/gtest.h>

#include "sandbox_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

const char* kFakeUfw = R"SH(#!/bin/sh
# drover test stand-in for ufw
echo "$*" >> /etc/fake-ufw.log
S=/etc/fake-ufw; R=/etc/ufw/user.rules
mkdir -p /etc/ufw; touch "$R"
[ -f "$S" ] || printf 'status=inactive\nlogging=low\nin=deny\nout=allow\nrouted=disabled\n' > "$S"
. "$S"
save() { printf 'status=%s\nlogging=%s\nin=%s\nout=%s\nrouted=%s\n' "$status" "$logging" "$in" "$out" "$routed" > "$S"; }
dry=
if [ "$1" = --dry-run ]; then dry=1; shift; fi
if [ "$1" = -f ]; then shift; fi
case $1 in
--version) echo "ufw 0.36.2"; echo "Copyright 2008-2023 Canonical Ltd." ;;
status)
  if [ "$status" = inactive ]; then echo "Status: inactive"; exit 0; fi
  echo "Status: active"
  if [ "$logging" = off ]; then echo "Logging: off"; else echo "Logging: on ($logging)"; fi
  echo "Default: $in (incoming), $out (outgoing), $routed (routed)"
  echo "New profiles: skip"
  if [ -s "$R" ]; then echo; sed 's/^### tuple ### //' "$R"; fi ;;
enable) [ -n "$dry" ] || { status=active; save; }; echo "Firewall is active and enabled on system startup" ;;
disable) [ -n "$dry" ] || { status=inactive; save; }; echo "Firewall stopped and disabled on system startup" ;;
reload) echo "Firewall reloaded" ;;
reset) [ -n "$dry" ] || { rm -f "$S"; : > "$R"; }; echo "Resetting all rules to installed defaults." ;;
default)
  d=${3:-incoming}
  case $d in incoming) in=$2 ;; outgoing) out=$2 ;; routed) routed=$2 ;; esac
  [ -n "$dry" ] || save; echo "Default $d policy changed to '$2'" ;;
logging)
  l=$2; [ "$l" = on ] && l=low
  [ -n "$dry" ] || { logging=$l; save; }; echo "Logging enabled" ;;
*)
  del=
  [ "$1" = route ] && shift
  if [ "$1" = delete ]; then del=1; shift; fi
  [ "$1" = insert ] && shift 2
  t="### tuple ### $*"
  if [ -n "$del" ]; then
    grep -qxF "$t" "$R" || { echo "Could not delete non-existent rule"; exit 0; }
    new=$(grep -vxF "$t" "$R"); msg="Rule deleted"
  else
    grep -qxF "$t" "$R" && { echo "Skipping adding existing rule"; exit 0; }
    new=$(cat "$R"; echo "$t"); msg="Rule added"
  fi
  if [ -n "$dry" ]; then printf '%s\n' "$new" | sed '/^$/d'
  else printf '%s\n' "$new" | sed '/^$/d' > "$R"; echo "$msg"; fi ;;
esac
)SH";

class UfwCompat : public test::SandboxPairTest {
 protected:
  void SetUp() override {
    prepare(std::string("cat > /usr/local/sbin/ufw <<'EOF'\n") + kFakeUfw +
            "EOF\nchmod 755 /usr/local/sbin/ufw; rm -rf /etc/fake-ufw /etc/fake-ufw.log /etc/ufw");
  }
  static ModuleOutcome same(const std::string& args, const std::vector<std::string>& flags = {}) {
    return same_result("community.general.ufw", args, flags);
  }
  // The state left and the calls made, sorted: drover reads `ufw --version`
  // in its first round trip, Ansible just before the rule command.
  static std::string ufw_state() {
    return same_state("cat /etc/fake-ufw /etc/ufw/user.rules 2>/dev/null; sort /etc/fake-ufw.log 2>/dev/null");
  }
};

TEST_F(UfwCompat, EnablesWithADefaultPolicyAndARuleThenIsIdempotent) {
  const std::string args = "state=enabled policy=deny rule=allow port=22 proto=tcp comment=ssh";
  ModuleOutcome first = same(args);
  EXPECT_EQ(first.ours_json["changed"], true) << first.ours;
  EXPECT_NE(first.ours_json["msg"].get<std::string>().find("Status: active"), std::string::npos) << first.ours;
  // status, rules, enable, default, version, rule, status, rules again
  EXPECT_EQ(first.ours_json["commands"].size(), 8u) << first.ours;
  ModuleOutcome again = same(args);
  EXPECT_EQ(again.ours_json["changed"], false) << again.ours;
  std::string s = ufw_state();
  EXPECT_NE(s.find("### tuple ### allow from any to any port 22 proto tcp comment ssh"), std::string::npos) << s;
}

TEST_F(UfwCompat, CheckModeComparesADryRunAndChangesNothing) {
  ModuleOutcome rule = same("rule=allow port=80 proto=tcp", {"--check"});
  EXPECT_EQ(rule.ours_json["changed"], true) << rule.ours;
  ModuleOutcome on = same("state=enabled logging=high", {"--check"});
  EXPECT_EQ(on.ours_json["changed"], true) << on.ours;
  EXPECT_EQ(ufw_state().find("status=active"), std::string::npos);
  same("state=enabled");
  ModuleOutcome off = same("state=enabled", {"--check"});
  EXPECT_EQ(off.ours_json["changed"], false) << off.ours;
}

TEST_F(UfwCompat, LoggingDefaultsByDirectionAndDeletingARule) {
  same("state=enabled");
  EXPECT_EQ(same("logging=medium").ours_json["changed"], true);
  EXPECT_EQ(same("logging=medium").ours_json["changed"], false);
  EXPECT_EQ(same("default=reject direction=outgoing").ours_json["changed"], true);
  same("rule=limit port=22 proto=tcp from_ip=10.0.0.0/8");
  ModuleOutcome del = same("rule=limit port=22 proto=tcp from_ip=10.0.0.0/8 delete=true");
  EXPECT_EQ(del.ours_json["changed"], true);
  std::string s = ufw_state();
  EXPECT_NE(s.find("out=reject"), std::string::npos) << s;
  EXPECT_EQ(s.find("### tuple ### limit"), std::string::npos) << s;
}

TEST_F(UfwCompat, ADirectionThatDoesNotFitIsRefused) {
  ModuleOutcome o = same("rule=allow direction=incoming port=22");
  EXPECT_EQ(o.ours_json["failed"], true);
  EXPECT_NE(o.ours_json["msg"].get<std::string>().find("For rules, direction must be one of"), std::string::npos);
}

}  // namespace
}  // namespace drover
