// drover's setup against Ansible's (Debian's ansible-core 2.14) on the same
// private sshd host: every common fact must be equal; values that move
// between two runs (clock, uptime, free memory) are compared with a
// tolerance. Also: a jsonfile fact cache written by Ansible is read by
// drover, and one written by drover is read by Ansible.
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/strings.hpp"
#include "engine/fact_cache.hpp"
#include "harness/process.hpp"
#include "harness/sshd_fleet.hpp"
#include "modules/arg_spec.hpp"
#include "modules/registry.hpp"
#include "transport/connection.hpp"

namespace drover {
namespace {

ConnectionSpec fleet_spec(const test::SshdFleet& fleet) {
  ConnectionSpec s;
  const auto& h = fleet.hosts().at(0);
  s.name = h.name;
  s.host = h.address;
  s.port = h.port;
  s.user = "root";
  s.identity_files = {fleet.client_key_path()};
  s.known_hosts_file = fleet.known_hosts_path();
  s.ssh_config_file = "none";
  s.use_agent = false;
  return s;
}

// The JSON after "host001 | SUCCESS => ".
Value ansible_json(const std::string& out) {
  size_t arrow = out.find(" => ");
  if (arrow == std::string::npos) return Value();
  return Value::parse(out.substr(arrow + 4));
}

class SetupCompat : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fleet_ = new test::SshdFleet(1);
    dir_ = new test::TempDir();
    fleet_->write_inventory(dir_->path() + "/hosts");
  }
  static void TearDownTestSuite() {
    delete fleet_;
    delete dir_;
    fleet_ = nullptr;
    dir_ = nullptr;
  }

  static test::ProcessOptions ansible_env() {
    test::ProcessOptions po;
    po.env = {{"ANSIBLE_SSH_CONTROL_PATH_DIR", dir_->path() + "/cp"}, {"ANSIBLE_NOCOLOR", "1"}};
    return po;
  }

  static Value theirs(const std::string& args) {
    auto r = test::run_process({"/usr/bin/ansible", "all", "-i", dir_->path() + "/hosts", "-m", "setup", "-a", args},
                               ansible_env());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return ansible_json(r.out);
  }

  static Value ours(const Value& args) {
    auto conn = make_connection(fleet_spec(*fleet_));
    ModuleContext ctx;
    ctx.connection = conn.get();
    ctx.host = fleet_->hosts()[0].name;
    const ModuleEntry* m = find_module("setup");
    EXPECT_NE(m, nullptr);
    Value valid = validate_args("setup", m->module->spec(), args);
    return m->module->run(valid, ctx);
  }

  static test::SshdFleet* fleet_;
  static test::TempDir* dir_;
};

test::SshdFleet* SetupCompat::fleet_ = nullptr;
test::TempDir* SetupCompat::dir_ = nullptr;

// Ansible prints facts with sorted keys; key order is not a difference.
nlohmann::json canon(const Value& v) { return nlohmann::json::parse(v.dump()); }

Value sorted_array(Value v) {
  if (v.is_array()) std::sort(v.begin(), v.end());
  return v;
}

