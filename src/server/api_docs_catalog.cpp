// Documentation of credential_routes.cpp, project_routes.cpp and
// template_routes.cpp: what jobs are made from.
#include "server/api_docs.hpp"

namespace drover::server {

using namespace schema;

namespace {

const std::vector<std::string> kCredentialKinds = {"ssh_key", "password", "become", "vault"};

// A vault credential's label (--vault-id LABEL@...).
Value vault_id() {
  return described(str(), "kind vault: the vault id the password opens (none: Ansible's 'default'); "
                          "no spaces, ';', '@' or ','");
}

// Who may launch with a credential besides its owner and admins.
Value allowed_roles() {
  return described(array_of(enum_of({"viewer", "operator", "admin"})),
                   "roles whose users may launch jobs with it");
}
Value allowed_users() {
  return described(array_of(integer(1)), "ids of users who may launch jobs with it");
}

// template_routes.cpp's check_inventory: exactly one of these.
Value template_inventory() {
  Value s = obj({{"sources", described(array_of(str()), "inventory paths inside the project")},
                 {"file", str("one inventory file inside the project")},
                 {"text", str("inventory text (INI or YAML)")},
                 {"query", described(obj({{"role", str()},
                                          {"line", str()},
                                          {"idc", str()},
                                          {"region", str()},
                                          {"platform", str()},
                                          {"machine_type", str()},
                                          {"status", str()},
                                          {"tag", str()}}),
                                     "CMDB hosts that match these fields")}});
  s["minProperties"] = 1;
  s["maxProperties"] = 1;
  s["description"] = "exactly one of sources, file, text, query";
  return s;
}

// A template's "prompt on launch" flag (jobs/job_template.hpp): whether
// POST /api/v1/jobs may override that value.
Value prompt() {
  return described(boolean(), "a launch may override this value (false when absent)");
}

Properties template_fields() {
  return {{"name", str()},
          {"project_id", integer(1)},
          {"playbook", str("a path inside the project (no leading / or ..)")},
          {"inventory", ref("TemplateInventory")},
          {"credential_id", nullable(integer(1))},
          {"vault_credential_ids",
           described(array_of(integer(1)), "vault credentials, at most one per vault id")},
          {"extra_vars", any_object()},
          {"forks", described(integer(1, 1000), "5 when absent")},
          {"limit", str("host pattern limit (--limit)")},
          {"tags", str("comma list of tags (--tags)")},
          {"check_mode", boolean()},
          {"launch_form", described(array_of(ref("LaunchQuestion")),
                                    "the launch form (AWX's survey): typed questions whose answers are the launch's "
                                    "extra_vars; only they may be given at launch unless ask_variables_on_launch")},
          {"ask_credential_on_launch", prompt()},
          {"ask_inventory_on_launch", prompt()},
          {"ask_variables_on_launch", prompt()},
          {"ask_limit_on_launch", prompt()},
          {"ask_tags_on_launch", prompt()},
          {"ask_skip_tags_on_launch", prompt()},
          {"ask_job_type_on_launch", prompt()},
          {"ask_diff_mode_on_launch", prompt()},
          {"ask_verbosity_on_launch", prompt()},
          {"ask_forks_on_launch", prompt()}};
}

}  // namespace

void add_catalog_docs(ApiDocs& docs, Value& components) {
  components["Credential"] = open({{"id", integer(1)},
                                   {"name", str()},
                                   {"kind", enum_of(kCredentialKinds)},
                                   {"username", str()},
                                   {"description", str()},
                                   {"created", timestamp()},
                                   {"updated", timestamp()},
                                   {"owner_id", nullable(integer(1))},
                                   {"allowed_roles", allowed_roles()},
                                   {"allowed_users", allowed_users()},
                                   {"vault_id", nullable(vault_id())}},
                                  {"id", "name", "kind", "username", "description", "created",
                                   "updated", "owner_id", "allowed_roles", "allowed_users", "vault_id"});
  components["Project"] =
      open({{"id", integer(1)},
            {"name", str()},
            {"kind", enum_of({"local", "git"})},
            {"path", str("the directory (a git project's clone: chosen by the server)")},
            {"url", str()},
            {"branch", str()},
            {"sync_state", str("ok, pending (a sync job queued) or failed")},
            {"sync_message", str("git's output (first 2 KiB), or why the directory is missing")},
            {"synced", nullable(timestamp())},
            {"created", timestamp()},
            {"updated", timestamp()},
            {"credential_id", nullable(integer(1))},
            {"sync_job_id", nullable(described(integer(1),
                                               "POST only: the job that clones a git "
                                               "project (null for a local one)"))}},
           {"id", "name", "kind", "path", "url", "branch", "sync_state", "sync_message", "synced",
            "created", "updated", "credential_id"});
  components["TemplateInventory"] = template_inventory();
  Value number = {{"type", "number"}};
  components["LaunchQuestion"] = open(
      {{"variable", str("the extra var the answer sets")},
       {"label", str()},
       {"description", str()},
       {"type", enum_of({"text", "textarea", "integer", "float", "choice", "multichoice", "password", "hosts"})},
       {"required", boolean()},
       {"default", described(Value::object(), "a password's default is shown as \"$encrypted$\"; sending that back "
                                              "keeps it")},
       {"min", nullable(described(number, "a number's least value, a text's least length, a multichoice's least count"))},
       {"max", nullable(described(number, "the greatest of the same"))},
       {"choices", array_of(str())}},
      {"variable", "type"});
  Properties tmpl = {{"id", integer(1)}};
  for (auto& f : template_fields()) tmpl.push_back(f);
  tmpl.push_back({"created", timestamp()});
  tmpl.push_back({"updated", timestamp()});
  components["Template"] = open(tmpl, {"id",
                                       "name",
                                       "project_id",
                                       "playbook",
                                       "inventory",
                                       "credential_id",
                                       "vault_credential_ids",
                                       "extra_vars",
                                       "forks",
                                       "limit",
                                       "tags",
                                       "check_mode",
                                       "launch_form",
                                       "created",
                                       "updated",
                                       "ask_credential_on_launch",
                                       "ask_inventory_on_launch",
                                       "ask_variables_on_launch",
                                       "ask_limit_on_launch",
                                       "ask_tags_on_launch",
                                       "ask_skip_tags_on_launch",
                                       "ask_job_type_on_launch",
                                       "ask_diff_mode_on_launch",
                                       "ask_verbosity_on_launch",
                                       "ask_forks_on_launch"});
  components["TemplateInput"] =
      obj(template_fields(), {"name", "project_id", "playbook", "inventory"});
  components["TemplatePatch"] = obj(template_fields());
  components["CredentialPage"] = page_schema("Credential");
  components["ProjectPage"] = page_schema("Project");
  components["TemplatePage"] = page_schema("Template");

  components["PlaybookList"] =
      open({{"items", array_of(str("a path inside the project"))}, {"total", integer(0)}}, {"items", "total"});
  docs["GET /api/v1/projects/{id}/playbooks"] = {
      .responses = {ok(ref("PlaybookList"), "the project's playbooks, sorted (at most 1000)"),
                    err(404, "no project with this id")}};
  docs["GET /api/v1/credentials"] = {.query = page_params(),
                                     .responses = {ok(page_of("Credential")), err(400)}};
  docs["POST /api/v1/credentials"] = {
      .body = obj({{"name", str()},
                   {"kind", enum_of(kCredentialKinds)},
                   {"username", str()},
                   {"secret",
                    str("the key, password, become password or vault password; encrypted at rest, "
                        "never returned")},
                   {"description", str()},
                   {"allowed_roles", allowed_roles()},
                   {"allowed_users", allowed_users()},
                   {"vault_id", vault_id()}},
                  {"name", "kind", "secret"}),
      .responses = {created(ref("Credential")), err(409, "a credential with this name exists")}};
  docs["GET /api/v1/credentials/{id}"] = {.responses = {ok(ref("Credential")), err(404)}};
  docs["PATCH /api/v1/credentials/{id}"] = {
      .body = obj({{"name", str()},
                   {"username", str()},
                   {"secret", str()},
                   {"description", str()},
                   {"allowed_roles", allowed_roles()},
                   {"allowed_users", allowed_users()},
                   {"vault_id", vault_id()}}),
      .responses = {ok(ref("Credential")), err(404), err(409, "another credential has this name")}};
  docs["DELETE /api/v1/credentials/{id}"] = {
      .responses = {no_content("deleted; templates that used it keep no credential"), err(404)}};

  docs["GET /api/v1/projects"] = {.query = page_params(),
                                  .responses = {ok(page_of("Project")), err(400)}};
  docs["POST /api/v1/projects"] = {
      .body =
          obj({{"name", str()},
               {"kind", described(enum_of({"local", "git"}), "local when absent")},
               {"path", str("local: an absolute directory")},
               {"url", str("git: the repository to clone")},
               {"branch", str("git: the branch (the remote's HEAD when absent)")},
               {"credential_id", described(integer(1), "git: a password or ssh_key credential")}},
              {"name"}),
      .responses = {created(ref("Project"), "created; a git project gets a sync job (sync_job_id)"),
                    err(403, "the caller may not use the credential"),
                    err(409, "a project with this name exists")}};
  docs["GET /api/v1/projects/{id}"] = {.responses = {ok(ref("Project")), err(404)}};
  docs["PATCH /api/v1/projects/{id}"] = {
      .body = obj({{"name", str()},
                   {"path", str("local: an absolute directory")},
                   {"url", str("git: the repository (a new one is cloned afresh)")},
                   {"branch", str("git: the branch (empty: the remote's HEAD)")},
                   {"credential_id", nullable(described(integer(1), "git: a password or ssh_key credential"))}}),
      .responses = {ok(ref("Project"), "changed; a git project whose url, branch or credential changed gets a "
                                       "sync job (sync_job_id)"),
                    err(400, "a bad field, or a field the project's kind does not have"),
                    err(403, "the caller may not use the credential"), err(404),
                    err(409, "another project has this name, or a sync is under way (url changes)")}};
  docs["POST /api/v1/projects/{id}/sync"] = {
      .responses = {
          accepted(ref("Job"), "a sync job queued (git pull, or a local directory check)"),
          err(404)}};
  docs["DELETE /api/v1/projects/{id}"] = {
      .responses = {no_content("deleted"), err(404), err(409, "templates use the project")}};

  docs["GET /api/v1/templates"] = {.query = page_params(),
                                   .responses = {ok(page_of("Template")), err(400)}};
  docs["POST /api/v1/templates"] = {
      .body = ref("TemplateInput"),
      .responses = {created(ref("Template")),
                    err(400, "a bad field, or no such project or credential"),
                    err(403, "the caller may not use the credential"),
                    err(409, "a template with this name exists")}};
  docs["GET /api/v1/templates/{id}"] = {.responses = {ok(ref("Template")), err(404)}};
  docs["PATCH /api/v1/templates/{id}"] = {
      .body = ref("TemplatePatch"),
      .responses = {ok(ref("Template")), err(400, "a bad field, or no such project or credential"),
                    err(403, "the caller may not use the credential it names or has"), err(404),
                    err(409, "another template has this name")}};
  docs["DELETE /api/v1/templates/{id}"] = {.responses = {no_content("deleted"), err(404)}};
}

}  // namespace drover::server
