// A zip archive built in memory, as Python's zipfile and zipimport read it:
// deflated entries, one fixed timestamp (1980-01-01, so that the same files
// always give the same bytes and the same digest), no directories entries,
// no zip64 (payloads are a few hundred KiB).
#pragma once

#include <string>
#include <string_view>

namespace drover {

class ZipArchive {
 public:
  // Adds `name` (a relative path with '/') holding `data`.
  void add(const std::string& name, std::string_view data);
  // The whole archive: the entries, the central directory and its end.
  std::string finish() const;

 private:
  std::string body_;  // local headers and data, in order
  std::string central_;
  size_t count_ = 0;
};

}  // namespace drover
