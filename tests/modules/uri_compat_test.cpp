// uri against Ansible's uri module (ansible-core 2.14) on two sandboxed
// sshd hosts (FleetOptions::sandbox: private /root): drover's curl-based
// module on host001, ansible on host002, both fetching from a local HTTP
// server (Python's http.server under /usr/bin/python3, plus a path that
// answers with Content-Disposition). Results must be equal apart from
// what differs between two requests (date, elapsed), and so must the files
// the requests leave.
#include <gtest/gtest.h>

#include "harness/process.hpp"
#include "harness/sshd_fleet.hpp"
#include "http_server.hpp"
#include "module_pair.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

// http.server's file handler; /cd/* answers "disposed\n" with
// Content-Disposition naming the file "named.txt"; a POST is answered with
// its own body.
constexpr const char* kServer = R"PY(
import functools, http.server, sys
class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
    def do_GET(self):
        if not self.path.startswith('/cd/'):
            return super().do_GET()
        body = b'disposed\n'
        self.send_response(200)
        self.send_header('Content-Type', 'text/plain')
        self.send_header('Content-Length', str(len(body)))
        self.send_header('Content-Disposition', 'attachment; filename="named.txt"')
        self.end_headers()
        self.wfile.write(body)
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length', '0')))
        self.send_response(200)
        self.send_header('Content-Type', 'text/plain')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
handler = functools.partial(Handler, directory=sys.argv[2])
http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), handler).serve_forever()
)PY";

// The result without what differs between two requests.
Value stable(Value v) {
  for (const char* k : {"date", "elapsed", "last_modified"}) v.erase(k);
  return v;
}

class UriCompat : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    test::FleetOptions o;
    o.sandbox = true;
    o.hosts_per_sshd = 1;
    fleet_ = new test::SshdFleet(2, o);
    dir_ = new test::TempDir();
    pair_ = new test::ModulePair(*fleet_, dir_->path());
    site_ = new test::TempDir();
    site_->write("data.json", "{\"a\": [1, 2], \"b\": \"x\"}\n");
    site_->write("hello.txt", "hello\nworld\n");
    // Older than any dest file the tests write: If-Modified-Since works.
    test::run_shell("touch -d '2020-01-01 00:00:00' '" + site_->path() + "'/*");
    port_ = fleet_->port() + 1;
    server_ = new test::HttpServer(
        {test::kSystemPython, "-c", kServer, std::to_string(port_), site_->path()}, port_);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete site_;
    delete pair_;
    delete fleet_;
    delete dir_;
  }

  static std::string base() { return "url=http://127.0.0.1:" + std::to_string(port_) + "/"; }

  static ModuleOutcome same(const std::string& args) {
    ModuleOutcome o = pair_->both("uri", args);
    EXPECT_EQ(test::sorted_dump(stable(o.ours_json)), test::sorted_dump(stable(o.theirs_json)))
        << args;
    return o;
  }
  static void expect_same_state(const std::string& script) {
    auto [ours, theirs] = pair_->state(script);
    EXPECT_EQ(ours, theirs) << script;
  }

  static test::SshdFleet* fleet_;
  static test::TempDir* dir_;
  static test::ModulePair* pair_;
  static test::TempDir* site_;
  static test::HttpServer* server_;
  static int port_;
};

test::SshdFleet* UriCompat::fleet_ = nullptr;
test::TempDir* UriCompat::dir_ = nullptr;
test::ModulePair* UriCompat::pair_ = nullptr;
test::TempDir* UriCompat::site_ = nullptr;
test::HttpServer* UriCompat::server_ = nullptr;
int UriCompat::port_ = 0;

TEST_F(UriCompat, FetchesFromTheTargetWithCurl) {
  for (const std::string& args : std::vector<std::string>{
           base() + "data.json", base() + "hello.txt return_content=yes", base() + "missing",
           base() + "missing status_code=404,200", base() + "missing return_content=yes",
           base() + "data.json method=post body_format=json body='{\"k\": 1}'",
           base() + "hello.txt method=HEAD", base() + "hello.txt dest=/root/hello.txt",
           base() + "hello.txt creates=/etc/passwd"})
    same(args);
  ModuleOutcome o = pair_->both("uri", "url=http://127.0.0.1:1/ timeout=2");
  // curl and urllib word connection errors differently.
  EXPECT_EQ(o.ours_json["status"], o.theirs_json["status"]) << o.ours << o.theirs;
  EXPECT_EQ(o.ours_json["failed"], o.theirs_json["failed"]);
  expect_same_state("cat /root/hello.txt");
}

// An existing dest file is fetched again only when the server has a newer
// copy (If-Modified-Since): http.server answers 304, not in status_code.
TEST_F(UriCompat, ExistingDestAsksForANewerCopy) {
  same(base() + "hello.txt dest=/root/again.txt");
  ModuleOutcome o = same(base() + "hello.txt dest=/root/again.txt");
  EXPECT_EQ(o.ours_json["status"], 304) << o.ours;
  same(base() + "hello.txt dest=/root/again.txt status_code=200,304");
  expect_same_state("cat /root/again.txt; stat -c %a /root/again.txt");
}

// A directory dest: the file is named by Content-Disposition, else by the
// URL's basename, else index.html.
TEST_F(UriCompat, DirectoryDestNamesTheFileFromTheResponse) {
  expect_same_state("mkdir -p /root/dl");
  same(base() + "hello.txt dest=/root/dl");
  same(base() + "cd/anything?x=1 dest=/root/dl/");
  same(base() + " dest=/root/dl");
  same(base() + "missing dest=/root/dl status_code=404");
  expect_same_state(
      "cd /root/dl && for f in *; do echo \"$f\"; stat -c '%a %s' \"$f\"; done; cat named.txt "
      "hello.txt");
}

// src: the body is a file, on the controller or (remote_src) on the
// target; a missing one fails before any request.
TEST_F(UriCompat, SrcFileIsTheRequestBody) {
  const std::string local = site_->write("payload.txt", "from the controller\n");
  expect_same_state("printf 'from the target\\n' > /root/payload.txt");
  ModuleOutcome c = same(base() + "echo method=POST return_content=yes src=" + local);
  EXPECT_EQ(c.ours_json["content"], "from the controller\n") << c.ours;
  ModuleOutcome t =
      same(base() + "echo method=POST return_content=yes src=/root/payload.txt remote_src=yes");
  EXPECT_EQ(t.ours_json["content"], "from the target\n") << t.ours;
  ModuleOutcome m = same(base() + "echo method=POST src=/root/nowhere remote_src=yes");
  EXPECT_EQ(m.ours_json["failed"], true);
}

}  // namespace
}  // namespace drover
