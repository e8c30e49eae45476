# SPDX-License-Identifier: MIT OR Apache-2.0
# `peregrine serve`: the HTTP proving service (src/server). Included from the top-level
# CMakeLists.txt. HTTP is Debian's cpp-httplib (libcpp-httplib-dev): a compiled library whose
# header must be used with the same CPPHTTPLIB_* definitions it was built with (they change the
# layout of its classes), so they come from its pkg-config file. Only -lcpp-httplib is linked
# directly; OpenSSL, zlib and brotli are its own dependencies.
find_package(PkgConfig REQUIRED)
if(CMAKE_CROSSCOMPILING AND CMAKE_LIBRARY_ARCHITECTURE AND NOT DEFINED ENV{PKG_CONFIG_LIBDIR})
  # The target architecture's .pc files (Debian multiarch, e.g. libcpp-httplib-dev:arm64).
  set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/pkgconfig:/usr/share/pkgconfig")
endif()
pkg_check_modules(CPP_HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)

add_library(peregrine_server STATIC
  ${CMAKE_CURRENT_LIST_DIR}/server.cpp
  ${CMAKE_CURRENT_LIST_DIR}/http_front.cpp
  ${CMAKE_CURRENT_LIST_DIR}/request_reader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jobs.cpp
  ${CMAKE_CURRENT_LIST_DIR}/metrics.cpp
)
target_include_directories(peregrine_server PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/src)
target_compile_options(peregrine_server PRIVATE -Wall -Wextra)
target_link_libraries(peregrine_server
  PUBLIC peregrine peregrine_witness nlohmann_json::nlohmann_json
  PRIVATE PkgConfig::CPP_HTTPLIB)

# The shared job store (--store redis://... or rediss://...): built when hiredis (Debian's
# libhiredis-dev) and OpenSSL (libssl-dev, for rediss://: hiredis 0.14 has no TLS of its own) are
# found; without them, --store redis:// is refused with the reason.
pkg_check_modules(HIREDIS QUIET IMPORTED_TARGET hiredis)
pkg_check_modules(REDIS_OPENSSL QUIET IMPORTED_TARGET openssl)
if(HIREDIS_FOUND AND REDIS_OPENSSL_FOUND)
  target_sources(peregrine_server PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/redis_client.cpp
    ${CMAKE_CURRENT_LIST_DIR}/redis_tls.cpp
    ${CMAKE_CURRENT_LIST_DIR}/redis_store.cpp
    ${CMAKE_CURRENT_LIST_DIR}/redis_worker.cpp)
  target_compile_definitions(peregrine_server PRIVATE PEREGRINE_HAVE_REDIS)
  target_link_libraries(peregrine_server PRIVATE PkgConfig::HIREDIS PkgConfig::REDIS_OPENSSL)
  set(PEREGRINE_HAVE_REDIS ON)
else()
  message(STATUS "hiredis or OpenSSL not found: peregrine serve without --store redis://")
  set(PEREGRINE_HAVE_REDIS OFF)
endif()
