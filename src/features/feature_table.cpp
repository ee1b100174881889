// BuildFeatureTable: JSONL documents -> CSV, on worker threads, rows in input order.
#include "features/feature_table.h"

#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "data/text_writer.h"

namespace credo::features {
namespace {

constexpr size_t kLinesPerChunk = 64;
constexpr size_t kReportedSkips = 20;

// Reads a file (plain or gzip) line by line; views are valid until the next call.
class LineReader {
 public:
  ~LineReader() {
    if (file_) gzclose(file_);
  }

  Status Open(const std::string& path) {
    path_ = path;
    file_ = gzopen(path.c_str(), "rb");
    if (!file_) return Status::NotFound("cannot open the documents file", path);
    gzbuffer(file_, 1 << 20);
    return Status::Ok();
  }

  // The next line without its "\n" / "\r\n"; false at the end.
  Result<bool> Next(std::string_view* line) {
    while (true) {
      const size_t newline = buffer_.find('\n', pos_);
      if (newline != std::string::npos || (eof_ && pos_ < buffer_.size())) {
        size_t end = newline == std::string::npos ? buffer_.size() : newline;
        const size_t start = pos_;
        pos_ = newline == std::string::npos ? buffer_.size() : newline + 1;
        if (end > start && buffer_[end - 1] == '\r') --end;
        *line = std::string_view(buffer_).substr(start, end - start);
        ++line_number_;
        return true;
      }
      if (eof_) return false;
      buffer_.erase(0, pos_);
      pos_ = 0;
      const size_t have = buffer_.size();
      buffer_.resize(have + (1 << 20));
      const int n = gzread(file_, buffer_.data() + have, 1 << 20);
      if (n < 0) {
        int code = 0;
        return Status::Io(std::string("read failed: ") + gzerror(file_, &code), path_);
      }
      buffer_.resize(have + static_cast<size_t>(n));
      if (n == 0) eof_ = true;
    }
  }

  size_t line_number() const { return line_number_; }

 private:
  std::string path_;
  gzFile file_ = nullptr;
  std::string buffer_;
  size_t pos_ = 0;
  bool eof_ = false;
  size_t line_number_ = 0;
};

bool IsBlank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

// Appends a CSV field, quoted when it holds a delimiter, quote or line break.
void AppendField(std::string& out, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += text;
    return;
  }
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void AppendNumber(std::string& out, double value) {
  if (std::isnan(value)) return;
  char buf[32];
  auto result = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, result.ptr);
}

// A kept field: text as is, numbers shortest, bools 1/0, anything else empty.
void AppendCell(std::string& out, const Cell* cell) {
  if (!cell) return;
  switch (cell->kind) {
    case CellKind::kString:
      AppendField(out, cell->text);
      break;
    case CellKind::kNumber:
      AppendNumber(out, cell->number);
      break;
    case CellKind::kTrue:
      out += '1';
      break;
    case CellKind::kFalse:
      out += '0';
      break;
    default:
      break;
  }
}

// A piece of the input: lines, then the rows computed from them.
struct Chunk {
  std::string text;
  std::vector<std::pair<size_t, std::string_view>> lines;  // line number, text (into `text`)
  std::string rows;
  std::vector<SkippedDocument> skipped;
  size_t documents = 0;
  bool done = false;
};

bool IsList(const DocumentSchema& schema, std::string_view name) {
  for (int list : schema.top_lists()) {
    if (schema.lists()[list].key == name) return true;
  }
  return false;
}

// The top-level scalar fields of the file (other than the plan's record lists), in order of first appearance,
// and the document count.
Result<std::pair<std::vector<std::string>, size_t>> ScanTopLevelFields(const std::string& path,
                                                                       const DocumentSchema& schema) {
  LineReader reader;
  CREDO_RETURN_IF_ERROR(reader.Open(path));
  const DocumentSchema no_lists;
  ParsedDocument doc;
  std::vector<std::string> fields;
  std::map<std::string, bool, std::less<>> seen;
  size_t documents = 0;
  std::string_view line;
  while (true) {
    CREDO_ASSIGN_OR_RETURN(bool more, reader.Next(&line));
    if (!more) break;
    if (IsBlank(line)) continue;
    ++documents;
    if (!ParseDocumentJson(no_lists, line, &doc).ok()) continue;  // reported by the build itself
    for (const auto& [name, cell] : doc.top) {
      if (cell.kind == CellKind::kOther || seen.count(name) || IsList(schema, name)) continue;
      seen.emplace(std::string(name), true);
      fields.emplace_back(name);
    }
  }
  return std::make_pair(std::move(fields), documents);
}

class TableBuilder {
 public:
  TableBuilder(const FeaturePlan& plan, const FeatureTableOptions& options, std::vector<std::string> keep)
      : plan_(plan), options_(options), keep_(std::move(keep)) {
    for (size_t i = 0; i < keep_.size(); ++i) keep_index_.emplace(keep_[i], i);
  }

