// /api/v1/credentials: see catalog_routes.hpp. Who may use a credential is
// part of it: its owner (who created it), the users in `allowed_users`
// (ids), the users whose role is in `allowed_roles`; admins always
// (may_use_credential in jobs/job_template.hpp applies it).
//
// Kind `vault` is an Ansible Vault password (AWX's vault credential): the
// secret is the password, `vault_id` the optional label it opens
// (`--vault-id LABEL@...`; none: Ansible's `default`). Templates and jobs
// carry them in `vault_credential_ids`, one per vault id.
#include "server/api_error.hpp"
#include "server/catalog_routes.hpp"
#include "server/credential_vault.hpp"
#include "server/request.hpp"

namespace drover::server {
namespace {

constexpr const char* kColumns =
    "id, name, kind, username, description, created, updated, owner_id, allowed_roles, allowed_users, vault_id";

Value read_credential(store::Statement& s) {
  return {{"id", s.integer(0)},
          {"name", s.text(1)},
          {"kind", s.text(2)},
          {"username", s.text(3)},
          {"description", s.text(4)},
          {"created", s.text(5)},
          {"updated", s.text(6)},
          {"owner_id", s.optional_integer(7) ? Value(s.integer(7)) : Value(nullptr)},
          {"allowed_roles", Value::parse(s.text(8), nullptr, false)},
          {"allowed_users", Value::parse(s.text(9), nullptr, false)},
          {"vault_id", s.text(10).empty() ? Value(nullptr) : Value(s.text(10))}};
}

// A vault id is a label in `--vault-id LABEL@SOURCE`, in the 1.2 header
// `$ANSIBLE_VAULT;1.2;AES256;LABEL` and in comma lists: none of ; @ , nor
// spaces.
std::optional<std::string> read_vault_id(const BodyReader& r) {
  auto id = r.optional_string("vault_id");
  if (!id) return std::nullopt;
  for (unsigned char ch : *id)
    if (ch <= ' ' || ch == ';' || ch == '@' || ch == ',' || ch == 0x7f)
      throw ApiError(400, "bad_value", "field 'vault_id': a vault id has no spaces, ';', '@' or ','",
                     {{"field", "vault_id"}});
  if (id->size() > 128)
    throw ApiError(400, "bad_value", "field 'vault_id': at most 128 characters", {{"field", "vault_id"}});
  return id;
}

[[noreturn]] void refuse_vault_id(const std::string& kind) {
  throw ApiError(400, "bad_value", "field 'vault_id' is only for credentials of kind vault, not " + kind,
                 {{"field", "vault_id"}});
}

// allowed_roles: role names; allowed_users: ids of existing users.
std::optional<Value> read_allowed_roles(const BodyReader& r) {
  auto roles = r.optional_string_list("allowed_roles");
  if (!roles) return std::nullopt;
  Value out = Value::array();
  for (const auto& role : *roles) {
    if (!parse_user_role(role))
      throw ApiError(400, "bad_value", "field 'allowed_roles': '" + role + "' is not a role (viewer, operator, admin)",
                     {{"field", "allowed_roles"}});
    out.push_back(role);
  }
  return out;
}

std::optional<Value> read_allowed_users(const BodyReader& r) {
  auto users = r.optional_value("allowed_users");
  if (!users) return std::nullopt;
  if (!users->is_array())
    throw ApiError(400, "wrong_type", "field 'allowed_users' must be a list of user ids", {{"field", "allowed_users"}});
  for (const auto& u : *users)
    if (!u.is_number_integer() || u.get<int64_t>() <= 0)
      throw ApiError(400, "wrong_type", "field 'allowed_users' must be a list of user ids", {{"field", "allowed_users"}});
  return *users;
}

void check_users_exist(store::Connection& c, const std::optional<Value>& users) {
  if (!users) return;
  for (const auto& u : *users) {
    auto s = c.prepare("SELECT 1 FROM users WHERE id = ?");
    s.bind(1, u.get<int64_t>());
    if (!s.step())
      throw ApiError(400, "bad_value", "field 'allowed_users': no user " + u.dump(), {{"field", "allowed_users"}});
  }
}

std::optional<Value> find_credential(store::Connection& c, int64_t id) {
  auto s = c.prepare(std::string("SELECT ") + kColumns + " FROM credentials WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_credential(s);
}

const std::vector<std::string> kKinds = {"ssh_key", "password", "become", "vault"};

}  // namespace

void add_credential_routes(Router& router, ServerContext& ctx) {
  store::Database& db = ctx.store.db();
  router.add({"GET", "/api/v1/credentials", Role::Operator, "List credentials (never their secrets)",
              [&db](Call& call) {
                Page page = QueryReader(call.req, {"limit", "offset"}).page();
                auto [items, total] = db.read([&](store::Connection& c) {
                  Value items = Value::array();
                  auto s =
                      c.prepare(std::string("SELECT ") + kColumns + " FROM credentials ORDER BY name LIMIT ? OFFSET ?");
                  s.bind(1, page.limit).bind(2, page.offset);
                  while (s.step()) items.push_back(read_credential(s));
                  auto n = c.prepare("SELECT COUNT(*) FROM credentials");
                  n.step();
                  return std::make_pair(items, n.integer(0));
                });
                send_json(call.res, 200, page_body(items, total, page));
              }});
  router.add({"POST", "/api/v1/credentials", Role::Admin, "Create a credential (the secret is encrypted at rest)",
              [&db, &ctx](Call& call) {
                Value body = parse_json_body(call.req, 256 * 1024);
                BodyReader r(body, {"name", "kind", "username", "secret", "description", "allowed_roles", "allowed_users",
                                    "vault_id"});
                std::string name = r.required_string("name");
                Value roles = read_allowed_roles(r).value_or(Value::array());
                Value users = read_allowed_users(r).value_or(Value::array());
                auto kind = r.optional_choice("kind", kKinds);
                if (!kind) throw ApiError(400, "missing_field", "field 'kind' is required", {{"field", "kind"}});
                std::string secret = r.required_string("secret");
                std::string username = r.optional_string("username").value_or("");
                std::string description = r.optional_string("description").value_or("");
                std::string vault_id = read_vault_id(r).value_or("");
                if (!vault_id.empty() && *kind != "vault") refuse_vault_id(*kind);
                std::string sealed = ctx.vault.seal(secret);
                Value out = db.write([&](store::Connection& c) {
                  std::string now = store::now_timestamp();
                  check_users_exist(c, users);
                  try {
                    c.prepare("INSERT INTO credentials (name, kind, username, secret, description, created, updated, "
                              "owner_id, allowed_roles, allowed_users, vault_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                        .bind(1, name).bind(2, *kind).bind(3, username).bind(4, sealed).bind(5, description)
                        .bind(6, now).bind(7, now).bind(8, call.user.user_id).bind(9, roles.dump())
                        .bind(10, users.dump()).bind(11, vault_id).run();
                  } catch (const store::ConstraintError&) {
                    throw ApiError::conflict("credential '" + name + "' exists", {{"field", "name"}});
                  }
                  int64_t id = c.last_insert_id();
                  store::append_audit(c, audit_entry(call, "create", "credentials", std::to_string(id),
                                                     {{"name", name}, {"kind", *kind}}));
                  return *find_credential(c, id);
                });
                send_json(call.res, 201, out);
              }});
  router.add({"GET", "/api/v1/credentials/{id}", Role::Operator, "Get a credential (never its secret)",
              [&db](Call& call) {
                int64_t id = call.id_param();
                auto v = db.read([&](store::Connection& c) { return find_credential(c, id); });
                if (!v) throw ApiError::not_found("no credential " + std::to_string(id));
                send_json(call.res, 200, *v);
              }});
  router.add({"PATCH", "/api/v1/credentials/{id}", Role::Admin, "Change a credential (name, username, secret, description)",
              [&db, &ctx](Call& call) {
                int64_t id = call.id_param();
                Value body = parse_json_body(call.req, 256 * 1024);
                BodyReader r(body, {"name", "username", "secret", "description", "allowed_roles", "allowed_users", "vault_id"});
                auto name = r.optional_string("name");
                auto roles = read_allowed_roles(r);
                auto users = read_allowed_users(r);
                auto username = r.optional_string("username");
                auto description = r.optional_string("description");
                auto vault_id = read_vault_id(r);
                std::optional<std::string> sealed;
                if (auto secret = r.optional_string("secret")) sealed = ctx.vault.seal(*secret);
                Value fields = Value::array();
                for (auto it = body.begin(); it != body.end(); ++it) fields.push_back(it.key());
                Value out = db.write([&](store::Connection& c) {
                  auto old = find_credential(c, id);
                  if (!old) throw ApiError::not_found("no credential " + std::to_string(id));
                  std::string kind = (*old)["kind"].get<std::string>();
                  if (vault_id && !vault_id->empty() && kind != "vault") refuse_vault_id(kind);
                  check_users_exist(c, users);
                  std::optional<std::string> roles_text, users_text;
                  if (roles) roles_text = roles->dump();
                  if (users) users_text = users->dump();
                  try {
                    c.prepare("UPDATE credentials SET name = COALESCE(?, name), username = COALESCE(?, username), "
                              "secret = COALESCE(?, secret), description = COALESCE(?, description), "
                              "allowed_roles = COALESCE(?, allowed_roles), allowed_users = COALESCE(?, allowed_users), "
                              "vault_id = COALESCE(?, vault_id), updated = ? WHERE id = ?")
                        .bind(1, name).bind(2, username).bind(3, sealed).bind(4, description).bind(5, roles_text)
                        .bind(6, users_text).bind(7, vault_id).bind(8, store::now_timestamp()).bind(9, id).run();
                  } catch (const store::ConstraintError&) {
                    throw ApiError::conflict("credential '" + name.value_or("") + "' exists", {{"field", "name"}});
                  }
                  store::append_audit(c, audit_entry(call, "update", "credentials", std::to_string(id), {{"fields", fields}}));
                  return *find_credential(c, id);
                });
                send_json(call.res, 200, out);
              }});
  router.add({"DELETE", "/api/v1/credentials/{id}", Role::Admin, "Delete a credential", [&db](Call& call) {
                int64_t id = call.id_param();
                db.write([&](store::Connection& c) {
                  if (!find_credential(c, id)) throw ApiError::not_found("no credential " + std::to_string(id));
                  c.prepare("UPDATE job_templates SET credential_id = NULL WHERE credential_id = ?").bind(1, id).run();
                  c.prepare("UPDATE job_templates SET vault_credential_ids = (SELECT json_group_array(value) FROM "
                            "json_each(vault_credential_ids) WHERE value != ?1) WHERE EXISTS (SELECT 1 FROM "
                            "json_each(vault_credential_ids) WHERE value = ?1)")
                      .bind(1, id).run();
                  c.prepare("DELETE FROM credentials WHERE id = ?").bind(1, id).run();
                  store::append_audit(c, audit_entry(call, "delete", "credentials", std::to_string(id)));
                });
                call.res.status = 204;
              }});
}

}  // namespace drover::server
