// A client of a drover server's API, for `drover remote` and the
// `-i https://SERVER` inventory source: the server's URL (an origin, maybe
// with the path prefix of a reverse proxy), an API token, and DROVER_CA_CERT
// (a PEM file) to check an HTTPS server against instead of the system's CAs.
// Every failure is an Error that names the server and says what it answered
// (its JSON error message, never the token).
#pragma once

#include <functional>
#include <string>

#include "core/value.hpp"

namespace drover::server {

class RemoteApi {
 public:
  // `base_url`: http(s)://HOST[:PORT][/PREFIX]. `what` starts error messages
  // ("drover remote", "inventory source URL").
  RemoteApi(const std::string& base_url, std::string token, std::string what);

  // The answer's JSON; a status outside 2xx is an Error with the server's
  // message (and the status in `status()` of the last call).
  Value get(const std::string& path) const;
  Value post(const std::string& path, const Value& body) const;
  // A text answer (e.g. a job's stdout).
  std::string get_text(const std::string& path) const;

  // Reads a Server-Sent Events stream at `path`, calling on_event(id, event,
  // data) per event, until on_event returns false or the server ends the
  // stream. Returns false when the connection broke or timed out before that
  // (the caller resumes with the last id), true when the stream ended.
  bool stream(const std::string& path,
              const std::function<bool(const std::string& id, const std::string& event, const std::string& data)>&
                  on_event) const;

  long status() const { return status_; }

 private:
  std::string request(const std::string& method, const std::string& path, const std::string& body) const;
  [[noreturn]] void fail_status(long status, const std::string& body) const;

  std::string origin_;
  std::string prefix_;
  std::string token_;
  std::string what_;
  mutable long status_ = 0;
};

}  // namespace drover::server
