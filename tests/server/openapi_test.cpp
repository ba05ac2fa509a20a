// The OpenAPI document against the server: every registered route has a
// documentation entry (src/server/api_docs*.cpp), the document holds
// together as OpenAPI 3.0, and every answer the real server gives -- to no
// token, a viewer, a valid request, a malformed body, an unknown id, each
// documented query parameter -- has a documented status, and a JSON answer
// validates against the documented schema of its status.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "harness/process.hpp"
#include "server/api_docs.hpp"
#include "server/json_schema_check.hpp"
#include "server/openapi_prober.hpp"
#include "server/server_fixture.hpp"

namespace drover::test {
namespace {

std::string with_id(const std::string& route, int64_t id) {
  return std::regex_replace(route, std::regex("\\{id\\}"), std::to_string(id));
}

class OpenApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess();
    doc_ = new Value(ApiClient(server_->url()).get("/api/v1/openapi.json").json());
  }
  static void TearDownTestSuite() {
    delete doc_;
    delete server_;
    server_ = nullptr;
  }
  static ServerProcess* server_;
  static Value* doc_;
};
ServerProcess* OpenApi::server_ = nullptr;
Value* OpenApi::doc_ = nullptr;

std::string login(const ServerProcess& server, const std::string& user,
                  const std::string& password) {
  auto r =
      ApiClient(server.url()).post("/api/v1/login", {{"username", user}, {"password", password}});
  if (r.status != 200) throw std::runtime_error("login of " + user + " failed: " + r.body);
  return r.json()["token"];
}

TEST_F(OpenApi, EveryRegisteredRouteHasADocumentationEntryAndEveryEntryIsARoute) {
  std::set<std::string> served;
  for (const auto& [path, ops] : (*doc_)["paths"].items())
    for (const auto& [method, op] : ops.items()) {
      served.insert(upper(method) + " " + path);
      EXPECT_FALSE(op.contains("x-drover-undocumented"))
          << upper(method) << " " << path << " has no entry in src/server/api_docs_*.cpp";
    }
  for (const auto& [key, entry] : server::api_docs())
    EXPECT_TRUE(served.count(key))
        << "api_docs has '" << key << "', which is not a registered route";
  EXPECT_GE(served.size(), 50u);
}

TEST_F(OpenApi, DocumentIsStructurallyOpenApi30) {
  const Value& doc = *doc_;
  EXPECT_EQ(doc["openapi"], "3.0.3");
  EXPECT_TRUE(doc["info"].contains("title") && doc["info"].contains("version"));
  SchemaChecker checker(doc);
  // Every $ref anywhere resolves.
  std::function<void(const Value&, const std::string&)> walk = [&](const Value& v,
                                                                   const std::string& where) {
    if (v.is_object()) {
      if (v.contains("$ref")) {
        EXPECT_NO_THROW(checker.resolve(v["$ref"])) << where << ": " << v["$ref"];
      }
      for (const auto& [k, sub] : v.items()) walk(sub, where + "/" + k);
    } else if (v.is_array()) {
      for (size_t i = 0; i < v.size(); ++i) walk(v[i], where + "/" + std::to_string(i));
    }
  };
  walk(doc, "#");
  for (const auto& [name, s] : doc["components"]["schemas"].items())
    EXPECT_EQ(checker.unknown_keywords(s), std::vector<std::string>{}) << "component " << name;
  std::set<std::string> operation_ids;
  const std::set<std::string> methods = {"get",     "put",  "post",  "delete",
                                         "options", "head", "patch", "trace"};
  for (const auto& [path, ops] : doc["paths"].items()) {
    ASSERT_EQ(path[0], '/') << path;
    std::set<std::string> in_path;
    static const std::regex param("\\{([^}]+)\\}");
    for (std::sregex_iterator it(path.begin(), path.end(), param), end; it != end; ++it)
      in_path.insert((*it)[1]);
    for (const auto& [method, op] : ops.items()) {
      std::string where = method + " " + path;
      EXPECT_TRUE(methods.count(method)) << where;
      ASSERT_TRUE(op.contains("operationId")) << where;
      EXPECT_TRUE(operation_ids.insert(op["operationId"]).second)
          << "operationId used twice: " << op["operationId"];
      std::set<std::string> declared;
      std::set<std::pair<std::string, std::string>> unique;
      for (const auto& p : op.value("parameters", Value::array())) {
        ASSERT_TRUE(p.contains("name") && p.contains("in") && p.contains("schema"))
            << where << ": " << p;
        std::string in = p["in"];
        EXPECT_TRUE(in == "path" || in == "query" || in == "header" || in == "cookie")
            << where << ": " << p;
        EXPECT_TRUE(unique.insert({p["name"], in}).second)
            << where << ": parameter twice: " << p["name"];
        EXPECT_EQ(checker.unknown_keywords(p["schema"]), std::vector<std::string>{})
            << where << ": " << p;
        if (in == "path") {
          EXPECT_EQ(p.value("required", false), true) << where << ": path parameters are required";
          declared.insert(p["name"]);
        }
      }
      EXPECT_EQ(declared, in_path) << where << ": path parameters declared vs in the path";
      ASSERT_TRUE(op.contains("responses") && !op["responses"].empty()) << where;
      bool success = false;
      for (const auto& [status, resp] : op["responses"].items()) {
        EXPECT_TRUE(std::regex_match(status, std::regex("[1-5][0-9][0-9]")))
            << where << ": status " << status;
        success = success || status[0] == '2';
        EXPECT_TRUE(resp.contains("description")) << where << " " << status;
        const Value content = resp.value("content", Value::object());
        for (const auto& [type, media] : content.items())
          EXPECT_EQ(checker.unknown_keywords(media["schema"]), std::vector<std::string>{})
              << where << " " << status;
      }
      EXPECT_TRUE(success) << where << ": no success status";
      if (op.contains("requestBody")) {
        EXPECT_TRUE(method == "post" || method == "patch" || method == "put") << where;
        EXPECT_FALSE(op["requestBody"]["content"].empty()) << where;
      }
      if (op["x-drover-role"] != "public") {
        EXPECT_TRUE(op["responses"].contains("401")) << where;
      }
    }
  }
}

