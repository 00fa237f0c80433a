// The one way sim/ (and models built on it) include SystemC. Include this, never <systemc>
// directly:
// - Debian's libsystemc is built as C++17 and SystemC checks at link time that its users
//   were compiled with the same SC_CPLUSPLUS; we build as C++20, so it is pinned here.
// - libsystemc defines main(), which calls sc_main(). qasim has its own main() and drives
//   SystemC with sc_start, so sc_main is never called, but the shared library still needs
//   the symbol. This weak definition provides it and yields to any real sc_main.
#pragma once

#ifndef SC_CPLUSPLUS
#define SC_CPLUSPLUS 201703L
#endif
#include <systemc>

__attribute__((weak)) int sc_main(int, char*[]) {
  return 1;
}
