#include "output/host_result.hpp"

namespace drover {

const char* host_status_name(HostStatus s) {
  switch (s) {
    case HostStatus::ok: return "ok";
    case HostStatus::changed: return "changed";
    case HostStatus::failed: return "failed";
    case HostStatus::unreachable: return "unreachable";
    case HostStatus::skipped: return "skipped";
  }
  return "ok";
}

namespace {
// Ansible's TaskResult._check_key: the result's key, else any item's.
bool result_or_item_flag(const Value& r, const char* key) {
  if (r.contains(key)) return truthy(r[key]);
  bool any = false;
  if (r.contains("results") && r["results"].is_array())
    for (const auto& item : r["results"])
      if (item.is_object() && item.contains(key) && truthy(item[key])) any = true;
  return any;
}
}  // namespace

HostStatus status_of(const Value& r) {
  auto flag = [&](const char* k) { return r.contains(k) && truthy(r[k]); };
  if (flag("unreachable")) return HostStatus::unreachable;
  // Ansible's TaskResult.is_failed: where failed_when was evaluated (on the
  // result or an item), its verdict decides, whatever "failed" says (until
  // running out of attempts sets "failed").
  bool failed_when = r.contains("failed_when_result");
  if (!failed_when && r.contains("results") && r["results"].is_array())
    for (const auto& item : r["results"])
      if (item.is_object() && item.contains("failed_when_result")) failed_when = true;
  if (failed_when) {
    if (result_or_item_flag(r, "failed_when_result")) return HostStatus::failed;
  } else if (flag("failed")) {
    return HostStatus::failed;
  }
  if (flag("skipped")) return HostStatus::skipped;
  if (flag("changed")) return HostStatus::changed;
  return HostStatus::ok;
}

namespace {
Value strip_internal(const Value& v) {
  if (!v.is_object()) return v;
  Value out = Value::object();
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (it.key().rfind("_ansible_", 0) == 0) continue;
    out[it.key()] = it.value().is_object() ? strip_internal(it.value()) : it.value();
  }
  return out;
}
}  // namespace

Value abridged_result(const Value& result, int verbosity) {
  Value out = strip_internal(result);
  // Ansible's TaskResult.clean_copy(): the status is the event, not a key.
  out.erase("failed");
  out.erase("skipped");
  if (verbosity < 3) {
    out.erase("invocation");
    out.erase("diff");
  }
  out.erase("exception");
  return out;
}

}  // namespace drover
