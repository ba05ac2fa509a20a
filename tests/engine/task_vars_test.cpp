// TaskVars and stack_task_vars: the variables one task sees on one host,
// with Ansible 2.14's precedence.
#include "engine/task_vars.hpp"

#include <gtest/gtest.h>

#include "engine/config.hpp"
#include "engine/play_state.hpp"
#include "engine/task_executor.hpp"
#include "inventory/inventory.hpp"
#include "template/engine.hpp"

namespace drover {
namespace {

TEST(TaskVars, TheFirstLayerThatHasANameWins) {
  Value high = {{"x", "high"}}, low = {{"x", "low"}, {"y", "low"}};
  TaskVars vars;
  vars.push_layer(&high);
  vars.push_layer(&low);
  EXPECT_EQ(*vars.lookup("x"), "high");
  EXPECT_EQ(*vars.lookup("y"), "low");
  EXPECT_EQ(vars.lookup("z"), nullptr);
}

TEST(TaskVars, MagicVariablesWinOverEveryLayerAndTheFallbackLosesToAll) {
  Value layer = {{"inventory_hostname", "forged"}, {"ansible_user", "from-vars"}};
  Value fallback = {{"ansible_user", "fallback"}, {"ansible_port", 22}};
  Value groups = {{"all", Value::array({"web1"})}};
  TaskVars vars;
  vars.push_layer(&layer);
  vars.set_magic("inventory_hostname", "web1");
  vars.set_magic_ref("groups", &groups);
  vars.set_fallback(&fallback);
  EXPECT_EQ(*vars.lookup("inventory_hostname"), "web1");
  EXPECT_EQ(vars.lookup("groups"), &groups);  // borrowed, not copied
  EXPECT_EQ(*vars.lookup("ansible_user"), "from-vars");
  EXPECT_EQ(*vars.lookup("ansible_port"), 22);
}

TEST(TaskVars, VarsHoldsEveryVariableButHostvarsAndTheFallback) {
  Value high = {{"x", "high"}}, low = {{"x", "low"}, {"y", "low"}};
  Value hostvars = {{"web1", {{"x", 1}}}};
  Value fallback = {{"ansible_port", 22}};
  TaskVars vars;
  vars.push_layer(&high);
  vars.push_layer(&low);
  vars.set_magic_ref("hostvars", &hostvars);
  vars.set_fallback(&fallback);
  const Value& all = *vars.lookup("vars");
  EXPECT_EQ(all["x"], "high");
  EXPECT_EQ(all["y"], "low");
  EXPECT_FALSE(all.contains("hostvars"));
  EXPECT_FALSE(all.contains("ansible_port"));
  // A magic variable set later shows in it.
  vars.set_magic("z", 3);
  EXPECT_EQ((*vars.lookup("vars"))["z"], 3);
}

TEST(TaskVars, EmptyAndNonObjectLayersAreIgnoredAndNamesAreListedOnce) {
  Value empty = Value::object(), list = Value::array({1}), a = {{"x", 1}}, b = {{"x", 2}, {"y", 2}};
  TaskVars vars;
  vars.push_layer(nullptr);
  vars.push_layer(&empty);
  vars.push_layer(&list);
  vars.push_layer(&a);
  vars.push_layer(&b);
  vars.set_magic("x", 0);
  auto names = vars.names();
  EXPECT_EQ(std::count(names.begin(), names.end(), "x"), 1);
  EXPECT_EQ(std::count(names.begin(), names.end(), "y"), 1);
  EXPECT_EQ(names.size(), 2u);
}

TEST(TaskVars, OnlyABorrowedHostvarsTemplatesEachHostAlone) {
  Value hostvars = Value::object();
  TaskVars borrowed, owned;
  borrowed.set_magic_ref("hostvars", &hostvars);
  owned.set_magic("hostvars", hostvars);
  EXPECT_TRUE(borrowed.entries_template_alone("hostvars"));
  EXPECT_FALSE(owned.entries_template_alone("hostvars"));
  EXPECT_FALSE(borrowed.entries_template_alone("groups"));
}

// One task in a block in a role in a play, on one host, with `x` set in
// every place Ansible reads variables from: stack_task_vars must find the
// highest-precedence one, and the next one down once that is gone.
class StackTaskVars : public ::testing::Test {
 protected:
  StackTaskVars()
      : inventory_(inventory::Inventory::load({"web1,"})), config_(Config::load_from("", {})) {
    role_.name = "web";
    role_.path = "/roles/web";
    play_.name = "play";
    play_.playbook_dir = "/pb";
    play_.scope = std::make_unique<Block>();
    auto outer = std::make_unique<Block>();
    outer->parent = play_.scope.get();
    outer->role = &role_;
    auto inner = std::make_unique<Block>();
    inner->parent = outer.get();
    auto task = std::make_unique<Task>();
    task->name = "t";
    task->set_action("debug");
    task->role = &role_;
    task->parent = inner.get();
    task_ = task.get();
    inner_ = inner.get();
    outer_ = outer.get();
    inner->block.push_back({std::move(task), nullptr});
    outer->block.push_back({nullptr, std::move(inner)});
    play_.tasks = std::move(outer);

    ctx_.play = &play_;
    ctx_.inventory = &inventory_;
    ctx_.config = &config_;
    ctx_.options = &options_;
    ctx_.templar = &templar_;
    ctx_.play_vars_files = &vars_files_;
    ctx_.runtime = [this](const std::string&) -> HostRuntime& { return rt_; };
    pos_.task = task_;
    pos_.include_vars = {&include_outer_, &include_inner_};
    rt_.name = "web1";
  }

