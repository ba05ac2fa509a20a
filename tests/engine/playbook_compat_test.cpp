// drover play against ansible-playbook (Debian's ansible-core) on the same
// playbooks over the local connection: per task, the same host lines; the
// same recap and exit code. Hosts finish in any order, so lines are compared
// as sets within each task section.
#include <gtest/gtest.h>

#include "core/strings.hpp"
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
TEST(PlaybookCompat, NotifyRunsTheFirstHandlerOfThatNameAndEveryListener) { compare("handlers_listen.yml"); }
TEST(PlaybookCompat, IncludeVarsFailuresAreReportedUnderMessage) { compare("include_vars_errors.yml"); }
TEST(PlaybookCompat, UnsafeStringsAreNeverTemplated) { compare("unsafe_strings.yml"); }
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

}  // namespace
}  // namespace drover
