#include "ofab/protocols/model/transaction.h"

namespace ofab
{

const char*
ToString(TransactionKind k)
{
    switch (k)
    {
    case TransactionKind::Read:
        return "Read";
    case TransactionKind::Write:
        return "Write";
    case TransactionKind::WriteFull:
        return "WriteFull";
    case TransactionKind::AtomicR:
        return "AtomicR";
    case TransactionKind::AtomicNR:
        return "AtomicNR";
    }
    return "?";
}

const char*
ToString(TransactionStatus s)
{
    switch (s)
    {
    case TransactionStatus::Okay:
        return "OKAY";
    case TransactionStatus::DecodeError:
        return "DecodeError";
    case TransactionStatus::ProtectionViolation:
        return "ProtectionViolation";
    case TransactionStatus::CompletionTimeout:
        return "CompletionTimeout";
    case TransactionStatus::Isolate:
        return "Isolate";
    case TransactionStatus::LinkDown:
        return "LinkDown";
    }
    return "?";
}

const char*
ToString(TransactionState s)
{
    switch (s)
    {
    case TransactionState::WaitingForTag:
        return "WaitingForTag";
    case TransactionState::Outstanding:
        return "Outstanding";
    case TransactionState::Completed:
        return "Completed";
    case TransactionState::Failed:
        return "Failed";
    }
    return "?";
}

} // namespace ofab
