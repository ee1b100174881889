#include "data/csv.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstring>

#include "data/text_writer.h"

namespace credo::data {
namespace {

// Bytes asked of zlib (or copied from memory) per read; records never need to
// fit in one chunk, the buffer grows for longer ones.
constexpr size_t kChunkBytes = size_t{1} << 20;
// zlib's own input/output buffer.
constexpr unsigned kZlibBufferBytes = 1u << 17;

Status CheckDelimiter(char delimiter, const std::string& source) {
  if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || delimiter == '\0') {
    return Status::Usage(source + ": a CSV delimiter cannot be a quote, a line break or NUL");
  }
  return Status::Ok();
}

Status OpenError(const std::string& path, const char* doing) {
  const int error = errno;
  std::string message = std::string("cannot open for ") + doing + ": " + std::strerror(error);
  return error == ENOENT ? Status::NotFound(std::move(message), path) : Status::Io(std::move(message), path);
}

size_t CountNewlines(const char* begin, const char* end) { return std::count(begin, end, '\n'); }

}  // namespace

// The reader keeps one growing buffer. A record is scanned from `begin_`;
// when the scan runs out of buffered bytes it reads another chunk (moving the
// unfinished record to the front) and scans the record again from its start,
// so field positions are only turned into views once the record is complete.
// Doubled quotes are unescaped in place: the unescaped text is never longer.
class CsvReader::Impl {
 public:
  Impl(std::string source, gzFile file, std::string_view text)
      : source_(std::move(source)), file_(file), text_(text) {}
  ~Impl() {
    if (file_ != nullptr) gzclose(file_);
  }

  // Reads the first chunk, skips a UTF-8 BOM and settles the delimiter.
  Status Start(char delimiter);
  Result<bool> Next(std::vector<std::string_view>* fields);

  size_t line() const { return line_; }
  char delimiter() const { return delimiter_; }
  const std::string& source() const { return source_; }

 private:
  // A field's bytes in the buffer; `doubled_quotes` says it needs unescaping.
  struct FieldSpan {
    size_t begin;
    size_t end;
    bool doubled_quotes;
  };
  enum class ScanState { kRecord, kNeedMore, kEndOfInput };
  struct Scan {
    ScanState state;
    size_t content_end = 0;  // where the line break (or input) ends the record
    size_t record_end = 0;   // just past the line break
    size_t newlines = 0;     // lines the record spans, counting its line break
  };

  Result<Scan> ScanRecord();
  // Makes room, keeping [begin_, end_), and reads one more chunk.
  Status Fill();
  Result<char> DetectDelimiter();
  void SetDelimiter(char delimiter);
  Status Unterminated(size_t quote) const;
  Status JunkAfterQuote(size_t at, size_t field_number) const;

  std::string source_;
  gzFile file_;            // null when reading `text_`
  std::string_view text_;  // the rest of the in-memory input
  std::unique_ptr<char[]> buffer_;
  size_t capacity_ = 0;
  size_t begin_ = 0;  // start of the next record
  size_t end_ = 0;    // end of the buffered bytes
  bool eof_ = false;
  char delimiter_ = ',';
  std::array<bool, 256> ends_field_{};  // delimiter, '\n', '\r'
  size_t line_ = 0;
  size_t next_line_ = 1;
  std::vector<FieldSpan> spans_;
};

