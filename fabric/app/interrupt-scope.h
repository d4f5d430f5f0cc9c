#ifndef OFAB_FABRIC_APP_INTERRUPT_SCOPE_H
#define OFAB_FABRIC_APP_INTERRUPT_SCOPE_H

#include <csignal>

namespace ofab
{

/**
 * Catches SIGINT (Ctrl-C), SIGTERM (timeout, Slurm's time limit and scancel, systemd, container
 * runtimes) and SIGHUP (a closed terminal) while alive, so that a run can stop at its next check and
 * mark its trace incomplete, and a sweep can stop launching points, let the running ones do so and
 * still write its index. The handler is installed without SA_RESTART: a blocking waitpid() or sleep
 * returns early with EINTR when a signal arrives.
 */
class InterruptScope
{
  public:
    InterruptScope();
    ~InterruptScope();
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;

    /// True once one of the signals arrived while a scope was alive.
    static bool Interrupted();
    /// "SIGINT", "SIGTERM" or "SIGHUP": the first that arrived ("" when none did).
    static const char* SignalName();

  private:
    struct sigaction m_previousInt;
    struct sigaction m_previousTerm;
    struct sigaction m_previousHup;
};

} // namespace ofab

#endif
