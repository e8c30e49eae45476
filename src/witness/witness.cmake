# SPDX-License-Identifier: MIT OR Apache-2.0
# Native witness generation for circom circuits (issue 4). Included from the top-level
# CMakeLists.txt after the peregrine libraries are defined:
#   include(src/witness/witness.cmake)
#
# Targets:
#   peregrine_witness_rt  the runtime every built circuit links (field API for circom's generated
#                         code, input JSON, .wtns, the <name>-witness driver); written into the
#                         runtime directory below together with its headers and glue source
#   peregrine_witness     `circuit build` (build.hpp) and the witness library loader (loader.hpp),
#                         for the peregrine CLI: target_link_libraries(peregrine_cli PRIVATE peregrine_witness)
#
# The runtime directory: <build dir>/witness-runtime in the build tree, and
# <prefix>/share/peregrine/witness-runtime once installed; `circuit build` finds it next to the
# running executable (<exe dir>/witness-runtime, <exe dir>/../share/peregrine/witness-runtime),
# or from --runtime / $PEREGRINE_WITNESS_RUNTIME.

set(PEREGRINE_WITNESS_SRC ${CMAKE_CURRENT_LIST_DIR})
set(PEREGRINE_WITNESS_RUNTIME_DIR ${CMAKE_BINARY_DIR}/witness-runtime)
set(PEREGRINE_WITNESS_RUNTIME_INSTALL_DIR ${CMAKE_INSTALL_DATADIR}/peregrine/witness-runtime)

add_library(peregrine_witness_rt STATIC
  ${PEREGRINE_WITNESS_SRC}/fr.cpp
  ${PEREGRINE_WITNESS_SRC}/runtime.cpp
  ${PEREGRINE_WITNESS_SRC}/witness_main.cpp
  ${PEREGRINE_WITNESS_SRC}/graph_program.cpp
  ${CMAKE_SOURCE_DIR}/src/field/kernels.cpp
  ${CMAKE_SOURCE_DIR}/src/field/bigint.cpp
  ${CMAKE_SOURCE_DIR}/src/util/io.cpp
)
target_include_directories(peregrine_witness_rt PUBLIC ${PEREGRINE_WITNESS_SRC} ${CMAKE_SOURCE_DIR}/src)
target_compile_options(peregrine_witness_rt PRIVATE -Wall -Wextra)
target_link_libraries(peregrine_witness_rt PRIVATE nlohmann_json::nlohmann_json)
target_link_libraries(peregrine_witness_rt PUBLIC Threads::Threads)
set_target_properties(peregrine_witness_rt PROPERTIES
  POSITION_INDEPENDENT_CODE ON
  CXX_VISIBILITY_PRESET hidden
  VISIBILITY_INLINES_HIDDEN ON
  ARCHIVE_OUTPUT_DIRECTORY ${PEREGRINE_WITNESS_RUNTIME_DIR}/lib)

# The graph engine's witness command (`circuit build --engine graph` copies it next to each
# circuit's <name>.graph as <name>-witness).
add_executable(pgw_graph_witness ${PEREGRINE_WITNESS_SRC}/graph_main.cpp)
target_link_libraries(pgw_graph_witness PRIVATE peregrine_witness_rt)
set_target_properties(pgw_graph_witness PROPERTIES OUTPUT_NAME pgw-graph-witness
  RUNTIME_OUTPUT_DIRECTORY ${PEREGRINE_WITNESS_RUNTIME_DIR}/bin)

# ... and its C API (pg_witness.h), copied as lib<name>-witness.so. A module: no SONAME, so that
# copies for several circuits load side by side in one process.
add_library(pgw_graph_capi MODULE ${PEREGRINE_WITNESS_SRC}/graph_capi.cpp)
target_link_libraries(pgw_graph_capi PRIVATE peregrine_witness_rt ${CMAKE_DL_LIBS})
set_target_properties(pgw_graph_capi PROPERTIES OUTPUT_NAME pgw-graph-witness PREFIX lib
  CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON
  LIBRARY_OUTPUT_DIRECTORY ${PEREGRINE_WITNESS_RUNTIME_DIR}/lib)
target_link_options(pgw_graph_capi PRIVATE -Wl,--exclude-libs,ALL -Wl,-z,now)

