// Differential tests against ansible-core (filled in below).
#include <gtest/gtest.h>
