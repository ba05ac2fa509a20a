#include "engine/collections.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "engine/config.hpp"
#include "harness/process.hpp"

namespace drover {
namespace {

// Two collection roots and a fake ansible-core, written into a temp dir.
struct Tree {
  test::TempDir d;
  std::string root1 = d.path() + "/one";
  std::string root2 = d.path() + "/two";
  std::string core = d.path() + "/py/ansible";

  Tree() {
    d.write("one/ansible_collections/acme/tools/plugins/modules/frob.py", "# frob\n");
    d.write("one/ansible_collections/acme/tools/plugins/modules/old_frob.py", "# old\n");
    d.write("one/ansible_collections/acme/tools/plugins/modules/net/ping2.py", "#\n");
    d.write("one/ansible_collections/acme/tools/plugins/modules/run.sh", "#!/bin/sh\n");
    d.write("one/ansible_collections/acme/tools/plugins/module_utils/helpers/strings.py", "#\n");
    d.write("one/ansible_collections/acme/tools/plugins/filter/core.py",
            "class FilterModule:\n    def filters(self):\n        return {'shout': shout, \"whisper\" : w}\n");
    d.write("one/ansible_collections/acme/tools/plugins/lookup/stuff.py", "#\n");
    d.write("one/ansible_collections/acme/tools/roles/web/tasks/main.yml", "- debug: msg=hi\n");
    d.write("one/ansible_collections/acme/tools/playbooks/site.yml", "- hosts: all\n");
    d.write("one/ansible_collections/acme/tools/meta/runtime.yml",
            "plugin_routing:\n"
            "  modules:\n"
            "    frobnicate:\n      redirect: acme.tools.frob\n"
            "    old_frob:\n      deprecation:\n        removal_version: 3.0.0\n        warning_text: Use acme.tools.frob.\n"
            "    gone:\n      tombstone:\n        removal_version: 2.0.0\n        warning_text: Use acme.tools.frob.\n"
            "    loop_a:\n      redirect: acme.tools.loop_b\n"
            "    loop_b:\n      redirect: acme.tools.loop_a\n"
            "    sloppy:\n      redirect: frob\n"
            "    moved:\n      redirect: other.coll.moved\n"
            "  filter:\n    yell:\n      redirect: acme.tools.shout\n");
    // The same collection in the second root is hidden by the first.
    d.write("two/ansible_collections/acme/tools/plugins/modules/only_in_two.py", "#\n");
    d.write("two/ansible_collections/other/coll/plugins/modules/moved.py", "#\n");
    d.write("two/ansible_collections/other/coll/plugins/modules/copy.py", "#\n");
    d.write("py/ansible/modules/copy.py", "#\n");
    d.write("py/ansible/modules/command.py", "#\n");
    d.write("py/ansible/config/ansible_builtin_runtime.yml",
            "plugin_routing:\n  modules:\n    ini_file:\n      redirect: other.coll.moved\n");
  }
  CollectionIndex index() const { return CollectionIndex({root1, root2}, core); }
};

PluginQuery module(const std::string& name, std::vector<std::string> collections = {}) {
  PluginQuery q;
  q.name = name;
  q.collections = std::move(collections);
  return q;
}

TEST(CollectionIndex, AModuleFqcnResolvesToItsFileInTheFirstRootHoldingTheCollection) {
  Tree t;
  auto idx = t.index();
  auto r = idx.resolve(module("acme.tools.frob"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->path, t.root1 + "/ansible_collections/acme/tools/plugins/modules/frob.py");
  EXPECT_EQ(r->fqcn, "acme.tools.frob");
  EXPECT_EQ(r->collection, "acme.tools");
  EXPECT_FALSE(r->native);
  // The first root's acme.tools hides the second's, as Python's import does.
  EXPECT_FALSE(idx.resolve(module("acme.tools.only_in_two")));
  EXPECT_FALSE(idx.resolve(module("acme.tools.nothing")));
  EXPECT_FALSE(idx.resolve(module("nobody.here.frob")));
}

TEST(CollectionIndex, ModulesInSubdirectoriesAndWithOtherExtensionsAreFound) {
  Tree t;
  auto idx = t.index();
  auto r = idx.resolve(module("acme.tools.net.ping2"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->path, t.root1 + "/ansible_collections/acme/tools/plugins/modules/net/ping2.py");
  auto sh = idx.resolve(module("acme.tools.run"));
  ASSERT_TRUE(sh);
  EXPECT_EQ(sh->path, t.root1 + "/ansible_collections/acme/tools/plugins/modules/run.sh");
}

TEST(CollectionIndex, ARuntimeRedirectIsFollowedToTheFinalFqcn) {
  Tree t;
  auto idx = t.index();
  auto r = idx.resolve(module("acme.tools.frobnicate"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->fqcn, "acme.tools.frob");
  EXPECT_EQ(r->redirects, (std::vector<std::string>{"acme.tools.frobnicate", "acme.tools.frob"}));
  // Across collections and roots.
  auto moved = idx.resolve(module("acme.tools.moved"));
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->fqcn, "other.coll.moved");
  EXPECT_EQ(moved->path, t.root2 + "/ansible_collections/other/coll/plugins/modules/moved.py");
}

TEST(CollectionIndex, ADeprecationIsReturnedWithAnsiblesWording) {
  Tree t;
  auto r = t.index().resolve(module("acme.tools.old_frob"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->deprecations.size(), 1u);
  EXPECT_EQ(r->deprecations[0].msg, "acme.tools.old_frob has been deprecated. Use acme.tools.frob.");
  EXPECT_EQ(r->deprecations[0].version, "3.0.0");
  EXPECT_EQ(r->deprecations[0].collection, "acme.tools");
}

TEST(CollectionIndex, ATombstoneIsAnErrorWithTheRemovalMessage) {
  Tree t;
  try {
    t.index().resolve(module("acme.tools.gone"));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.message(),
              "[DEPRECATED]: acme.tools.gone has been removed. Use acme.tools.frob. This feature was removed from "
              "acme.tools in version 2.0.0. Please update your playbooks.");
  }
}

TEST(CollectionIndex, ARedirectLoopOrAShortRedirectIsAnError) {
  Tree t;
  auto idx = t.index();
  EXPECT_THROW(idx.resolve(module("acme.tools.loop_a")), Error);
  try {
    idx.resolve(module("acme.tools.sloppy"));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("Redirects must use fully qualified collection names"), std::string::npos);
  }
}

TEST(CollectionIndex, AShortNameIsSearchedThroughTheCollectionsListInOrder) {
  Tree t;
  auto idx = t.index();
  auto r = idx.resolve(module("frob", {"other.coll", "acme.tools", "ansible.legacy"}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->fqcn, "acme.tools.frob");
  // A collection's module of a builtin's name wins when it comes first.
  auto c = idx.resolve(module("copy", {"other.coll", "ansible.legacy"}));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->fqcn, "other.coll.copy");
  // ansible.legacy ends with ansible-core.
  auto cmd = idx.resolve(module("command", {"acme.tools", "ansible.legacy"}));
  ASSERT_TRUE(cmd);
  EXPECT_EQ(cmd->fqcn, "ansible.builtin.command");
  EXPECT_EQ(cmd->path, t.core + "/modules/command.py");
}

TEST(CollectionIndex, LegacyNamesSearchTheCallersDirectoriesThenDroverThenAnsibleCore) {
  Tree t;
  auto idx = t.index();
  t.d.write("role/library/copy.py", "#\n");
  PluginQuery q = module("copy");
  q.legacy_dirs = {t.d.path() + "/role/library"};
  auto own = idx.resolve(q);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->fqcn, "copy");
  EXPECT_EQ(own->collection, "");
  EXPECT_EQ(own->path, t.d.path() + "/role/library/copy.py");

  PluginQuery n = module("ansible.legacy.copy");
  n.native = [](const std::string& fqcn) { return fqcn == "ansible.builtin.copy"; };
  auto native = idx.resolve(n);
  ASSERT_TRUE(native);
  EXPECT_TRUE(native->native);
  EXPECT_EQ(native->fqcn, "ansible.builtin.copy");
  EXPECT_EQ(native->path, t.core + "/modules/copy.py");

  // A builtin name that moved to a collection in 2.10 follows ansible-core's routing.
  auto moved = idx.resolve(module("ini_file"));
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->fqcn, "other.coll.moved");
  EXPECT_EQ(moved->redirects, (std::vector<std::string>{"ini_file", "ansible.builtin.ini_file", "other.coll.moved"}));
}

TEST(CollectionIndex, DroverNativeNamesResolveWithoutAnsibleCore) {
  CollectionIndex idx({}, "");
  PluginQuery q = module("ansible.builtin.copy");
  q.native = [](const std::string& fqcn) { return fqcn == "ansible.builtin.copy"; };
  auto r = idx.resolve(q);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->native);
  EXPECT_EQ(r->path, "");
  EXPECT_FALSE(idx.resolve(module("ansible.builtin.copy")));
}