TEST_F(SetupCompat, EveryCommonFactEqualsAnsibles) {
  Value a = theirs("")["ansible_facts"];
  Value d = ours(Value::object())["ansible_facts"];
  ASSERT_TRUE(a.is_object());
  ASSERT_TRUE(d.is_object());

  for (const char* k :
       {"hostname", "fqdn", "nodename", "domain", "distribution", "distribution_version",
        "distribution_major_version", "distribution_minor_version", "distribution_release",
        "distribution_file_parsed", "distribution_file_path", "distribution_file_variety", "os_family", "system",
        "kernel", "kernel_version", "architecture", "machine", "machine_id", "userspace_bits",
        "userspace_architecture", "processor", "processor_count", "processor_cores", "processor_threads_per_core",
        "processor_vcpus", "processor_nproc", "memtotal_mb", "swaptotal_mb", "swapfree_mb", "default_ipv4",
        "default_ipv6", "user_id", "user_uid", "user_gid", "user_dir", "user_shell", "user_gecos", "real_user_id",
        "effective_user_id", "real_group_id", "effective_group_id", "dns", "lsb", "pkg_mgr", "service_mgr",
        "virtualization_type", "virtualization_role", "selinux", "apparmor", "fips", "local", "cmdline",
        "proc_cmdline", "system_capabilities", "system_capabilities_enforced", "is_chroot", "lvm",
        "bios_date", "bios_vendor", "bios_version", "board_name", "board_vendor", "chassis_vendor", "form_factor",
        "product_name", "product_version", "system_vendor", "ssh_host_key_ed25519_public",
        "ssh_host_key_ed25519_public_keytype", "ssh_host_key_rsa_public", "ssh_host_key_ecdsa_public",
        "fibre_channel_wwn", "iscsi_iqn", "hostnqn", "gather_subset", "module_setup"}) {
    std::string name = std::string(k) == "gather_subset" || std::string(k) == "module_setup" ? k : "ansible_" + std::string(k);
    EXPECT_EQ(canon(d.value(name, Value("<missing>"))), canon(a.value(name, Value("<missing>")))) << name;
  }
  for (const char* k : {"interfaces", "all_ipv4_addresses", "all_ipv6_addresses", "virtualization_tech_guest",
                        "virtualization_tech_host"}) {
    std::string name = "ansible_" + std::string(k);
    EXPECT_EQ(sorted_array(d.value(name, Value())), sorted_array(a.value(name, Value()))) << name;
  }
  // Per-interface facts.
  for (const auto& iface : a["ansible_interfaces"]) {
    std::string name = "ansible_" + iface.get<std::string>();
    EXPECT_EQ(canon(d.value(name, Value())), canon(a.value(name, Value()))) << name;
  }
  // Mounts: same mount points with the same devices, types, options and
  // sizes; free space may move a little between the two runs.
  ASSERT_EQ(d["ansible_mounts"].size(), a["ansible_mounts"].size());
  for (const auto& am : a["ansible_mounts"]) {
    const Value* dm = nullptr;
    for (const auto& m : d["ansible_mounts"])
      if (m["mount"] == am["mount"]) dm = &m;
    ASSERT_NE(dm, nullptr) << am["mount"];
    for (const char* k : {"device", "fstype", "options", "uuid", "block_size", "block_total", "size_total",
                          "inode_total"})
      EXPECT_EQ((*dm).value(k, Value()), am.value(k, Value())) << am["mount"] << " " << k;
    double da = am["block_available"].get<double>(), dd = (*dm)["block_available"].get<double>();
    EXPECT_NEAR(dd, da, 0.01 * am["block_total"].get<double>() + 1000) << am["mount"];
  }
  // Values that move between two runs.
  EXPECT_NEAR(d["ansible_uptime_seconds"].get<double>(), a["ansible_uptime_seconds"].get<double>(), 120);
  EXPECT_NEAR(d["ansible_memfree_mb"].get<double>(), a["ansible_memfree_mb"].get<double>(),
              0.25 * a["ansible_memtotal_mb"].get<double>());
  for (const char* k : {"real", "nocache", "swap"})
    for (auto it = a["ansible_memory_mb"][k].begin(); it != a["ansible_memory_mb"][k].end(); ++it)
      EXPECT_TRUE(d["ansible_memory_mb"][k].contains(it.key())) << k << "." << it.key();
  EXPECT_EQ(d["ansible_memory_mb"]["real"]["total"], a["ansible_memory_mb"]["real"]["total"]);
  const Value &ad = a["ansible_date_time"], &dd = d["ansible_date_time"];
  for (auto it = ad.begin(); it != ad.end(); ++it) EXPECT_TRUE(dd.contains(it.key())) << "date_time." << it.key();
  for (const char* k : {"tz", "tz_dst", "tz_offset", "date", "year", "month", "day", "weekday", "weekday_number",
                        "weeknumber"})
    EXPECT_EQ(dd.value(k, Value()), ad.value(k, Value())) << "date_time." << k;
  EXPECT_NEAR(std::atof(dd["epoch"].get<std::string>().c_str()), std::atof(ad["epoch"].get<std::string>().c_str()),
              120);
  EXPECT_EQ(dd["iso8601_micro"].get<std::string>().size(), ad["iso8601_micro"].get<std::string>().size());
  EXPECT_EQ(dd["iso8601_basic"].get<std::string>().size(), ad["iso8601_basic"].get<std::string>().size());
  for (const char* k : {"1m", "5m", "15m"}) EXPECT_TRUE(d["ansible_loadavg"].contains(k)) << k;
  // The login environment, less what differs by program (Python sets _).
  for (const char* k : {"HOME", "PATH", "LANG", "USER", "LOGNAME", "SHELL", "SHLVL", "MAIL"})
    EXPECT_EQ(d["ansible_env"].value(k, Value()), a["ansible_env"].value(k, Value())) << "env." << k;
}

