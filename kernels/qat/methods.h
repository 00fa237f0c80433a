// Factories of the method families, one per file, that registry.cpp lists by name. Each
// factory checks the options only its method has (make_quantizer has checked the method,
// role and bit width against methods()).
#pragma once

#include <memory>

#include "kernels/qat/fake_quantizer.h"

namespace qasim::kernels::qat::detail {

std::unique_ptr<FakeQuantizer> make_fp(const QuantizerSpec& spec);             // registry.cpp
std::unique_ptr<FakeQuantizer> make_binaryconnect(const QuantizerSpec& spec);  // binary.cpp
std::unique_ptr<FakeQuantizer> make_bnn(const QuantizerSpec& spec);            // binary.cpp
std::unique_ptr<FakeQuantizer> make_xnor(const QuantizerSpec& spec);           // binary.cpp
std::unique_ptr<FakeQuantizer> make_twn(const QuantizerSpec& spec);            // ternary.cpp
std::unique_ptr<FakeQuantizer> make_ttq(const QuantizerSpec& spec);            // ternary.cpp
std::unique_ptr<FakeQuantizer> make_dorefa(const QuantizerSpec& spec);         // dorefa.cpp
std::unique_ptr<FakeQuantizer> make_hwgq(const QuantizerSpec& spec);           // hwgq.cpp
std::unique_ptr<FakeQuantizer> make_pact(const QuantizerSpec& spec);           // pact.cpp
std::unique_ptr<FakeQuantizer> make_lsq(const QuantizerSpec& spec);            // lsq.cpp
std::unique_ptr<FakeQuantizer> make_int(const QuantizerSpec& spec);            // int_only.cpp
std::unique_ptr<FakeQuantizer> make_fixed(const QuantizerSpec& spec);          // fixed_point.cpp

}  // namespace qasim::kernels::qat::detail
