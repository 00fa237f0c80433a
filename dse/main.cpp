#include "dse/cli.h"

int main(int argc, char** argv) { return qasim::dse::run_cli(argc, argv); }

// libsystemc.so refers to sc_main (its own main would call it); ours is main above, and
// should SystemC's main ever be the one linked in, it still runs the CLI.
extern "C" int sc_main(int argc, char** argv) { return qasim::dse::run_cli(argc, argv); }
