// The data directory's owner lock: one `drover server` per data directory.
//
// A server takes an exclusive flock(2) on <data>/drover.lock for its whole
// life and writes its pid (and, once listening, its URL) into the file. A
// second server on the same directory then refuses to start, naming the
// first one's pid; `drover hosts` reads who owns the directory to explain
// itself (it still writes directly: SQLite's own lock orders the writers).
// The lock goes away with the process (even on kill -9); the file stays.
// The descriptor is close-on-exec, so that job processes never hold it.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace drover::store {

struct DataDirOwner {
  pid_t pid = 0;    // 0 when the file does not say
  std::string url;  // "" until the server listens
};

class DataDirLock {
 public:
  // Creates the directory (0700) when missing and takes the lock. Throws
  // StoreError ("... is in use by drover server pid N (URL)") when another
  // process holds it.
  explicit DataDirLock(const std::string& data_dir);
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

  // Records the URL the server listens on, for `drover hosts` and humans.
  void publish_url(const std::string& url);

 private:
  void write_owner(const std::string& url);
  std::string path_;
  int fd_ = -1;
};

// Who holds the lock of `data_dir` now; nullopt when nobody does (or there
// is no lock file).
std::optional<DataDirOwner> data_dir_owner(const std::string& data_dir);

}  // namespace drover::store
