// What jobs are made from, under attack (issue 14, section 1): who may use
// a credential, what a launch may override (AWX's prompt-on-launch flags),
// where a project may lie and that nothing in it leads outside, git URLs
// with secrets, and git sync as a background job with a clean environment.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "server/security_http.hpp"
#include "server/server_fixture.hpp"

namespace drover::test {
namespace {

const char* kPlaybook = "- hosts: all\n  gather_facts: false\n  tasks:\n    - ping:\n";
const char* kLocalInventory = "localhost ansible_connection=local\n";

class ProjectSecurity : public ::testing::Test {
 protected:
  void SetUp() override {
    roots.write("p1/site.yml", kPlaybook);
    roots.write("p1/hosts.ini", kLocalInventory);
    ServerProcessOptions o;
    o.data_dir = data.path() + "/var";
    o.extra_args = {"--project-root", roots.path(), "--workers", "2"};
    server = std::make_unique<ServerProcess>(o);
  }
  ApiClient admin() const { return ApiClient(server->url(), kAdminToken); }
  // A user with `role`; returns {id, an API client with their session}.
  std::pair<int64_t, ApiClient> user(const std::string& name, const std::string& role) {
    std::string password = name + "-long-password";
    auto u =
        admin().post("/api/v1/users", {{"username", name}, {"password", password}, {"role", role}});
    EXPECT_EQ(u.status, 201) << u.body;
    auto l = ApiClient(server->url())
                 .post("/api/v1/login", {{"username", name}, {"password", password}});
    EXPECT_EQ(l.status, 200) << l.body;
    return {u.json().value("id", int64_t{0}),
            ApiClient(server->url(), l.json().value("token", std::string()))};
  }
  int64_t local_project(const std::string& name, const std::string& path) {
    auto p = admin().post("/api/v1/projects", {{"name", name}, {"kind", "local"}, {"path", path}});
    EXPECT_EQ(p.status, 201) << p.body;
    return p.json().value("id", int64_t{0});
  }
  Value wait_job(int64_t id) {
    std::string path = "/api/v1/jobs/" + std::to_string(id);
    for (int i = 0; i < 600; ++i) {
      Value job = admin().get(path).json();
      std::string state = job["state"];
      if (state != "pending" && state != "running") return job;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return admin().get(path).json();
  }
  // A git repository made by `setup`, in a new directory under the
  // project root (a repository on the server's disk must be there).
  std::string git_repo(const std::string& name, const std::string& setup) {
    std::string dir = roots.path() + "/git/" + name;
    auto r = run_shell("mkdir -p " + dir + " && cd " + dir + " && git init -q -b main && " + setup +
                       " && git add -A && git -c user.email=t@t -c user.name=t commit -qm init");
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return dir;
  }

  TempDir data, roots, repos, outside;
  std::unique_ptr<ServerProcess> server;
};

TEST_F(ProjectSecurity, ACredentialIsUsableOnlyByItsOwnerItsAllowedUsersAndRolesAndAdmins) {
  auto [op_id, op] = user("op-one", "operator");
  auto [op2_id, op2] = user("op-two", "operator");
  auto c = admin().post("/api/v1/credentials",
                        {{"name", "prod-root"}, {"kind", "password"}, {"secret", "hunter2-prod"}});
  ASSERT_EQ(c.status, 201) << c.body;
  EXPECT_FALSE(c.json().contains("secret"));
  EXPECT_TRUE(c.json()["owner_id"].is_number_integer());
  EXPECT_EQ(c.json()["allowed_roles"], Value::array());
  int64_t cred = c.json()["id"];
  std::string cred_path = "/api/v1/credentials/" + std::to_string(cred);
  Value job = {{"module", "ping"}, {"inventory_text", kLocalInventory}, {"credential_id", cred}};
  auto refused = op.post("/api/v1/jobs", job);
  EXPECT_EQ(refused.status, 403) << refused.body;
  auto admins = admin().post("/api/v1/jobs", job);
  EXPECT_EQ(admins.status, 202) << "admins may always";
  auto relaunch =
      op.post("/api/v1/jobs/" + admins.json()["id"].dump() + "/relaunch", Value::object());
  EXPECT_EQ(relaunch.status, 403) << "a relaunch meets the same rule: " << relaunch.body;

  ASSERT_EQ(admin().patch(cred_path, {{"allowed_users", {op_id}}}).status, 200);
  EXPECT_EQ(op.post("/api/v1/jobs", job).status, 202);
  EXPECT_EQ(op2.post("/api/v1/jobs", job).status, 403);
  ASSERT_EQ(admin().patch(cred_path, {{"allowed_roles", {"operator"}}}).status, 200);
  EXPECT_EQ(op2.post("/api/v1/jobs", job).status, 202);
  EXPECT_EQ(admin().get(cred_path).body.find("hunter2"), std::string::npos);

  // A deleted user's id leaves the list: SQLite may give it to the next user.
  auto [gone_id, gone] = user("op-gone", "operator");
  ASSERT_EQ(admin()
                .patch(cred_path,
                       {{"allowed_users", {op_id, gone_id}}, {"allowed_roles", Value::array()}})
                .status,
            200);
  ASSERT_EQ(admin().del("/api/v1/users/" + std::to_string(gone_id)).status, 204);
  EXPECT_EQ(admin().get(cred_path).json()["allowed_users"], Value::array({op_id}));
  auto [heir_id, heir] = user("op-heir", "operator");
  EXPECT_EQ(heir_id, gone_id) << "the id was reused (the case this guards)";
  EXPECT_EQ(heir.post("/api/v1/jobs", job).status, 403);
  ASSERT_EQ(admin().patch(cred_path, {{"allowed_roles", {"operator"}}}).status, 200);

  EXPECT_EQ(admin().patch(cred_path, {{"allowed_users", {999999}}}).status, 400);
  EXPECT_EQ(admin().patch(cred_path, {{"allowed_roles", {"god"}}}).status, 400);
  EXPECT_EQ(admin().patch(cred_path, {{"allowed_users", "everyone"}}).status, 400);

  // Through a template: launching, and attaching the credential, are refused.
  auto c2 = admin().post("/api/v1/credentials",
                         {{"name", "db-root"}, {"kind", "password"}, {"secret", "hunter3-db"}});
  ASSERT_EQ(c2.status, 201);
  int64_t project = local_project("p1", roots.path() + "/p1");
  Value tmpl = {{"name", "with-cred"},
                {"project_id", project},
                {"playbook", "site.yml"},
                {"inventory", {{"file", "hosts.ini"}}},
                {"credential_id", c2.json()["id"]}};
  EXPECT_EQ(op.post("/api/v1/templates", tmpl).status, 403);
  auto t = admin().post("/api/v1/templates", tmpl);
  ASSERT_EQ(t.status, 201) << t.body;
  auto launch = op.post("/api/v1/jobs", {{"template_id", t.json()["id"]}});
  EXPECT_EQ(launch.status, 403) << launch.body;
  EXPECT_EQ(admin().post("/api/v1/jobs", {{"template_id", t.json()["id"]}}).status, 202);
  // Nor may the operator change what the template runs with it.
  std::string tmpl_path = "/api/v1/templates/" + t.json()["id"].dump();
  EXPECT_EQ(op.patch(tmpl_path, {{"playbook", "other.yml"}}).status, 403);
  EXPECT_EQ(admin().get(tmpl_path).json()["playbook"], "site.yml");
}

TEST_F(ProjectSecurity, ALaunchOverridesOnlyTheFieldsItsTemplatePromptsFor) {
  int64_t project = local_project("p1", roots.path() + "/p1");
  auto t = admin().post("/api/v1/templates", {{"name", "strict"},
                                              {"project_id", project},
                                              {"playbook", "site.yml"},
                                              {"inventory", {{"file", "hosts.ini"}}}});
  ASSERT_EQ(t.status, 201) << t.body;
  EXPECT_EQ(t.json()["ask_limit_on_launch"], false);
  EXPECT_EQ(t.json()["ask_variables_on_launch"], false);
  int64_t id = t.json()["id"];
  auto cred = admin().post("/api/v1/credentials",
                           {{"name", "c"}, {"kind", "password"}, {"secret", "s3cret-value"}});
  ASSERT_EQ(cred.status, 201);
  Value overrides = {{"limit", "localhost"},
                     {"extra_vars", {{"x", 1}}},
                     {"credential_id", cred.json()["id"]},
                     {"inventory_text", "other-host"},
                     {"tags", "t"},
                     {"skip_tags", "s"},
                     {"check", true},
                     {"diff", true},
                     {"verbosity", 2},
                     {"forks", 3}};
  for (auto it = overrides.begin(); it != overrides.end(); ++it) {
    auto r = admin().post("/api/v1/jobs", {{"template_id", id}, {it.key(), it.value()}});
    EXPECT_EQ(r.status, 400) << it.key() << " " << r.body;
    EXPECT_EQ(r.json()["error"]["details"]["field"], it.key()) << r.body;
    EXPECT_NE(r.body.find("not configured to prompt on launch"), std::string::npos) << r.body;
  }
  EXPECT_EQ(admin().post("/api/v1/jobs", {{"template_id", id}}).status, 202)
      << "no overrides: fine";
  auto patched = admin().patch("/api/v1/templates/" + std::to_string(id),
                               {{"ask_limit_on_launch", true}, {"ask_variables_on_launch", true}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json()["ask_limit_on_launch"], true);
  auto ok = admin().post("/api/v1/jobs",
                         {{"template_id", id}, {"limit", "localhost"}, {"extra_vars", {{"x", 1}}}});
  ASSERT_EQ(ok.status, 202) << ok.body;
  EXPECT_EQ(ok.json()["spec"]["limit"], "localhost");
  EXPECT_EQ(admin().post("/api/v1/jobs", {{"template_id", id}, {"check", true}}).status, 400);
  EXPECT_EQ(admin()
                .patch("/api/v1/templates/" + std::to_string(id), {{"ask_limit_on_launch", "yes"}})
                .status,
            400);

  // A CMDB-query template's query stays: a launch limit narrows it.
  auto q = admin().post("/api/v1/templates", {{"name", "caches"},
                                              {"project_id", project},
                                              {"playbook", "site.yml"},
                                              {"inventory", {{"query", {{"role", "cache"}}}}},
                                              {"ask_limit_on_launch", true}});
  ASSERT_EQ(q.status, 201) << q.body;
  auto wide = admin().post("/api/v1/jobs", {{"template_id", q.json()["id"]}, {"limit", "all"}});
  ASSERT_EQ(wide.status, 202) << wide.body;
  EXPECT_EQ(wide.json()["spec"]["limit"], "role_cache:&all");
}

TEST_F(ProjectSecurity, ALocalProjectMustLieUnderAnAllowedRootAfterResolvingItsPath) {
  outside.write("site.yml", kPlaybook);
  auto refused = [&](const std::string& path) {
    auto r = admin().post("/api/v1/projects", {{"name", "x"}, {"kind", "local"}, {"path", path}});
    EXPECT_EQ(r.status, 400) << path << " " << r.body;
    EXPECT_EQ(r.json()["error"]["details"]["field"], "path") << r.body;
  };
  refused(outside.path());
  refused(roots.path() + "/../" + std::filesystem::path(outside.path()).filename().string());
  refused("/etc");
  refused(data.path() + "/var");
  std::filesystem::create_symlink(outside.path(), roots.path() + "/sneaky");
  refused(roots.path() + "/sneaky");
  refused(roots.path() + "/p1/site.yml");  // not a directory
  auto ok = admin().post("/api/v1/projects",
                         {{"name", "ok"}, {"kind", "local"}, {"path", roots.path() + "/p1/"}});
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(ok.json()["path"], std::filesystem::canonical(roots.path() + "/p1").string());

  // A root that holds the data directory does not make the server's own
  // files a project, nor a job's inventory or playbook.
  TempDir srv;
  srv.write("playbooks/site.yml", kPlaybook);
  ServerProcess wide({srv.path() + "/var", {}, {"--project-root", srv.path()}});
  ApiClient w(wide.url(), kAdminToken);
  for (std::string path : {srv.path(), srv.path() + "/var", srv.path() + "/var/projects",
                           srv.path() + "/var/projects/.git-home", srv.path() + "/var/jobs"}) {
    std::filesystem::create_directories(path);
    auto r = w.post("/api/v1/projects", {{"name", "x"}, {"kind", "local"}, {"path", path}});
    EXPECT_EQ(r.status, 400) << path << " " << r.body;
  }
  EXPECT_EQ(
      w.post("/api/v1/jobs", {{"module", "ping"}, {"inventory", {srv.path() + "/var/secret.key"}}})
          .status,
      400);
  EXPECT_EQ(w.post("/api/v1/jobs", {{"project_dir", srv.path() + "/var"},
                                    {"playbook", "../playbooks/site.yml"},
                                    {"inventory", "localhost,"}})
                .status,
            400);
  EXPECT_EQ(w.post("/api/v1/projects",
                   {{"name", "ok"}, {"kind", "local"}, {"path", srv.path() + "/playbooks"}})
                .status,
            201);

  // Without --project-root only <data>/projects is allowed.
  TempDir other;
  ServerProcess plain({other.path() + "/var", {}, {}});
  ApiClient api(plain.url(), kAdminToken);
  EXPECT_EQ(api.post("/api/v1/projects",
                     {{"name", "x"}, {"kind", "local"}, {"path", roots.path() + "/p1"}})
                .status,
            400);
  std::filesystem::create_directories(other.path() + "/var/projects/mine");
  EXPECT_EQ(
      api.post("/api/v1/projects",
               {{"name", "x"}, {"kind", "local"}, {"path", other.path() + "/var/projects/mine"}})
          .status,
      201);
}

TEST_F(ProjectSecurity, SymlinksThatLeaveAProjectAreRefusedAtCreateSyncAndLaunch) {
  outside.write("evil.yml",
                "- hosts: all\n  tasks:\n    - debug: msg={{ lookup('file', '/etc/hostname') }}\n");
  roots.write("leaky/site.yml", kPlaybook);
  std::filesystem::create_symlink("/etc", roots.path() + "/leaky/etc");
  auto r = admin().post("/api/v1/projects",
                        {{"name", "leaky"}, {"kind", "local"}, {"path", roots.path() + "/leaky"}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("symlink"), std::string::npos) << r.body;

  // Links inside the project are fine.
  roots.write("tidy/shared/main.yml", "[]\n");
  roots.write("tidy/site.yml", kPlaybook);
  roots.write("tidy/hosts.ini", kLocalInventory);
  std::filesystem::create_directories(roots.path() + "/tidy/roles");
  std::filesystem::create_symlink("../shared", roots.path() + "/tidy/roles/common");
  int64_t project = local_project("tidy", roots.path() + "/tidy");
  auto t = admin().post("/api/v1/templates", {{"name", "tidy"},
                                              {"project_id", project},
                                              {"playbook", "site.yml"},
                                              {"inventory", {{"file", "hosts.ini"}}}});
  ASSERT_EQ(t.status, 201) << t.body;
  EXPECT_EQ(admin().post("/api/v1/jobs", {{"template_id", t.json()["id"]}}).status, 202);

  // Someone adds a link that leaves it: the sync fails, a launch is refused.
  std::filesystem::create_symlink(outside.path() + "/evil.yml", roots.path() + "/tidy/evil.yml");
  auto sync =
      admin().post("/api/v1/projects/" + std::to_string(project) + "/sync", Value::object());
  ASSERT_EQ(sync.status, 202) << sync.body;
  EXPECT_EQ(sync.json()["kind"], "sync");
  Value job = wait_job(sync.json()["id"]);
  EXPECT_EQ(job["state"], "failed") << job.dump();
  Value p = admin().get("/api/v1/projects/" + std::to_string(project)).json();
  EXPECT_EQ(p["sync_state"], "failed");
  EXPECT_NE(p["sync_message"].get<std::string>().find("symlink"), std::string::npos) << p.dump();
  auto launch = admin().post("/api/v1/jobs", {{"template_id", t.json()["id"]}});
  EXPECT_EQ(launch.status, 400) << launch.body;
  auto direct = admin().post("/api/v1/jobs", {{"project_dir", roots.path() + "/tidy"},
                                              {"playbook", "evil.yml"},
                                              {"inventory_text", kLocalInventory}});
  EXPECT_EQ(direct.status, 400) << direct.body;
}

TEST_F(ProjectSecurity, ADirectJobsPlaybookMustLieUnderAProjectRoot) {
  std::string evil = outside.write("site.yml", kPlaybook);
  auto r = admin().post("/api/v1/jobs", {{"playbook", evil}, {"inventory_text", kLocalInventory}});
  EXPECT_EQ(r.status, 400) << r.body;
  r = admin().post("/api/v1/jobs", {{"project_dir", outside.path()},
                                    {"playbook", "site.yml"},
                                    {"inventory_text", kLocalInventory}});
  EXPECT_EQ(r.status, 400) << r.body;
  r = admin().post("/api/v1/jobs", {{"project_dir", roots.path() + "/p1"},
                                    {"playbook", "../../" + evil},
                                    {"inventory_text", kLocalInventory}});
  EXPECT_EQ(r.status, 400) << r.body;
  r = admin().post("/api/v1/jobs", {{"playbook", roots.path() + "/p1/site.yml"},
                                    {"inventory_text", kLocalInventory}});
  EXPECT_EQ(r.status, 202) << r.body;
  r = admin().post("/api/v1/jobs", {{"kind", "sync"}, {"project_id", 1}});
  EXPECT_EQ(r.status, 400) << "sync jobs come from POST /projects/{id}/sync only";
}

TEST_F(ProjectSecurity, AJobsInventoryFilesStayInsideItsProjectOrUnderAProjectRoot) {
  std::string stray = outside.write("hosts.ini", kLocalInventory);
  auto status = [&](Value body) { return admin().post("/api/v1/jobs", body).status; };
  Value adhoc = {{"module", "ping"}};
  auto with = [&](Value base, Value inventory) {
    base["inventory"] = inventory;
    return base;
  };
  EXPECT_EQ(status(with(adhoc, {"/etc/shadow"})), 400);
  EXPECT_EQ(status(with(adhoc, {stray})), 400);
  EXPECT_EQ(status(with(adhoc, {"drover:/var/lib/other-drover"})), 400);
  EXPECT_EQ(status(with(adhoc, {"hosts.ini"})), 400) << "relative, and no project";
  EXPECT_EQ(status(with(adhoc, {roots.path() + "/p1/hosts.ini"})), 202);
  EXPECT_EQ(status(with(adhoc, {"localhost,"})), 202);
  EXPECT_EQ(status(with(adhoc, {"drover:" + data.path() + "/var"})), 202);
  Value book = {{"project_dir", roots.path() + "/p1"}, {"playbook", "site.yml"}};
  EXPECT_EQ(status(with(book, {"../../" + stray})), 400);
  EXPECT_EQ(status(with(book, {"hosts.ini"})), 202);
}

TEST_F(ProjectSecurity, GitUrlsThatCarrySecretsAreRefusedAndNeverEchoed) {
  for (std::string url :
       {"https://deploy:s3cr3t-pw@git.example.com/repo.git", "http://user:s3cr3t-pw@10.0.0.1/r",
        "https://ghp_s3cr3t-pw@github.com/org/repo.git", "ext::sh -c s3cr3t-pw",
        "ssh://git:s3cr3t-pw@git.example.com/repo.git"}) {
    auto r = admin().post("/api/v1/projects", {{"name", "g"}, {"kind", "git"}, {"url", url}});
    EXPECT_EQ(r.status, 400) << url << " " << r.body;
    EXPECT_EQ(r.body.find("s3cr3t-pw"), std::string::npos) << r.body;
    EXPECT_EQ(r.json()["error"]["details"]["field"], "url");
  }
  EXPECT_EQ(admin().get("/api/v1/audit").body.find("s3cr3t-pw"), std::string::npos);
  // A repository on the server's disk outside the project roots (etckeeper's
  // /etc/.git, another data directory) is refused like a local project.
  std::string elsewhere = outside.path() + "/repo";
  ASSERT_EQ(run_shell("git init -q " + elsewhere).exit_code, 0);
  for (std::string url : {"file://" + elsewhere, elsewhere, std::string("/etc"),
                          "file://" + roots.path() + "/../x"}) {
    auto r = admin().post("/api/v1/projects", {{"name", "g"}, {"kind", "git"}, {"url", url}});
    EXPECT_EQ(r.status, 400) << url << " " << r.body;
  }
  auto ssh =
      admin().post("/api/v1/projects",
                   {{"name", "g"}, {"kind", "git"}, {"url", "ssh://git@127.0.0.1:1/repo.git"}});
  EXPECT_EQ(ssh.status, 201) << "a user name in an ssh URL is not a secret: " << ssh.body;
}

TEST_F(ProjectSecurity, GitSyncRunsAsABackgroundJobWhoseEventsShowGitsOutput) {
  std::string repo =
      git_repo("play", "printf 'v1\\n' > version.txt && cp " + roots.path() + "/p1/site.yml .");
  auto p = admin().post(
      "/api/v1/projects",
      {{"name", "git"}, {"kind", "git"}, {"url", "file://" + repo}, {"branch", "main"}});
  ASSERT_EQ(p.status, 201) << p.body;
  EXPECT_EQ(p.json()["sync_state"], "pending");
  ASSERT_TRUE(p.json()["sync_job_id"].is_number_integer()) << p.body;
  int64_t project = p.json()["id"];
  Value job = wait_job(p.json()["sync_job_id"]);
  EXPECT_EQ(job["state"], "successful") << job.dump();
  EXPECT_EQ(job["kind"], "sync");
  std::string out = admin().get("/api/v1/jobs/" + job["id"].dump() + "/stdout").body;
  EXPECT_NE(out.find("Cloning into"), std::string::npos) << out;
  Value synced = admin().get("/api/v1/projects/" + std::to_string(project)).json();
  EXPECT_EQ(synced["sync_state"], "ok") << synced.dump();
  std::string checkout = synced["path"];
  EXPECT_EQ(read_file(checkout + "/version.txt"), "v1\n");

  ASSERT_EQ(
      run_shell(
          "cd " + repo +
          " && printf 'v2\\n' > version.txt && git -c user.email=t@t -c user.name=t commit -qam v2")
          .exit_code,
      0);
  // No body and no Content-Type (what `curl -X POST -d ''` sends).
  auto again = raw_request(server->port(),
                           "POST /api/v1/projects/" + std::to_string(project) +
                               "/sync HTTP/1.1\r\nContent-Length: 0\r\nAuthorization: Bearer " +
                               kAdminToken);
  ASSERT_EQ(again.status, 202) << again.body;
  Value second = wait_job(again.json()["id"]);
  EXPECT_EQ(second["state"], "successful") << second.dump();
  EXPECT_EQ(read_file(checkout + "/version.txt"), "v2\n");
  Value listed = admin().get("/api/v1/jobs?kind=sync").json();
  EXPECT_EQ(listed["total"], 2) << listed.dump();
  EXPECT_EQ(admin().del("/api/v1/projects/" + std::to_string(project)).status, 204);
  EXPECT_FALSE(std::filesystem::exists(checkout))
      << "a deleted git project's checkout goes with it";
}

TEST_F(ProjectSecurity, ATemplateOnAGitProjectRunsTheSyncedCheckoutsPlaybook) {
  std::string repo = git_repo("runs",
                              "printf -- '- hosts: all\\n  gather_facts: false\\n  tasks:\\n"
                              "    - debug: msg=from-the-checkout\\n' > site.yml && "
                              "printf 'localhost ansible_connection=local\\n' > hosts.ini");
  auto p = admin().post("/api/v1/projects",
                        {{"name", "runs"}, {"kind", "git"}, {"url", "file://" + repo}});
  ASSERT_EQ(p.status, 201) << p.body;
  ASSERT_EQ(wait_job(p.json()["sync_job_id"])["state"], "successful");
  auto t = admin().post("/api/v1/templates", {{"name", "runs"},
                                              {"project_id", p.json()["id"]},
                                              {"playbook", "site.yml"},
                                              {"inventory", {{"file", "hosts.ini"}}}});
  ASSERT_EQ(t.status, 201) << t.body;
  auto launch = admin().post("/api/v1/jobs", {{"template_id", t.json()["id"]}});
  ASSERT_EQ(launch.status, 202) << launch.body;
  Value job = wait_job(launch.json()["id"]);
  std::string out = admin().get("/api/v1/jobs/" + job["id"].dump() + "/stdout").body;
  EXPECT_EQ(job["state"], "successful") << job.dump() << out;
  EXPECT_NE(out.find("from-the-checkout"), std::string::npos) << out;
}

TEST_F(ProjectSecurity, GitRunsWithACleanEnvironmentAndNoneOfTheServersGitConfig) {
  std::string real = git_repo("real", "printf 'real\\n' > which.txt");
  std::string decoy = git_repo("decoy", "printf 'decoy\\n' > which.txt");
  // A server whose user has a git config that rewrites URLs and a
  // credential helper, and whose environment asks git to trace itself.
  TempDir home;
  home.write(".gitconfig", "[url \"file://" + decoy + "\"]\n\tinsteadOf = file://" + real +
                               "\n[credential]\n\thelper = store --file " + home.path() +
                               "/leaked\n");
  ServerProcessOptions o;
  o.data_dir = data.path() + "/var2";
  o.extra_args = {"--project-root", roots.path()};
  o.env = {{"HOME", home.path()},
           {"GIT_TRACE", home.path() + "/trace.log"},
           {"GIT_CONFIG_PARAMETERS", "'url.file://" + decoy + ".insteadof'='file://" + real + "'"}};
  ServerProcess srv(o);
  ApiClient api(srv.url(), kAdminToken);
  auto p =
      api.post("/api/v1/projects", {{"name", "git"}, {"kind", "git"}, {"url", "file://" + real}});
  ASSERT_EQ(p.status, 201) << p.body;
  Value job;
  for (int i = 0; i < 600; ++i) {
    job = api.get("/api/v1/jobs/" + p.json()["sync_job_id"].dump()).json();
    if (job["state"] != "pending" && job["state"] != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(job["state"], "successful") << job.dump();
  std::string checkout = api.get("/api/v1/projects/" + p.json()["id"].dump()).json()["path"];
  EXPECT_EQ(read_file(checkout + "/which.txt"), "real\n");
  EXPECT_FALSE(std::filesystem::exists(home.path() + "/trace.log"))
      << "git saw the server's environment";
}

TEST_F(ProjectSecurity, AGitCheckoutWithASymlinkLeavingItFailsItsSyncAndIsRemoved) {
  std::string repo = git_repo("leaky", "ln -s /etc/hostname leak && printf 'x\\n' > site.yml");
  auto p = admin().post("/api/v1/projects",
                        {{"name", "leaky"}, {"kind", "git"}, {"url", "file://" + repo}});
  ASSERT_EQ(p.status, 201) << p.body;
  Value job = wait_job(p.json()["sync_job_id"]);
  EXPECT_EQ(job["state"], "failed") << job.dump();
  Value project = admin().get("/api/v1/projects/" + p.json()["id"].dump()).json();
  EXPECT_EQ(project["sync_state"], "failed");
  EXPECT_NE(project["sync_message"].get<std::string>().find("symlink"), std::string::npos)
      << project.dump();
  EXPECT_FALSE(std::filesystem::exists(data.path() + "/var/projects/" + p.json()["id"].dump()));
}

// A smart-HTTP git server (git-http-backend behind Python's http.server)
// that wants Basic auth, on a free port; killed by pid when it goes.
const char* kGitHttpServer = R"PY(
import base64, http.server, subprocess, sys
root, user, password, port_file = sys.argv[1:5]
expected = 'Basic ' + base64.b64encode((user + ':' + password).encode()).decode()
class Handler(http.server.BaseHTTPRequestHandler):
    def serve(self):
        if self.headers.get('Authorization') != expected:
            self.send_response(401)
            self.send_header('WWW-Authenticate', 'Basic realm="git"')
            self.send_header('Content-Length', '0')
            self.end_headers()
            return
        path, _, query = self.path.partition('?')
        body = self.rfile.read(int(self.headers.get('Content-Length') or 0))
        env = {'GIT_PROJECT_ROOT': root, 'GIT_HTTP_EXPORT_ALL': '1', 'PATH_INFO': path, 'QUERY_STRING': query,
               'REQUEST_METHOD': self.command, 'CONTENT_TYPE': self.headers.get('Content-Type', ''),
               'HTTP_CONTENT_ENCODING': self.headers.get('Content-Encoding', ''),
               'CONTENT_LENGTH': str(len(body)), 'REMOTE_USER': user, 'PATH': '/usr/bin:/bin'}
        out = subprocess.run(['/usr/lib/git-core/git-http-backend'], input=body, env=env, capture_output=True).stdout
        head, _, rest = out.partition(b'\r\n\r\n')
        status, headers = 200, []
        for line in head.split(b'\r\n'):
            name, _, value = line.decode().partition(':')
            if name.lower() == 'status':
                status = int(value.split()[0])
            elif name:
                headers.append((name, value.strip()))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(rest)))
        self.end_headers()
        self.wfile.write(rest)
    do_GET = do_POST = serve
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
open(port_file + '.tmp', 'w').write(str(server.server_address[1]))
import os; os.rename(port_file + '.tmp', port_file)
server.serve_forever()
)PY";

struct GitHttpServer {
  GitHttpServer(const std::string& root, const std::string& user, const std::string& password) {
    std::string script = dir.write("serve.py", kGitHttpServer);
    std::string port_file = dir.path() + "/port";
    pid = fork();
    if (pid == 0) {
      execl(kSystemPython, kSystemPython, script.c_str(), root.c_str(), user.c_str(),
            password.c_str(), port_file.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 100 && !std::filesystem::exists(port_file); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    port = std::stoi(read_file(port_file));
  }
  ~GitHttpServer() {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  TempDir dir;
  pid_t pid = -1;
  int port = 0;
};

TEST_F(ProjectSecurity, AGitProjectsPasswordReachesGitThroughItsCredentialNeverTheUrl) {
  std::string repo = git_repo("private", "printf 'private\\n' > which.txt");
  ASSERT_EQ(
      run_shell("git clone -q --bare " + repo + " " + repos.path() + "/private.git").exit_code, 0);
  // (served over HTTP from outside the project roots)
  GitHttpServer http(repos.path(), "deploy", "git-s3cret-pw");
  std::string url = "http://127.0.0.1:" + std::to_string(http.port) + "/private.git";
  auto cred = admin().post(
      "/api/v1/credentials",
      {{"name", "git"}, {"kind", "password"}, {"username", "deploy"}, {"secret", "git-s3cret-pw"}});
  ASSERT_EQ(cred.status, 201);
  auto [op_id, op] = user("git-op", "operator");
  EXPECT_EQ(
      op.post("/api/v1/projects",
              {{"name", "p"}, {"kind", "git"}, {"url", url}, {"credential_id", cred.json()["id"]}})
          .status,
      403)
      << "an operator may not attach a credential they may not use";

  auto without =
      admin().post("/api/v1/projects", {{"name", "no-cred"}, {"kind", "git"}, {"url", url}});
  ASSERT_EQ(without.status, 201) << without.body;
  EXPECT_EQ(wait_job(without.json()["sync_job_id"])["state"], "failed");

  auto p = admin().post(
      "/api/v1/projects",
      {{"name", "with-cred"}, {"kind", "git"}, {"url", url}, {"credential_id", cred.json()["id"]}});
  ASSERT_EQ(p.status, 201) << p.body;
  EXPECT_EQ(p.json()["credential_id"], cred.json()["id"]);
  Value job = wait_job(p.json()["sync_job_id"]);
  ASSERT_EQ(job["state"], "successful")
      << job.dump() << admin().get("/api/v1/jobs/" + job["id"].dump() + "/stdout").body;
  std::string checkout = admin().get("/api/v1/projects/" + p.json()["id"].dump()).json()["path"];
  EXPECT_EQ(read_file(checkout + "/which.txt"), "private\n");
  EXPECT_EQ(read_file(checkout + "/.git/config").find("s3cret"), std::string::npos);
  EXPECT_EQ(admin().get("/api/v1/jobs/" + job["id"].dump() + "/events").body.find("s3cret"),
            std::string::npos);
  auto leftovers =
      run_shell("ls -A " + data.path() + "/var/projects/.git-home | grep cred- || true");
  EXPECT_EQ(leftovers.out, "") << "the askpass directory is removed after the sync";
}

TEST_F(ProjectSecurity, CancelingASyncJobKillsAGitThatHangs) {
  // A "git server" that accepts the connection and never says a word: ssh
  // waits for its banner forever.
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(listener, 4), 0);
  socklen_t len = sizeof addr;
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  std::string url = "ssh://git@127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/repo.git";
  auto p = admin().post("/api/v1/projects", {{"name", "hangs"}, {"kind", "git"}, {"url", url}});
  ASSERT_EQ(p.status, 201) << p.body;
  std::string job_path = "/api/v1/jobs/" + p.json()["sync_job_id"].dump();
  for (int i = 0; i < 100 && admin().get(job_path).json()["state"] != "running"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(admin().post(job_path + "/cancel", Value::object()).status, 202);
  Value job = wait_job(p.json()["sync_job_id"]);
  EXPECT_EQ(job["state"], "canceled") << job.dump();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(admin().get("/api/v1/projects/" + p.json()["id"].dump()).json()["sync_state"],
            "failed");
  close(listener);
}

TEST_F(ProjectSecurity, AServerKilledMidSyncKillsTheOrphanedGitAndFailsTheProjectAtRestart) {
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);  // never answers
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(listener, 4), 0);
  socklen_t len = sizeof addr;
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  std::string url = "ssh://git@127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/repo.git";
  auto p = admin().post("/api/v1/projects", {{"name", "hangs"}, {"kind", "git"}, {"url", url}});
  ASSERT_EQ(p.status, 201) << p.body;
  std::string project_path = "/api/v1/projects/" + p.json()["id"].dump();
  for (int i = 0; i < 100 && admin().get(project_path).json()["sync_state"] != "running"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(admin().get(project_path).json()["sync_state"], "running");
  // The hung ssh of that git is connected to us.
  timeval tv{10, 0};
  setsockopt(listener, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  int from_git = accept(listener, nullptr, nullptr);
  ASSERT_GE(from_git, 0);
  server->kill9();
  server->start();
  Value project = admin().get(project_path).json();
  EXPECT_EQ(project["sync_state"], "failed") << project.dump();
  EXPECT_NE(project["sync_message"].get<std::string>().find("interrupted"), std::string::npos);
  // The restarted server killed the git (and its ssh) the dead one left.
  setsockopt(from_git, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[512];
  ssize_t got = 0;
  while ((got = recv(from_git, buf, sizeof buf, 0)) > 0) {  // ssh's version line
  }
  EXPECT_EQ(got, 0) << "the connection of the orphaned ssh is closed (not timed out)";
  close(from_git);
  close(listener);
}

TEST_F(ProjectSecurity, CancelAnswers2xxWithNoBodyAndNoContentType) {
  auto job = admin().post(
      "/api/v1/jobs",
      {{"module", "command"}, {"args", "sleep 30"}, {"inventory_text", kLocalInventory}});
  ASSERT_EQ(job.status, 202) << job.body;
  int64_t id = job.json()["id"];
  auto r = raw_request(server->port(),
                       "POST /api/v1/jobs/" + std::to_string(id) +
                           "/cancel HTTP/1.1\r\nContent-Length: 0\r\nAuthorization: Bearer " +
                           kAdminToken);
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(wait_job(id)["state"], "canceled");
}

// `curl -X POST` sends neither a body nor Content-Length; RFC 9112 6.3:
// such a request has no body. cpp-httplib 0.11 (the HTTP server until
// wip/http replaces it) reads until the client closes instead, and answers
// 400 after its read timeout: enable this once the new server is merged.
TEST_F(ProjectSecurity, DISABLED_SyncAndCancelAnswer2xxWithoutAContentLength) {
  int64_t project = local_project("p1", roots.path() + "/p1");
  auto r =
      raw_request(server->port(), "POST /api/v1/projects/" + std::to_string(project) +
                                      "/sync HTTP/1.1\r\nAuthorization: Bearer " + kAdminToken);
  EXPECT_EQ(r.status, 202) << r.body;
  r = raw_request(server->port(), "POST /api/v1/jobs/" + r.json()["id"].dump() +
                                      "/cancel HTTP/1.1\r\nAuthorization: Bearer " + kAdminToken);
  EXPECT_TRUE(r.status == 202 || r.status == 409) << r.body;
}

}  // namespace
}  // namespace drover::test
