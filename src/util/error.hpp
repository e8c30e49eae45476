#pragma once
#include <stdexcept>
#include <string>

namespace peregrine {

// Every failure the library reports to a user: one line, naming the file or input and the problem.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace peregrine
