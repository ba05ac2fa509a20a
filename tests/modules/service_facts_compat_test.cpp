// service_facts against ansible.builtin.service_facts (ansible-core 2.14)
// on two sandboxed sshd hosts with the same private /etc: the services
// found (here through `service --status-all`, the sandbox's PID 1 is not
// systemd) must be equal, a running and a stopped init script included
// (`service --status-all` wants a status that exits 0 and prints something).
#include <gtest/gtest.h>

#include "sandbox_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

class ServiceFactsCompat : public test::SandboxPairTest {};

TEST_F(ServiceFactsCompat, ListsRunningAndStoppedInitScriptsAsAnsibleDoes) {
  prepare("mkdir -p /etc/init.d; for s in up down; do rc=0; [ $s = down ] && rc=3;"
          " printf '#!/bin/sh\\ncase \"$1\" in status) echo %s; exit %s ;; esac\\n' $s $rc > /etc/init.d/drover-sf-$s;"
          " chmod 755 /etc/init.d/drover-sf-$s; done");
  ModuleOutcome o = same_result("service_facts", "", {"--check"});
  const Value& services = o.ours_json["ansible_facts"]["services"];
  EXPECT_EQ(services["drover-sf-up"]["state"], "running") << o.ours;
  EXPECT_EQ(services["drover-sf-down"]["state"], "stopped") << o.ours;
}

}  // namespace
}  // namespace drover
