#include "engine/connection_vars.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "engine/config.hpp"

namespace drover {
namespace {

HostVarLookup vars(Value v) {
  return [v](const std::string& name) -> std::optional<Value> {
    if (v.contains(name)) return v[name];
    return std::nullopt;
  };
}

TEST(ConnectionVars, HostVariablesBeatCommandLineWhichBeatsConfig) {
  Config config = Config::load_from("", {{"ANSIBLE_REMOTE_USER", "cfguser"}, {"ANSIBLE_TIMEOUT", "3"}});
  ConnectionOptions cli;
  cli.remote_user = "cliuser";
  auto r = resolve_connection("web1", vars(Value::object()), cli, config);
  EXPECT_EQ(r.spec.user, "cliuser");
  EXPECT_EQ(r.spec.host, "web1");
  EXPECT_EQ(r.spec.connect_timeout_s, 3);
  r = resolve_connection("web1", vars(Value{{"ansible_user", "hostuser"}, {"ansible_host", "10.0.0.1"},
                                            {"ansible_port", "2222"}}),
                         cli, config);
  EXPECT_EQ(r.spec.user, "hostuser");
  EXPECT_EQ(r.spec.host, "10.0.0.1");
  EXPECT_EQ(r.spec.port, 2222);
}

TEST(ConnectionVars, SshArgsAndHostKeyChecking) {
  Config config = Config::load_from("", {{"ANSIBLE_HOST_KEY_CHECKING", "False"}});
  auto r = resolve_connection(
      "h", vars(Value{{"ansible_ssh_common_args", "-o UserKnownHostsFile=/k -o 'ProxyCommand=ssh -W %h:%p j'"}}), {},
      config);
  EXPECT_EQ(r.spec.host_key_policy, HostKeyPolicy::off);
  EXPECT_EQ(r.spec.ssh_args,
            (std::vector<std::string>{"-o", "UserKnownHostsFile=/k", "-o", "ProxyCommand=ssh -W %h:%p j"}));
  r = resolve_connection("h", vars(Value{{"ansible_host_key_checking", "accept-new"}}), {}, config);
  EXPECT_EQ(r.spec.host_key_policy, HostKeyPolicy::accept_new);
}

TEST(ConnectionVars, BecomeFromVariablesAndOptions) {
  Config config = Config::load_from("", {});
  ConnectionOptions cli;
  cli.become = true;
  auto r = resolve_connection("h", vars(Value{{"ansible_become_user", "postgres"}, {"ansible_become_pass", "s3cret"}}),
                              cli, config);
  ASSERT_TRUE(r.become.has_value());
  EXPECT_EQ(r.become->user, "postgres");
  EXPECT_EQ(r.become->method, "sudo");
  EXPECT_EQ(r.become->password, "s3cret");
  r = resolve_connection("h", vars(Value{{"ansible_become", false}}), cli, config);
  EXPECT_FALSE(r.become.has_value());
}

TEST(ConnectionVars, UnsupportedConnectionTypeIsAnError) {
  Config config = Config::load_from("", {});
  EXPECT_THROW(resolve_connection("h", vars(Value{{"ansible_connection", "winrm"}}), {}, config), Error);
  auto r = resolve_connection("h", vars(Value{{"ansible_connection", "local"}}), {}, config);
  EXPECT_EQ(r.spec.type, "local");
}

}  // namespace
}  // namespace drover
