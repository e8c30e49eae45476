# Cross-compiling for 64-bit ARM Linux (Graviton, Ampere, Raspberry Pi 4/5, phones' Linux userland)
# with Debian's g++-aarch64-linux-gnu. Libraries for tests come from Debian's arm64 packages
# (dpkg --add-architecture arm64). Binaries run here under qemu-aarch64 (CMAKE_CROSSCOMPILING_EMULATOR).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
find_program(QEMU_AARCH64 qemu-aarch64)
if(QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${QEMU_AARCH64} -L /usr/aarch64-linux-gnu)
endif()
# Executables are linked statically: self-contained binaries are easy to ship to ARM hosts, and
# qemu-user (7.2, Debian 12) hangs on thread creation in dynamically linked aarch64 programs.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
