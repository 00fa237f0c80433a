// qasim train: quantization-aware training of a zoo (or imported) network on a dataset,
// exporting the integer model as ONNX with its golden integer accuracy.
#include "dse/cli_common.h"
#include "dse/commands.h"
#include "dse/train_run.h"

namespace qasim::dse {

namespace {

constexpr const char* kUsage =
    "usage: qasim train --model zoo:NAME --dataset DATA --quant SPEC --out DIR [options]\n\n"
    "Trains the network with fake quantization, exports the integer model (BatchNorm folded)\n"
    "as DIR/model.onnx and reports its accuracy measured by the golden integer reference\n"
    "beside the fake-quant float accuracy. Writes DIR/curve.csv, DIR/curve.svg (learning\n"
    "curve), DIR/checkpoint.bin (each epoch; --resume continues it) and DIR/summary.json.\n\n"
    "--quant SPEC:\n"
    "  fp                      float training; the export is an 8-bit post-training\n"
    "                          quantization (per-channel weights, EMA activation ranges)\n"
    "  METHOD:wNaM             one method for weights (N bits) and activations (M bits),\n"
    "                          e.g. dorefa:w2a2, lsq:w4a4\n"
    "  WMETHOD:wN+AMETHOD:aM   different methods, e.g. twn:w2+pact:a8, xnor:w1+bnn:a1\n"
    "  ...+GMETHOD:gK          also quantize the gradients into each conv/fc (dorefa:g8)\n"
    "  methods: those of kernels/qat (binaryconnect, bnn, xnor, twn, ttq, dorefa, hwgq,\n"
    "  pact, lsq, int, fixed, ...) plus the trainer's minmax (weights, per channel) and\n"
    "  ema (activations, EMA range). Outputs without a ReLU (residual branches before the\n"
    "  add, logits) and pooled averages are kept at 8 bits (signed, EMA range).";

}  // namespace

int cmd_train(const std::vector<std::string>& args) {
  TrainOptions o;
  po::options_description options("options");
  add_train_options(options, o);
  po::variables_map vm;
  if (!parse_args(args, kUsage, options, {}, vm)) return kExitOk;
  return run_training(o);
}

}  // namespace qasim::dse
