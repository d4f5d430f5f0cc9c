#ifndef OFAB_FOUNDATION_PARAMETER_ERROR_H
#define OFAB_FOUNDATION_PARAMETER_ERROR_H

#include <stdexcept>
#include <string>

namespace ofab
{

/**
 * A model parameter (an ns-3 attribute) holds a value the model cannot work with.
 *
 * Models throw it from Validate() instead of aborting, so that the configuration layer can map
 * the attribute back to the YAML key (file, line) the user wrote and print one clear message.
 */
class ParameterError : public std::invalid_argument
{
  public:
    ParameterError(std::string attribute, const std::string& message)
        : std::invalid_argument(attribute + ": " + message),
          m_attribute(std::move(attribute)),
          m_message(message)
    {
    }

    /// Name of the offending ns-3 attribute, e.g. "SpacingGhz".
    const std::string& Attribute() const { return m_attribute; }

    /// What was expected, without the attribute name.
    const std::string& Message() const { return m_message; }

  private:
    std::string m_attribute;
    std::string m_message;
};

} // namespace ofab

#endif
