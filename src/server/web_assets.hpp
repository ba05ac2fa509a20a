// The web UI's files (web/), compiled into the binary by
// cmake/embed_files.cmake: web_assets.cpp is generated at build time.
#pragma once

#include <cstddef>
#include <vector>

namespace drover::server {

struct EmbeddedFile {
  const char* path;  // relative to web/: "index.html", "js/app.js"
  const unsigned char* data;
  size_t size;
};

// Every file, sorted by path; the data lives for the whole process.
const std::vector<EmbeddedFile>& web_assets();

}  // namespace drover::server
