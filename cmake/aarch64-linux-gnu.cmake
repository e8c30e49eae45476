# SPDX-License-Identifier: MIT OR Apache-2.0
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
  # The programs' dynamic loader and libraries are Debian's arm64 packages (libc6:arm64,
  # libstdc++6:arm64 in /lib/aarch64-linux-gnu), found by qemu through the multiarch paths. Do not
  # pass "-L /usr/aarch64-linux-gnu": with the cross toolchain's copy of glibc, threaded programs
  # hang at start-up under qemu-user 7.2.
  set(CMAKE_CROSSCOMPILING_EMULATOR ${QEMU_AARCH64})
endif()
