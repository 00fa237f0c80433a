#include <malloc.h>

#include "dse/cli.h"

int main(int argc, char** argv) {
  // Accumulator tensors of big layers are tens of MB and are allocated once per layer per
  // batch; glibc would map and unmap each one afresh (page faults on every call), so keep
  // such blocks in the heap for reuse.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  return qasim::dse::run_cli(argc, argv);
}

// libsystemc.so refers to sc_main (its own main would call it); ours is main above, and
// should SystemC's main ever be the one linked in, it still runs the CLI.
extern "C" int sc_main(int argc, char** argv) {
  return qasim::dse::run_cli(argc, argv);
}
