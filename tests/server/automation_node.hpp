// A server's context without its HTTP side, on a data directory: the store,
// the authenticator, the credential vault and the metrics that the
// scheduler, the notifier and the workflow runner need, for tests that run
// them in-process on a real SQLite database.
#pragma once

#include <string>

#include "server/authenticator.hpp"
#include "server/automation/clock.hpp"
#include "server/context.hpp"
#include "server/credential_vault.hpp"
#include "server/metrics.hpp"
#include "store/store.hpp"

namespace drover::server {

struct AutomationNode {
  explicit AutomationNode(const std::string& data)
      : store(data), auth(store.db()), vault(data), ctx{options_for(data), store, metrics, auth, vault} {}
  static ServerOptions options_for(const std::string& data) {
    ServerOptions o;
    o.data_dir = data;
    return o;
  }
  store::Store store;
  Metrics metrics;
  Authenticator auth;
  CredentialVault vault;
  ServerContext ctx;
};

// A time written as the tests write it ("2026-03-01T10:00:00Z").
inline SysSeconds at(const std::string& text) { return parse_time(text).value(); }

}  // namespace drover::server
