// PortableExp/PortableLog against the C library (a second implementation)
// and published constants.
#include "population/portable_math.h"

#include <gtest/gtest.h>

#include <cmath>

#include "population/row_random.h"

namespace credo::population {
namespace {

TEST(PortableMathTest, ExactAndPublishedValues) {
  EXPECT_EQ(PortableExp(0.0), 1.0);
  EXPECT_EQ(PortableLog(1.0), 0.0);
  EXPECT_DOUBLE_EQ(PortableLog(2.0), 0.69314718055994531);  // ln 2 (OEIS A002162)
  EXPECT_DOUBLE_EQ(PortableExp(1.0), 2.7182818284590452);   // e (OEIS A001113)
  EXPECT_DOUBLE_EQ(PortableLog(10.0), 2.3025850929940457);  // ln 10 (OEIS A002392)
  EXPECT_EQ(Logistic(0.0), 0.5);
  EXPECT_EQ(PortableExp(-1000.0), 0.0);
  EXPECT_TRUE(std::isinf(PortableExp(1000.0)));
}

// Within 2 ulp of glibc's correctly rounded exp/log over the whole range the generator uses and beyond.
TEST(PortableMathTest, AgreesWithTheCLibraryToTwoUlp) {
  RowRandom rng(1, 0, RowStream::kApplicant);
  for (int i = 0; i < 100000; ++i) {
    const double x = (rng.Uniform() - 0.5) * 1400;  // -700 .. 700
    const double e = std::exp(x);
    ASSERT_LE(std::abs(PortableExp(x) - e), 2 * (std::nextafter(e, INFINITY) - e)) << x;
    const double y = std::exp((rng.Uniform() - 0.5) * 1400);
    const double l = std::log(y);
    ASSERT_LE(std::abs(PortableLog(y) - l), 2 * (std::nextafter(std::abs(l), INFINITY) - std::abs(l))) << y;
  }
}

TEST(PortableMathTest, LogisticIsSymmetric) {
  for (double x : {-5.0, -0.3, 0.7, 4.0}) EXPECT_NEAR(Logistic(x) + Logistic(-x), 1.0, 1e-15);
}

}  // namespace
}  // namespace credo::population
