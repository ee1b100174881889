// Schedules for the four repayment methods: worked examples by hand and
// published figures, due dates, and the invariants on many random loans.
#include "lending/schedule.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace credo::lending {
namespace {

CivilDate Date(const char* text) { return *CivilDate::Parse(text); }

LoanTerms Terms(int64_t principal_fen, int months, int64_t annual_bps, RepaymentMethod method,
                RoundingMode rounding = RoundingMode::kHalfUp) {
  LoanTerms terms;
  terms.principal_fen = principal_fen;
  terms.term_months = months;
  terms.method = method;
  terms.interest_annual_bps = annual_bps;
  terms.rounding = rounding;
  terms.start = Date("2026-01-15");
  return terms;
}

Schedule Build(const LoanTerms& terms) {
  Result<Schedule> schedule = BuildSchedule(terms);
  EXPECT_TRUE(schedule.ok()) << schedule.status().ToString();
  return schedule.ok() ? *schedule : Schedule{};
}

TEST(ScheduleTest, EqualInstallmentTenThousandOverTwelveMonthsAtTwelvePercent) {
  const Schedule s = Build(Terms(1'000'000, 12, 1200, RepaymentMethod::kEqualInstallment));
  ASSERT_EQ(s.installments.size(), 12u);
  // By hand: month 1 interest 10,000 × 1% = 100.00, principal 888.49 − 100.00 = 788.49,
  // remaining 9,211.51; month 2 interest 92.1151 -> 92.12, principal 796.37.
  EXPECT_EQ(s.installments[0].interest_fen, 10'000);
  EXPECT_EQ(s.installments[0].principal_fen, 78'849);
  EXPECT_EQ(s.installments[0].remaining_principal_fen, 921'151);
  EXPECT_EQ(s.installments[1].interest_fen, 9'212);
  EXPECT_EQ(s.installments[1].principal_fen, 79'637);
  for (int k = 0; k < 11; ++k) EXPECT_EQ(s.installments[k].installment_fen, 88'849) << k;
  // The last takes what is left: within a few fen of the level installment.
  EXPECT_NEAR(s.installments[11].installment_fen, 88'849, 12);
  EXPECT_EQ(s.installments[11].remaining_principal_fen, 0);
  // No fee, so the IRR is the nominal rate.
  EXPECT_EQ(s.apr_irr_bps, 1200);
}

TEST(ScheduleTest, EqualPrincipalMortgageExample) {
  // 1,000,000 yuan over 30 years at 4.9%, 等额本金, the usual published example: the first month
  // pays 1,000,000 / 360 = 2,777.78 principal + 1,000,000 × 4.9% / 12 = 4,083.33 interest = 6,861.11;
  // the second 2,777.78 + 997,222.22 × 0.049 / 12 (= 4,071.99) = 6,849.77, about 11.34 less.
  const Schedule s = Build(Terms(100'000'000, 360, 490, RepaymentMethod::kEqualPrincipal));
  ASSERT_EQ(s.installments.size(), 360u);
  EXPECT_EQ(s.installments[0].installment_fen, 686'111);
  EXPECT_EQ(s.installments[1].installment_fen, 684'977);
  // The last: 1,000,000 − 359 × 2,777.78 = 2,776.98 principal, interest 2,776.98 × 0.049 / 12 = 11.34.
  EXPECT_EQ(s.installments[359].principal_fen, 277'698);
  EXPECT_EQ(s.installments[359].interest_fen, 1'134);
}

TEST(ScheduleTest, InterestOnlyThenPrincipal) {
  // 2,700 at 20%: 45.00 interest a month (2,700 × 20% / 12), all principal in month 12.
  const Schedule s = Build(Terms(270'000, 12, 2000, RepaymentMethod::kInterestOnly));
  ASSERT_EQ(s.installments.size(), 12u);
  for (int k = 0; k < 11; ++k) {
    EXPECT_EQ(s.installments[k].principal_fen, 0);
    EXPECT_EQ(s.installments[k].interest_fen, 4'500);
    EXPECT_EQ(s.installments[k].remaining_principal_fen, 270'000);
  }
  EXPECT_EQ(s.installments[11].installment_fen, 274'500);
  EXPECT_EQ(s.apr_irr_bps, 2000);  // interest on the full balance every month: IRR = nominal
}

TEST(ScheduleTest, FlatFeeInstallments) {
  // 2,700 over 12 months at a flat 0.75% of principal a month (900 bps a year): 225.00 principal and
  // 20.25 fee each month, no interest.
  LoanTerms terms = Terms(270'000, 12, 0, RepaymentMethod::kFlatFee);
  terms.flat_fee_annual_bps = 900;
  const Schedule s = Build(terms);
  ASSERT_EQ(s.installments.size(), 12u);
  for (const Installment& row : s.installments) {
    EXPECT_EQ(row.principal_fen, 22'500);
    EXPECT_EQ(row.interest_fen, 0);
    EXPECT_EQ(row.fee_fen, 2'025);
    EXPECT_EQ(row.installment_fen, 24'525);
  }
}

TEST(ScheduleTest, FlatFeeCarriesNoInterest) {
  Result<Schedule> s = BuildSchedule(Terms(270'000, 12, 100, RepaymentMethod::kFlatFee));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().path(), "rate");
}

TEST(ScheduleTest, DueDatesClampToTheMonthEnd) {
  LoanTerms terms = Terms(120'000, 4, 1200, RepaymentMethod::kEqualInstallment);
  terms.start = Date("2026-01-31");
  Schedule s = Build(terms);
  ASSERT_EQ(s.installments.size(), 4u);
  EXPECT_EQ(s.installments[0].due_date, Date("2026-02-28"));
  EXPECT_EQ(s.installments[1].due_date, Date("2026-03-31"));  // from the start, not from Feb 28
  EXPECT_EQ(s.installments[2].due_date, Date("2026-04-30"));
  EXPECT_EQ(s.installments[3].due_date, Date("2026-05-31"));
  terms.start = Date("2027-11-30");
  s = Build(terms);
  ASSERT_EQ(s.installments.size(), 4u);
  EXPECT_EQ(s.installments[2].due_date, Date("2028-02-29"));  // leap year
  EXPECT_EQ(s.installments[3].due_date, Date("2028-03-30"));
}

TEST(ScheduleTest, RoundingModesOnTheInstallment) {
  // 10,000 / 12 / 12%: the level installment 888.4879 is 888.49 up or half-up, 888.48 down.
  EXPECT_EQ(Build(Terms(1'000'000, 12, 1200, RepaymentMethod::kEqualInstallment, RoundingMode::kDown))
                .installments[0]
                .installment_fen,
            88'848);
  EXPECT_EQ(Build(Terms(1'000'000, 12, 1200, RepaymentMethod::kEqualInstallment, RoundingMode::kUp))
                .installments[0]
                .installment_fen,
            88'849);
  // Equal principal, 100.00 over 3 months: 33.33 (half-up, down, half-even) or 33.34 (up); the last
  // takes 33.34 or 33.32.
  const Schedule down = Build(Terms(10'000, 3, 0, RepaymentMethod::kEqualPrincipal, RoundingMode::kDown));
  EXPECT_EQ(down.installments[0].principal_fen, 3'333);
  EXPECT_EQ(down.installments[2].principal_fen, 3'334);
  const Schedule up = Build(Terms(10'000, 3, 0, RepaymentMethod::kEqualPrincipal, RoundingMode::kUp));
  EXPECT_EQ(up.installments[0].principal_fen, 3'334);
  EXPECT_EQ(up.installments[2].principal_fen, 3'332);
  // Interest of exactly half a fen: 50 fen for a month at 12% a year (1%) is 0.5 fen.
  const Schedule half_up = Build(Terms(50, 1, 1200, RepaymentMethod::kInterestOnly, RoundingMode::kHalfUp));
  EXPECT_EQ(half_up.installments[0].interest_fen, 1);
  const Schedule half_even =
      Build(Terms(50, 1, 1200, RepaymentMethod::kInterestOnly, RoundingMode::kHalfEven));
  EXPECT_EQ(half_even.installments[0].interest_fen, 0);
}

// Invariants that hold for every schedule, whatever the method, rate and rounding.
void ExpectConsistent(const Schedule& s, const LoanTerms& terms) {
  ASSERT_EQ(static_cast<int>(s.installments.size()), terms.term_months);
  int64_t principal_sum = 0;
  int64_t before = terms.principal_fen;
  for (const Installment& row : s.installments) {
    EXPECT_GE(row.principal_fen, 0);
    EXPECT_GE(row.interest_fen, 0);
    EXPECT_EQ(row.installment_fen, row.principal_fen + row.interest_fen + row.fee_fen);
    EXPECT_EQ(row.remaining_principal_fen, before - row.principal_fen);
    // Interest is the month's share of the balance, within a fen.
    const long double exact = static_cast<long double>(before) * terms.interest_annual_bps / 120000;
    EXPECT_LE(std::fabs(row.interest_fen - exact), 1.0L);
    before = row.remaining_principal_fen;
    principal_sum += row.principal_fen;
  }
  EXPECT_EQ(principal_sum, terms.principal_fen);
  EXPECT_EQ(s.installments.back().remaining_principal_fen, 0);
}

TEST(ScheduleTest, PrincipalSumsExactlyOnRandomLoans) {
  std::mt19937_64 random(42);
  const RepaymentMethod methods[] = {RepaymentMethod::kEqualInstallment, RepaymentMethod::kEqualPrincipal,
                                     RepaymentMethod::kInterestOnly, RepaymentMethod::kFlatFee};
  const RoundingMode modes[] = {RoundingMode::kHalfUp, RoundingMode::kUp, RoundingMode::kDown,
                                RoundingMode::kHalfEven};
  for (int i = 0; i < 4000; ++i) {
    // Small principals too: 1 fen over 360 months must still work.
    const int64_t principal = i % 10 == 0
                                  ? std::uniform_int_distribution<int64_t>(1, 500)(random)
                                  : std::uniform_int_distribution<int64_t>(100, 1'000'000'000)(random);
    const int months = std::uniform_int_distribution<int>(1, 360)(random);
    const RepaymentMethod method = methods[random() % 4];
    LoanTerms terms = Terms(principal, months, 0, method, modes[random() % 4]);
    if (method == RepaymentMethod::kFlatFee) {
      terms.flat_fee_annual_bps = std::uniform_int_distribution<int64_t>(0, 2400)(random);
    } else {
      terms.interest_annual_bps = std::uniform_int_distribution<int64_t>(0, 3600)(random);
    }
    const Schedule s = Build(terms);
    ExpectConsistent(s, terms);
    if (method == RepaymentMethod::kEqualInstallment && principal >= 100'000) {
      // Every installment but the last is the level one (it can only drop when the balance is tiny).
      for (int k = 1; k + 1 < months; ++k) {
        EXPECT_EQ(s.installments[k].installment_fen, s.installments[0].installment_fen);
      }
    }
  }
}

TEST(ScheduleTest, RejectsBadTerms) {
  EXPECT_EQ(BuildSchedule(Terms(0, 12, 1200, RepaymentMethod::kEqualInstallment)).status().path(),
            "principal");
  EXPECT_EQ(BuildSchedule(Terms(-5, 12, 1200, RepaymentMethod::kEqualInstallment)).status().path(),
            "principal");
  EXPECT_EQ(BuildSchedule(Terms(100, 0, 1200, RepaymentMethod::kEqualInstallment)).status().path(), "term");
  EXPECT_EQ(BuildSchedule(Terms(100, 601, 1200, RepaymentMethod::kEqualInstallment)).status().path(), "term");
  EXPECT_EQ(BuildSchedule(Terms(100, 12, -1, RepaymentMethod::kEqualInstallment)).status().path(), "rate");
  LoanTerms fee_too_big = Terms(10'000, 12, 1200, RepaymentMethod::kEqualInstallment);
  fee_too_big.upfront_fee_fen = 10'000;
  EXPECT_EQ(BuildSchedule(fee_too_big).status().path(), "upfront_fee");
}

TEST(ScheduleTest, MethodNames) {
  for (const char* name : {"equal-installment", "equal-principal", "interest-only", "flat-fee"}) {
    ASSERT_TRUE(ParseRepaymentMethod(name).ok()) << name;
    EXPECT_STREQ(RepaymentMethodName(*ParseRepaymentMethod(name)), name);
  }
  EXPECT_FALSE(ParseRepaymentMethod("balloon").ok());
}

}  // namespace
}  // namespace credo::lending
