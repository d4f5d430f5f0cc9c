// Closed forms of optics-math against independent arithmetic written out here.

#include "ofab/photonics/model/optics-math.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using namespace ofab::optics;

namespace
{
/// P(X > t), X ~ Binomial(n, p), as 1 - P(X <= t) in long double.
long double
OneMinusLowerTail(unsigned n, long double p, unsigned t)
{
    long double term = std::pow(1.0L - p, (long double)n); // P(X = 0)
    long double lower = term;
    for (unsigned k = 0; k < t; ++k)
    {
        term *= (long double)(n - k) / (k + 1) * p / (1.0L - p);
        lower += term;
    }
    return 1.0L - lower;
}

/// P(X > t) by walking the pmf recurrence to k = t+1 and summing every upper term.
long double
UpperTailByRecurrence(unsigned n, long double p, unsigned t)
{
    long double logTerm = n * std::log1p(-p); // log P(X = 0)
    for (unsigned k = 0; k <= t; ++k)
    {
        logTerm += std::log((long double)(n - k) / (k + 1)) + std::log(p) - std::log1p(-p);
    }
    long double term = std::exp(logTerm); // P(X = t+1)
    long double sum = 0;
    for (unsigned k = t + 1; k <= n; ++k)
    {
        sum += term;
        term *= (long double)(n - k) / (k + 1) * p / (1.0L - p);
    }
    return sum;
}

/// Full distribution of the error count over lines, convolved in long double; tail summed upward.
long double
StripedTailByConvolution(const std::vector<unsigned>& n, const std::vector<double>& p, unsigned t)
{
    std::vector<long double> dist{1.0L};
    for (std::size_t i = 0; i < n.size(); ++i)
    {
        std::vector<long double> pmf(n[i] + 1);
        for (unsigned k = 0; k <= n[i]; ++k)
        {
            pmf[k] = std::exp(std::lgamma(n[i] + 1.0L) - std::lgamma(k + 1.0L) - std::lgamma(n[i] - k + 1.0L) +
                              k * std::log((long double)p[i]) + (n[i] - k) * std::log1p(-(long double)p[i]));
        }
        std::vector<long double> next(dist.size() + n[i], 0.0L);
        for (std::size_t a = 0; a < dist.size(); ++a)
        {
            for (std::size_t b = 0; b < pmf.size(); ++b)
            {
                next[a + b] += dist[a] * pmf[b];
            }
        }
        dist.swap(next);
    }
    long double tail = 0;
    for (std::size_t k = dist.size(); k-- > t + 1;)
    {
        tail += dist[k];
    }
    return tail;
}
} // namespace

TEST_CASE("NRZ BER at Q = 7 is 1.28e-12", "[optics]")
{
    CHECK(NrzBerFromQ(7.0) == Approx(1.28e-12).epsilon(0.01));
    CHECK(NrzBerFromQ(0.0) == Approx(0.5));
}

TEST_CASE("QFromNrzBer inverts NrzBerFromQ", "[optics]")
{
    for (double ber : {0.1, 1e-3, 2.4e-4, 1e-12, 1e-15, 1e-100})
    {
        const double q = QFromNrzBer(ber);
        CHECK(NrzBerFromQ(q) == Approx(ber).epsilon(1e-9));
    }
    // Reference points: Q 7.03 at 1e-12, Q 3.49 at 2.4e-4.
    CHECK(QFromNrzBer(1e-12) == Approx(7.0345).margin(1e-3));
    CHECK(QFromNrzBer(2.4e-4) == Approx(3.49).margin(0.01));
    CHECK(QFromNrzBer(0.5) == 0.0);
    CHECK(std::isinf(QFromNrzBer(0.0)));
}

TEST_CASE("PAM4 BER is 3/4 of NRZ at equal eye Q and matches the OMA closed form", "[optics]")
{
    for (double q : {2.0, 3.5, 7.0})
    {
        CHECK(Pam4BerFromQ(q) == Approx(0.75 * 0.5 * std::erfc(q / std::sqrt(2.0))).epsilon(1e-12));
        CHECK(Pam4BerFromEyeQs(q, q, q) == Approx(Pam4BerFromQ(q)).epsilon(1e-12));
    }
    // Thermal-limited: eye = OMA/3, Q = (OMA/3) / (2 sigma) -> (3/8) erfc(OMA / (6 sqrt2 sigma)).
    const double sigma = 2e-6;
    const double oma = 60e-6;
    CHECK(Pam4BerFromQ(oma / 3.0 / (2.0 * sigma)) ==
          Approx(3.0 / 8.0 * std::erfc(oma / (6.0 * std::sqrt(2.0) * sigma))).epsilon(1e-12));
    // Unequal eyes: (1/8) sum erfc.
    CHECK(Pam4BerFromEyeQs(3, 4, 5) ==
          Approx((std::erfc(3 / std::sqrt(2.0)) + std::erfc(4 / std::sqrt(2.0)) + std::erfc(5 / std::sqrt(2.0))) / 8));
}

