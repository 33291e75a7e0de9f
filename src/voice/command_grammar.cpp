#include "voice/command_grammar.hpp"

#include <array>
#include <cctype>
#include <sstream>

namespace auralis::voice {
namespace {

struct NumberWord {
  const char* word;
  int value;
};
constexpr std::array<NumberWord, 10> kUnits = {{{"zero", 0},
                                                {"one", 1},
                                                {"two", 2},
                                                {"three", 3},
                                                {"four", 4},
                                                {"five", 5},
                                                {"six", 6},
                                                {"seven", 7},
                                                {"eight", 8},
                                                {"nine", 9}}};
constexpr std::array<NumberWord, 10> kTeens = {{{"ten", 10},
                                                {"eleven", 11},
                                                {"twelve", 12},
                                                {"thirteen", 13},
                                                {"fourteen", 14},
                                                {"fifteen", 15},
                                                {"sixteen", 16},
                                                {"seventeen", 17},
                                                {"eighteen", 18},
                                                {"nineteen", 19}}};
constexpr std::array<NumberWord, 8> kTens = {{{"twenty", 20},
                                              {"thirty", 30},
                                              {"forty", 40},
                                              {"fifty", 50},
                                              {"sixty", 60},
                                              {"seventy", 70},
                                              {"eighty", 80},
                                              {"ninety", 90}}};

/// Spoken agent names -> the control vocabulary's agent names.
struct AgentWord {
  const char* spoken;
  const char* agent;
};
constexpr std::array<AgentWord, 6> kAgents = {{{"drums", "percussion"},
                                               {"percussion", "percussion"},
                                               {"bass", "bass"},
                                               {"harmony", "harmony"},
                                               {"chords", "harmony"},
                                               {"melody", "melody"}}};

/// Spoken modes -> names music::parseKey accepts.
constexpr std::array<const char*, 9> kModes = {"major",    "minor",          "dorian",
                                               "phrygian", "lydian",         "mixolydian",
                                               "locrian",  "harmonic minor", "melodic minor"};

template <class Table>
std::optional<int> lookup(const Table& table, const std::string& w) {
  for (const auto& e : table)
    if (w == e.word) return e.value;
  return std::nullopt;
}

/// 0..99 from one or two words: "seven", "fifteen", "ninety", "ninety five", "oh five".
std::optional<int> under100(const std::vector<std::string>& w, std::size_t from) {
  const std::size_t n = w.size() - from;
  if (n == 1) {
    if (auto v = lookup(kUnits, w[from])) return v;
    if (auto v = lookup(kTeens, w[from])) return v;
    return lookup(kTens, w[from]);
  }
  if (n == 2) {
    if (auto t = lookup(kTens, w[from]))
      if (auto u = lookup(kUnits, w[from + 1]); u && *u > 0) return *t + *u;
    if (w[from] == "oh" || w[from] == "o")
      if (auto u = lookup(kUnits, w[from + 1])) return *u;
  }
  return std::nullopt;
}

std::string join(const std::vector<std::string>& w, std::size_t from, std::size_t to) {
  std::string s;
  for (std::size_t i = from; i < to && i < w.size(); ++i) s += (s.empty() ? "" : " ") + w[i];
  return s;
}

std::string alternatives(std::initializer_list<std::string> items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : " | ") + i;
  return s;
}

template <class Table>
std::string wordAlternatives(const Table& table) {
  std::string s;
  for (const auto& e : table) s += (s.empty() ? "" : " | ") + std::string(e.word);
  return s;
}

}  // namespace

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '#') {
      cur += static_cast<char>(std::tolower(u));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

std::optional<int> parseSpokenNumber(const std::vector<std::string>& w) {
  if (w.empty() || w.size() > 5) return std::nullopt;
  if (w.size() == 1 && std::isdigit(static_cast<unsigned char>(w[0][0]))) {
    int v = 0;
    for (char c : w[0]) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || v > 99) return std::nullopt;
      v = v * 10 + (c - '0');
    }
    return v;
  }
  // "<units> hundred [and] [<under100>]"
  if (w.size() >= 2 && w[1] == "hundred") {
    auto h = lookup(kUnits, w[0]);
    if (!h || *h == 0) return std::nullopt;
    std::size_t rest = 2;
    if (rest < w.size() && w[rest] == "and") ++rest;
    if (rest == w.size()) return *h * 100;
    auto r = under100(w, rest);
    return r ? std::optional<int>(*h * 100 + *r) : std::nullopt;
  }
  if (auto v = under100(w, 0)) return v;
  // "one twenty", "one twenty five", "one oh five", "one fifteen": hundreds said as a digit.
  if (w.size() >= 2) {
    auto h = lookup(kUnits, w[0]);
    auto r = under100(w, 1);
    if (h && *h > 0 && r && (*r >= 10 || w[1] == "oh" || w[1] == "o")) return *h * 100 + *r;
  }
  return std::nullopt;
}

