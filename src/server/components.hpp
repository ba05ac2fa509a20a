// The parts of the server, each adding routes and optionally running
// background work (the job workers).
//
// A component is added by one line in components.cpp. Order of calls:
// every add_routes (in list order), then every start, then the HTTP server
// listens; at shutdown the listener stops first, then every stop (reverse
// order). start may throw to refuse to start (the message is printed).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "server/context.hpp"
#include "server/router.hpp"

namespace drover::server {

struct Component {
  std::string name;
  std::function<void(Router&, ServerContext&)> add_routes;
  std::function<void(ServerContext&)> start;  // may be empty
  std::function<void()> stop;                 // may be empty
};

std::vector<Component> server_components();

}  // namespace drover::server
