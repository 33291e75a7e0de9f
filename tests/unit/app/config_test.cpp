#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "app/config.hpp"

using auralis::app::Config;

namespace {
std::string writeToml(const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("auralis-config-test-" + std::to_string(getpid()) + ".toml");
  std::ofstream(path) << text;
  return path.string();
}
}  // namespace

TEST_CASE("defaults") {
  Config c;
  CHECK(c.getString("audio.backend") == "clock");
  CHECK(c.getInt("audio.block") == 256);
  CHECK(c.getInt("server.port") == 8000);
  CHECK(c.getString("server.bind") == "127.0.0.1");
  CHECK(c.getDouble("music.bpm") == 90.0);
}

TEST_CASE("file, then environment, then flags: later wins") {
  Config c;
  REQUIRE(c.loadToml(writeToml("[audio]\nblock = 128\n[music]\nbpm = 100\nkey = \"A minor\"\n")).ok());
  CHECK(c.getInt("audio.block") == 128);
  CHECK(c.getDouble("music.bpm") == 100.0);  // an integer is accepted for a number
  char env0[] = "AURALIS_AUDIO_BLOCK=64";
  char env1[] = "PATH=/usr/bin";
  char* env[] = {env0, env1, nullptr};
  REQUIRE(c.loadEnvironment(env).ok());
  CHECK(c.getInt("audio.block") == 64);
  REQUIRE(c.setFromText("audio.block", "512", "--block").ok());
  CHECK(c.getInt("audio.block") == 512);
  CHECK(c.getString("music.key") == "A minor");
}

TEST_CASE("unknown keys are refused, naming the key") {
  Config c;
  auto r = c.loadToml(writeToml("[audio]\nblok = 128\n"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "unknown_config");
  CHECK(r.error().message.find("audio.blok") != std::string::npos);
  char env0[] = "AURALIS_NOPE=1";
  char* env[] = {env0, nullptr};
  auto e = c.loadEnvironment(env);
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().message.find("AURALIS_NOPE") != std::string::npos);
}

TEST_CASE("out-of-range and mistyped values are refused with the allowed range") {
  Config c;
  auto r = c.setFromText("audio.block", "2048", "--block");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("[32, 1024]") != std::string::npos);
  CHECK(r.error().message.find("--block") != std::string::npos);
  CHECK_FALSE(c.setFromText("music.bpm", "fast", "--bpm").ok());
  CHECK_FALSE(c.setFromText("music.bpm", "nan", "--bpm").ok());
  CHECK_FALSE(c.setFromText("music.intensity", "1.5", "--intensity").ok());
  CHECK_FALSE(c.setFromText("audio.sample_rate", "96000", "--rate").ok());
  CHECK_FALSE(c.setFromText("audio.backend", "coreaudio", "--backend").ok());
  CHECK_FALSE(c.setFromText("audio.fallback_to_clock", "maybe", "--fallback-to-clock").ok());
  auto t = c.loadToml(writeToml("[server]\nport = \"eighty\"\n"));
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().field == "server.port");
  auto syntax = c.loadToml(writeToml("[server\nport = 1\n"));
  REQUIRE_FALSE(syntax.ok());
  CHECK(syntax.error().code == "invalid_config");
}

TEST_CASE("every key is described with its environment name") {
  const auto text = Config::describe();
  CHECK(text.find("AURALIS_AUDIO_BACKEND") != std::string::npos);
  CHECK(text.find("music.intensity") != std::string::npos);
}

TEST_CASE("TOML text parses like a file, naming its origin in errors") {
  Config c;
  REQUIRE(c.loadTomlText("[audio]\nblock = 128\n", "inline").ok());
  CHECK(c.getInt("audio.block") == 128);
  auto syntax = c.loadTomlText("[server\nport = 1\n", "inline.toml");
  REQUIRE(!syntax.ok());
  CHECK(syntax.error().code == "invalid_config");
  CHECK(syntax.error().message.find("inline.toml") != std::string::npos);
  auto missing = c.loadToml("/nonexistent/auralis.toml");
  REQUIRE(!missing.ok());
  CHECK(missing.error().code == "invalid_config");
}