std::optional<std::string> parseSpokenKey(const std::vector<std::string>& w) {
  if (w.empty()) return std::nullopt;
  const std::string& r = w[0];
  if (r.size() != 1 || r[0] < 'a' || r[0] > 'g') return std::nullopt;
  std::string key(1, static_cast<char>(std::toupper(static_cast<unsigned char>(r[0]))));
  std::size_t i = 1;
  if (i < w.size() && w[i] == "flat") {
    key += 'b';
    ++i;
  } else if (i < w.size() && w[i] == "sharp") {
    key += '#';
    ++i;
  }
  const std::string mode = join(w, i, w.size());
  if (mode.empty()) return key + " major";
  for (const char* m : kModes)
    if (mode == m) return key + " " + m;
  return std::nullopt;
}

std::optional<CommandIntent> parseCommand(std::string_view text) {
  const auto w = words(text);
  if (w.empty()) return std::nullopt;
  const std::string all = join(w, 0, w.size());
  CommandIntent c;
  auto adjust = [&](CommandKind kind, double v) {
    c.kind = kind;
    c.value = v;
    return c;
  };
  if (all == "faster" || all == "speed up") return adjust(CommandKind::AdjustBpm, kBpmStep);
  if (all == "slower" || all == "slow down") return adjust(CommandKind::AdjustBpm, -kBpmStep);
  if (all == "more intensity" || all == "wilder")
    return adjust(CommandKind::AdjustIntensity, kIntensityStep);
  if (all == "less intensity" || all == "calmer")
    return adjust(CommandKind::AdjustIntensity, -kIntensityStep);
  if (all == "louder") return adjust(CommandKind::AdjustVolume, kVolumeStep);
  if (all == "quieter" || all == "softer") return adjust(CommandKind::AdjustVolume, -kVolumeStep);
  if (w.size() == 2 && w[1] == "recording" &&
      (w[0] == "start" || w[0] == "stop" || w[0] == "begin" || w[0] == "end")) {
    c.kind = CommandKind::Recording;
    c.on = w[0] == "start" || w[0] == "begin";
    return c;
  }
  if (w.size() == 2 && w[0] == "lights" && (w[1] == "blackout" || w[1] == "on" || w[1] == "off")) {
    c.kind = CommandKind::Lights;
    c.name = w[1];
    return c;
  }
  if (w.size() == 2 && w[1] == "mode" && (w[0] == "dictation" || w[0] == "command")) {
    c.kind = CommandKind::Mode;
    c.name = w[0];
    return c;
  }
  // <agent> on|off ("switch|turn <agent> on|off" and "mute|unmute <agent>" were tried and left
  // out: the optional prefix took the onset of "drums" ("turn chords on"), and "unmute" was
  // heard as "mute", the opposite command; docs/benchmarks.md)
  if (w.size() == 2 && (w[1] == "on" || w[1] == "off")) {
    for (const auto& a : kAgents) {
      if (w[0] == a.spoken) {
        c.kind = CommandKind::AgentSwitch;
        c.name = a.agent;
        c.on = w[1] == "on";
        return c;
      }
    }
  }
  // tempo <n> | set tempo [to] <n> | bpm <n>
  std::size_t i = 0;
  if (w[i] == "set") ++i;
  if (i < w.size() && (w[i] == "tempo" || (i == 0 && w[i] == "bpm"))) {
    ++i;
    if (i < w.size() && w[i] == "to") ++i;
    auto n = parseSpokenNumber(std::vector<std::string>(w.begin() + static_cast<long>(i), w.end()));
    if (!n) return std::nullopt;
    c.kind = CommandKind::SetBpm;
    c.value = *n;
    return c;
  }
  // key of <key> | key <key>
  if (w[0] == "key") {
    std::size_t k = (w.size() > 1 && w[1] == "of") ? 2 : 1;
    auto key = parseSpokenKey(std::vector<std::string>(w.begin() + static_cast<long>(k), w.end()));
    if (!key) return std::nullopt;
    c.kind = CommandKind::SetKey;
    c.name = *key;
    return c;
  }
  // <root> [flat|sharp] <mode>: a key said without "key of" (the mode is required, so a lone
  // letter is never a command).
  if (w.size() >= 2 && w[0].size() == 1)
    if (auto key = parseSpokenKey(w); key && w.back() != "flat" && w.back() != "sharp") {
      c.kind = CommandKind::SetKey;
      c.name = *key;
      return c;
    }
  return std::nullopt;
}

