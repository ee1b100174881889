// IsValidUtf8 on well-formed text and on the malformed cases of RFC 3629.
#include "core/utf8.h"

#include <gtest/gtest.h>

namespace credo {
namespace {

TEST(Utf8Test, AcceptsWellFormedAndRejectsMalformedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ASCII"));
  EXPECT_TRUE(
      IsValidUtf8("Zo\xc3\xab \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80"));  // 2-, 3- and 4-byte forms
  EXPECT_FALSE(IsValidUtf8("caf\xe9"));                                      // Latin-1
  EXPECT_FALSE(IsValidUtf8("\xc3"));                                         // cut short
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));                                     // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));                                 // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));                             // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\x80"));                                         // a lone continuation
}

}  // namespace
}  // namespace credo
