#include "population/applicant.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>

#include "population/default_process.h"
#include "population/level_name.h"
#include "population/portable_math.h"
#include "population/row_random.h"

namespace credo::population {
namespace {

// The application window: 730 days, 2024-07-01 to 2026-06-30.
constexpr int32_t kFirstDay = 19905;  // days since 1970-01-01 of 2024-07-01
constexpr int kWindowDays = 730;

template <class Enum, size_t N>
Enum Draw(RowRandom& rng, const std::array<double, N>& weights) {
  return static_cast<Enum>(rng.Categorical(weights));
}

int DrawAge(RowRandom& rng) {
  // 18 + a log-normal of median 10.5 years: median age 28, right tail to 60.
  while (true) {
    const int age = 18 + static_cast<int>(rng.LogNormal(2.35, 0.55));
    if (age <= 60) return age;
  }
}

// Ordered probit: a latent attainment rises with city tier and falls with
// age (older cohorts studied less), cut at fixed thresholds; the young cannot
// have finished a degree yet.
Education DrawEducation(RowRandom& rng, int age, CityTier tier) {
  const double latent = 0.35 * (2 - static_cast<int>(tier)) - 0.012 * (age - 30) + rng.Normal();
  Education level = latent < -1.1   ? Education::kJuniorHigh
                    : latent < -0.2 ? Education::kHighSchool
                    : latent < 0.6  ? Education::kCollege
                    : latent < 1.8  ? Education::kBachelor
                                    : Education::kMasterPlus;
  if (age < 24) level = std::min(level, Education::kBachelor);
  if (age < 21) level = std::min(level, Education::kCollege);
  return level;
}

Occupation DrawOccupation(RowRandom& rng, int age, Education education) {
  const bool degree = education >= Education::kBachelor;
  const std::array<double, 7> weights = {
      age >= 22 ? (degree ? 0.09 : 0.02) : 0.0,        // civil_servant
      education >= Education::kCollege ? 0.14 : 0.07,  // state_enterprise
      0.45,                                            // private_enterprise
      age >= 25 ? 0.16 : 0.06,                         // self_employed
      0.11,                                            // freelancer
      age <= 21 ? 0.50 : (age <= 24 ? 0.12 : 0.0),     // student
      0.05,                                            // unemployed
  };
  return Draw<Occupation>(rng, weights);
}

// Actual monthly income in yuan, rounded to 100 as people declare it.
int64_t DrawIncomeYuan(RowRandom& rng, int age, CityTier tier, Education education, Occupation occupation) {
  static constexpr std::array<double, 4> kTier = {0.35, 0.12, -0.08, -0.25};
  static constexpr std::array<double, 5> kEducation = {-0.35, -0.18, 0.0, 0.20, 0.45};
  static constexpr std::array<double, 7> kOccupation = {0.10, 0.12, 0.0, 0.15, -0.10, -1.10, -0.90};
  const double median_yuan =
      6500.0 * PortableExp(kTier[static_cast<int>(tier)] + kEducation[static_cast<int>(education)] -
                           0.0009 * (age - 42) * (age - 42) + kOccupation[static_cast<int>(occupation)]);
  const double log_sd = occupation == Occupation::kSelfEmployed ? 0.70 : 0.45;
  const double yuan = median_yuan * rng.LogNormal(0.0, log_sd);
  return std::max<int64_t>(500, 100 * std::llround(yuan / 100.0));
}

double IncomeMissingProbability(Occupation occupation) {
  static constexpr std::array<double, 7> kByOccupation = {0.05, 0.05, 0.07, 0.22, 0.20, 0.15, 0.12};
  return kByOccupation[static_cast<int>(occupation)];
}

// Social media grows from 10% to 20% of the mix over the 24 months; the
// young come more through social media, the older more by telephone.
Channel DrawChannel(RowRandom& rng, int age, int day_in_window) {
  const double months_elapsed = day_in_window / (kWindowDays / 24.0);
  double social = 0.10 + 0.10 * months_elapsed / 24.0;
  double telemarketing = 0.09;
  if (age < 25) social *= 1.5;
  if (age >= 45) {
    social *= 0.6;
    telemarketing *= 1.6;
  }
  const std::array<double, 6> weights = {0.24, 0.19, social, 0.18, 0.13, telemarketing};
  return Draw<Channel>(rng, weights);
}

Product DrawProduct(RowRandom& rng, Channel channel) {
  static constexpr std::array<double, 3> kAtMerchant = {0.15, 0.80, 0.05};
  static constexpr std::array<double, 3> kAtPartner = {0.50, 0.30, 0.20};
  static constexpr std::array<double, 3> kElsewhere = {0.55, 0.12, 0.33};
  return Draw<Product>(rng, channel == Channel::kOfflineMerchant   ? kAtMerchant
                            : channel == Channel::kPartnerPlatform ? kAtPartner
                                                                   : kElsewhere);
}

// `log_income_ratio` is ln(actual monthly income / 7,000 yuan).
int64_t DrawRequestedAmountYuan(RowRandom& rng, Product product, double log_income_ratio) {
  static constexpr std::array<double, 3> kMedianYuan = {9000, 3500, 15000};
  static constexpr std::array<double, 3> kLogSd = {0.70, 0.60, 0.60};
  const int p = static_cast<int>(product);
  const double yuan = kMedianYuan[p] * rng.LogNormal(0.35 * log_income_ratio, kLogSd[p]);
  return std::clamp<int64_t>(100 * std::llround(yuan / 100.0), 500, 50000);
}

int DrawRequestedTermMonths(RowRandom& rng, Product product) {
  static constexpr std::array<int, 6> kTerms = {3, 6, 9, 12, 18, 24};
  static constexpr std::array<std::array<double, 6>, 3> kWeights = {{
      {0.05, 0.15, 0.10, 0.35, 0.13, 0.22},  // cash_installment
      {0.10, 0.25, 0.10, 0.35, 0.10, 0.10},  // goods_installment
      {0.20, 0.25, 0.10, 0.30, 0.08, 0.07},  // revolving_line
  }};
  return kTerms[rng.Categorical(kWeights[static_cast<int>(product)])];
}

DeviceOs DrawDeviceOs(RowRandom& rng, CityTier tier, double log_income_ratio) {
  static constexpr std::array<double, 4> kTier = {0.5, 0.2, 0.0, -0.2};
  const double p_ios = Logistic(-1.3 + 0.9 * log_income_ratio + kTier[static_cast<int>(tier)]);
  return rng.Bernoulli(p_ios) ? DeviceOs::kIos : DeviceOs::kAndroid;
}

// Months the phone number has been in service: at most since age 16.
int DrawPhoneTenureMonths(RowRandom& rng, int age) {
  const double months = 48.0 * rng.LogNormal(0.02 * (age - 30), 0.9);
  return std::min(static_cast<int>(months), (age - 16) * 12);
}

int DrawDeviceTenureMonths(RowRandom& rng) {
  return std::min(72, static_cast<int>(12.0 * rng.LogNormal(0.0, 0.9)));
}

double ThinFileProbability(int age, CityTier tier) {
  const double by_age = age <= 21 ? 0.40 : age <= 25 ? 0.22 : age <= 35 ? 0.10 : 0.07;
  return by_age + (tier == CityTier::kTier4 ? 0.05 : 0.0);
}

// The bureau record of a non-thin applicant. `appetite` is the applicant's
// unobserved appetite for credit (standard normal, shifted for the young):
// it raises inquiries, multi-lending, utilisation and delinquency together,
// which is what makes these columns correlated.
BureauSummary DrawBureau(RowRandom& rng, int age, double log_income_ratio, double appetite) {
  BureauSummary b;
  const bool has_loan_history = !rng.Bernoulli(age <= 22 ? 0.15 : 0.04);
  if (has_loan_history) {
    const double depth = std::clamp(0.2 * (age - 20), 0.3, 8.0) * PortableExp(0.3 * log_income_ratio);
    b.accounts = 1 + rng.Poisson(std::min(depth, 20.0));
  }
  const double inquiry_rate = PortableExp(0.9 + 0.45 * appetite + 0.1 * PortableLog(b.accounts + 1.0));
  b.inquiries_12m = rng.Poisson(std::min(inquiry_rate, 40.0));
  // Credit-hungry applicants' inquiries crowd into the recent months.
  b.inquiries_6m = rng.Binomial(b.inquiries_12m, std::clamp(0.5 + 0.12 * appetite, 0.2, 0.85));
  b.inquiries_3m = rng.Binomial(b.inquiries_6m, std::clamp(0.5 + 0.10 * appetite, 0.2, 0.85));
  b.inquiries_1m = rng.Binomial(b.inquiries_3m, std::clamp(0.34 + 0.08 * appetite, 0.1, 0.8));
  // Lenders that inquired at the bureau, plus lenders that never do.
  b.lenders_90d = rng.Binomial(b.inquiries_3m, 0.6) + rng.Poisson(PortableExp(-0.6 + 0.6 * appetite));
  if (!has_loan_history) {
    b.worst_dpd_24m = -1;
    return b;
  }
  const double p_card = Logistic(-0.3 + 0.35 * b.accounts + 0.5 * log_income_ratio);
  if (rng.Bernoulli(p_card)) {
    double utilisation = 0;
    if (rng.Bernoulli(Logistic(-4.0 + 1.2 * appetite))) {
      utilisation = 1.0 + 0.5 * rng.Uniform();  // over the limit
    } else if (!rng.Bernoulli(0.08)) {          // 8% of cards are dormant at 0
      utilisation = Logistic(-0.6 + 0.9 * appetite + 0.9 * rng.Normal());
    }
    b.card_utilisation = std::round(utilisation * 1000.0) / 1000.0;
  }
  if (rng.Bernoulli(Logistic(-2.0 + 0.9 * appetite + 0.1 * std::min(b.accounts, 10)))) {
    b.worst_dpd_24m = std::min(180, 1 + static_cast<int>(rng.LogNormal(2.0 + 0.7 * appetite, 1.3)));
  }
  return b;
}

}  // namespace

std::string_view Name(Gender value) {
  static constexpr std::array<std::string_view, 2> kNames = {"M", "F"};
  return LevelName(value, kNames);
}
std::string_view Name(CityTier value) {
  static constexpr std::array<std::string_view, 4> kNames = {"tier1", "tier2", "tier3", "tier4"};
  return LevelName(value, kNames);
}
std::string_view Name(Education value) {
  static constexpr std::array<std::string_view, 5> kNames = {"junior_high", "high_school", "college",
                                                             "bachelor", "master_plus"};
  return LevelName(value, kNames);
}
std::string_view Name(Occupation value) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "civil_servant", "state_enterprise", "private_enterprise", "self_employed",
      "freelancer",    "student",          "unemployed"};
  return LevelName(value, kNames);
}
std::string_view Name(Channel value) {
  static constexpr std::array<std::string_view, 6> kNames = {"app_organic",      "app_store_ads",
                                                             "social_media",     "partner_platform",
                                                             "offline_merchant", "telemarketing"};
  return LevelName(value, kNames);
}
std::string_view Name(Product value) {
  static constexpr std::array<std::string_view, 3> kNames = {"cash_installment", "goods_installment",
                                                             "revolving_line"};
  return LevelName(value, kNames);
}
std::string_view Name(DeviceOs value) {
  static constexpr std::array<std::string_view, 2> kNames = {"android", "ios"};
  return LevelName(value, kNames);
}

