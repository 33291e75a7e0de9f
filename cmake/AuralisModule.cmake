# auralis_module(<name> [DEPS mod...] [LIBS target...])
#
# Makes src/<name> a static library auralis_<name>. Each module's headers are
# reachable only as "<name>/file.hpp" through a per-module include root in the
# build tree, and a module sees only the include roots of the modules it links.
# So an include that breaks the dependency arrows of docs/architecture.md fails
# the build instead of slipping through.
function(auralis_module name)
  cmake_parse_arguments(M "" "" "DEPS;LIBS;SYSTEM_INCLUDES" ${ARGN})
  set(root ${CMAKE_BINARY_DIR}/include_roots/${name})
  file(MAKE_DIRECTORY ${root})
  if(NOT EXISTS ${root}/${name})
    file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR} ${root}/${name} SYMBOLIC)
  endif()
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp
       ${CMAKE_CURRENT_SOURCE_DIR}/*/*.cpp)
  set(target auralis_${name})
  if(sources)
    add_library(${target} STATIC ${sources})
    set(scope PUBLIC)
    target_link_libraries(${target} PRIVATE auralis_warnings)
  else()
    add_library(${target} INTERFACE)
    set(scope INTERFACE)
  endif()
  target_include_directories(${target} ${scope} ${root})
  if(M_SYSTEM_INCLUDES)
    target_include_directories(${target} SYSTEM ${scope} ${M_SYSTEM_INCLUDES})
  endif()
  foreach(dep ${M_DEPS})
    target_link_libraries(${target} ${scope} auralis_${dep})
  endforeach()
  if(M_LIBS)
    target_link_libraries(${target} ${scope} ${M_LIBS})
  endif()
endfunction()
