# Sanitizers are a switch on the whole build (tests included), never on by default.
if(AURALIS_SANITIZE)
  string(REPLACE "," ";" _sans "${AURALIS_SANITIZE}")
  set(_flags -fsanitize=${AURALIS_SANITIZE} -fno-omit-frame-pointer -g)
  if("undefined" IN_LIST _sans)
    list(APPEND _flags -fno-sanitize-recover=undefined)
  endif()
  # Per-ISA clones (GCC ifunc) resolve before the sanitizer runtime starts.
  add_compile_definitions(AURALIS_NO_MULTIVERSIONING)
  if("thread" IN_LIST _sans AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC's TSan does not model std::atomic_thread_fence (used inside Asio):
    # it says so with -Wtsan, which must stay a warning.
    list(APPEND _flags -Wno-error=tsan)
  endif()
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # Sanitizer instrumentation makes g++ 12's flow analysis report
    # "maybe uninitialized" inside Boost.Beast's optional<> code.
    list(APPEND _flags -Wno-maybe-uninitialized)
  endif()
  add_compile_options(${_flags})
  add_link_options(-fsanitize=${AURALIS_SANITIZE})
  message(STATUS "auralis: sanitizers ${AURALIS_SANITIZE}")
endif()
# The allocation guard replaces malloc; it cannot share the process with a
# sanitizer's own allocator or interceptors (RealtimeSanitizer checks instead).
if(AURALIS_SANITIZE)
  set(AURALIS_ALLOC_GUARD OFF)
else()
  set(AURALIS_ALLOC_GUARD ON)
endif()
