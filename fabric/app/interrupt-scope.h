#ifndef OFAB_FABRIC_APP_INTERRUPT_SCOPE_H
#define OFAB_FABRIC_APP_INTERRUPT_SCOPE_H

#include <csignal>

namespace ofab
{

/**
 * Catches SIGINT (Ctrl-C) and SIGTERM while alive, so a sweep can stop launching points, let the
 * running ones mark their traces incomplete and still write its index. The handler is installed
 * without SA_RESTART: a blocking waitpid() or sleep returns early with EINTR when a signal arrives.
 */
class InterruptScope
{
  public:
    InterruptScope();
    ~InterruptScope();
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;

    /// True once SIGINT or SIGTERM arrived while a scope was alive.
    static bool Interrupted();

  private:
    struct sigaction m_previousInt;
    struct sigaction m_previousTerm;
};

} // namespace ofab

#endif