TEST(CollectionIndex, FiltersAreFoundInTheFileThatDefinesThem) {
  Tree t;
  auto idx = t.index();
  PluginQuery q;
  q.kind = PluginKind::filter;
  q.name = "acme.tools.whisper";
  auto r = idx.resolve(q);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->path, t.root1 + "/ansible_collections/acme/tools/plugins/filter/core.py");
  q.name = "acme.tools.yell";
  auto redirected = idx.resolve(q);
  ASSERT_TRUE(redirected);
  EXPECT_EQ(redirected->fqcn, "acme.tools.shout");
  q.name = "acme.tools.mumble";
  EXPECT_FALSE(idx.resolve(q));
  q.kind = PluginKind::lookup;
  q.name = "acme.tools.stuff";
  EXPECT_TRUE(idx.resolve(q));
  q.kind = PluginKind::module_utils;
  q.name = "acme.tools.helpers.strings";
  auto mu = idx.resolve(q);
  ASSERT_TRUE(mu);
  EXPECT_EQ(mu->path, t.root1 + "/ansible_collections/acme/tools/plugins/module_utils/helpers/strings.py");
}

TEST(CollectionIndex, RolesAndPlaybooksAreFoundByFqcnAndRolesByTheSearchList) {
  Tree t;
  auto idx = t.index();
  PluginQuery q;
  q.kind = PluginKind::role;
  q.name = "acme.tools.web";
  auto r = idx.resolve(q);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->path, t.root1 + "/ansible_collections/acme/tools/roles/web");
  q.name = "web";
  EXPECT_FALSE(idx.resolve(q));
  q.collections = {"other.coll", "acme.tools"};
  auto short_name = idx.resolve(q);
  ASSERT_TRUE(short_name);
  EXPECT_EQ(short_name->fqcn, "acme.tools.web");
  EXPECT_EQ(idx.collection_of_path(short_name->path + "/tasks/main.yml"), "acme.tools");
  EXPECT_EQ(idx.collection_of_path(t.root2 + "/ansible_collections/acme/tools/roles"), "");

  PluginQuery pb;
  pb.kind = PluginKind::playbook;
  for (const char* name : {"acme.tools.site", "acme.tools.site.yml"}) {
    pb.name = name;
    auto p = idx.resolve(pb);
    ASSERT_TRUE(p) << name;
    EXPECT_EQ(p->path, t.root1 + "/ansible_collections/acme/tools/playbooks/site.yml");
  }
}

