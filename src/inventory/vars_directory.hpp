// group_vars/ and host_vars/ next to an inventory source or a playbook, read
// the way ansible-core 2.14's host_group_vars plugin reads them.
//
// For an entity NAME, the first of NAME, NAME.yml, NAME.yaml, NAME.json that
// exists is used; when it is a directory, every file in it (recursively,
// sorted, skipping hidden and ~ files, only .yml/.yaml/.json or no
// extension) is merged in order, later files replacing earlier keys. Empty
// files are ignored; a file that is not a mapping is an error.
//
// Threading: all methods are safe to call from many threads; files are read
// once and the merged result cached (behind a mutex). Each directory is
// listed once, so looking up 10,000 names costs no stat per name.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "core/value.hpp"

namespace drover::inventory {

class VarsDirectory {
 public:
  // base_dir holds (or not) group_vars/ and host_vars/.
  explicit VarsDirectory(std::string base_dir);
  VarsDirectory(const VarsDirectory&) = delete;
  VarsDirectory& operator=(const VarsDirectory&) = delete;

  const std::string& base_dir() const { return base_dir_; }
  // The merged variables for a group or a host: an empty object when there
  // is no file. Throws drover::Error (file:line:col) for a malformed file.
  const Value& group_vars(const std::string& group) const;
  const Value& host_vars(const std::string& host) const;

 private:
  struct Subdir {
    std::string path;                          // realpath of base/group_vars or base/host_vars
    bool exists = false;
    std::unordered_set<std::string> entries;   // names directly inside it
    std::unordered_map<std::string, Value> cache;
  };
  const Value& lookup(Subdir& dir, const std::string& name) const;
  static void list(Subdir& dir, const std::string& path);

  std::string base_dir_;
  mutable std::mutex mutex_;
  mutable Subdir group_dir_;
  mutable Subdir host_dir_;
};

}  // namespace drover::inventory
