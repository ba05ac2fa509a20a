// The CMDB over HTTP: /api/v1/hosts (list with filters, sort and pages;
// create, read, partial update, delete; import CSV/JSON; export CSV/JSON)
// and /api/v1/groups (static member lists or saved queries). Viewers read,
// operators write; every write is audited in its own transaction.
#pragma once

#include "server/context.hpp"
#include "server/request.hpp"
#include "server/router.hpp"
#include "store/hosts.hpp"

namespace drover::server {

void add_host_routes(Router& router, ServerContext& ctx);
void add_group_routes(Router& router, ServerContext& ctx);  // group_routes.cpp

// The host filter of a query string (role line idc region platform
// machine_type status tag q sort order limit offset, plus `extra` names the
// caller reads itself). 400 on anything else or a bad value.
store::HostFilter host_filter_from_query(const HttpRequest& req, std::set<std::string> extra = {});

}  // namespace drover::server