  Result<FeatureTableReport> Run(size_t total) {
    LineReader reader;
    CREDO_RETURN_IF_ERROR(reader.Open(options_.documents));
    // Atomic: the table appears at options_.out only when Close() succeeds.
    CREDO_ASSIGN_OR_RETURN(std::unique_ptr<data::TextWriter> sink,
                           data::TextWriter::Open(options_.out, true));
    std::string header;
    for (const auto& name : keep_) {
      AppendField(header, name);
      header += ',';
    }
    for (const auto& f : plan_.features()) {
      AppendField(header, f.name);
      header += ',';
    }
    if (!header.empty()) header.back() = '\n';
    CREDO_RETURN_IF_ERROR(sink->Write(header));
    report_.columns = keep_.size() + plan_.size();

    const int threads = options_.threads > 0
                            ? options_.threads
                            : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) workers.emplace_back([this] { Work(); });
    const Status status = Pump(reader, *sink, total, static_cast<size_t>(threads) * 2 + 2);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    todo_cv_.notify_all();
    for (auto& w : workers) w.join();
    CREDO_RETURN_IF_ERROR(status);  // the unclosed writer removes its partial file
    if (report_.written == 0 && report_.skipped > 0) {
      return Status::Invalid("no document could be computed; the first: line " +
                             std::to_string(report_.first_skipped[0].line) + ": " +
                             report_.first_skipped[0].reason.ToString());
    }
    CREDO_RETURN_IF_ERROR(sink->Close());
    std::vector<std::pair<std::string, size_t>> reasons(reasons_.begin(), reasons_.end());
    std::stable_sort(reasons.begin(), reasons.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    report_.skip_reasons = std::move(reasons);
    return report_;
  }

 private:
  // Reads chunks, hands them to the workers and writes finished ones in order.
  Status Pump(LineReader& reader, data::TextWriter& sink, size_t total, size_t max_in_flight) {
    std::deque<std::unique_ptr<Chunk>> in_flight;  // in input order
    bool eof = false;
    while (true) {
      while (!eof && in_flight.size() < max_in_flight) {
        auto chunk = std::make_unique<Chunk>();
        std::vector<std::pair<size_t, size_t>> spans;  // line number, offset into chunk->text
        std::string_view line;
        while (spans.size() < kLinesPerChunk) {
          CREDO_ASSIGN_OR_RETURN(bool more, reader.Next(&line));
          if (!more) {
            eof = true;
            break;
          }
          if (IsBlank(line)) continue;
          spans.emplace_back(reader.line_number(), chunk->text.size());
          chunk->text.append(line);
          chunk->text += '\n';
        }
        if (spans.empty()) break;
        for (size_t i = 0; i < spans.size(); ++i) {
          const size_t end = (i + 1 < spans.size() ? spans[i + 1].second : chunk->text.size()) - 1;
          chunk->lines.emplace_back(
              spans[i].first, std::string_view(chunk->text).substr(spans[i].second, end - spans[i].second));
        }
        {
          std::lock_guard<std::mutex> lock(mutex_);
          todo_.push_back(chunk.get());
        }
        todo_cv_.notify_one();
        in_flight.push_back(std::move(chunk));
      }
      if (in_flight.empty()) return Status::Ok();
      {
        std::unique_lock<std::mutex> lock(mutex_);
        done_cv_.wait(lock, [&] { return in_flight.front()->done; });
      }
      Chunk& chunk = *in_flight.front();
      CREDO_RETURN_IF_ERROR(sink.Write(chunk.rows));
      report_.documents += chunk.documents;
      report_.written += chunk.documents - chunk.skipped.size();
      report_.skipped += chunk.skipped.size();
      for (auto& s : chunk.skipped) {
        ++reasons_[s.reason.message()];
        if (report_.first_skipped.size() < kReportedSkips) report_.first_skipped.push_back(std::move(s));
      }
      in_flight.pop_front();
      if (options_.progress) options_.progress({report_.documents, total, report_.skipped});
    }
  }

