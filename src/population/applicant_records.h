// population/applicant_records.h — the dated records behind one synthetic
// applicant: credit-bureau accounts with their monthly status, bureau
// inquiries, previous applications at this lender and their instalments,
// devices and contacts (the record lists of `credo gen --documents`).
//
// The records agree with the applicant's flat attributes where those exist:
// the bureau accounts dated on or before the observation date (the
// application date) number `bureau.accounts`, the inquiries fall into the
// 1/3/6/12-month windows as `inquiries_*m` say, the worst monthly dpd of the
// last 24 months is `worst_dpd_24m`, active cards' balance / limit is
// `card_utilisation`, the current device was first seen
// `device_tenure_months` ago. Risk shows in them as well: applicants who
// applied to more lenders in 90 days opened more accounts in that time, and
// instalment lateness and refusals rise with the applicant's full default
// risk (observed and unobserved). About kLateRecordShare of all records are
// dated after the observation date on purpose (late-arriving data).
// docs/population.md describes every draw. GenerateRecords is a pure
// function of (seed, applicant) drawing from the row's own stream, so it never
// changes the applicant's flat attributes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/civil_date.h"
#include "population/applicant.h"

namespace credo::population {

// The share of records dated after the observation date.
inline constexpr double kLateRecordShare = 0.02;

enum class AccountType { kCreditCard, kConsumerLoan, kCarLoan, kMortgage, kMicroloan };
enum class LenderType { kBank, kConsumerFinance, kOnlinePlatform, kMicrolender };
enum class ApplicationDecision { kApproved, kRefused, kCanceled };
enum class ContactRelation { kParent, kSpouse, kSibling, kFriend, kColleague };

// The value as written in documents: "Credit card", "bank", "Approved", "parent", ...
std::string_view Name(AccountType value);
std::string_view Name(LenderType value);
std::string_view Name(ApplicationDecision value);
std::string_view Name(ContactRelation value);

// One month of a bureau account: its status three days before a month
// boundary of the observation date.
struct BureauMonth {
  CivilDate date;
  int dpd = 0;  // days past due that month
  int64_t balance_fen = 0;
};

// A credit account at another lender, as the credit bureau reports it.
struct BureauAccount {
  CivilDate date;  // opened
  AccountType type = AccountType::kConsumerLoan;
  bool active = true;                       // "Active", else "Closed"
  int64_t credit_limit_fen = 0;             // the card limit, or the loan's principal
  int64_t balance_fen = 0;                  // as of the observation date
  int64_t overdue_fen = 0;                  // overdue as of the observation date
  int max_dpd = 0;                          // worst dpd of its status history up to the observation date
  std::vector<BureauMonth> status_history;  // oldest first; at most 24 months up to the observation date
};

// A lender's inquiry at the credit bureau.
struct BureauInquiry {
  CivilDate date;
  std::string lender_id;  // "L0042"; a lender always has the same type
  LenderType lender_type = LenderType::kBank;
};

// An earlier application at this lender.
struct PreviousApplication {
  CivilDate date;
  Product product = Product::kCashInstallment;
  int64_t amount_fen = 0;
  int term_months = 12;
  ApplicationDecision decision = ApplicationDecision::kApproved;
};

// One due instalment of an approved previous application.
struct Installment {
  CivilDate date;  // due date
  int64_t amount_due_fen = 0;
  int64_t amount_paid_fen = 0;
  int days_late = 0;
};

// A device the applicant used.
struct DeviceRecord {
  CivilDate date;  // first seen
  std::string device_id;
  DeviceOs os = DeviceOs::kAndroid;
};

// An emergency contact the applicant gave.
struct ContactRecord {
  CivilDate date;  // given on
  std::string phone;
  ContactRelation relation = ContactRelation::kParent;
};

// Every record of one applicant; each list is ordered by date, oldest first.
struct ApplicantRecords {
  std::string phone;  // the applicant's own mobile number
  std::string
      device_id;  // the device applied from: the latest device dated on or before the observation date
  std::vector<BureauAccount> bureau_accounts;
  std::vector<BureauInquiry> bureau_inquiries;
  std::vector<PreviousApplication> previous_applications;
  std::vector<Installment> installments;
  std::vector<DeviceRecord> devices;
  std::vector<ContactRecord> contacts;
};

// How many records to make.
enum class RecordSizes {
  // As many as the applicant's attributes say (thin files have no bureau records).
  kRealistic,
  // Benchmark-sized, the same for everyone: 20 bureau accounts each with 24
  // months of history, 10 previous applications of which 5 approved with 50
  // due instalments between them (plus the late-arriving records and the
  // realistic inquiries, devices and contacts). The bureau accounts then no
  // longer match `bureau.accounts`; the dpd history, card utilisation and
  // inquiries still match.
  kTypical,
};

// The records of `applicant` (row applicant.row of the population with `seed`).
ApplicantRecords GenerateRecords(uint64_t seed, const Applicant& applicant, RecordSizes sizes);

}  // namespace credo::population
