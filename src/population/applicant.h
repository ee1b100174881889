// population/applicant.h — one synthetic consumer-credit applicant.
//
// The population generator behind `credo gen` describes applicants of a
// Chinese consumer lender (cash loans, goods instalments, revolving lines):
// demographics, the application, the device and the credit-bureau summary,
// plus the default outcome drawn from a known process
// (population/default_process.h). docs/population.md documents every field's
// distribution and missingness. GenerateApplicant is a pure function of
// (seed, row), so any row can be regenerated alone, from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/civil_date.h"

namespace credo::population {

enum class Gender { kMale, kFemale };
enum class CityTier { kTier1, kTier2, kTier3, kTier4 };
enum class Education { kJuniorHigh, kHighSchool, kCollege, kBachelor, kMasterPlus };
enum class Occupation {
  kCivilServant,
  kStateEnterprise,
  kPrivateEnterprise,
  kSelfEmployed,
  kFreelancer,
  kStudent,
  kUnemployed,
};
// How the applicant reached the lender (获客渠道).
enum class Channel {
  kAppOrganic,
  kAppStoreAds,
  kSocialMedia,
  kPartnerPlatform,
  kOfflineMerchant,
  kTelemarketing,
};
enum class Product { kCashInstallment, kGoodsInstallment, kRevolvingLine };
enum class DeviceOs { kAndroid, kIos };

// The level as written in the population file: "M", "tier1", "bachelor", ...
std::string_view Name(Gender value);
std::string_view Name(CityTier value);
std::string_view Name(Education value);
std::string_view Name(Occupation value);
std::string_view Name(Channel value);
std::string_view Name(Product value);
std::string_view Name(DeviceOs value);

// The credit-bureau (征信) summary of an applicant who has a bureau record.
struct BureauSummary {
  int accounts = 0;      // credit accounts ever opened (loans and cards)
  int inquiries_1m = 0;  // lender inquiries in the last month; 1m <= 3m <= 6m <= 12m
  int inquiries_3m = 0;
  int inquiries_6m = 0;
  int inquiries_12m = 0;
  // Worst days past due over the last 24 months; -1 = record but no loan history.
  int worst_dpd_24m = 0;
  // Card balance / card limit, 0 to 1.5 in steps of 0.001; empty without a card.
  std::optional<double> card_utilisation;
  int lenders_90d = 0;  // distinct lenders applied to in the last 90 days (多头借贷)
};

// Every attribute of one applicant, as written to the population file
// (except `unobserved_risk`, which no file shows).
struct Applicant {
  int64_t row = 0;  // 0-based; the id is "A" + 10 digits of row + 1
  CivilDate application_date;
  int age_years = 30;  // 18..60
  Gender gender = Gender::kMale;
  CityTier city_tier = CityTier::kTier2;
  Education education = Education::kCollege;
  Occupation occupation = Occupation::kPrivateEnterprise;
  std::optional<int64_t> monthly_income_yuan;  // declared income; empty = not given
  Channel channel = Channel::kAppOrganic;
  Product product = Product::kCashInstallment;
  int64_t requested_amount_yuan = 5000;  // 500..50,000, multiples of 100
  int requested_term_months = 12;        // 3, 6, 9, 12, 18 or 24
  DeviceOs device_os = DeviceOs::kAndroid;
  std::optional<int> phone_tenure_months;  // empty = the carrier lookup failed
  int device_tenure_months = 0;            // since the device was first seen
  std::optional<BureauSummary> bureau;     // empty = thin file (no bureau record)
  // Standard-normal risk that no column reveals; it caps any model's AUC.
  double unobserved_risk = 0;
  bool bad = false;  // defaulted (the target), drawn from TrueDefaultProbability
};

// The applicant in row `row` (0-based) of the population with `seed`.
Applicant GenerateApplicant(uint64_t seed, int64_t row);

// The most rows a population can have: ids have ten digits.
inline constexpr int64_t kMaxRows = 9'999'999'999;

// "A0000000001" for row 0: "A" and ten digits of row + 1 (0 <= row < kMaxRows).
std::string ApplicantId(int64_t row);

}  // namespace credo::population
