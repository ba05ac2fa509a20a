// Every input of the HTTP server has a limit (issue 14, section 3): the
// attacks found against the thread-per-connection server, each against the
// real `drover server` binary over raw sockets, so that the bytes on the
// wire are exactly the attacker's. Label `security`.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "server/server_fixture.hpp"

namespace drover::test {
namespace {

using Clock = std::chrono::steady_clock;

// One TCP connection to the server, from `from` (any 127.x address).
class Raw {
 public:
  explicit Raw(int port, const char* from = nullptr) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (from) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      inet_pton(AF_INET, from, &local.sin_addr);
      bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local);
    }
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~Raw() { close(fd_); }
  bool connected() const { return connected_; }

  // Sends everything, unless the server answers first (then stops).
  bool send_all(std::string_view data) {
    while (!data.empty()) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 0) > 0) return false;  // an answer (or a close) came
      ssize_t n = ::send(fd_, data.data(), std::min<size_t>(data.size(), 64 * 1024), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads until the server closes or `timeout` passes.
  std::string read_all(std::chrono::milliseconds timeout = std::chrono::milliseconds(20000)) {
    std::string out;
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
      if (poll(&p, 1, std::max(left, 1)) <= 0) break;
      char buf[65536];
      ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }
  // True when the server closed the connection within `timeout`.
  bool closed_within(std::chrono::milliseconds timeout) {
    read_all(timeout);
    return closed_;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
};

int status_of(const std::string& answer) {
  if (answer.rfind("HTTP/1.", 0) != 0 || answer.size() < 12) return 0;
  return std::stoi(answer.substr(9, 3));
}

std::string body_of(const std::string& answer) {
  size_t at = answer.find("\r\n\r\n");
  return at == std::string::npos ? "" : answer.substr(at + 4);
}

std::string error_code_of(const std::string& answer) {
  try {
    return Value::parse(body_of(answer))["error"]["code"].get<std::string>();
  } catch (const std::exception&) {
    return "(no JSON error body: " + body_of(answer).substr(0, 200) + ")";
  }
}

// The peak resident memory of a process, in MiB.
long peak_rss_mib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6)) / 1024;
  return -1;
}

std::string gzip_of_zeros(size_t n) {
  z_stream zs{};
  deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
  std::string zeros(1 << 20, '0'), out;
  char buf[1 << 16];
  for (size_t done = 0; done < n; done += zeros.size()) {
    zs.next_in = reinterpret_cast<Bytef*>(zeros.data());
    zs.avail_in = static_cast<uInt>(zeros.size());
    bool last = done + zeros.size() >= n;
    do {
      zs.next_out = reinterpret_cast<Bytef*>(buf);
      zs.avail_out = sizeof buf;
      deflate(&zs, last ? Z_FINISH : Z_NO_FLUSH);
      out.append(buf, sizeof buf - zs.avail_out);
    } while (zs.avail_out == 0);
  }
  deflateEnd(&zs);
  return out;
}

std::string auth() { return std::string("Authorization: Bearer ") + kAdminToken + "\r\n"; }

TEST(ServerLimits, AGzipBombIsRefusedWith413WithoutInflatingIt) {
  ServerProcess srv;
  std::string bomb = gzip_of_zeros(size_t(512) << 20);  // 512 MiB of "0" in about 0.5 MiB
  Raw c(srv.port());
  c.send_all("POST /api/v1/hosts HTTP/1.1\r\nHost: x\r\n" + auth() +
             "Content-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: " +
             std::to_string(bomb.size()) + "\r\nConnection: close\r\n\r\n" + bomb);
  std::string answer = c.read_all();
  EXPECT_EQ(status_of(answer), 413) << answer.substr(0, 300);
  EXPECT_EQ(error_code_of(answer), "payload_too_large");
  EXPECT_LT(peak_rss_mib(srv.pid()), 200) << "the server inflated the bomb";
  EXPECT_EQ(ApiClient(srv.url()).get("/healthz").status, 200);
}

