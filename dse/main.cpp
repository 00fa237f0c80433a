#include "dse/cli.h"

int main(int argc, char** argv) { return qasim::dse::run_cli(argc, argv); }
