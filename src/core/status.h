// core/status.h — the one error type of Credo.
//
// Every function that can fail on input returns a Status (or a Result<T>,
// which is a value or a Status). The message names the place of the fault:
// file:line:column for data, the JSON path or field for requests, the node
// and cell for strategies. Programmer errors are assertions, not Statuses.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace credo {

// What kind of failure a Status carries. The CLI maps kUsage to exit code 1
// and every input/data fault to exit code 2; the HTTP layer maps them to
// 400/404/409/422/500.
enum class ErrorCode {
  kOk = 0,
  kUsage,         // the call itself is wrong (missing flag, unknown option)
  kInvalidInput,  // the data or document is malformed or violates a rule
  kNotFound,      // a named file, column, model or record does not exist
  kConflict,      // the request contradicts stored state
  kIo,            // the operating system refused a read or write
  kInternal,      // a bug or a library failure we did not expect
};

// Short lower-case name of a code ("invalid_input"), used in JSON errors.
const char* ErrorCodeName(ErrorCode code);

// Success, or a code with a message naming where the fault is.
// Cheap to copy on success (an empty string); compare with ok().
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message, std::string path = {})
      : code_(code), message_(std::move(message)), path_(std::move(path)) {}

  static Status Ok() { return {}; }
  static Status Usage(std::string m) { return {ErrorCode::kUsage, std::move(m)}; }
  static Status Invalid(std::string m, std::string path = {}) {
    return {ErrorCode::kInvalidInput, std::move(m), std::move(path)};
  }
  static Status NotFound(std::string m, std::string path = {}) {
    return {ErrorCode::kNotFound, std::move(m), std::move(path)};
  }
  static Status Io(std::string m, std::string path = {}) {
    return {ErrorCode::kIo, std::move(m), std::move(path)};
  }
  static Status Internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // Where the fault is: "file.csv:12:3", "$.applicant.age", "node 'grade' cell 4".
  const std::string& path() const { return path_; }

  // "path: message", or just the message when there is no path.
  std::string ToString() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
  std::string path_;
};

// A value of type T, or the Status that explains why there is none.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Status status) : v_(std::move(status)) { assert(!std::get<Status>(v_).ok()); }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace credo

// Returns early from the enclosing function if `expr` (a Status) failed.
#define CREDO_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::credo::Status credo_status_ = (expr);        \
    if (!credo_status_.ok()) return credo_status_; \
  } while (0)

#define CREDO_CONCAT_INNER_(a, b) a##b
#define CREDO_CONCAT_(a, b) CREDO_CONCAT_INNER_(a, b)
// NOLINTBEGIN(bugprone-macro-parentheses): `lhs` is a declaration, it cannot be parenthesised.
// `CREDO_ASSIGN_OR_RETURN(auto x, MakeX());` binds the value or returns the Status.
#define CREDO_ASSIGN_OR_RETURN(lhs, expr)                                                                   \
  auto CREDO_CONCAT_(credo_result_, __LINE__) = (expr);                                                     \
  if (!CREDO_CONCAT_(credo_result_, __LINE__).ok()) return CREDO_CONCAT_(credo_result_, __LINE__).status(); \
  lhs = std::move(CREDO_CONCAT_(credo_result_, __LINE__)).value()
// NOLINTEND(bugprone-macro-parentheses)
