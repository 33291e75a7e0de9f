# Warnings as errors on the project's own code only; third-party headers come in
# as SYSTEM includes so their warnings never break the build.
add_library(auralis_warnings INTERFACE)
target_compile_options(auralis_warnings INTERFACE
  -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor -Wcast-align -Wunused
  -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion -Wimplicit-fallthrough
  # clang-22 with g++ 12's libstdc++ flags the library's own use of
  # get_temporary_buffer (std::stable_sort) as deprecated; g++ still checks ours.
  $<$<CXX_COMPILER_ID:Clang>:-Wno-unknown-warning-option -Wno-deprecated-declarations>)
