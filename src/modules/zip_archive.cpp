#include "modules/zip_archive.hpp"

#include <zlib.h>

#include "core/error.hpp"

namespace drover {
namespace {

void put16(std::string& out, unsigned v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>((v >> 8) & 0xff));
}

void put32(std::string& out, unsigned long v) {
  put16(out, static_cast<unsigned>(v & 0xffff));
  put16(out, static_cast<unsigned>((v >> 16) & 0xffff));
}

// Raw deflate (no zlib header), as zip's method 8 stores it.
std::string deflate_raw(std::string_view data) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw Error("zip: deflateInit2 failed");
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw Error("zip: deflate failed");
  out.resize(zs.total_out);
  return out;
}

constexpr unsigned kDosDate = (0 << 9) | (1 << 5) | 1;  // 1980-01-01
constexpr unsigned kVersion = 20;                       // 2.0: deflate

}  // namespace

void ZipArchive::add(const std::string& name, std::string_view data) {
  std::string packed = deflate_raw(data);
  unsigned long crc = crc32(0L, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size()));
  size_t offset = body_.size();
  put32(body_, 0x04034b50);
  put16(body_, kVersion);
  put16(body_, 0);  // flags
  put16(body_, 8);  // deflate
  put16(body_, 0);  // time 00:00
  put16(body_, kDosDate);
  put32(body_, crc);
  put32(body_, packed.size());
  put32(body_, data.size());
  put16(body_, static_cast<unsigned>(name.size()));
  put16(body_, 0);  // extra
  body_ += name;
  body_ += packed;

  put32(central_, 0x02014b50);
  put16(central_, (3 << 8) | kVersion);  // made by unix
  put16(central_, kVersion);
  put16(central_, 0);
  put16(central_, 8);
  put16(central_, 0);
  put16(central_, kDosDate);
  put32(central_, crc);
  put32(central_, packed.size());
  put32(central_, data.size());
  put16(central_, static_cast<unsigned>(name.size()));
  put16(central_, 0);  // extra
  put16(central_, 0);  // comment
  put16(central_, 0);  // disk
  put16(central_, 0);  // internal attributes
  put32(central_, 0100644ul << 16);  // external: a regular file, rw-r--r--
  put32(central_, offset);
  central_ += name;
  ++count_;
}

std::string ZipArchive::finish() const {
  std::string out = body_ + central_;
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<unsigned>(count_));
  put16(out, static_cast<unsigned>(count_));
  put32(out, central_.size());
  put32(out, body_.size());
  put16(out, 0);
  return out;
}

}  // namespace drover
