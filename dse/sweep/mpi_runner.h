// Distributed sweeps through MPI: `mpirun -np N qasim sweep spec.yaml --db results.db`.
// Rank 0 is the dynamic work queue and the only writer of the result store; ranks
// 1..N-1 are workers, each evaluating one point at a time in a forked child (as the
// local runner does) and sending the result back. Built only when CMake finds MPI
// (QASIM_HAVE_MPI); otherwise mpi_built() is false and the sweep says so.
#pragma once

#include <memory>

#include "dse/sweep/runner.h"

namespace qasim::dse {

bool mpi_built();
// True when this process runs under mpirun/srun with more than one rank.
bool launched_by_mpi();

// MPI_Init on construction, MPI_Finalize on destruction.
class MpiWorld {
 public:
  MpiWorld();
  ~MpiWorld();
  MpiWorld(const MpiWorld&) = delete;
  MpiWorld& operator=(const MpiWorld&) = delete;
  int rank() const { return m_rank; }
  int size() const { return m_size; }
  // Ends every rank (a rank that cannot go on, e.g. the spec failed to parse on rank 0).
  [[noreturn]] void abort(int code) const;

 private:
  int m_rank = 0, m_size = 1;
};

// Rank 0: an executor whose workers are ranks 1..size-1. Its destructor tells them to stop.
std::unique_ptr<Executor> make_mpi_executor(const MpiWorld& world);
// Ranks > 0: evaluate what rank 0 sends until it says stop.
void serve_points(const MpiWorld& world, const EvalContext& context, int threads,
                  double timeout_seconds);

}  // namespace qasim::dse