  // What `name` is for the task on web1.
  Value lookup(const std::string& name) {
    TaskVars raw;
    const inventory::Host* host = inventory_.find_host("web1");
    stack_task_vars(raw, ctx_, *host, rt_, pos_, loop_vars_.empty() ? nullptr : &loop_vars_);
    const Value* v = raw.lookup(name);
    return v ? *v : Value("<undefined>");
  }

  inventory::Inventory inventory_;
  Config config_;
  RunOptions options_;
  tmpl::Engine templar_;
  Role role_;
  Play play_;
  Block *outer_ = nullptr, *inner_ = nullptr;
  Task* task_ = nullptr;
  HostRuntime rt_;
  PlayContext ctx_;
  TaskPosition pos_;
  Value vars_files_ = Value::object();
  Value include_outer_ = Value::object(), include_inner_ = Value::object();
  Value loop_vars_ = Value::object();
};

TEST_F(StackTaskVars, EachPlaceWinsOverTheOnesBelowIt) {
  // Highest first, as ansible-core 2.14's VariableManager orders them.
  std::vector<std::pair<std::string, Value*>> places = {
      {"loop", &loop_vars_},
      {"extra vars", &options_.extra_vars},
      {"inner include", &include_inner_},
      {"outer include", &include_outer_},
      {"role params", &role_.params},
      {"set_fact", &rt_.set_facts},
      {"include_vars", &rt_.include_vars},
      {"task vars", &task_->kw.vars},
      {"inner block vars", &inner_->kw.vars},
      {"outer block vars", &outer_->kw.vars},
      {"role vars", &role_.vars},
      {"vars_files", &vars_files_},
      {"play vars", &play_.scope->kw.vars},
      {"facts", &rt_.fact_vars},
      {"inventory", &rt_.inventory_vars},
      {"role defaults", &role_.defaults},
  };
  for (auto& [name, place] : places) (*place)["x"] = name;
  for (auto& [name, place] : places) {
    EXPECT_EQ(lookup("x"), name);
    place->erase("x");
  }
  EXPECT_EQ(lookup("x"), "<undefined>");
}

TEST_F(StackTaskVars, MagicVariablesCannotBeOverriddenEvenByExtraVars) {
  options_.extra_vars["inventory_hostname"] = "forged";
  options_.extra_vars["role_name"] = "forged";
  EXPECT_EQ(lookup("inventory_hostname"), "web1");
  EXPECT_EQ(lookup("role_name"), "web");
  EXPECT_EQ(lookup("role_path"), "/roles/web");
  EXPECT_EQ(lookup("playbook_dir"), "/pb");
  EXPECT_EQ(lookup("ansible_play_name"), "play");
}

TEST_F(StackTaskVars, FactsAreSeenAsAnsibleFactsAndAsTheirVariables) {
  rt_.add_facts(Value{{"ansible_distribution", "Debian"}, {"custom", 1}});
  EXPECT_EQ(lookup("ansible_facts")["distribution"], "Debian");
  EXPECT_EQ(lookup("ansible_distribution"), "Debian");
  EXPECT_EQ(lookup("custom"), 1);
}

}  // namespace
}  // namespace drover
