// Ring demultiplexer crosstalk: Lorentzian drop response and the N x N coupling matrix.

#include "ofab/photonics/model/crosstalk.h"
#include "ofab/photonics/model/optics-math.h"

#include "photonics-test-util.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using namespace ofab;

namespace
{
constexpr double kF0 = 228.8e12;
constexpr double kQ = 10000.0;

std::vector<double>
Grid(unsigned n, double spacingHz)
{
    std::vector<double> f(n);
    for (unsigned i = 0; i < n; ++i)
    {
        f[i] = kF0 + (i - 0.5 * (n - 1)) * spacingHz;
    }
    return f;
}
} // namespace

TEST_CASE("Lorentzian crosstalk at Q 10k: -18.9 / -24.9 / -30.9 dB at 100 / 200 / 400 GHz", "[crosstalk]")
{
    const double fwhm = kF0 / kQ;
    CHECK(10 * std::log10(optics::LorentzianDrop(100e9, fwhm)) == Approx(-18.9).margin(0.05));
    CHECK(10 * std::log10(optics::LorentzianDrop(200e9, fwhm)) == Approx(-24.9).margin(0.05));
    CHECK(10 * std::log10(optics::LorentzianDrop(400e9, fwhm)) == Approx(-30.9).margin(0.05));
    CHECK(optics::LorentzianDrop(0.0, fwhm) == 1.0);
    CHECK(optics::LorentzianDrop(fwhm / 2, fwhm) == Approx(0.5)); // half maximum at +-FWHM/2

    // The same numbers from the matrix: neighbours of a ring at f0 on 100 / 200 / 400 GHz offsets.
    const std::vector<double> lines{kF0, kF0 + 100e9, kF0 + 200e9, kF0 + 400e9};
    const std::vector<double> rings{kF0, kF0 + 100e9, kF0 + 200e9, kF0 + 400e9};
    const Eigen::MatrixXd x = CrosstalkMatrix::Build(lines, rings, kQ);
    CHECK(10 * std::log10(x(0, 1)) == Approx(-18.9).margin(0.05));
    CHECK(10 * std::log10(x(0, 2)) == Approx(-24.9).margin(0.05));
    CHECK(10 * std::log10(x(0, 3)) == Approx(-30.9).margin(0.05));
}

TEST_CASE("crosstalk matrix: zero diagonal, near symmetric on an even grid, Lorentzian entries", "[crosstalk]")
{
    const auto f = Grid(8, 200e9);
    const Eigen::MatrixXd x = CrosstalkMatrix::Build(f, f, kQ);
    REQUIRE(x.rows() == 8);
    REQUIRE(x.cols() == 8);
    for (int i = 0; i < 8; ++i)
    {
        CHECK(x(i, i) == 0.0);
        for (int j = 0; j < 8; ++j)
        {
            if (i == j)
            {
                continue;
            }
            CHECK(x(i, j) == Approx(test::Lorentzian(f[j] - f[i], f[i] / kQ)).epsilon(1e-12));
            // Only the ring linewidth (f_i / Q) differs between (i,j) and (j,i): ~0.1 % per 200 GHz.
            CHECK(x(i, j) == Approx(x(j, i)).epsilon(0.02));
        }
    }
    // Equal spacing: every nearest-neighbour coupling is the same to the linewidth difference.
    CHECK(x(0, 1) == Approx(x(5, 6)).epsilon(0.02));
    CHECK(x(0, 1) > x(0, 2));
    CHECK(x(0, 2) > x(0, 3));

    // X * p: leaked power of line powers p.
    Eigen::VectorXd p = Eigen::VectorXd::Constant(8, 2.0);
    p[4] = 0.0; // line 4 dark
    const Eigen::VectorXd leak = CrosstalkMatrix::LeakedPowerMw(x, p);
    double expect3 = 0;
    for (int j = 0; j < 8; ++j)
    {
        expect3 += (j == 3 ? 0.0 : x(3, j) * p[j]);
    }
    CHECK(leak[3] == Approx(expect3).epsilon(1e-12));
}

TEST_CASE("a drifted ring changes only its own row, towards the line it drifts to", "[crosstalk]")
{
    const auto f = Grid(8, 200e9);
    const Eigen::MatrixXd nominal = CrosstalkMatrix::Build(f, f, kQ);
    auto rings = f;
    rings[3] += 50e9; // ring 3 drifts 50 GHz up, towards line 4
    const Eigen::MatrixXd drifted = CrosstalkMatrix::Build(f, rings, kQ);
    for (int i = 0; i < 8; ++i)
    {
        for (int j = 0; j < 8; ++j)
        {
            if (i != 3)
            {
                CHECK(drifted(i, j) == nominal(i, j));
            }
        }
    }
    CHECK(drifted(3, 4) > nominal(3, 4) * 1.5);
    CHECK(drifted(3, 2) < nominal(3, 2));
    CHECK(drifted(3, 4) == Approx(test::Lorentzian(150e9, rings[3] / kQ)).epsilon(1e-12));
    CHECK(drifted(3, 3) == 0.0);

    // Sitting right on line 4, ring 3 drops all of it.
    rings[3] = f[4];
    CHECK(CrosstalkMatrix::Build(f, rings, kQ)(3, 4) == Approx(1.0));
}