# The rest of the runtime directory: headers the generated code compiles against, the per-circuit
# glue source, and the compiler and flags circuits must be built with (the sanitizers of an asan
# build, for instance).
set(PEREGRINE_WITNESS_HEADERS
  ${PEREGRINE_WITNESS_SRC}/fr.hpp
  ${PEREGRINE_WITNESS_SRC}/runtime.hpp
  ${PEREGRINE_WITNESS_SRC}/pg_witness.h
  ${PEREGRINE_WITNESS_SRC}/pgw_prelude.hpp)
foreach(h ${PEREGRINE_WITNESS_HEADERS})
  get_filename_component(n ${h} NAME)
  configure_file(${h} ${PEREGRINE_WITNESS_RUNTIME_DIR}/include/${n} COPYONLY)
endforeach()
configure_file(${PEREGRINE_WITNESS_SRC}/glue.cpp ${PEREGRINE_WITNESS_RUNTIME_DIR}/src/glue.cpp COPYONLY)
set(PEREGRINE_WITNESS_CXXFLAGS "")
set(PEREGRINE_WITNESS_LDFLAGS "")
if(PEREGRINE_SANITIZE)
  set(PEREGRINE_WITNESS_CXXFLAGS "-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined")
  set(PEREGRINE_WITNESS_LDFLAGS "-fsanitize=address,undefined")
endif()
file(WRITE ${PEREGRINE_WITNESS_RUNTIME_DIR}/config.txt.in
  "# Written by CMake: how circuits are compiled against this runtime.\n"
  "cxx=${CMAKE_CXX_COMPILER}\n"
  "cxxflags=${PEREGRINE_WITNESS_CXXFLAGS}\n"
  "ldflags=${PEREGRINE_WITNESS_LDFLAGS}\n"
  "source_dir=${CMAKE_SOURCE_DIR}\n"
  "version=${PROJECT_VERSION}\n")
configure_file(${PEREGRINE_WITNESS_RUNTIME_DIR}/config.txt.in ${PEREGRINE_WITNESS_RUNTIME_DIR}/config.txt COPYONLY)

add_library(peregrine_witness STATIC
  ${PEREGRINE_WITNESS_SRC}/build.cpp
  ${PEREGRINE_WITNESS_SRC}/build_codegen.cpp
  ${PEREGRINE_WITNESS_SRC}/build_util.cpp
  ${PEREGRINE_WITNESS_SRC}/build_graph.cpp
  ${PEREGRINE_WITNESS_SRC}/graph_parse.cpp
  ${PEREGRINE_WITNESS_SRC}/graph_eval.cpp
  ${PEREGRINE_WITNESS_SRC}/graph_lower.cpp
  ${PEREGRINE_WITNESS_SRC}/graph_build.cpp
  ${PEREGRINE_WITNESS_SRC}/loader.cpp)
target_include_directories(peregrine_witness PUBLIC ${CMAKE_SOURCE_DIR}/src)
target_compile_options(peregrine_witness PRIVATE -Wall -Wextra)
target_link_libraries(peregrine_witness PUBLIC peregrine peregrine_witness_rt ${CMAKE_DL_LIBS})
# Whatever builds circuits needs the runtime built (with the graph engine's command).
add_dependencies(peregrine_witness peregrine_witness_rt pgw_graph_witness pgw_graph_capi)

install(TARGETS peregrine_witness_rt ARCHIVE DESTINATION ${PEREGRINE_WITNESS_RUNTIME_INSTALL_DIR}/lib)
install(TARGETS pgw_graph_witness RUNTIME DESTINATION ${PEREGRINE_WITNESS_RUNTIME_INSTALL_DIR}/bin)
install(TARGETS pgw_graph_capi LIBRARY DESTINATION ${PEREGRINE_WITNESS_RUNTIME_INSTALL_DIR}/lib)
install(FILES ${PEREGRINE_WITNESS_HEADERS} DESTINATION ${PEREGRINE_WITNESS_RUNTIME_INSTALL_DIR}/include)
install(FILES ${PEREGRINE_WITNESS_SRC}/glue.cpp DESTINATION ${PEREGRINE_WITNESS_RUNTIME_INSTALL_DIR}/src)
install(FILES ${PEREGRINE_WITNESS_RUNTIME_DIR}/config.txt DESTINATION ${PEREGRINE_WITNESS_RUNTIME_INSTALL_DIR})
