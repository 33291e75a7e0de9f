#include "lighting/patch.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "lighting/json_field.hpp"

namespace auralis::lighting {

namespace {

const FixtureProfile* findProfile(const std::vector<FixtureProfile>& custom,
                                  const std::string& name) {
  for (const auto& p : custom)
    if (p.name == name) return &p;
  for (const auto& p : builtinProfiles())
    if (p.name == name) return &p;
  return nullptr;
}

Result<int> intField(const nlohmann::json& f, const char* key, int lo, int hi,
                     const std::string& where) {
  const auto& v0 = member(f, key);
  const std::string field = where + "." + key;
  if (!v0.is_number_integer())
    return makeError("invalid_patch", field + " must be an integer", field);
  const auto v = v0.get<long long>();
  if (v < lo || v > hi)
    return makeError("invalid_patch",
                     field + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]",
                     field);
  return static_cast<int>(v);
}

}  // namespace

int Patch::universeCount() const {
  int n = 0;
  for (const auto& f : fixtures) n = std::max(n, f.universe);
  return n;
}

Result<Patch> parsePatch(const nlohmann::json& j) {
  if (!j.is_object()) return makeError("invalid_patch", "a patch is a JSON object");
  std::vector<FixtureProfile> custom;
  if (const auto& profiles = member(j, "profiles"); !profiles.is_null()) {
    if (!profiles.is_array())
      return makeError("invalid_patch", "\"profiles\" must be an array", "profiles");
    for (const auto& p : profiles) {
      auto parsed = parseFixtureProfile(p);
      if (!parsed) return parsed.error();
      custom.push_back(std::move(parsed.value()));
    }
  }
  const auto& fixtures = member(j, "fixtures");
  if (!fixtures.is_array())
    return makeError("invalid_patch", "\"fixtures\" must be an array", "fixtures");
  Patch patch;
  // Which fixture owns each slot, per universe, to refuse overlaps with a useful message.
  std::map<int, std::array<int, kDmxSlots>> owner;  // 0 = free, else fixture index + 1
  for (std::size_t i = 0; i < fixtures.size(); ++i) {
    const auto& f = fixtures[i];
    const std::string where = "fixtures[" + std::to_string(i) + "]";
    if (!f.is_object()) return makeError("invalid_patch", where + " must be an object", where);
    PatchedFixture pf;
    const auto& profile = member(f, "profile");
    if (!profile.is_string())
      return makeError("invalid_patch", where + ".profile must be a profile name",
                       where + ".profile");
    const auto* prof = findProfile(custom, profile.get<std::string>());
    if (prof == nullptr)
      return makeError("invalid_patch", "unknown profile \"" + profile.get<std::string>() + "\"",
                       where + ".profile");
    pf.profile = *prof;
    auto universe = intField(f, "universe", 1, kMaxUniverses, where);
    if (!universe) return universe.error();
    auto address = intField(f, "address", 1, kDmxSlots, where);
    if (!address) return address.error();
    pf.universe = universe.value();
    pf.address = address.value();
    if (pf.address + pf.profile.footprint() - 1 > kDmxSlots)
      return makeError("invalid_patch", where + " runs past slot 512", where + ".address");
    const auto name = stringMember(f, "name", where);
    const auto group = stringMember(f, "group", "all");
    if (!name || !group)
      return makeError("invalid_patch", where + ": name and group must be strings", where);
    pf.name = *name;
    pf.group = *group;
    auto& slots = owner.try_emplace(pf.universe, std::array<int, kDmxSlots>{}).first->second;
    for (int s = pf.address; s < pf.address + pf.profile.footprint(); ++s) {
      auto& o = slots[static_cast<std::size_t>(s - 1)];
      if (o != 0)
        return makeError(
            "invalid_patch",
            where + " overlaps " + patch.fixtures[static_cast<std::size_t>(o - 1)].name +
                " at universe " + std::to_string(pf.universe) + " slot " + std::to_string(s),
            where + ".address");
      o = static_cast<int>(patch.fixtures.size()) + 1;
    }
    patch.fixtures.push_back(std::move(pf));
  }
  return patch;
}

Patch defaultPatch(int universes) {
  Patch patch;
  const auto& profile = builtinProfiles()[3];  // rgbw_strobe
  const int perUniverse = kDmxSlots / profile.footprint();
  for (int u = 1; u <= universes; ++u) {
    for (int i = 0; i < perUniverse; ++i) {
      patch.fixtures.push_back({"u" + std::to_string(u) + "-" + std::to_string(i + 1), profile, u,
                                1 + i * profile.footprint(), "all"});
    }
  }
  return patch;
}

}  // namespace auralis::lighting