  void Work() {
    FeatureWorkspace workspace;
    std::vector<double> values(plan_.size());
    while (true) {
      Chunk* chunk = nullptr;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        todo_cv_.wait(lock, [&] { return stop_ || !todo_.empty(); });
        if (todo_.empty()) return;
        chunk = todo_.front();
        todo_.pop_front();
      }
      Compute(*chunk, workspace, values);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        chunk->done = true;
      }
      done_cv_.notify_all();
    }
  }

  void Compute(Chunk& chunk, FeatureWorkspace& workspace, std::vector<double>& values) {
    // Rows of features run to tens of kilobytes: reserve what the last chunk's rows took.
    chunk.rows.reserve(chunk.lines.size() * row_bytes.load(std::memory_order_relaxed) * 9 / 8);
    std::vector<const Cell*> kept;
    for (const auto& [line_number, line] : chunk.lines) {
      ++chunk.documents;
      const Status status = plan_.ComputeJson(line, std::nullopt, workspace, values);
      if (!status.ok()) {
        chunk.skipped.push_back({line_number, status});
        continue;
      }
      // The kept fields by position (a member given twice: the last counts).
      kept.assign(keep_.size(), nullptr);
      for (const auto& [name, cell] : workspace.document().top) {
        if (auto it = keep_index_.find(name); it != keep_index_.end()) kept[it->second] = &cell;
      }
      for (const Cell* cell : kept) {
        AppendCell(chunk.rows, cell);
        chunk.rows += ',';
      }
      for (double v : values) {
        AppendNumber(chunk.rows, v);
        chunk.rows += ',';
      }
      chunk.rows.back() = '\n';
    }
    if (!chunk.lines.empty())
      row_bytes.store(chunk.rows.size() / chunk.lines.size() + 1, std::memory_order_relaxed);
  }

  const FeaturePlan& plan_;
  const FeatureTableOptions& options_;
  const std::vector<std::string> keep_;
  std::unordered_map<std::string_view, size_t> keep_index_;  // views into keep_
  std::atomic<size_t> row_bytes{64};                         // bytes of a row, as last seen
  FeatureTableReport report_;
  std::map<std::string, size_t> reasons_;

  std::mutex mutex_;
  std::condition_variable todo_cv_, done_cv_;
  std::deque<Chunk*> todo_;
  bool stop_ = false;
};

}  // namespace

Result<FeatureTableReport> BuildFeatureTable(const FeaturePlan& plan, const FeatureTableOptions& options) {
  std::vector<std::string> keep = options.keep_fields;
  size_t total = 0;
  if (options.keep_all) {
    CREDO_ASSIGN_OR_RETURN(auto scanned, ScanTopLevelFields(options.documents, plan.schema()));
    keep = std::move(scanned.first);
    total = scanned.second;
  }
  for (const auto& name : keep) {
    for (const auto& f : plan.features()) {
      if (f.name == name) return Status::Invalid("the kept field '" + name + "' has the name of a feature");
    }
  }
  return TableBuilder(plan, options, std::move(keep)).Run(total);
}

}  // namespace credo::features
