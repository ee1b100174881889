#include "data/text_writer.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace credo::data {
namespace {

// Text gathered before one call into zlib.
constexpr size_t kBlockBytes = size_t{1} << 20;
// zlib's own input/output buffer.
constexpr unsigned kZlibBufferBytes = 1u << 17;

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

// Plain files go through zlib too, in its transparent ("T") mode.
class TextWriter::Impl {
 public:
  Impl(std::string path, std::string file_path, gzFile file)
      : path_(std::move(path)), file_path_(std::move(file_path)), file_(file) {
    pending_.reserve(kBlockBytes + kBlockBytes / 4);
  }
  ~Impl() {
    if (file_ == nullptr) return;
    gzclose(file_);
    if (file_path_ != path_) {
      std::error_code ignored;
      std::filesystem::remove(file_path_, ignored);
    }
  }

  Status Write(std::string_view text) {
    if (file_ == nullptr) return Status::Usage(path_ + ": write after Close()");
    if (pending_.empty() && text.size() >= kBlockBytes) return WriteToZlib(text);  // no copy
    pending_ += text;
    return pending_.size() >= kBlockBytes ? Flush() : Status::Ok();
  }

  Status Close() {
    if (file_ == nullptr) return Status::Ok();
    Status flushed = Flush();
    const int closed = gzclose(file_);
    file_ = nullptr;
    if (flushed.ok() && closed != Z_OK) flushed = Status::Io("closing the file failed", file_path_);
    if (file_path_ == path_) return flushed;
    std::error_code ec;
    if (flushed.ok()) {
      std::filesystem::rename(file_path_, path_, ec);
      if (!ec) return Status::Ok();
      flushed = Status::Io("cannot move " + file_path_ + " into place: " + ec.message(), path_);
    }
    std::filesystem::remove(file_path_, ec);
    return flushed;
  }

  const std::string& path() const { return path_; }

 private:
  Status Flush() {
    if (pending_.empty()) return Status::Ok();
    CREDO_RETURN_IF_ERROR(WriteToZlib(pending_));
    pending_.clear();
    return Status::Ok();
  }

  Status WriteToZlib(std::string_view text) {
    while (!text.empty()) {
      const auto size = static_cast<unsigned>(std::min<size_t>(text.size(), 1u << 30));
      const int written = gzwrite(file_, text.data(), size);
      if (written != static_cast<int>(size)) {
        int zlib_error = Z_OK;
        return Status::Io(std::string("write failed: ") + gzerror(file_, &zlib_error), file_path_);
      }
      text.remove_prefix(size);
    }
    return Status::Ok();
  }

  std::string path_;       // where the text ends up
  std::string file_path_;  // where it is written: path_, or path_ + ".partial"
  gzFile file_;
  std::string pending_;
};

TextWriter::TextWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TextWriter::~TextWriter() = default;

Result<std::unique_ptr<TextWriter>> TextWriter::Open(const std::string& path, bool atomic) {
  const std::string file_path = atomic ? path + ".partial" : path;
  errno = 0;
  gzFile file = gzopen(file_path.c_str(), EndsWith(path, ".gz") ? "wb6" : "wbT");
  if (file == nullptr) {
    const int error = errno;
    std::string message = std::string("cannot open for writing: ") + std::strerror(error);
    return error == ENOENT ? Status::NotFound(std::move(message), file_path)
                           : Status::Io(std::move(message), file_path);
  }
  gzbuffer(file, kZlibBufferBytes);
  return std::unique_ptr<TextWriter>(new TextWriter(std::make_unique<Impl>(path, file_path, file)));
}

Status TextWriter::Write(std::string_view text) { return impl_->Write(text); }
Status TextWriter::Close() { return impl_->Close(); }
const std::string& TextWriter::path() const { return impl_->path(); }

}  // namespace credo::data
