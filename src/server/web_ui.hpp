// The web UI's static files, served from the binary (web_assets.hpp).
//
// `GET /` (and `/index.html`) is the page; `GET /ui/<path>` are its scripts,
// styles and images. Everything else is left to the API's router. The UI
// uses only relative URLs, so it works the same behind a reverse proxy that
// serves drover under a path prefix (`/drover/` -> `/`).
//
// Every answer carries the same Content-Security-Policy (no inline script
// or style, nothing from another origin, no framing), nosniff and
// no-referrer; files are revalidated by a strong ETag (`Cache-Control:
// no-cache`, `304` on `If-None-Match`), and sent gzip-compressed (compressed
// once, when the server starts) to clients that accept it.
#pragma once

#include <map>
#include <string>

#include "server/http/message.hpp"

namespace drover::server {

class WebUi {
 public:
  WebUi();  // compresses every embedded file once

  // Answers `req` when it asks for a UI file (GET/HEAD of `/`, `/index.html`
  // or `/ui/...`) and returns true; false leaves it to the router. An
  // unknown `/ui/...` file is a 404 answered here.
  bool serve(const HttpRequest& req, HttpResponse& res) const;

  // The Content-Security-Policy every UI answer carries.
  static const char* content_security_policy();

 private:
  struct File {
    std::string content_type;
    std::string plain;
    std::string gzip;  // empty when compressing did not make it smaller
    std::string etag;
  };
  std::map<std::string, File> files_;
};

}  // namespace drover::server
