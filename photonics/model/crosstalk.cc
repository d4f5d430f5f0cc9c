#include "ofab/photonics/model/crosstalk.h"

#include "ofab/photonics/model/optics-math.h"

#include <stdexcept>

namespace ofab
{

Eigen::MatrixXd
CrosstalkMatrix::Build(const std::vector<double>& lineFrequenciesHz, const std::vector<double>& ringResonanceHz,
                       double ringQ)
{
    const auto n = static_cast<Eigen::Index>(lineFrequenciesHz.size());
    if (ringResonanceHz.size() != lineFrequenciesHz.size())
    {
        throw std::invalid_argument("CrosstalkMatrix::Build: one ring resonance per line expected");
    }
    Eigen::MatrixXd x = Eigen::MatrixXd::Zero(n, n);
    for (Eigen::Index i = 0; i < n; ++i)
    {
        // Row i belongs to ring i: its own resonance and linewidth, seen by every other carrier.
        const double fwhmHz = ringResonanceHz[i] / ringQ;
        for (Eigen::Index j = 0; j < n; ++j)
        {
            if (i != j)
            {
                x(i, j) = optics::LorentzianDrop(lineFrequenciesHz[j] - ringResonanceHz[i], fwhmHz);
            }
        }
    }
    return x;
}

Eigen::VectorXd
CrosstalkMatrix::LeakedPowerMw(const Eigen::MatrixXd& x, const Eigen::VectorXd& powerMw)
{
    return x * powerMw;
}

} // namespace ofab
