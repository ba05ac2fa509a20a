#include "inventory/host_address.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace drover::inventory {
namespace {

using Names = std::vector<std::string>;

TEST(HostRange, NumericRangeKeepsZeroPadding) {
  EXPECT_EQ(expand_host_range("web[01:03].cdn.net"), (Names{"web01.cdn.net", "web02.cdn.net", "web03.cdn.net"}));
  EXPECT_EQ(expand_host_range("h[8:10]"), (Names{"h8", "h9", "h10"}));
}

TEST(HostRange, AlphabeticRange) {
  EXPECT_EQ(expand_host_range("db-[a:c]"), (Names{"db-a", "db-b", "db-c"}));
  EXPECT_EQ(expand_host_range("x[y:B]"), (Names{"xy", "xz", "xA", "xB"}));
}

TEST(HostRange, StepSkips) {
  EXPECT_EQ(expand_host_range("n[1:10:3]"), (Names{"n1", "n4", "n7", "n10"}));
  EXPECT_EQ(expand_host_range("n[a:e:2]"), (Names{"na", "nc", "ne"}));
}

TEST(HostRange, SeveralRangesExpandLeftToRight) {
  EXPECT_EQ(expand_host_range("r[1:2]c[a:b]"), (Names{"r1ca", "r1cb", "r2ca", "r2cb"}));
}

TEST(HostRange, EmptyStartMeansZero) { EXPECT_EQ(expand_host_range("h[:2]"), (Names{"h0", "h1", "h2"})); }

TEST(HostRange, BadRangesAreErrors) {
  EXPECT_THROW(expand_host_range("h[1:2:3:4]"), Error);
  EXPECT_THROW(expand_host_range("h[01:100]"), Error);
  EXPECT_THROW(expand_host_range("h[c:a]"), Error);
  EXPECT_THROW(expand_host_range("h[1:]"), Error);
  EXPECT_THROW(expand_host_range("h[1]"), Error);
}

TEST(HostEntry, PortAfterColon) {
  auto e = expand_host_entry("db1:2222");
  EXPECT_EQ(e.names, Names{"db1"});
  EXPECT_EQ(e.port, 2222);
  auto r = expand_host_entry("web[1:2]:22");
  EXPECT_EQ(r.names, (Names{"web1", "web2"}));
  EXPECT_EQ(r.port, 22);
}

TEST(HostEntry, Ipv4AndBracketedIpv6Ports) {
  auto a = expand_host_entry("10.0.0.1:8022");
  EXPECT_EQ(a.names, Names{"10.0.0.1"});
  EXPECT_EQ(a.port, 8022);
  auto b = expand_host_entry("[::1]:2200");
  EXPECT_EQ(b.names, Names{"::1"});
  EXPECT_EQ(b.port, 2200);
  auto c = expand_host_entry("fe80::1");
  EXPECT_EQ(c.names, Names{"fe80::1"});
  EXPECT_FALSE(c.port);
}

TEST(HostEntry, InvalidAddressIsKeptWhole) {
  auto e = expand_host_entry("weird_-:22");
  EXPECT_EQ(e.names, Names{"weird_-:22"});
  EXPECT_FALSE(e.port);
}

TEST(ParseAddress, RejectsRangesWhenNotAllowed) {
  EXPECT_TRUE(parse_address("web[1:2]", true));
  EXPECT_FALSE(parse_address("web[1:2]", false));
  EXPECT_FALSE(parse_address("a b", true));
  EXPECT_EQ(parse_address("256.1.1.1:22", true)->port, 22);
}

TEST(ParseAddress, APortTooBigForAnyIntegerIsNoPortAndNoCrash) {
  // Found by inventory_fuzz: std::stoi threw out_of_range and aborted drover.
  const std::string huge = "h:" + std::string(40, '6');
  EXPECT_FALSE(parse_address(huge, true));
  EXPECT_FALSE(parse_address("[h]:" + std::string(40, '6'), true));
  EXPECT_FALSE(parse_address("h:65536", true));
  EXPECT_EQ(parse_address("h:65535", true)->port, 65535);
  auto e = expand_host_entry(huge);
  EXPECT_FALSE(e.port);
  EXPECT_THROW(expand_host_entry("web[1:" + std::string(40, '9') + "]"), Error);
}

}  // namespace
}  // namespace drover::inventory