Status CsvReader::Impl::Fill() {
  if (begin_ > 0) {
    std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  // A record longer than a chunk is read in growing steps, so that scanning
  // it again after each read stays linear in its length.
  const size_t want = std::min<size_t>(std::max(kChunkBytes, end_), INT_MAX / 2);
  if (capacity_ - end_ < want) {
    const size_t capacity = std::max(capacity_ * 2, end_ + want);
    auto bigger = std::make_unique<char[]>(capacity);
    std::memcpy(bigger.get(), buffer_.get(), end_);
    buffer_ = std::move(bigger);
    capacity_ = capacity;
  }
  size_t got = 0;
  if (file_ != nullptr) {
    const int n = gzread(file_, buffer_.get() + end_, static_cast<unsigned>(want));
    int zlib_error = Z_OK;
    const char* zlib_message = gzerror(file_, &zlib_error);
    if (n < 0 || (zlib_error != Z_OK && zlib_error != Z_STREAM_END)) {
      return Status::Io(std::string("read failed: ") +
                            (zlib_error == Z_BUF_ERROR ? "the compressed data is truncated" : zlib_message),
                        source_);
    }
    got = static_cast<size_t>(n);
  } else {
    got = std::min(want, text_.size());
    std::memcpy(buffer_.get() + end_, text_.data(), got);
    text_.remove_prefix(got);
  }
  end_ += got;
  eof_ = got == 0;
  return Status::Ok();
}

Status CsvReader::Impl::Start(char delimiter) {
  CREDO_RETURN_IF_ERROR(Fill());
  if (end_ - begin_ >= 3 && std::memcmp(buffer_.get() + begin_, "\xEF\xBB\xBF", 3) == 0) begin_ += 3;
  if (delimiter == 0) {
    CREDO_ASSIGN_OR_RETURN(delimiter, DetectDelimiter());
  }
  SetDelimiter(delimiter);
  return Status::Ok();
}

void CsvReader::Impl::SetDelimiter(char delimiter) {
  delimiter_ = delimiter;
  ends_field_.fill(false);
  ends_field_[static_cast<unsigned char>(delimiter)] = true;
  ends_field_['\n'] = true;
  ends_field_['\r'] = true;
}

// The most frequent of ',', ';' and '\t' outside quotes on the first line
// (ties in that order); ',' when the line has none of them.
Result<char> CsvReader::Impl::DetectDelimiter() {
  constexpr std::array<char, 3> kCandidates = {',', ';', '\t'};
  for (;;) {
    std::array<size_t, 3> counts{};
    bool in_quotes = false;
    bool line_complete = false;
    for (size_t p = begin_; p < end_ && !line_complete; ++p) {
      const char c = buffer_[p];
      if (c == '"') {
        in_quotes = !in_quotes;
      } else if (!in_quotes) {
        if (c == '\n' || c == '\r') line_complete = true;
        for (size_t k = 0; k < kCandidates.size(); ++k) counts[k] += c == kCandidates[k];
      }
    }
    if (line_complete || eof_) {
      const size_t best = std::max_element(counts.begin(), counts.end()) - counts.begin();
      return counts[best] > 0 ? kCandidates[best] : ',';
    }
    CREDO_RETURN_IF_ERROR(Fill());
  }
}

Status CsvReader::Impl::Unterminated(size_t quote) const {
  const size_t line = next_line_ + CountNewlines(buffer_.get() + begin_, buffer_.get() + quote);
  return Status::Invalid("unterminated quoted field: the quote opened on this line is never closed",
                         source_ + ":" + std::to_string(line));
}

Status CsvReader::Impl::JunkAfterQuote(size_t at, size_t field_number) const {
  const size_t line = next_line_ + CountNewlines(buffer_.get() + begin_, buffer_.get() + at);
  return Status::Invalid(std::string("unexpected character '") + buffer_[at] +
                             "' after the closing quote of field " + std::to_string(field_number) +
                             " (a quote inside a quoted field is written twice)",
                         source_ + ":" + std::to_string(line) + ":" + std::to_string(field_number));
}

Result<CsvReader::Impl::Scan> CsvReader::Impl::ScanRecord() {
  spans_.clear();
  if (begin_ == end_) return Scan{eof_ ? ScanState::kEndOfInput : ScanState::kNeedMore};
  const char* buf = buffer_.get();
  size_t newlines = 0;
  size_t p = begin_;
  for (;;) {
    if (p < end_ && buf[p] == '"') {
      const size_t content = p + 1;
      size_t q = content;
      bool doubled_quotes = false;
      for (;;) {
        const void* hit = q < end_ ? std::memchr(buf + q, '"', end_ - q) : nullptr;
        if (hit == nullptr) {
          if (eof_) return Unterminated(p);
          return Scan{ScanState::kNeedMore};
        }
        const size_t quote = static_cast<const char*>(hit) - buf;
        if (quote + 1 == end_ && !eof_) return Scan{ScanState::kNeedMore};
        if (quote + 1 < end_ && buf[quote + 1] == '"') {
          doubled_quotes = true;
          q = quote + 2;
          continue;
        }
        newlines += CountNewlines(buf + content, buf + quote);
        spans_.push_back({content, quote, doubled_quotes});
        p = quote + 1;
        break;
      }
      if (p < end_ && buf[p] != delimiter_ && buf[p] != '\n' && buf[p] != '\r') {
        return JunkAfterQuote(p, spans_.size());
      }
    } else {
      size_t q = p;
      while (q < end_ && !ends_field_[static_cast<unsigned char>(buf[q])]) ++q;
      if (q == end_ && !eof_) return Scan{ScanState::kNeedMore};
      spans_.push_back({p, q, false});
      p = q;
    }
    // `p` is now at the delimiter, a line break, or the end of the input.
    if (p == end_) return Scan{ScanState::kRecord, p, p, newlines + 1};
    if (buf[p] == delimiter_) {
      ++p;
      continue;
    }
    if (buf[p] == '\r') {
      if (p + 1 == end_ && !eof_) return Scan{ScanState::kNeedMore};
      const size_t after = p + 1 < end_ && buf[p + 1] == '\n' ? p + 2 : p + 1;
      return Scan{ScanState::kRecord, p, after, newlines + 1};
    }
    return Scan{ScanState::kRecord, p, p + 1, newlines + 1};
  }
}

Result<bool> CsvReader::Impl::Next(std::vector<std::string_view>* fields) {
  for (;;) {
    CREDO_ASSIGN_OR_RETURN(const Scan scan, ScanRecord());
    if (scan.state == ScanState::kEndOfInput) return false;
    if (scan.state == ScanState::kNeedMore) {
      CREDO_RETURN_IF_ERROR(Fill());
      continue;
    }
    const bool blank_line = scan.content_end == begin_;
    line_ = next_line_;
    next_line_ += scan.newlines;
    begin_ = scan.record_end;
    if (blank_line) continue;
    fields->clear();
    char* buf = buffer_.get();
    for (const FieldSpan& span : spans_) {
      size_t end = span.end;
      if (span.doubled_quotes) {
        size_t out = span.begin;
        for (size_t in = span.begin; in < span.end; ++in, ++out) {
          buf[out] = buf[in];
          if (buf[in] == '"') ++in;  // the second quote of a pair
        }
        end = out;
      }
      fields->emplace_back(buf + span.begin, end - span.begin);
    }
    return true;
  }
}

CsvReader::CsvReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CsvReader::~CsvReader() = default;

Result<std::unique_ptr<CsvReader>> CsvReader::Open(const std::string& path, char delimiter) {
  CREDO_RETURN_IF_ERROR(CheckDelimiter(delimiter == 0 ? ',' : delimiter, path));
  errno = 0;
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return OpenError(path, "reading");
  gzbuffer(file, kZlibBufferBytes);
  auto impl = std::make_unique<Impl>(path, file, std::string_view());
  CREDO_RETURN_IF_ERROR(impl->Start(delimiter));
  return std::unique_ptr<CsvReader>(new CsvReader(std::move(impl)));
}

Result<std::unique_ptr<CsvReader>> CsvReader::FromText(std::string_view text, const std::string& source,
                                                       char delimiter) {
  CREDO_RETURN_IF_ERROR(CheckDelimiter(delimiter == 0 ? ',' : delimiter, source));
  auto impl = std::make_unique<Impl>(source, nullptr, text);
  CREDO_RETURN_IF_ERROR(impl->Start(delimiter));
  return std::unique_ptr<CsvReader>(new CsvReader(std::move(impl)));
}

Result<bool> CsvReader::Next(std::vector<std::string_view>* fields) { return impl_->Next(fields); }
size_t CsvReader::line() const { return impl_->line(); }
char CsvReader::delimiter() const { return impl_->delimiter(); }
const std::string& CsvReader::source() const { return impl_->source(); }

// Rows are gathered in `pending_` and handed to the TextWriter a large block at a time.
class CsvWriter::Impl {
 public:
  Impl(std::unique_ptr<TextWriter> file, char delimiter)
      : file_(std::move(file)), delimiter_(delimiter), quote_triggers_{delimiter, '"', '\n', '\r'} {
    pending_.reserve(kChunkBytes + kChunkBytes / 4);
  }
  ~Impl() { (void)Close(); }

  template <class Fields>
  Status WriteRow(const Fields& fields) {
    if (closed_) return Status::Usage(file_->path() + ": write after Close()");
    // A lone empty field is quoted so that the row is not a blank line.
    if (fields.size() == 1 && std::string_view(fields[0]).empty()) {
      pending_ += "\"\"";
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) pending_ += delimiter_;
      Append(fields[i]);
    }
    pending_ += '\n';
    return pending_.size() >= kChunkBytes ? Flush() : Status::Ok();
  }

  Status Close() {
    if (closed_) return Status::Ok();
    closed_ = true;
    Status flushed = Flush();
    Status closed = file_->Close();
    CREDO_RETURN_IF_ERROR(flushed);
    return closed;
  }

 private:
  void Append(std::string_view field) {
    const bool needs_quotes = field.find_first_of(quote_triggers_) != std::string_view::npos;
    if (!needs_quotes) {
      pending_ += field;
      return;
    }
    pending_ += '"';
    for (char c : field) {
      if (c == '"') pending_ += '"';
      pending_ += c;
    }
    pending_ += '"';
  }

  Status Flush() {
    if (pending_.empty()) return Status::Ok();
    CREDO_RETURN_IF_ERROR(file_->Write(pending_));
    pending_.clear();
    return Status::Ok();
  }

  std::unique_ptr<TextWriter> file_;
  char delimiter_;
  std::string quote_triggers_;  // characters that make a field need quotes
  std::string pending_;
  bool closed_ = false;
};

CsvWriter::CsvWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CsvWriter::~CsvWriter() = default;

Result<std::unique_ptr<CsvWriter>> CsvWriter::Open(const std::string& path, char delimiter) {
  CREDO_RETURN_IF_ERROR(CheckDelimiter(delimiter, path));
  CREDO_ASSIGN_OR_RETURN(std::unique_ptr<TextWriter> file, TextWriter::Open(path));
  return std::unique_ptr<CsvWriter>(new CsvWriter(std::make_unique<Impl>(std::move(file), delimiter)));
}

Status CsvWriter::WriteRow(const std::vector<std::string_view>& fields) { return impl_->WriteRow(fields); }
Status CsvWriter::WriteRow(const std::vector<std::string>& fields) { return impl_->WriteRow(fields); }
Status CsvWriter::Close() { return impl_->Close(); }

}  // namespace credo::data
