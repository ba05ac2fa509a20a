// The HTTP request reader in-process (server/http/reader.hpp): what a
// client's bytes become, and every limit on them.
#include <gtest/gtest.h>
#include <zlib.h>

#include "server/http/reader.hpp"

namespace drover::server {
namespace {

std::string gzip(const std::string& data) {
  z_stream zs{};
  deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

int status_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const RequestError& e) {
    return e.status();
  }
  return 0;
}

TEST(HttpReader, ARequestBecomesMethodDecodedPathParamsHeadersAndBody) {
  HttpRequest r = read_request(
      "POST /api/v1/ho%73ts?role=ca+che&tag=a%2Cb&tag=c&flag HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n"
      "Content-Length: 2\r\n\r\n{}",
      HttpLimits{});
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/api/v1/hosts");
  EXPECT_EQ(r.get_param_value("role"), "ca che");
  EXPECT_EQ(r.get_param_value_count("tag"), 2u);
  EXPECT_EQ(r.get_param_value("tag", 0), "a,b");
  EXPECT_TRUE(r.has_param("flag"));
  EXPECT_EQ(r.get_header_value("Content-Type"), "application/json");  // any case
  EXPECT_EQ(r.body, "{}");
}

TEST(HttpReader, AChunkedBodyIsJoinedAndCountedAgainstTheLimit) {
  std::string chunked = "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
  EXPECT_EQ(read_request(chunked, HttpLimits{}).body, "abcde");
  HttpLimits small;
  small.max_body = 4;
  EXPECT_EQ(status_of([&] { read_request(chunked, small); }), 413);
}

TEST(HttpReader, GzipAndDeflateBodiesAreInflatedUpToTheLimitOnly) {
  EXPECT_EQ(decode_body("gzip", gzip("hello"), 100), "hello");
  EXPECT_EQ(decode_body(" GZIP ", gzip("hello"), 100), "hello");
  std::string bomb = gzip(std::string(64 << 20, 'a'));  // 64 MiB in ~64 KiB
  ASSERT_LT(bomb.size(), 200u * 1024);
  EXPECT_EQ(status_of([&] { decode_body("gzip", bomb, 1 << 20); }), 413);
  EXPECT_EQ(status_of([&] { decode_body("gzip", "not gzip at all", 100); }), 400);
  EXPECT_EQ(status_of([&] { decode_body("gzip", gzip("hello").substr(0, 8), 100); }), 400);
  EXPECT_EQ(status_of([&] { decode_body("br", "x", 100); }), 415);
  EXPECT_EQ(status_of([&] { decode_body("", std::string(101, 'x'), 100); }), 413);
}

TEST(HttpReader, HeaderAndQueryLimitsAnswerTheirStatus) {
  HttpLimits l;
  std::string many;
  for (int i = 0; i < 101; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(status_of([&] { read_request("GET / HTTP/1.1\r\n" + many + "\r\n", l); }), 431);
  EXPECT_EQ(status_of([&] { read_request("GET / HTTP/1.1\r\nX: " + std::string(20000, 'a') + "\r\n\r\n", l); }), 431);
  std::string query;
  for (int i = 0; i < 101; ++i) query += "&p" + std::to_string(i);
  EXPECT_EQ(status_of([&] { read_request("GET /?" + query + " HTTP/1.1\r\n\r\n", l); }), 400);
  EXPECT_EQ(status_of([&] { read_request("GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n", l); }), 414);
  EXPECT_EQ(status_of([&] { read_request("GET / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n", l); }), 413);
  EXPECT_EQ(status_of([&] { read_request("GET / HTTP/1.1\r\nHost: x\r\n", l); }), 400);  // cut short
  EXPECT_EQ(status_of([&] { read_request("G\x01T / HTTP/1.1\r\n\r\n", l); }), 400);
}

TEST(HttpReader, TheAbsoluteFormNamesTheSamePath) {
  HttpRequest r = read_request("GET http://drover.example:8080/api/v1/hosts?limit=5 HTTP/1.1\r\nHost: x\r\n\r\n", {});
  EXPECT_EQ(r.path, "/api/v1/hosts");
  EXPECT_EQ(r.get_param_value("limit"), "5");
  EXPECT_EQ(read_request("GET HTTPS://drover.example HTTP/1.1\r\nHost: x\r\n\r\n", {}).path, "/");
  EXPECT_EQ(read_request("GET http://drover.example?a=1 HTTP/1.1\r\nHost: x\r\n\r\n", {}).path, "/");
}

TEST(HttpReader, BadPercentEscapesStayAsTheyAre) {
  EXPECT_EQ(decode_url("%zz%4", false), "%zz%4");
  EXPECT_EQ(decode_url("a+b%20c", false), "a+b c");
  EXPECT_EQ(decode_url("a+b%20c", true), "a b c");
}

}  // namespace
}  // namespace drover::server
