// Bytes that file modules send to targets, and the run's cache of the
// controller files they come from.
//
// A `Content` is immutable once made and shared (shared_ptr<const Content>)
// by every host that writes it; its SHA-1 and MD5 are computed at most once,
// by the first host that asks, and are safe to ask for from many threads.
//
// `ControllerFiles` reads each controller file (copy's src) once per run,
// however many hosts copy it: measured on bench/modules (50 hosts, a 5 MB
// file), reading and hashing the file per host was 3/4 of drover's controller
// CPU and ~500 MB of RSS. An entry is checked against the file's stat
// (device, inode, size, mtime, ctime) on every use, so a file that changes
// during the run is read again, as Ansible reads it at each task. It is
// thread-safe; the engine owns one per run and hands it to modules through
// ModuleContext::controller_files.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace drover::files {

class Content {
 public:
  explicit Content(std::string bytes) : bytes_(std::move(bytes)) {}
  Content(const Content&) = delete;
  Content& operator=(const Content&) = delete;

  const std::string& bytes() const { return bytes_; }
  size_t size() const { return bytes_.size(); }
  // Lowercase hex digests (Ansible's checksum and md5sum), computed once.
  const std::string& sha1() const;
  const std::string& md5() const;

 private:
  const std::string bytes_;
  mutable std::once_flag sha1_once_, md5_once_;
  mutable std::string sha1_, md5_;
};
using ContentPtr = std::shared_ptr<const Content>;

inline ContentPtr make_content(std::string bytes) { return std::make_shared<const Content>(std::move(bytes)); }

class ControllerFiles {
 public:
  // Files are kept for the whole run while their total stays under this;
  // bigger ones are shared only by the hosts that use them at the same time.
  explicit ControllerFiles(size_t keep_bytes = size_t{512} << 20) : keep_bytes_(keep_bytes) {}

  // The file's bytes; null when it cannot be read (missing, unreadable, a
  // directory). Concurrent callers for the same file wait for one read.
  // With `decrypt`, a vault-encrypted file comes back decrypted with the
  // process keyring (core/vault.hpp), in memory only; it throws VaultError
  // when no secret opens it.
  ContentPtr read(const std::string& path, bool decrypt = true);

  // How many times a file was read from disk (for tests).
  size_t disk_reads() const;

 private:
  struct Stamp {
    unsigned long long dev = 0, ino = 0, size = 0;
    long long mtime_ns = 0, ctime_ns = 0;
    bool operator==(const Stamp&) const = default;
  };
  struct Entry {
    std::mutex mu;  // held while the file is read
    Stamp stamp;
    ContentPtr kept;                  // set while within keep_bytes_
    std::weak_ptr<const Content> shared;
  };

  const size_t keep_bytes_;
  mutable std::mutex mu_;  // guards entries_, kept_bytes_, disk_reads_
  std::map<std::string, std::shared_ptr<Entry>> entries_;
  size_t kept_bytes_ = 0;
  size_t disk_reads_ = 0;
};

// Reads a whole file; null when it cannot be read. `cache` may be null.
ContentPtr read_controller_file(ControllerFiles* cache, const std::string& path, bool decrypt = true);

}  // namespace drover::files
