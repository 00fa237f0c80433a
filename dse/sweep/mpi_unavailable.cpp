// Built instead of mpi_runner.cpp when CMake found no MPI: sweeps run locally, and a
// sweep started by mpirun says that this build cannot take part.
#include <cstdlib>
#include <stdexcept>

#include "dse/sweep/mpi_runner.h"

namespace qasim::dse {

bool mpi_built() {
  return false;
}

bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"})
    if (const char* v = std::getenv(name); v && std::atoi(v) > 1) return true;
  return false;
}

MpiWorld::MpiWorld() {
  throw std::runtime_error("this qasim was built without MPI (install libopenmpi-dev, rebuild)");
}
MpiWorld::~MpiWorld() = default;
void MpiWorld::abort(int code) const {
  std::exit(code);
}

std::unique_ptr<Executor> make_mpi_executor(const MpiWorld&) {
  throw std::runtime_error("this qasim was built without MPI");
}
void serve_points(const MpiWorld&, const EvalContext&, int, double) {
  throw std::runtime_error("this qasim was built without MPI");
}

}  // namespace qasim::dse
