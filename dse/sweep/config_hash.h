// Design points, accuracy results and sweeps are keyed by a hash of their canonical
// config text, so the same config always lands on the same row (resume, caches).
#pragma once

#include <string>

namespace qasim::dse {

// 64-bit FNV-1a of `text` as 16 lowercase hex digits. Not cryptographic: it names
// configs, it does not defend against anyone choosing collisions.
std::string config_hash(const std::string& text);

}  // namespace qasim::dse
