#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "lighting/artnet.hpp"
#include "lighting/sacn.hpp"

using namespace auralis::lighting;

TEST_CASE("ArtDmx carries the header, Port-Address and an even data length") {
  std::vector<std::uint8_t> data(7, 9);
  const auto p = artnet::encodeDmx(0x1234 & 0x7FFF, 42, data);
  REQUIRE(p.size() == 18 + 8);  // padded to even
  CHECK(std::string(reinterpret_cast<const char*>(p.data())) == "Art-Net");
  CHECK(artnet::opCode(p) == artnet::kOpDmx);
  CHECK(p[11] == 14);  // ProtVer
  CHECK(p[12] == 42);
  CHECK(p[14] == 0x34);  // SubUni
  CHECK(p[15] == 0x12);  // Net
  CHECK(((p[16] << 8) | p[17]) == 8);
  CHECK(p[18 + 6] == 9);
  CHECK(p[18 + 7] == 0);
  CHECK(artnet::encodeDmx(0, 1, {}).size() == 20);  // at least 2 slots
  CHECK(artnet::encodeDmx(0, 1, std::vector<std::uint8_t>(600)).size() == 18 + 512);
}

TEST_CASE("ArtSync and ArtPollReply have the sizes and fields the specification gives") {
  const auto sync = artnet::encodeSync();
  CHECK(artnet::opCode(sync) == artnet::kOpSync);
  CHECK(sync[11] == 14);
  artnet::PollReplyInfo info;
  info.ip = {10, 1, 2, 3};
  info.universes = 2;
  const auto reply = artnet::encodePollReply(info);
  CHECK(reply.size() == 239);
  CHECK(artnet::opCode(reply) == artnet::kOpPollReply);
  CHECK(reply[10] == 10);
  CHECK((reply[14] | (reply[15] << 8)) == 6454);
  CHECK(std::string(reinterpret_cast<const char*>(&reply[26])) == "Auralis");
  CHECK(reply[173] == 2);
  CHECK(reply[174] == 0x80);
  CHECK(reply[190] == 0);
  CHECK(reply[191] == 1);  // SwOut of the second port
  CHECK(reply[200] == 0x01);
  CHECK_FALSE(artnet::opCode(std::vector<std::uint8_t>{'x', 'y'}));
}

TEST_CASE("an sACN data packet has consistent PDU lengths, the universe and the slots") {
  std::vector<std::uint8_t> data(512);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i);
  sacn::Source src;
  src.cid = sacn::randomCid();
  const auto p = sacn::encodeData(src, 7, 200, data);
  REQUIRE(p.size() == 638);
  auto be16 = [&](std::size_t at) { return (p[at] << 8) | p[at + 1]; };
  CHECK(be16(0) == 0x0010);
  CHECK(std::string(reinterpret_cast<const char*>(&p[4]), 9) == "ASC-E1.17");
  CHECK((be16(16) & 0x0FFF) == 638 - 16);
  CHECK((be16(38) & 0x0FFF) == 638 - 38);
  CHECK((be16(115) & 0x0FFF) == 638 - 115);
  CHECK((be16(16) >> 12) == 0x7);
  CHECK(p[21] == 4);
  CHECK(p[43] == 2);
  CHECK(p[108] == 100);
  CHECK(p[111] == 200);
  CHECK(be16(113) == 7);
  CHECK(p[117] == 0x02);
  CHECK(p[118] == 0xA1);
  CHECK(be16(123) == 513);
  CHECK(p[125] == 0);
  CHECK(p[126 + 300] == static_cast<std::uint8_t>(300));
  CHECK((src.cid[6] >> 4) == 4);
}
