# Warnings as errors on the project's own code only; third-party headers come in
# as SYSTEM includes so their warnings never break the build.
add_library(auralis_warnings INTERFACE)
target_compile_options(auralis_warnings INTERFACE
  -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor -Wcast-align -Wunused
  -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion -Wimplicit-fallthrough
  $<$<CXX_COMPILER_ID:Clang>:-Wno-unknown-warning-option>)
