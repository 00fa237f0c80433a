#include "sim/byte_store.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace qasim::sim {

ByteStore::ByteStore(std::string name, uint64_t size_bytes)
    : m_name(std::move(name)),
      m_size(size_bytes),
      m_pages((size_bytes + kPageBytes - 1) / kPageBytes) {}

void ByteStore::check_range(uint64_t addr, uint64_t bytes) const {
  if (addr > m_size || bytes > m_size - addr)
    throw std::out_of_range(m_name + ": access [" + std::to_string(addr) + ", +" +
                            std::to_string(bytes) + ") is outside the " + std::to_string(m_size) +
                            " bytes");
}

void ByteStore::read(uint64_t addr, std::span<uint8_t> out) const {
  check_range(addr, out.size());
  size_t done = 0;
  while (done < out.size()) {
    const uint64_t a = addr + done;
    const uint64_t offset = a % kPageBytes;
    const size_t n =
        static_cast<size_t>(std::min<uint64_t>(kPageBytes - offset, out.size() - done));
    const auto& page = m_pages[a / kPageBytes];
    if (page)
      std::memcpy(out.data() + done, page.get() + offset, n);
    else
      std::memset(out.data() + done, 0, n);
    done += n;
  }
}

void ByteStore::write(uint64_t addr, std::span<const uint8_t> data) {
  check_range(addr, data.size());
  size_t done = 0;
  while (done < data.size()) {
    const uint64_t a = addr + done;
    const uint64_t offset = a % kPageBytes;
    const size_t n =
        static_cast<size_t>(std::min<uint64_t>(kPageBytes - offset, data.size() - done));
    auto& page = m_pages[a / kPageBytes];
    if (!page) page = std::make_unique<uint8_t[]>(kPageBytes);  // value-initialised: zeros
    std::memcpy(page.get() + offset, data.data() + done, n);
    done += n;
  }
}

}  // namespace qasim::sim
