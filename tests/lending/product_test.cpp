// Product files: the three shipped examples, errors that name the file,
// line and field, the cap on a whole product, and offers made from products.
#include "lending/product.h"

#include <gtest/gtest.h>

#include <string>

#include "lending/offer.h"

namespace credo::lending {
namespace {

const std::string kExamples = std::string(CREDO_SOURCE_DIR) + "/examples/products/";

Product Load(const std::string& name) {
  Result<Product> product = LoadProductFile(kExamples + name);
  EXPECT_TRUE(product.ok()) << product.status().ToString();
  return product.ok() ? *product : Product{};
}

// A minimal valid cash-loan product, with `extra` lines appended.
std::string CashProduct(const std::string& extra = "") {
  return "name: test_cash\n"
         "kind: cash-loan\n"
         "repayment_method: equal-installment\n"
         "amount: {min: \"500.00\", max: \"50000.00\"}\n"
         "terms_months: [3, 6, 12]\n"
         "interest_rate_bps: {min: 720, max: 2000}\n" +
         extra;
}

// The error ParseProduct gives for `yaml`, as "source:line:column: message".
std::string ErrorOf(const std::string& yaml) {
  Result<Product> product = ParseProduct(yaml, "p.yaml");
  EXPECT_FALSE(product.ok());
  return product.ok() ? "" : product.status().ToString();
}

TEST(ProductTest, LoadsTheShippedGoodsInstallment) {
  const Product p = Load("goods_installment.yaml");
  EXPECT_EQ(p.name, "goods_installment");
  EXPECT_EQ(p.display_name, "商品分期");
  EXPECT_EQ(p.kind, ProductKind::kGoodsInstallment);
  EXPECT_EQ(p.method, RepaymentMethod::kFlatFee);
  EXPECT_EQ(p.max_rate_bps, 0);
  EXPECT_EQ(p.fee_per_period_bps, 60);
  EXPECT_EQ(p.merchant_discount_bps, 300);
  EXPECT_EQ(p.min_amount_fen, 30'000);
  EXPECT_EQ(p.day_count_basis, 360);
  EXPECT_EQ(p.apr_cap_bps, 2400);
}

TEST(ProductTest, LoadsTheShippedCashInstallmentAndRevolvingLine) {
  const Product cash = Load("cash_installment.yaml");
  EXPECT_EQ(cash.kind, ProductKind::kCashLoan);
  EXPECT_EQ(cash.method, RepaymentMethod::kEqualInstallment);
  EXPECT_EQ(cash.upfront_fee_bps, 50);
  EXPECT_EQ(cash.allocation_order,
            (std::vector<DueComponent>{DueComponent::kPenalty, DueComponent::kFee, DueComponent::kInterest,
                                       DueComponent::kPrincipal}));
  const Product line = Load("revolving_line.yaml");
  EXPECT_EQ(line.kind, ProductKind::kRevolvingLine);
  EXPECT_EQ(line.max_credit_limit_fen, 5'000'000);
  EXPECT_EQ(line.day_count_basis, 365);
  EXPECT_EQ(line.terms_months, (std::vector<int>{1, 3, 6, 12}));
}

// revolving_line.yaml's max_limit is 50000.00: a line may have that and no
// more; a cash-loan product carries no line at all.
TEST(ProductTest, CreditLimitsFitOnlyARevolvingLineUpToItsLargest) {
  const Product line = Load("revolving_line.yaml");
  EXPECT_TRUE(CheckCreditLimit(line, 5'000'000).ok());
  const Status over = CheckCreditLimit(line, 5'000'001);
  EXPECT_EQ(over.code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(over.path(), "limit");
  const Status cash = CheckCreditLimit(Load("cash_installment.yaml"), 100'000);
  EXPECT_EQ(cash.code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(cash.path(), "product");
}

TEST(ProductTest, DefaultsWhenFieldsAreLeftOut) {
  Result<Product> p = ParseProduct(CashProduct(), "p.yaml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->rounding, RoundingMode::kHalfUp);
  EXPECT_EQ(p->day_count_basis, 360);
  EXPECT_EQ(p->apr_cap_bps, 2400);
  EXPECT_EQ(p->allocation_order.front(), DueComponent::kPenalty);
  EXPECT_EQ(p->display_name, "test_cash");
}

TEST(ProductTest, ErrorsNameFileLineAndField) {
  EXPECT_EQ(ErrorOf(CashProduct("rounding: bankers\n")),
            "p.yaml:7:11: field 'rounding': unknown rounding 'bankers' (half-up, up, down, half-even)");
  std::string error = ErrorOf(CashProduct("grace_dayz: 3\n"));
  EXPECT_EQ(error.rfind("p.yaml:7:1: field 'grace_dayz': unknown field", 0), 0u) << error;
  error = ErrorOf(
      "name: x\nkind: cash-loan\nrepayment_method: equal-installment\namount: {min: \"500.005\", max: 9}\n");
  EXPECT_EQ(
      error.rfind("p.yaml:4:15: field 'amount.min': '500.005' is not an amount of money: more than two", 0),
      0u)
      << error;
  error = ErrorOf("name: x\nkind: cash-loan\nrepayment_method: equal-installment\n");
  EXPECT_NE(error.find("field 'amount': is required"), std::string::npos) << error;
  error = ErrorOf(CashProduct("day_count_basis: 364\n"));
  EXPECT_EQ(error, "p.yaml:7:18: field 'day_count_basis': must be 360 or 365");
  error = ErrorOf(CashProduct("allocation_order: [penalty, fee, fee, principal]\n"));
  EXPECT_EQ(error, "p.yaml:7:34: field 'allocation_order[2]': 'fee' is listed twice");
  error = ErrorOf(CashProduct("merchant_discount_bps: 200\n"));
  EXPECT_NE(error.find("field 'merchant_discount_bps': only a goods-installment product"), std::string::npos);
  error = ErrorOf(CashProduct("grace_days: three\n"));
  EXPECT_EQ(error, "p.yaml:7:13: field 'grace_days': 'three' is not a whole number");
}

TEST(ProductTest, RejectsInconsistentRanges) {
  std::string error = ErrorOf(
      "name: x\nkind: cash-loan\nrepayment_method: equal-installment\namount: {min: \"500\", max: \"100\"}\n"
      "terms_months: [3]\ninterest_rate_bps: 100\n");
  EXPECT_NE(error.find("field 'amount.max': is less than amount.min"), std::string::npos) << error;
  error = ErrorOf(
      "name: x\nkind: cash-loan\nrepayment_method: equal-installment\namount: {min: \"500\", max: \"900\"}\n"
      "terms_months: [6, 3]\ninterest_rate_bps: 100\n");
  EXPECT_EQ(error,
            "p.yaml:5:19: field 'terms_months[1]': terms must be listed in increasing order, each once");
  error = ErrorOf(
      "name: x\nkind: goods-installment\nrepayment_method: flat-fee\namount: {min: \"500\", max: \"900\"}\n"
      "terms_months: [3]\ninterest_rate_bps: 100\n");
  EXPECT_NE(error.find("must be 0: flat-fee installments carry no interest"), std::string::npos) << error;
  error = ErrorOf(
      "name: x\nkind: revolving-line\nrepayment_method: equal-installment\namount: {min: \"500\", max: "
      "\"900\"}\n"
      "terms_months: [3]\ninterest_rate_bps: 100\n");
  EXPECT_NE(error.find("field 'credit_line': is required"), std::string::npos) << error;
}

TEST(ProductTest, RejectsAProductAboveItsCap) {
  // Rates up to 20% plus a 1% upfront fee: on a 3-month loan the fee alone adds about
  // 1% / (2/12 of a year outstanding on average) ≈ 6%, so the worst offer is ~26%.
  const std::string error = ErrorOf(CashProduct("fees: {upfront_bps: 100}\n"));
  EXPECT_EQ(
      error.rfind("p.yaml:6:20: field 'interest_rate_bps': product 'test_cash' is above its APR cap", 0), 0u)
      << error;
  EXPECT_NE(error.find("over 3 months"), std::string::npos) << error;
  // A lower cap catches the plain rate too.
  EXPECT_NE(ErrorOf(CashProduct("apr_cap_bps: 1800\n")).find("above apr_cap_bps 18.00%"), std::string::npos);
}

TEST(ProductTest, ReportsYamlSyntaxErrorsWithTheirPosition) {
  const std::string error = ErrorOf("name: x\nkind: [cash-loan\n");
  EXPECT_EQ(error.rfind("p.yaml:", 0), 0u) << error;
  EXPECT_NE(error.find("not valid YAML"), std::string::npos) << error;
  EXPECT_EQ(LoadProductFile("/nonexistent/p.yaml").status().code(), ErrorCode::kNotFound);
}

TEST(OfferTest, GoodsInstallmentFeesAndMerchantDiscount) {
  const Product goods = Load("goods_installment.yaml");
  OfferRequest request;
  request.principal_fen = 360'000;  // 3,600.00 over 12 months
  request.term_months = 12;
  request.start = *CivilDate::Parse("2026-03-01");
  Result<LoanTerms> terms = TermsFromProduct(goods, request);
  ASSERT_TRUE(terms.ok()) << terms.status().ToString();
  // 0.60% of 3,600 = 21.60 a month; 3% merchant discount = 108.00; no interest.
  EXPECT_EQ(terms->interest_annual_bps, 0);
  EXPECT_EQ(terms->merchant_discount_fen, 10'800);
  Result<Schedule> schedule = PriceOffer(*terms, goods.apr_cap_bps);
  ASSERT_TRUE(schedule.ok()) << schedule.status().ToString();
  EXPECT_EQ(schedule->installments[0].fee_fen, 2'160);
  EXPECT_EQ(schedule->installments[0].principal_fen, 30'000);
  // The merchant's discount is not the customer's cost: the APR is that of the fee alone, about
  // 13% for 0.6% a month over 12 months (the 16.2% example scaled by 0.6 / 0.75, roughly).
  EXPECT_GT(schedule->apr_irr_bps, 1250);
  EXPECT_LT(schedule->apr_irr_bps, 1350);
}

TEST(OfferTest, RequestsOutsideTheProductNameTheField) {
  const Product cash = Load("cash_installment.yaml");
  OfferRequest request;
  request.principal_fen = 270'000;
  request.term_months = 12;
  request.rate_bps = 1800;
  request.start = *CivilDate::Parse("2026-01-15");
  ASSERT_TRUE(TermsFromProduct(cash, request).ok());
  // 0.5% upfront on 2,700 = 13.50, kept at disbursement.
  EXPECT_EQ(TermsFromProduct(cash, request)->upfront_fee_fen, 1'350);

  OfferRequest bad = request;
  bad.term_months = 7;
  EXPECT_EQ(TermsFromProduct(cash, bad).status().path(), "term");
  EXPECT_NE(TermsFromProduct(cash, bad).status().message().find("(6, 9, 12, 18, 24, 36)"), std::string::npos);
  bad = request;
  bad.principal_fen = 100'000'00;
  EXPECT_EQ(TermsFromProduct(cash, bad).status().path(), "principal");
  bad = request;
  bad.rate_bps = 2100;
  EXPECT_EQ(TermsFromProduct(cash, bad).status().path(), "rate");
  bad = request;
  bad.rate_bps.reset();  // the product's lowest rate
  EXPECT_EQ(TermsFromProduct(cash, bad)->interest_annual_bps, 720);
}

TEST(OfferTest, PriceRequestTakesAPlainLoanOrAProductsOwnMethod) {
  OfferRequest request;
  request.principal_fen = 100'000;  // 1,000.00 over 3 months at 12% a year
  request.term_months = 3;
  request.rate_bps = 1200;
  request.start = *CivilDate::Parse("2026-01-31");
  // Without a product, equal principal: 1% a month on what is left, by hand
  // 10.00, 6.67 and 3.33 of interest; 333.33 + 333.33 + 333.34 of principal.
  Result<Schedule> plain = PriceRequest(request, RepaymentMethod::kEqualPrincipal, nullptr);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  ASSERT_EQ(plain->installments.size(), 3u);
  EXPECT_EQ(plain->installments[0].interest_fen, 1'000);
  EXPECT_EQ(plain->installments[1].interest_fen, 667);
  EXPECT_EQ(plain->installments[2].interest_fen, 333);
  EXPECT_EQ(plain->installments[0].principal_fen + plain->installments[1].principal_fen +
                plain->installments[2].principal_fen,
            100'000);
  // Without a method, equal installments.
  EXPECT_EQ(PriceRequest(request, std::nullopt, nullptr)->terms.method, RepaymentMethod::kEqualInstallment);
  // Above the default 24% cap: the rate is at fault.
  OfferRequest dear = request;
  dear.rate_bps = 3600;
  EXPECT_EQ(PriceRequest(dear, std::nullopt, nullptr).status().path(), "rate");

  // A product repays by its own method: naming another is refused at "method".
  const Product cash = Load("cash_installment.yaml");
  request.principal_fen = 270'000;
  request.term_months = 12;
  request.rate_bps = 1800;
  EXPECT_TRUE(PriceRequest(request, RepaymentMethod::kEqualInstallment, &cash).ok());
  Result<Schedule> other = PriceRequest(request, RepaymentMethod::kEqualPrincipal, &cash);
  EXPECT_EQ(other.status().path(), "method");
  EXPECT_NE(other.status().message().find("repays by equal-installment, not equal-principal"),
            std::string::npos)
      << other.status().message();
  // The product's own checks still name their field.
  request.term_months = 7;
  EXPECT_EQ(PriceRequest(request, std::nullopt, &cash).status().path(), "term");
}

}  // namespace
}  // namespace credo::lending