TEST(CollectionIndex, RootsComeInAnsiblesOrderAndOnlyWhereCollectionsAre) {
  test::TempDir d;
  d.write("proj/collections/ansible_collections/a/b/galaxy.yml", "");
  d.write("proj/local/ansible_collections/a/c/galaxy.yml", "");
  d.write("env/ansible_collections/a/d/galaxy.yml", "");
  std::string cfg = d.write("proj/ansible.cfg", "[defaults]\ncollections_path = ./local:/nonexistent\n");
  Config from_file = Config::load_from(cfg, {{"ANSIBLE_COLLECTIONS_SCAN_SYS_PATH", "false"}});
  EXPECT_EQ(collection_roots(from_file, d.path() + "/proj"),
            (std::vector<std::string>{d.path() + "/proj/collections", d.path() + "/proj/local"}));
  // The environment wins over the file; ANSIBLE_COLLECTIONS_PATH over _PATHS;
  // a path naming ansible_collections itself counts as its parent.
  Config from_env = Config::load_from(cfg, {{"ANSIBLE_COLLECTIONS_SCAN_SYS_PATH", "false"},
                                            {"ANSIBLE_COLLECTIONS_PATHS", d.path() + "/proj/local"},
                                            {"ANSIBLE_COLLECTIONS_PATH", d.path() + "/env/ansible_collections"}});
  EXPECT_EQ(collection_roots(from_env, ""), (std::vector<std::string>{d.path() + "/env"}));
}

TEST(CollectionIndex, DebiansAnsibleCollectionsAreFoundOnThePythonPath) {
  std::string core = find_ansible_core_dir();
  if (core.empty()) GTEST_SKIP() << "ansible-core is not installed";
  Config c = Config::load_from("", {{"ANSIBLE_COLLECTIONS_PATH", "/nonexistent"}});
  auto idx = CollectionIndex::for_run(c, "");
  if (idx->collection_dir("community.general").empty()) GTEST_SKIP() << "Debian's ansible is not installed";
  auto r = idx->resolve(module("ini_file"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->fqcn, "community.general.ini_file");
  EXPECT_NE(r->path.find("ansible_collections/community/general/plugins/modules/ini_file.py"), std::string::npos);
  PluginQuery f;
  f.kind = PluginKind::filter;
  f.name = "json_query";
  auto jq = idx->resolve(f);
  ASSERT_TRUE(jq);
  EXPECT_EQ(jq->fqcn, "community.general.json_query");
}

}  // namespace
}  // namespace drover
