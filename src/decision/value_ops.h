// decision/value_ops.h — how JDM nodes combine the values they pass along.
//
// A node's input is the merge of its parents' outputs, and a pass-through
// node's output is its input merged with what it computed. These functions
// give that merge and the dot-path insert exactly as ZEN defines them, on
// expr::Value (immutable and shared: they copy only the objects on the path
// they change).
#pragma once

#include <string_view>

#include "expr/value.h"

namespace credo::decision {

// ZEN's merge of `patch` into `doc`. Objects merge member by member,
// recursively; a null member of the patch removes that member; any other
// value replaces. At the top level an array patch replaces `doc` whole and a
// scalar or null patch changes nothing.
expr::Value Merge(const expr::Value& doc, const expr::Value& patch);

// Sets the member at dot-separated `path` ("limit.amount_fen") of `object`
// to `value`, creating objects on the way. Returns false and changes nothing
// when a member on the way exists but is not an object.
bool DotInsert(expr::Object& object, std::string_view path, expr::Value value);

// `value` without its top-level member `key` (unchanged when it has none).
expr::Value WithoutMember(const expr::Value& value, std::string_view key);

}  // namespace credo::decision
