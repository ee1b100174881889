// `credo gen --documents`: the documents are deterministic, carry the same
// flat attributes as the population file, and their records agree with those
// attributes (counted back from the JSON with the tests' own date
// arithmetic); a share of ~2% of records comes after the observation date;
// risk shows in the records; the typical size is exact.
#include "population/documents.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "population/applicant_records.h"
#include "population/population.h"
#include "population_test_support.h"

namespace credo::population {
namespace {

using nlohmann::json;
using testing::BernoulliSum;
using testing::CsvRows;
using testing::ExpectWithinFourSigma;
using testing::ReadBytes;
using testing::ReadCsvRows;
using testing::TempPath;

const char* const kLists[] = {"bureau_accounts", "bureau_inquiries", "previous_applications",
                              "installments",    "devices",          "contacts"};

std::string WriteDocs(const std::string& name, int64_t rows, uint64_t seed, RecordSizes sizes,
                      int threads = 2, int wide = 0) {
  const std::string path = TempPath(name);
  const Status status =
      WriteDocuments({.rows = rows, .seed = seed, .wide_variables = wide, .threads = threads}, sizes, path);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return path;
}

std::vector<json> ReadDocs(const std::string& path) {
  std::ifstream in(path);
  std::vector<json> docs;
  std::string line;
  while (std::getline(in, line)) docs.push_back(json::parse(line));
  return docs;
}

// The 4,000 documents most tests read, written once (two chunks and a bit).
const std::vector<json>& Docs() {
  static const std::vector<json> docs =
      ReadDocs(WriteDocs("docs.jsonl", 4000, 20260630, RecordSizes::kRealistic));
  return docs;
}

CivilDate DateOf(const json& value) {
  const Result<CivilDate> date = CivilDate::Parse(value.get<std::string>());
  EXPECT_TRUE(date.ok()) << value;
  return date.ok() ? *date : CivilDate();
}

CivilDate ObservationOf(const json& doc) { return DateOf(doc["observation_date"]); }

// The records of `list` dated on or before the observation date.
std::vector<json> InTime(const json& list, CivilDate observation) {
  std::vector<json> records;
  for (const json& record : list) {
    if (DateOf(record["date"]) <= observation) records.push_back(record);
  }
  return records;
}

// Whole calendar months from `from` to `to` (to >= from).
int WholeMonths(CivilDate from, CivilDate to) {
  int months = 0;
  while (from.AddMonths(months + 1) <= to) ++months;
  return months;
}

TEST(DocumentsTest, SameSeedGivesSameBytesWithAnyThreadCount) {
  const std::string two = ReadBytes(WriteDocs("seed7_t2.jsonl", 5000, 7, RecordSizes::kRealistic, 2));
  const std::string one = ReadBytes(WriteDocs("seed7_t1.jsonl", 5000, 7, RecordSizes::kRealistic, 1));
  const std::string other_seed = ReadBytes(WriteDocs("seed8.jsonl", 5000, 8, RecordSizes::kRealistic, 2));
  ASSERT_GT(two.size(), 5000u * 1000);
  EXPECT_TRUE(two == one);
  EXPECT_FALSE(two == other_seed);
  // Compressed output holds the same text.
  const std::string gz = WriteDocs("seed7.jsonl.gz", 5000, 7, RecordSizes::kRealistic, 2);
  EXPECT_EQ(ReadBytes(gz).substr(0, 2), "\x1f\x8b");
}

// Every column of the population file (same seed and rows), by the same
// name, with the same value; bureau_accounts (the count) is bureau_accounts_count.
TEST(DocumentsTest, FlatAttributesAreThoseOfThePopulationFile) {
  const std::string csv_path = TempPath("flat.csv");
  ASSERT_TRUE(WritePopulation({.rows = 300, .seed = 11, .wide_variables = 3}, csv_path).ok());
  const CsvRows rows = ReadCsvRows(csv_path);
  const std::vector<json> docs = ReadDocs(WriteDocs("flat.jsonl", 300, 11, RecordSizes::kRealistic, 2, 3));
  ASSERT_EQ(docs.size() + 1, rows.size());
  for (size_t i = 0; i < docs.size(); ++i) {
    const json& doc = docs[i];
    EXPECT_EQ(doc["observation_date"], doc["application_date"]);
    for (size_t c = 0; c < rows[0].size(); ++c) {
      const std::string name = rows[0][c] == "bureau_accounts" ? "bureau_accounts_count" : rows[0][c];
      const std::string& text = rows[i + 1][c];
      SCOPED_TRACE(name + " of document " + std::to_string(i + 1));
      if (text.empty()) {
        EXPECT_FALSE(doc.contains(name));
      } else if (doc[name].is_string()) {
        EXPECT_EQ(doc[name].get<std::string>(), text);
      } else {
        EXPECT_EQ(doc[name].get<double>(), std::stod(text));
      }
    }
    for (const char* list : kLists) EXPECT_TRUE(doc[list].is_array()) << list;
  }
}

TEST(DocumentsTest, BureauRecordsAgreeWithTheFlatBureauAttributes) {
  int with_bureau = 0, with_card = 0, delinquent = 0;
  for (const json& doc : Docs()) {
    const CivilDate observation = ObservationOf(doc);
    SCOPED_TRACE(doc["applicant_id"].get<std::string>());
    const std::vector<json> accounts = InTime(doc["bureau_accounts"], observation);
    const std::vector<json> inquiries = InTime(doc["bureau_inquiries"], observation);
    if (!doc.contains("bureau_accounts_count")) {  // thin file: no bureau record at all
      ASSERT_TRUE(doc["bureau_accounts"].empty() && doc["bureau_inquiries"].empty());
      continue;
    }
    ++with_bureau;
    ASSERT_EQ(static_cast<int>(accounts.size()), doc["bureau_accounts_count"].get<int>());
    // Inquiries in the last k months, by calendar months and by 30-day months alike.
    for (const auto& [months, days] : {std::pair{1, 30}, {3, 90}, {6, 180}, {12, 365}}) {
      int by_month = 0, by_day = 0;
      for (const json& inquiry : inquiries) {
        const CivilDate date = DateOf(inquiry["date"]);
        by_month += date > observation.AddMonths(-months) ? 1 : 0;
        by_day += date.DaysUntil(observation) < days ? 1 : 0;
      }
      const int expected = doc["bureau_inquiries_" + std::to_string(months) + "m"].get<int>();
      ASSERT_EQ(by_month, expected) << months << " months";
      ASSERT_EQ(by_day, expected) << days << " days";
    }
    // The worst monthly dpd of the last 24 months; each account's max_dpd is its own worst.
    int worst = 0;
    int64_t card_balance = 0, card_limit = 0;
    for (const json& account : accounts) {
      int account_worst = 0;
      for (const json& month : InTime(account["status_history"], observation)) {
        account_worst = std::max(account_worst, month["dpd"].get<int>());
        if (DateOf(month["date"]) > observation.AddMonths(-24))
          worst = std::max(worst, month["dpd"].get<int>());
      }
      ASSERT_EQ(account["max_dpd"].get<int>(), account_worst);
      if (account["account_type"] == "Credit card" && account["status"] == "Active") {
        card_balance += account["balance_fen"].get<int64_t>();
        card_limit += account["credit_limit_fen"].get<int64_t>();
      }
    }
    ASSERT_EQ(worst, std::max(0, doc["worst_dpd_24m"].get<int>()));
    if (doc["worst_dpd_24m"].get<int>() == -1) {
      ASSERT_TRUE(accounts.empty());  // a bureau record but no loans
    }
    delinquent += worst > 0 ? 1 : 0;
    // Active cards' balance over limit is the utilisation; no active card without one.
    if (doc.contains("card_utilisation")) {
      ++with_card;
      ASSERT_GT(card_limit, 0);
      EXPECT_NEAR(static_cast<double>(card_balance) / static_cast<double>(card_limit),
                  doc["card_utilisation"].get<double>(), 1e-9);
    } else {
      ASSERT_EQ(card_limit, 0);
    }
  }
  // The checks above ran on many records of each kind.
  EXPECT_GT(with_bureau, 3000);
  EXPECT_GT(with_card, 1500);
  EXPECT_GT(delinquent, 400);
}

TEST(DocumentsTest, CurrentDeviceIsTheFlatDevice) {
  for (const json& doc : Docs()) {
    const CivilDate observation = ObservationOf(doc);
    const std::vector<json> devices = InTime(doc["devices"], observation);
    ASSERT_FALSE(devices.empty());
    const json& latest = devices.back();  // lists are in date order
    EXPECT_EQ(latest["device_id"], doc["device_id"]);
    EXPECT_EQ(latest["os"], doc["device_os"]);
    EXPECT_EQ(WholeMonths(DateOf(latest["date"]), observation), doc["device_tenure_months"].get<int>());
  }
}

TEST(DocumentsTest, ListsAreInDateOrder) {
  for (const json& doc : Docs()) {
    for (const char* list : kLists) {
      for (size_t i = 1; i < doc[list].size(); ++i) {
        ASSERT_LE(DateOf(doc[list][i - 1]["date"]), DateOf(doc[list][i]["date"])) << list;
      }
    }
    for (const json& account : doc["bureau_accounts"]) {
      for (size_t i = 1; i < account["status_history"].size(); ++i) {
        ASSERT_LT(DateOf(account["status_history"][i - 1]["date"]),
                  DateOf(account["status_history"][i]["date"]));
      }
    }
  }
}

// Each record, nested ones included, is late with probability ~2%: the
// late count is within four binomial standard deviations of 2%, and there
// are some in every list. Late records are 1 to 60 days late; late months
// of a status history are the next months (dated 3 days before a month
// boundary of the observation date).
TEST(DocumentsTest, AboutTwoPercentOfRecordsComeAfterTheObservationDate) {
  BernoulliSum late;
  std::map<std::string, int> late_by_list;
  const auto count = [&](const json& record, const std::string& list, CivilDate observation) {
    const CivilDate date = DateOf(record["date"]);
    late.Add(date > observation, kLateRecordShare);
    if (date <= observation) return;
    ++late_by_list[list];
    if (list == "status_history") {
      EXPECT_EQ(observation.AddMonths(WholeMonths(observation, date) + 1).AddDays(-3), date);
    } else {
      EXPECT_LE(observation.DaysUntil(date), 60) << list;
    }
  };
  for (const json& doc : Docs()) {
    const CivilDate observation = ObservationOf(doc);
    for (const char* list : kLists) {
      for (const json& record : doc[list]) {
        count(record, list, observation);
        if (record.contains("status_history")) {
          for (const json& month : record["status_history"]) count(month, "status_history", observation);
        }
      }
    }
  }
  ExpectWithinFourSigma(late, "late records");
  for (const char* list : kLists) EXPECT_GT(late_by_list[list], 10) << list;
  EXPECT_GT(late_by_list["status_history"], 100);
}

// Applicants who applied to 3+ lenders in the last 90 days opened more bureau
// accounts in that time than those who applied to none (Welch z of the means > 4).
TEST(DocumentsTest, MoreLendersIn90DaysMeanMoreRecentAccounts) {
  double n_few = 0, sum_few = 0, sq_few = 0, n_many = 0, sum_many = 0, sq_many = 0;
  for (int64_t row = 0; row < 20000; ++row) {
    const Applicant applicant = GenerateApplicant(5, row);
    if (!applicant.bureau || applicant.bureau->accounts == 0) continue;
    const int lenders = applicant.bureau->lenders_90d;
    if (lenders > 0 && lenders < 3) continue;
    const ApplicantRecords records = GenerateRecords(5, applicant, RecordSizes::kRealistic);
    int recent = 0;
    for (const BureauAccount& account : records.bureau_accounts) {
      const int age_days = account.date.DaysUntil(applicant.application_date);
      recent += age_days >= 0 && age_days < 90 ? 1 : 0;
    }
    const bool many = lenders >= 3;
    (many ? n_many : n_few) += 1;
    (many ? sum_many : sum_few) += recent;
    (many ? sq_many : sq_few) += recent * recent;
  }
  const double mean_few = sum_few / n_few, mean_many = sum_many / n_many;
  const double var_few = sq_few / n_few - mean_few * mean_few,
               var_many = sq_many / n_many - mean_many * mean_many;
  const double z = (mean_many - mean_few) / std::sqrt(var_few / n_few + var_many / n_many);
  EXPECT_GT(z, 4) << "recent accounts: " << mean_many << " with 3+ lenders, " << mean_few << " with none";
}

// Bad applicants have more late instalments (Welch z of the per-applicant
// means > 4), and more of their previous applications were refused.
TEST(DocumentsTest, BadApplicantsPaidLateMoreOften) {
  struct Group {
    double n = 0, sum = 0, sq = 0, applications = 0, refused = 0;
  } bad, good;
  for (int64_t row = 0; row < 20000; ++row) {
    const Applicant applicant = GenerateApplicant(6, row);
    const ApplicantRecords records = GenerateRecords(6, applicant, RecordSizes::kRealistic);
    int late = 0;
    for (const Installment& installment : records.installments) {
      late += installment.date <= applicant.application_date && installment.days_late > 0 ? 1 : 0;
    }
    Group& group = applicant.bad ? bad : good;
    group.n += 1;
    group.sum += late;
    group.sq += late * late;
    for (const PreviousApplication& application : records.previous_applications) {
      group.applications += 1;
      group.refused += application.decision == ApplicationDecision::kRefused ? 1 : 0;
    }
  }
  const auto mean = [](const Group& g) { return g.sum / g.n; };
  const auto variance = [&](const Group& g) { return g.sq / g.n - mean(g) * mean(g); };
  const double z = (mean(bad) - mean(good)) / std::sqrt(variance(bad) / bad.n + variance(good) / good.n);
  EXPECT_GT(z, 4) << "late instalments per applicant: bad " << mean(bad) << ", good " << mean(good);
  EXPECT_GT(bad.refused / bad.applications, good.refused / good.applications + 0.1);
}

TEST(DocumentsTest, TypicalSizeIsExactAndStillAgreesWithTheDpdAndCards) {
  const std::vector<json> docs = ReadDocs(WriteDocs("typical.jsonl", 300, 3, RecordSizes::kTypical));
  ASSERT_EQ(docs.size(), 300u);
  for (const json& doc : docs) {
    const CivilDate observation = ObservationOf(doc);
    SCOPED_TRACE(doc["applicant_id"].get<std::string>());
    const std::vector<json> accounts = InTime(doc["bureau_accounts"], observation);
    ASSERT_EQ(accounts.size(), 20u);
    int worst = 0;
    for (const json& account : accounts) {
      const std::vector<json> months = InTime(account["status_history"], observation);
      ASSERT_EQ(months.size(), 24u);
      for (const json& month : months) worst = std::max(worst, month["dpd"].get<int>());
    }
    ASSERT_EQ(worst, std::max(0, doc.value("worst_dpd_24m", 0)));
    const std::vector<json> applications = InTime(doc["previous_applications"], observation);
    ASSERT_EQ(applications.size(), 10u);
    int approved = 0;
    for (const json& application : applications) approved += application["decision"] == "Approved" ? 1 : 0;
    ASSERT_EQ(approved, 5);
    ASSERT_EQ(InTime(doc["installments"], observation).size(), 50u);
  }
}

}  // namespace
}  // namespace credo::population
