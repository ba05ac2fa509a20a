// HostCursor: where one host is in a play section, as Ansible's
// PlayIterator moves it through block / rescue / always and includes.
#include "engine/host_cursor.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace drover {
namespace {

BlockItem T(const std::string& name) {
  auto t = std::make_unique<Task>();
  t->name = name;
  t->set_action("debug");
  return {std::move(t), nullptr};
}

template <class... Items>
std::vector<BlockItem> L(Items&&... items) {
  std::vector<BlockItem> v;
  (v.push_back(std::move(items)), ...);
  return v;
}

BlockItem B(std::vector<BlockItem> block, std::vector<BlockItem> rescue = {}, std::vector<BlockItem> always = {}) {
  auto b = std::make_unique<Block>();
  b->block = std::move(block);
  b->rescue = std::move(rescue);
  b->always = std::move(always);
  return {nullptr, std::move(b)};
}

// Task ids in program order, as the loader gives them.
void number(Block& b, int& next) {
  for (auto* list : {&b.block, &b.rescue, &b.always})
    for (auto& item : *list) {
      if (item.task) item.task->id = next++;
      else number(*item.block, next);
    }
}

std::unique_ptr<Block> section(std::vector<BlockItem> items, int first_id = 1) {
  auto s = std::make_unique<Block>();
  s->block = std::move(items);
  number(*s, first_id);
  return s;
}

// Runs the cursor to its end: the names of the tasks in the order they
// run, each failing when its name is in `failing`.
std::vector<std::string> walk(HostCursor& cur, const std::set<std::string>& failing = {}) {
  std::vector<std::string> ran;
  for (int guard = 0; guard < 100; ++guard) {
    auto pos = cur.peek();
    if (!pos) return ran;
    ran.push_back(pos->task->name);
    cur.advance(failing.count(pos->task->name) > 0);
  }
  ADD_FAILURE() << "the cursor did not finish";
  return ran;
}

using Names = std::vector<std::string>;

TEST(HostCursor, TasksRunInOrderAndTheHostEndsWithoutFailure) {
  auto s = section(L(T("a"), T("b"), T("c")));
  HostCursor cur(s.get());
  EXPECT_EQ(walk(cur), (Names{"a", "b", "c"}));
  EXPECT_FALSE(cur.failed());
  EXPECT_FALSE(cur.peek());
}

TEST(HostCursor, AFailureInABlockRunsItsRescueThenAlwaysThenTheTasksAfter) {
  auto s = section(L(B(L(T("a"), T("x"), T("b")), L(T("r")), L(T("w"))), T("c")));
  HostCursor cur(s.get());
  EXPECT_EQ(walk(cur, {"x"}), (Names{"a", "x", "r", "w", "c"}));
  EXPECT_FALSE(cur.failed());
}

TEST(HostCursor, ARescueSectionsTasksKnowTheyAreInARescue) {
  auto s = section(L(B(L(T("x")), L(T("r")), L(T("w")))));
  HostCursor cur(s.get());
  EXPECT_FALSE(cur.peek()->in_rescue);
  EXPECT_FALSE(cur.in_rescue_or_always());
  EXPECT_TRUE(cur.failure_is_rescued());
  cur.advance(true);
  auto r = cur.peek();
  EXPECT_EQ(r->task->name, "r");
  EXPECT_TRUE(r->in_rescue);
  EXPECT_TRUE(cur.in_rescue_or_always());
  cur.advance(false);
  auto w = cur.peek();
  EXPECT_EQ(w->task->name, "w");
  EXPECT_FALSE(w->in_rescue);
  EXPECT_TRUE(cur.in_rescue_or_always());
}

TEST(HostCursor, AFailureWithoutRescueRunsAlwaysAndFailsTheHost) {
  auto s = section(L(B(L(T("x"), T("b")), L(), L(T("w"))), T("c")));
  HostCursor cur(s.get());
  EXPECT_FALSE(cur.failure_is_rescued());
  EXPECT_EQ(walk(cur, {"x"}), (Names{"x", "w"}));
  EXPECT_TRUE(cur.failed());
}

TEST(HostCursor, AFailureInARescueIsRescuedByTheOuterBlock) {
  auto s = section(L(B(L(B(L(T("x")), L(T("r")))), L(T("R"))), T("c")));
  HostCursor cur(s.get());
  ASSERT_EQ(cur.peek()->task->name, "x");
  cur.advance(true);
  ASSERT_EQ(cur.peek()->task->name, "r");
  EXPECT_TRUE(cur.failure_is_rescued());  // the outer block is still in its block section
  EXPECT_EQ(walk(cur, {"r"}), (Names{"r", "R", "c"}));
  EXPECT_FALSE(cur.failed());
}

TEST(HostCursor, AFailureInAlwaysFailsTheHost) {
  auto s = section(L(B(L(T("a")), L(), L(T("x"), T("y"))), T("c")));
  HostCursor cur(s.get());
  EXPECT_EQ(walk(cur, {"x"}), (Names{"a", "x"}));
  EXPECT_TRUE(cur.failed());
}

TEST(HostCursor, OrderKeysFollowProgramOrderThroughNestedBlocks) {
  auto s = section(L(T("a"), B(L(T("b"), B(L(T("c"))), T("d"))), T("e")));
  HostCursor cur(s.get());
  std::vector<std::vector<int>> keys;
  for (auto pos = cur.peek(); pos; pos = cur.peek()) {
    keys.push_back(pos->key);
    cur.advance(false);
  }
  ASSERT_EQ(keys.size(), 5u);
  for (size_t i = 1; i < keys.size(); ++i) EXPECT_LT(keys[i - 1], keys[i]);
}

TEST(HostCursor, IncludedFilesRunInOrderWithTheirVariablesAndThenTheTaskAfterTheInclude) {
  auto s = section(L(T("include"), T("after")));
  auto file_a = section(L(T("a1"), T("a2")), 100);
  auto file_b = section(L(T("b1")), 200);
  auto vars_a = std::make_shared<const Value>(Value{{"item", "a"}});
  auto vars_b = std::make_shared<const Value>(Value{{"item", "b"}});
  HostCursor cur(s.get());
  auto inc = cur.peek();
  ASSERT_EQ(inc->task->name, "include");
  cur.enter_includes({{file_a.get(), vars_a}, {file_b.get(), vars_b}}, inc->key);

  std::vector<TaskPosition> seen;
  for (auto pos = cur.peek(); pos; pos = cur.peek()) {
    seen.push_back(*pos);
    cur.advance(false);
  }
  Names names;
  for (const auto& p : seen) names.push_back(p.task->name);
  EXPECT_EQ(names, (Names{"a1", "a2", "b1", "after"}));
  ASSERT_EQ(seen[0].include_vars.size(), 1u);
  EXPECT_EQ((*seen[0].include_vars[0])["item"], "a");
  EXPECT_EQ((*seen[2].include_vars[0])["item"], "b");
  EXPECT_TRUE(seen[3].include_vars.empty());
  // Included tasks sort between the include and the task after it.
  EXPECT_LT(inc->key, seen[0].key);
  EXPECT_LT(seen[1].key, seen[2].key);
  EXPECT_LT(seen[2].key, seen[3].key);
}

TEST(HostCursor, AFailureInTheFirstIncludedFileSkipsTheNextOneAndReachesTheRescueAroundTheInclude) {
  auto s = section(L(B(L(T("include"), T("d")), L(T("r"))), T("c")));
  auto file_a = section(L(T("x")), 100);
  auto file_b = section(L(T("y")), 200);
  HostCursor cur(s.get());
  auto inc = cur.peek();
  cur.enter_includes({{file_a.get(), nullptr}, {file_b.get(), nullptr}}, inc->key);
  EXPECT_EQ(walk(cur, {"x"}), (Names{"x", "r", "c"}));
  EXPECT_FALSE(cur.failed());
}

TEST(HostCursor, AnIncludeOfNothingMovesPastTheInclude) {
  auto s = section(L(T("include"), T("after")));
  HostCursor cur(s.get());
  auto inc = cur.peek();
  cur.enter_includes({}, inc->key);
  EXPECT_EQ(cur.peek()->task->name, "after");
}

TEST(HostCursor, StopEndsTheHostWithoutCountingAFailure) {
  auto s = section(L(T("a"), T("b")));
  HostCursor cur(s.get());
  cur.stop();
  EXPECT_FALSE(cur.peek());
  EXPECT_FALSE(cur.failed());
}

TEST(HostCursor, ClearedErrorsLetTheHostCarryOnAfterTheBlock) {
  auto s = section(L(B(L(T("x")), L(), L(T("clear"), T("w"))), T("c")));
  HostCursor cur(s.get());
  ASSERT_EQ(cur.peek()->task->name, "x");
  cur.advance(true);
  ASSERT_EQ(cur.peek()->task->name, "clear");
  cur.clear_errors();  // meta: clear_host_errors
  cur.advance(false);
  EXPECT_EQ(walk(cur), (Names{"w", "c"}));
  EXPECT_FALSE(cur.failed());
}

TEST(HostCursor, ARoleIsCompletedWhenItsBlockIsLeftWithoutAnUnhandledFailure) {
  Role role;
  role.name = "web";
  auto ok = section(L(B(L(T("a")))));
  ok->block[0].block->role = &role;
  ok->block[0].block->completes_role = true;
  HostCursor done(ok.get());
  walk(done);
  EXPECT_EQ(done.take_completed_roles(), (std::vector<const Role*>{&role}));
  EXPECT_TRUE(done.take_completed_roles().empty());  // taken once

  auto failing = section(L(B(L(T("x")))));
  failing->block[0].block->role = &role;
  failing->block[0].block->completes_role = true;
  HostCursor failed(failing.get());
  walk(failed, {"x"});
  EXPECT_TRUE(failed.take_completed_roles().empty());
}

TEST(HostCursor, ACursorWithoutASectionRunsSingleTasksAndFailsOnAFailure) {
  HostCursor cur(nullptr);  // a handler's
  EXPECT_FALSE(cur.peek());
  cur.advance(false);
  EXPECT_FALSE(cur.failed());
  cur.advance(true);
  EXPECT_TRUE(cur.failed());
}

}  // namespace
}  // namespace drover
