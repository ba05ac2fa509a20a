// Routes about the server itself: GET /healthz, GET /metrics (Prometheus
// text: request latency, jobs by state, queue depth, and the gauges other
// parts register) and GET /api/v1/openapi.json (OpenAPI 3, generated from
// the routes registered when it is served, so it cannot drift from them).
#pragma once

#include "server/context.hpp"
#include "server/router.hpp"

namespace drover::server {

void add_system_routes(Router& router, ServerContext& ctx);

// The OpenAPI 3.0 document of these routes, with the documentation of
// api_docs.hpp (defined in api_docs.cpp).
Value openapi_document(const std::vector<Route>& routes);

}  // namespace drover::server
