// qasim sweep: evaluates the design points of a sweep spec (grid, random or NSGA-II) on
// local worker processes or MPI ranks, storing each result in an SQLite result store as
// it finishes; --resume continues a sweep that was stopped (even by kill -9).
#include <fmt/format.h>

#include <algorithm>

#include "dse/cli_common.h"
#include "dse/commands.h"
#include "dse/model_loader.h"
#include "dse/search/strategy.h"
#include "dse/sweep/mpi_runner.h"
#include "dse/sweep/runner.h"
#include "dse/sweep/sweep_spec.h"
#include "dse/sweep/sweep_training.h"
#include "workloads/errors.h"

namespace qasim::dse {

namespace {

struct SweepOptions {
  std::string spec_path, db_path;
  int jobs = 1;
  int threads = 0;
  bool resume = false, retry_failed = false, quiet = false;
};

workloads::Dataset load_test_set(const Workload& w) {
  DatasetOptions d;
  d.spec = w.dataset;
  d.split = "test";
  return load_dataset(d);
}

// The shape-only graph (no weights, no calibration: nothing here may start OpenMP
// threads before the workers fork).
workloads::Graph shape_graph(const Workload& w, const workloads::Dataset& test) {
  ModelOptions o;
  o.spec = w.model;
  o.width = w.width;
  o.seed = w.seed;
  workloads::Graph g = load_model(o, false, &test);
  g.infer_shapes();
  return g;
}

// The shape graph, after checking that the spec's per-layer overrides name its layers
// (otherwise every point would fail the same way).
workloads::Graph checked_model(const SweepSpec& spec, const workloads::Dataset& test) {
  workloads::Graph g = shape_graph(spec.workload, test);
  for (const auto& [name, bits] : spec.base_precision.layers)
    if (g.find(name) < 0)
      throw workloads::InputError(
          spec.source, fmt::format("precision.layers: {} has no layer '{}' (see `qasim info {}`)",
                                   spec.workload.model, name, spec.workload.model));
  return g;
}

void print_summary(const RunSummary& s, const std::string& db, const Workload& w,
                   const SweepTrainer& trainer) {
  if (w.training)
    fmt::print("trainer: {} model(s) trained now, {} from its cache ({})\n", trainer.trained(),
               trainer.from_cache(), w.training->cache_dir);
  const int64_t ran = s.evaluated;
  fmt::print("evaluated {} point(s) ({} failed), {} already in the store; {:.1f} s", ran, s.failed,
             s.skipped, s.seconds);
  if (ran > 0 && s.seconds > 0) fmt::print(", {:.2f} points/s", ran / s.seconds);
  fmt::print("\nresults: {}  (qasim report {} --out DIR)\n", db, db);
}

int run_mpi(const SweepOptions& o) {
  if (!mpi_built())
    throw UsageError(
        "started by mpirun, but this qasim was built without MPI "
        "(install libopenmpi-dev and rebuild), or run it without mpirun");
  MpiWorld world;
  const int threads = o.threads;
  // Every rank reads the spec (the same file), so a bad spec fails on every rank alike.
  SweepSpec spec = parse_sweep_spec_file(o.spec_path, make_cost_evaluator() != nullptr);
  default_training_cache(spec.workload, o.db_path);
  const workloads::Dataset test = load_test_set(spec.workload);
  const WorkloadModels models;
  const std::unique_ptr<CostEvaluator> cost = make_cost_evaluator();
  const EvalContext context{spec.workload, &test, &models, cost.get()};
  if (world.rank() > 0) {
    serve_points(world, context, threads, spec.timeout_seconds);
    return kExitOk;
  }
  RunSummary summary;
  SweepTrainer trainer(spec.workload, o.quiet);
  {
    // The executor first: whatever fails after this point, its destructor releases the
    // worker ranks, so none waits forever for a point.
    const std::unique_ptr<Executor> executor = make_mpi_executor(world);
    ResultStore store(o.db_path, false);
    const std::unique_ptr<SearchStrategy> search = make_search(spec, checked_model(spec, test));
    fmt::print(stderr, "sweep over MPI: {} worker rank(s), {} thread(s) each\n",
               executor->capacity(), threads);
    summary =
        run_sweep(spec, *search, *executor, store,
                  {o.resume, o.retry_failed, o.quiet, spec.workload.training ? &trainer : nullptr});
  }
  print_summary(summary, o.db_path, spec.workload, trainer);
  return kExitOk;
}

}  // namespace

int cmd_sweep(const std::vector<std::string>& args) {
  SweepOptions o;
  po::options_description options("options");
  options.add_options()("spec", po::value(&o.spec_path), "the sweep spec (YAML)")(
      "db", po::value(&o.db_path)->default_value("results.db"),
      "the SQLite result store (created when missing)")(
      "jobs,j", po::value(&o.jobs)->default_value(1),
      "worker processes (one point each at a time); under mpirun the ranks are the workers")(
      "threads", po::value(&o.threads)->default_value(1),
      "kernel threads per worker; 1 (the default) runs points side by side instead, one per "
      "core with --jobs N: faster for sweeps, and immune to thread oversubscription")(
      "resume", po::bool_switch(&o.resume),
      "continue a sweep: points already in the store are skipped, not recomputed")(
      "retry-failed", po::bool_switch(&o.retry_failed),
      "with --resume: evaluate the stored failed points again")(
      "quiet,q", po::bool_switch(&o.quiet), "no progress bar");
  po::positional_options_description positional;
  positional.add("spec", 1);
  po::variables_map vm;
  if (!parse_args(args,
                  "usage: qasim sweep SPEC.yaml [--db results.db] [--jobs N] [--resume]\n"
                  "       mpirun -np N qasim sweep SPEC.yaml [--db results.db] [--resume]\n\n"
                  "Evaluates every design point of the spec (accelerator configuration x\n"
                  "precision) and stores each result as it finishes. See configs/sweeps/.",
                  options, positional, vm))
    return kExitOk;
  if (o.spec_path.empty()) throw UsageError("no sweep spec given (qasim sweep SPEC.yaml)");
  if (o.jobs < 1 || o.jobs > 1024) throw UsageError("--jobs must be in [1, 1024]");
  if (o.threads < 1 || o.threads > 1024) throw UsageError("--threads must be in [1, 1024]");
  if (o.retry_failed && !o.resume) throw UsageError("--retry-failed goes with --resume");
  if (launched_by_mpi()) return run_mpi(o);

  const std::unique_ptr<CostEvaluator> cost = make_cost_evaluator();
  SweepSpec spec = parse_sweep_spec_file(o.spec_path, cost != nullptr);
  default_training_cache(spec.workload, o.db_path);
  const workloads::Dataset test = load_test_set(spec.workload);
  ResultStore store(o.db_path, false);
  const std::unique_ptr<SearchStrategy> search = make_search(spec, checked_model(spec, test));
  const WorkloadModels models;
  const EvalContext context{spec.workload, &test, &models, cost.get()};
  LocalExecutor executor(context, o.jobs, o.threads, spec.timeout_seconds);
  if (!cost && !o.quiet)
    fmt::print(stderr, "note: energy and area are pending the cost model; points store none\n");
  SweepTrainer trainer(spec.workload, o.quiet);
  const RunSummary summary =
      run_sweep(spec, *search, executor, store,
                {o.resume, o.retry_failed, o.quiet, spec.workload.training ? &trainer : nullptr});
  print_summary(summary, o.db_path, spec.workload, trainer);
  return kExitOk;
}

}  // namespace qasim::dse
