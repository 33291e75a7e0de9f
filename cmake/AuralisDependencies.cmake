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
# Speech recognition (src/voice): libsamplerate and pocketsphinx 5prealpha.
pkg_check_modules(SAMPLERATE REQUIRED IMPORTED_TARGET GLOBAL samplerate)
# Debian 12's sphinxbase.pc names /usr/include/sphinxbase, which the package does not
# ship (its headers are under /usr/include/<multiarch>/sphinxbase), and CMake refuses an
# imported target with a missing include directory: build the target from what exists.
pkg_check_modules(POCKETSPHINX REQUIRED pocketsphinx sphinxbase)
add_library(auralis_pocketsphinx INTERFACE)
foreach(dir IN LISTS POCKETSPHINX_INCLUDE_DIRS)
  if(EXISTS ${dir})
    target_include_directories(auralis_pocketsphinx SYSTEM INTERFACE ${dir})
  endif()
endforeach()
target_link_libraries(auralis_pocketsphinx INTERFACE ${POCKETSPHINX_LINK_LIBRARIES})
target_compile_options(auralis_pocketsphinx INTERFACE ${POCKETSPHINX_CFLAGS_OTHER})
add_library(PkgConfig::POCKETSPHINX ALIAS auralis_pocketsphinx)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)    # src/store
pkg_check_modules(OPUSENC REQUIRED IMPORTED_TARGET libopusenc)  # recorder (src/io/recorder_*)
pkg_check_modules(LO REQUIRED IMPORTED_TARGET liblo)          # OSC codec (src/net/osc_*)
pkg_check_modules(RTMIDI REQUIRED IMPORTED_TARGET rtmidi)      # MIDI ports (src/io/midi_*)
pkg_check_modules(OGG REQUIRED IMPORTED_TARGET ogg)
pkg_check_modules(URING REQUIRED IMPORTED_TARGET liburing)     # fan-out sends (src/net/socket_batch)
# Uploads: SHA-256 while streaming (src/net/upload_spool) and media decoding
# with the ffmpeg libraries (src/io/media_decoder).
find_package(OpenSSL REQUIRED)
pkg_check_modules(FFMPEG REQUIRED IMPORTED_TARGET GLOBAL libavformat libavcodec libswresample libavutil)

if(AURALIS_TESTS)
  find_package(doctest REQUIRED)
  include(doctest)
endif()
if(AURALIS_BENCH)
  find_package(benchmark REQUIRED)
endif()