// The oracle: the OpenAPI Initiative's own JSON Schema of OpenAPI 3.0
// (Debian's openapi-specification) checked by python3-jsonschema. A copy
// with one response description removed must be refused, so that a pass
// means something.
TEST_F(OpenApi, OfficialOpenApi30SchemaAcceptsTheDocument) {
  const std::string spec = "/usr/share/openapi-specification/schemas/v3.0/schema.json";
  const std::string oracle = std::string(DROVER_SOURCE_DIR) + "/tests/server/openapi_oracle.py";
  ProcessOptions opts;
  opts.stdin_data = doc_->dump();
  auto r = run_process({kSystemPython, oracle, spec}, opts);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  Value broken = *doc_;
  broken["paths"]["/livez"]["get"]["responses"]["200"].erase("description");
  opts.stdin_data = broken.dump();
  auto refused = run_process({kSystemPython, oracle, spec}, opts);
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_NE(refused.out.find("paths/"), std::string::npos) << refused.out;
}

TEST(SchemaCheck, RefusesWhatTheSchemaDoesNotAllow) {
  Value thing = {{"type", "object"},
                 {"required", {"id"}},
                 {"properties",
                  {{"id", {{"type", "integer"}, {"minimum", 1}}},
                   {"kind", {{"type", "string"}, {"enum", {"a", "b"}}}},
                   {"when", {{"type", "string"}, {"nullable", true}}}}}};
  Value event = {{"type", "object"},
                 {"properties", {{"seq", {{"type", "integer"}}}}},
                 {"additionalProperties", true}};
  Value doc = Value::object();
  doc["components"]["schemas"]["Thing"] = thing;
  doc["components"]["schemas"]["Event"] = event;
  SchemaChecker check(doc);
  Value ref = {{"$ref", "#/components/schemas/Thing"}};
  EXPECT_TRUE(check.validate({{"id", 1}, {"kind", "a"}, {"when", nullptr}}, ref).empty());
  EXPECT_EQ(check.validate({{"kind", "a"}}, ref).size(), 1u);             // missing id
  EXPECT_EQ(check.validate({{"id", 0}}, ref).size(), 1u);                 // below minimum
  EXPECT_EQ(check.validate({{"id", 1}, {"kind", "c"}}, ref).size(), 1u);  // not in enum
  EXPECT_EQ(check.validate({{"id", "1"}}, ref).size(), 1u);               // wrong type
  EXPECT_EQ(check.validate({{"id", 1}, {"extra", 1}}, ref).size(), 1u);   // undocumented field
  EXPECT_TRUE(check.validate({{"id", 1}, {"extra", 1}}, ref, false).empty());
  EXPECT_TRUE(
      check.validate({{"seq", 1}, {"extra", 1}}, {{"$ref", "#/components/schemas/Event"}}).empty());
  EXPECT_THROW(check.resolve("#/components/schemas/Nothing"), std::out_of_range);
  Value name = {{"type", "string"}, {"maxLength", 4}, {"pattern", "^[a-z]+$"}};
  EXPECT_TRUE(check.validate("web", name).empty());
  EXPECT_EQ(check.validate("webby", name).size(), 1u);
  EXPECT_EQ(check.validate("w b", name).size(), 1u);
}

