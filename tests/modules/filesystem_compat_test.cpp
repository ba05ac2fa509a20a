// filesystem against community.general.filesystem (Debian 12's ansible 7)
// on two sandboxed sshd hosts, on an image file in the sandbox's private
// /root (Ansible's module takes a regular file as well as a block device):
// results and the filesystem left (blkid, block count) must be equal.
#include <gtest/gtest.h>

#include "sandbox_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

class FilesystemCompat : public test::SandboxPairTest {
 protected:
  void SetUp() override { prepare("rm -f /root/disk.img; truncate -s 8M /root/disk.img"); }
  static ModuleOutcome same(const std::string& args, const std::vector<std::string>& flags = {}) {
    return same_result("community.general.filesystem", args, flags);
  }
  static std::string type() { return same_state("blkid -c /dev/null -o value -s TYPE /root/disk.img"); }
};

TEST_F(FilesystemCompat, MakesAnExt4OnceAndRefusesToOverwriteWithoutForce) {
  EXPECT_EQ(same("dev=/root/disk.img fstype=ext4", {"--check"}).ours_json["changed"], true);
  EXPECT_EQ(type(), "");
  EXPECT_EQ(same("dev=/root/disk.img fstype=ext4 opts='-L drover'").ours_json["changed"], true);
  EXPECT_EQ(type(), "ext4\n");
  EXPECT_EQ(same("dev=/root/disk.img fstype=ext4").ours_json["changed"], false);
  ModuleOutcome other = same("dev=/root/disk.img fstype=ext2");
  EXPECT_EQ(other.ours_json["msg"], "'/root/disk.img' is already used as ext4, use force=true to overwrite");
  EXPECT_EQ(same("dev=/root/disk.img fstype=ext2 force=true").ours_json["changed"], true);
  EXPECT_EQ(type(), "ext2\n");
}

TEST_F(FilesystemCompat, GrowsAnExt4ToTheDeviceAndWipesIt) {
  same("dev=/root/disk.img fstype=ext4");
  ModuleOutcome whole = same("dev=/root/disk.img fstype=ext4 resizefs=true");
  EXPECT_EQ(whole.ours_json["msg"], "Ext4 filesystem is using the whole device /root/disk.img");
  prepare("truncate -s 16M /root/disk.img");
  EXPECT_EQ(same("dev=/root/disk.img fstype=ext4 resizefs=true", {"--check"}).ours_json["changed"], true);
  ModuleOutcome grown = same("dev=/root/disk.img fstype=ext4 resizefs=true");
  EXPECT_NE(grown.ours_json["msg"].get<std::string>().find("is now"), std::string::npos) << grown.ours;
  same_state("LANG=C tune2fs -l /root/disk.img | grep '^Block count'");
  EXPECT_EQ(same("dev=/root/disk.img state=absent").ours_json["changed"], true);
  EXPECT_EQ(type(), "");
  EXPECT_EQ(same("dev=/root/disk.img state=absent").ours_json["changed"], false);
}

TEST_F(FilesystemCompat, AMissingDeviceFailsWhenPresentIsAsked) {
  ModuleOutcome o = same("dev=/root/no-disk.img fstype=ext4");
  EXPECT_EQ(o.ours_json["msg"], "Device /root/no-disk.img not found.");
  EXPECT_EQ(same("dev=/root/no-disk.img state=absent").ours_json["changed"], false);
}

}  // namespace
}  // namespace drover
