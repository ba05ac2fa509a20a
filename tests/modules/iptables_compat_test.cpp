// iptables against ansible.builtin.iptables (ansible-core 2.14) on two
// sandboxed sshd hosts. The sandboxes share the machine's network stack, so
// real netfilter rules are not a test's business: each sandbox gets a
// stand-in `iptables` in its private /usr/local/sbin that keeps rules in
// /etc (exact-match -C, -A/-I/-D, -L with the policy line, -P, -F, -N, -X)
// and logs every call. Equal logs mean both tools ran the same command
// lines; results (changed, rule, the failure's cmd/rc/stderr) must match.
#include <gtest/gtest.h>

#include "sandbox_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

const char* kFakeIptables = R"SH(#!/bin/sh
# drover test stand-in for iptables: TABLE's chains and rules in /etc/fake-iptables.TABLE
echo "$*" >> /etc/fake-iptables.log
if [ "$1" = --version ]; then echo "iptables v1.8.9 (nf_tables)"; exit 0; fi
t=filter
if [ "$1" = -t ]; then t=$2; shift 2; fi
op=$1; c=$2; shift 2
db=/etc/fake-iptables.$t
[ -f "$db" ] || printf 'chain INPUT ACCEPT\nchain FORWARD ACCEPT\nchain OUTPUT ACCEPT\n' > "$db"
nochain() { echo "iptables: No chain/target/match by that name." >&2; exit 1; }
grep -q "^chain $c " "$db" || [ "$op" = -N ] || nochain
case $op in
-C) grep -qxF "rule $c $*" "$db" || { echo "iptables: Bad rule (does a matching rule exist in that chain?)." >&2; exit 1; } ;;
-A) echo "rule $c $*" >> "$db" ;;
-I) case $1 in [0-9]*) shift ;; esac
    awk -v r="rule $c $*" -v p="rule $c " 'index($0, p) == 1 && !d { print r; d = 1 } { print } END { if (!d) print r }' "$db" > "$db.new" && mv "$db.new" "$db" ;;
-D) grep -qxF "rule $c $*" "$db" || { echo "iptables: Bad rule (does a matching rule exist in that chain?)." >&2; exit 1; }
    awk -v r="rule $c $*" '$0 == r && !d { d = 1; next } { print }' "$db" > "$db.new" && mv "$db.new" "$db" ;;
-L) p=$(sed -n "s/^chain $c //p" "$db")
    if [ "$p" = - ]; then echo "Chain $c (0 references)"; else echo "Chain $c (policy $p)"; fi
    echo "target     prot opt source               destination"
    sed -n "s/^rule $c //p" "$db" ;;
-P) sed -i "s/^chain $c .*/chain $c $1/" "$db" ;;
-F) sed -i "/^rule $c /d" "$db" ;;
-N) if grep -q "^chain $c " "$db"; then echo "iptables: Chain already exists." >&2; exit 1; fi
    echo "chain $c -" >> "$db" ;;
-X) sed -i "/^chain $c /d" "$db" ;;
esac
)SH";

class IptablesCompat : public test::SandboxPairTest {
 protected:
  void SetUp() override {
    prepare(std::string("cat > /usr/local/sbin/iptables <<'EOF'\n") + kFakeIptables +
            "EOF\nchmod 755 /usr/local/sbin/iptables; rm -f /etc/fake-iptables.*");
  }
  static ModuleOutcome same(const std::string& args, const std::vector<std::string>& flags = {}) {
    return same_result("ansible.builtin.iptables", args, flags);
  }
  // The rules and the calls made, equal on both sides.
  static std::string rules() { return same_state("cat /etc/fake-iptables.* 2>/dev/null"); }
};