TEST_F(SetupCompat, SubsetsAndFiltersSelectTheSameFactNames) {
  for (const char* args : {"gather_subset=!all", "gather_subset=!all,network", "gather_subset=!all,!min,hardware",
                           "gather_subset=all,!hardware,!virtual", "filter=ansible_distribution*",
                           "gather_subset=!all filter=*ipv4*"}) {
    Value a = theirs(args)["ansible_facts"];
    // drover takes the same k=v string through the module's options.
    Value opts = Value::object();
    for (const auto& kv : split_whitespace(args)) {
      auto eq = kv.find('=');
      opts[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    Value d = ours(opts)["ansible_facts"];
    std::set<std::string> an, dn;
    for (auto it = a.begin(); it != a.end(); ++it) an.insert(it.key());
    for (auto it = d.begin(); it != d.end(); ++it) dn.insert(it.key());
    // Python-only facts drover does not produce.
    for (const char* p : {"ansible_python_version", "ansible_devices", "ansible_device_links",
                          "ansible_selinux_python_present"}) {
      an.erase(p);
      dn.erase(p);
    }
    EXPECT_EQ(dn, an) << args;
  }
}

TEST_F(SetupCompat, JsonfileCacheWrittenByAnsibleIsReadByDrover) {
  std::string cache = dir_->path() + "/ansible_cache";
  auto po = ansible_env();
  po.env["ANSIBLE_CACHE_PLUGIN"] = "jsonfile";
  po.env["ANSIBLE_CACHE_PLUGIN_CONNECTION"] = cache;
  auto r = test::run_process(
      {"/usr/bin/ansible", "all", "-i", dir_->path() + "/hosts", "-m", "setup", "-a", "gather_subset=!all"}, po);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  Value written = ansible_json(r.out)["ansible_facts"];

  FactCacheSettings s;
  s.plugin = "jsonfile";
  s.connection = cache;
  auto fc = make_fact_cache(s);
  auto got = fc->get(fleet_->hosts()[0].name);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ((*got)["ansible_distribution"], written["ansible_distribution"]);
  EXPECT_EQ((*got)["ansible_date_time"], written["ansible_date_time"]);
  EXPECT_EQ(fc->hosts(), std::vector<std::string>{fleet_->hosts()[0].name});
}

TEST_F(SetupCompat, JsonfileCacheWrittenByDroverIsReadByAnsible) {
  std::string cache = dir_->path() + "/drover_cache";
  FactCacheSettings s;
  s.plugin = "jsonfile";
  s.connection = cache;
  auto fc = make_fact_cache(s);
  Value facts = ours(Value{{"gather_subset", Value::array({"!all"})}})["ansible_facts"];
  facts["ansible_distribution"] = "DroverWasHere";
  fc->set(fleet_->hosts()[0].name, facts);

  auto po = ansible_env();
  po.env["ANSIBLE_CACHE_PLUGIN"] = "jsonfile";
  po.env["ANSIBLE_CACHE_PLUGIN_CONNECTION"] = cache;
  auto r = test::run_process({"/usr/bin/ansible", "all", "-i", dir_->path() + "/hosts", "-m", "debug", "-a",
                              "var=ansible_facts.distribution"},
                             po);
  EXPECT_NE(r.out.find("DroverWasHere"), std::string::npos) << r.out << r.err;
}

}  // namespace
}  // namespace drover
