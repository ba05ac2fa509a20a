#include "modules/controller_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "core/vault.hpp"
#include "modules/file_attrs.hpp"

namespace drover::files {

const std::string& Content::sha1() const {
  std::call_once(sha1_once_, [this] { sha1_ = sha1_hex(bytes_); });
  return sha1_;
}

const std::string& Content::md5() const {
  std::call_once(md5_once_, [this] { md5_ = md5_hex(bytes_); });
  return md5_;
}

namespace {

struct Fd {
  int fd;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

// The whole file into `out`, sized once from fstat (no regrowth: a 5 MB file
// through an ostringstream cost ~60% of the bench's controller CPU in page
// faults and copies). Reads past the stat size still work (a growing file).
bool read_fd(int fd, size_t size_hint, std::string& out) {
  out.resize(size_hint + 1);
  size_t have = 0;
  for (;;) {
    if (have == out.size()) out.resize(out.size() * 2);
    ssize_t n = ::read(fd, out.data() + have, out.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) break;
    have += static_cast<size_t>(n);
  }
  out.resize(have);
  return true;
}

}  // namespace

ContentPtr ControllerFiles::read(const std::string& path, bool decrypt) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return nullptr;
  auto stamp_of = [](const struct stat& s) {
    Stamp k;
    k.dev = s.st_dev;
    k.ino = s.st_ino;
    k.size = static_cast<unsigned long long>(s.st_size);
    k.mtime_ns = static_cast<long long>(s.st_mtim.tv_sec) * 1000000000LL + s.st_mtim.tv_nsec;
    k.ctime_ns = static_cast<long long>(s.st_ctim.tv_sec) * 1000000000LL + s.st_ctim.tv_nsec;
    return k;
  };
  Stamp want = stamp_of(st);

  std::shared_ptr<Entry> entry;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = entries_[decrypt ? path : std::string(1, '\0') + path];
    if (!slot) slot = std::make_shared<Entry>();
    entry = slot;
  }
  std::lock_guard<std::mutex> entry_lock(entry->mu);
  if (entry->stamp == want) {
    if (entry->kept) return entry->kept;
    if (ContentPtr live = entry->shared.lock()) return live;
  }

  Fd f(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (f.fd < 0) return nullptr;
  if (::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) return nullptr;
  std::string bytes;
  if (!read_fd(f.fd, static_cast<size_t>(st.st_size), bytes)) return nullptr;
  // A vaulted src is decrypted here, in memory only (Ansible's
  // get_real_file writes a 0600 temp file; drover never writes plaintext).
  ContentPtr content = make_content(decrypt ? decrypt_if_vaulted(std::move(bytes), path) : std::move(bytes));

  std::lock_guard<std::mutex> lock(mu_);
  ++disk_reads_;
  if (entry->kept) kept_bytes_ -= entry->kept->size();
  entry->kept.reset();
  entry->stamp = stamp_of(st);
  entry->shared = content;
  if (kept_bytes_ + content->size() <= keep_bytes_) {
    entry->kept = content;
    kept_bytes_ += content->size();
  }
  return content;
}

size_t ControllerFiles::disk_reads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return disk_reads_;
}

ContentPtr read_controller_file(ControllerFiles* cache, const std::string& path, bool decrypt) {
  if (cache) return cache->read(path, decrypt);
  Fd f(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (f.fd < 0 || ::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) return nullptr;
  std::string bytes;
  if (!read_fd(f.fd, static_cast<size_t>(st.st_size), bytes)) return nullptr;
  return make_content(decrypt ? decrypt_if_vaulted(std::move(bytes), path) : std::move(bytes));
}

}  // namespace drover::files