TEST_F(IptablesCompat, AppendsARuleOnceAndCheckModeOnlyAsks) {
  const std::string args = R"({"chain": "INPUT", "protocol": "tcp", "destination_port": "22", "jump": "ACCEPT",
                               "comment": "ssh in", "ctstate": ["NEW", "ESTABLISHED"]})";
  ModuleOutcome check = same(args, {"--check"});
  EXPECT_EQ(check.ours_json["changed"], true) << check.ours;
  EXPECT_EQ(check.ours_json["rule"],
            "-p tcp -j ACCEPT --destination-port 22 -m conntrack --ctstate NEW,ESTABLISHED -m comment --comment ssh in");
  EXPECT_EQ(rules().find("rule INPUT"), std::string::npos);
  EXPECT_EQ(same(args).ours_json["changed"], true);
  EXPECT_EQ(same(args).ours_json["changed"], false);
  std::string after = rules();
  EXPECT_NE(after.find("rule INPUT -p tcp -j ACCEPT --destination-port 22"), std::string::npos) << after;
}

TEST_F(IptablesCompat, InsertsAtAPositionDeletesAndSetsThePolicy) {
  same("chain=INPUT source=10.0.0.0/8 jump=ACCEPT");
  ModuleOutcome ins = same("chain=INPUT action=insert rule_num=1 source=!192.168.0.0/16 jump=DROP");
  EXPECT_EQ(ins.ours_json["rule"], "! -s 192.168.0.0/16 -j DROP");
  std::string r = rules();
  EXPECT_LT(r.find("-j DROP"), r.find("-j ACCEPT")) << r;
  EXPECT_EQ(same("chain=INPUT source=10.0.0.0/8 jump=ACCEPT state=absent").ours_json["changed"], true);
  EXPECT_EQ(same("chain=INPUT source=10.0.0.0/8 jump=ACCEPT state=absent").ours_json["changed"], false);
  EXPECT_EQ(same("chain=INPUT policy=DROP").ours_json["changed"], true);
  EXPECT_EQ(same("chain=INPUT policy=DROP").ours_json["changed"], false);
  EXPECT_NE(rules().find("chain INPUT DROP"), std::string::npos);
  EXPECT_EQ(same("chain=INPUT flush=true").ours_json["changed"], true);
  EXPECT_EQ(rules().find("rule INPUT"), std::string::npos);
}

TEST_F(IptablesCompat, ManagesAUserChainAndLogsWithALogJump) {
  same("chain=DROVER chain_management=true protocol=udp destination_ports=53,5353 log_prefix=dns: log_level=info");
  std::string r = rules();
  EXPECT_NE(r.find("chain DROVER -"), std::string::npos) << r;
  EXPECT_NE(r.find("-j LOG --log-prefix dns: --log-level info -m multiport --dports 53,5353"), std::string::npos) << r;
  same("chain=DROVER flush=true");
  ModuleOutcome gone = same("chain=DROVER chain_management=true state=absent");
  EXPECT_EQ(gone.ours_json["changed"], true);
  EXPECT_EQ(rules().find("chain DROVER"), std::string::npos);
}

TEST_F(IptablesCompat, ARuleInAMissingChainFailsWithIptablesMessage) {
  ModuleOutcome o = same("chain=NOPE jump=ACCEPT");
  EXPECT_EQ(o.ours_json["failed"], true);
  EXPECT_EQ(o.ours_json["msg"], "iptables: No chain/target/match by that name.");
  EXPECT_EQ(o.ours_json["cmd"], "/usr/local/sbin/iptables -t filter -A NOPE -j ACCEPT");
}

TEST_F(IptablesCompat, MissingBinaryAndMissingChainAreRefused) {
  ModuleOutcome v6 = same("chain=INPUT jump=ACCEPT ip_version=ipv6");
  EXPECT_NE(v6.ours_json["msg"].get<std::string>().find("Failed to find required executable \"ip6tables\""),
            std::string::npos)
      << v6.ours;
  ModuleOutcome none = same("jump=ACCEPT");
  EXPECT_EQ(none.ours_json["msg"], "Either chain or flush parameter must be specified.");
  EXPECT_EQ(same_state("cat /etc/fake-iptables.log 2>/dev/null"), "");
}

}  // namespace
}  // namespace drover
