#include "store/migrations.hpp"

#include <set>

namespace drover::store {

const std::vector<Migration>& builtin_migrations() {
  static const std::vector<Migration> list = {
      {1, "users, tokens, audit, CMDB, credentials, projects, templates, jobs",
       R"SQL(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
  disabled INTEGER NOT NULL DEFAULT 0,
  created TEXT NOT NULL,
  updated TEXT NOT NULL
);

-- Session tokens (from login) and personal API tokens; only SHA-256 hashes.
CREATE TABLE tokens (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('session', 'api')),
  name TEXT NOT NULL DEFAULT '',
  created TEXT NOT NULL,
  expires TEXT,
  last_used TEXT,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tokens_user ON tokens(user_id, id);

CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  time TEXT NOT NULL,
  user_id INTEGER,
  username TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  resource TEXT NOT NULL,
  resource_id TEXT NOT NULL DEFAULT '',
  details TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE hosts (
  id INTEGER PRIMARY KEY,
  hostname TEXT NOT NULL UNIQUE,
  ip TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL DEFAULT '',
  platform TEXT NOT NULL DEFAULT '',
  machine_type TEXT NOT NULL DEFAULT '',
  line TEXT NOT NULL DEFAULT '',
  idc TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'online' CHECK (status IN ('online', 'offline', 'maintenance')),
  tags TEXT NOT NULL DEFAULT '[]',
  vars TEXT NOT NULL DEFAULT '{}',
  created TEXT NOT NULL,
  updated TEXT NOT NULL
);
-- Filter fields, each with hostname so that "?role=cache" pages in order
-- straight from the index.
CREATE INDEX hosts_role ON hosts(role, hostname);
CREATE INDEX hosts_line ON hosts(line, hostname);
CREATE INDEX hosts_idc ON hosts(idc, hostname);
CREATE INDEX hosts_region ON hosts(region, hostname);
CREATE INDEX hosts_platform ON hosts(platform, hostname);
CREATE INDEX hosts_status ON hosts(status, hostname);
CREATE TABLE host_tags (
  host_id INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (tag, host_id)
);
CREATE INDEX host_tags_host ON host_tags(host_id);

-- Groups: static members (host_group_members) or a saved query (JSON
-- object of filter fields, as the hosts list takes them).
CREATE TABLE host_groups (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  query TEXT,
  vars TEXT NOT NULL DEFAULT '{}',
  created TEXT NOT NULL,
  updated TEXT NOT NULL
);
CREATE TABLE host_group_members (
  group_id INTEGER NOT NULL REFERENCES host_groups(id) ON DELETE CASCADE,
  host_id INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, host_id)
);

-- Secrets are libsodium secretbox (nonce || ciphertext), base64.
CREATE TABLE credentials (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('ssh_key', 'password', 'become')),
  username TEXT NOT NULL DEFAULT '',
  secret TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  created TEXT NOT NULL,
  updated TEXT NOT NULL
);

CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('local', 'git')),
  path TEXT NOT NULL DEFAULT '',
  url TEXT NOT NULL DEFAULT '',
  branch TEXT NOT NULL DEFAULT '',
  sync_state TEXT NOT NULL DEFAULT 'never',
  sync_message TEXT NOT NULL DEFAULT '',
  synced TEXT,
  created TEXT NOT NULL,
  updated TEXT NOT NULL
);

CREATE TABLE job_templates (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  project_id INTEGER NOT NULL REFERENCES projects(id),
  playbook TEXT NOT NULL,
  inventory TEXT NOT NULL DEFAULT '{}',
  credential_id INTEGER REFERENCES credentials(id),
  extra_vars TEXT NOT NULL DEFAULT '{}',
  forks INTEGER NOT NULL DEFAULT 5,
  host_limit TEXT NOT NULL DEFAULT '',
  tags TEXT NOT NULL DEFAULT '',
  check_mode INTEGER NOT NULL DEFAULT 0,
  created TEXT NOT NULL,
  updated TEXT NOT NULL
);

