#include "ofab/fabric/app/interrupt-scope.h"

namespace ofab
{

namespace
{
// A signal handler can only reach file-level state: this flag is all the scope keeps there.
volatile std::sig_atomic_t g_sweepInterrupted = 0;

void
OnSignal(int)
{
    g_sweepInterrupted = 1;
}
} // namespace

InterruptScope::InterruptScope()
{
    g_sweepInterrupted = 0;
    struct sigaction action = {};
    action.sa_handler = OnSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; // no SA_RESTART: waits return with EINTR
    sigaction(SIGINT, &action, &m_previousInt);
    sigaction(SIGTERM, &action, &m_previousTerm);
}

InterruptScope::~InterruptScope()
{
    sigaction(SIGINT, &m_previousInt, nullptr);
    sigaction(SIGTERM, &m_previousTerm, nullptr);
}

bool
InterruptScope::Interrupted()
{
    return g_sweepInterrupted != 0;
}

} // namespace ofab
