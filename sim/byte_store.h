// The functional contents of a memory: bytes that really flow through the models. Pages are
// allocated on first write, so a DRAM of gigabytes costs only what is touched; bytes never
// written read as zero.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace qasim::sim {

class ByteStore {
 public:
  // `name` appears in out-of-range errors.
  ByteStore(std::string name, uint64_t size_bytes);
  uint64_t size() const { return m_size; }
  // std::out_of_range when [addr, addr + n) is outside the store.
  void read(uint64_t addr, std::span<uint8_t> out) const;
  void write(uint64_t addr, std::span<const uint8_t> data);
  void check_range(uint64_t addr, uint64_t bytes) const;

 private:
  static constexpr uint64_t kPageBytes = 64 * 1024;
  std::string m_name;
  uint64_t m_size;
  std::vector<std::unique_ptr<uint8_t[]>> m_pages;
};

}  // namespace qasim::sim
