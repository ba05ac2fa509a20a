// A test suite whose tests compare drover's module with Ansible's on two
// sandboxed sshd hosts (FleetOptions::sandbox: private /etc, /var, /home,
// /root), through a ModulePair: drover on host 0, ansible on host 1. The
// fleet is made once per suite; ctest runs each test in its own process,
// so every test starts from fresh sandboxes.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "harness/sshd_fleet.hpp"
#include "module_pair.hpp"

namespace drover::test {

class SandboxPairTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { start(false); }
  static void TearDownTestSuite() {
    pair_.reset();
    fleet_.reset();
    dir_.reset();
  }

  // `with_packages`: the sandboxes get a copy of the dpkg database and apt
  // state (FleetOptions::sandbox_packages).
  static void start(bool with_packages) {
    FleetOptions o;
    o.sandbox = true;
    o.sandbox_packages = with_packages;
    o.hosts_per_sshd = 1;
    fleet_ = std::make_unique<SshdFleet>(2, o);
    dir_ = std::make_unique<TempDir>();
    pair_ = std::make_unique<ModulePair>(*fleet_, dir_->path());
  }

  // The same call by both tools; expects the same result.
  static ModuleOutcome same_result(const std::string& module, const std::string& args,
                                   const std::vector<std::string>& flags = {}) {
    ModuleOutcome o = pair_->both(module, args, flags);
    EXPECT_EQ(o.ours, o.theirs) << module << " " << args;
    return o;
  }

  // Runs `script` in both sandboxes and expects the same output; returns it.
  static std::string same_state(const std::string& script) {
    auto s = pair_->state(script);
    EXPECT_EQ(s.first, s.second) << script;
    return s.first;
  }

  // Runs `script` in both sandboxes to set the scene; expects it to succeed.
  static void prepare(const std::string& script) {
    auto s = pair_->state("{ " + script + "\n} && echo drover-prepared");
    EXPECT_EQ(s.first, "drover-prepared\n") << script;
    EXPECT_EQ(s.second, "drover-prepared\n") << script;
  }

  static inline std::unique_ptr<SshdFleet> fleet_;
  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<ModulePair> pair_;
};

}  // namespace drover::test
