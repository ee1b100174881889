// expr/value_json.h — JSON text straight to and from Values, for the paths
// that run once per decision (the request body in, the output, reasons and
// trace out) where building an nlohmann::json in between costs more than the
// decision itself.
//
// Both give exactly what the nlohmann route gives: ParseValueJson(text) is
// Value::FromJson(json::parse(text)) (keys sorted, the last of duplicate keys
// kept, the same numbers, the same error messages) and AppendValueJson
// writes the bytes of value.ToJson().dump(). The tests hold them to that.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"
#include "expr/value.h"

namespace credo::expr {

// Deepest nesting of arrays and objects ParseValueJson accepts: evaluation
// and destruction recurse into nested values, so a hostile body of a million
// brackets must fail here rather than exhaust the stack.
inline constexpr size_t kMaxJsonDepth = 512;

// Parses JSON text. Errors are kInvalidInput with nlohmann's message
// ("parse error at line 1, column 5: ...") or the depth limit's.
Result<Value> ParseValueJson(std::string_view text);

// Appends the JSON text of `value` to `out`. Strings must be valid UTF-8
// (as dump() requires; nlohmann's type_error is thrown otherwise).
void AppendValueJson(const Value& value, std::string& out);
std::string ValueJson(const Value& value);

// nlohmann's name for the JSON type of `value` ("boolean", "number", ...),
// as json::type_name() gives it; dates are strings in JSON.
const char* JsonTypeName(const Value& value);

}  // namespace credo::expr
