# libFuzzer targets (fuzz/, docs/fuzzing.md). AURALIS_FUZZ=ON instruments the
# project's libraries for coverage (fuzzer-no-link) under ASan+UBSan; only the
# fuzz_* executables link libFuzzer's main. clang only.
option(AURALIS_FUZZ "Build the libFuzzer targets in fuzz/ (clang only)" OFF)
if(AURALIS_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "AURALIS_FUZZ needs clang (e.g. -DCMAKE_CXX_COMPILER=clang++-22)")
  endif()
  if(AURALIS_SANITIZE)
    message(FATAL_ERROR "AURALIS_FUZZ brings its own sanitizers; leave AURALIS_SANITIZE empty")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
                      -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=address,undefined)
  # Per-ISA clones (GCC ifunc) resolve before the sanitizer runtime starts.
  add_compile_definitions(AURALIS_NO_MULTIVERSIONING)
  set(AURALIS_ALLOC_GUARD OFF)
  # One line per target, "<name> <max_len>", read by scripts/fuzz.sh.
  set(AURALIS_FUZZ_LIST ${CMAKE_BINARY_DIR}/fuzz_targets.txt)
  file(WRITE ${AURALIS_FUZZ_LIST} "")
  message(STATUS "auralis: libFuzzer targets (fuzzer-no-link,address,undefined)")
endif()

# auralis_fuzz_target(<name> SOURCES fuzz/<name>.cpp... [LIBS targets...] [MAX_LEN n])
#
# Makes the executable fuzz_<name> (libFuzzer's main) and lists it, with the
# largest input scripts/fuzz.sh should try (default 4096 bytes), for the runner.
# Its seed corpus is fuzz/corpus/<name>/.
function(auralis_fuzz_target name)
  cmake_parse_arguments(F "" "MAX_LEN" "SOURCES;LIBS" ${ARGN})
  if(NOT F_MAX_LEN)
    set(F_MAX_LEN 4096)
  endif()
  add_executable(fuzz_${name} ${F_SOURCES})
  target_link_libraries(fuzz_${name} PRIVATE ${F_LIBS} auralis_warnings)
  target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
  target_compile_definitions(fuzz_${name} PRIVATE AURALIS_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  add_dependencies(fuzz_all fuzz_${name})
  file(APPEND ${AURALIS_FUZZ_LIST} "${name} ${F_MAX_LEN}\n")
endfunction()
