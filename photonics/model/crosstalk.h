#ifndef OFAB_PHOTONICS_MODEL_CROSSTALK_H
#define OFAB_PHOTONICS_MODEL_CROSSTALK_H

#include <Eigen/Dense>

#include <vector>

namespace ofab
{

/**
 * Inter-channel crosstalk of a ring demultiplexer.
 *
 * Element (i, j), i != j, is the fraction of line j's optical power that the drop ring tuned to
 * line i passes to line i's photodetector: the Lorentzian T(f_j - f_i) with FWHM = f_i / Q.
 * The diagonal is zero (a line is not its own crosstalk). A ring that has drifted off its line is
 * modelled by its actual resonance, so drift changes the matrix.
 */
class CrosstalkMatrix
{
  public:
    /**
     * \param lineFrequenciesHz carrier frequency of each line
     * \param ringResonanceHz resonance of each line's drop ring (usually equal to the carrier)
     * \param ringQ loaded quality factor of the drop rings
     */
    static Eigen::MatrixXd Build(const std::vector<double>& lineFrequenciesHz,
                                 const std::vector<double>& ringResonanceHz, double ringQ);

    /// Crosstalk power reaching each detector: X * p (mW in, mW out).
    static Eigen::VectorXd LeakedPowerMw(const Eigen::MatrixXd& x, const Eigen::VectorXd& powerMw);
};

} // namespace ofab

#endif