TEST_CASE("unit conversions", "[optics]")
{
    CHECK(DbmToMw(0.0) == Approx(1.0));
    CHECK(DbmToMw(3.0) == Approx(1.99526).epsilon(1e-5));
    CHECK(MwToDbm(10.0) == Approx(10.0));
    CHECK(std::isinf(MwToDbm(0.0)));
    CHECK(MwToDbm(0.0) < 0);
    CHECK(DbToLinear(-20.0) == Approx(0.01));
    CHECK(LinearToDb(0.5) == Approx(-3.0103).epsilon(1e-4));
}

TEST_CASE("symbol error probability keeps precision for tiny BER", "[optics]")
{
    CHECK(SymbolErrorProbability(1e-15, 10) == Approx(1e-14).epsilon(1e-9));
    CHECK(SymbolErrorProbability(2.4e-4, 10) == Approx(1.0 - std::pow(1.0 - 2.4e-4, 10)).epsilon(1e-9));
    CHECK(SymbolErrorProbability(0.0, 10) == 0.0);
}

TEST_CASE("RS(544,514) codeword failure at the 2.4e-4 threshold matches a direct binomial sum", "[optics][fec]")
{
    const double ps = 1.0 - std::pow(1.0L - 2.4e-4L, 10);
    const double model = RsCodewordFailureProbability(ps, 544, 15);
    const long double direct = OneMinusLowerTail(544, ps, 15);
    const long double recurrence = UpperTailByRecurrence(544, ps, 15);
    INFO("model " << model << " direct " << (double)direct);
    CHECK(model > 1e-13);
    CHECK(model < 1e-10); // post-FEC around 1e-12 per codeword at the threshold
    CHECK(model == Approx((double)direct).epsilon(1e-6));
    CHECK(model == Approx((double)recurrence).epsilon(1e-10));

    // Far below threshold the value lives where 1 - lower tail cannot reach: log-space must hold.
    const double low = RsCodewordFailureProbability(1e-5, 544, 15);
    CHECK(low == Approx((double)UpperTailByRecurrence(544, 1e-5L, 15)).epsilon(1e-9));
    CHECK(low < 1e-40);
    CHECK(RsCodewordFailureProbability(0.0, 544, 15) == 0.0);
    CHECK(RsCodewordFailureProbability(1.0, 544, 15) == 1.0);
}

TEST_CASE("striped codeword failure: equal lines equal the plain code, a bad line raises it", "[optics][fec]")
{
    const double ps = SymbolErrorProbability(2.4e-4, 10);
    const std::vector<unsigned> symbols(8, 68); // 544 symbols over 8 lines
    const std::vector<double> equal(8, ps);
    const double plain = RsCodewordFailureProbability(ps, 544, 15);
    CHECK(StripedCodewordFailureProbability(symbols, equal, 15) == Approx(plain).epsilon(1e-9));

    std::vector<double> oneBad = equal;
    oneBad[3] = SymbolErrorProbability(2e-3, 10);
    const double striped = StripedCodewordFailureProbability(symbols, oneBad, 15);
    CHECK(striped > plain * 10.0);
    CHECK(striped == Approx((double)StripedTailByConvolution(symbols, oneBad, 15)).epsilon(1e-9));

    std::vector<double> oneBetter = equal;
    oneBetter[3] = SymbolErrorProbability(1e-6, 10);
    CHECK(StripedCodewordFailureProbability(symbols, oneBetter, 15) < plain);

    // Uneven split (544 over 6 lines: 91,91,91,91,90,90) still totals 544 symbols.
    const std::vector<unsigned> six{91, 91, 91, 91, 90, 90};
    CHECK(StripedCodewordFailureProbability(six, std::vector<double>(6, ps), 15) == Approx(plain).epsilon(1e-9));
}
