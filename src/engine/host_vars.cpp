#include "engine/host_vars.hpp"

#include "template/engine.hpp"

namespace drover {
namespace {

// One host's variables, then the magic ones every host sees.
class HostVariables : public tmpl::VariableSource {
 public:
  HostVariables(const Value& own, const Value* common) : own_(own), common_(common) {}
  const Value* lookup(std::string_view name) override {
    if (auto it = own_.find(name); it != own_.end()) return &*it;
    if (common_)
      if (auto it = common_->find(name); it != common_->end()) return &*it;
    return nullptr;
  }

 private:
  const Value& own_;
  const Value* common_;
};

// Templar.template(fail_on_undefined=False) of a container recurses into
// it, so each string that fails stays as written on its own.
Value render_leniently(const tmpl::Engine& engine, const Value& v, tmpl::VariableSource& vars) {
  if (v.is_array()) {
    Value out = Value::array();
    for (const auto& e : v) out.push_back(render_leniently(engine, e, vars));
    return out;
  }
  if (v.is_object()) {
    Value out = Value::object();
    for (auto it = v.begin(); it != v.end(); ++it) out[it.key()] = render_leniently(engine, it.value(), vars);
    return out;
  }
  if (!v.is_string()) return v;
  try {
    return engine.render_value(v, vars);
  } catch (const Error&) {
    // An undefined variable leaves the template as written (Ansible); any
    // other error would surface only where the variable is used, which a
    // snapshot rendered ahead cannot tell: it stays as written too.
    return v;
  }
}

}  // namespace

void TemplatedHostVars::reset(const Value* raw, const Value* common) {
  std::lock_guard<std::mutex> lock(mu_);
  raw_ = raw;
  common_ = common;
  rendered_.reset();
}

const Value& TemplatedHostVars::get(const tmpl::Engine& engine) {
  std::lock_guard<std::mutex> lock(mu_);
  if (rendered_) return *rendered_;
  auto out = std::make_unique<Value>(Value::object());
  if (raw_)
    for (auto host = raw_->begin(); host != raw_->end(); ++host) {
      HostVariables own(host.value(), common_);
      tmpl::LazyVariables vars(engine, own);
      (*out)[host.key()] = render_leniently(engine, host.value(), vars);
    }
  rendered_ = std::move(out);
  return *rendered_;
}

}  // namespace drover
