#include "synack/wire/address.hpp"

#include <gtest/gtest.h>

#include <unordered_set>

namespace synack {
namespace {

TEST(Ipv4Address, ParsesDottedQuad) {
  auto a = Ipv4Address::parse("192.168.1.10");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->octets, (std::array<std::uint8_t, 4>{192, 168, 1, 10}));
  EXPECT_EQ(a->to_u32(), 0xc0a8010au);
  EXPECT_EQ(Ipv4Address::parse("0.0.0.0")->to_u32(), 0u);
  EXPECT_EQ(Ipv4Address::parse("255.255.255.255")->to_u32(), 0xffffffffu);
}

TEST(Ipv4Address, RejectsBadInput) {
  for (const char* bad : {"", "1", "1.2.3", "1.2.3.4.", "1.2.3.4.5", "256.1.1.1", "1.2.3.256",
                          "1..2.3", ".1.2.3", "1.2.3.-4", "a.b.c.d", "1.2.3.4 ", " 1.2.3.4",
                          "1.2.3.4x", "1.2.3.0004", "+1.2.3.4", "1.2.3.99999999999999999999"}) {
    EXPECT_FALSE(Ipv4Address::parse(bad).has_value()) << '"' << bad << '"';
  }
}

TEST(Ipv4Address, ToStringRoundTrips) {
  for (const char* text : {"10.0.0.1", "0.0.0.0", "255.255.255.255", "127.0.0.1"}) {
    EXPECT_EQ(Ipv4Address::parse(text)->to_string(), text);
  }
  EXPECT_EQ(Ipv4Address::from_u32(0x0a000102).to_string(), "10.0.1.2");
}

TEST(Ipv4Address, OrdersNumerically) {
  EXPECT_LT(*Ipv4Address::parse("9.255.255.255"), *Ipv4Address::parse("10.0.0.0"));
}

TEST(MacAddress, FormatsAndDetectsBroadcast) {
  const MacAddress mac{{0x02, 0x00, 0x5e, 0x10, 0xab, 0xff}};
  EXPECT_EQ(mac.to_string(), "02:00:5e:10:ab:ff");
  EXPECT_FALSE(mac.is_broadcast());
  EXPECT_TRUE(MacAddress::broadcast().is_broadcast());
  EXPECT_EQ(MacAddress::broadcast().to_string(), "ff:ff:ff:ff:ff:ff");
}

TEST(Endpoint, FormatsBothFamilies) {
  Endpoint v4{IpAddress::v4(*Ipv4Address::parse("10.1.2.3")), 8080};
  EXPECT_EQ(v4.to_string(), "10.1.2.3:8080");
  IpAddress v6;
  v6.family = IpAddress::Family::kV6;
  v6.bytes = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ((Endpoint{v6, 443}).to_string(), "[2001:db8:0:0:0:0:0:1]:443");
}

TEST(FourTuple, HashesDistinguishPorts) {
  const IpAddress a = IpAddress::v4(*Ipv4Address::parse("10.0.0.1"));
  const IpAddress b = IpAddress::v4(*Ipv4Address::parse("10.0.0.2"));
  std::unordered_set<FourTuple> set;
  auto tuple = [&](std::uint16_t local_port) {
    return FourTuple{Endpoint{a, local_port}, Endpoint{b, 80}};
  };
  for (std::uint16_t port = 1000; port < 1100; ++port) set.insert(tuple(port));
  set.insert(tuple(1000));
  EXPECT_EQ(set.size(), 100u);
  EXPECT_EQ(std::hash<FourTuple>{}(tuple(1)), std::hash<FourTuple>{}(tuple(1)));
  EXPECT_NE(tuple(1), tuple(2));
}

}  // namespace
}  // namespace synack
