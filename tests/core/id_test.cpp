#include "core/id.h"

#include <gtest/gtest.h>

#include <set>

namespace credo {
namespace {

TEST(IdTest, HasPrefixAndFixedLength) {
  const std::string id = NewId("mdl");
  ASSERT_EQ(id.size(), 4u + 26u);
  EXPECT_EQ(id.substr(0, 4), "mdl_");
}

TEST(IdTest, EncodesTimeFirstSoIdsSortByTime) {
  // The all-zero id and the first digit of time: 2^45 ms sets the top time bit of digit 1.
  EXPECT_EQ(MakeId("", 0, 0, 0), std::string(26, '0'));
  EXPECT_EQ(MakeId("", 0, 0, 31), std::string(25, '0') + "Z");
  EXPECT_LT(MakeId("x", 1000, 0xFFFF, ~0ULL), MakeId("x", 1001, 0, 0));
}

TEST(IdTest, NewIdsAreDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(NewId("d"));
  EXPECT_EQ(seen.size(), 10000u);
}

}  // namespace
}  // namespace credo