std::string ApplicantId(int64_t row) {
  assert(row >= 0 && row < kMaxRows);
  std::string id(11, '0');
  id[0] = 'A';
  for (int64_t n = row + 1, i = 10; n > 0; n /= 10, --i) id[i] = static_cast<char>('0' + n % 10);
  return id;
}

Applicant GenerateApplicant(uint64_t seed, int64_t row) {
  RowRandom rng(seed, row, RowStream::kApplicant);
  Applicant a;
  a.row = row;
  const int day_in_window = static_cast<int>(rng.UniformInt(kWindowDays));
  a.application_date = CivilDate::FromDaysSinceEpoch(kFirstDay + day_in_window);
  a.age_years = DrawAge(rng);
  a.gender = rng.Bernoulli(0.58) ? Gender::kMale : Gender::kFemale;
  a.city_tier = Draw<CityTier>(rng, std::array<double, 4>{0.15, 0.30, 0.30, 0.25});
  a.education = DrawEducation(rng, a.age_years, a.city_tier);
  a.occupation = DrawOccupation(rng, a.age_years, a.education);
  const int64_t income_yuan = DrawIncomeYuan(rng, a.age_years, a.city_tier, a.education, a.occupation);
  if (!rng.Bernoulli(IncomeMissingProbability(a.occupation))) a.monthly_income_yuan = income_yuan;
  a.channel = DrawChannel(rng, a.age_years, day_in_window);
  a.product = DrawProduct(rng, a.channel);
  const double log_income_ratio = PortableLog(income_yuan / 7000.0);
  a.requested_amount_yuan = DrawRequestedAmountYuan(rng, a.product, log_income_ratio);
  a.requested_term_months = DrawRequestedTermMonths(rng, a.product);
  a.device_os = DrawDeviceOs(rng, a.city_tier, log_income_ratio);
  const int phone_tenure_months = DrawPhoneTenureMonths(rng, a.age_years);
  if (!rng.Bernoulli(0.06)) a.phone_tenure_months = phone_tenure_months;
  a.device_tenure_months = DrawDeviceTenureMonths(rng);
  const double appetite =
      rng.Normal() + (a.age_years < 25 ? 0.3 : 0.0) + (a.channel == Channel::kSocialMedia ? 0.3 : 0.0);
  if (!rng.Bernoulli(ThinFileProbability(a.age_years, a.city_tier))) {
    a.bureau = DrawBureau(rng, a.age_years, log_income_ratio, appetite);
  }
  a.unobserved_risk = rng.Normal();
  a.bad = rng.Bernoulli(TrueDefaultProbability(a));
  return a;
}

}  // namespace credo::population
