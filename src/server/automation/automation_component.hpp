// The automation parts as server components: one object of type Api holds
// a part's routes and its background thread, made when the routes are added
// and sharing the part's Clock. Api has Api(ServerContext&,
// std::shared_ptr<const Clock>), add_routes(Router&), start() and stop().
#pragma once

#include <memory>
#include <string>

#include "server/automation/clock.hpp"
#include "server/components.hpp"

namespace drover::server {

template <class Api>
Component automation_component(std::string name, std::shared_ptr<const Clock> clock) {
  if (!clock) clock = std::make_shared<SystemClock>();
  auto api = std::make_shared<std::unique_ptr<Api>>();
  return {std::move(name),
          [api, clock](Router& r, ServerContext& ctx) {
            *api = std::make_unique<Api>(ctx, clock);
            (*api)->add_routes(r);
          },
          [api](ServerContext&) { (*api)->start(); },
          [api] {
            if (*api) (*api)->stop();
          }};
}

}  // namespace drover::server
