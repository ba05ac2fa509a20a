// Vault credentials with the real `drover server` binary: a project whose
// group_vars and host_vars are vaulted (by Debian's ansible-vault) runs
// through the API with its vault credentials, in the job sandbox; the
// passwords reach the job process on its stdin pipe only and show nowhere
// (job output, events, the database file, the audit log, the server log);
// a missing or wrong password fails the job as ansible-playbook fails
// (same message, same exit code); credentials are checked as the
// credential rules say (403 for a user who may not use one, 400 for a
// wrong kind or two passwords for one vault id).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "harness/process.hpp"
#include "server_fixture.hpp"

namespace drover::test {
namespace {

const char* kProdPassword = "prod-vault-pass-7f3a91";
const char* kDefaultPassword = "default-vault-pass-c02e5d";
const char* kDbPassword = "group-db-secret-9b17";
const char* kApiKey = "host-api-key-44c8";

// Uses both secrets without printing or naming them (their base64).
const char* kSite = R"(- hosts: all
  gather_facts: false
  tasks:
    - assert:
        that:
          - db_password | b64encode == 'Z3JvdXAtZGItc2VjcmV0LTliMTc='
          - api_key | b64encode == 'aG9zdC1hcGkta2V5LTQ0Yzg='
    - debug: msg="lengths {{ db_password | length }} {{ api_key | length }}"
)";

class VaultJobs : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string p = dir.path() + "/project";
    dir.write("project/site.yml", kSite);
    dir.write("project/hosts.ini", "localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n");
    dir.write("project/group_vars/all.yml", std::string("db_password: ") + kDbPassword + "\n");
    dir.write("prod.pw", std::string(kProdPassword) + "\n");
    dir.write("default.pw", std::string(kDefaultPassword) + "\n");
    dir.write("wrong.pw", "not-the-password\n");
    oracle.cwd = p;
    oracle.env = {{"ANSIBLE_NOCOLOR", "1"}, {"ANSIBLE_RETRY_FILES_ENABLED", "0"},
                  {"ANSIBLE_CONFIG", dir.path() + "/none.cfg"}};
    auto enc = run_process({"/usr/bin/ansible-vault", "encrypt", "--vault-id", "prod@" + dir.path() + "/prod.pw",
                            "group_vars/all.yml"},
                           oracle);
    EXPECT_EQ(enc.exit_code, 0) << enc.err;
    auto inline_value = run_process({"/usr/bin/ansible-vault", "encrypt_string", "--vault-password-file",
                                     dir.path() + "/default.pw", "--name", "api_key", kApiKey},
                                    oracle);
    EXPECT_EQ(inline_value.exit_code, 0) << inline_value.err;
    dir.write("project/host_vars/localhost.yml", inline_value.out);
    // The job user (nobody) reads the project.
    run_shell("chmod 755 " + dir.path() + " && chmod -R a+rX " + p);

