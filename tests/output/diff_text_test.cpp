// render_diff / unified_diff: the --diff text as ansible-playbook prints it
// (expectations from Python's difflib and Ansible 2.14's _get_diff).
#include <gtest/gtest.h>

#include "output/diff_text.hpp"

namespace drover {
namespace {

TEST(DiffText, ShowsOnlyThreeLinesOfContextAroundAChange) {
  Value d = {{"before", "1\n2\n3\n4\n5\n6\n7\n8\n9\n"}, {"after", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n"},
             {"before_header", "f"}, {"after_header", "f"}};
  EXPECT_EQ(render_diff(d, false),
            "--- before: f\n+++ after: f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n\n");
}

TEST(DiffText, MarksAMissingNewlineAtTheEnd) {
  Value d = {{"before", "a\nb"}, {"after", "a\nc\n"}};
  EXPECT_EQ(render_diff(d, false),
            "--- before\n+++ after\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\n");
}

TEST(DiffText, EmptyBeforeIsAnAdditionFromLineZero) {
  Value d = {{"before", nullptr}, {"after", "x\n"}};
  EXPECT_EQ(render_diff(d, false), "--- before\n+++ after\n@@ -0,0 +1 @@\n+x\n\n");
}

TEST(DiffText, NoChangeMeansNoText) {
  Value d = {{"before", "same\n"}, {"after", "same\n"}};
  EXPECT_EQ(render_diff(d, false), "");
}

TEST(DiffText, DictsAreComparedAsSortedIndentedJson) {
  Value d = {{"before", {{"state", "absent"}, {"path", "/p"}}}, {"after", {{"state", "directory"}, {"path", "/p"}}}};
  EXPECT_EQ(render_diff(d, false),
            "--- before\n+++ after\n@@ -1,4 +1,4 @@\n {\n     \"path\": \"/p\",\n-    \"state\": \"absent\"\n"
            "+    \"state\": \"directory\"\n }\n\n");
}

TEST(DiffText, BinaryAndSizeNoticesAndPreparedText) {
  Value d = Value::array({{{"dst_binary", 1}}, {{"src_larger", 1000}}, {{"prepared", "prepared text\n"}}});
  EXPECT_EQ(render_diff(d, false),
            "diff skipped: destination file appears to be binary\n"
            "diff skipped: source file size is greater than 1000\nprepared text\n");
}

TEST(DiffText, ColoursAddedRemovedAndHunkLines) {
  Value d = {{"before", "a\n"}, {"after", "b\n"}};
  EXPECT_EQ(render_diff(d, true),
            "\033[0;31m--- before\033[0m\n\033[0;31m\033[0m\033[0;32m+++ after\033[0m\n\033[0;32m\033[0m"
            "\033[0;36m@@ -1 +1 @@\033[0m\n\033[0;36m\033[0m\033[0;31m-a\033[0m\n\033[0;31m\033[0m"
            "\033[0;32m+b\033[0m\n\033[0;32m\033[0m\n");
}

TEST(DiffText, SplitLinesKeepsEndingsLikePython) {
  EXPECT_EQ(split_lines_keepends("a\r\nb\rc\nd"), (std::vector<std::string>{"a\r\n", "b\r", "c\n", "d"}));
}

}  // namespace
}  // namespace drover
