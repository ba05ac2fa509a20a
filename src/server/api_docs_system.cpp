// Documentation of system_routes.cpp: health, metrics, this document.
#include "server/api_docs.hpp"

namespace drover::server {

using namespace schema;

void add_system_docs(ApiDocs& docs, Value& components) {
  components["Health"] =
      open({{"status", enum_of({"ok", "unavailable"})},
            {"reason", str("why the database does not take a write (503 only)")}},
           {"status"});
  components["Readiness"] = open({{"status", enum_of({"ok", "unavailable"})},
                                  {"checks", described(open({}),
                                                       "part -> \"ok\" or its problem "
                                                       "(database, migrations, workers)")},
                                  {"reasons", array_of(str())}},
                                 {"status", "checks"});
  docs["GET /livez"] = {.responses = {ok(open({{"status", enum_of({"ok"})}}, {"status"}),
                                         "the process serves HTTP")}};
  docs["GET /healthz"] = {
      .responses = {
          ok(ref("Health"), "the database takes a write"),
          {503, "the database does not take a write (status unavailable, reason)", ref("Health")}}};
  docs["GET /readyz"] = {
      .responses = {ok(ref("Readiness"), "ready for work"),
                    {503, "not ready (status unavailable, reasons)", ref("Readiness")}}};
  docs["GET /metrics"] = {.responses = {text("text/plain", "Prometheus text format 0.0.4")}};
  docs["GET /api/v1/openapi.json"] = {.responses = {ok(any_object(), "this OpenAPI 3.0 document")}};
}

}  // namespace drover::server
