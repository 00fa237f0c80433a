// The models a sweep trains itself (the spec's `training:`): which precisions need one,
// the trainer request of each (the same config, and so the same cache entry, as the
// equivalent `qasim train` command), where the trained model lies, and SweepTrainer, which
// trains them in the sweep's parent process (rank 0 under MPI), once per precision
// assignment, before the first point that needs one starts. Workers only read the model
// from the cache: a point's model file follows from its config alone.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "dse/sweep/runner.h"
#include "dse/training/train_cached.h"

namespace qasim::dse {

// The workload's `trained` folder file of a precision (trained/LABEL.onnx), empty when the
// workload has no such folder.
std::string trained_folder_file(const Workload& workload, const PrecisionAssignment& precision);

// The trainer request for `precision` when the sweep trains it: a zoo workload with a
// `training:` recipe whose `trained` folder lacks the precision. Otherwise none.
std::optional<TrainRequest> sweep_training_request(const Workload& workload,
                                                   const PrecisionAssignment& precision);
// The trained model of a request: CACHE/HASH/model.onnx.
std::string sweep_trained_model(const Workload& workload, const TrainRequest& request);

// Gives the recipe its default cache folder when the spec names none: train-cache beside
// the result store.
void default_training_cache(Workload& workload, const std::string& db_path);

class SweepTrainer : public ModelPreparer {
 public:
  // `quiet`: the trainer's own progress is not shown (the one-line notes still are).
  SweepTrainer(const Workload& workload, bool quiet) : m_workload(workload), m_quiet(quiet) {}
  // Trains the point's model in a child process unless the cache has it (once per
  // precision assignment); "" when the point can run, else why not.
  std::string prepare(const DesignPoint& point) override;
  void annotate(const DesignPoint& point, AccuracyResult& accuracy) const override;
  // Models this SweepTrainer trained, and those it found in the trainer's cache.
  int trained() const { return m_trained; }
  int from_cache() const { return m_from_cache; }

 private:
  struct Made {
    std::string failure;  // empty: the model exists
    bool trained_now = false;
    bool reused = false;  // found in the cache
    std::string quant, file;
  };
  Made train_in_child(const TrainRequest& request, const std::string& label) const;

  Workload m_workload;
  bool m_quiet;
  std::map<std::string, Made> m_made;  // by training config hash
  int m_trained = 0, m_from_cache = 0;
};

}  // namespace qasim::dse
