#include "server/automation/workflow_graph.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

namespace drover::server {
namespace {

const std::set<std::string>& node_fields() {
  static const std::set<std::string> f = {"id",       "template_id", "approval", "extra_vars", "limit",
                                          "on_success", "on_failure", "always",  "rolling"};
  return f;
}

void refuse_unknown(const Value& obj, const std::set<std::string>& allowed, const std::string& where) {
  for (auto it = obj.begin(); it != obj.end(); ++it)
    if (!allowed.count(it.key())) {
      std::vector<std::string> names(allowed.begin(), allowed.end());
      std::string hint = closest_match(it.key(), names);
      throw WorkflowError(where + "." + it.key(), "unknown field" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
}

std::vector<std::string> names(const Value& v, const std::string& where) {
  std::vector<std::string> out;
  if (v.is_null()) return out;
  if (!v.is_array()) throw WorkflowError(where, "expected a list of strings");
  for (const auto& s : v) {
    if (!s.is_string() || s.get<std::string>().empty()) throw WorkflowError(where, "expected a list of non-empty strings");
    out.push_back(s.get<std::string>());
  }
  return out;
}

int64_t positive(const Value& v, const std::string& where, int64_t min = 1) {
  if (!v.is_number_integer() || v.get<int64_t>() < min)
    throw WorkflowError(where, "expected an integer of at least " + std::to_string(min));
  return v.get<int64_t>();
}

RollingPolicy parse_rolling(const Value& r, const std::string& where) {
  if (!r.is_object()) throw WorkflowError(where, "expected an object");
  refuse_unknown(r,
                 {"hosts", "batch_size", "batch_percent", "batches", "health_check_template_id", "max_failed_batches"},
                 where);
  RollingPolicy p;
  int ways = 0;
  if (r.contains("batch_size")) {
    p.batch_size = positive(r["batch_size"], where + ".batch_size");
    ++ways;
  }
  if (r.contains("batch_percent")) {
    if (!r["batch_percent"].is_number() || r["batch_percent"].get<double>() <= 0 || r["batch_percent"].get<double>() > 100)
      throw WorkflowError(where + ".batch_percent", "expected a number above 0, at most 100");
    p.batch_percent = r["batch_percent"].get<double>();
    ++ways;
  }
  if (r.contains("batches")) {
    if (!r["batches"].is_array() || r["batches"].empty())
      throw WorkflowError(where + ".batches", "expected a non-empty list of host lists");
    for (size_t i = 0; i < r["batches"].size(); ++i) {
      auto b = names(r["batches"][i], where + ".batches[" + std::to_string(i) + "]");
      if (b.empty()) throw WorkflowError(where + ".batches[" + std::to_string(i) + "]", "an empty batch");
      p.batches.push_back(std::move(b));
    }
    ++ways;
  }
  if (ways != 1) throw WorkflowError(where, "give exactly one of batch_size, batch_percent, batches");
  if (r.contains("hosts")) {
    const Value& h = r["hosts"];
    if (h.is_string()) {
      if (h.get<std::string>().empty()) throw WorkflowError(where + ".hosts", "an empty host pattern");
    } else if (names(h, where + ".hosts").empty()) {
      throw WorkflowError(where + ".hosts", "expected a list of host names or a CMDB host pattern");
    }
    p.hosts = h;
  }
  if (p.batches.empty() && p.hosts.is_null())
    throw WorkflowError(where + ".hosts", "required with batch_size or batch_percent");
  if (r.contains("health_check_template_id") && !r["health_check_template_id"].is_null())
    p.health_check_template_id = positive(r["health_check_template_id"], where + ".health_check_template_id");
  if (r.contains("max_failed_batches")) p.max_failed_batches = positive(r["max_failed_batches"], where + ".max_failed_batches", 0);
  return p;
}

}  // namespace

const WorkflowNode* WorkflowGraph::find(const std::string& id) const {
  for (const auto& n : nodes)
    if (n.id == id) return &n;
  return nullptr;
}

std::vector<std::string> WorkflowGraph::parents(const std::string& id) const {
  std::vector<std::string> out;
  for (const auto& n : nodes) {
    auto has = [&](const std::vector<std::string>& v) { return std::find(v.begin(), v.end(), id) != v.end(); };
    if (has(n.on_success) || has(n.on_failure) || has(n.always)) out.push_back(n.id);
  }
  return out;
}

Value WorkflowGraph::to_json() const {
  Value out = Value::array();
  for (const auto& n : nodes) {
    Value v = {{"id", n.id}};
    if (n.template_id) v["template_id"] = *n.template_id;
    if (n.approval)
      v["approval"] = {{"timeout_s", n.approval_timeout_s}, {"role", n.approval_role}, {"message", n.approval_message}};
    if (!n.extra_vars.empty()) v["extra_vars"] = n.extra_vars;
    if (!n.limit.empty()) v["limit"] = n.limit;
    v["on_success"] = n.on_success;
    v["on_failure"] = n.on_failure;
    v["always"] = n.always;
    if (n.rolling) {
      const RollingPolicy& p = *n.rolling;
      Value r = Value::object();
      if (!p.hosts.is_null()) r["hosts"] = p.hosts;
      if (p.batch_size) r["batch_size"] = p.batch_size;
      if (p.batch_percent > 0) r["batch_percent"] = p.batch_percent;
      if (!p.batches.empty()) r["batches"] = p.batches;
      if (p.health_check_template_id) r["health_check_template_id"] = *p.health_check_template_id;
      r["max_failed_batches"] = p.max_failed_batches;
      v["rolling"] = r;
    }
    out.push_back(std::move(v));
  }
  return out;
}

WorkflowGraph parse_workflow_graph(const Value& nodes) {
  if (!nodes.is_array() || nodes.empty()) throw WorkflowError("nodes", "expected a non-empty list of nodes");
  if (nodes.size() > 200) throw WorkflowError("nodes", "at most 200 nodes");
  WorkflowGraph g;
  std::set<std::string> ids;
  for (size_t i = 0; i < nodes.size(); ++i) {
    std::string where = "nodes[" + std::to_string(i) + "]";
    const Value& v = nodes[i];
    if (!v.is_object()) throw WorkflowError(where, "expected an object");
    refuse_unknown(v, node_fields(), where);
    WorkflowNode n;
    if (!v.contains("id") || !v["id"].is_string() || v["id"].get<std::string>().empty())
      throw WorkflowError(where + ".id", "required: the node's name");
    n.id = v["id"].get<std::string>();
    if (!ids.insert(n.id).second) throw WorkflowError(where + ".id", "'" + n.id + "' names two nodes");
    bool is_template = v.contains("template_id") && !v["template_id"].is_null();
    bool is_approval = v.contains("approval") && !v["approval"].is_null();
    if (is_template == is_approval) throw WorkflowError(where, "give exactly one of template_id and approval");
    if (is_template) n.template_id = positive(v["template_id"], where + ".template_id");
    if (is_approval) {
      const Value& a = v["approval"];
      if (!a.is_object()) throw WorkflowError(where + ".approval", "expected an object");
      refuse_unknown(a, {"timeout_s", "role", "message"}, where + ".approval");
      n.approval = true;
      if (a.contains("timeout_s")) n.approval_timeout_s = positive(a["timeout_s"], where + ".approval.timeout_s");
      if (a.contains("role")) {
        if (!a["role"].is_string() || (a["role"] != "operator" && a["role"] != "admin"))
          throw WorkflowError(where + ".approval.role", "expected operator or admin");
        n.approval_role = a["role"].get<std::string>();
      }
      if (a.contains("message")) {
        if (!a["message"].is_string()) throw WorkflowError(where + ".approval.message", "expected a string");
        n.approval_message = a["message"].get<std::string>();
      }
      for (const char* k : {"extra_vars", "limit", "rolling"})
        if (v.contains(k)) throw WorkflowError(where + "." + k, "only for template nodes");
    }
    if (v.contains("extra_vars") && !v["extra_vars"].is_null()) {
      if (!v["extra_vars"].is_object()) throw WorkflowError(where + ".extra_vars", "expected an object");
      n.extra_vars = v["extra_vars"];
    }
    if (v.contains("limit") && !v["limit"].is_null()) {
      if (!v["limit"].is_string()) throw WorkflowError(where + ".limit", "expected a host pattern");
      n.limit = v["limit"].get<std::string>();
    }
    n.on_success = names(v.value("on_success", Value(nullptr)), where + ".on_success");
    n.on_failure = names(v.value("on_failure", Value(nullptr)), where + ".on_failure");
    n.always = names(v.value("always", Value(nullptr)), where + ".always");
    if (v.contains("rolling") && !v["rolling"].is_null()) {
      n.rolling = parse_rolling(v["rolling"], where + ".rolling");
      if (!n.limit.empty()) throw WorkflowError(where + ".limit", "a rolling node's batches are its limit");
    }
    g.nodes.push_back(std::move(n));
  }
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (auto [edges, key] : {std::pair{&g.nodes[i].on_success, "on_success"}, std::pair{&g.nodes[i].on_failure, "on_failure"},
                              std::pair{&g.nodes[i].always, "always"}})
      for (const auto& to : *edges) {
        std::string where = "nodes[" + std::to_string(i) + "]." + key;
        if (!ids.count(to)) throw WorkflowError(where, "no node '" + to + "'");
        if (to == g.nodes[i].id) throw WorkflowError(where, "a node cannot follow itself");
      }
  // No cycles: depth-first search with colours.
  std::map<std::string, int> colour;
  std::function<void(const WorkflowNode&)> visit = [&](const WorkflowNode& n) {
    colour[n.id] = 1;
    for (const auto* edges : {&n.on_success, &n.on_failure, &n.always})
      for (const auto& to : *edges) {
        if (colour[to] == 1) throw WorkflowError("nodes", "the edges make a cycle through '" + to + "'");
        if (colour[to] == 0) visit(*g.find(to));
      }
    colour[n.id] = 2;
  };
  for (const auto& n : g.nodes)
    if (colour[n.id] == 0) visit(n);
  return g;
}

bool node_state_final(const std::string& state) {
  return state == "successful" || state == "failed" || state == "skipped" || state == "canceled";
}

std::string pending_node_decision(const WorkflowGraph& g, const std::string& id,
                                  const std::map<std::string, std::string>& states) {
  auto parents = g.parents(id);
  if (parents.empty()) return "run";
  bool fired = false;
  for (const auto& p : parents) {
    auto it = states.find(p);
    std::string st = it == states.end() ? "pending" : it->second;
    if (!node_state_final(st)) return "wait";
    const WorkflowNode& pn = *g.find(p);
    auto has = [&](const std::vector<std::string>& v) { return std::find(v.begin(), v.end(), id) != v.end(); };
    if ((st == "successful" && has(pn.on_success)) || (st == "failed" && has(pn.on_failure)) ||
        ((st == "successful" || st == "failed") && has(pn.always)))
      fired = true;
  }
  return fired ? "run" : "skip";
}

std::vector<std::vector<std::string>> rolling_batches(const RollingPolicy& p, const std::vector<std::string>& hosts) {
  if (!p.batches.empty()) return p.batches;
  if (hosts.empty()) throw WorkflowError("rolling.hosts", "no hosts to deploy to");
  size_t size = p.batch_size > 0 ? static_cast<size_t>(p.batch_size)
                                 : static_cast<size_t>(std::ceil(hosts.size() * p.batch_percent / 100.0));
  size = std::max<size_t>(1, size);
  std::vector<std::vector<std::string>> out;
  for (size_t i = 0; i < hosts.size(); i += size)
    out.emplace_back(hosts.begin() + static_cast<long>(i), hosts.begin() + static_cast<long>(std::min(hosts.size(), i + size)));
  return out;
}

}  // namespace drover::server