TEST(ServerLimits, AGzipBodyWithinTheLimitIsAccepted) {
  ServerProcess srv;
  std::string json = R"({"hostname": "zipped1", "role": "cache"})";
  uLongf n = compressBound(json.size()) + 32;
  std::string z(n, '\0');
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  zs.next_in = reinterpret_cast<Bytef*>(json.data());
  zs.avail_in = static_cast<uInt>(json.size());
  zs.next_out = reinterpret_cast<Bytef*>(z.data());
  zs.avail_out = static_cast<uInt>(z.size());
  deflate(&zs, Z_FINISH);
  z.resize(zs.total_out);
  deflateEnd(&zs);
  Raw c(srv.port());
  c.send_all("POST /api/v1/hosts HTTP/1.1\r\nHost: x\r\n" + auth() +
             "Content-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: " + std::to_string(z.size()) +
             "\r\nConnection: close\r\n\r\n" + z);
  std::string answer = c.read_all();
  EXPECT_EQ(status_of(answer), 201) << answer;
}

TEST(ServerLimits, AChunkedBodyObeysTheSameLimitAsAPlainOne) {
  ServerProcess srv;
  Raw c(srv.port());
  c.send_all("POST /api/v1/hosts HTTP/1.1\r\nHost: x\r\n" + auth() +
             "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
  std::string chunk(1 << 20, ' ');
  std::string framed = "100000\r\n" + chunk + "\r\n";
  int sent_mib = 0;
  while (sent_mib < 256 && c.send_all(framed)) ++sent_mib;
  if (sent_mib == 256) c.send_all("0\r\n\r\n");
  std::string answer = c.read_all();
  // The route's limit is 8 MiB (the default); socket buffers hold a few more.
  EXPECT_LT(sent_mib, 24) << "the server read " << sent_mib << " MiB of chunks before answering";
  EXPECT_EQ(status_of(answer), 413) << answer.substr(0, 300);
  EXPECT_EQ(error_code_of(answer), "payload_too_large");
  EXPECT_LT(peak_rss_mib(srv.pid()), 100);
}

TEST(ServerLimits, RangeHeadersAreIgnoredAndTheWholeAnswerIsSent) {
  ServerProcess srv;
  ApiClient api(srv.url(), srv.admin_token());
  ASSERT_EQ(api.post("/api/v1/hosts", {{"hostname", "r1"}, {"role", "cache"}}).status, 201);
  std::string whole = api.get("/api/v1/hosts/export?format=csv").body;
  std::string ranges = "bytes=0-0";
  for (int i = 1; i < 2600; ++i) ranges += ",0-" + std::to_string(i % 50);
  Raw c(srv.port());
  c.send_all("GET /api/v1/hosts/export?format=csv HTTP/1.1\r\nHost: x\r\n" + auth() + "Range: " + ranges +
             "\r\nConnection: close\r\n\r\n");
  std::string answer = c.read_all();
  EXPECT_EQ(status_of(answer), 200) << answer.substr(0, 300);
  EXPECT_EQ(answer.find("Content-Range"), std::string::npos);
  EXPECT_EQ(body_of(answer), whole);
}

TEST(ServerLimits, JsonNestedDeeperThan64Answers400AndTheServerLives) {
  ServerProcess srv;
  ApiClient api(srv.url(), srv.admin_token());
  std::string deep = std::string(50000, '[') + std::string(50000, ']');
  auto r = api.request("POST", "/api/v1/hosts", deep);
  EXPECT_EQ(r.status, 400) << r.body.substr(0, 300);
  EXPECT_EQ(r.json()["error"]["code"], "invalid_json");
  std::string at_limit = R"({"hostname": "d1", "vars": )" + std::string(62, '[') + std::string(62, ']') + "}";
  auto ok = api.request("POST", "/api/v1/hosts", at_limit);
  EXPECT_NE(ok.json()["error"]["code"], "invalid_json") << ok.body;
  std::string over = R"({"hostname": "d2", "vars": )" + std::string(64, '[') + std::string(64, ']') + "}";
  EXPECT_EQ(api.request("POST", "/api/v1/hosts", over).json()["error"]["code"], "invalid_json");
  EXPECT_EQ(api.get("/healthz").status, 200);
}

TEST(ServerLimits, ANumberOutOfRangeAnswers400) {
  ServerProcess srv;
  ApiClient api(srv.url(), srv.admin_token());
  auto r = api.request("POST", "/api/v1/hosts", R"({"hostname": "n1", "vars": {"x": 1e999999}})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], "invalid_json");
  auto neg = api.request("POST", "/api/v1/jobs", R"({"module": "ping", "forks": -1e999999})");
  EXPECT_EQ(neg.status, 400) << neg.body;
}

TEST(ServerLimits, TooManyHeadersOrQueryParametersAnswer4xxWithTheErrorBody) {
  ServerProcess srv;
  std::string headers;
  for (int i = 0; i < 300; ++i) headers += "X-H" + std::to_string(i) + ": v\r\n";
  Raw a(srv.port());
  a.send_all("GET /healthz HTTP/1.1\r\nHost: x\r\n" + headers + "Connection: close\r\n\r\n");
  std::string answer = a.read_all();
  EXPECT_EQ(status_of(answer), 431) << answer.substr(0, 300);
  EXPECT_EQ(error_code_of(answer), "header_too_large");

  std::string query;
  for (int i = 0; i < 1000; ++i) query += "&p" + std::to_string(i) + "=1";
  Raw b(srv.port());
  b.send_all("GET /healthz?" + query.substr(1) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  answer = b.read_all();
  EXPECT_EQ(status_of(answer), 400) << answer.substr(0, 300);
  EXPECT_EQ(error_code_of(answer), "bad_query");

  Raw garbage(srv.port());
  garbage.send_all("GET\x01 /healthz HTTP/9.9\r\n\r\n");
  answer = garbage.read_all();
  EXPECT_EQ(status_of(answer), 400) << answer.substr(0, 300);
  EXPECT_EQ(error_code_of(answer), "bad_request");
}

// 32 slow or idle connections made /healthz time out on the server that
// had one thread per connection.
TEST(ServerLimits, SlowAndIdleConnectionsDoNotStarveHealthz) {
  ServerProcess srv;
  std::vector<std::unique_ptr<Raw>> idle;
  for (int i = 0; i < 200; ++i) {
    idle.push_back(std::make_unique<Raw>(srv.port()));
    if (i % 2) idle.back()->send_all("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ");  // never finished
  }
  auto start = Clock::now();
  for (int i = 0; i < 20; ++i) {
    auto r = ApiClient(srv.url()).get("/healthz");
    ASSERT_EQ(r.status, 200);
  }
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  EXPECT_LT(ms, 2000) << "20 /healthz took " << ms << " ms beside 200 slow connections";
}

int thread_count(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  return -1;
}

// 40 SSE streams opened by a viewer starved the thread-per-connection
// server; here 300 streams follow one job, each to its end, while the
// server keeps its few threads and /healthz answers.
TEST(ServerLimits, ThreeHundredSseStreamsOnOneJobHoldNoThreadAndHealthzAnswers) {
  ServerProcess srv;
  ApiClient api(srv.url(), srv.admin_token());
  auto job = api.post("/api/v1/jobs", {{"module", "command"},
                                       {"args", "sleep 4"},
                                       {"inventory_text", "localhost ansible_connection=local\n"}});
  ASSERT_EQ(job.status, 202) << job.body;
  int64_t id = job.json()["id"].get<int64_t>();
  std::vector<std::unique_ptr<Raw>> streams;
  for (int i = 0; i < 300; ++i) {
    streams.push_back(std::make_unique<Raw>(srv.port()));
    streams.back()->send_all("GET /api/v1/jobs/" + std::to_string(id) + "/stream HTTP/1.1\r\nHost: x\r\n" + auth() +
                             "Connection: close\r\n\r\n");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  EXPECT_LT(thread_count(srv.pid()), 60) << "threads grew with the streams";
  auto start = Clock::now();
  EXPECT_EQ(ApiClient(srv.url()).get("/healthz").status, 200);
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 1.0);
  // The job was still running: every stream was open and waiting meanwhile.
  EXPECT_EQ(api.get("/api/v1/jobs/" + std::to_string(id)).json()["state"], "running");
  std::string first;
  for (auto& s : streams) {
    std::string answer = s->read_all(std::chrono::seconds(30));
    ASSERT_EQ(status_of(answer), 200) << answer.substr(0, 300);
    EXPECT_NE(answer.find("text/event-stream"), std::string::npos);
    size_t end = answer.find("event: end\ndata: {\"state\":\"successful\"}");
    ASSERT_NE(end, std::string::npos) << answer.substr(0, 2000);
    // Every stream has the same events (ids and names) in the same order.
    std::string events;
    std::istringstream lines(body_of(answer));
    for (std::string line; std::getline(lines, line);)
      if (line.rfind("id: ", 0) == 0 || line.rfind("event: ", 0) == 0) events += line + "\n";
    if (first.empty()) first = events;
    EXPECT_EQ(events, first);
  }
  EXPECT_NE(first.find("id: 1\n"), std::string::npos);
}

TEST(ServerLimits, AConnectionThatNeverFinishesItsHeadersIsClosedAfterTheHeaderTimeout) {
  TempDir dir;
  { std::ofstream(dir.path() + "/server.yml") << "header_timeout: 1\n"; }
  ServerProcessOptions o;
  o.extra_args = {"--config", dir.path() + "/server.yml"};
  ServerProcess srv(o);
  Raw c(srv.port());
  ASSERT_TRUE(c.connected());
  auto start = Clock::now();
  c.send_all("GET /healthz HTTP/1.1\r\nHost: x\r\n");
  for (int i = 0; i < 4; ++i) {  // a byte every 400 ms: the deadline is for the whole header
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    c.send_all("X");
  }
  EXPECT_TRUE(c.closed_within(std::chrono::seconds(5)));
  double s = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_LT(s, 3.0);
}

TEST(ServerLimits, ABodyThatStopsArrivingAndAnIdleKeptAliveConnectionAreClosed) {
  TempDir dir;
  { std::ofstream(dir.path() + "/server.yml") << "body_timeout: 1\nidle_timeout: 1\n"; }
  ServerProcessOptions o;
  o.extra_args = {"--config", dir.path() + "/server.yml"};
  ServerProcess srv(o);
  Raw body(srv.port());
  auto start = Clock::now();
  body.send_all("POST /api/v1/hosts HTTP/1.1\r\nHost: x\r\n" + auth() + "Content-Length: 100\r\n\r\n{\"host");
  EXPECT_TRUE(body.closed_within(std::chrono::seconds(5)));
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 3.0);

  Raw idle(srv.port());
  idle.send_all("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  start = Clock::now();
  std::string answer = idle.read_all(std::chrono::seconds(5));  // the answer, then the close
  EXPECT_EQ(status_of(answer), 200);
  double s = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_GT(s, 0.5);
  EXPECT_LT(s, 3.0);
}

TEST(ServerLimits, PastTheGlobalConnectionCapNewConnectionsAre503) {
  ServerProcessOptions o;
  o.extra_args = {"--max-connections", "6"};
  ServerProcess srv(o);
  std::vector<std::unique_ptr<Raw>> held;
  for (int i = 0; i < 6; ++i) held.push_back(std::make_unique<Raw>(srv.port(), ("127.0.3." + std::to_string(i + 1)).c_str()));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  Raw seventh(srv.port(), "127.0.3.99");
  std::string answer = seventh.read_all(std::chrono::milliseconds(5000));
  EXPECT_EQ(status_of(answer), 503) << answer;
  EXPECT_EQ(error_code_of(answer), "too_many_connections");
  held.clear();  // once they are gone, new connections are served again
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(ApiClient(srv.url()).get("/healthz").status, 200);
}

TEST(ServerLimits, ConnectionsFromOneAddressAreCappedAndOtherAddressesStillServed) {
  ServerProcessOptions o;
  o.extra_args = {"--max-connections-per-address", "8"};
  ServerProcess srv(o);
  std::vector<std::unique_ptr<Raw>> held;
  for (int i = 0; i < 8; ++i) held.push_back(std::make_unique<Raw>(srv.port(), "127.0.0.7"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  Raw ninth(srv.port(), "127.0.0.7");
  std::string answer = ninth.read_all(std::chrono::milliseconds(5000));
  EXPECT_EQ(status_of(answer), 503) << answer;
  EXPECT_EQ(error_code_of(answer), "too_many_connections");
  Raw other(srv.port(), "127.0.0.8");
  other.send_all("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(other.read_all()), 200);
  std::string metrics = ApiClient(srv.url()).get("/metrics").body;
  EXPECT_NE(metrics.find("drover_http_refused_total{reason=\"connections\"} 1\n"), std::string::npos) << metrics;
}

TEST(ServerLimits, EveryRequestIsLoggedOnceWithoutSecrets) {
  TempDir dir;
  ServerProcessOptions o;
  std::string log_path = dir.path() + "/server.log";
  o.env["DROVER_TEST_STDERR"] = log_path;
  o.extra_args = {"--log-format", "json"};
  {
    ServerProcess srv(o);
    ApiClient api(srv.url(), srv.admin_token());
    ASSERT_EQ(api.post("/api/v1/hosts", {{"hostname", "logged1"}}).status, 201);
    ASSERT_EQ(api.get("/api/v1/hosts/999999").status, 404);
    ApiClient(srv.url(), "drv_wrong_token_123").get("/api/v1/hosts");
  }
  std::ifstream in(log_path);
  std::stringstream all;
  all << in.rdbuf();
  std::string log = all.str();
  EXPECT_EQ(log.find(kAdminToken), std::string::npos);
  EXPECT_EQ(log.find("drv_wrong_token_123"), std::string::npos);
  EXPECT_EQ(log.find("logged1"), std::string::npos) << "a body was logged";
  std::vector<Value> requests;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    Value v = Value::parse(line);  // every line is JSON
    EXPECT_TRUE(v.contains("time") && v.contains("level")) << line;
    if (v["msg"] == "request") requests.push_back(v);
  }
  ASSERT_EQ(requests.size(), 3u) << log;
  EXPECT_EQ(requests[0]["method"], "POST");
  EXPECT_EQ(requests[0]["route"], "/api/v1/hosts");
  EXPECT_EQ(requests[0]["status"], 201);
  EXPECT_EQ(requests[0]["user"], "admin");
  EXPECT_EQ(requests[0]["address"], "127.0.0.1");
  EXPECT_TRUE(requests[0]["duration_ms"].is_number());
  EXPECT_EQ(requests[1]["route"], "/api/v1/hosts/{id}");
  EXPECT_EQ(requests[1]["status"], 404);
  EXPECT_EQ(requests[2]["status"], 401);
  EXPECT_EQ(requests[2]["user"], "-");
}

// Health probes go ahead of queued requests: with one worker busy with 30
// logins (argon2, 0.1-0.2 s each), /healthz waits for one of them, not all.
TEST(ServerLimits, HealthzIsAnsweredAheadOfQueuedSlowRequests) {
  ServerProcessOptions o;
  o.extra_args = {"--http-threads", "1"};
  ServerProcess srv(o);
  std::vector<std::thread> logins;
  std::atomic<int> ok{0};
  for (int i = 0; i < 30; ++i)
    logins.emplace_back([&] {
      auto r = ApiClient(srv.url()).post("/api/v1/login", {{"username", "admin"}, {"password", kAdminPassword}});
      if (r.status == 200) ++ok;
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  auto start = Clock::now();
  EXPECT_EQ(ApiClient(srv.url()).get("/healthz").status, 200);
  double s = std::chrono::duration<double>(Clock::now() - start).count();
  for (auto& t : logins) t.join();
  double all = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_LT(s, 1.0) << "/healthz waited behind the logins (they took " << all << " s)";
  EXPECT_GT(all, s);
  EXPECT_EQ(ok.load(), 30);
}

TEST(ServerLimits, AnUnknownLogFormatOrLevelIsRefusedAtStart) {
  TempDir dir;
  auto format = run_drover({"server", "--data", dir.path() + "/var", "--listen", "127.0.0.1:0", "--log-format", "xml"});
  EXPECT_NE(format.exit_code, 0);
  EXPECT_NE(format.err.find("--log-format must be text or json, not 'xml'"), std::string::npos) << format.err;
  auto level = run_drover({"server", "--data", dir.path() + "/var", "--listen", "127.0.0.1:0", "--log-level", "loud"});
  EXPECT_NE(level.exit_code, 0);
  EXPECT_NE(level.err.find("--log-level must be debug, info, warn or error"), std::string::npos) << level.err;
}

TEST(ServerLimits, TheDefaultLogIsOneTextLinePerRequest) {
  TempDir dir;
  ServerProcessOptions o;
  std::string log_path = dir.path() + "/server.log";
  o.env["DROVER_TEST_STDERR"] = log_path;
  {
    ServerProcess srv(o);
    ASSERT_EQ(ApiClient(srv.url()).get("/healthz").status, 200);
  }
  std::ifstream in(log_path);
  std::string line, found;
  while (std::getline(in, line))
    if (line.find(" request ") != std::string::npos) found = line;
  // 2026-12-06T12:00:00.123Z INFO request method=GET route=/healthz status=200 duration_ms=0.1 user=- address=127.0.0.1
  ASSERT_GE(found.size(), 25u) << found;
  EXPECT_EQ(found[10], 'T');
  EXPECT_EQ(found[23], 'Z');
  EXPECT_NE(found.find(" INFO request method=GET route=/healthz status=200 duration_ms="), std::string::npos) << found;
  EXPECT_NE(found.find(" user=- address=127.0.0.1"), std::string::npos) << found;
}

}  // namespace
}  // namespace drover::test