// The test of issue 14: real answers against documented codes and schemas.
TEST_F(OpenApi, EveryAnswerOfEveryRouteHasADocumentedStatusAndMatchesItsSchema) {
  const Value& doc = *doc_;
  const ServerProcess& srv = *server_;
  Prober p(srv, doc);
  const std::string admin = srv.admin_token();
  ApiClient api(srv.url(), admin);
  ASSERT_EQ(api.post("/api/v1/users", {{"username", "viewer1"}, {"password", "viewer-password-12"}})
                .status,
            201);
  ASSERT_EQ(
      api.post("/api/v1/users",
               {{"username", "op1"}, {"password", "operator-password-12"}, {"role", "operator"}})
          .status,
      201);
  std::string viewer = login(srv, "viewer1", "viewer-password-12");
  const std::string op = login(srv, "op1", "operator-password-12");

  // 1. Every route: no token, a viewer, an unknown id, a malformed body, a
  //    body that is not JSON by its Content-Type.
  for (const auto& [route, ops] : doc["paths"].items()) {
    std::string unknown = with_id(route, 999999);
    for (const auto& [m, opdoc] : ops.items()) {
      std::string method = upper(m);
      std::string empty = opdoc.contains("requestBody") ? "{}" : "";
      if (route == "/api/v1/jobs/{id}/stream") empty = "";
      p.call("", method, route, unknown, empty);
      // (The viewer's logout would end its session for the probes after it.)
      if (route != "/api/v1/logout") p.call(viewer, method, route, unknown, empty);
      if (route.find("{id}") != std::string::npos)
        p.call(admin, method, route, with_id(route, 0), empty);
      if (route.find("{id}") != std::string::npos) p.call(admin, method, route, unknown, empty);
      if (opdoc.contains("requestBody")) {
        p.call(admin, method, route, unknown, "{\"not json");
        p.call(admin, method, route, unknown, "[1, 2]");
        p.call(admin, method, route, unknown, "name=x", "application/x-www-form-urlencoded");
        p.call(admin, method, route, unknown, "{\"no_such_field\": 1}");
        // Over the body limit (1 MiB; the host import's 32 MiB).
        size_t over = route == "/api/v1/hosts/import" ? (33u << 20) : (2u << 20);
        p.call(admin, method, route, unknown, "\"" + std::string(over, 'x') + "\"");
      }
    }
  }

  // The viewer's POST /api/v1/logout above ended its session.
  viewer = login(srv, "viewer1", "viewer-password-12");

  // 2. Valid requests, creating what the next ones need.
  auto id_of = [](const HttpResponse& r) { return r.json().value("id", int64_t{0}); };
  for (const char* path : {"/livez", "/healthz", "/readyz", "/metrics", "/api/v1/openapi.json"})
    p.call("", "GET", path, path);
  p.call("", "POST", "/api/v1/login", "/api/v1/login",
         Value{{"username", "viewer1"}, {"password", "wrong"}}.dump());

  int64_t host = id_of(
      p.call(admin, "POST", "/api/v1/hosts", "/api/v1/hosts",
             Value{{"hostname", "web1"}, {"role", "web"}, {"tags", {"edge"}}, {"vars", {{"a", 1}}}}
                 .dump()));
  ASSERT_GT(host, 0);
  p.call(admin, "POST", "/api/v1/hosts", "/api/v1/hosts", Value{{"hostname", "web1"}}.dump());
  p.call(admin, "POST", "/api/v1/hosts", "/api/v1/hosts", Value{{"hostname", "bad name"}}.dump());
  p.call(admin, "POST", "/api/v1/hosts/import", "/api/v1/hosts/import", "hostname,role\nweb2,web\n",
         "text/csv");
  p.call(admin, "POST", "/api/v1/hosts/import", "/api/v1/hosts/import", "hostname,role\n,web\n",
         "text/csv");
  p.call(admin, "POST", "/api/v1/hosts/import", "/api/v1/hosts/import",
         Value::array({{{"hostname", "web3"}}}).dump());
  p.call(admin, "PATCH", "/api/v1/hosts/{id}", with_id("/api/v1/hosts/{id}", host),
         Value{{"role", "db"}}.dump());
  p.call(admin, "PATCH", "/api/v1/hosts/{id}", with_id("/api/v1/hosts/{id}", host),
         Value{{"hostname", "web2"}}.dump());
  p.call(admin, "GET", "/api/v1/hosts/export", "/api/v1/hosts/export?format=csv");

  int64_t group =
      id_of(p.call(admin, "POST", "/api/v1/groups", "/api/v1/groups",
                   Value{{"name", "webs"}, {"hosts", {"web1"}}, {"vars", {{"x", 1}}}}.dump()));
  ASSERT_GT(group, 0);
  p.call(admin, "POST", "/api/v1/groups", "/api/v1/groups",
         Value{{"name", "webs"}, {"hosts", {"web1"}}}.dump());
  p.call(admin, "POST", "/api/v1/groups", "/api/v1/groups",
         Value{{"name", "edge"}, {"query", {{"tag", "edge"}}}}.dump());
  p.call(admin, "PATCH", "/api/v1/groups/{id}", with_id("/api/v1/groups/{id}", group),
         Value{{"description", "the web tier"}}.dump());
  p.call(admin, "PATCH", "/api/v1/groups/{id}", with_id("/api/v1/groups/{id}", group),
         Value{{"name", "edge"}}.dump());

  int64_t user = id_of(p.call(
      admin, "POST", "/api/v1/users", "/api/v1/users",
      Value{{"username", "u2"}, {"password", "u2-password-long"}, {"role", "viewer"}}.dump()));
  ASSERT_GT(user, 0);
  p.call(admin, "POST", "/api/v1/users", "/api/v1/users",
         Value{{"username", "u2"}, {"password", "u2-password-long"}}.dump());
  p.call(admin, "PATCH", "/api/v1/users/{id}", with_id("/api/v1/users/{id}", user),
         Value{{"disabled", false}}.dump());
  p.call(admin, "DELETE", "/api/v1/users/{id}", with_id("/api/v1/users/{id}", 1));  // yourself: 409
  p.call(admin, "PATCH", "/api/v1/users/{id}", with_id("/api/v1/users/{id}", 1),
         Value{{"role", "viewer"}}.dump());  // the last admin: 409
  // Sessions: the viewer's own list, a revoke, a password change, a logout.
  std::string spare_session = login(srv, "viewer1", "viewer-password-12");
  p.call(viewer, "GET", "/api/v1/sessions", "/api/v1/sessions");
  p.call(viewer, "GET", "/api/v1/sessions", "/api/v1/sessions?all=true");
  int64_t spare_id = 0;
  const Value sessions = ApiClient(srv.url(), viewer).get("/api/v1/sessions").json();
  for (const auto& s : sessions["items"])
    if (!s["current"].get<bool>()) spare_id = s["id"].get<int64_t>();
  p.call(viewer, "DELETE", "/api/v1/sessions/{id}", with_id("/api/v1/sessions/{id}", spare_id));
  p.call(admin, "POST", "/api/v1/logout", "/api/v1/logout");          // an API token: 400
  p.call(spare_session, "POST", "/api/v1/logout", "/api/v1/logout");  // revoked above: 401
  p.call(login(srv, "viewer1", "viewer-password-12"), "POST", "/api/v1/logout", "/api/v1/logout");
  std::string u2 = login(srv, "u2", "u2-password-long");
  p.call(u2, "POST", "/api/v1/password", "/api/v1/password",
         Value{{"current_password", "wrong"}, {"new_password", "u2-password-newer"}}.dump());
  p.call(u2, "POST", "/api/v1/password", "/api/v1/password",
         Value{{"current_password", "u2-password-long"}, {"new_password", "u2-password-newer"}}
             .dump());
  p.call("", "POST", "/api/v1/login", "/api/v1/login",
         Value{{"username", "u2"}, {"password", "u2-password-newer"}}.dump());

  int64_t token = id_of(p.call(viewer, "POST", "/api/v1/tokens", "/api/v1/tokens",
                               Value{{"name", "ci"}, {"expires_in_days", 30}}.dump()));
  ASSERT_GT(token, 0);
  p.call(viewer, "GET", "/api/v1/tokens", "/api/v1/tokens?all=true");
  p.call(admin, "GET", "/api/v1/tokens", "/api/v1/tokens?all=true");

  int64_t credential =
      id_of(p.call(admin, "POST", "/api/v1/credentials", "/api/v1/credentials",
                   Value{{"name", "deploy"}, {"kind", "password"}, {"secret", "s3cret"}}.dump()));
  ASSERT_GT(credential, 0);
  p.call(admin, "POST", "/api/v1/credentials", "/api/v1/credentials",
         Value{{"name", "deploy"}, {"kind", "password"}, {"secret", "s3cret"}}.dump());
  p.call(admin, "PATCH", "/api/v1/credentials/{id}",
         with_id("/api/v1/credentials/{id}", credential),
         Value{{"description", "the deploy user"}}.dump());
  p.call(admin, "POST", "/api/v1/credentials", "/api/v1/credentials",
         Value{{"name", "spare"}, {"kind", "ssh_key"}, {"secret", "key"}}.dump());
  p.call(admin, "PATCH", "/api/v1/credentials/{id}",
         with_id("/api/v1/credentials/{id}", credential), Value{{"name", "spare"}}.dump());
  int64_t vault_credential = id_of(
      p.call(admin, "POST", "/api/v1/credentials", "/api/v1/credentials",
             Value{{"name", "vault-prod"}, {"kind", "vault"}, {"vault_id", "prod"}, {"secret", "vp"}}.dump()));
  ASSERT_GT(vault_credential, 0);
  p.call(admin, "PATCH", "/api/v1/credentials/{id}",
         with_id("/api/v1/credentials/{id}", vault_credential), Value{{"vault_id", "a;b"}}.dump());

  // A local project lies under a project root: <data>/projects is one.
  const std::string project_path = srv.data_dir() + "/projects/site";
  std::filesystem::create_directories(project_path);
  {
    std::ofstream(project_path + "/site.yml")
        << "- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n";
  }
  // The job runs as the sandbox's job user: it must read the project.
  std::filesystem::permissions(project_path, std::filesystem::perms(0755));
  std::filesystem::permissions(project_path + "/site.yml", std::filesystem::perms(0644));
  int64_t project =
      id_of(p.call(admin, "POST", "/api/v1/projects", "/api/v1/projects",
                   Value{{"name", "site"}, {"kind", "local"}, {"path", project_path}}.dump()));
  ASSERT_GT(project, 0);
  p.call(admin, "POST", "/api/v1/projects", "/api/v1/projects",
         Value{{"name", "site"}, {"kind", "local"}, {"path", project_path}}.dump());
  p.call(admin, "POST", "/api/v1/projects/{id}/sync",
         with_id("/api/v1/projects/{id}/sync", project));
  p.call(viewer, "GET", "/api/v1/projects/{id}/playbooks", with_id("/api/v1/projects/{id}/playbooks", project));
  // The project edit (409: another project's name) and a host's facts
  // (none gathered: the nulls).
  p.call(admin, "PATCH", "/api/v1/projects/{id}", with_id("/api/v1/projects/{id}", project),
         Value{{"name", "site"}, {"path", project_path}}.dump());
  int64_t second_project =
      id_of(p.call(admin, "POST", "/api/v1/projects", "/api/v1/projects",
                   Value{{"name", "site-b"}, {"kind", "local"}, {"path", project_path}}.dump()));
  p.call(admin, "PATCH", "/api/v1/projects/{id}", with_id("/api/v1/projects/{id}", second_project),
         Value{{"name", "site"}}.dump());
  p.call(viewer, "GET", "/api/v1/hosts/{id}/facts", with_id("/api/v1/hosts/{id}/facts", host));

  Value tmpl = {
      {"name", "deploy"},         {"project_id", project},
      {"playbook", "site.yml"},   {"inventory", {{"text", "localhost ansible_connection=local\n"}}},
      {"credential_id", nullptr}, {"extra_vars", {{"v", 1}}}};
  int64_t templ =
      id_of(p.call(admin, "POST", "/api/v1/templates", "/api/v1/templates", tmpl.dump()));
  ASSERT_GT(templ, 0);
  p.call(admin, "POST", "/api/v1/templates", "/api/v1/templates", tmpl.dump());
  tmpl["name"] = "other";
  tmpl["project_id"] = 999999;
  p.call(admin, "POST", "/api/v1/templates", "/api/v1/templates", tmpl.dump());
  // The operator may not use the admin's credential: 403 wherever it is named.
  Value with_credential = tmpl;
  with_credential["name"] = "op-template";
  with_credential["credential_id"] = credential;
  p.call(op, "POST", "/api/v1/templates", "/api/v1/templates", with_credential.dump());
  p.call(op, "PATCH", "/api/v1/templates/{id}", with_id("/api/v1/templates/{id}", templ),
         Value{{"credential_id", credential}}.dump());
  p.call(op, "POST", "/api/v1/projects", "/api/v1/projects",
         Value{{"name", "git1"},
               {"kind", "git"},
               {"url", "https://git.example.com/site.git"},
               {"credential_id", credential}}
             .dump());
  p.call(admin, "PATCH", "/api/v1/templates/{id}", with_id("/api/v1/templates/{id}", templ),
         Value{{"forks", 2}, {"credential_id", credential}, {"vault_credential_ids", {vault_credential}}}
             .dump());
  tmpl["name"] = "spare";
  tmpl["project_id"] = project;
  int64_t spare =
      id_of(p.call(admin, "POST", "/api/v1/templates", "/api/v1/templates", tmpl.dump()));
  p.call(admin, "PATCH", "/api/v1/templates/{id}", with_id("/api/v1/templates/{id}", templ),
         Value{{"name", "spare"}}.dump());

  // Schedules: the template's launch checks apply (the admin's credential).
  Value sched = {{"name", "nightly"}, {"template_id", templ}, {"cron", "30 2 * * *"}, {"time_zone", "Europe/Berlin"}};
  int64_t schedule = id_of(p.call(admin, "POST", "/api/v1/schedules", "/api/v1/schedules", sched.dump()));
  ASSERT_GT(schedule, 0);
  p.call(admin, "POST", "/api/v1/schedules", "/api/v1/schedules", sched.dump());  // 409
  p.call(admin, "POST", "/api/v1/schedules", "/api/v1/schedules",
         Value{{"name", "bad"}, {"template_id", templ}, {"cron", "61 * * * *"}}.dump());
  p.call(op, "POST", "/api/v1/schedules", "/api/v1/schedules",
         Value{{"name", "op-daily"}, {"template_id", templ}, {"cron", "@daily"}}.dump());  // 403
  const std::string schedule_path = with_id("/api/v1/schedules/{id}", schedule);
  p.call(admin, "PATCH", "/api/v1/schedules/{id}", schedule_path, Value{{"enabled", false}}.dump());
  p.call(admin, "PATCH", "/api/v1/schedules/{id}", schedule_path, Value{{"time_zone", "Mars/Base"}}.dump());
  p.call(op, "PATCH", "/api/v1/schedules/{id}", schedule_path, Value{{"name", "mine"}}.dump());  // 403
  int64_t weekly = id_of(p.call(admin, "POST", "/api/v1/schedules", "/api/v1/schedules",
                                Value{{"name", "weekly"}, {"template_id", templ}, {"cron", "@weekly"}}.dump()));
  p.call(admin, "PATCH", "/api/v1/schedules/{id}", with_id("/api/v1/schedules/{id}", weekly),
         Value{{"name", "nightly"}}.dump());  // 409
  p.call(admin, "DELETE", "/api/v1/schedules/{id}", with_id("/api/v1/schedules/{id}", weekly));

  // Webhooks: a generic one with a token (the prober's Bearer header carries it).
  const std::string hook_secret = "generic-secret-0123456789";
  Value hook_in = {{"name", "ci"},          {"template_id", templ},      {"service", "generic"},
                   {"auth", "token"},       {"secret", hook_secret}, {"filters", {{"branches", {"main"}}}}};
  int64_t hook = id_of(p.call(admin, "POST", "/api/v1/webhooks", "/api/v1/webhooks", hook_in.dump()));
  ASSERT_GT(hook, 0);
  p.call(admin, "POST", "/api/v1/webhooks", "/api/v1/webhooks", hook_in.dump());  // 409
  p.call(admin, "POST", "/api/v1/webhooks", "/api/v1/webhooks",
         Value{{"name", "short"}, {"template_id", templ}, {"service", "generic"}, {"secret", "short"}}.dump());
  p.call(op, "POST", "/api/v1/webhooks", "/api/v1/webhooks",
         Value{{"name", "op-gh"}, {"template_id", templ}, {"service", "github"}}.dump());  // 403
  const std::string webhook_path = with_id("/api/v1/webhooks/{id}", hook);
  p.call(admin, "PATCH", "/api/v1/webhooks/{id}", webhook_path, Value{{"enabled", true}}.dump());
  p.call(admin, "PATCH", "/api/v1/webhooks/{id}", webhook_path, Value{{"service", "svn"}}.dump());
  p.call(op, "PATCH", "/api/v1/webhooks/{id}", webhook_path, Value{{"name", "mine"}}.dump());  // 403
  int64_t github = id_of(p.call(admin, "POST", "/api/v1/webhooks", "/api/v1/webhooks",
                                Value{{"name", "gh"}, {"template_id", templ}, {"service", "github"}}.dump()));
  p.call(admin, "PATCH", "/api/v1/webhooks/{id}", with_id("/api/v1/webhooks/{id}", github),
         Value{{"name", "ci"}}.dump());  // 409
  p.call(admin, "DELETE", "/api/v1/webhooks/{id}", with_id("/api/v1/webhooks/{id}", github));
  // The operator's webhook on `spare`, which then gets the admin's credential:
  // its deliveries are refused (403), as the operator's launch would be.
  const std::string op_secret = "operator-secret-0123456789";
  int64_t op_hook = id_of(p.call(op, "POST", "/api/v1/webhooks", "/api/v1/webhooks",
                                 Value{{"name", "op-hook"}, {"template_id", spare}, {"service", "generic"},
                                       {"auth", "token"}, {"secret", op_secret}}
                                     .dump()));
  ASSERT_GT(op_hook, 0);
  p.call(admin, "PATCH", "/api/v1/templates/{id}", with_id("/api/v1/templates/{id}", spare),
         Value{{"credential_id", credential}}.dump());
  const std::string hook_url = with_id("/api/v1/hooks/{id}", hook);
  Value push = {{"ref", "refs/heads/main"}, {"commit", "0123abcd"}, {"author", "dev"}, {"delivery", "d-1"}};
  p.call(hook_secret, "POST", "/api/v1/hooks/{id}", hook_url, push.dump());  // 202
  p.call(hook_secret, "POST", "/api/v1/hooks/{id}", hook_url, push.dump());  // a replay: 409
  p.call("", "POST", "/api/v1/hooks/{id}", hook_url, push.dump());           // 401
  p.call(hook_secret, "POST", "/api/v1/hooks/{id}", hook_url, "name=x", "application/x-www-form-urlencoded");
  p.call(hook_secret, "POST", "/api/v1/hooks/{id}", hook_url, "{\"not json");
  push["ref"] = "refs/heads/feature";
  push["delivery"] = "d-2";
  p.call(hook_secret, "POST", "/api/v1/hooks/{id}", hook_url, push.dump());  // filtered: 200
  push["ref"] = "refs/heads/main";
  push["author"] = "{{ lookup('pipe', 'id') }}";
  push["delivery"] = "d-3";
  p.call(hook_secret, "POST", "/api/v1/hooks/{id}", hook_url, push.dump());  // 400
  p.call(op_secret, "POST", "/api/v1/hooks/{id}", with_id("/api/v1/hooks/{id}", op_hook),
         Value{{"ref", "refs/heads/main"}, {"delivery", "d-4"}}.dump());  // 403

  // Notifications (sent nowhere: the URL has no listener; deliveries retry).
  Value notify_in = {{"name", "ding"}, {"template_id", templ}, {"kind", "dingtalk"},
                     {"url", "http://127.0.0.1:9/robot/send?access_token=x"}, {"secret", "SECdingtalk"},
                     {"events", {"failed"}}};
  int64_t notification =
      id_of(p.call(admin, "POST", "/api/v1/notifications", "/api/v1/notifications", notify_in.dump()));
  ASSERT_GT(notification, 0);
  p.call(admin, "POST", "/api/v1/notifications", "/api/v1/notifications", notify_in.dump());  // 409
  p.call(op, "POST", "/api/v1/notifications", "/api/v1/notifications",
         Value{{"name", "mail"}, {"template_id", templ}, {"kind", "email"}, {"url", "smtp://127.0.0.1:9"}}.dump());
  const std::string notification_path = with_id("/api/v1/notifications/{id}", notification);
  p.call(admin, "PATCH", "/api/v1/notifications/{id}", notification_path, Value{{"events", {"started"}}}.dump());
  p.call(admin, "PATCH", "/api/v1/notifications/{id}", notification_path, Value{{"url", "file:///etc/passwd"}}.dump());
  int64_t slack = id_of(p.call(admin, "POST", "/api/v1/notifications", "/api/v1/notifications",
                               Value{{"name", "slack"}, {"template_id", templ}, {"kind", "slack"},
                                     {"url", "https://hooks.slack.example/x"}}
                                   .dump()));
  p.call(admin, "PATCH", "/api/v1/notifications/{id}", with_id("/api/v1/notifications/{id}", slack),
         Value{{"name", "ding"}}.dump());  // 409
  p.call(admin, "DELETE", "/api/v1/notifications/{id}", with_id("/api/v1/notifications/{id}", slack));

  // Workflows: an approval gate only an admin may open, then the template
  // (which has the admin's credential since its PATCH: the operator may not
  // launch the workflow).
  Value gate = {{"id", "gate"}, {"approval", {{"role", "admin"}, {"timeout_s", 3600}}}, {"on_success", {"deploy"}}};
  Value flow_in = {{"name", "release"},
                   {"extra_vars", {{"channel", "stable"}}},
                   {"nodes", Value::array({gate, {{"id", "deploy"}, {"template_id", templ}}})}};
  int64_t flow = id_of(p.call(admin, "POST", "/api/v1/workflows", "/api/v1/workflows", flow_in.dump()));
  ASSERT_GT(flow, 0);
  p.call(admin, "POST", "/api/v1/workflows", "/api/v1/workflows", flow_in.dump());  // 409
  p.call(admin, "POST", "/api/v1/workflows", "/api/v1/workflows",
         Value{{"name", "loose"}, {"nodes", Value::array({{{"id", "a"}, {"template_id", templ}, {"on_success", {"nowhere"}}}})}}
             .dump());  // 400: an edge to no node
  const std::string flow_path = with_id("/api/v1/workflows/{id}", flow);
  p.call(admin, "PATCH", "/api/v1/workflows/{id}", flow_path, Value{{"description", "to production"}}.dump());
  p.call(admin, "PATCH", "/api/v1/workflows/{id}", flow_path,
         Value{{"nodes", Value::array({{{"id", "x"}, {"template_id", 999999}}})}}.dump());  // 400: no template
  int64_t other_flow = id_of(p.call(admin, "POST", "/api/v1/workflows", "/api/v1/workflows",
                                    Value{{"name", "gate-only"}, {"nodes", Value::array({{{"id", "gate"}, {"approval", Value::object()}}})}}
                                        .dump()));
  ASSERT_GT(other_flow, 0);
  p.call(admin, "PATCH", "/api/v1/workflows/{id}", flow_path, Value{{"name", "gate-only"}}.dump());  // 409
  p.call(admin, "DELETE", "/api/v1/workflows/{id}", with_id("/api/v1/workflows/{id}", other_flow));
  const std::string launch_path = with_id("/api/v1/workflows/{id}/launch", flow);
  p.call(op, "POST", "/api/v1/workflows/{id}/launch", launch_path);                                  // 403
  p.call(admin, "POST", "/api/v1/workflows/{id}/launch", launch_path, Value{{"extra_vars", 5}}.dump());  // 400
  auto launch_flow = [&] {
    return id_of(p.call(admin, "POST", "/api/v1/workflows/{id}/launch", launch_path,
                        Value{{"extra_vars", {{"channel", "beta"}}}}.dump()));
  };
  int64_t approved = launch_flow();
  ASSERT_GT(approved, 0);
  auto decide = [&](const std::string& token, const char* verb, int64_t wj, const Value& body) {
    const std::string route = std::string("/api/v1/workflow_jobs/{id}/") + verb;
    return p.call(token, "POST", route, with_id(route, wj), body.dump()).status;
  };
  EXPECT_EQ(decide(op, "approve", approved, {{"node", "gate"}}), 403);  // the node needs an admin
  EXPECT_EQ(decide(admin, "approve", approved, {{"node", "nowhere"}}), 404);
  EXPECT_EQ(decide(admin, "approve", approved, {{"comment", "no node"}}), 400);
  EXPECT_EQ(decide(admin, "approve", approved, {{"node", "gate"}, {"comment", "go"}}), 200);
  EXPECT_EQ(decide(admin, "approve", approved, {{"node", "gate"}}), 409);  // decided
  int64_t denied = launch_flow();
  EXPECT_EQ(decide(op, "deny", denied, {{"node", "gate"}}), 403);
  EXPECT_EQ(decide(admin, "deny", denied, {{"node", "nowhere"}}), 404);
  EXPECT_EQ(decide(admin, "deny", denied, {{"node", "gate"}, {"comment", "not today"}}), 200);
  EXPECT_EQ(decide(admin, "deny", denied, {{"node", "gate"}}), 409);
  int64_t canceled = launch_flow();
  const std::string cancel_path = with_id("/api/v1/workflow_jobs/{id}/cancel", canceled);
  EXPECT_EQ(p.call(admin, "POST", "/api/v1/workflow_jobs/{id}/cancel", cancel_path).status, 200);
  EXPECT_EQ(p.call(admin, "POST", "/api/v1/workflow_jobs/{id}/cancel", cancel_path).status, 409);  // ended

  // A schedule and a webhook that start the workflow.
  p.call(admin, "POST", "/api/v1/schedules", "/api/v1/schedules",
         Value{{"name", "nightly-release"}, {"workflow_id", flow}, {"cron", "@daily"},
               {"overrides", {{"extra_vars", {{"channel", "nightly"}}}}}}
             .dump());
  p.call(admin, "POST", "/api/v1/schedules", "/api/v1/schedules",
         Value{{"name", "bad-release"}, {"workflow_id", flow}, {"cron", "@daily"}, {"overrides", {{"limit", "x"}}}}
             .dump());  // 400: a workflow's schedule overrides extra_vars only
  const std::string flow_secret = "workflow-secret-0123456789";
  int64_t flow_hook = id_of(p.call(admin, "POST", "/api/v1/webhooks", "/api/v1/webhooks",
                                   Value{{"name", "release-hook"}, {"workflow_id", flow}, {"service", "generic"},
                                         {"auth", "token"}, {"secret", flow_secret}}
                                       .dump()));
  ASSERT_GT(flow_hook, 0);
  auto flow_push = p.call(flow_secret, "POST", "/api/v1/hooks/{id}", with_id("/api/v1/hooks/{id}", flow_hook),
                          Value{{"ref", "refs/heads/main"}, {"delivery", "wf-1"}}.dump());
  EXPECT_EQ(flow_push.status, 202) << flow_push.body;
  EXPECT_GT(flow_push.json().value("workflow_job_id", int64_t{0}), 0) << flow_push.body;

  // Jobs: one from the template, one ad-hoc that runs a while.
  int64_t job = id_of(
      p.call(admin, "POST", "/api/v1/jobs", "/api/v1/jobs", Value{{"template_id", templ}}.dump()));
  ASSERT_GT(job, 0);
  p.call(admin, "POST", "/api/v1/jobs", "/api/v1/jobs", Value{{"template_id", 999999}}.dump());
  p.call(admin, "POST", "/api/v1/jobs", "/api/v1/jobs",
         Value{{"playbook", "nowhere.yml"}, {"inventory", "h1,"}}.dump());
  int64_t slow = id_of(p.call(op, "POST", "/api/v1/jobs", "/api/v1/jobs",
                              Value{{"module", "command"},
                                    {"args", "sleep 30"},
                                    {"inventory_text", "localhost ansible_connection=local\n"},
                                    {"tags", "a,b"}}
                                  .dump()));
  ASSERT_GT(slow, 0);
  p.call(op, "DELETE", "/api/v1/jobs/{id}", with_id("/api/v1/jobs/{id}", slow));  // not ended: 409
  p.call(op, "POST", "/api/v1/jobs/{id}/cancel", with_id("/api/v1/jobs/{id}/cancel", slow));
  auto wait_final = [&](int64_t id) {
    for (int i = 0; i < 600; ++i) {
      std::string state = api.get("/api/v1/jobs/" + std::to_string(id)).json()["state"];
      if (state != "pending" && state != "running") return state;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return std::string("still running");
  };
  EXPECT_EQ(wait_final(job), "successful");
  EXPECT_NE(wait_final(slow), "still running");
  p.call(op, "POST", "/api/v1/jobs/{id}/cancel",
         with_id("/api/v1/jobs/{id}/cancel", slow));  // ended: 409
  p.call(admin, "GET", "/api/v1/jobs/{id}/stream", with_id("/api/v1/jobs/{id}/stream", job));
  p.call(admin, "GET", "/api/v1/jobs/{id}/stream",
         with_id("/api/v1/jobs/{id}/stream", job) + "?after=x");
  int64_t again = id_of(p.call(admin, "POST", "/api/v1/jobs/{id}/relaunch",
                               with_id("/api/v1/jobs/{id}/relaunch", job)));
  EXPECT_GT(again, 0);
  // A relaunch checks the playbook again: 400 once it is gone.
  std::filesystem::remove(project_path + "/site.yml");
  p.call(admin, "POST", "/api/v1/jobs/{id}/relaunch", with_id("/api/v1/jobs/{id}/relaunch", job));
  p.call(op, "DELETE", "/api/v1/jobs/{id}",
         with_id("/api/v1/jobs/{id}", job));  // another user's job: 403
  // The operator may not launch with the admin's credential, nor relaunch a
  // job that has it (the template's, since its PATCH).
  p.call(op, "POST", "/api/v1/jobs", "/api/v1/jobs",
         Value{{"module", "ping"}, {"inventory_text", "localhost\n"}, {"credential_id", credential}}
             .dump());
  p.call(op, "POST", "/api/v1/jobs/{id}/relaunch", with_id("/api/v1/jobs/{id}/relaunch", job));

  // 3. Each GET with each documented query parameter (a valid value), and
  //    an unknown one, on a path that exists.
  std::map<std::string, int64_t> ids = {{"hosts", host},
                                        {"groups", group},
                                        {"users", user},
                                        {"tokens", token},
                                        {"credentials", credential},
                                        {"projects", project},
                                        {"templates", templ},
                                        {"schedules", schedule},
                                        {"webhooks", hook},
                                        {"notifications", notification},
                                        {"workflows", flow},
                                        {"workflow_jobs", approved},
                                        {"jobs", job}};
  auto existing = [&](const std::string& route) {
    std::smatch m;
    if (!std::regex_search(route, m, std::regex("^/api/v1/([a-z_]+)/\\{id\\}"))) return route;
    return with_id(route, ids[m[1]]);
  };
  for (const auto& [route, ops] : doc["paths"].items()) {
    if (!ops.contains("get")) continue;
    std::string path = existing(route);
    p.call(admin, "GET", route, path);
    p.call(admin, "GET", route, path + "?no_such_parameter=1");
    for (const auto& param : ops["get"].value("parameters", Value::array())) {
      if (param["in"] != "query") continue;
      const Value& s = param["schema"];
      std::string value = "x";
      if (s.contains("enum"))
        value = s["enum"][0];
      else if (s["type"] == "integer")
        value = std::to_string(s.value("minimum", int64_t{0}));
      else if (s["type"] == "boolean")
        value = "true";
      if (param["name"] == "created_after" || param["name"] == "created_before")
        value = "2026-01-01";
      if (param["name"] == "template_id") value = std::to_string(templ);
      std::string name = param["name"];
      auto r = p.call(admin, "GET", route, path + "?" + name + "=" + value);
      EXPECT_EQ(r.status / 100, 2) << "documented parameter refused: GET " << path << "?" << name
                                   << "=" << value << ": " << r.body;
    }
  }

  // 4. Deletes, last.
  p.call(viewer, "DELETE", "/api/v1/tokens/{id}", with_id("/api/v1/tokens/{id}", token));
  p.call(admin, "DELETE", "/api/v1/projects/{id}",
         with_id("/api/v1/projects/{id}", project));  // used: 409
  p.call(admin, "DELETE", "/api/v1/templates/{id}", with_id("/api/v1/templates/{id}", templ));
  p.call(admin, "DELETE", "/api/v1/templates/{id}", with_id("/api/v1/templates/{id}", spare));
  p.call(admin, "DELETE", "/api/v1/projects/{id}", with_id("/api/v1/projects/{id}", project));
  p.call(admin, "DELETE", "/api/v1/credentials/{id}",
         with_id("/api/v1/credentials/{id}", credential));
  p.call(admin, "DELETE", "/api/v1/groups/{id}", with_id("/api/v1/groups/{id}", group));
  p.call(admin, "DELETE", "/api/v1/hosts/{id}", with_id("/api/v1/hosts/{id}", host));
  p.call(admin, "DELETE", "/api/v1/users/{id}", with_id("/api/v1/users/{id}", user));
  p.call(admin, "DELETE", "/api/v1/workflows/{id}", flow_path);
  EXPECT_NE(wait_final(again), "still running");
  p.call(admin, "DELETE", "/api/v1/jobs/{id}", with_id("/api/v1/jobs/{id}", job));

  // 5. The login limiter: the 6th failure for one username in a minute.
  for (int i = 0; i < 6; ++i)
    p.call("", "POST", "/api/v1/login", "/api/v1/login",
           Value{{"username", "nobody"}, {"password", "x"}}.dump());
  // ... which also throttles guessing the current password.
  for (int i = 0; i < 6; ++i)
    p.call(op, "POST", "/api/v1/password", "/api/v1/password",
           Value{{"current_password", "wrong"}, {"new_password", "operator-password-13"}}.dump());

  // 6. Health while another process holds the database's write lock: 503
  //    (the write probe waits 2 s; its answer is shared for 1 s).
  std::thread holder([&] {
    ProcessOptions o;
    o.stdin_data =
        ".timeout 5000\nBEGIN IMMEDIATE;\nUPDATE settings SET value = value;\n.shell sleep "
        "6\nCOMMIT;\n";
    auto r = run_process({"sqlite3", srv.data_dir() + "/drover.db"}, o);
    EXPECT_EQ(r.exit_code, 0) << r.err;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // past the last shared answer
  p.call("", "GET", "/healthz", "/healthz");
  p.call("", "GET", "/readyz", "/readyz");
  holder.join();

  p.expect_every_route_succeeded();
  std::vector<std::string> missing;
  auto [seen, documented] = p.coverage(missing);
  std::printf("documented (route, status) pairs answered by the server: %d of %d\n", seen,
              documented);
  // A documented status the server never gives is as wrong as the reverse.
  for (const auto& m : missing) ADD_FAILURE() << "documented but not provoked by this test: " << m;
}

}  // namespace
}  // namespace drover::test