std::string commandGrammar() {
  std::ostringstream g;
  std::string agents;
  for (const auto& a : kAgents) agents += (agents.empty() ? "" : " | ") + std::string(a.spoken);
  std::string digits;
  for (const auto& u : kUnits)
    if (u.value > 0) digits += (digits.empty() ? "" : " | ") + std::string(u.word);
  std::string modes;
  for (const char* m : kModes) modes += (modes.empty() ? "" : " | ") + std::string(m);
  g << "#JSGF V1.0;\n"
    << "grammar auralis;\n"
    << "public <command> = <tempo> | <key> | <relative> | <agent> | <transport> | <lights> | "
       "<mode>;\n"
    // "to" only after "set": "tempo <n>" with an optional "to" was heard as "tempo to eighty"
    // for "tempo ninety" (measured in docs/benchmarks.md).
    << "<tempo> = set tempo [to] <number> | tempo <number> | bpm <number>;\n"
    // Only tempos the controller accepts (40..200 bpm): "tempo ninety" was heard as "tempo
    // two eighty" while 280 was a path.
    << "<number> = <tens40> [<digit>] | one hundred [[and] <below100>] | one <tens> [<digit>] | "
       "one <teen> | one oh <digit> | two hundred;\n"
    << "<tens40> = forty | fifty | sixty | seventy | eighty | ninety;\n"
    << "<below100> = <tens> [<digit>] | <teen> | <digit>;\n"
    << "<digit> = " << digits << ";\n"
    << "<teen> = " << wordAlternatives(kTeens) << ";\n"
    << "<tens> = " << wordAlternatives(kTens) << ";\n"
    << "<key> = key [of] <root> [flat | sharp] [<keymode>] | <root> [flat | sharp] <keymode>;\n"
    << "<keymode> = " << modes << ";\n"
    << "<root> = a | b | c | d | e | f | g;\n"
    << "<relative> = "
    << alternatives({"faster", "slower", "speed up", "slow down", "more intensity",
                     "less intensity", "calmer", "wilder", "louder", "quieter", "softer"})
    << ";\n"
    << "<agent> = (" << agents << ") (on | off);\n"
    << "<transport> = (start | stop | begin | end) recording;\n"
    << "<lights> = lights (blackout | on | off);\n"
    << "<mode> = (dictation | command) mode;\n";
  return g.str();
}

std::vector<std::pair<std::string, std::string>> grammarPronunciations() {
  return {{"lydian", "L IH D IY AH N"},
          {"mixolydian", "M IH K S OW L IH D IY AH N"},
          {"locrian", "L OW K R IY AH N"},
          {"bpm", "B IY P IY EH M"},
          // Variants the CMU dictionary lacks: the broad "a" of British and synthetic voices
          // ("flat" and "faster" were heard as "a" and "softer"), and "of" reduced before a
          // note name ("key of a flat" is said "key uh-vuh flat").
          {"flat(2)", "F L AA T"},
          {"faster(2)", "F AA S T ER"},
          {"of(2)", "AA V"},
          {"of(3)", "AH"}};
}

std::string describe(const CommandIntent& c) {
  std::ostringstream s;
  switch (c.kind) {
    case CommandKind::SetBpm:
      s << "tempo " << c.value;
      break;
    case CommandKind::AdjustBpm:
      s << (c.value > 0 ? "faster" : "slower");
      break;
    case CommandKind::SetKey:
      s << "key " << c.name;
      break;
    case CommandKind::AdjustIntensity:
      s << (c.value > 0 ? "more" : "less") << " intensity";
      break;
    case CommandKind::AdjustVolume:
      s << (c.value > 0 ? "louder" : "quieter");
      break;
    case CommandKind::AgentSwitch:
      s << c.name << (c.on ? " on" : " off");
      break;
    case CommandKind::Recording:
      s << (c.on ? "start" : "stop") << " recording";
      break;
    case CommandKind::Lights:
      s << "lights " << c.name;
      break;
    case CommandKind::Mode:
      s << c.name << " mode";
      break;
  }
  return s.str();
}

}  // namespace auralis::voice
