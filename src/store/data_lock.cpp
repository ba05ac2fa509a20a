#include "store/data_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <thread>

#include "store/sqlite.hpp"

namespace drover::store {
namespace {

std::string lock_path(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "drover.lock").string();
}

std::string read_all(int fd) {
  std::string text;
  char buf[512];
  ssize_t n = 0;
  off_t at = 0;
  while ((n = ::pread(fd, buf, sizeof buf, at)) > 0) {
    text.append(buf, static_cast<size_t>(n));
    at += n;
    if (text.size() > 4096) break;
  }
  return text;
}

DataDirOwner parse_owner(const std::string& text) {
  DataDirOwner o;
  std::istringstream in(text);
  std::string key, value;
  while (in >> key >> value) {
    if (key == "pid") {
      try {
        o.pid = static_cast<pid_t>(std::stol(value));
      } catch (const std::exception&) {
      }
    } else if (key == "url") {
      o.url = value;
    }
  }
  return o;
}

std::string describe(const DataDirOwner& o) {
  std::string s = "drover server";
  if (o.pid > 0) s += " pid " + std::to_string(o.pid);
  if (!o.url.empty()) s += " (" + o.url + ")";
  return s;
}

}  // namespace

DataDirLock::DataDirLock(const std::string& data_dir) : path_(lock_path(data_dir)) {
  std::error_code ec;
  bool existed = std::filesystem::exists(data_dir, ec);
  std::filesystem::create_directories(data_dir, ec);
  if (ec) throw StoreError("cannot create data directory " + data_dir + ": " + ec.message());
  if (!existed) ::chmod(data_dir.c_str(), 0700);
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd_ < 0) throw StoreError("cannot open " + path_ + ": " + std::strerror(errno));
  // A few tries: `drover hosts` may be looking at the lock for an instant.
  for (int attempt = 0;; ++attempt) {
    if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) break;
    int err = errno;
    if (err == EWOULDBLOCK && attempt < 4) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    std::string owner = err == EWOULDBLOCK ? describe(parse_owner(read_all(fd_))) : "";
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK)
      throw StoreError("the data directory " + data_dir + " is in use by " + owner +
                       ": one server per data directory; stop it or give another --data");
    throw StoreError("cannot lock " + path_ + ": " + std::strerror(err));
  }
  write_owner("");
}

DataDirLock::~DataDirLock() {
  if (fd_ < 0) return;
  if (::ftruncate(fd_, 0) != 0) {
  }
  ::close(fd_);  // releases the lock
}

void DataDirLock::publish_url(const std::string& url) { write_owner(url); }

void DataDirLock::write_owner(const std::string& url) {
  std::string text = "pid " + std::to_string(::getpid()) + "\n";
  if (!url.empty()) text += "url " + url + "\n";
  if (::ftruncate(fd_, 0) != 0) return;
  if (::pwrite(fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) return;
}

std::optional<DataDirOwner> data_dir_owner(const std::string& data_dir) {
  int fd = ::open(lock_path(data_dir).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return std::nullopt;
  std::optional<DataDirOwner> owner;
  if (::flock(fd, LOCK_SH | LOCK_NB) == 0) {
    ::flock(fd, LOCK_UN);
  } else if (errno == EWOULDBLOCK) {
    owner = parse_owner(read_all(fd));
  }
  ::close(fd);
  return owner;
}

}  // namespace drover::store
