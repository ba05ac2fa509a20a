// drover play against ansible-playbook (Debian's ansible-core) on the same
// playbooks over the local connection: per task, the same host lines; the
// same recap and exit code. Hosts finish in any order, so lines are compared
// as sets within each task section.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "core/strings.hpp"
#include "core/value.hpp"
#include "harness/playbook_output.hpp"
#include "harness/process.hpp"

namespace drover {
namespace {

std::string dir() { return std::string(DROVER_SOURCE_DIR) + "/tests/engine/playbooks"; }

// Host entries sorted inside each banner section (tests/harness/playbook_output.hpp).
std::vector<std::string> sections(const std::string& out) { return test::playbook_sections(out); }

void compare(const std::string& playbook, std::vector<std::string> extra = {},
             std::map<std::string, std::string> env = {}) {
  test::ProcessOptions po;
  po.cwd = dir();
  po.env = {{"ANSIBLE_NOCOLOR", "1"}, {"ANSIBLE_FORCE_COLOR", "0"}, {"ANSIBLE_RETRY_FILES_ENABLED", "0"}};
  po.env.merge(env);
  std::vector<std::string> a{"/usr/bin/ansible-playbook", "-i", "hosts", playbook};
  a.insert(a.end(), extra.begin(), extra.end());
  auto theirs = test::run_process(a, po);
  std::vector<std::string> d{"play", "-i", "hosts", playbook};
  d.insert(d.end(), extra.begin(), extra.end());
  auto ours = test::run_drover(d, po);
  EXPECT_EQ(ours.exit_code, theirs.exit_code) << playbook << "\nansible:\n" << theirs.out << theirs.err
                                              << "\ndrover:\n" << ours.out << ours.err;
  EXPECT_EQ(sections(ours.out), sections(theirs.out)) << playbook << "\nansible:\n" << theirs.out << "\ndrover:\n"
                                                      << ours.out << ours.err;
}

TEST(PlaybookCompat, BasicsVariablesLoopsRegisterConditions) { compare("basics.yml"); }
TEST(PlaybookCompat, BlocksRescueAlwaysHandlersSetFactAssert) { compare("blocks.yml"); }
TEST(PlaybookCompat, FailedHostLeavesThePlaybookAndExitsTwo) { compare("failing.yml"); }
TEST(PlaybookCompat, IncludeAndImportTasksWithVars) { compare("includes.yml"); }
TEST(PlaybookCompat, SerialBatchesAndRunOnce) { compare("serial.yml"); }
TEST(PlaybookCompat, HandlersThatIncludeOrImportTasksRunThemAsHandlers) { compare("handler_include.yml"); }
TEST(PlaybookCompat, SetFactTemplatedNamesAndLoopsThatSeeEarlierItems) { compare("set_fact_loop.yml"); }
TEST(PlaybookCompat, Jinja2NativeModeKeepsTypesAndReadsJoinedTextAsPython) {
  compare("jinja2_native.yml", {}, {{"ANSIBLE_JINJA2_NATIVE", "1"}});
}
TEST(PlaybookCompat, WithLookupLoopsUseTheLookupPlugins) { compare("with_lookups.yml"); }
TEST(PlaybookCompat, FirstFoundFormsAndAssertConditionWithCommas) { compare("first_found.yml"); }
TEST(PlaybookCompat, OldIncludeParamsVarsPrecedenceAndApplyNotify) { compare("old_include.yml"); }
TEST(PlaybookCompat, RoleNameMagicVariablesAndImportRoleInsideRoles) { compare("role_magic.yml"); }
TEST(PlaybookCompat, RefreshInventoryRereadsTheSourcesAndKeepsAddedHostsAndGroups) {
  // A second source that the playbook writes, then removes.
  compare("refresh_inventory.yml", {"-i", "/tmp/drover-compat-refresh-inventory.ini"});
}
TEST(PlaybookCompat, ARoleRunsOncePerHostInAPlayUnlessIncludedAgainAndVarsDirectoriesMerge) {
  compare("role_dedupe.yml");
}
TEST(PlaybookCompat, VarsFilesInVarsDirListsOfMappingsAndAlternatives) { compare("vars_files_forms.yml"); }
TEST(PlaybookCompat, EnvironmentNeedingAnsibleEnvIsLeftOutBeforeFacts) { compare("env_before_facts.yml"); }
TEST(PlaybookCompat, ExtendedLoopVariablesInIncludesAndWithoutAllItems) { compare("loop_extended.yml"); }
TEST(PlaybookCompat, InvalidRegisterNameFailsTheTaskThenStopsThePlaybook) { compare("register_invalid.yml"); }
TEST(PlaybookCompat, BadChangedWhenFailedWhenAndChangedWhenOnGroupBy) { compare("when_errors.yml"); }
TEST(PlaybookCompat, ChangedWhenOnAddHostSeesTheInventoryChange) { compare("add_host_when.yml"); }
TEST(PlaybookCompat, AddHostArgumentsFromOneTemplatedDict) { compare("add_host_dict.yml"); }
TEST(PlaybookCompat, AnsibleSearchPathAndWithListOfADictFails) { compare("search_path.yml"); }
TEST(PlaybookCompat, FileTestsByEveryNameAnsibleAccepts) { compare("file_tests.yml"); }
TEST(PlaybookCompat, CommandWarnsThatExecutableIsNotUsed) { compare("command_executable.yml"); }
TEST(PlaybookCompat, SequenceSubelementsIndexedItemsErrorsAsAnsibleWordsThem) { compare("lookup_errors.yml"); }
TEST(PlaybookCompat, ConnectionSettingsAreVariablesAndVarnamesListsVariables) { compare("connection_vars.yml"); }
TEST(PlaybookCompat, TemplatedTagsAreListedRendered) {
  compare("templated_tags.yml", {"--list-tasks", "--tags", "tag3,untagged"});
}
TEST(PlaybookCompat, TemplatedTagsSelectTasks) { compare("templated_tags.yml", {"--tags", "tag3"}); }
TEST(PlaybookCompat, ListingsShowDependencyEntryTagsAndThePlaysTags) {
  compare("list_tags.yml", {"--list-tasks"});
  compare("list_tags.yml", {"--list-tags", "--tags", "untagged"});
  compare("list_tags.yml", {"--list-tasks", "--list-tags", "--skip-tags", "imported"});
}
TEST(PlaybookCompat, TagsOfARoleDependencyEntrySelectItsTasks) { compare("list_tags.yml", {"--tags", "dep_entry"}); }
TEST(PlaybookCompat, NotifyRunsTheFirstHandlerOfThatNameAndEveryListener) { compare("handlers_listen.yml"); }
TEST(PlaybookCompat, IncludeVarsFailuresAreReportedUnderMessage) { compare("include_vars_errors.yml"); }
TEST(PlaybookCompat, UnsafeStringsAreNeverTemplated) { compare("unsafe_strings.yml"); }
// Template markers in a file or a command's output must not run when a
// set_fact, a loop or an include passes that text on.
TEST(PlaybookCompat, TextFromLookupsCommandsAndWithLoopsIsNeverTemplatedAgain) {
  compare("unsafe_sources.yml");
  compare("unsafe_sources.yml", {}, {{"ANSIBLE_JINJA2_NATIVE", "1"}});
}
TEST(PlaybookCompat, ACrashingModuleReportsModuleFailure) { compare("module_crash.yml"); }
TEST(PlaybookCompat, LookupPluginsDroverLacksRunInTheControllersPython) { compare("python_lookups.yml"); }
TEST(PlaybookCompat, HostvarsHoldTheImplicitLocalhost) { compare("hostvars_localhost.yml"); }
TEST(PlaybookCompat, HostvarsTemplateWithTheHostsOwnVariablesAndWithItemsAreUnsafe) {
  compare("hostvars_templating.yml");
}
TEST(PlaybookCompat, HostvarsAreTemplatedWithEachHostsOwnVariables) { compare("hostvars_own_vars.yml"); }
TEST(PlaybookCompat, TypeErrorsAreReportedAsTheTemplarWordsThem) { compare("type_errors.yml"); }
TEST(PlaybookCompat, IntsPastSixtyFourBitsAreExactEverywhereTheyPrint) { compare("big_ints.yml"); }
TEST(PlaybookCompat, FindContainsReadsTheWholeFileAsPythonDoes) { compare("find_whole_file.yml"); }
TEST(PlaybookCompat, NotifyingAMissingHandlerStopsThePlaybook) { compare("missing_handler.yml"); }
TEST(PlaybookCompat, FileTimestampsAreReadWithTheirFormat) { compare("file_times.yml"); }
TEST(PlaybookCompat, ClearHostErrorsAnyErrorsFatalInNestedBlocksAndFailingInRescue) {
  compare("block_host_errors.yml");
}
TEST(PlaybookCompat, NotifyAndHandlerNamesAreTemplatedAndAFailingHandlerIsRescued) { compare("handler_names.yml"); }
TEST(PlaybookCompat, CommandChdirEntersThePhysicalDirectory) { compare("command_chdir.yml"); }
TEST(PlaybookCompat, AFailedIncludeEndsThePlayUnderAnyErrorsFatal) { compare("include_fatal.yml"); }
TEST(PlaybookCompat, ActionsWithoutAsyncSupportFailAnAsyncTaskBeforeDoingAnything) { compare("async_refused.yml"); }
TEST(PlaybookCompat, PathOptionsExpandTildeAndVariablesOnTheTarget) { compare("path_expansion.yml"); }
TEST(PlaybookCompat, TemplateModuleRenderErrorsNameTheExceptionAsAnsiblesAction) { compare("template_errors.yml"); }
TEST(PlaybookCompat, StringsKeepThePythonClassAnsibleGivesThem) {
  compare("python_str_types.yml");
  compare("python_str_types.yml", {}, {{"ANSIBLE_JINJA2_NATIVE", "1"}});
}

// The "[WARNING]: " texts of stderr that contain `marker`, unwrapped, sorted
// (the order of Ansible's lazy YAML construction is not drover's).
std::vector<std::string> warnings_with(const std::string& err, const std::string& marker) {
  std::vector<std::string> out;
  std::string current;
  auto keep = [&] {
    if (current.find(marker) != std::string::npos) out.push_back(current);
    current.clear();
  };
  for (const auto& l : split(err, '\n')) {
    if (l.rfind("[WARNING]: ", 0) == 0) {
      keep();
      current = l;
    } else if (!current.empty() && !l.empty() && l[0] != '[') {
      current += " " + l;
    } else {
      keep();
    }
  }
  keep();
  std::sort(out.begin(), out.end());
  return out;
}

TEST(PlaybookCompat, DuplicateYamlKeysKeepTheLastValueAndWarnFailOrStaySilent) {
  for (const char* mode : {"warn", "error", "ignore"}) {
    compare("duplicate_keys.yml", {}, {{"ANSIBLE_DUPLICATE_YAML_DICT_KEY", mode}});
    test::ProcessOptions po;
    po.cwd = dir();
    po.env = {{"ANSIBLE_NOCOLOR", "1"}, {"ANSIBLE_DUPLICATE_YAML_DICT_KEY", mode}};
    auto theirs = test::run_process({"/usr/bin/ansible-playbook", "-i", "hosts", "duplicate_keys.yml"}, po);
    auto ours = test::run_drover({"play", "-i", "hosts", "duplicate_keys.yml"}, po);
    auto expected = warnings_with(theirs.err, "duplicate dict key");
    EXPECT_EQ(expected.size(), std::string(mode) == "warn" ? 5u : 0u) << theirs.err;
    EXPECT_EQ(warnings_with(ours.err, "duplicate dict key"), expected) << ours.err;
    auto error_line = [](const std::string& err) {
      for (const auto& l : split(err, '\n'))
        if (l.rfind("  While constructing a mapping", 0) == 0) return l;
      return std::string();
    };
    EXPECT_EQ(error_line(ours.err), error_line(theirs.err)) << mode << "\n" << ours.err;
  }
}

TEST(PlaybookCompat, AnUnknownDuplicateYamlKeySettingIsAnOptionsError) {
  test::ProcessOptions po;
  po.cwd = dir();
  po.env = {{"ANSIBLE_NOCOLOR", "1"}, {"ANSIBLE_DUPLICATE_YAML_DICT_KEY", "bogus"}};
  auto theirs = test::run_process({"/usr/bin/ansible-playbook", "-i", "hosts", "duplicate_keys.yml"}, po);
  auto ours = test::run_drover({"play", "-i", "hosts", "duplicate_keys.yml"}, po);
  EXPECT_EQ(ours.exit_code, theirs.exit_code) << theirs.err;
  const std::string text = "Invalid value \"bogus\" for configuration option \"setting: DUPLICATE_YAML_DICT_KEY \", "
                           "valid values are: error, warn, ignore";
  EXPECT_NE(theirs.err.find(text), std::string::npos) << theirs.err;
  EXPECT_NE(ours.err.find(text), std::string::npos) << ours.err;
}

TEST(PlaybookCompat, PlayVariablesWithReservedNamesAreWarnedAbout) {
  compare("reserved_names.yml", {"-e", "async=1"});
  test::ProcessOptions po;
  po.cwd = dir();
  po.env = {{"ANSIBLE_NOCOLOR", "1"}};
  auto theirs = test::run_process({"/usr/bin/ansible-playbook", "-i", "hosts", "reserved_names.yml", "-e", "async=1"}, po);
  auto ours = test::run_drover({"play", "-i", "hosts", "reserved_names.yml", "-e", "async=1"}, po);
  auto expected = warnings_with(theirs.err, "reserved name");
  EXPECT_EQ(expected.size(), 9u) << theirs.err;
  EXPECT_EQ(warnings_with(ours.err, "reserved name"), expected) << ours.err;
}

TEST(PlaybookCompat, FileLookupsWarnWhenTheFileIsNotInTheSearchPath) {
  compare("lookup_not_found.yml");
  test::ProcessOptions po;
  po.cwd = dir();
  po.env = {{"ANSIBLE_NOCOLOR", "1"}};
  auto theirs = test::run_process({"/usr/bin/ansible-playbook", "-i", "hosts", "lookup_not_found.yml"}, po);
  auto ours = test::run_drover({"play", "-i", "hosts", "lookup_not_found.yml"}, po);
  auto expected = warnings_with(theirs.err, "in expected paths");
  EXPECT_EQ(expected.size(), 4u) << theirs.err;
  EXPECT_EQ(warnings_with(ours.err, "in expected paths"), expected) << ours.err;
}

// Beside the callback's, ansible-playbook -vv prints "N plays in FILE" and
// a "META: ..." line per meta task run; a handler whose name cannot be
// templated is passed over with a warning.
TEST(PlaybookCompat, DoubleVerboseCountsPlaysAndAnnouncesMetaTasks) {
  test::ProcessOptions po;
  po.cwd = dir();
  po.env = {{"ANSIBLE_NOCOLOR", "1"}, {"ANSIBLE_FORCE_COLOR", "0"}, {"ANSIBLE_RETRY_FILES_ENABLED", "0"}};
  auto engine_lines = [](const std::string& out) {
    std::vector<std::string> lines;
    for (const auto& l : split(out, '\n'))
      if (l.rfind("META: ", 0) == 0 || l.find(" plays in ") != std::string::npos) lines.push_back(l);
    return lines;
  };
  for (const char* pb : {"block_host_errors.yml", "handler_names.yml"}) {
    auto theirs = test::run_process({"/usr/bin/ansible-playbook", "-i", "hosts", pb, "-vv"}, po);
    auto ours = test::run_drover({"play", "-i", "hosts", pb, "-vv"}, po);
    EXPECT_FALSE(engine_lines(theirs.out).empty()) << theirs.out;
    EXPECT_EQ(engine_lines(ours.out), engine_lines(theirs.out)) << pb << "\nansible:\n" << theirs.out
                                                               << "\ndrover:\n" << ours.out << ours.err;
    const std::string unusable = "[WARNING]: Handler 'uses {{ undefined_here }}' is unusable";
    EXPECT_EQ(ours.err.find(unusable) != std::string::npos, theirs.err.find(unusable) != std::string::npos)
        << pb << "\nansible:\n" << theirs.err << "\ndrover:\n" << ours.err;
  }
}

TEST(PlaybookCompat, CheckMode) { compare("basics.yml", {"--check"}); }
TEST(PlaybookCompat, Tags) { compare("basics.yml", {"--list-tasks", "--skip-tags", "never"}); }

TEST(PlaybookLoad, UnknownModuleIsReportedInAnsiblesFormWithLineColumnAndHintBeforeRunning) {
  test::TempDir d;
  d.write("pb.yml", "- hosts: all\n  tasks:\n    - name: typo\n      comand: echo hi\n");
  auto r = test::run_drover({"play", "-i", "localhost,", d.path() + "/pb.yml"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  // Ansible's form, with the misspelt key's line and column.
  EXPECT_EQ(r.err.rfind("ERROR! couldn't resolve module/action 'comand'", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("The error appears to be in '" + d.path() + "/pb.yml': line 4, column 7, but may\n"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("The offending line appears to be:\n\n    - name: typo\n      comand: echo hi\n      ^ here"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("couldn't resolve module/action 'comand'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean 'command'"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("TASK"), std::string::npos);
}

TEST(PlaybookLoad, BadYamlSaysWhereAndWhat) {
  test::TempDir d;
  d.write("pb.yml", "- hosts: all\n  tasks:\n    - debug: msg=[1, 2\n    - debug: msg=x\n  bad\n");
  auto r = test::run_drover({"play", "-i", "localhost,", d.path() + "/pb.yml", "--syntax-check"});
  EXPECT_EQ(r.exit_code, 4);  // ansible-playbook's exit for a parser error
  EXPECT_NE(r.err.find("The error appears to be in '" + d.path() + "/pb.yml': line "), std::string::npos) << r.err;
}

TEST(PlaybookLoad, UsageErrorsExitTwoAsAnsiblePlaybookDoes) {
  test::TempDir d;
  d.write("pb.yml", "- hosts: all\n  tasks: []\n");
  for (std::vector<std::string> args : {std::vector<std::string>{"--no-such-option", d.path() + "/pb.yml"},
                                        std::vector<std::string>{"-f"}}) {
    std::vector<std::string> a{"/usr/bin/ansible-playbook"}, ours{"play"};
    a.insert(a.end(), args.begin(), args.end());
    ours.insert(ours.end(), args.begin(), args.end());
    EXPECT_EQ(test::run_drover(ours).exit_code, test::run_process(a).exit_code) << args[0];
  }
}

TEST(PlaybookVerbose, TripleVerboseTracesConnectionsAndCommandsWithoutTheirContent) {
  test::TempDir d;
  d.write("pb.yml",
          "- hosts: localhost\n  gather_facts: no\n  tasks:\n"
          "    - shell: echo secret-option-value\n      become: true\n");
  auto r = test::run_drover({"play", "-i", "localhost,", "-c", "local", d.path() + "/pb.yml", "-vvv"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("<localhost> ESTABLISH LOCAL CONNECTION FOR USER: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("<localhost> EXEC /bin/sh -c 'sudo -H -S -n"), std::string::npos) << r.out;
  // The module's options stay out of the trace (the result shows the command).
  auto exec = r.out.find("EXEC ");
  ASSERT_NE(exec, std::string::npos);
  EXPECT_EQ(r.out.substr(exec, r.out.find('\n', exec) - exec).find("secret-option-value"), std::string::npos) << r.out;
  // Below -vvv there is no trace.
  r = test::run_drover({"play", "-i", "localhost,", "-c", "local", d.path() + "/pb.yml", "-vv"});
  EXPECT_EQ(r.out.find("ESTABLISH"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(" EXEC "), std::string::npos) << r.out;
}

TEST(PlaybookLoad, UnknownPlayKeywordAndUnknownOptionAndMissingRole) {
  test::TempDir d;
  d.write("a.yml", "- hosts: all\n  taks: []\n");
  auto r = test::run_drover({"play", d.path() + "/a.yml", "--syntax-check"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("'taks' is not a valid attribute for a Play"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean"), std::string::npos) << r.err;
  d.write("b.yml", "- hosts: all\n  tasks:\n    - ping: dta=1\n");
  r = test::run_drover({"play", d.path() + "/b.yml", "--syntax-check"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("Unsupported parameters for (ping) module: dta"), std::string::npos) << r.err;
  d.write("i.yml", "- include: other.yml\n");  // Ansible 2.14 has no playbook-level include
  r = test::run_drover({"play", d.path() + "/i.yml", "--syntax-check"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_EQ(r.err.rfind("ERROR! 'include' is not a valid attribute for a Play\n\nThe error appears to be in '", 0), 0u)
      << r.err;
  d.write("c.yml", "- hosts: all\n  roles: [nosuchrole]\n");
  r = test::run_drover({"play", d.path() + "/c.yml", "--syntax-check"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("the role 'nosuchrole' was not found"), std::string::npos) << r.err;
}

// The output of drover play and ansible-playbook with `env`'s callback
// settings, times and timestamps replaced by placeholders.
struct BothOutputs {
  test::ProcessResult ours, theirs;
};
BothOutputs run_both(const std::string& playbook, std::map<std::string, std::string> env) {
  test::ProcessOptions po;
  po.cwd = dir();
  po.env = {{"ANSIBLE_NOCOLOR", "1"}, {"ANSIBLE_FORCE_COLOR", "0"}, {"ANSIBLE_RETRY_FILES_ENABLED", "0"}};
  po.env.merge(env);
  BothOutputs b;
  b.theirs = test::run_process({"/usr/bin/ansible-playbook", "-i", "hosts", playbook}, po);
  b.ours = test::run_drover({"play", "-i", "hosts", playbook}, po);
  return b;
}

std::string without_times(std::string text) {
  static const std::regex json_times(R"re("(delta|start|end)": "[^"]*")re");
  static const std::regex yaml_times(R"re(( +)(delta|start|end): '[^']*')re");
  static const std::regex task_time(
      R"(\w+ \d\d \w+ \d{4}  \d\d:\d\d:\d\d [-+]\d{4} \(\d+:\d\d:\d\d\.\d{3}\) +\d+:\d\d:\d\d\.\d{3} \*+ )");
  static const std::regex summary(R"( -+ \d+\.\d\ds)");
  static const std::regex took(R"(took \d+ days, \d+ hours, \d+ minutes, \d+ seconds)");
  text = std::regex_replace(text, json_times, "\"$1\": \"T\"");
  text = std::regex_replace(text, yaml_times, "$1$2: T");
  text = std::regex_replace(text, task_time, "<task time>");
  text = std::regex_replace(text, summary, " <seconds>");
  return std::regex_replace(text, took, "took <run time>");
}

TEST(PlaybookCompat, MinimalAndOnelineStdoutCallbacksPrintAnsiblesLinesAndNoBanners) {
  for (const char* cb : {"minimal", "oneline", "ansible.builtin.oneline"}) {
    auto b = run_both("callbacks.yml", {{"ANSIBLE_STDOUT_CALLBACK", cb}});
    EXPECT_EQ(b.ours.exit_code, b.theirs.exit_code) << cb;
    EXPECT_EQ(without_times(b.ours.out), without_times(b.theirs.out)) << cb << "\ndrover stderr:\n" << b.ours.err;
  }
}

TEST(PlaybookCompat, ProfileTasksAndTimerTimeEachTaskAndTheRun) {
  auto b = run_both("callbacks.yml", {{"ANSIBLE_CALLBACKS_ENABLED", "profile_tasks, ansible.posix.timer"}});
  EXPECT_EQ(b.ours.exit_code, b.theirs.exit_code);
  EXPECT_EQ(sections(without_times(b.ours.out)), sections(without_times(b.theirs.out))) << b.ours.out;
  // The slowest task heads the summary.
  auto ours = without_times(b.ours.out);
  auto rule = ours.find(std::string(79, '=') + " \n");
  ASSERT_NE(rule, std::string::npos) << ours;
  EXPECT_EQ(ours.compare(rule + 81, 13, "the slow one "), 0) << ours;
  EXPECT_NE(ours.find("Playbook run took <run time>"), std::string::npos) << ours;
}

TEST(PlaybookCompat, CallbacksDroverLacksAreSkippedWithAWarning) {
  auto b = run_both("callbacks.yml", {{"ANSIBLE_CALLBACKS_ENABLED", "nosuchcallback"},
                                      {"ANSIBLE_STDOUT_CALLBACK", "default"}});
  EXPECT_NE(b.ours.err.find("Skipping callback plugin 'nosuchcallback', unable to load"), std::string::npos)
      << b.ours.err;
  EXPECT_EQ(sections(b.ours.out), sections(b.theirs.out));
}

TEST(PlaybookCompat, YamlResultsAsTheYamlCallbackAndResultFormatWriteThem) {
  for (std::map<std::string, std::string> env : {std::map<std::string, std::string>{{"ANSIBLE_STDOUT_CALLBACK", "yaml"}},
                                                 {{"ANSIBLE_STDOUT_CALLBACK", "community.general.yaml"}},
                                                 {{"ANSIBLE_CALLBACK_RESULT_FORMAT", "yaml"}}}) {
    auto b = run_both("callbacks_yaml.yml", env);
    EXPECT_EQ(b.ours.exit_code, b.theirs.exit_code);
    EXPECT_EQ(without_times(b.ours.out), without_times(b.theirs.out)) << env.begin()->second << "\n" << b.ours.err;
  }
}

// The json callback's document without what differs run to run (ids,
// times) or by implementation (invocation, discovered interpreter).
Value comparable_json_document(const std::string& out) {
  Value doc = Value::parse(out.substr(out.find('{')), nullptr, false);
  if (doc.is_discarded() || !doc.contains("plays")) return Value(out);
  auto scrub = [](Value& r) {
    for (const char* k : {"delta", "start", "end", "invocation", "ansible_facts"}) r.erase(k);
  };
  for (auto& play : doc["plays"]) {
    play["play"]["id"] = "X";
    play["play"]["duration"] = "D";
    for (auto& task : play["tasks"]) {
      task["task"]["id"] = "X";
      task["task"]["duration"] = "D";
      for (auto& [host, r] : task["hosts"].items()) {
        scrub(r);
        if (r.contains("results"))
          for (auto& item : r["results"]) scrub(item);
      }
    }
  }
  return doc;
}

TEST(PlaybookCompat, JsonStdoutCallbackWritesOneDocumentOfPlaysTasksAndStats) {
  auto b = run_both("callbacks.yml", {{"ANSIBLE_STDOUT_CALLBACK", "json"}});
  EXPECT_EQ(b.ours.exit_code, b.theirs.exit_code);
  EXPECT_EQ(comparable_json_document(b.ours.out).dump(2), comparable_json_document(b.theirs.out).dump(2));
}

TEST(PlaybookCompat, AnUnknownStdoutCallbackFallsBackToTheDefaultOutputWithAWarning) {
  test::ProcessOptions po;
  po.cwd = dir();
  po.env = {{"ANSIBLE_NOCOLOR", "1"}, {"ANSIBLE_STDOUT_CALLBACK", "nosuchstdout"}};
  auto ours = test::run_drover({"play", "-i", "hosts", "callbacks.yml"}, po);
  EXPECT_NE(ours.err.find("drover does not implement the stdout callback 'nosuchstdout'"), std::string::npos) << ours.err;
  EXPECT_NE(ours.out.find("PLAY RECAP"), std::string::npos) << ours.out;
  EXPECT_EQ(ours.exit_code, 0);
}

TEST(PlaybookCompat, DefaultCallbackOptionsFromTheEnvironment) {
  compare("callbacks.yml", {"--check"},
          {{"ANSIBLE_CHECK_MODE_MARKERS", "1"},
           {"ANSIBLE_DISPLAY_OK_HOSTS", "0"}, {"ANSIBLE_SHOW_PER_HOST_START", "1"}});
}

}  // namespace
}  // namespace drover
