# Every third-party library, found once. All come from Debian 12's packages
# (scripts/deps.sh installs them).
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(nlohmann_json REQUIRED)

pkg_check_modules(JACK REQUIRED IMPORTED_TARGET jack)
pkg_check_modules(RTAUDIO REQUIRED IMPORTED_TARGET rtaudio)
pkg_check_modules(SNDFILE REQUIRED IMPORTED_TARGET sndfile)
pkg_check_modules(FLUIDSYNTH REQUIRED IMPORTED_TARGET fluidsynth)
pkg_check_modules(EBUR128 REQUIRED IMPORTED_TARGET libebur128)
pkg_check_modules(OPUS REQUIRED IMPORTED_TARGET opus)

if(AURALIS_TESTS)
  find_package(doctest REQUIRED)
  include(doctest)
endif()
if(AURALIS_BENCH)
  find_package(benchmark REQUIRED)
endif()
