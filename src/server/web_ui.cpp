#include "server/web_ui.hpp"

#include <zlib.h>

#include <cstdio>

#include "server/api_error.hpp"
#include "server/web_assets.hpp"

namespace drover::server {
namespace {

std::string content_type_of(const std::string& path) {
  auto ends = [&](const char* ext) {
    std::string e(ext);
    return path.size() >= e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".json")) return "application/json";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  return "application/octet-stream";
}

// gzip (RFC 1952) at the best level: done once per file at start.
std::string gzip(const std::string& in) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    return {};
  std::string out(deflateBound(&zs, in.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return rc == Z_STREAM_END ? out : std::string();
}

// A strong validator of the bytes (FNV-1a, 64 bits): the files change only
// with the binary.
std::string etag_of(const std::string& bytes) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

// Whether an Accept-Encoding value accepts gzip (not "gzip;q=0").
bool accepts_gzip(const std::string& header) {
  size_t at = 0;
  while (at < header.size()) {
    size_t comma = header.find(',', at);
    std::string item =
        header.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    at = comma == std::string::npos ? header.size() : comma + 1;
    size_t b = item.find_first_not_of(" \t");
    if (b == std::string::npos) continue;
    item = item.substr(b);
    if (item.rfind("gzip", 0) != 0 && item.rfind("*", 0) != 0) continue;
    size_t q = item.find("q=");
    if (q == std::string::npos) return true;
    return std::strtod(item.c_str() + q + 2, nullptr) > 0;
  }
  return false;
}

}  // namespace

const char* WebUi::content_security_policy() {
  return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
         "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
         "frame-ancestors 'none'";
}

WebUi::WebUi() {
  for (const EmbeddedFile& f : web_assets()) {
    File file;
    file.plain.assign(reinterpret_cast<const char*>(f.data), f.size);
    file.content_type = content_type_of(f.path);
    std::string z = gzip(file.plain);
    if (!z.empty() && z.size() < file.plain.size()) file.gzip = std::move(z);
    file.etag = etag_of(file.plain);
    files_.emplace(f.path, std::move(file));
  }
}

bool WebUi::serve(const HttpRequest& req, HttpResponse& res) const {
  if (req.method != "GET" && req.method != "HEAD") return false;
  std::string name;
  if (req.path == "/" || req.path == "/index.html")
    name = "index.html";
  else if (req.path.rfind("/ui/", 0) == 0)
    name = req.path.substr(4);
  else
    return false;
  res.set_header("Content-Security-Policy", content_security_policy());
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Frame-Options", "DENY");
  auto it = files_.find(name);
  if (it == files_.end()) {
    send_error(res, 404, "not_found", "no such file of the web UI: " + req.path);
    return true;
  }
  const File& f = it->second;
  // Revalidated on every use: after an upgrade the browser never mixes the
  // old and the new scripts (the modules import each other by plain names).
  res.set_header("Cache-Control", "no-cache");
  res.set_header("ETag", f.etag);
  res.set_header("Vary", "Accept-Encoding");
  if (req.get_header_value("If-None-Match") == f.etag) {
    res.status = 304;
    return true;
  }
  if (!f.gzip.empty() && accepts_gzip(req.get_header_value("Accept-Encoding"))) {
    res.set_content(f.gzip, f.content_type);
    res.set_header("Content-Encoding", "gzip");
  } else {
    res.set_content(f.plain, f.content_type);
  }
  res.status = 200;
  return true;
}

}  // namespace drover::server
