// Documentation of host_routes.cpp and group_routes.cpp: the CMDB.
#include "server/api_docs.hpp"

namespace drover::server {

using namespace schema;

namespace {

const std::vector<std::string> kStatuses = {"online", "offline", "maintenance"};
const std::vector<std::string> kSortFields = {"hostname", "id",           "ip",      "role",
                                              "platform", "machine_type", "line",    "idc",
                                              "region",   "status",       "created", "updated"};

// The writable fields of a host (store::parse_host); hostname is required
// on create only.
Properties host_fields() {
  // store::parse_host: strings of at most 1024 bytes; a hostname without
  // blanks, control characters or , [ ] : (it is an inventory name).
  Value hostname = bounded_str(1024, "an inventory name: no blanks, control characters or , [ ] :");
  hostname["pattern"] = "^[^\\x00-\\x20,\\[\\]:\\x7f]+$";
  return {{"hostname", hostname},
          {"ip", bounded_str(1024)},
          {"role", bounded_str(1024)},
          {"platform", bounded_str(1024)},
          {"machine_type", bounded_str(1024)},
          {"line", bounded_str(1024, "business line")},
          {"idc", bounded_str(1024, "data center")},
          {"region", bounded_str(1024)},
          {"status", described(enum_of(kStatuses), "online when absent")},
          {"tags", array_of(str())},
          {"vars", described(any_object(), "host variables for the inventory")}};
}

// host_filter_from_query's parameters.
std::vector<Value> host_filter_params() {
  std::vector<Value> q = {
      query("role", str(), "exact role"),
      query("line", str(), "exact business line"),
      query("idc", str(), "exact data center"),
      query("region", str(), "exact region"),
      query("platform", str(), "exact platform"),
      query("machine_type", str(), "exact machine type"),
      query("status", enum_of(kStatuses), "exact status"),
      query("tag", str(), "hosts with this tag"),
      query("q", str(), "substring of hostname or ip"),
      query("sort", enum_of(kSortFields), "sort field (hostname when absent)"),
      query("order", enum_of({"asc", "desc"}), "sort direction (asc when absent)"),
  };
  for (auto& p : page_params()) q.push_back(p);
  return q;
}

Properties group_fields() {
  return {{"name", str("letters, digits and _")},
          {"description", str()},
          {"query", nullable(obj({{"role", str()},
                                  {"line", str()},
                                  {"idc", str()},
                                  {"region", str()},
                                  {"platform", str()},
                                  {"machine_type", str()},
                                  {"status", str()},
                                  {"tag", str()},
                                  {"q", str()}}))},
          {"hosts", described(array_of(str()), "member hostnames (not with query)")},
          {"vars", described(any_object(), "group variables for the inventory")}};
}

}  // namespace

void add_cmdb_docs(ApiDocs& docs, Value& components) {
  Properties host = {{"id", integer(1)}};
  for (auto& f : host_fields()) host.push_back(f);
  host.push_back({"created", timestamp()});
  host.push_back({"updated", timestamp()});
  components["Host"] =
      open(host, {"id", "hostname", "ip", "role", "platform", "machine_type", "line", "idc",
                  "region", "status", "tags", "vars", "created", "updated"});
  components["HostInput"] = obj(host_fields(), {"hostname"});
  components["HostPatch"] = obj(host_fields());
  Properties group = {{"id", integer(1)}};
  for (auto& f : group_fields()) group.push_back(f);
  group.push_back({"created", timestamp()});
  group.push_back({"updated", timestamp()});
  components["Group"] =
      open(group, {"id", "name", "description", "query", "hosts", "vars", "created", "updated"});
  components["GroupInput"] = obj(group_fields(), {"name"});
  components["GroupPatch"] = obj(group_fields());
  components["HostPage"] = page_schema("Host");
  components["GroupPage"] = page_schema("Group");

  Value counts = {{"type", "object"}, {"additionalProperties", integer(0)},
                  {"description", "value -> hosts (the 20 commonest; \"\" for none)"}};
  components["HostSummary"] = open(
      {{"total", integer(0)}, {"status", counts}, {"line", counts}, {"idc", counts}, {"role", counts}},
      {"total", "status", "line", "idc", "role"});
  docs["GET /api/v1/hosts/summary"] = {.responses = {ok(ref("HostSummary"), "hosts per field value")}};
  docs["GET /api/v1/hosts"] = {.query = host_filter_params(),
                               .responses = {ok(page_of("Host")), err(400)}};
  docs["POST /api/v1/hosts"] = {
      .body = ref("HostInput"),
      .responses = {created(ref("Host")), err(409, "a host with this hostname exists")}};
  std::vector<Value> export_query = host_filter_params();
  export_query.insert(export_query.begin(),
                      query("format", enum_of({"csv", "json"}), "json when absent"));
  docs["GET /api/v1/hosts/export"] = {
      .query = export_query,
      .responses = {ok(array_of(ref("Host")), "the hosts: JSON (format=json) or CSV (format=csv)"),
                    text("text/csv", "the hosts as CSV"), err(400)}};
  docs["POST /api/v1/hosts/import"] = {
      .body = array_of(ref("HostInput")),
      .other_bodies = {{"text/csv", str("a header row of host fields, then one host per row")}},
      .responses = {
          ok(open({{"created", integer(0)}, {"updated", integer(0)}}, {"created", "updated"}),
             "imported, all or nothing: hosts created and updated (by hostname)"),
          err(400, "a row or field that does not read (details: row and column)"),
          err(413, "over 32 MiB")}};
  docs["GET /api/v1/hosts/{id}"] = {.responses = {ok(ref("Host")), err(404)}};
  docs["PATCH /api/v1/hosts/{id}"] = {
      .body = ref("HostPatch"),
      .responses = {ok(ref("Host")), err(404), err(409, "another host has this hostname")}};
  docs["DELETE /api/v1/hosts/{id}"] = {.responses = {no_content("deleted"), err(404)}};
  components["HostFacts"] = open(
      {{"facts", nullable(described(any_object(), "ansible_facts as the setup module returned them"))},
       {"job_id", nullable(described(integer(1), "the job that gathered them"))},
       {"gathered", nullable(timestamp())}},
      {"facts", "job_id", "gathered"});
  docs["GET /api/v1/hosts/{id}/facts"] = {
      .responses = {ok(ref("HostFacts"), "the newest gathered facts (all null: none gathered yet)"),
                    err(404, "no host with this id")}};

  docs["GET /api/v1/inventory"] = {
      .responses = {
          ok(any_object(), "the ansible-inventory --list document: _meta.hostvars, groups"),
          err(400, "any query parameter (this route takes none)")}};
  docs["GET /api/v1/groups"] = {.query = page_params(),
                                .responses = {ok(page_of("Group")), err(400)}};
  docs["POST /api/v1/groups"] = {
      .body = ref("GroupInput"),
      .responses = {created(ref("Group")), err(409, "a group with this name exists")}};
  docs["GET /api/v1/groups/{id}"] = {.responses = {ok(ref("Group")), err(404)}};
  docs["GET /api/v1/groups/{id}/hosts"] = {.query = page_params(),
                                           .responses = {ok(page_of("Host")), err(400), err(404)}};
  docs["PATCH /api/v1/groups/{id}"] = {
      .body = ref("GroupPatch"),
      .responses = {ok(ref("Group")), err(404), err(409, "another group has this name")}};
  docs["DELETE /api/v1/groups/{id}"] = {
      .responses = {no_content("deleted (its hosts stay)"), err(404)}};
}

}  // namespace drover::server