-- The job queue. Workers claim pending jobs (claimed_by); the job side
-- (src/store/*job*, src/server/jobs) owns the queries on these two tables.
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('playbook', 'adhoc')),
  template_id INTEGER REFERENCES job_templates(id) ON DELETE SET NULL,
  state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'running', 'successful', 'failed', 'canceled', 'error')),
  spec TEXT NOT NULL DEFAULT '{}',
  created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created TEXT NOT NULL,
  started TEXT,
  finished TEXT,
  exit_code INTEGER,
  recap TEXT,
  claimed_by TEXT,
  cancel_requested INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX jobs_state ON jobs(state, id);

CREATE TABLE job_events (
  job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  time TEXT NOT NULL,
  host TEXT,
  task TEXT,
  event TEXT NOT NULL,
  data TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (job_id, seq)
);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)SQL"},
      // The job side: why a job ended in `error` (a load error, "interrupted"
      // by a server that died), shown by GET /jobs/{id} and in its stdout.
      {2, "jobs: error message",
       R"SQL(
ALTER TABLE jobs ADD COLUMN error TEXT NOT NULL DEFAULT '';
)SQL"},
      // Sessions are listed with where they logged in from.
      {20, "tokens: the address a session logged in from",
       R"SQL(
ALTER TABLE tokens ADD COLUMN address TEXT NOT NULL DEFAULT '';
)SQL"},
      // Who may use a credential (owner, roles, users; admins always).
      // Credentials made before this keep what they allowed then: every
      // operator.
      {21, "credentials: owner and who may use them",
       R"SQL(
ALTER TABLE credentials ADD COLUMN owner_id INTEGER REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE credentials ADD COLUMN allowed_roles TEXT NOT NULL DEFAULT '[]';
ALTER TABLE credentials ADD COLUMN allowed_users TEXT NOT NULL DEFAULT '[]';
UPDATE credentials SET allowed_roles = '["operator"]';
)SQL"},
      // AWX's "prompt on launch" flags: a launch may override a field only
      // where its template says so.
      {22, "job templates: prompt on launch flags",
       R"SQL(
ALTER TABLE job_templates ADD COLUMN ask_credential_on_launch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE job_templates ADD COLUMN ask_inventory_on_launch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE job_templates ADD COLUMN ask_variables_on_launch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE job_templates ADD COLUMN ask_limit_on_launch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE job_templates ADD COLUMN ask_tags_on_launch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE job_templates ADD COLUMN ask_skip_tags_on_launch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE job_templates ADD COLUMN ask_job_type_on_launch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE job_templates ADD COLUMN ask_diff_mode_on_launch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE job_templates ADD COLUMN ask_verbosity_on_launch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE job_templates ADD COLUMN ask_forks_on_launch INTEGER NOT NULL DEFAULT 0;
)SQL"},
      // Git sync is a job of kind `sync`. SQLite cannot ALTER a CHECK
      // constraint, and rebuilding `jobs` would cascade-delete job_events
      // (foreign_keys is on and cannot be switched off inside the
      // migration's transaction) and drop columns other migrations add.
      // Widening a CHECK is one of the edits SQLite's ALTER TABLE page
      // allows through writable_schema (section "Making Other Kinds Of
      // Table Schema Changes"); RESET reloads the schema on this (the
      // writer) connection. Readers may keep the old text until their next
      // schema check: the columns are the same, and only writers check.
      {23, "jobs: kind sync (a project's git sync)",
       R"SQL(
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(replace(sql,
    'CHECK (kind IN (''playbook'', ''adhoc''))', 'CHECK (kind IN (''playbook'', ''adhoc'', ''sync''))'),
    'CHECK(kind IN(''playbook'',''adhoc''))', 'CHECK(kind IN(''playbook'',''adhoc'',''sync''))')
  WHERE type = 'table' AND name = 'jobs';
PRAGMA writable_schema = RESET;
)SQL"},
      // A git project's credential (a password or an SSH key), given to
      // git by GIT_ASKPASS / GIT_SSH_COMMAND, never in the URL.
      {24, "projects: the git credential",
       R"SQL(
ALTER TABLE projects ADD COLUMN credential_id INTEGER REFERENCES credentials(id) ON DELETE SET NULL;
)SQL"},
      // /healthz and /readyz prove that the database takes a write by
      // updating this one row.
      {30, "health: heartbeat row",
       R"SQL(
CREATE TABLE heartbeat (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  beat TEXT NOT NULL,
  pid INTEGER NOT NULL
);
)SQL"},
      // Job list filters by creator and date, and the retention sweep.
      {31, "jobs: indexes for created_by, created and finished",
       R"SQL(
CREATE INDEX jobs_created_by ON jobs(created_by, id);
CREATE INDEX jobs_created ON jobs(created);
CREATE INDEX jobs_finished ON jobs(finished);
)SQL"},
      // Ansible Vault passwords as credentials (AWX's vault credential: a
      // password and an optional vault id), several per template. The
      // kind CHECK is widened as migration 23 widens jobs.kind.
      {40, "credentials: kind vault with a vault id; templates: vault credentials",
       R"SQL(
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(replace(sql,
    'CHECK (kind IN (''ssh_key'', ''password'', ''become''))',
    'CHECK (kind IN (''ssh_key'', ''password'', ''become'', ''vault''))'),
    'CHECK(kind IN(''ssh_key'',''password'',''become''))',
    'CHECK(kind IN(''ssh_key'',''password'',''become'',''vault''))')
  WHERE type = 'table' AND name = 'credentials';
PRAGMA writable_schema = RESET;
ALTER TABLE credentials ADD COLUMN vault_id TEXT NOT NULL DEFAULT '';
ALTER TABLE job_templates ADD COLUMN vault_credential_ids TEXT NOT NULL DEFAULT '[]';
)SQL"},
      // Schedules (issue 19): a template launched by cron or once, as its
      // owner. schedule_runs holds one row per fired slot: its UNIQUE key is
      // what keeps two nodes, or a restart at the scheduled second, from
      // launching a slot twice (written in the job's own transaction).
      // target_kind leaves room for workflows as targets.
      {50, "schedules and their runs",
       R"SQL(
CREATE TABLE schedules (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  target_kind TEXT NOT NULL DEFAULT 'template',
  template_id INTEGER REFERENCES job_templates(id) ON DELETE CASCADE,
  cron TEXT NOT NULL DEFAULT '',
  run_at TEXT,
  time_zone TEXT NOT NULL DEFAULT 'UTC',
  overrides TEXT NOT NULL DEFAULT '{}',
  enabled INTEGER NOT NULL DEFAULT 1,
  missed_runs TEXT NOT NULL DEFAULT 'skip' CHECK (missed_runs IN ('skip', 'run_once')),
  owner_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
  next_run TEXT,
  last_run TEXT,
  last_job_id INTEGER,
  last_error TEXT NOT NULL DEFAULT '',
  created TEXT NOT NULL,
  updated TEXT NOT NULL
);
CREATE INDEX schedules_due ON schedules(enabled, next_run);
CREATE TABLE schedule_runs (
  id INTEGER PRIMARY KEY,
  schedule_id INTEGER NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
  slot TEXT NOT NULL,
  fired TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('launched', 'skipped', 'refused')),
  job_id INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
  message TEXT NOT NULL DEFAULT '',
  UNIQUE (schedule_id, slot)
);
CREATE INDEX schedule_runs_outcome ON schedule_runs(outcome);
)SQL"},
      // Incoming webhooks (issue 19): the secret sealed as credentials are;
      // a delivery's id is UNIQUE per webhook (replay protection), kept only
      // for deliveries that proved their signature.
      {51, "webhooks and their deliveries",
       R"SQL(
CREATE TABLE webhooks (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  target_kind TEXT NOT NULL DEFAULT 'template',
  template_id INTEGER REFERENCES job_templates(id) ON DELETE CASCADE,
  service TEXT NOT NULL CHECK (service IN ('github', 'gitlab', 'gitee', 'generic')),
  auth TEXT NOT NULL DEFAULT 'hmac' CHECK (auth IN ('hmac', 'token')),
  secret TEXT NOT NULL,
  filters TEXT NOT NULL DEFAULT '{}',
  enabled INTEGER NOT NULL DEFAULT 1,
  owner_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created TEXT NOT NULL,
  updated TEXT NOT NULL
);
CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY,
  webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  delivery_id TEXT,
  received TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  event TEXT NOT NULL DEFAULT '',
  ref TEXT NOT NULL DEFAULT '',
  commit_id TEXT NOT NULL DEFAULT '',
  status INTEGER NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('launched', 'filtered', 'rejected', 'duplicate', 'refused')),
  job_id INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
  message TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX webhook_deliveries_once ON webhook_deliveries(webhook_id, delivery_id)
  WHERE delivery_id IS NOT NULL;
CREATE INDEX webhook_deliveries_recent ON webhook_deliveries(webhook_id, id);
CREATE INDEX webhook_deliveries_outcome ON webhook_deliveries(outcome);
)SQL"},
      // Notifications (issue 19): per template, on started / succeeded /
      // failed. Deliveries are queued from the jobs table by whichever node's
      // notifier sees the change first (UNIQUE per notification, job and
      // event) and sent with retries; the secret is sealed.
      {52, "notifications and their deliveries",
       R"SQL(
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  target_kind TEXT NOT NULL DEFAULT 'template',
  template_id INTEGER REFERENCES job_templates(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('dingtalk', 'wecom', 'feishu', 'slack', 'email', 'webhook')),
  url TEXT NOT NULL,
  secret TEXT,
  config TEXT NOT NULL DEFAULT '{}',
  events TEXT NOT NULL DEFAULT '["failed"]',
  enabled INTEGER NOT NULL DEFAULT 1,
  created TEXT NOT NULL,
  updated TEXT NOT NULL
);
CREATE TABLE notification_deliveries (
  id INTEGER PRIMARY KEY,
  notification_id INTEGER NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
  job_id INTEGER NOT NULL,
  event TEXT NOT NULL CHECK (event IN ('started', 'succeeded', 'failed')),
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt TEXT NOT NULL,
  claimed TEXT,
  created TEXT NOT NULL,
  finished TEXT,
  last_error TEXT NOT NULL DEFAULT '',
  UNIQUE (notification_id, job_id, event)
);
CREATE INDEX notification_deliveries_due ON notification_deliveries(state, next_attempt);
CREATE INDEX jobs_started ON jobs(started);
)SQL"},
      // A host's job history (GET /api/v1/hosts/{id}/jobs, the UI's host
      // page): the jobs whose events name the host, newest first.
      {60, "job_events: index by host",
       R"SQL(
CREATE INDEX job_events_host ON job_events(host, job_id);
)SQL"},
      // Launch forms (AWX's surveys, issue 19): a template's typed questions
      // (server/jobs/launch_form.hpp), password defaults sealed.
      {70, "job_templates: launch form",
       R"SQL(
ALTER TABLE job_templates ADD COLUMN launch_form TEXT NOT NULL DEFAULT '[]';
)SQL"},
      // Workflows (issue 19): a graph of template and approval nodes
      // (server/automation/workflow_graph.hpp). A workflow job keeps a copy
      // of the graph it started with and one row per node; every change of
      // a node is a conditional UPDATE (state = what was read) in the
      // transaction that queues its job, so two servers, or a restart, never
      // run a node twice. Notifications learn "needs_approval": a delivery's
      // job_id is then the node row's id (subject 'approval'); the event
      // CHECK is widened as migration 23 widens jobs.kind.
      {71, "workflows, workflow jobs and their nodes; approval notifications",
       R"SQL(
CREATE TABLE workflows (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  nodes TEXT NOT NULL,
  extra_vars TEXT NOT NULL DEFAULT '{}',
  created TEXT NOT NULL,
  updated TEXT NOT NULL
);
CREATE TABLE workflow_jobs (
  id INTEGER PRIMARY KEY,
  workflow_id INTEGER REFERENCES workflows(id) ON DELETE SET NULL,
  name TEXT NOT NULL,
  nodes TEXT NOT NULL,
  extra_vars TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'successful', 'failed', 'canceled')),
  created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created TEXT NOT NULL,
  finished TEXT,
  message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX workflow_jobs_state ON workflow_jobs(state, id);
CREATE TABLE workflow_nodes (
  id INTEGER PRIMARY KEY,
  workflow_job_id INTEGER NOT NULL REFERENCES workflow_jobs(id) ON DELETE CASCADE,
  node TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'running', 'approval', 'successful', 'failed', 'skipped', 'canceled')),
  job_id INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
  jobs TEXT NOT NULL DEFAULT '[]',
  vars TEXT NOT NULL DEFAULT '{}',
  artifacts TEXT NOT NULL DEFAULT '{}',
  progress TEXT NOT NULL DEFAULT '{}',
  started TEXT,
  finished TEXT,
  deadline TEXT,
  decided_by TEXT NOT NULL DEFAULT '',
  message TEXT NOT NULL DEFAULT '',
  UNIQUE (workflow_job_id, node)
);
CREATE INDEX workflow_nodes_approval ON workflow_nodes(state, started);
ALTER TABLE notifications ADD COLUMN workflow_id INTEGER REFERENCES workflows(id) ON DELETE CASCADE;
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(replace(sql,
    'CHECK (event IN (''started'', ''succeeded'', ''failed''))',
    'CHECK (event IN (''started'', ''succeeded'', ''failed'', ''needs_approval''))'),
    'CHECK(event IN(''started'',''succeeded'',''failed''))',
    'CHECK(event IN(''started'',''succeeded'',''failed'',''needs_approval''))')
  WHERE type = 'table' AND name = 'notification_deliveries';
PRAGMA writable_schema = RESET;
)SQL"},
      // Schedules and webhooks that start a workflow (target_kind
      // 'workflow'): the slot's row, or the delivery's, names the workflow
      // job it started, written in that workflow job's transaction.
      {72, "schedules and webhooks target workflows",
       R"SQL(
ALTER TABLE schedules ADD COLUMN workflow_id INTEGER REFERENCES workflows(id) ON DELETE CASCADE;
ALTER TABLE schedules ADD COLUMN last_workflow_job_id INTEGER;
ALTER TABLE schedule_runs ADD COLUMN workflow_job_id INTEGER REFERENCES workflow_jobs(id) ON DELETE SET NULL;
ALTER TABLE webhooks ADD COLUMN workflow_id INTEGER REFERENCES workflows(id) ON DELETE CASCADE;
ALTER TABLE webhook_deliveries ADD COLUMN workflow_job_id INTEGER REFERENCES workflow_jobs(id) ON DELETE SET NULL;
)SQL"},
  };
  return list;
}

namespace {

// The versions applied to this database (several branches add migrations
// in their own number ranges, so a gap below the highest is normal and is
// filled when a later binary knows it).
std::set<int> read_versions(Connection& c) {
  std::set<int> out;
  auto s = c.prepare("SELECT version FROM schema_migrations");
  while (s.step()) out.insert(static_cast<int>(s.integer(0)));
  return out;
}

std::set<int> applied_versions(Database& db) {
  // A read when the table exists (every open but the first): opening a
  // store then takes no write lock, so that `drover hosts ls` never waits
  // for a writer.
  try {
    return db.read([](Connection& c) { return read_versions(c); });
  } catch (const BusyError&) {
    throw;
  } catch (const StoreError&) {
  }
  return db.write([](Connection& c) {
    c.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied TEXT NOT NULL)");
    return read_versions(c);
  });
}

}  // namespace

int schema_version(Database& db) {
  auto applied = applied_versions(db);
  return applied.empty() ? 0 : *applied.rbegin();
}

int pending_migrations(Database& db) {
  // A read (a readiness probe calls this): the table exists once a Store
  // has opened the database.
  auto applied = db.read([](Connection& c) { return read_versions(c); });
  int n = 0;
  for (const Migration& m : builtin_migrations())
    if (!applied.count(m.version)) ++n;
  return n;
}

int apply_migrations(Database& db) {
  auto done = applied_versions(db);
  int current = done.empty() ? 0 : *done.rbegin();
  const auto& list = builtin_migrations();
  int newest = list.empty() ? 0 : list.back().version;
  if (current > newest)
    throw StoreError("database " + db.path() + " has schema version " + std::to_string(current) +
                     ", newer than this drover knows (" + std::to_string(newest) + "); upgrade drover");
  int applied = 0;
  for (const Migration& m : list) {
    if (done.count(m.version)) continue;
    db.write([&](Connection& c) {
      try {
        c.exec(m.sql);
      } catch (const StoreError& e) {
        throw StoreError("migration " + std::to_string(m.version) + " (" + m.name + ") failed: " + e.message());
      }
      c.prepare("INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)")
          .bind(1, m.version)
          .bind(2, m.name)
          .bind(3, now_timestamp())
          .run();
    });
    ++applied;
  }
  return applied;
}

}  // namespace drover::store
