// TrueDefaultProbability against hand calculations from the formula in
// docs/population.md.
#include "population/default_process.h"

#include <gtest/gtest.h>

namespace credo::population {
namespace {

// Age 37, female, master_plus civil servant earning 20,000 yuan, organic app
// user asking 5,000 yuan of goods instalments on an iPhone, long phone and
// device tenure, 12 accounts, no inquiries, never late, card 20% used.
Applicant SafeCivilServant() {
  Applicant a;
  a.age_years = 37;
  a.gender = Gender::kFemale;
  a.city_tier = CityTier::kTier1;
  a.education = Education::kMasterPlus;
  a.occupation = Occupation::kCivilServant;
  a.monthly_income_yuan = 20000;
  a.channel = Channel::kAppOrganic;
  a.product = Product::kGoodsInstallment;
  a.requested_amount_yuan = 5000;
  a.requested_term_months = 12;
  a.device_os = DeviceOs::kIos;
  a.phone_tenure_months = 120;
  a.device_tenure_months = 24;
  a.bureau = BureauSummary{.accounts = 12, .worst_dpd_24m = 0, .card_utilisation = 0.2};
  a.unobserved_risk = 0;
  return a;
}

TEST(DefaultProcessTest, SafeApplicantMatchesHandCalculation) {
  // -4.965 intercept + 0.002 (37-37)^2 + 0 female - 0.35 master_plus - 0.60 civil_servant
  // - 0.70 ln(12000/6000) - 0.12 ln(20000/12000) income + 0 app_organic - 0.25 goods
  // + 0.20 ln(5000/5000) - 0.20 ios + 0 phone + 0 device
  // - 0.05 min(12,10) accounts + 0.40 * 0.2 utilisation
  // = -7.3315021012438795;  P = 1 / (1 + e^7.3315021012...) = 0.0006541613812135558
  // (python3: from math import log, exp; x = -4.965 - 0.35 - 0.60 - 0.70*log(2) - 0.12*log(20000/12000)
  //  - 0.25 - 0.20 - 0.5 + 0.08; print(x, 1/(1+exp(-x))))
  const Applicant a = SafeCivilServant();
  EXPECT_NEAR(ObservedRiskLogit(a), -7.3315021012438795, 1e-12);
  EXPECT_NEAR(TrueDefaultProbability(a), 0.0006541613812135558, 1e-15);
}

TEST(DefaultProcessTest, RiskyApplicantMatchesHandCalculation) {
  Applicant a;
  a.age_years = 20;
  a.gender = Gender::kMale;
  a.city_tier = CityTier::kTier4;
  a.education = Education::kJuniorHigh;
  a.occupation = Occupation::kUnemployed;
  a.monthly_income_yuan.reset();
  a.channel = Channel::kSocialMedia;
  a.product = Product::kRevolvingLine;
  a.requested_amount_yuan = 20000;
  a.requested_term_months = 24;
  a.device_os = DeviceOs::kAndroid;
  a.phone_tenure_months.reset();
  a.device_tenure_months = 1;
  a.bureau = BureauSummary{.accounts = 1,
                           .inquiries_1m = 2,
                           .inquiries_3m = 4,
                           .inquiries_6m = 6,
                           .inquiries_12m = 8,
                           .worst_dpd_24m = 45,
                           .card_utilisation = 0.95,
                           .lenders_90d = 6};
  a.unobserved_risk = 0.5;
  // -4.965 + 0.002 (20-37)^2 = 0.578 age + 0.15 male + 0.30 junior_high + 0.80 unemployed
  // + 0.45 income missing + 0.55 social_media + 0.12 revolving + 0.20 ln(20000/5000) amount
  // + 0 android + 0.25 phone missing + 0.40 device < 3 months
  // bureau: -0.05*1 + 0.12*2 inq_1m + 0.10*4 inq_3m + 0.15*6 lenders + 0.02 min(6*4, 80)
  //         + 1.50 (dpd 30-59) + 0.40*0.95 + 0.90 (utilisation > 0.8)
  // = 3.6602588722239786; with 1.1 * 0.5 unobserved: P = 1/(1+e^-4.2102588722) = 0.9853745530465755
  EXPECT_NEAR(ObservedRiskLogit(a), 3.6602588722239786, 1e-12);
  EXPECT_NEAR(TrueDefaultProbability(a), 0.9853745530465755, 1e-14);
}

TEST(DefaultProcessTest, ThinFileApplicantMatchesHandCalculation) {
  Applicant a;
  a.age_years = 58;
  a.gender = Gender::kFemale;
  a.city_tier = CityTier::kTier3;
  a.education = Education::kHighSchool;
  a.occupation = Occupation::kSelfEmployed;
  a.monthly_income_yuan = 4000;
  a.channel = Channel::kTelemarketing;
  a.product = Product::kCashInstallment;
  a.requested_amount_yuan = 3000;
  a.requested_term_months = 6;
  a.device_os = DeviceOs::kAndroid;
  a.phone_tenure_months = 3;
  a.device_tenure_months = 5;
  a.bureau.reset();
  a.unobserved_risk = -1;
  // -4.965 + 0.002 (58-37)^2 = 0.882 + 0.12 high_school + 0.20 self_employed - 0.70 ln(4000/6000)
  // + 0.25 telemarketing + 0 cash + 0.20 ln(3000/5000) + 0.50 phone < 6 months + 1.20 thin file
  // = -1.631339549077483;  with 1.1 * -1: P = 1/(1+e^2.731339549) = 0.061149214100091304
  EXPECT_NEAR(ObservedRiskLogit(a), -1.631339549077483, 1e-12);
  EXPECT_NEAR(TrueDefaultProbability(a), 0.061149214100091304, 1e-15);
}

// Single-term changes against the documented coefficients.
TEST(DefaultProcessTest, DocumentedStepsAndCaps) {
  const Applicant base = SafeCivilServant();
  const double logit = ObservedRiskLogit(base);
  const auto with = [&](auto change) {
    Applicant a = base;
    change(a);
    return ObservedRiskLogit(a) - logit;
  };
  EXPECT_NEAR(with([](Applicant& a) { a.bureau->worst_dpd_24m = -1; }), 0.35, 1e-12);
  EXPECT_NEAR(with([](Applicant& a) { a.bureau->worst_dpd_24m = 29; }), 0.75, 1e-12);
  EXPECT_NEAR(with([](Applicant& a) { a.bureau->worst_dpd_24m = 60; }), 2.00, 1e-12);
  EXPECT_NEAR(with([](Applicant& a) { a.bureau->worst_dpd_24m = 180; }), 2.50, 1e-12);
  // Utilisation 0.2 -> 0.8 is linear only (0.40 * 0.6); 0.81 crosses the 0.8 threshold (+0.90),
  // 1.01 the over-limit one (+0.40 more).
  EXPECT_NEAR(with([](Applicant& a) { a.bureau->card_utilisation = 0.8; }), 0.24, 1e-12);
  EXPECT_NEAR(with([](Applicant& a) { a.bureau->card_utilisation = 0.81; }), 0.244 + 0.90, 1e-12);
  EXPECT_NEAR(with([](Applicant& a) { a.bureau->card_utilisation = 1.01; }), 0.324 + 0.90 + 0.40, 1e-12);
  EXPECT_NEAR(with([](Applicant& a) { a.bureau->card_utilisation.reset(); }), -0.08, 1e-12);
  // Multi-lending x inquiries: 3 lenders, 2 inquiries = 0.15*3 + 0.10*2 + 0.02*6; the product caps at 80
  // and each count at 15: 20 lenders, 20 inquiries = 0.15*15 + 0.10*15 + 0.02*80.
  EXPECT_NEAR(with([](Applicant& a) {
                a.bureau->lenders_90d = 3;
                a.bureau->inquiries_3m = 2;
              }),
              0.45 + 0.20 + 0.12, 1e-12);
  EXPECT_NEAR(with([](Applicant& a) {
                a.bureau->lenders_90d = 20;
                a.bureau->inquiries_3m = 20;
              }),
              2.25 + 1.50 + 1.60, 1e-12);
  // The U in age is symmetric about 37: 27 and 47 both add 0.002 * 100.
  EXPECT_NEAR(with([](Applicant& a) { a.age_years = 27; }), 0.2, 1e-12);
  EXPECT_NEAR(with([](Applicant& a) { a.age_years = 47; }), 0.2, 1e-12);
  // Income protection flattens above 12,000: 12,000 -> 24,000 saves 0.12 ln 2, 3,000 -> 6,000 saves 0.70
  // ln 2.
  EXPECT_NEAR(with([](Applicant& a) { a.monthly_income_yuan = 24000; }) -
                  with([](Applicant& a) { a.monthly_income_yuan = 12000; }),
              -0.12 * 0.69314718055994531, 1e-12);
  EXPECT_NEAR(with([](Applicant& a) { a.monthly_income_yuan = 6000; }) -
                  with([](Applicant& a) { a.monthly_income_yuan = 3000; }),
              -0.70 * 0.69314718055994531, 1e-12);
  // The unobserved term moves the probability, not the observed logit.
  EXPECT_EQ(with([](Applicant& a) { a.unobserved_risk = 2; }), 0.0);
}

}  // namespace
}  // namespace credo::population
