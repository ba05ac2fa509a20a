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
#include "modules/arg_spec.hpp"
#include "modules/registry.hpp"
#include "transport/connection.hpp"

namespace drover {
namespace {

using test::ModuleOutcome;

// http.server's file handler; /cd/* answers "disposed\n" with
// Content-Disposition "attachment" naming the file "named.txt", /inline/*
// the same with an "inline" one naming "inline.txt"; /redir redirects to
// /hello.txt; a POST is answered with its own body.
constexpr const char* kServer = R"PY(
import functools, http.server, sys
class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
    def do_GET(self):
        if self.path == '/redir':
            self.send_response(302)
            self.send_header('Location', '/hello.txt')
            self.send_header('Content-Length', '0')
            self.end_headers()
            return
        if self.path.startswith('/cd/'):
            disposition = 'attachment; filename="named.txt"'
        elif self.path.startswith('/inline/'):
            disposition = 'inline; filename="inline.txt"'
        else:
            return super().do_GET()
        body = b'disposed\n'
        self.send_response(200)
        self.send_header('Content-Type', 'text/plain')
        self.send_header('Content-Length', str(len(body)))
        self.send_header('Content-Disposition', disposition)
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
    site_->write("a b.txt", "spaced\n");
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
  // get_url's result also names Ansible's temporary file (src).
  static ModuleOutcome same_get_url(const std::string& args,
                                    const std::vector<std::string>& flags = {}) {
    ModuleOutcome o = pair_->both("get_url", args, flags);
    o.theirs_json.erase("src");
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

// Writing the response to dest fails (its directory missing, a file where
// its directory should be, a directory where the file should be): as
// Ansible's write_file() and atomic_move(), the task fails with os.rename's
// error (or the checksum of a directory refused) and no response fields,
// whether a 2xx response is written by the first round trip or an accepted
// error status, or a directory dest, by the second.
TEST_F(UriCompat, FailedWriteOfTheResponseFailsAsAnsible) {
  expect_same_state("mkdir -p /root/taken/hello.txt; echo f > /root/afile");
  for (const std::string& args : std::vector<std::string>{
           base() + "hello.txt dest=/root/nodir/x.txt",
           base() + "missing status_code=404 dest=/root/nodir/x.txt",
           base() + "hello.txt dest=/root/afile/x.txt",
           base() + "missing status_code=200,404 dest=/root/afile/x.txt",
           base() + "hello.txt dest=/root/taken"}) {
    ModuleOutcome o = pair_->both("uri", args);
    o.theirs_json.erase("exception");  // Python's traceback
    // Each side's temporary copy of the response, named in the message.
    for (Value* v : {&o.ours_json, &o.theirs_json}) {
      std::string msg = (*v)["msg"].get<std::string>();
      const std::string lead = "Could not replace file: ";
      if (msg.rfind(lead, 0) == 0) {
        const std::string tmp = msg.substr(lead.size(), msg.find(" to ") - lead.size());
        for (size_t p = msg.find(tmp); p != std::string::npos; p = msg.find(tmp))
          msg.replace(p, tmp.size(), "TMP");
      }
      (*v)["msg"] = msg;
    }
    EXPECT_EQ(test::sorted_dump(o.ours_json), test::sorted_dump(o.theirs_json)) << args;
    EXPECT_EQ(o.ours_json["failed"], true) << args;
  }
  expect_same_state("ls -R /root/nodir /root/afile /root/taken 2>&1");
}

// get_url into a directory names the file after the download, by its own
// rules (not uri's): an "attachment" Content-Disposition, else the final
// URL's last path part as it stands (%20 kept), else index.html.
TEST_F(UriCompat, GetUrlNamesTheFileInADirectoryDestAsAnsible) {
  expect_same_state("mkdir -p /root/gdl");
  ModuleOutcome check = same_get_url(base() + "hello.txt dest=/root/gdl", {"--check"});
  EXPECT_EQ(check.ours_json["changed"], true) << check.ours;
  EXPECT_EQ(check.ours_json["dest"], "/root/gdl/hello.txt");
  ModuleOutcome plain = same_get_url(base() + "hello.txt dest=/root/gdl");
  EXPECT_EQ(plain.ours_json["changed"], true) << plain.ours;
  EXPECT_EQ(plain.ours_json["dest"], "/root/gdl/hello.txt");
  ModuleOutcome again = same_get_url(base() + "hello.txt dest=/root/gdl/");
  EXPECT_EQ(again.ours_json["changed"], false) << again.ours;
  EXPECT_EQ(same_get_url(base() + "cd/anything?x=1 dest=/root/gdl").ours_json["dest"],
            "/root/gdl/named.txt");
  EXPECT_EQ(same_get_url(base() + "inline/thing dest=/root/gdl").ours_json["dest"],
            "/root/gdl/thing");
  EXPECT_EQ(same_get_url(base() + "a%20b.txt dest=/root/gdl").ours_json["dest"],
            "/root/gdl/a%20b.txt");
  EXPECT_EQ(same_get_url(base() + "redir dest=/root/gdl mode=0600").ours_json["dest"],
            "/root/gdl/hello.txt");
  same_get_url(base() + " dest=/root/gdl");
  ModuleOutcome missing = same_get_url(base() + "missing dest=/root/gdl");
  EXPECT_EQ(missing.ours_json["failed"], true);
  expect_same_state(
      "cd /root/gdl && for f in *; do echo \"$f\"; stat -c '%a %s' \"$f\"; done; cat named.txt "
      "hello.txt thing a%20b.txt; ls -A | grep -c drover");
}

// Without curl, wget downloads (wget -S for the headers, its Location
// headers for the final URL): the names are Ansible's still. drover runs
// here over a local connection whose PATH has everything but curl.
TEST_F(UriCompat, GetUrlWithWgetNamesTheFileAsAnsible) {
  test::TempDir d;
  test::run_shell("mkdir -p '" + d.path() + "/bin' '" + d.path() +
                  "/dl' && for f in /usr/bin/* /bin/*; do case ${f##*/} in curl) ;; *) ln -sf "
                  "\"$f\" '" +
                  d.path() + "/bin/' ;; esac; done");
  expect_same_state("mkdir -p /root/wdl");
  ConnectionSpec spec;
  spec.name = "localhost";
  spec.type = "local";
  auto conn = make_connection(spec);
  conn->connect();
  const ModuleEntry* m = find_module("get_url");
  ASSERT_NE(test::run_shell("PATH='" + d.path() + "/bin' command -v curl").exit_code, 0);
  ASSERT_EQ(test::run_shell("PATH='" + d.path() + "/bin' command -v wget").exit_code, 0);
  for (const char* path : {"cd/anything?x=1", "redir", "a%20b.txt", "inline/thing"}) {
    const std::string url = base().substr(4) + path;
    ModuleContext ctx;
    ctx.connection = conn.get();
    ctx.environment = Value{{"PATH", d.path() + "/bin"}};
    Value ours = m->module->run(
        validate_args("get_url", m->module->spec(), Value{{"url", url}, {"dest", d.path() + "/dl"}}),
        ctx);
    Value theirs = pair_->theirs("get_url", "url=" + url + " dest=/root/wdl");
    EXPECT_EQ(ours["changed"], true) << ours.dump();
    EXPECT_EQ(ours["dest"], d.path() + "/dl/" + theirs["dest"].get<std::string>().substr(10))
        << ours.dump() << theirs.dump();
    for (const char* k : {"status_code", "msg", "checksum_src", "checksum_dest", "md5sum", "size"})
      EXPECT_EQ(ours[k], theirs[k]) << k << " " << url;
  }
}

// An existing dest file is asked for with If-Modified-Since: http.server's
// 304 leaves it alone; force downloads again.
TEST_F(UriCompat, GetUrlAsksAnExistingFileForANewerCopy) {
  same_get_url(base() + "hello.txt dest=/root/got.txt");
  ModuleOutcome again = same_get_url(base() + "hello.txt dest=/root/got.txt");
  EXPECT_EQ(again.ours_json["status_code"], 304) << again.ours;
  EXPECT_EQ(again.ours_json["changed"], false);
  ModuleOutcome forced = same_get_url(base() + "hello.txt dest=/root/got.txt force=yes");
  EXPECT_EQ(forced.ours_json["status_code"], 200) << forced.ours;
  EXPECT_EQ(forced.ours_json["changed"], false);
  expect_same_state("cat /root/got.txt; stat -c %a /root/got.txt");
}

}  // namespace
}  // namespace drover