    ServerProcessOptions o;
    o.data_dir = dir.path() + "/var";
    o.env["DROVER_TEST_STDERR"] = dir.path() + "/server.log";
    o.extra_args = {"--workers", "2", "--project-root", p};
    server = std::make_unique<ServerProcess>(o);
    auto project = admin().post("/api/v1/projects", {{"name", "vaulted"}, {"kind", "local"}, {"path", p}});
    EXPECT_EQ(project.status, 201) << project.body;
    project_id = project.json().value("id", int64_t{0});
  }

  ApiClient admin() const { return ApiClient(server->url(), kAdminToken); }

  int64_t vault_credential(const std::string& name, const std::string& password, const std::string& vault_id,
                           Value extra = Value::object()) {
    Value body = {{"name", name}, {"kind", "vault"}, {"secret", password}};
    if (!vault_id.empty()) body["vault_id"] = vault_id;
    for (auto& [k, v] : extra.items()) body[k] = v;
    auto r = admin().post("/api/v1/credentials", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().value("id", int64_t{0});
  }

  int64_t vault_template(const std::string& name, const std::vector<int64_t>& vault_ids) {
    auto r = admin().post("/api/v1/templates", {{"name", name},
                                                {"project_id", project_id},
                                                {"playbook", "site.yml"},
                                                {"inventory", {{"file", "hosts.ini"}}},
                                                {"vault_credential_ids", vault_ids}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().value("id", int64_t{0});
  }

  Value run_template(int64_t template_id) {
    auto r = admin().post("/api/v1/jobs", {{"template_id", template_id}});
    EXPECT_EQ(r.status, 202) << r.body;
    std::string path = "/api/v1/jobs/" + std::to_string(r.json().value("id", int64_t{0}));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    Value job;
    while (std::chrono::steady_clock::now() < deadline) {
      job = admin().get(path).json();
      std::string s = job.value("state", "");
      if (s != "pending" && s != "running") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    job["output"] = admin().get(path + "/stdout").body + "\n" + admin().get(path + "/events?limit=1000").body;
    return job;
  }

  // ansible-playbook on the same project with these --vault-id's.
  ProcessResult ansible(const std::vector<std::string>& vault_ids) {
    std::vector<std::string> args = {"/usr/bin/ansible-playbook", "-i", "hosts.ini", "site.yml"};
    for (const auto& v : vault_ids) args.insert(args.end(), {"--vault-id", v});
    return run_process(args, oracle);
  }

  TempDir dir;
  ProcessOptions oracle;
  std::unique_ptr<ServerProcess> server;
  int64_t project_id = 0;
};

// Every byte the server keeps: its database (with the WAL) and its log.
std::string server_files(const std::string& data_dir, const std::string& log) {
  std::string all = read_file(log);
  for (const auto& e : std::filesystem::directory_iterator(data_dir))
    if (e.path().filename().string().rfind("drover.db", 0) == 0) all += read_file(e.path().string());
  return all;
}

TEST_F(VaultJobs, AVaultedProjectRunsWithItsVaultCredentialsAndThePasswordsShowNowhere) {
  int64_t prod = vault_credential("prod-vault", kProdPassword, "prod");
  int64_t other = vault_credential("default-vault", kDefaultPassword, "");
  Value job = run_template(vault_template("deploy", {prod, other}));
  EXPECT_EQ(job["state"], "successful") << job.dump();
  EXPECT_EQ(job["exit_code"], 0) << job.dump();
  std::string out = job["output"];
  EXPECT_NE(out.find("All assertions passed"), std::string::npos) << out;
  EXPECT_NE(out.find("lengths 20 17"), std::string::npos) << out;

  std::string audit = admin().get("/api/v1/audit?limit=1000").body;
  std::string credentials = admin().get("/api/v1/credentials").body;
  EXPECT_NE(credentials.find("\"vault_id\":\"prod\""), std::string::npos) << credentials;
  std::string kept = server_files(server->data_dir(), dir.path() + "/server.log");
  for (const char* secret : {kProdPassword, kDefaultPassword, kDbPassword, kApiKey}) {
    EXPECT_EQ(out.find(secret), std::string::npos) << secret << " is in the job's output or events";
    EXPECT_EQ(audit.find(secret), std::string::npos) << secret << " is in the audit log";
    EXPECT_EQ(credentials.find(secret), std::string::npos) << secret << " is in the credential list";
  }
  for (const char* password : {kProdPassword, kDefaultPassword})
    EXPECT_EQ(kept.find(password), std::string::npos) << password << " is stored unsealed or logged";
}

TEST_F(VaultJobs, AJobWithoutItsVaultPasswordFailsAsAnsiblePlaybookFails) {
  auto theirs = ansible({});
  ASSERT_NE(theirs.exit_code, 0) << theirs.out;
  Value job = run_template(vault_template("no-vault", {}));
  EXPECT_EQ(job["state"], "error") << job.dump();
  EXPECT_EQ(job["exit_code"], theirs.exit_code) << job.dump() << theirs.err;
  EXPECT_NE(theirs.err.find("Attempting to decrypt but no vault secrets found"), std::string::npos) << theirs.err;
  EXPECT_NE(job.value("error", "").find("Attempting to decrypt but no vault secrets found"), std::string::npos)
      << job.dump();
}

TEST_F(VaultJobs, AWrongVaultPasswordFailsAsAnsiblePlaybookFailsNamingTheFile) {
  auto theirs = ansible({"prod@" + dir.path() + "/wrong.pw", dir.path() + "/default.pw"});
  ASSERT_NE(theirs.exit_code, 0) << theirs.out;
  int64_t wrong = vault_credential("wrong-vault", "not-the-password", "prod");
  int64_t other = vault_credential("default-vault", kDefaultPassword, "");
  Value job = run_template(vault_template("wrong", {wrong, other}));
  EXPECT_EQ(job["state"], "error") << job.dump();
  EXPECT_EQ(job["exit_code"], theirs.exit_code) << job.dump() << theirs.err;
  std::string why = "Decryption failed (no vault secrets were found that could decrypt) on " + dir.path() +
                    "/project/group_vars/all.yml";
  EXPECT_NE(theirs.err.find(why), std::string::npos) << theirs.err;
  EXPECT_NE(job.value("error", "").find(why), std::string::npos) << job.dump();
  EXPECT_EQ(job["output"].get<std::string>().find("not-the-password"), std::string::npos);
}

TEST_F(VaultJobs, AnOperatorNotAllowedToUseAVaultCredentialGets403WhereverItIsNamed) {
  int64_t prod = vault_credential("prod-vault", kProdPassword, "prod");
  int64_t shared = vault_credential("shared-vault", kDefaultPassword, "", {{"allowed_roles", {"operator"}}});
  auto u = admin().post("/api/v1/users", {{"username", "op1"}, {"password", "op1-long-password"}, {"role", "operator"}});
  ASSERT_EQ(u.status, 201) << u.body;
  auto login = ApiClient(server->url()).post("/api/v1/login", {{"username", "op1"}, {"password", "op1-long-password"}});
  ASSERT_EQ(login.status, 200) << login.body;
  ApiClient op(server->url(), login.json().value("token", std::string()));
  Value tmpl = {{"name", "op-template"},
                {"project_id", project_id},
                {"playbook", "site.yml"},
                {"inventory", {{"file", "hosts.ini"}}},
                {"vault_credential_ids", {shared, prod}}};
  EXPECT_EQ(op.post("/api/v1/templates", tmpl).status, 403);
  EXPECT_EQ(op.post("/api/v1/jobs", {{"playbook", "site.yml"},
                                     {"project_dir", dir.path() + "/project"},
                                     {"inventory", "hosts.ini"},
                                     {"vault_credential_ids", {prod}}})
                .status,
            403);
  // The admin's template with the credential: the operator may neither
  // change it (that is using the credential) nor launch it.
  int64_t admins = vault_template("admins", {prod});
  EXPECT_EQ(op.patch("/api/v1/templates/" + std::to_string(admins), {{"forks", 2}}).status, 403);
  EXPECT_EQ(op.post("/api/v1/jobs", {{"template_id", admins}}).status, 403);
  // The credential the operator may use is fine.
  tmpl["vault_credential_ids"] = {shared};
  EXPECT_EQ(op.post("/api/v1/templates", tmpl).status, 201);
}

TEST_F(VaultJobs, VaultCredentialsGoOnlyWhereVaultPasswordsGoAndOnePerVaultId) {
  int64_t prod = vault_credential("prod-vault", kProdPassword, "prod");
  int64_t prod2 = vault_credential("prod-vault-2", kDefaultPassword, "prod");
  auto key = admin().post("/api/v1/credentials", {{"name", "key"}, {"kind", "ssh_key"}, {"secret", "k"}});
  ASSERT_EQ(key.status, 201);
  int64_t key_id = key.json()["id"];
  auto field_of = [](const HttpResponse& r) { return r.json()["error"]["details"].value("field", std::string()); };
  auto labelled_key =
      admin().post("/api/v1/credentials", {{"name", "k2"}, {"kind", "ssh_key"}, {"secret", "k"}, {"vault_id", "x"}});
  EXPECT_EQ(labelled_key.status, 400);
  auto bad_label =
      admin().post("/api/v1/credentials", {{"name", "v3"}, {"kind", "vault"}, {"secret", "k"}, {"vault_id", "a@b"}});
  EXPECT_EQ(bad_label.status, 400);
  EXPECT_EQ(field_of(bad_label), "vault_id");
  Value tmpl = {{"name", "t"}, {"project_id", project_id}, {"playbook", "site.yml"}, {"inventory", {{"file", "hosts.ini"}}}};
  tmpl["vault_credential_ids"] = {prod, prod2};
  auto twice = admin().post("/api/v1/templates", tmpl);
  EXPECT_EQ(twice.status, 400) << twice.body;
  EXPECT_NE(twice.body.find("same vault id 'prod'"), std::string::npos) << twice.body;
  tmpl["vault_credential_ids"] = {key_id};
  EXPECT_EQ(field_of(admin().post("/api/v1/templates", tmpl)), "vault_credential_ids");
  tmpl["vault_credential_ids"] = Value::array();
  tmpl["credential_id"] = prod;
  EXPECT_EQ(field_of(admin().post("/api/v1/templates", tmpl)), "credential_id");
  auto job = admin().post("/api/v1/jobs", {{"module", "ping"}, {"inventory_text", "localhost\n"}, {"credential_id", prod}});
  EXPECT_EQ(job.status, 400) << job.body;
  // Deleting a vault credential takes it off the templates that had it.
  int64_t t = vault_template("kept", {prod});
  ASSERT_EQ(admin().del("/api/v1/credentials/" + std::to_string(prod)).status, 204);
  EXPECT_EQ(admin().get("/api/v1/templates/" + std::to_string(t)).json()["vault_credential_ids"], Value::array());
}

}  // namespace
}  // namespace drover::test
