#include "lighting/fixture.hpp"

#include "lighting/json_field.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace auralis::lighting {

namespace {

constexpr std::array<std::pair<ChannelRole, std::string_view>, 12> kRoles{{
    {ChannelRole::Dimmer, "dimmer"},
    {ChannelRole::Red, "red"},
    {ChannelRole::Green, "green"},
    {ChannelRole::Blue, "blue"},
    {ChannelRole::White, "white"},
    {ChannelRole::Amber, "amber"},
    {ChannelRole::Strobe, "strobe"},
    {ChannelRole::Pan, "pan"},
    {ChannelRole::PanFine, "pan_fine"},
    {ChannelRole::Tilt, "tilt"},
    {ChannelRole::TiltFine, "tilt_fine"},
    {ChannelRole::Unused, "unused"},
}};

constexpr int kMaxFootprint = 64;

std::string roleList() {
  std::string out;
  for (const auto& [role, name] : kRoles) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

}  // namespace

std::string_view roleName(ChannelRole role) {
  for (const auto& [r, name] : kRoles) {
    if (r == role) return name;
  }
  return "unused";
}

bool FixtureProfile::has(ChannelRole role) const {
  return std::find(channels.begin(), channels.end(), role) != channels.end();
}

Result<FixtureProfile> parseFixtureProfile(const nlohmann::json& j) {
  if (!j.is_object()) return makeError("invalid_profile", "a fixture profile is a JSON object");
  FixtureProfile p;
  const auto& name = member(j, "name");
  if (!name.is_string() || name.get<std::string>().empty())
    return makeError("invalid_profile", "a profile needs a non-empty string \"name\"", "name");
  p.name = name.get<std::string>();
  const auto& channels = member(j, "channels");
  if (!channels.is_array() || channels.empty())
    return makeError("invalid_profile", "\"channels\" must be a non-empty array of roles",
                     "channels");
  if (channels.size() > kMaxFootprint)
    return makeError("invalid_profile", "a profile has at most 64 channels", "channels");
  for (std::size_t i = 0; i < channels.size(); ++i) {
    const auto& c = channels[i];
    const std::string field = "channels[" + std::to_string(i) + "]";
    if (!c.is_string()) return makeError("invalid_profile", field + " must be a role name", field);
    const auto text = c.get<std::string>();
    const auto it =
        std::find_if(kRoles.begin(), kRoles.end(), [&](const auto& r) { return r.second == text; });
    if (it == kRoles.end())
      return makeError("invalid_profile", "unknown role \"" + text + "\"; roles: " + roleList(),
                       field);
    p.channels.push_back(it->first);
  }
  for (const auto& [key, value] : j.items()) {
    if (key != "name" && key != "channels")
      return makeError("invalid_profile", "unknown profile field \"" + key + "\"", key);
  }
  return p;
}

const std::vector<FixtureProfile>& builtinProfiles() {
  using R = ChannelRole;
  static const std::vector<FixtureProfile> profiles = {
      {"dimmer", {R::Dimmer}},
      {"rgb", {R::Red, R::Green, R::Blue}},
      {"rgbw", {R::Red, R::Green, R::Blue, R::White}},
      {"rgbw_strobe", {R::Dimmer, R::Red, R::Green, R::Blue, R::White, R::Strobe}},
      {"moving_head",
       {R::Pan, R::PanFine, R::Tilt, R::TiltFine, R::Dimmer, R::Red, R::Green, R::Blue, R::Strobe}},
  };
  return profiles;
}

}  // namespace auralis::lighting
